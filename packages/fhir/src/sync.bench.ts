/**
 * `pnpm bench "fhir sync"`: FHIR resources sealed + anchored per second through the sync pipeline on Synthea data,
 * (1) with the resources already fetched (no server round trips): canonical form, content id, `sealBatch` to two
 * recipients, the chunk's checkpoints, anchoring on the memory ledger (one flush per chunk), and one signed
 * version-2 Provenance per chunk of 256 — beside its limit measured in the same process and rounds on the same
 * resources: canonical form + `sealBatch` alone (what every record must pay, with nothing kept, anchored or signed);
 * (2) the whole `syncPatient` against the test FHIR server on 127.0.0.1 (searches with `_offset` paging, and a
 * transaction with the chunk's Provenance).
 *
 * `BENCH_SYNC_ROUNDS` (default 5) rounds, each running the limit and the pipeline once, alternately (so both see the
 * same machine load); `BENCH_SYNC_COPIES` (default 24) copies of the 110-resource record for the vault-key figures.
 */
import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { cpuUsage, env } from 'node:process'
import { fileURLToPath } from 'node:url'
import type { Resource } from '@medplum/fhirtypes'
import { createMemoryLedger } from '@medseal/adapter-memory'
import {
  createAnchorer,
  createParty,
  createSealPool,
  createVaultKey,
  type SealPool,
  sealBatch,
  utf8ToBytes,
} from '@medseal/core'
import { loadSyntheaPatients, startFhirServer } from '@medseal/example-fhir-server'
import { defineBench } from '../../../scripts/bench/harness.js'
import { bundleSealWorker } from '../../../scripts/testing/sealWorker.js'
import { canonicalizeResource } from './canonicalizeResource.js'
import { createMemorySyncCheckpointStore } from './sync/checkpoint.js'
import { _anchorChunk, _chunkProvenances, type _SyncState, _sealChunk, syncPatient } from './sync/syncPatient.js'

const file = 'Alejandro_Riojas_a9fcc685-c7a2-4474-bf25-26c8fe4b48f9.json'
const text = readFileSync(
  fileURLToPath(new URL(`../../../../shared/vectors/fhir/synthea/${file}`, import.meta.url)),
  'utf8',
)
const ROUNDS = Number(env.BENCH_SYNC_ROUNDS ?? 5)
const COPIES = Number(env.BENCH_SYNC_COPIES ?? 24)
const CHUNK = 256

type Recipients = Parameters<typeof _sealChunk>[1]['recipients']

