/**
 * Against the real test FHIR server (@medplum/fhir-router behind node:http on 127.0.0.1): what survives a round
 * trip through a server, which is what the default canonical form is designed for.
 */
import { type FhirTestServer, loadSyntheaPatients, startFhirServer } from '@medseal/example-fhir-server'
import { Client } from 'fhir-kit-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { syntheaFiles } from './_testData.js'
import { canonicalizeResource } from './canonicalizeResource.js'
import { deidentify } from './deidentify.js'
import { hashResource } from './hashResource.js'
import { sealBundle } from './sealBundle.js'
import { validateResource } from './validateResource.js'

describe('with a real FHIR server', () => {
  let server: FhirTestServer
  let client: Client
  beforeAll(async () => {
    server = await startFhirServer()
    client = new Client({ baseUrl: server.baseUrl })
  })
  afterAll(async () => {
    await server.close()
  })

  it('the content id survives a server round trip although the server rewrites meta', async () => {
    const observation = {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
      valueQuantity: { value: 72, unit: '/min' },
      meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'N' }] },
    }
    const created = (await client.create({ resourceType: 'Observation', body: observation })) as unknown as {
      id: string
      meta: { versionId: string; lastUpdated: string }
    }
    expect(created.meta.versionId).toBeTypeOf('string')
    const text = await (await fetch(`${server.baseUrl}/Observation/${created.id}`)).text()
    const mine = hashResource({ ...observation, id: created.id })
    expect(hashResource(text).contentId.equals(mine.contentId)).toBe(true)
    // an update bumps versionId/lastUpdated but not the content id
    await client.update({ resourceType: 'Observation', id: created.id, body: { ...observation, id: created.id } })
    const again = await (await fetch(`${server.baseUrl}/Observation/${created.id}`)).text()
    expect(JSON.parse(again).meta.versionId).not.toBe(created.meta.versionId)
    expect(hashResource(again).contentId.equals(mine.contentId)).toBe(true)
    // with all of meta in the hash it would not
    expect(hashResource(again, { meta: true }).contentId.equals(hashResource(text, { meta: true }).contentId)).toBe(
      false,
    )
  })

  it('this server (JSON.parse/stringify inside) drops decimal precision, and the canonical form notices', async () => {
    const text = '{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":1.50}}'
    const res = await fetch(`${server.baseUrl}/Observation`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: text,
    })
    const stored = await res.text()
    expect(JSON.parse(stored).id).toBeTypeOf('string')
    const originalCanonical = canonicalizeResource(text, { id: false })
    const storedCanonical = canonicalizeResource(stored, { id: false })
    expect(originalCanonical).toContain('"value":1.50}')
    expect(storedCanonical).toContain('"value":1.5}')
    expect(storedCanonical).not.toBe(originalCanonical)
  })

  it('loads Synthea patients, reads them back as a searchset, validates, seals and de-identifies it', async () => {
    const name = Object.keys(syntheaFiles).find((n) => n.startsWith('Luigi_')) as string
    const [loaded] = await loadSyntheaPatients(server, [syntheaFiles[name] as string])
    const res = await fetch(`${server.baseUrl}/Observation?subject=Patient/${loaded?.patientId}&_count=1000`)
    const searchset = await res.text()
    const bundle = JSON.parse(searchset)
    expect(bundle.type).toBe('searchset')
    expect(bundle.entry.length).toBe(31)
    expect(validateResource(bundle).issue[0]?.severity).toBe('information')
    const { entries, references } = await sealBundle(searchset, {
      recipients: [{ encryptionPublicKey: new Uint8Array(32).fill(9) }],
    })
    expect(entries).toHaveLength(31)
    // the subject (the Patient) is not in this searchset: those references point outside the Bundle
    expect(references.filter((r) => r.path === 'Observation.subject.reference').every((r) => r.to === undefined)).toBe(
      true,
    )
    const deid = deidentify(bundle, { key: new Uint8Array(32).fill(3) })
    expect(JSON.stringify(deid)).not.toContain(loaded?.patientId as string)
  })
})
