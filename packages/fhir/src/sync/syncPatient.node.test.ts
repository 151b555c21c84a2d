/**
 * syncPatient against the real test FHIR server (examples/fhir-server: @medplum/fhir-router over node:http on
 * 127.0.0.1, free port) loaded with Synthea patients, and the real memory ledger.
 */
import { Buffer } from 'node:buffer'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Worker } from 'node:worker_threads'
import { createMemoryLedger } from '@medseal/adapter-memory'
import {
  bytesToHex0x,
  createAnchorer,
  createParty,
  createSealPool,
  createVaultKey,
  decodeEnvelope,
  type LedgerAdapter,
  LedgerError,
  openCanonical,
  verifyReceipt,
} from '@medseal/core'
import {
  type FhirTestServer,
  type LoadedPatient,
  loadSyntheaPatients,
  startFhirServer,
} from '@medseal/example-fhir-server'
import { Client } from 'fhir-kit-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundleSealWorker } from '../../../../scripts/testing/sealWorker.js'
import { syntheaFiles } from '../_testData.js'
import { canonicalizeResource } from '../canonicalizeResource.js'
import { verifyProvenance } from '../mappings/provenance.js'
import { validateResource } from '../validateResource.js'
import { createMemorySyncCheckpointStore } from './checkpoint.js'
import { FhirServerError } from './fhirServerError.js'
import { ENVELOPE_MEDIA_TYPE, SYNC_DEFAULT_RESOURCE_TYPES, type SyncProgress, syncPatient } from './syncPatient.js'

const PATIENTS = [
  'Luigi_Wiegand_e27d88b0-c5e5-4042-ad49-184f6a900ee3.json',
  'Liz_Conn_27c911c6-f045-4ffa-af5d-6eba57ac94b2.json',
  'Enda_Schaefer_dd760206-6c4e-4e25-a799-f5c563e489a1.json',
]

/** The real memory ledger, whose anchorRoot fails (permanently) from the `failAt`-th write on, until `heal()`. */
function failingLedger(inner: LedgerAdapter, failAt: number) {
  let writes = 0
  let healed = false
  const ledger: LedgerAdapter = Object.freeze({
    ...inner,
    name: inner.name,
    ledgerId: inner.ledgerId,
    domain: inner.domain,
    anchorRoot: async (input: Parameters<LedgerAdapter['anchorRoot']>[0]) => {
      writes++
      if (!healed && writes >= failAt) throw new LedgerError('LEDGER_REJECTED', 'The ledger refused the write.')
      return inner.anchorRoot(input)
    },
  })
  return { ledger, heal: () => (healed = true) }
}

