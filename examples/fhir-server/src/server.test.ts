import { fileURLToPath } from 'node:url'
import { Client } from 'fhir-kit-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FhirTestServer, loadSyntheaPatients, startFhirServer } from './index.js'

const synthea = (name: string) =>
  fileURLToPath(new URL(`../../../../shared/vectors/fhir/synthea/${name}`, import.meta.url))
const LIZ = synthea('Liz_Conn_27c911c6-f045-4ffa-af5d-6eba57ac94b2.json')
const LUIGI = synthea('Luigi_Wiegand_e27d88b0-c5e5-4042-ad49-184f6a900ee3.json')

type Bundle = { resourceType: 'Bundle'; total?: number; entry?: { resource: Record<string, unknown> }[] }

describe('example FHIR server', () => {
  let server: FhirTestServer
  let client: Client
  beforeAll(async () => {
    server = await startFhirServer()
    client = new Client({ baseUrl: server.baseUrl })
  })
  afterAll(async () => {
    await server.close()
  })

  it('listens on 127.0.0.1 and a free port', () => {
    expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/fhir$/)
    expect(server.port).toBeGreaterThan(0)
  })

  it('answers metadata with a CapabilityStatement', async () => {
    const cs = (await client.capabilityStatement()) as { resourceType: string; fhirVersion: string }
    expect(cs.resourceType).toBe('CapabilityStatement')
    expect(cs.fhirVersion).toBe('4.0.1')
  })

  it('loads two Synthea patients and reads/searches them with fhir-kit-client', async () => {
    const loaded = await loadSyntheaPatients(server, [LIZ, LUIGI])
    expect(loaded).toHaveLength(2)
    const [liz, luigi] = loaded
    expect(liz?.created).toBe(73)
    expect(luigi?.created).toBe(61)
    const patient = (await client.read({ resourceType: 'Patient', id: liz?.patientId as string })) as unknown as {
      name: { family: string }[]
    }
    expect(patient.name[0]?.family).toMatch(/^Conn/)
    const obs = (await client.search({
      resourceType: 'Observation',
      searchParams: { subject: `Patient/${luigi?.patientId}`, _count: 1000 },
    })) as Bundle
    expect(obs.entry?.length).toBe(31)
    // references inside the bundle were rewritten to server ids
    expect(
      obs.entry?.every(
        (e) => (e.resource.subject as { reference: string }).reference === `Patient/${luigi?.patientId}`,
      ),
    ).toBe(true)
    const all = (await client.search({ resourceType: 'Patient', searchParams: {} })) as Bundle
    expect(all.entry?.map((e) => e.resource.id).sort()).toEqual([liz?.patientId, luigi?.patientId].sort())
    // the id map covers every entry
    expect(liz?.ids.size).toBe(73)
  })

  it('creates, updates, and 404s like a FHIR server', async () => {
    const created = (await client.create({
      resourceType: 'Patient',
      body: { resourceType: 'Patient', active: true },
    })) as unknown as {
      id: string
    }
    const updated = (await client.update({
      resourceType: 'Patient',
      id: created.id,
      body: { resourceType: 'Patient', id: created.id, active: false },
    })) as unknown as { meta: { versionId: string }; active: boolean }
    expect(updated.active).toBe(false)
    await expect(client.read({ resourceType: 'Patient', id: 'does-not-exist' })).rejects.toMatchObject({
      response: { status: 404 },
    })
  })

  it('rejects invalid JSON with 400 and unknown paths with 404', async () => {
    const bad = await fetch(server.baseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: '{',
    })
    expect(bad.status).toBe(400)
    const other = await fetch(server.baseUrl.replace('/fhir', '/other'))
    expect(other.status).toBe(404)
  })

  it('loadSyntheaPatients refuses a non-transaction', async () => {
    await expect(loadSyntheaPatients(server.baseUrl, [{ resourceType: 'Bundle', type: 'collection' }])).rejects.toThrow(
      /transaction Bundle/,
    )
  })
})
