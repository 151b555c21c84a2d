import { bytesToUtf8, createParty, InvalidArgumentError, openCanonical } from '@medseal/core'
import { describe, expect, it } from 'vitest'
import { exampleFiles, syntheaFiles } from './_testData.js'
import { canonicalizeResource } from './canonicalizeResource.js'
import { FhirValidationError } from './errors.js'
import { sealBundle } from './sealBundle.js'

const patient = createParty()
const doctor = createParty()

describe('sealBundle', () => {
  it('seals every entry of a Synthea transaction Bundle; every urn:uuid reference resolves', async () => {
    const text = syntheaFiles[Object.keys(syntheaFiles).find((n) => n.startsWith('Liz_')) as string] as string
    const bundle = JSON.parse(text)
    const { type, entries, references } = await sealBundle(text, { recipients: [patient, doctor] })
    expect(type).toBe('transaction')
    expect(entries).toHaveLength(bundle.entry.length)
    for (const [i, e] of entries.entries()) {
      expect(e.index).toBe(i)
      expect(e.fullUrl).toBe(bundle.entry[i].fullUrl)
      expect(e.resourceType).toBe(bundle.entry[i].resource.resourceType)
      expect(e.commitment).toHaveLength(32)
    }
    const external = references.filter((r) => !r.reference.startsWith('#'))
    expect(external.length).toBeGreaterThan(100)
    for (const r of external) {
      expect(r.to, r.reference).toBeTypeOf('number')
      expect(entries[r.to as number]?.fullUrl).toBe(r.reference)
    }
    expect(references.some((r) => r.path === 'Observation.subject.reference')).toBe(true)
    // an entry opens to exactly the canonical form of its resource, for both recipients
    const i = bundle.entry.findIndex(
      (e: { resource: { resourceType: string } }) => e.resource.resourceType === 'Observation',
    )
    for (const who of [patient, doctor]) {
      const opened = await openCanonical(entries[i]?.envelope as never, who)
      expect(bytesToUtf8(opened.canonical)).toBe(canonicalizeResource(bundle.entry[i].resource))
      expect(opened.contentId.toString()).toBe(entries[i]?.contentId.toString())
    }
  })

  it('keeps decimal precision from JSON text', async () => {
    const text = `{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:2cd2b5a0-1e5c-4b2a-9f4c-5e0b4b8a0c11","resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":1.50}}}]}`
    const { entries } = await sealBundle(text, { recipients: [patient] })
    const opened = await openCanonical(entries[0]?.envelope as never, patient)
    expect(bytesToUtf8(opened.canonical)).toContain('"value":1.50')
    const fromObject = await sealBundle(JSON.parse(text), { recipients: [patient] })
    expect(fromObject.entries[0]?.contentId.toString()).not.toBe(entries[0]?.contentId.toString())
  })

  it('resolves references as FHIR R4 says (HL7 Bundle-bundle-references)', async () => {
    const text = exampleFiles['Bundle-bundle-references.json'] as string
    const bundle = JSON.parse(text)
    const { entries, references } = await sealBundle(text, { recipients: [patient] })
    expect(entries).toHaveLength(bundle.entry.length)
    const target = (from: number) => {
      const edge = references.find((r) => r.from === from && r.path === 'Observation.subject.reference')
      return edge?.to === undefined
        ? undefined
        : bundle.entry[edge.to].fullUrl + (bundle.entry[edge.to].resource.meta?.versionId ?? '')
    }
    expect(target(2)).toBe('http://example.org/fhir/Patient/23') // relative, same server base
    expect(target(3)).toBe('http://example.org/fhir/Patient/23') // absolute
    expect(target(4)).toBe('urn:uuid:04121321-4af5-424c-a0e1-ed3aab1c349d')
    expect(target(5)).toBeUndefined() // another server, not in the Bundle
    expect(target(6)).toBeUndefined() // relative from fhir-2: resolves on fhir-2, not to fhir/Patient/23
    expect(target(9)).toBe('http://example.org/fhir/Patient/452') // the asked version
  })

  it('seals the HL7 collection, document and transaction example Bundles', async () => {
    let sealedBundles = 0
    for (const [name, text] of Object.entries(exampleFiles)) {
      if (!name.startsWith('Bundle-')) continue
      const type = JSON.parse(text).type
      if (!['collection', 'document', 'transaction', 'searchset'].includes(type)) continue
      const { entries } = await sealBundle(text, { recipients: [patient] })
      expect(entries.length, name).toBeGreaterThan(0)
      sealedBundles++
    }
    expect(sealedBundles).toBeGreaterThanOrEqual(8)
  })

  it('INVALID_FHIR: not a Bundle, an unsupported type, an invalid entry', async () => {
    const cases: unknown[] = [
      { resourceType: 'Patient' },
      { resourceType: 'Bundle', type: 'transaction-response', entry: [] },
      { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Patient', id: 'bad id' } }] },
    ]
    for (const c of cases) {
      const err = await sealBundle(c as never, { recipients: [patient] }).catch((e) => e)
      expect(err).toBeInstanceOf(FhirValidationError)
      expect(err.code).toBe('INVALID_FHIR')
    }
    expect(exampleFiles['Bundle-bundle-response.json']).toBeDefined()
    await expect(
      sealBundle(exampleFiles['Bundle-bundle-response.json'] as string, { recipients: [patient] }),
    ).rejects.toThrow(FhirValidationError)
  })

  it('argument errors: bad params, no recipients, malformed JSON', async () => {
    const b = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Patient' } }] }
    await expect(sealBundle(b, null as never)).rejects.toMatchObject({ code: 'INVALID_TYPE' })
    const noRecipients = await sealBundle(b, { recipients: [] }).catch((e) => e)
    expect(noRecipients).toBeInstanceOf(InvalidArgumentError)
    await expect(sealBundle('{"resourceType":"Bundle",', { recipients: [patient] })).rejects.toMatchObject({
      code: 'INVALID_JSON',
    })
  })
})