describe('syncPatient with a real FHIR server', () => {
  let server: FhirTestServer
  let loaded: LoadedPatient[]
  const sealer = createParty()
  const reader = createParty()

  beforeAll(async () => {
    server = await startFhirServer()
    loaded = await loadSyntheaPatients(
      server,
      PATIENTS.map((f) => syntheaFiles[f] as string),
    )
  })
  afterAll(async () => {
    await server.close()
  })

  it('with a seal pool: every resource sealed in the workers opens, anchors and resumes; a dead worker fails the sync', async () => {
    // the worker module, bundled from source as a package build would (Node cannot load .ts)
    const worker = await bundleSealWorker()
    try {
      const ledger = createMemoryLedger({ id: 'sync-pool' })
      const anchorer = createAnchorer(ledger, { maxDelayMs: 0 })
      const checkpoint = createMemorySyncCheckpointStore()
      const recipients = [createVaultKey({ party: sealer }), createVaultKey({ party: reader })]
      const base = { baseUrl: server.baseUrl, patientId: loaded[0]?.patientId as string, sealer, ledger, anchorer }
      // a pool whose only worker exits: the sync rejects, nothing of the failed chunks is checkpointed
      const dead = createSealPool({ spawn: () => new Worker('process.exit(3)', { eval: true }), size: 1 })
      await expect(
        syncPatient({ ...base, recipients, checkpoint, chunkSize: 16, sealPool: dead }),
      ).rejects.toMatchObject({ code: 'WORKER_FAILED' })
      await dead.close()
      expect(await checkpoint.list()).toEqual([])

      const pool = createSealPool({ spawn: worker.spawn, size: 2 })
      try {
        const result = await syncPatient({ ...base, recipients, checkpoint, chunkSize: 16, sealPool: pool })
        expect(result.sealed).toBe(result.entries.length)
        const client = new Client({ baseUrl: server.baseUrl })
        for (const entry of result.entries) {
          await verifyReceipt(ledger, { receipt: entry.receipt, commitment: entry.commitment })
          const opened = await openCanonical(decodeEnvelope(entry.envelope), reader)
          expect(bytesToHex0x(opened.commitment)).toBe(entry.commitment)
          expect(opened.contentId.toString()).toBe(entry.contentId)
        }
        const first = result.entries[0]
        const resource = await client.read({ resourceType: first?.resourceType as string, id: first?.id as string })
        const opened = await openCanonical(decodeEnvelope(first?.envelope as Uint8Array), sealer)
        expect(new TextDecoder().decode(opened.canonical)).toBe(canonicalizeResource(resource))
        // a second run, with the pool, seals nothing again
        const again = await syncPatient({ ...base, recipients, checkpoint, chunkSize: 16, sealPool: pool })
        expect([again.sealed, again.resumed]).toEqual([0, result.entries.length])
      } finally {
        await pool.close()
      }
    } finally {
      worker.remove()
    }
  })

  const count = async (path: string) => {
    const res = await fetch(`${server.baseUrl}/${path}`)
    return ((await res.json()) as { total: number }).total
  }

  it('seals and anchors every resource of one patient, with a Provenance on the server that verifies', async () => {
    const ledger = createMemoryLedger({ id: 'sync-1' })
    const anchorer = createAnchorer(ledger, { maxDelayMs: 0 })
    const progress: SyncProgress[] = []
    const patientId = loaded[0]?.patientId as string
    const provenanceBefore = await count('Provenance?_total=accurate&_count=0')
    const result = await syncPatient({
      client: new Client({ baseUrl: server.baseUrl }),
      patientId,
      sealer,
      recipients: [sealer, reader],
      anchorer,
      ledger,
      pageSize: 7, // the server sends no next links: forces _count/_offset paging
      onProgress: (p) => progress.push(p),
    })
    expect(result.method).toBe('search') // the test server has no $everything: fallback
    // every resource of this patient's record that the searches reach (Synthea: the patient, clinical and claims
    // resources; Practitioner/Organization are outside the compartment)
    const created = loaded[0]?.ids as ReadonlyMap<string, string>
    const compartment = [...created.values()].filter((ref) => !/^(Practitioner|Organization)\//.test(ref))
    expect(result.entries.map((e) => `${e.resourceType}/${e.id}`).sort()).toEqual(compartment.sort())
    expect(result.sealed).toBe(compartment.length)
    expect(progress.at(-1)).toMatchObject({ done: compartment.length, total: compartment.length })
    expect(progress.map((p) => p.done)).toEqual(compartment.map((_, i) => i + 1))
    // one Provenance per chunk (default 256 resources: this record is one chunk)
    expect(await count('Provenance?_total=accurate&_count=0')).toBe(provenanceBefore + 1)
    expect(new Set(result.entries.map((e) => e.provenanceId)).size).toBe(1)

    const client = new Client({ baseUrl: server.baseUrl })
    for (const entry of result.entries) {
      await verifyReceipt(ledger, { receipt: entry.receipt, commitment: entry.commitment })
      const provenance = await client.read({ resourceType: 'Provenance', id: entry.provenanceId as string })
      expect(validateResource(provenance).issue.filter((i) => i.severity === 'error')).toEqual([])
      const verified = await verifyProvenance(ledger, { provenance, commitment: entry.commitment, signer: sealer.did })
      expect(verified.resource).toEqual([`${entry.resourceType}/${entry.id}/_history/${entry.versionId}`])
      expect(verified.target).toHaveLength(result.entries.length)
    }
    // the envelope opens for a recipient, to the canonical form of the server's resource
    const first = result.entries[0]
    const resource = await client.read({ resourceType: first?.resourceType as string, id: first?.id as string })
    const opened = await openCanonical(decodeEnvelope(first?.envelope as Uint8Array), reader)
    expect(new TextDecoder().decode(opened.canonical)).toBe(canonicalizeResource(resource))
  })

  it('an interrupted sync (ledger fails at the 3rd write) resumes: nothing sealed twice, every receipt present', async () => {
    const inner = createMemoryLedger({ id: 'sync-2' })
    const { ledger, heal } = failingLedger(inner, 3)
    const anchorer = createAnchorer(ledger, { maxDelayMs: 0, retries: 0 })
    const checkpoint = createMemorySyncCheckpointStore()
    const patientId = loaded[1]?.patientId as string
    const base = { baseUrl: server.baseUrl, patientId, sealer, recipients: [sealer], anchorer, ledger, checkpoint }
    const run1: SyncProgress[] = []
    await expect(syncPatient({ ...base, chunkSize: 10, onProgress: (p) => run1.push(p) })).rejects.toMatchObject({
      code: 'LEDGER_REJECTED',
    })
    const before = new Map((await checkpoint.list()).map((e) => [e.key, e]))
    expect(run1.length).toBe(20) // two chunks of 10 anchored and written back
    expect([...before.values()].filter((e) => e.receipt).length).toBe(20)
    // the third chunk is sealed and checkpointed, not anchored; so is the fourth, sealed while the third was anchored
    expect(before.size).toBe(40)

    heal()
    const run2: SyncProgress[] = []
    const result = await syncPatient({ ...base, chunkSize: 10, onProgress: (p) => run2.push(p) })
    expect(result.resumed).toBe(40)
    expect(result.sealed).toBe(result.entries.length - 40)
    expect(run2.filter((p) => p.phase === 'sealed').length + run1.length + 20).toBe(result.entries.length)
    for (const entry of result.entries) {
      const earlier = before.get(entry.key)
      if (earlier) expect(entry.commitment).toBe(earlier.commitment) // not sealed again
      await verifyReceipt(inner, { receipt: entry.receipt, commitment: entry.commitment })
      expect(entry.provenanceId).toBeTypeOf('string')
    }
    // one Provenance per chunk of 10: entries share an id exactly when they are in the same chunk
    const ids = result.entries.map((e) => e.provenanceId)
    expect(new Set(ids).size).toBe(Math.ceil(result.entries.length / 10))
    for (let i = 0; i < ids.length; i++) expect(ids[i]).toBe(ids[i - (i % 10)])
    // a third run does nothing new
    const run3 = await syncPatient(base)
    expect(run3.sealed).toBe(0)
    expect(run3.entries.map((e) => e.provenanceId)).toEqual(result.entries.map((e) => e.provenanceId))
  })

  it('an aborted sync resumes without sealing anything twice', async () => {
    const ledger = createMemoryLedger({ id: 'sync-3' })
    const anchorer = createAnchorer(ledger, { maxDelayMs: 0 })
    const checkpoint = createMemorySyncCheckpointStore()
    const controller = new AbortController()
    const patientId = loaded[2]?.patientId as string
    const base = { baseUrl: server.baseUrl, patientId, sealer, recipients: [sealer], anchorer, ledger, checkpoint }
    await expect(
      syncPatient({
        ...base,
        chunkSize: 16,
        signal: controller.signal,
        onProgress: (p) => p.done === 16 && controller.abort(new Error('stopped by the user')),
      }),
    ).rejects.toThrow('stopped by the user')
    const checkpointed = await checkpoint.list()
    const done = checkpointed.filter((e) => e.receipt)
    expect(done.length).toBe(16)
    // the second chunk may have been sealed (and checkpointed) ahead before the abort reached it: all or none of it
    expect([16, 32]).toContain(checkpointed.length)
    const result = await syncPatient({ ...base, storeEnvelopes: true, writeMode: 'create' })
    expect(result.resumed).toBe(checkpointed.length)
    expect(result.sealed).toBe(result.entries.length - checkpointed.length)
    for (const e of checkpointed) expect(result.entries.find((x) => x.key === e.key)?.commitment).toBe(e.commitment)
    // envelopes stored as Binary (also for the resumed ones), securityContext → the resource
    const client = new Client({ baseUrl: server.baseUrl })
    const entry = result.entries[3]
    const binary = (await client.read({ resourceType: 'Binary', id: entry?.binaryId as string })) as unknown as {
      contentType: string
      securityContext: { reference: string }
      data: string
    }
    expect(binary.contentType).toBe(ENVELOPE_MEDIA_TYPE)
    expect(binary.securityContext.reference).toBe(`${entry?.resourceType}/${entry?.id}/_history/${entry?.versionId}`)
    expect(Uint8Array.from(atob(binary.data), (c) => c.charCodeAt(0))).toEqual(entry?.envelope)
  })

  /**
   * A server with `Patient/$everything` paged by `link[rel=next]` (no `total`): a node:http front on 127.0.0.1 that
   * answers $everything from the real server's data and forwards every other request to it.
   */
  async function everythingFront(nextOrigin?: string) {
    const front: Server = createServer(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const m = /^\/fhir\/Patient\/([^/]+)\/\$everything$/.exec(url.pathname)
      const chunks: Buffer[] = []
      for await (const c of req) chunks.push(c as Buffer)
      if (m) {
        const id = m[1] as string
        const all: unknown[] = [await (await fetch(`${server.baseUrl}/Patient/${id}`)).json()]
        for (const type of SYNC_DEFAULT_RESOURCE_TYPES) {
          const param = type === 'Coverage' ? 'beneficiary' : 'patient'
          const b = (await (await fetch(`${server.baseUrl}/${type}?${param}=Patient/${id}&_count=1000`)).json()) as {
            entry?: { resource: unknown }[]
          }
          for (const e of b.entry ?? []) all.push(e.resource)
        }
        const count = Number(url.searchParams.get('_count') ?? 10)
        const offset = Number(url.searchParams.get('_offset') ?? 0)
        const page = all.slice(offset, offset + count)
        const base = nextOrigin ?? `http://127.0.0.1:${(front.address() as AddressInfo).port}`
        const link =
          offset + count < all.length
            ? [
                {
                  relation: 'next',
                  url: `${base}/fhir/Patient/${id}/$everything?_count=${count}&_offset=${offset + count}`,
                },
              ]
            : []
        res.writeHead(200, { 'content-type': 'application/fhir+json' })
        res.end(
          JSON.stringify({
            resourceType: 'Bundle',
            type: 'searchset',
            link,
            entry: page.map((resource) => ({ resource, search: { mode: 'match' } })),
          }),
        )
        return
      }
      const upstream = await fetch(`${server.baseUrl}${url.pathname.slice('/fhir'.length)}${url.search}`, {
        method: req.method ?? 'GET',
        headers: { 'content-type': req.headers['content-type'] ?? 'application/fhir+json' },
        ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
      })
      res.writeHead(upstream.status, { 'content-type': 'application/fhir+json' })
      res.end(await upstream.text())
    })
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r))
    return {
      baseUrl: `http://127.0.0.1:${(front.address() as AddressInfo).port}/fhir`,
      close: () => {
        front.closeAllConnections()
        return new Promise((r) => front.close(r))
      },
    }
  }

  it('uses Patient/$everything where the server has it, following next links', async () => {
    const front = await everythingFront()
    try {
      const ledger = createMemoryLedger({ id: 'sync-everything' })
      const progress: SyncProgress[] = []
      const result = await syncPatient({
        baseUrl: front.baseUrl,
        patientId: loaded[0]?.patientId as string,
        sealer,
        recipients: [sealer],
        anchorer: createAnchorer(ledger, { maxDelayMs: 0 }),
        ledger,
        pageSize: 9,
        onProgress: (p) => progress.push(p),
      })
      expect(result.method).toBe('$everything')
      const created = loaded[0]?.ids as ReadonlyMap<string, string>
      const compartment = [...created.values()].filter((ref) => !/^(Practitioner|Organization)\//.test(ref))
      expect(result.entries.map((e) => `${e.resourceType}/${e.id}`).sort()).toEqual(compartment.sort())
      expect(progress.at(-1)?.total).toBe(compartment.length)
      for (const entry of result.entries)
        await verifyReceipt(ledger, { receipt: entry.receipt, commitment: entry.commitment })
    } finally {
      await front.close()
    }
  })

  it('refuses a next link to another origin (FHIR_SERVER_ERROR)', async () => {
    const front = await everythingFront('http://127.0.0.2:9')
    try {
      const ledger = createMemoryLedger({ id: 'sync-origin' })
      const error = await syncPatient({
        baseUrl: front.baseUrl,
        patientId: loaded[0]?.patientId as string,
        sealer,
        recipients: [sealer],
        anchorer: createAnchorer(ledger),
        ledger,
        pageSize: 5,
      }).catch((e) => e)
      expect(error).toBeInstanceOf(FhirServerError)
      expect(error.code).toBe('FHIR_SERVER_ERROR')
    } finally {
      await front.close()
    }
  })

  it('a server that is down → FHIR_SERVER_UNAVAILABLE', async () => {
    const gone = await startFhirServer()
    await gone.close()
    const ledger = createMemoryLedger({ id: 'sync-4' })
    const error = await syncPatient({
      baseUrl: gone.baseUrl,
      patientId: 'p1',
      sealer,
      recipients: [sealer],
      anchorer: createAnchorer(ledger),
      ledger,
    }).catch((e) => e)
    expect(error).toBeInstanceOf(FhirServerError)
    expect(error.code).toBe('FHIR_SERVER_UNAVAILABLE')
    expect(error.timedOut).toBe(false)
  })

  it('a server that does not answer in timeoutMs → FHIR_SERVER_UNAVAILABLE (timedOut)', async () => {
    const silent: Server = createServer(() => {}) // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
    const { port } = silent.address() as AddressInfo
    const ledger = createMemoryLedger({ id: 'sync-5' })
    try {
      const error = await syncPatient({
        baseUrl: `http://127.0.0.1:${port}/fhir`,
        patientId: 'p1',
        sealer,
        recipients: [sealer],
        anchorer: createAnchorer(ledger),
        ledger,
        timeoutMs: 200,
      }).catch((e) => e)
      expect(error).toBeInstanceOf(FhirServerError)
      expect(error.code).toBe('FHIR_SERVER_UNAVAILABLE')
      expect(error.timedOut).toBe(true)
    } finally {
      silent.closeAllConnections()
      await new Promise((r) => silent.close(r))
    }
  })

  it('an OperationOutcome from the server → FHIR_SERVER_ERROR carrying it (no PHI in the message)', async () => {
    const ledger = createMemoryLedger({ id: 'sync-6' })
    const error = await syncPatient({
      baseUrl: server.baseUrl,
      patientId: 'no-such-patient',
      sealer,
      recipients: [sealer],
      anchorer: createAnchorer(ledger),
      ledger,
    }).catch((e) => e)
    expect(error).toBeInstanceOf(FhirServerError)
    expect(error.code).toBe('FHIR_SERVER_ERROR')
    expect(error.status).toBe(404)
    expect(error.outcome.resourceType).toBe('OperationOutcome')
    expect(error.message).not.toContain('no-such-patient')
  })

  it('rejects bad parameters (INVALID_ARGUMENT / INVALID_TYPE / OUT_OF_RANGE)', async () => {
    const ledger = createMemoryLedger({ id: 'sync-7' })
    const base = {
      baseUrl: server.baseUrl,
      patientId: 'x',
      sealer,
      recipients: [sealer],
      anchorer: createAnchorer(ledger),
      ledger,
    }
    await expect(syncPatient({ ...base, patientId: '../x' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    await expect(syncPatient({ ...base, recipients: [] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    await expect(syncPatient({ ...base, timeoutMs: 0 })).rejects.toMatchObject({ code: 'OUT_OF_RANGE' })
    await expect(syncPatient({ ...base, baseUrl: undefined } as never)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    await expect(syncPatient({ ...base, sealer: {} as never })).rejects.toMatchObject({ code: 'INVALID_TYPE' })
    await expect(syncPatient({ ...base, sealPool: {} as never })).rejects.toMatchObject({ code: 'INVALID_TYPE' })
    await expect(syncPatient({ ...base, writeMode: 'batch' as never })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    await expect(syncPatient({ ...base, resourceTypes: ['bad type'] })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
  })
})
