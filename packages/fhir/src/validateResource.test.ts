import { describe, expect, it } from 'vitest'
import { exampleFiles, syntheaFiles } from './_testData.js'
import { FhirValidationError } from './errors.js'
import { assertValidResource, checkReference, isValidOutcome, validateResource } from './validateResource.js'

const errors = (resource: unknown, strict = false) =>
  validateResource(resource, { strict }).issue.filter((i) => i.severity === 'error')
const expressions = (resource: unknown, strict = false) => errors(resource, strict).map((i) => i.expression?.[0])

describe('validateResource: real data is valid', () => {
  it('every HL7 R4 example (strict)', () => {
    const names = Object.keys(exampleFiles)
    expect(names.length).toBeGreaterThanOrEqual(100)
    for (const name of names) expect(errors(JSON.parse(exampleFiles[name] as string), true), name).toEqual([])
  })
  it('every Synthea bundle and every entry (strict)', () => {
    const names = Object.keys(syntheaFiles)
    expect(names.length).toBeGreaterThanOrEqual(14)
    let entries = 0
    for (const name of names) {
      const bundle = JSON.parse(syntheaFiles[name] as string)
      expect(errors(bundle, true), name).toEqual([])
      for (const e of bundle.entry) {
        expect(errors(e.resource, true), name).toEqual([])
        entries++
      }
    }
    expect(entries).toBeGreaterThan(1000)
  })
  it('valid outcome is one informational issue', () => {
    const outcome = validateResource({ resourceType: 'Patient' })
    expect(outcome).toEqual({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'information', code: 'informational', diagnostics: 'All OK' }],
    })
    expect(isValidOutcome(outcome)).toBe(true)
  })
})

