/**
 * The custodian's own cost of a key release (issue 13), in one process and interleaved so that both rows of a pair
 * share the machine's load: `custodian.releaseKey` on memory stores with the SDK's default signature recovery
 * (`@noble/curves`) beside libsecp256k1 (`createNativeSecp256k1Recovery`, `@medseal/core/node`), as releases/s and as
 * CPU time per release (process CPU, all threads: less sensitive to a loaded machine than wall time); the key
 * request's check alone; and the stored-envelope check in full beside the digest a custodian remembers it by.
 * `pnpm bench custodian/release`; `BENCH_RELEASE_ROUNDS` (6) × `BENCH_RELEASE_BATCH` (60) releases per row.
 */
import { cpuUsage, env } from 'node:process'
import { defineBench } from '../../../../scripts/bench/harness.js'
import { bytesToHex0x } from '../bytes/index.js'
import { createMemoryLedger } from '../consent/_testLedger.js'
import { holdOpener } from '../envelope/_open.js'
import { openWithDataKey } from '../envelope/openWithDataKey.js'
import { unwrapDataKey } from '../envelope/unwrapDataKey.js'
import { createNativeSecp256k1Recovery } from '../identity/createNativeSecp256k1Recovery.js'
import type { Secp256k1Recovery } from '../identity/secp256k1Recovery.js'
import { createReleaseFixture } from '../testing/releaseFixture.js'
import { createCheckedEnvelopes } from './_checkedEnvelopes.js'
import { createMemoryCustodianStore } from './custodianStore.js'
import { verifyKeyRequest } from './keyRequest.js'

const ROUNDS = Number(env.BENCH_RELEASE_ROUNDS ?? 6)
const BATCH = Number(env.BENCH_RELEASE_BATCH ?? 60)

/** A custodian on memory stores holding one record the doctor may read, and a maker of fresh signed requests. */
async function custodianWith(secp256k1: Secp256k1Recovery | undefined) {
  const ledger = createMemoryLedger({ id: `bench-release-${secp256k1?.name ?? 'noble'}` })
  const fixture = await createReleaseFixture({
    ledger,
    seeds: [42, 43, 41],
    log: { name: 'bench' },
    custodian: { store: createMemoryCustodianStore(), secp256k1 },
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
  const rows = [
    { name: 'noble (default)', c: await custodianWith(undefined) },
    { name: native.name, c: await custodianWith(native) },
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
  const [noble, fast] = totals as [(typeof totals)[0], (typeof totals)[0]]
  const perSecond = (t: typeof noble) => t.n / (t.wallMs / 1000)
  ctx.record({ name: 'key releases, memory stores, noble (default)', value: perSecond(noble), unit: 'releases/s' })
  ctx.record({
    name: `key releases, memory stores, ${native.name}`,
    value: perSecond(fast),
    unit: 'releases/s',
    peer: `noble (default): ${perSecond(noble).toFixed(1)} releases/s, interleaved`,
  })
  ctx.record({ name: 'CPU per key release, noble (default)', value: noble.cpuMs / noble.n, unit: 'ms' })
  ctx.record({
    name: `CPU per key release, ${native.name}`,
    value: fast.cpuMs / fast.n,
    unit: 'ms',
    peer: `noble (default): ${(noble.cpuMs / noble.n).toFixed(2)} ms`,
  })

  // the key request's check alone (shape, EIP-712 hash, recovery)
  const [a, b] = rows as [(typeof rows)[0], (typeof rows)[0]]
  const signed = await a.c.request()
  const nobleVerify = await ctx.ops('verifyKeyRequest, noble (default)', () => verifyKeyRequest(a.c.domain, signed))
  await ctx.ops(`verifyKeyRequest, ${native.name}`, () => verifyKeyRequest(b.c.domain, signed, { secp256k1: native }), {
    peer: `noble (default): ${Math.round(nobleVerify)} ops/s`,
  })

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
  await ctx.micros('unwrap the custodian’s wrap, key held (imported once)', () => unwrapDataKey(envelope, held), {
    peer: `imported per call: ${perCall.toFixed(1)} µs`,
  })
})
