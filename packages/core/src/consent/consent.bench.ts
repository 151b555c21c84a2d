/**
 * Consent tokens: EIP-712 sign and verify against viem (same run, same machine), and `authorize` decisions per
 * second on the memory adapter holding 10^5 registered grants (set BENCH_CONSENT_GRANTS to change the count).
 */

import { sha256 } from '@noble/hashes/sha2.js'
import { verifyTypedData } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { defineBench } from '../../../../scripts/bench/harness.js'
import { bytesToHex0x, utf8ToBytes } from '../bytes/index.js'
import { createSaltedDomain } from '../eip712/structures.js'
import { createParty } from '../identity/createParty.js'
import { recoverAddress } from '../identity/signature.js'
import type { Party } from '../identity/types.js'
import { consentKey } from '../ledger/consentKey.js'
import type { ConsentRecord, LedgerAdapter } from '../ledger/types.js'
import type { Hex } from '../types.js'
import { authorize } from './authorize.js'
import { type ConsentCache, createConsentCache } from './consentCache.js'
import { decodeConsentToken, encodeConsentToken } from './consentToken.js'
import { createConsent } from './createConsent.js'
import { consentTypes } from './types.js'
import { createConsentToken, verifyConsent } from './verifyConsent.js'

/** The memory adapter's sources, loaded at run time (core cannot depend on the adapter, which depends on core). */
const MEMORY_ADAPTER = new URL('../../../adapters/memory/src/index.ts', import.meta.url).href
const memoryUsage = () =>
  (globalThis as { process?: { memoryUsage(): { heapUsed: number } } }).process?.memoryUsage() ?? { heapUsed: 0 }
const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {}

const T0 = 1_700_000_000
const VIEM = 'viem@2.57.20'
const seed = (n: number) => new Uint8Array(32).fill(n)

defineBench('consent tokens', async (ctx) => {
  const domain = createSaltedDomain('memory:bench')
  const patient = createParty({ seed: seed(1) })
  const doctor = createParty({ seed: seed(2) })
  const consent = createConsent({
    grantor: patient,
    grantee: doctor,
    resourceTypes: ['Observation', 'Condition'],
    exclude: ['PSY'],
    actions: ['read'],
    purposes: ['TREAT'],
    notBefore: T0,
    durationSeconds: 3600,
  })
  // viem signs with the same key: derive it the way viem wants it (a raw private key); a fixed test key.
  const account = privateKeyToAccount(`0x${'11'.repeat(32)}`)
  const viemConsent = { ...consent, grantor: account.address }
  const message = { ...viemConsent, notBefore: BigInt(consent.notBefore), expiresAt: BigInt(consent.expiresAt) }
  const typed = { domain, types: consentTypes, primaryType: 'Consent' as const, message } as never

  await ctx.ops('consent: sign (createConsentToken)', () => createConsentToken(patient, domain, consent))
  await ctx.ops('consent: sign (viem account.signTypedData)', () => account.signTypedData(typed), { peer: VIEM })

  const token = createConsentToken(patient, domain, consent)
  const viemSignature = (await account.signTypedData(typed)) as Hex
  await ctx.ops('consent: verify (verifyConsent)', () => verifyConsent(domain, token))
  await ctx.ops(
    'consent: verify (viem verifyTypedData)',
    () =>
      verifyTypedData({ ...(typed as object), address: account.address, signature: viemSignature } as Parameters<
        typeof verifyTypedData
      >[0]),
    { peer: VIEM },
  )
  const compact = encodeConsentToken(token)
  await ctx.ops('consent: encodeConsentToken', () => encodeConsentToken(token))
  await ctx.ops('consent: decodeConsentToken', () => decodeConsentToken(compact))
  ctx.record({ name: 'consent: compact token length (1 type, 1 label)', value: compact.length, unit: 'chars' })
})

/** Heap a stored grant takes in the scale bench's map (measured at 10^5 and 10^6: 389–420 bytes), rounded up. */
const BYTES_PER_GRANT = 450

/** Requests are drawn from this many grants (a custodian's consents in active use), spread over the whole store. */
const HOT = Number(env.BENCH_CONSENT_HOT ?? 10_000)

type Grant = { readonly id: Hex; readonly patient: Party; readonly doctor: Party }

