/**
 * `pnpm bench "fhir sync"`: FHIR resources sealed + anchored per second through the sync pipeline on Synthea data,
 * (1) with the resources already fetched (no server round trips: canonical form, content id, seal to two
 * recipients, checkpoint, anchor on the memory ledger, Provenance signed), and (2) the whole `syncPatient` against
 * the test FHIR server on 127.0.0.1 (searches with `_offset` paging, and a transaction of Provenance per chunk).
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Resource } from '@medplum/fhirtypes'
import { createMemoryLedger } from '@medseal/adapter-memory'
import { createAnchorer, createParty, createVaultKey, type Receipt } from '@medseal/core'
import { loadSyntheaPatients, startFhirServer } from '@medseal/example-fhir-server'
import { defineBench } from '../../../scripts/bench/harness.js'
import { provenanceForReceipt } from './mappings/provenance.js'
import { createMemorySyncCheckpointStore } from './sync/checkpoint.js'
import { _sealAndAnchor, syncPatient } from './sync/syncPatient.js'

const file = 'Alejandro_Riojas_a9fcc685-c7a2-4474-bf25-26c8fe4b48f9.json'
const text = readFileSync(
  fileURLToPath(new URL(`../../../../shared/vectors/fhir/synthea/${file}`, import.meta.url)),
  'utf8',
)
const RUNS = 3

defineBench('fhir sync', async (ctx) => {
  const sealer = createParty()
  const reader = createParty()
  // (1) resources already fetched: the bundle's resources, given server-like ids and versions
  const bundle = JSON.parse(text) as { entry: { resource: Resource }[] }
  const resources = bundle.entry.map((e, i) => ({
    ...e.resource,
    id: `r${i}`,
    meta: { versionId: '1', lastUpdated: '2026-01-01T00:00:00Z' },
  })) as Resource[]
  const fetched = async (recipients: Parameters<typeof _sealAndAnchor>[1]['recipients']) => {
    let seconds = 0
    for (let run = 0; run < RUNS; run++) {
      const ledger = createMemoryLedger({ id: `bench-${run}` })
      const anchorer = createAnchorer(ledger, { maxDelayMs: 0 })
      const t0 = performance.now()
      for (let i = 0; i < resources.length; i += 256) {
        const states = await _sealAndAnchor(resources.slice(i, i + 256), {
          checkpoint: createMemorySyncCheckpointStore(),
          recipients,
          anchorer,
          canonical: undefined,
          signal: undefined,
        })
        for (const s of states) {
          const target = { reference: `${s.entry.resourceType}/${s.entry.id}/_history/1` }
          provenanceForReceipt({ sealer, target, receipt: s.entry.receipt as Receipt })
        }
      }
      seconds += (performance.now() - t0) / 1000
    }
    return (resources.length * RUNS) / seconds
  }
  ctx.record({
    name: `sync pipeline, fetched (seal 2 recipients + anchor + Provenance), Synthea ${resources.length} resources`,
    value: await fetched([sealer, reader]),
    unit: 'resources/s',
  })
  ctx.record({
    name: 'sync pipeline, fetched, the 2 recipients as vault keys (envelope v2)',
    value: await fetched([createVaultKey({ party: sealer }), createVaultKey({ party: reader })]),
    unit: 'resources/s',
  })

  // (2) the whole syncPatient against the test server
  const server = await startFhirServer()
  try {
    const [loaded] = await loadSyntheaPatients(server, [text])
    let n = 0
    let total = 0
    for (let run = 0; run < RUNS; run++) {
      const ledger = createMemoryLedger({ id: `bench-server-${run}` })
      const t0 = performance.now()
      const result = await syncPatient({
        baseUrl: server.baseUrl,
        patientId: loaded?.patientId as string,
        sealer,
        recipients: [sealer, reader],
        anchorer: createAnchorer(ledger, { maxDelayMs: 0 }),
        ledger,
      })
      total += (performance.now() - t0) / 1000
      n += result.entries.length
    }
    ctx.record({
      name: `syncPatient with the test FHIR server (read + seal + anchor + Provenance write-back), ${n / RUNS} resources`,
      value: n / total,
      unit: 'resources/s',
    })
  } finally {
    await server.close()
  }
})
