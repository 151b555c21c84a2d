/**
 * The custodian's own cost of a key release (issues 13 and 14), in one process and interleaved so that every row
 * shares the machine's load: `custodian.releaseKey` on memory stores with the SDK's defaults (`@noble/curves`
 * recovery, WebCrypto/`@noble` HPKE), with libsecp256k1 (`createNativeSecp256k1Recovery`), with libsecp256k1 and the
 * native HPKE suite (`createNativeHpke`, both `@medseal/core/node`: what a server runs), and the same with the record
 * sealed to the custodian's vault key instead of its X25519 key — as releases/s and as CPU time per release (process
 * CPU, all threads: less sensitive to a loaded machine than wall time); the key request's check alone; and the
 * stored-envelope check in full beside the digest a custodian remembers it by.
 * `pnpm bench custodian/release`; `BENCH_RELEASE_ROUNDS` (6) × `BENCH_RELEASE_BATCH` (60) releases per row.
 */
import { cpuUsage, env } from 'node:process'
import { defineBench } from '../../../../scripts/bench/harness.js'
import { bytesToHex0x } from '../bytes/index.js'
import { createMemoryLedger } from '../consent/_testLedger.js'
import { holdOpener } from '../envelope/_open.js'
import { openWithDataKey } from '../envelope/openWithDataKey.js'
import { unwrapDataKey } from '../envelope/unwrapDataKey.js'
import { wrapDataKey } from '../envelope/wrapDataKey.js'
import type { HpkeSuite } from '../hpke/createHpkeSuite.js'
import { createNativeHpke } from '../hpke/createNativeHpke.js'
import { createNativeSecp256k1Recovery } from '../identity/createNativeSecp256k1Recovery.js'
import type { Secp256k1Recovery } from '../identity/secp256k1Recovery.js'
import { createReleaseFixture } from '../testing/releaseFixture.js'
import { createCheckedEnvelopes } from './_checkedEnvelopes.js'
import { createMemoryCustodianStore } from './custodianStore.js'
import { verifyKeyRequest } from './keyRequest.js'

const ROUNDS = Number(env.BENCH_RELEASE_ROUNDS ?? 6)
const BATCH = Number(env.BENCH_RELEASE_BATCH ?? 60)

type Setup = {
  readonly secp256k1?: Secp256k1Recovery | undefined
  readonly hpke?: HpkeSuite | undefined
  readonly custodianWrap?: 'hpke' | 'vault'
}

/** A custodian on memory stores holding one record the doctor may read, and a maker of fresh signed requests. */
async function custodianWith(id: string, setup: Setup) {
  const ledger = createMemoryLedger({ id: `bench-release-${id}` })
  const fixture = await createReleaseFixture({
    ledger,
    seeds: [42, 43, 41],
    log: { name: 'bench' },
    custodian: { store: createMemoryCustodianStore(), secp256k1: setup.secp256k1, hpke: setup.hpke },
    custodianWrap: setup.custodianWrap ?? 'hpke',
  })
  const issuedAt = await ledger.getTime()
  return {
    custodian: fixture.custodian,
    request: () => fixture.keyRequest(issuedAt),
    domain: ledger.domain,
    sealed: fixture.sealed,
    vendor: fixture.vendor,
  }
}