/** Permit decisions over `hot` (round robin with a stride), beside the uncached rate and bare signature recovery. */
async function decisions(
  ctx: Parameters<Parameters<typeof defineBench>[1]>[0],
  label: string,
  ledger: LedgerAdapter,
  hot: readonly Grant[],
  host: { now: () => number },
): Promise<void> {
  const commitment = bytesToHex0x(new Uint8Array(32).fill(7))
  let i = 0
  const ask = async (opts: { now: () => number; cache?: ConsentCache }) => {
    const g = hot[(i++ * 7919) % hot.length] as Grant
    const d = await authorize(
      ledger,
      {
        consentId: g.id,
        grantor: g.patient,
        grantee: g.doctor,
        action: 'read',
        purpose: 'TREAT',
        record: { commitment, resourceType: 'Observation', labels: [], owner: g.patient.address },
      },
      opts,
    )
    if (!d.allowed) throw new Error(`unexpected denial ${d.reason}`)
  }
  const cache = createConsentCache({ maxEntries: hot.length })
  // warm: every hot consent verified once (this is the uncached cost, paid once per consent)
  const start = performance.now()
  for (let k = 0; k < hot.length; k++) await ask({ ...host, cache })
  ctx.record({
    name: `${label}: first decision per consent (cache warm-up, ${hot.length} consents)`,
    value: hot.length / ((performance.now() - start) / 1000),
    unit: 'decisions/s',
  })
  await ctx.ops(`${label}: authorize, permit, with a consent cache`, () => ask({ ...host, cache }))
  await ctx.ops(`${label}: authorize, permit, no cache`, () => ask(host), { peer: 'authorize without a cache' })
  const digest = sha256(utf8ToBytes('medseal bench digest'))
  const signature = (hot[0] as Grant).patient.signDigest(digest)
  await ctx.ops(`${label}: secp256k1 recoverAddress alone`, () => recoverAddress(digest, signature), {
    peer: 'bare signature recovery',
  })
}

defineBench('consent authorize', async (ctx) => {
  const grants = Number(env.BENCH_CONSENT_GRANTS ?? 100_000)
  const { createMemoryLedger } = (await import(/* @vite-ignore */ MEMORY_ADAPTER)) as {
    createMemoryLedger: (params: { id: string; now: () => number }) => LedgerAdapter
  }
  let now = T0
  const ledger = createMemoryLedger({ id: 'bench-authorize', now: () => now })
  const patients = Array.from({ length: 16 }, (_, i) => createParty({ seed: seed(10 + i) }))
  const doctors = Array.from({ length: 16 }, (_, i) => createParty({ seed: seed(40 + i) }))
  const all: Grant[] = []
  const start = performance.now()
  for (let i = 0; i < grants; i++) {
    const p = patients[i % patients.length] as Party
    const d = doctors[(i >> 4) % doctors.length] as Party
    const token = createConsentToken(
      p,
      ledger.domain,
      createConsent({
        grantor: p,
        grantee: d,
        resourceTypes: ['Observation'],
        actions: ['read'],
        purposes: ['TREAT'],
        notBefore: T0,
        durationSeconds: 365 * 86_400,
      }),
    )
    await ledger.registerConsent({ consent: token.consent, signature: token.signature })
    all.push({ id: token.consent.id, patient: p, doctor: d })
  }
  const seconds = (performance.now() - start) / 1000
  ctx.record({
    name: `consent: sign + register ${grants} grants (memory ledger)`,
    value: grants / seconds,
    unit: 'grants/s',
  })
  now = T0 + 60
  // the host clock agrees with the ledger's (authorize decides by both)
  const host = { now: () => now * 1000 }
  const step = Math.max(1, Math.floor(grants / HOT))
  const hot = all.filter((_, i) => i % step === 0).slice(0, HOT)
  await decisions(ctx, `consent (${grants} grants stored, memory ledger)`, ledger, hot, host)
  const p0 = patients[0] as Party
  const commitment = bytesToHex0x(new Uint8Array(32).fill(7))
  await ctx.ops(`consent: authorize, deny CONSENT_NOT_FOUND (${grants} grants stored)`, async () => {
    const d = await authorize(
      ledger,
      {
        consentId: `0x${'ee'.repeat(32)}`,
        grantor: p0,
        grantee: doctors[0] as Party,
        action: 'read',
        purpose: 'TREAT',
        record: { commitment, resourceType: 'Observation', labels: [], owner: p0.address },
      },
      host,
    )
    if (d.allowed) throw new Error('unexpected permit')
  })
})

