/**
 * Canonical hashing (RFC 8785 canonicalize + SHA-256, MB/s of canonical output) on a ~4 KB FHIR Patient and a
 * ~100 KB Bundle of Synthea entries, with peers in the same run: the `canonicalize` and `json-canonicalize` npm
 * packages (+ node:crypto sha256), and `JSON.stringify` + node:crypto sha256 as the practical limit (not
 * canonical). Also: content ids, EIP-712 consent hashing (viem as peer), and secp256k1 digest sign/verify/recover.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import npmCanonicalize from 'canonicalize'
import { canonicalize as jsonCanonicalize } from 'json-canonicalize'
import { hashTypedData as viemHashTypedData } from 'viem'
import { utf8ToBytes } from '../bytes/index.js'
import type { Consent } from '../consent/types.js'
import { hashTypedData } from '../eip712/hashTypedData.js'
import { consentTypedData, createSaltedDomain } from '../eip712/structures.js'
import { createParty } from '../identity/createParty.js'
import { recoverAddress, verifyDigest } from '../identity/signature.js'
import type { Hex } from '../types.js'
import { canonicalize, canonicalizeToBytes } from './canonicalize.js'
import { createContentId } from './contentId.js'

type NodeCrypto = { createHash(alg: string): { update(data: string | Uint8Array): { digest(): Uint8Array } } }
type NodeFs = { readFileSync(path: string, enc: string): string; readdirSync(path: string): string[] }

// Node-only harness code: core's tsconfig has no Node types and its rootDir is src/, so Node built-ins and the
// harness (scripts/bench/harness.ts) are loaded at run time.
const load = (name: string) => import(/* @vite-ignore */ name)
type BenchContext = {
  ops(name: string, fn: () => unknown, opts?: { peer?: string }): Promise<number>
  throughput(name: string, bytesPerOp: number, fn: () => unknown, opts?: { peer?: string }): Promise<number>
  record(result: { name: string; value: number; unit: string; peer?: string }): void
}
const HARNESS = '../../../../scripts/bench/harness.js'
const { defineBench } = (await load(HARNESS)) as {
  defineBench: (group: string, run: (ctx: BenchContext) => Promise<void>) => void
}

const VECTORS = new URL('../../../../../shared/vectors/fhir/', import.meta.url).pathname

/** ~100 KB Bundle: Synthea entries (in file order) until the JSON text passes 100,000 bytes. */
function syntheaBundle(fs: NodeFs): unknown {
  const dir = `${VECTORS}synthea/`
  const entries: unknown[] = []
  let size = 0
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const bundle = JSON.parse(fs.readFileSync(dir + file, 'utf8')) as { entry?: unknown[] }
    for (const e of bundle.entry ?? []) {
      entries.push(e)
      size += JSON.stringify(e).length
      if (size > 100_000) return { resourceType: 'Bundle', type: 'collection', entry: entries }
    }
  }
  return { resourceType: 'Bundle', type: 'collection', entry: entries }
}

defineBench('canonical', async (ctx) => {
  const crypto = (await load('node:crypto')) as NodeCrypto
  const fs = (await load('node:fs')) as NodeFs
  const nodeSha256 = (data: string | Uint8Array) => crypto.createHash('sha256').update(data).digest()

  const inputs: [string, unknown][] = [
    [
      'FHIR Patient (Patient-example.json)',
      JSON.parse(fs.readFileSync(`${VECTORS}examples/Patient-example.json`, 'utf8')),
    ],
    ['~100 KB Bundle (Synthea entries)', syntheaBundle(fs)],
  ]
  for (const [label, value] of inputs) {
    const bytes = canonicalizeToBytes(value).length
    ctx.record({ name: `${label}: canonical size`, value: bytes, unit: 'bytes' })
    await ctx.throughput(`${label}: canonicalizeToBytes + sha256 (@noble/hashes)`, bytes, () =>
      sha256(canonicalizeToBytes(value)),
    )
    await ctx.throughput(`${label}: canonicalize + sha256 (node:crypto)`, bytes, () => nodeSha256(canonicalize(value)))
    await ctx.throughput(`${label}: canonicalize only`, bytes, () => canonicalize(value))
    await ctx.throughput(`${label}: createContentId(canonicalizeToBytes)`, bytes, () =>
      createContentId(canonicalizeToBytes(value)),
    )
    await ctx.throughput(
      `${label}: canonicalize (npm) + sha256 (node:crypto)`,
      bytes,
      () => nodeSha256(npmCanonicalize(value) as string),
      { peer: 'canonicalize@5.1.0' },
    )
    await ctx.throughput(
      `${label}: json-canonicalize + sha256 (node:crypto)`,
      bytes,
      () => nodeSha256(jsonCanonicalize(value)),
      { peer: 'json-canonicalize@3.0.1' },
    )
    await ctx.throughput(
      `${label}: JSON.stringify + sha256 (node:crypto), not canonical`,
      bytes,
      () => nodeSha256(JSON.stringify(value)),
      { peer: 'JSON.stringify+node:crypto' },
    )
  }
})

/**
 * The same comparison, interleaved: each contender runs a batch in turn, round after round, so that all of them see
 * the same machine load (a shared, loaded machine moves back-to-back timing windows by 2× or more).
 */
