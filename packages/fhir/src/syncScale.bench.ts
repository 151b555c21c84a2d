/**
 * `BENCH_SCALE=1000000 pnpm bench sync-scale`: streams generated FHIR Observations through the sync pipeline's
 * fast path in one run — canonical form, `sealBatch` to a patient and a custodian vault key, the chunk's
 * checkpoints, anchoring on the memory ledger (one flush per chunk), one signed version-2 Provenance per chunk — with
 * bounded memory: one chunk of records exists at a time, envelopes and Provenances go to a byte-counting sink, and
 * the checkpoint store keeps only the current chunk (what a durable store writes out and forgets). Reports
 * records/s beside the per-record limit (canonical form + `sealBatch` alone, 20,000 of the same records, same
 * process), and RSS sampled after every chunk: the peak over each tenth of the run (bounded memory: the last tenth's
 * about the first's). Never part of `pnpm bench` or `pnpm test` unless BENCH_SCALE is set.
 * `BENCH_SCALE=1` means 10^6.
 */
import { env, memoryUsage } from 'node:process'
import type { Observation, Resource } from '@medplum/fhirtypes'
import { createMemoryLedger } from '@medseal/adapter-memory'
import {
  createAnchorer,
  createParty,
  createVaultKey,
  type SyncCheckpoint,
  type SyncCheckpointStore,
  sealBatch,
  utf8ToBytes,
} from '@medseal/core'
import { defineBench } from '../../../scripts/bench/harness.js'
import { canonicalizeResource } from './canonicalizeResource.js'
import { _chunkProvenances, _sealAndAnchor } from './sync/syncPatient.js'

const CHUNK = 2000

const observation = (i: number): Observation => ({
  resourceType: 'Observation',
  id: `obs-${i}`,
  meta: { versionId: '1', lastUpdated: '2026-01-01T00:00:00Z' },
  status: 'final',
  category: [
    { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] },
  ],
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }], text: 'Heart rate' },
  subject: { reference: `Patient/p${i % 1000}` },
  effectiveDateTime: new Date(1_600_000_000_000 + i * 60_000).toISOString(),
  valueQuantity: { value: 50 + (i % 70), unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
})

/** A checkpoint store holding the current chunk only (its phases still go through putMany, as a durable store's). */
function chunkCheckpoints(): SyncCheckpointStore & { forget(): void; bytes: number } {
  let held = new Map<string, SyncCheckpoint>()
  const store = {
    bytes: 0,
    forget() {
      held = new Map()
    },
    get: async (key: string) => held.get(key),
    put: async (entry: SyncCheckpoint) => {
      held.set(entry.key, entry)
    },
    putMany: async (entries: readonly SyncCheckpoint[]) => {
      for (const e of entries) {
        held.set(e.key, e)
        store.bytes += e.envelope.length
      }
    },
    list: async () => [...held.values()],
  }
  return store
}

defineBench('sync-scale', async (ctx) => {
  const raw = env.BENCH_SCALE
  if (raw === undefined || raw === '') {
    console.log('  (skipped: set BENCH_SCALE=N, e.g. 1000000, to stream N records through the sync pipeline)')
    return
  }
  const n = raw === '1' ? 1_000_000 : Number(raw)
  if (!Number.isSafeInteger(n) || n < CHUNK) throw new Error(`BENCH_SCALE must be 1 or an integer >= ${CHUNK}`)
  const sealer = createParty()
  const recipients = [createVaultKey({ party: sealer }), createVaultKey({ party: createParty() })]

  // the limit, in the same process, on 20,000 of the same records
  const sampleSize = 20_000
  let t = performance.now()
  for (let from = 0; from < sampleSize; from += CHUNK) {
    const items = Array.from({ length: CHUNK }, (_, k) => utf8ToBytes(canonicalizeResource(observation(from + k))))
    await sealBatch(items, { recipients, canonical: true })
  }
  const limit = (sampleSize * 1000) / (performance.now() - t)

  const ledger = createMemoryLedger({ id: 'sync-scale' })
  const anchorer = createAnchorer(ledger, { maxBatchSize: CHUNK, maxDelayMs: 0 })
  const checkpoint = chunkCheckpoints()
  const startRss = memoryUsage.rss()
  let peakRss = startRss
  const tenths = new Array<number>(10).fill(0) // peak RSS per tenth of the run
  let provenanceBytes = 0
  t = performance.now()
  for (let from = 0; from < n; from += CHUNK) {
    const chunk: Resource[] = Array.from({ length: Math.min(CHUNK, n - from) }, (_, k) => observation(from + k))
    const states = await _sealAndAnchor(chunk, {
      checkpoint,
      recipients,
      anchorer,
      canonical: undefined,
      signal: undefined,
    })
    for (const { provenance } of await _chunkProvenances(states, sealer)) {
      provenanceBytes += (provenance.signature?.[0]?.data ?? '').length
    }
    checkpoint.forget()
    const rss = memoryUsage.rss()
    peakRss = Math.max(peakRss, rss)
    const tenth = Math.min(9, Math.floor(((from + chunk.length - 1) * 10) / n))
    tenths[tenth] = Math.max(tenths[tenth] as number, rss)
    if ((from / CHUNK) % 50 === 0)
      console.log(`  … ${from + chunk.length} records, RSS ${(rss / 2 ** 20).toFixed(0)} MiB`)
  }
  const seconds = (performance.now() - t) / 1000
  await anchorer.close()
  ctx.record({
    name: 'per-record limit (canonical form + sealBatch, 20,000 records)',
    value: limit,
    unit: 'records/s',
    peer: 'limit',
  })
  ctx.record({ name: `sync pipeline over ${n} generated records, one run`, value: n / seconds, unit: 'records/s' })
  ctx.record({ name: 'RSS before the run (every bench module loaded)', value: startRss / 2 ** 20, unit: 'MiB' })
  ctx.record({
    name: `peak RSS over the first tenth (${n / 10} records)`,
    value: (tenths[0] as number) / 2 ** 20,
    unit: 'MiB',
  })
  ctx.record({ name: 'peak RSS over the last tenth', value: (tenths[9] as number) / 2 ** 20, unit: 'MiB' })
  ctx.record({ name: `peak RSS over all ${n} records`, value: peakRss / 2 ** 20, unit: 'MiB' })
  console.log(`  peak RSS per tenth of the run (MiB): ${tenths.map((r) => (r / 2 ** 20).toFixed(0)).join(', ')}`)
  console.log(
    `  ${(checkpoint.bytes / 2 ** 20).toFixed(0)} MiB of envelopes and ${(provenanceBytes / 2 ** 20).toFixed(0)} MiB of` +
      ` Provenance signatures to the sink; ${seconds.toFixed(0)} s`,
  )
})