defineBench('custodian releases (issue 13)', async (ctx) => {
  const native = createNativeSecp256k1Recovery()
  const hpke = createNativeHpke()
  const server = `${native.name} + ${hpke.kem.backend} HPKE`
  const rows = [
    { name: 'noble (default)', c: await custodianWith('noble', {}) },
    { name: native.name, c: await custodianWith('native', { secp256k1: native }) },
    { name: server, c: await custodianWith('server', { secp256k1: native, hpke }) },
    {
      name: `${server}, vault wrap`,
      c: await custodianWith('vault', { secp256k1: native, hpke, custodianWrap: 'vault' }),
    },
  ]
  // requests are signed up front: signing is the client's cost
  const queues = await Promise.all(
    rows.map((r) => Promise.all(Array.from({ length: ROUNDS * BATCH + 20 }, r.c.request))),
  )
  for (const [i, r] of rows.entries())
    for (const q of (queues[i] ?? []).splice(0, 20)) await r.c.custodian.releaseKey(q)
  const totals = rows.map(() => ({ wallMs: 0, cpuMs: 0, n: 0 }))
  for (let round = 0; round < ROUNDS; round++)
    for (const [i, r] of rows.entries()) {
      const batch = (queues[i] ?? []).splice(0, BATCH)
      const cpu0 = cpuUsage()
      const t0 = performance.now()
      for (const q of batch) await r.c.custodian.releaseKey(q)
      const cpu = cpuUsage(cpu0)
      const total = totals[i] as { wallMs: number; cpuMs: number; n: number }
      total.wallMs += performance.now() - t0
      total.cpuMs += (cpu.user + cpu.system) / 1000
      total.n += batch.length
    }
  const perSecond = (t: (typeof totals)[0]) => t.n / (t.wallMs / 1000)
  const cpuPer = (t: (typeof totals)[0]) => t.cpuMs / t.n
  const noble = totals[0] as (typeof totals)[0]
  for (const [i, r] of rows.entries()) {
    const t = totals[i] as (typeof totals)[0]
    ctx.record({
      name: `key releases, memory stores, ${r.name}`,
      value: perSecond(t),
      unit: 'releases/s',
      ...(i > 0 ? { peer: `noble (default): ${perSecond(noble).toFixed(1)} releases/s, interleaved` } : {}),
    })
  }
  for (const [i, r] of rows.entries()) {
    const t = totals[i] as (typeof totals)[0]
    ctx.record({
      name: `CPU per key release, ${r.name}`,
      value: cpuPer(t),
      unit: 'ms',
      ...(i > 0 ? { peer: `noble (default): ${cpuPer(noble).toFixed(2)} ms` } : {}),
    })
  }

  // the key request's check alone (shape, EIP-712 hash, recovery)
  const [a, b] = rows as [(typeof rows)[0], (typeof rows)[0], ...typeof rows]
  const frozen = await a.c.request()
  // a copy that is not frozen: checked in full on every call (a frozen one is checked once, then remembered)
  const signed = { request: { ...frozen.request }, signature: frozen.signature }
  const nobleVerify = await ctx.ops('verifyKeyRequest, noble (default)', () => verifyKeyRequest(a.c.domain, signed))
  const nativeVerify = await ctx.ops(
    `verifyKeyRequest, ${native.name}`,
    () => verifyKeyRequest(b.c.domain, signed, { secp256k1: native }),
    { peer: `noble (default): ${Math.round(nobleVerify)} ops/s` },
  )
  // a service checks a request to rate-limit its signer, then the custodian checks it again: with the parsed request
  // frozen, the second check is the remembered answer
  verifyKeyRequest(b.c.domain, frozen, { secp256k1: native })
  await ctx.ops(
    `verifyKeyRequest again, frozen request (remembered), ${native.name}`,
    () => verifyKeyRequest(b.c.domain, frozen, { secp256k1: native }),
    { peer: `checked in full: ${Math.round(nativeVerify)} ops/s` },
  )

  // the stored-envelope check: in full (decrypt, recompute the commitment) beside the digest it is remembered by
  const { envelope, commitment } = a.c.sealed
  const { vendor } = a.c
  const dataKey = await unwrapDataKey(envelope, vendor)
  const hex = bytesToHex0x(commitment)
  const checked = createCheckedEnvelopes()
  const full = await ctx.micros('stored-envelope check in full (openWithDataKey)', async () => {
    const opened = await openWithDataKey(envelope, dataKey)
    if (bytesToHex0x(opened.commitment) !== hex) throw new Error('commitment')
  })
  await ctx.micros(
    'stored-envelope check remembered (digest + lookup)',
    async () => checked.has(await checked.digest(hex, envelope)),
    {
      peer: `in full: ${full.toFixed(1)} µs`,
    },
  )

  // the custodian's unwrap of its HPKE wrap: its X25519 key imported per call (a Party) beside held once (holdOpener)
  const held = holdOpener(vendor)
  const perCall = await ctx.micros('unwrap the custodian’s wrap, key imported per call', () =>
    unwrapDataKey(envelope, vendor),
  )
  const heldMicros = await ctx.micros(
    'unwrap the custodian’s wrap, key held (imported once)',
    () => unwrapDataKey(envelope, held),
    { peer: `imported per call: ${perCall.toFixed(1)} µs` },
  )
  // the same with the native suite, and the custodian's vault wrap (no X25519: HKDF + AES-GCM in @noble)
  const heldNative = holdOpener(vendor, hpke)
  await ctx.micros(
    `unwrap the custodian’s wrap, key held, ${hpke.kem.backend} HPKE`,
    () => unwrapDataKey(envelope, heldNative),
    {
      peer: `default HPKE, key held: ${heldMicros.toFixed(1)} µs`,
    },
  )
  const vaultSealed = (rows[3] as (typeof rows)[0]).c.sealed.envelope
  await ctx.micros('unwrap the custodian’s vault wrap', () => unwrapDataKey(vaultSealed, vendor), {
    peer: `default HPKE, key held: ${heldMicros.toFixed(1)} µs`,
  })
  // the wrap to the requester (a fresh X25519 key pair, DH, key schedule, AES-GCM of 32 bytes)
  const requester = { encryptionPublicKey: vendor.encryptionPublicKey }
  const wrapDefault = await ctx.micros('wrap to the requester, default HPKE', () =>
    wrapDataKey(envelope, dataKey, requester),
  )
  await ctx.micros(
    `wrap to the requester, ${hpke.kem.backend} HPKE`,
    () => wrapDataKey(envelope, dataKey, requester, { hpke }),
    { peer: `default HPKE: ${wrapDefault.toFixed(1)} µs` },
  )
})