describe('validateResource: each kind of invalid input', () => {
  it('not a resource', () => {
    for (const x of [null, 1, 'Patient', [], {}, { resourceType: 3 }]) expect(errors(x)).toHaveLength(1)
  })
  it('unknown resource type', () => {
    expect(expressions({ resourceType: 'Patientt' })).toEqual(['resourceType'])
    expect(expressions({ resourceType: 'MedicinalProductX' })).toEqual(['resourceType'])
  })
  it.each(['', 'a b', 'x'.repeat(65), 'ü', 'a/b', 'a_b'])('bad id %j', (id) => {
    expect(expressions({ resourceType: 'Patient', id })).toEqual(['Patient.id'])
  })
  it('good ids', () => {
    for (const id of ['a', 'A-1.b', 'x'.repeat(64), '0f3c']) expect(errors({ resourceType: 'Patient', id })).toEqual([])
  })
  it.each([
    'Patient',
    'Patient/',
    'Patientx/1',
    'Patient/a b',
    'Patient/1/_history/',
    'Patient/1/extra',
    'urn:uuid:not-a-uuid',
    'urn:oid:1.2.03',
    'http://',
    'http://exa mple.org/Patient/1',
    '#a b',
    'Foo?x=1',
    '',
  ])('bad reference %j', (reference) => {
    const found = expressions({ resourceType: 'Observation', status: 'final', code: {}, subject: { reference } })
    expect(found.length).toBeGreaterThan(0)
    expect(new Set(found)).toEqual(new Set(['Observation.subject.reference']))
  })
  it.each([
    'Patient/123',
    'Patient/123/_history/2',
    'https://fhir.example.org/r4/Patient/123',
    'urn:uuid:2cd2b5a0-1e5c-4b2a-9f4c-5e0b4b8a0c11',
    'urn:oid:1.2.840.113556',
    '#p1',
    '#',
    'Patient?identifier=http://x|1',
  ])('good reference %j', (reference) => {
    expect(checkReference(reference)).toBeUndefined()
  })
  it('references in backbone elements and nested resources', () => {
    const enc = {
      resourceType: 'Encounter',
      status: 'finished',
      class: { code: 'AMB' },
      participant: [{ individual: { reference: 'Practitioner/ok' } }, { individual: { reference: 'bad ref' } }],
    }
    expect(expressions(enc)).toEqual(['Encounter.participant[1].individual.reference'])
    const bundle = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: enc }] }
    expect(expressions(bundle)).toEqual([
      'Bundle.entry[0].resource.ofType(Encounter).participant[1].individual.reference',
    ])
    const contained = { resourceType: 'Patient', contained: [{ resourceType: 'Organization', id: 'bad id' }] }
    expect(expressions(contained)).toEqual(['Patient.contained[0].ofType(Organization).id'])
  })
  it.each([
    ['birthDate', '1970-13-01'],
    ['birthDate', '1970-02-30'],
    ['birthDate', '70-01-01'],
    ['birthDate', '1970-01-01T00:00:00Z'],
    ['deceasedDateTime', '2020-01-01T10:00:00'],
    ['deceasedDateTime', '2020-01-01T25:00:00Z'],
    ['deceasedDateTime', '2021-02-29'],
  ])('bad %s %j', (key, value) => {
    expect(expressions({ resourceType: 'Patient', [key]: value })).toEqual([`Patient.${key}`])
  })
  it('good dates', () => {
    for (const birthDate of ['1970', '1970-01', '2000-02-29'])
      expect(errors({ resourceType: 'Patient', birthDate })).toEqual([])
    for (const deceasedDateTime of ['2020', '2020-01-01T10:00:00+14:00', '2020-01-01T10:00:00.123Z'])
      expect(errors({ resourceType: 'Patient', deceasedDateTime })).toEqual([])
  })
  it('instant, time and dates inside datatypes', () => {
    expect(expressions({ resourceType: 'Observation', status: 'final', code: {}, issued: '2020-01-01' })).toEqual([
      'Observation.issued',
    ])
    expect(expressions({ resourceType: 'Observation', valueTime: '25:00:00' })).toEqual(['Observation.valueTime'])
    expect(expressions({ resourceType: 'Patient', name: [{ period: { start: '2020-1-1' } }] })).toEqual([
      'Patient.name[0].period.start',
    ])
    expect(expressions({ resourceType: 'Patient', meta: { lastUpdated: 'yesterday' } })).toEqual([
      'Patient.meta.lastUpdated',
    ])
  })
  it('primitive JSON types and cardinality', () => {
    expect(expressions({ resourceType: 'Patient', active: 'true' })).toEqual(['Patient.active'])
    expect(expressions({ resourceType: 'Patient', multipleBirthInteger: 1.5 })).toEqual([
      'Patient.multipleBirthInteger',
    ])
    expect(expressions({ resourceType: 'Patient', gender: 1 })).toEqual(['Patient.gender'])
    expect(expressions({ resourceType: 'Patient', gender: '' })).toEqual(['Patient.gender'])
    expect(expressions({ resourceType: 'Patient', name: { family: 'x' } })).toEqual(['Patient.name'])
    expect(expressions({ resourceType: 'Patient', gender: ['male'] })).toEqual(['Patient.gender'])
    expect(expressions({ resourceType: 'Patient', name: [] })).toEqual(['Patient.name'])
    expect(expressions({ resourceType: 'Observation', valueQuantity: { value: '1.5' } })).toEqual([
      'Observation.valueQuantity.value',
    ])
    expect(expressions({ resourceType: 'Patient', name: 'x' })).toEqual(['Patient.name', 'Patient.name'])
  })
  it('strict rejects unknown top-level elements; lenient accepts them; _primitive siblings are fine', () => {
    const junk = { resourceType: 'Patient', foo: 1, _birthDate: { extension: [] }, birthDate: '1970' }
    expect(expressions(junk)).toEqual([])
    expect(expressions(junk, true)).toEqual(['Patient.foo'])
    expect(expressions({ resourceType: 'Patient', 'bad key!': 1 }, true)).toEqual(['Patient.[…]'])
    // a choice name of a type the element does not allow
    expect(expressions({ resourceType: 'Patient', deceasedString: 'x' }, true)).toEqual(['Patient.deceasedString'])
  })
  it('issues never echo values', () => {
    const outcome = validateResource({ resourceType: 'Patient', id: 'SECRET ID', birthDate: 'SECRET-DATE' })
    expect(JSON.stringify(outcome)).not.toContain('SECRET')
  })
})

describe('assertValidResource', () => {
  it('returns a valid resource', () => {
    const p = { resourceType: 'Patient', id: 'p1' }
    expect(assertValidResource(p)).toBe(p)
  })
  it('throws FhirValidationError INVALID_FHIR with the outcome', () => {
    let err: unknown
    try {
      assertValidResource({ resourceType: 'Observation', subject: { reference: 'nope' } })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(FhirValidationError)
    const e = err as FhirValidationError
    expect(e.code).toBe('INVALID_FHIR')
    expect(e.name).toBe('FhirValidationError')
    expect(e.outcome.issue[0]?.expression).toEqual(['Observation.subject.reference'])
    expect(e.message).toMatchInlineSnapshot(`
      "Invalid FHIR resource (1 issue).

      Observation.subject.reference: reference must be Type/id, an absolute URL, urn:uuid:, urn:oid: or #id
      Docs: https://medseal.dev/docs/errors/invalid-fhir
      Code: INVALID_FHIR
      Version: @medseal/core@0.1.0"
    `)
  })
  it('strict mode', () => {
    expect(() => assertValidResource({ resourceType: 'Patient', foo: 1 }, { strict: true })).toThrow(
      FhirValidationError,
    )
  })
})
