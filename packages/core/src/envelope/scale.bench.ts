/**
 * `BENCH_SCALE=1 pnpm bench seal-scale`: seals and anchors 10^6 generated Observations (`BENCH_SCALE_N` to change
 * the count) in one run, with bounded memory: batches of 2,000 go through `sealBatch` to a patient and a custodian
 * vault key (or a `createSealPool` on every core with `BENCH_SCALE_POOL=1`), their commitments through a batching
 * anchorer on the memory ledger, and the envelopes to a byte-counting sink. Reports records/s, peak RSS, and the
 * per-record limit (canonicalize + AES-GCM + HMAC + SHA-256, WebCrypto, no wraps) measured in the same process on
 * 10,000 of the same records. Not part of `pnpm bench` unless BENCH_SCALE is set (it takes minutes).
 */
import { availableParallelism } from 'node:os'
import { env, memoryUsage } from 'node:process'
import { defineBench } from '../../../../scripts/bench/harness.js'
import { type BundledSealWorker, bundleSealWorker } from '../../../../scripts/testing/sealWorker.js'
import { createAnchorer } from '../anchor/createAnchorer.js'
import { canonicalizeToBytes } from '../canonical/canonicalize.js'
import { createMemoryLedger } from '../consent/_testLedger.js'
import { createParty } from '../identity/createParty.js'
import { createSealPool } from './createSealPool.js'
import { createVaultKey } from './createVaultKey.js'
import { encodeEnvelope } from './encodeEnvelope.js'
import { sealBatch } from './sealBatch.js'

const BATCH = 2000
const subtle = globalThis.crypto.subtle

const record = (i: number) => ({
  resourceType: 'Observation',
  id: `obs-${i}`,
  status: 'final',
  category: [
    { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] },
  ],
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }], text: 'Heart rate' },
  subject: { reference: `Patient/p${i % 1000}` },
  effectiveDateTime: new Date(1_600_000_000_000 + i * 60_000).toISOString(),
  valueQuantity: { value: 50 + (i % 70), unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
})

async function limitOne(value: unknown): Promise<void> {
  const canonical = canonicalizeToBytes(value)
  const salt = crypto.getRandomValues(new Uint8Array(32))
  const pt = new Uint8Array(32 + canonical.length)
  pt.set(salt, 0)
  pt.set(canonical, 32)
  const key = await subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), 'AES-GCM', false, ['encrypt'])
  await subtle.encrypt({ name: 'AES-GCM', iv: crypto.getRandomValues(new Uint8Array(12)) }, key, pt)
  const hk = await subtle.importKey('raw', salt, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  await subtle.sign('HMAC', hk, canonical)
  await subtle.digest('SHA-256', canonical)
}

defineBench('seal-scale', async (ctx) => {
  if (env.BENCH_SCALE !== '1') {
    console.log('  (skipped: set BENCH_SCALE=1 to seal and anchor 10^6 records)')
    return
  }
  const n = Number(env.BENCH_SCALE_N ?? 1_000_000)
  const usePool = env.BENCH_SCALE_POOL === '1'
  const recipients = [createVaultKey({ party: createParty() }), createVaultKey({ party: createParty() })]
  let worker: BundledSealWorker | undefined
  let pool: ReturnType<typeof createSealPool> | undefined
  if (usePool) {
    worker = await bundleSealWorker()
    pool = createSealPool({ spawn: worker.spawn, size: availableParallelism() })
  }
  // the limit, in the same process, on 10,000 of the same records
  const sample = Array.from({ length: 10_000 }, (_, i) => record(i))
  let t = performance.now()
  for (const r of sample) await limitOne(r)
  const limit = (sample.length * 1000) / (performance.now() - t)

  const ledger = createMemoryLedger({ id: 'seal-scale' })
  const anchorer = createAnchorer(ledger, { maxBatchSize: BATCH, maxDelayMs: 0 })
  const startRss = memoryUsage.rss()
  let peakRss = startRss
  let sunk = 0
  t = performance.now()
  for (let from = 0; from < n; from += BATCH) {
    const items = Array.from({ length: Math.min(BATCH, n - from) }, (_, k) => record(from + k))
    const sealed = pool ? await pool.sealBatch(items, { recipients }) : await sealBatch(items, { recipients })
    const receipts = sealed.map((s) => anchorer.add(s.commitment))
    await anchorer.flush()
    await Promise.all(receipts)
    for (const s of sealed) sunk += encodeEnvelope(s.envelope).length
    peakRss = Math.max(peakRss, memoryUsage.rss())
    if ((from / BATCH) % 50 === 0) console.log(`  … ${from + items.length} records`)
  }
  const seconds = (performance.now() - t) / 1000
  await anchorer.close()
  await pool?.close()
  worker?.remove()
  const how = pool ? `createSealPool (${pool.size} workers)` : 'sealBatch (one thread)'
  ctx.record({ name: `per-record limit (10,000 records, no wraps)`, value: limit, unit: 'records/s', peer: 'limit' })
  ctx.record({ name: `seal + anchor ${n} records, ${how}`, value: n / seconds, unit: 'records/s' })
  ctx.record({ name: `RSS before the run (every bench module loaded)`, value: startRss / 2 ** 20, unit: 'MiB' })
  ctx.record({ name: `peak RSS over the ${n}-record run`, value: peakRss / 2 ** 20, unit: 'MiB' })
  console.log(`  ${(sunk / 2 ** 20).toFixed(0)} MiB of envelopes written to the sink; ${seconds.toFixed(0)} s`)
})