/**
 * How the cost grows with the grants stored: 10^5, 10^6 and 10^7 consents in one ledger map (BENCH_AUTHZ_SCALE,
 * comma-separated). Signing and registering 10^7 grants one by one takes hours here, so the store holds `HOT` real,
 * signed grants spread evenly through it and fills the rest with distinct well-formed consents that are never asked
 * for (their signatures are not valid): the lookups, the map and the heap are the size of the real thing, the
 * decisions are all on genuinely signed grants. The ledger is a plain `Map` behind `getConsent` (the part of the
 * adapter `authorize` calls), as a store-backed adapter would serve it.
 */
defineBench('consent authorize scale', async (ctx) => {
  const sizes = (env.BENCH_AUTHZ_SCALE ?? '100000,1000000,10000000').split(',').map(Number)
  const domain = createSaltedDomain('memory:bench-scale')
  const patients = Array.from({ length: 16 }, (_, i) => createParty({ seed: seed(10 + i) }))
  const doctors = Array.from({ length: 16 }, (_, i) => createParty({ seed: seed(40 + i) }))
  const hotRecords: { key: Hex; record: ConsentRecord; grant: Grant }[] = []
  for (let i = 0; i < HOT; i++) {
    const p = patients[i % patients.length] as Party
    const d = doctors[(i >> 4) % doctors.length] as Party
    const token = createConsentToken(
      p,
      domain,
      createConsent({
        grantor: p,
        grantee: d,
        resourceTypes: ['Observation'],
        actions: ['read'],
        purposes: ['TREAT'],
        notBefore: T0,
        durationSeconds: 365 * 86_400,
      }),
    )
    hotRecords.push({
      key: consentKey(p.address, token.consent.id),
      record: {
        consent: token.consent,
        signature: token.signature,
        ref: { ledger: 'memory:bench-scale', tx: `h${i}`, block: i, timestamp: T0 },
      },
      grant: { id: token.consent.id, patient: p, doctor: d },
    })
  }
  const filler = hotRecords[0]?.record as ConsentRecord
  const host = { now: () => (T0 + 60) * 1000 }
  const v8 = (await import(/* @vite-ignore */ 'node:v8')) as { getHeapStatistics(): { heap_size_limit: number } }
  const limit = v8.getHeapStatistics().heap_size_limit
  for (const size of sizes) {
    // ~400 bytes of heap per stored grant (measured below): a store that cannot fit is reported, not attempted
    const need = size * BYTES_PER_GRANT
    if (memoryUsage().heapUsed + need > 0.8 * limit) {
      ctx.record({
        name: `consent scale (${size} stored): skipped, needs ~${(need / 2 ** 30).toFixed(1)} GiB heap (raise --max-old-space-size)`,
        value: limit / 2 ** 30,
        unit: 'GiB heap limit',
      })
      continue
    }
    const store = new Map<string, ConsentRecord>()
    const every = Math.max(1, Math.floor(size / HOT))
    let h = 0
    const heapBefore = memoryUsage().heapUsed
    for (let i = 0; i < size; i++) {
      if (i % every === 0 && h < hotRecords.length) {
        const r = hotRecords[h++] as (typeof hotRecords)[number]
        store.set(r.key, r.record)
        continue
      }
      // a distinct consent id and key per entry; the lists are shared (they are frozen in real records too)
      const hex = i.toString(16).padStart(64, '0')
      store.set(`0xf${hex.slice(1)}`, { ...filler, consent: { ...filler.consent, id: `0x${hex}` as Hex } })
    }
    ctx.record({
      name: `consent scale (${size} stored): heap per stored grant`,
      value: (memoryUsage().heapUsed - heapBefore) / size,
      unit: 'bytes',
    })
    const ledger = {
      domain,
      getTime: async () => T0 + 60,
      getConsent: async (key: Hex) => store.get(key.toLowerCase()),
    } as unknown as LedgerAdapter
    await decisions(
      ctx,
      `consent scale (${size} stored)`,
      ledger,
      hotRecords.map((r) => r.grant),
      host,
    )
    store.clear()
  }
})