defineBench('fhir sync', async (ctx) => {
  const sealer = createParty()
  const reader = createParty()
  // (1) resources already fetched: the bundle's resources, copied under distinct server-like ids and versions
  const bundle = JSON.parse(text) as { entry: { resource: Resource }[] }
  const copies = (n: number) =>
    Array.from({ length: n * bundle.entry.length }, (_, i) => ({
      ...(bundle.entry[i % bundle.entry.length] as { resource: Resource }).resource,
      id: `r${i}`,
      meta: { versionId: '1', lastUpdated: '2026-01-01T00:00:00Z' },
    })) as Resource[]

  /** The per-record limit on this thread: canonical form + sealBatch per chunk, nothing else. */
  const limitPass = async (resources: readonly Resource[], recipients: Recipients, pool?: SealPool) => {
    const seal = pool ? pool.sealBatch.bind(pool) : sealBatch
    const t0 = performance.now()
    for (let i = 0; i < resources.length; i += CHUNK) {
      const bytes = resources.slice(i, i + CHUNK).map((r) => utf8ToBytes(canonicalizeResource(r)))
      await seal(bytes, { recipients, canonical: true })
    }
    return (performance.now() - t0) / 1000
  }
  /**
   * The pipeline as `syncPatient` runs it: seal (+ checkpoint) chunk n + 1 while chunk n is anchored (+ checkpoint)
   * and gets its signed Provenance.
   */
  const pipelinePass = async (resources: readonly Resource[], recipients: Recipients, run: string, pool?: SealPool) => {
    const ledger = createMemoryLedger({ id: `bench-${run.replace(/[^A-Za-z0-9]+/g, '-')}` })
    const anchorer = createAnchorer(ledger, { maxDelayMs: 0 })
    const deps = {
      checkpoint: createMemorySyncCheckpointStore(),
      recipients,
      anchorer,
      canonical: undefined,
      signal: undefined,
      sealPool: pool,
    }
    const cpu0 = cpuUsage()
    const t0 = performance.now()
    let ahead: Promise<_SyncState[]> | undefined = _sealChunk(resources.slice(0, CHUNK), deps)
    for (let i = 0; i < resources.length; i += CHUNK) {
      const sealed: _SyncState[] = await (ahead as Promise<_SyncState[]>)
      ahead = i + CHUNK < resources.length ? _sealChunk(resources.slice(i + CHUNK, i + 2 * CHUNK), deps) : undefined
      await _chunkProvenances(await _anchorChunk(sealed, deps), sealer)
    }
    const seconds = (performance.now() - t0) / 1000
    const cpu = cpuUsage(cpu0)
    cost.cpu += cpu.user + cpu.system
    cost.n += resources.length
    await anchorer.close()
    return seconds
  }
  /** CPU of the pipeline passes (µs, every thread of the process: this one, the pool's, WebCrypto's). */
  const cost = { cpu: 0, n: 0 }
  const compare = async (label: string, resources: readonly Resource[], recipients: Recipients, pool?: SealPool) => {
    await pipelinePass(resources.slice(0, 2 * CHUNK), recipients, `${label}-warm`, pool) // warm-up
    let limit = 0
    let pipeline = 0
    Object.assign(cost, { cpu: 0, n: 0 })
    for (let round = 0; round < ROUNDS; round++) {
      limit += await limitPass(resources, recipients, pool)
      pipeline += await pipelinePass(resources, recipients, `${label}-${round}`, pool)
    }
    const n = resources.length * ROUNDS
    ctx.record({
      name: `limit: canonical form + ${pool ? 'pool.sealBatch' : 'sealBatch'}, ${label}, ${resources.length} resources`,
      value: n / limit,
      unit: 'resources/s',
      peer: 'limit',
    })
    ctx.record({
      name: `sync pipeline, fetched (+ checkpoints, anchor, 1 Provenance per ${CHUNK}), ${label}`,
      value: n / pipeline,
      unit: 'resources/s',
    })
    console.log(`  → ${((100 * limit) / pipeline).toFixed(0)} % of the limit`)
    // less sensitive to other load than the rate: the CPU the pipeline needs per resource, on all its threads
    console.log(`  pipeline CPU per resource: ${(cost.cpu / cost.n).toFixed(0)} µs (all threads of the process)`)
    return n / limit
  }
  const vaults = [createVaultKey({ party: sealer }), createVaultKey({ party: reader })]
  const oneThread = await compare('2 vault keys (envelope v2), one thread', copies(COPIES), vaults)

  // the same with the seal pool: one worker per core (its module bundled from source, as a package build would)
  const worker = await bundleSealWorker()
  const cores = availableParallelism()
  const pool = createSealPool({ spawn: worker.spawn, size: cores })
  try {
    const label = `2 vault keys (envelope v2), seal pool of ${cores} worker_threads on ${cores} cores`
    const resources = copies(COPIES)
    await compare(label, resources, vaults, pool)
    console.log(`  (one-thread limit of this run: ${Math.round(oneThread)} resources/s)`)
  } finally {
    await pool.close()
    worker.remove()
  }
  await compare('2 public keys (HPKE), one thread', copies(Math.max(1, Math.round(COPIES / 8))), [sealer, reader])

  // (2) the whole syncPatient against the test server
  const server = await startFhirServer()
  try {
    const [loaded] = await loadSyntheaPatients(server, [text])
    let n = 0
    let total = 0
    for (let run = 0; run < ROUNDS; run++) {
      const ledger = createMemoryLedger({ id: `bench-server-${run}` })
      const t0 = performance.now()
      const result = await syncPatient({
        baseUrl: server.baseUrl,
        patientId: loaded?.patientId as string,
        sealer,
        recipients: [createVaultKey({ party: sealer }), createVaultKey({ party: reader })],
        anchorer: createAnchorer(ledger, { maxDelayMs: 0 }),
        ledger,
      })
      total += (performance.now() - t0) / 1000
      n += result.entries.length
    }
    ctx.record({
      name: `syncPatient with the test FHIR server (read + seal + anchor + Provenance write-back), ${n / ROUNDS} resources, vault keys`,
      value: n / total,
      unit: 'resources/s',
    })
  } finally {
    await server.close()
  }
})
