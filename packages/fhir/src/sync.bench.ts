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
import { env } from 'node:process'
import { fileURLToPath } from 'node:url'
import type { Resource } from '@medplum/fhirtypes'
import { createMemoryLedger } from '@medseal/adapter-memory'
import { createAnchorer, createParty, createVaultKey, sealBatch, utf8ToBytes } from '@medseal/core'
import { loadSyntheaPatients, startFhirServer } from '@medseal/example-fhir-server'
import { defineBench } from '../../../scripts/bench/harness.js'
import { canonicalizeResource } from './canonicalizeResource.js'
import { createMemorySyncCheckpointStore } from './sync/checkpoint.js'
import { _chunkProvenances, _sealAndAnchor, syncPatient } from './sync/syncPatient.js'

const file = 'Alejandro_Riojas_a9fcc685-c7a2-4474-bf25-26c8fe4b48f9.json'
const text = readFileSync(
  fileURLToPath(new URL(`../../../../shared/vectors/fhir/synthea/${file}`, import.meta.url)),
  'utf8',
)
const ROUNDS = Number(env.BENCH_SYNC_ROUNDS ?? 5)
const COPIES = Number(env.BENCH_SYNC_COPIES ?? 24)
const CHUNK = 256

type Recipients = Parameters<typeof _sealAndAnchor>[1]['recipients']

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

  /** The per-record limit: canonical form + sealBatch per chunk, nothing else. */
  const limitPass = async (resources: readonly Resource[], recipients: Recipients) => {
    const t0 = performance.now()
    for (let i = 0; i < resources.length; i += CHUNK) {
      const bytes = resources.slice(i, i + CHUNK).map((r) => utf8ToBytes(canonicalizeResource(r)))
      await sealBatch(bytes, { recipients, canonical: true })
    }
    return (performance.now() - t0) / 1000
  }
  /** The pipeline: seal, checkpoint, anchor, one signed Provenance per chunk. */
  const pipelinePass = async (resources: readonly Resource[], recipients: Recipients, run: string) => {
    const ledger = createMemoryLedger({ id: `bench-${run.replace(/[^A-Za-z0-9]+/g, '-')}` })
    const anchorer = createAnchorer(ledger, { maxDelayMs: 0 })
    const checkpoint = createMemorySyncCheckpointStore()
    const t0 = performance.now()
    for (let i = 0; i < resources.length; i += CHUNK) {
      const states = await _sealAndAnchor(resources.slice(i, i + CHUNK), {
        checkpoint,
        recipients,
        anchorer,
        canonical: undefined,
        signal: undefined,
      })
      await _chunkProvenances(states, sealer)
    }
    const seconds = (performance.now() - t0) / 1000
    await anchorer.close()
    return seconds
  }
  const compare = async (label: string, resources: readonly Resource[], recipients: Recipients) => {
    await pipelinePass(resources.slice(0, CHUNK), recipients, `${label}-warm`) // warm-up
    let limit = 0
    let pipeline = 0
    for (let round = 0; round < ROUNDS; round++) {
      limit += await limitPass(resources, recipients)
      pipeline += await pipelinePass(resources, recipients, `${label}-${round}`)
    }
    const n = resources.length * ROUNDS
    ctx.record({
      name: `limit: canonical form + sealBatch, ${label}, ${resources.length} resources`,
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
  }
  await compare('2 vault keys (envelope v2)', copies(COPIES), [
    createVaultKey({ party: sealer }),
    createVaultKey({ party: reader }),
  ])
  await compare('2 public keys (HPKE)', copies(Math.max(1, Math.round(COPIES / 8))), [sealer, reader])

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