defineBench('canonical interleaved', async (ctx) => {
  const crypto = (await load('node:crypto')) as NodeCrypto
  const fs = (await load('node:fs')) as NodeFs
  const nodeSha256 = (data: string | Uint8Array) => crypto.createHash('sha256').update(data).digest()
  type Usage = { user: number; system: number }
  const proc = (
    globalThis as {
      process?: { env: Record<string, string | undefined>; cpuUsage?: (since?: Usage) => Usage }
    }
  ).process
  const env = proc?.env ?? {}
  const cpuUsage = proc?.cpuUsage?.bind(proc)
  const totalMs = Number(env.BENCH_TIME_MS ?? 600) * 4
  const inputs: [string, unknown, number][] = [
    [
      'FHIR Patient (Patient-example.json)',
      JSON.parse(fs.readFileSync(`${VECTORS}examples/Patient-example.json`, 'utf8')),
      64,
    ],
    ['~100 KB Bundle (Synthea entries)', syntheaBundle(fs), 2],
  ]
  for (const [label, value, batch] of inputs) {
    const bytes = canonicalizeToBytes(value).length
    const contenders: [string, () => unknown, string | undefined][] = [
      ['canonicalize + sha256 (node:crypto)', () => nodeSha256(canonicalize(value)), undefined],
      [
        'canonicalize (npm) + sha256 (node:crypto)',
        () => nodeSha256(npmCanonicalize(value) as string),
        'canonicalize@5.1.0',
      ],
      [
        'json-canonicalize + sha256 (node:crypto)',
        () => nodeSha256(jsonCanonicalize(value)),
        'json-canonicalize@3.0.1',
      ],
      [
        'JSON.stringify + sha256 (node:crypto), not canonical',
        () => nodeSha256(JSON.stringify(value)),
        'JSON.stringify+node:crypto',
      ],
      ['canonical form only', () => canonicalize(value), undefined],
      ['canonical form only: canonicalize (npm)', () => npmCanonicalize(value), 'canonicalize@5.1.0'],
      ['JSON.stringify only, not canonical', () => JSON.stringify(value), 'JSON.stringify'],
    ]
    const spent = contenders.map(() => 0)
    const cpu = contenders.map(() => 0)
    const done = contenders.map(() => 0)
    for (const [, fn] of contenders) for (let i = 0; i < batch * 4; i++) fn() // warm up
    const end = performance.now() + totalMs
    while (performance.now() < end)
      contenders.forEach(([, fn], k) => {
        const c = cpuUsage?.()
        const t = performance.now()
        for (let i = 0; i < batch; i++) fn()
        spent[k] = (spent[k] as number) + performance.now() - t
        if (c) {
          const d = cpuUsage?.(c) as { user: number; system: number }
          cpu[k] = (cpu[k] as number) + (d.user + d.system) / 1000
        }
        done[k] = (done[k] as number) + batch
      })
    contenders.forEach(([name, , peer], k) => {
      ctx.record({
        name: `${label}: ${name} (interleaved)`,
        value: (bytes * (done[k] as number)) / 1e6 / ((spent[k] as number) / 1000),
        unit: 'MB/s',
        ...(peer ? { peer } : {}),
      })
    })
    // The same rounds by the process's CPU time (single-threaded work): what a loaded machine does not distort.
    if (cpuUsage)
      contenders.forEach(([name, , peer], k) => {
        ctx.record({
          name: `${label}: ${name} (interleaved, per CPU second)`,
          value: (bytes * (done[k] as number)) / 1e6 / ((cpu[k] as number) / 1000),
          unit: 'MB/s',
          ...(peer ? { peer } : {}),
        })
      })
  }
})

defineBench('eip712 and signatures', async (ctx) => {
  const party = createParty({ seed: new Uint8Array(32).fill(1) })
  const other = createParty({ seed: new Uint8Array(32).fill(2) })
  const domain = createSaltedDomain('memory:bench')
  const consent: Consent = {
    id: `0x${'ab'.repeat(32)}` as Hex,
    grantor: party.address,
    grantee: other.address,
    parent: `0x${'00'.repeat(32)}` as Hex,
    resourceTypes: ['Observation', 'Condition', 'MedicationRequest'],
    commitments: [`0x${'11'.repeat(32)}` as Hex],
    exclude: ['PSY'],
    actions: ['read', 'search'],
    purposes: ['TREAT'],
    notBefore: 1_700_000_000,
    expiresAt: 1_800_000_000,
    delegationDepth: 0,
  }
  const typed = consentTypedData(domain, consent)
  await ctx.ops('hashTypedData (Consent)', () => hashTypedData(typed))
  await ctx.ops('hashTypedData (Consent)', () => viemHashTypedData(typed as never), { peer: 'viem@2.57.20' })

  const digest = sha256(utf8ToBytes('medseal bench digest'))
  const sig = party.signDigest(digest)
  await ctx.ops('secp256k1 signDigest (RFC 6979, low-s)', () => party.signDigest(digest))
  await ctx.ops('secp256k1 verifyDigest (by address)', () => verifyDigest(party.address, digest, sig))
  await ctx.ops('secp256k1 recoverAddress', () => recoverAddress(digest, sig))
})
