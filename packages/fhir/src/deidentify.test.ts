import { fc, test } from '@fast-check/vitest'
import type { Bundle } from '@medplum/fhirtypes'
import { InvalidArgumentError } from '@medseal/core'
import { describe, expect, it } from 'vitest'
import { exampleFiles, syntheaFiles } from './_testData.js'
import { DEID_AGE_EXTENSION_URL, deidentify } from './deidentify.js'
import { FhirValidationError } from './errors.js'
import { isValidOutcome, validateResource } from './validateResource.js'

const KEY_A = new Uint8Array(32).fill(7)
const KEY_B = new Uint8Array(32).fill(9)
const AS_OF = new Date('2026-01-01T00:00:00Z')

type Json = Record<string, unknown>
const res = (b: Bundle, i: number): Json => (b.entry?.[i]?.resource ?? {}) as unknown as Json

/** Every string found in the input that Safe Harbor says must not survive. */
function identifiersOf(bundle: Json): Set<string> {
  const found = new Set<string>()
  const add = (v: unknown) => {
    if (typeof v === 'string' && v.trim() !== '') found.add(v)
  }
  const walk = (v: unknown, key: string): void => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x, key)
      return
    }
    if (typeof v === 'string') {
      if (/^\d{4}-\d{2}-\d{2}/.test(v)) add(v.slice(0, 10)) // every full date
      if (['reference', 'fullUrl', 'id'].includes(key) && !v.startsWith('#') && key !== 'contained') {
        add(v)
        const id = v.split(/[/:]/).pop()
        if (id && id.length >= 8) add(id)
      }
      return
    }
    if (typeof v !== 'object' || v === null) return
    const o = v as Json
    for (const [k, x] of Object.entries(o)) {
      if (k === 'contained') {
        // contained ids are local (#coverage), not identifiers; the rest of each contained resource is checked
        for (const { id: _local, ...rest } of x as Json[]) walk(rest, k)
        continue
      }
      if (k === 'name' && typeof x === 'string') add(x)
      if (k === 'name' || k === 'contact')
        for (const n of [x].flat() as Json[])
          if (n && typeof n === 'object')
            for (const part of ['family', 'given', 'prefix', 'suffix', 'text']) [n[part]].flat().forEach(add)
      if (k === 'telecom') for (const t of x as Json[]) add(t.value)
      if (k === 'address' || k === 'valueAddress')
        for (const a of [x].flat() as Json[]) {
          ;[a.line].flat().forEach(add)
          add(a.city)
          add(a.postalCode)
          add(a.district)
        }
      if (k === 'identifier') for (const i of [x].flat() as Json[]) add(i?.value)
      if (k === 'valueString' && String(o.url).includes('mothersMaidenName')) add(x)
      walk(x, k)
    }
  }
  walk(bundle, '')
  return found
}

function references(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) references(x, out)
  else if (typeof v === 'object' && v !== null)
    for (const [k, x] of Object.entries(v)) {
      if (k === 'reference' && typeof x === 'string') out.push(x)
      else references(x, out)
    }
  return out
}

/** Keys whose values are codes or canonical URLs of definitions (terminology, questionnaires), not identifiers. */
const DEFINITIONAL = new Set(['code', 'system', 'url', 'profile', 'questionnaire', 'valueSet'])

/**
 * Values that are also codes or definition URLs in the input (a CVX code "140" equal to an organization's
 * identifier "140"; a Questionnaire's canonical URL that a QuestionnaireResponse keeps).
 */
function codesOf(v: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) for (const x of v) codesOf(x, out)
  else if (typeof v === 'object' && v !== null)
    for (const [k, x] of Object.entries(v)) {
      if (DEFINITIONAL.has(k) && typeof x === 'string') out.add(x)
      else codesOf(x, out)
    }
  return out
}

/**
 * Source identifiers found in the output: as a whole JSON string anywhere, or (8+ characters, not only digits, so
 * that decimals such as 104.03399999999999 do not count) inside any string.
 */
function leaks(output: string, identifiers: Set<string>, codes: Set<string>): string[] {
  return [...identifiers].filter(
    (v) =>
      !codes.has(v) &&
      (output.includes(JSON.stringify(v)) || (v.length >= 8 && !/^\d+$/.test(v) && output.includes(v))),
  )
}

describe('deidentify: every Synthea patient', () => {
  const names = Object.keys(syntheaFiles)
  it('has the Synthea patients', () => expect(names.length).toBeGreaterThanOrEqual(14))
  for (const name of names) {
    it(`${name.split('_').slice(0, 2).join(' ')}: no identifier survives, references resolve, output valid`, () => {
      const text = syntheaFiles[name] as string
      const input = JSON.parse(text) as Json
      const out = deidentify(input, { key: KEY_A, asOf: AS_OF })
      expect(JSON.stringify(input)).toBe(JSON.stringify(JSON.parse(text))) // input untouched
      const serialized = JSON.stringify(out)
      const ids = identifiersOf(input)
      expect(ids.size).toBeGreaterThan(50)
      expect(leaks(serialized, ids, codesOf(input))).toEqual([])
      // dates keep their year only
      expect(serialized).not.toMatch(/"\d{4}-\d{2}/)
      // every entry kept, every urn:uuid reference resolves to an entry of the output
      expect(out.entry).toHaveLength((input.entry as unknown[]).length)
      const fullUrls = new Set(out.entry?.map((e) => e.fullUrl))
      const refs = references(out.entry?.map((e) => e.resource))
      expect(refs.length).toBeGreaterThan(0)
      for (const r of refs) expect(r.startsWith('#') || fullUrls.has(r), 'reference resolves').toBe(true)
      for (const e of out.entry ?? []) expect(e.fullUrl).toBe(`urn:uuid:${e.resource?.id}`)
      // what stays: codes, values, state, 3-digit zip
      const patient = out.entry?.find((e) => e.resource?.resourceType === 'Patient')?.resource as unknown as Json
      expect(patient.gender).toMatch(/^(male|female)$/)
      const addr = (patient.address as Json[])[0] as Json
      expect(addr.state).toBe('Massachusetts')
      expect(Object.keys(addr).sort()).toEqual(expect.arrayContaining(['state']))
      if (addr.postalCode !== undefined) expect(addr.postalCode).toMatch(/^\d{3}$/)
      expect(patient.birthDate ?? '90+').toMatch(/^(\d{4}|90\+)$/)
      expect(JSON.stringify(patient.extension)).toContain('us-core-race')
      expect(JSON.stringify(patient.extension)).not.toContain('mothersMaidenName')
      expect(JSON.stringify(patient.extension)).not.toContain('birthPlace')
      expect(patient.name).toBeUndefined()
      expect(patient.text).toBeUndefined()
      expect(isValidOutcome(validateResource(out))).toBe(true)
    })
  }

  it('same key: same pseudonyms (consistent within one export); other key: unlinkable', () => {
    const text = Object.values(syntheaFiles)[0] as string
    const a1 = deidentify(JSON.parse(text), { key: KEY_A, asOf: AS_OF })
    const a2 = deidentify(JSON.parse(text), { key: KEY_A, asOf: AS_OF })
    const b = deidentify(JSON.parse(text), { key: KEY_B, asOf: AS_OF })
    expect(a2).toEqual(a1)
    const idsA = new Set(a1.entry?.map((e) => e.resource?.id))
    const idsB = b.entry?.map((e) => e.resource?.id) ?? []
    expect(idsB.filter((id) => idsA.has(id))).toEqual([])
    const refsA = new Set(references(a1))
    expect(references(b).filter((r) => refsA.has(r) && !r.startsWith('#'))).toEqual([])
    // ...and the rest is identical apart from the pseudonyms
    const strip = (bundle: Bundle) =>
      JSON.stringify(bundle)
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/g, 'P')
        .replace(/2\.25\.\d+/g, 'OID')
    expect(strip(b)).toBe(strip(a1))
  })

  it('a patient referenced from two bundles of one export gets the same pseudonym', () => {
    const patient = { resourceType: 'Patient', id: 'p1', birthDate: '1970-05-06' }
    const obs = {
      resourceType: 'Observation',
      id: 'o1',
      status: 'final',
      code: {},
      subject: { reference: 'Patient/p1' },
    }
    const b1 = deidentify(
      { resourceType: 'Bundle', type: 'collection', entry: [{ resource: patient }] },
      { key: KEY_A },
    )
    const b2 = deidentify({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: obs }] }, { key: KEY_A })
    const pid = b1.entry?.[0]?.resource?.id
    expect(res(b2, 0).subject).toEqual({ reference: `Patient/${pid}` })
  })
})

describe('deidentify: rules', () => {
  const bundleOf = (...resources: Json[]): Json => ({
    resourceType: 'Bundle',
    type: 'collection',
    entry: resources.map((resource) => ({
      fullUrl: `http://ehr.example.org/fhir/${resource.resourceType}/${resource.id}`,
      resource,
    })),
  })
  it('ages over 89 become the 90+ category; younger keep the birth year', () => {
    const old = deidentify(bundleOf({ resourceType: 'Patient', id: 'a', birthDate: '1930-06-15' }), {
      key: KEY_A,
      asOf: AS_OF,
    })
    const p = res(old, 0)
    expect(p.birthDate).toBeUndefined()
    expect(p.extension).toEqual([{ url: DEID_AGE_EXTENSION_URL, valueString: '90+' }])
    const young = deidentify(bundleOf({ resourceType: 'Patient', id: 'a', birthDate: '1990-06-15' }), {
      key: KEY_A,
      asOf: AS_OF,
    })
    expect(res(young, 0).birthDate).toBe('1990')
    // age at death counts for the deceased
    const dead = deidentify(
      bundleOf({ resourceType: 'Patient', id: 'a', birthDate: '1930-06-15', deceasedDateTime: '2000-01-01T00:00:00Z' }),
      { key: KEY_A, asOf: AS_OF },
    )
    expect(res(dead, 0).birthDate).toBe('1930')
  })
  it('zip codes: 3 digits, 000 for small areas, removed outside the US', () => {
    const zip = (postalCode: string, country = 'US') => {
      const address = [{ postalCode, country, city: 'X', state: 'MA' }]
      const out = deidentify(bundleOf({ resourceType: 'Patient', id: 'a', address }), { key: KEY_A })
      return (res(out, 0).address as Json[])[0]
    }
    expect(zip('02139')).toEqual({ postalCode: '021', country: 'US', state: 'MA' })
    expect(zip('03601')).toEqual({ postalCode: '000', country: 'US', state: 'MA' })
    expect(zip('82301-1234')).toEqual({ postalCode: '000', country: 'US', state: 'MA' })
    expect(zip('SW1A 1AA', 'GB')).toEqual({ country: 'GB', state: 'MA' })
  })
  it('instants are removed, other dates keep the year, free text and narrative go', () => {
    const obs = {
      resourceType: 'Observation',
      id: 'o',
      text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Jane</div>' },
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '1234-5', display: 'Glucose' }], text: 'glucose for Jane' },
      effectivePeriod: { start: '2020-02-03T04:05:06Z', end: '2020-02-04' },
      issued: '2020-02-03T04:05:06.000Z',
      note: [{ text: 'call Jane at 555-123-4567' }],
      valueQuantity: { value: 5.5, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
      performer: [{ reference: 'Practitioner/dr', display: 'Dr. Who' }],
    }
    const out = res(deidentify(bundleOf(obs), { key: KEY_A }), 0)
    expect(out.text).toBeUndefined()
    expect(out.issued).toBeUndefined()
    expect(out.note).toBeUndefined()
    expect(out.effectivePeriod).toEqual({ start: '2020', end: '2020' })
    expect(out.code).toEqual({ coding: [{ system: 'http://loinc.org', code: '1234-5', display: 'Glucose' }] })
    expect(out.valueQuantity).toEqual(obs.valueQuantity)
    expect((out.performer as Json[])[0]).toEqual({ reference: expect.stringMatching(/^Practitioner\/[0-9a-f-]{36}$/) })
  })
  it('free-text strings go: titles, descriptions, valueString (outside allow-listed extensions)', () => {
    const comp = {
      resourceType: 'Composition',
      id: 'c',
      status: 'final',
      type: { coding: [{ system: 'http://loinc.org', code: '11488-4' }], text: 'Consult note' },
      date: '2020-01-02',
      title: 'Consult note for Jane Roe',
      section: [{ title: 'Plan for Jane', text: { status: 'generated', div: '<div>Jane</div>' } }],
    }
    const obs = { resourceType: 'Observation', id: 'o', status: 'final', code: {}, valueString: 'Jane is fine' }
    const out = deidentify(bundleOf(comp, obs), { key: KEY_A })
    expect(JSON.stringify(out)).not.toContain('Jane')
    expect(res(out, 0)).toEqual({
      resourceType: 'Composition',
      id: expect.any(String),
      status: 'final',
      type: { coding: [{ system: 'http://loinc.org', code: '11488-4' }] },
      date: '2020',
    })
  })
  it('resources with unknown modifier extensions are left out, and references to them dropped', () => {
    const risky = {
      resourceType: 'Condition',
      id: 'c',
      modifierExtension: [{ url: 'http://x/negated', valueBoolean: true }],
      subject: { reference: 'Patient/p' },
    }
    const obs = {
      resourceType: 'Observation',
      id: 'o',
      status: 'final',
      code: {},
      focus: [{ reference: 'Condition/c' }],
    }
    const out = deidentify(bundleOf({ resourceType: 'Patient', id: 'p' }, risky, obs), { key: KEY_A })
    expect(out.entry?.map((e) => e.resource?.resourceType)).toEqual(['Patient', 'Observation'])
    expect(res(out, 1).focus).toBeUndefined()
  })
  it('resolves references by the FHIR R4 Bundle rules (HL7 Bundle-bundle-references)', () => {
    const input = JSON.parse(exampleFiles['Bundle-bundle-references.json'] as string)
    const out = deidentify(input, { key: KEY_A })
    const subject = (i: number) => (res(out, i).subject as Json | undefined)?.reference
    const fullUrl = (i: number) => out.entry?.[i]?.fullUrl
    expect(subject(2)).toBe(fullUrl(0)) // Patient/23 from the same server base
    expect(subject(3)).toBe(fullUrl(0)) // absolute URL of the same entry
    expect(subject(4)).toBe(fullUrl(1)) // urn:uuid
    expect(subject(5)).toMatch(/^Patient\/[0-9a-f-]{36}$/) // another server: stays outside the Bundle
    expect(subject(6)).toMatch(/^Patient\/[0-9a-f-]{36}$/) // relative from fhir-2: not fhir/Patient/23
    expect(subject(6)).not.toBe(fullUrl(0))
  })
  it('keeps the bundle type and reduces transaction requests', () => {
    const t = JSON.parse(Object.values(syntheaFiles)[0] as string)
    const out = deidentify(t, { key: KEY_A })
    expect(out.type).toBe('transaction')
    expect(out.entry?.[0]?.request).toEqual({ method: 'POST', url: 'Patient' })
  })
  it('every HL7 example Bundle de-identifies to a valid Bundle without identifiers or narrative', () => {
    for (const [name, text] of Object.entries(exampleFiles)) {
      if (!name.startsWith('Bundle-')) continue
      const input = JSON.parse(text)
      const out = deidentify(input, { key: KEY_A })
      expect(
        validateResource(out).issue.filter((i) => i.severity === 'error'),
        name,
      ).toEqual([])
      expect(leaks(JSON.stringify(out), identifiersOf(input), codesOf(input)), name).toEqual([])
      expect(JSON.stringify(out), name).not.toContain('<div')
    }
  })
})

/** Keys whose strings are codes or terminology text (a LOINC code `1988-5`, a display "2003 revision"), not dates. */
const TERMINOLOGY = new Set(['code', 'system', 'version', 'url', 'profile', 'unit'])
const PSEUDONYM = /[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|2\.25\.\d+/g

/**
 * Every 4-digit number in [from, to] inside any string of `v` (pseudonyms and terminology left aside): the years
 * from which a patient's age could be worked out. Numbers are not searched (a decimal 1950 is no year).
 */
function yearsIn(v: unknown, from: number, to: number, key = '', codingLike = false, out: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) yearsIn(x, from, to, key, codingLike, out)
  else if (typeof v === 'string') {
    if (TERMINOLOGY.has(key) || (key === 'display' && codingLike)) return out
    for (const m of v.replace(PSEUDONYM, '').matchAll(/(?<!\d)\d{4}(?!\d)/g))
      if (Number(m[0]) >= from && Number(m[0]) <= to) out.push(`${key}: ${v}`)
  } else if (typeof v === 'object' && v !== null) {
    const o = v as Json
    for (const [k, x] of Object.entries(o)) yearsIn(x, from, to, k, 'code' in o, out)
  }
  return out
}

/** A copy of `v` with every date (any precision, at any element) moved `years` years back. */
function shiftDates(v: unknown, years: number, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => shiftDates(x, years, key))
  if (typeof v === 'string') {
    if (TERMINOLOGY.has(key) || !/^\d{4}(-\d{2}(-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?)?)?$/.test(v)) return v
    return String(Number(v.slice(0, 4)) - years).padStart(4, '0') + v.slice(4)
  }
  if (typeof v === 'object' && v !== null)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shiftDates(x, years, k)]))
  return v
}

const syntheaPatient = (prefix: string): Json => {
  const name = Object.keys(syntheaFiles).find((n) => n.startsWith(prefix)) as string
  return JSON.parse(syntheaFiles[name] as string) as Json
}
const patientOf = (b: Json | Bundle): Json =>
  ((b.entry as { resource: Json }[]).find((e) => e.resource.resourceType === 'Patient') as { resource: Json }).resource
const MASKED = {
  extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'masked' }],
}

describe('deidentify: patients aged 90 or over (Safe Harbor (C))', () => {
  it('review #11: a living 90+ Synthea patient (its record shifted 36 years back) keeps no year from birth on', () => {
    // Hassan Jacobi, born 1964, alive: every date 36 years earlier makes him 98 at AS_OF, born 1928, with a record
    // that starts at birth (as Synthea records do), so any surviving year would bound the birth year
    const input = shiftDates(syntheaPatient('Hassan_Jacobi'), 36) as Json
    const birthYear = Number(String(patientOf(input).birthDate).slice(0, 4))
    expect(birthYear).toBe(1928)
    // the check finds the years in the input (so it can fail): hundreds of them
    expect(yearsIn(input, birthYear, AS_OF.getUTCFullYear()).length).toBeGreaterThan(200)
    const out = deidentify(input, { key: KEY_A, asOf: AS_OF })
    expect(yearsIn(out, birthYear, AS_OF.getUTCFullYear())).toEqual([])
    const p = patientOf(out)
    expect(p.birthDate).toBeUndefined()
    expect(p._birthDate).toEqual(MASKED)
    expect(p.extension).toContainEqual({ url: DEID_AGE_EXTENSION_URL, valueString: '90+' })
    // DALY + QALY add up to the years lived: they go too
    expect(JSON.stringify(p.extension)).not.toContain('adjusted-life-years')
    // a masked date keeps its place (required dates such as Immunization.occurrence[x] and Claim.created stay
    // present, as data-absent-reason `masked`), and the output is still valid FHIR
    const imm = out.entry?.find((e) => e.resource?.resourceType === 'Immunization')?.resource as unknown as Json
    expect(imm._occurrenceDateTime).toEqual(MASKED)
    const claim = out.entry?.find((e) => e.resource?.resourceType === 'Claim')?.resource as unknown as Json
    expect(claim._created).toEqual(MASKED)
    expect(claim.billablePeriod).toEqual({ _start: MASKED, _end: MASKED })
    expect(isValidOutcome(validateResource(out))).toBe(true)
    // the same record unshifted (age 62) keeps its years
    const young = deidentify(syntheaPatient('Hassan_Jacobi'), { key: KEY_A, asOf: AS_OF })
    expect(patientOf(young).birthDate).toBe('1964')
    expect(yearsIn(young, 1964, 2026).length).toBeGreaterThan(200)
  })

  it('review #11: a patient who died aged 90 or over (age at death) keeps no year from birth to death', () => {
    // Tony Beer died 1989-01-08; born 1898 instead of 1946 he died aged 90, and his record (1946-1989) stays
    const input = syntheaPatient('Tony_Beer')
    const patient = patientOf(input)
    patient.birthDate = '1898-10-19'
    expect(String(patient.deceasedDateTime).slice(0, 4)).toBe('1989')
    expect(yearsIn(input, 1898, 1989).length).toBeGreaterThan(200)
    const out = deidentify(input, { key: KEY_A, asOf: AS_OF })
    expect(yearsIn(out, 1898, AS_OF.getUTCFullYear())).toEqual([])
    expect(patientOf(out)._deceasedDateTime).toEqual(MASKED)
    expect(patientOf(out).extension).toContainEqual({ url: DEID_AGE_EXTENSION_URL, valueString: '90+' })
    // born 1940 he died aged 48 and would be 86 now: under 90 either way, years stay
    patient.birthDate = '1940-10-19'
    expect(patientOf(deidentify(input, { key: KEY_A, asOf: AS_OF })).birthDate).toBe('1940')
  })

  it("review #11: in a Bundle of several patients, only the 90+ patient's resources (and unlinked ones) lose dates", () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { resourceType: 'Patient', id: 'old', birthDate: '1931', deceasedBoolean: false },
        { resourceType: 'Patient', id: 'young', birthDate: '1980-02-03' },
        { resourceType: 'Encounter', id: 'e1', status: 'finished', class: {}, subject: { reference: 'Patient/old' } },
        // linked through the encounter only
        {
          resourceType: 'Observation',
          id: 'o1',
          status: 'final',
          code: {},
          encounter: { reference: 'Encounter/e1' },
          effectivePeriod: { start: '1990-05-06', end: '1990-05-07T10:00:00Z' },
          _effectivePeriod: { id: 'x' },
        },
        {
          resourceType: 'Observation',
          id: 'o2',
          status: 'final',
          code: {},
          subject: { reference: 'Patient/young' },
          effectiveDateTime: '2001-04-05',
        },
        { resourceType: 'Organization', id: 'org', extension: [{ url: 'http://x/opened', valueDate: '1931-01-01' }] },
        {
          resourceType: 'CarePlan',
          id: 'cp',
          status: 'active',
          intent: 'plan',
          subject: { reference: 'Patient/old' },
          activity: [{ detail: { status: 'scheduled', scheduledString: 'every spring since 1995' } }],
        },
      ].map((resource) => ({
        fullUrl: `http://ehr.example.org/fhir/${resource.resourceType}/${resource.id}`,
        resource,
      })),
    }
    const out = deidentify(bundle, { key: KEY_A, asOf: AS_OF, keepExtensions: ['http://x/opened'] })
    expect(res(out, 0)).toMatchObject({ _birthDate: MASKED })
    expect(res(out, 0).birthDate).toBeUndefined()
    expect(res(out, 1).birthDate).toBe('1980')
    expect(res(out, 3).effectivePeriod).toEqual({ _start: MASKED, _end: MASKED })
    expect(res(out, 4).effectiveDateTime).toBe('2001')
    expect(res(out, 5).extension).toEqual([{ url: 'http://x/opened', _valueDate: MASKED }])
    // a string holding a possible year, in a 90+ patient's resource, goes
    expect(res(out, 6).activity).toEqual([{ detail: { status: 'scheduled' } }])
    expect(yearsIn(out, 1931, 2026).sort()).toEqual(['birthDate: 1980', 'effectiveDateTime: 2001'])
    // without a 90+ patient, nothing is masked
    const noOld = { ...bundle, entry: bundle.entry.slice(1) }
    expect(JSON.stringify(deidentify(noOld, { key: KEY_A, asOf: AS_OF }))).not.toContain('masked')
  })

  it('review #11: relatives aged 90 or over (RelatedPerson, FamilyMemberHistory) keep no year either', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { resourceType: 'Patient', id: 'p', birthDate: '1980-01-01' },
        { resourceType: 'RelatedPerson', id: 'mother', patient: { reference: 'Patient/p' }, birthDate: '1930-03-04' },
        {
          resourceType: 'FamilyMemberHistory',
          id: 'grandfather',
          status: 'completed',
          patient: { reference: 'Patient/p' },
          relationship: {},
          bornDate: '1901-05-06',
          deceasedDate: '1999-01-01',
          date: '2020-01-01',
        },
        {
          resourceType: 'FamilyMemberHistory',
          id: 'aunt',
          status: 'completed',
          patient: { reference: 'Patient/p' },
          relationship: {},
          bornString: 'spring 1931',
          date: '2020-01-01',
        },
        {
          resourceType: 'Observation',
          id: 'o',
          status: 'final',
          code: {},
          subject: { reference: 'Patient/p' },
          effectiveDateTime: '2020-01-01',
        },
      ].map((resource) => ({
        fullUrl: `http://ehr.example.org/fhir/${resource.resourceType}/${resource.id}`,
        resource,
      })),
    }
    const out = deidentify(bundle, { key: KEY_A, asOf: AS_OF })
    expect(res(out, 0).birthDate).toBe('1980')
    expect(res(out, 1)).toMatchObject({ _birthDate: MASKED, extension: [{ url: DEID_AGE_EXTENSION_URL }] })
    expect(res(out, 2)).toMatchObject({ _bornDate: MASKED, _deceasedDate: MASKED, _date: MASKED })
    expect(res(out, 3)).not.toHaveProperty('bornString') // free text: removed for everyone
    expect(res(out, 3).date).toBe('2020')
    expect(res(out, 4).effectiveDateTime).toBe('2020')
    expect(yearsIn(out, 1901, 1979)).toEqual([])
  })

  it('review #11: a 90+ patient left out of the export (unknown modifier) still masks the dates that stay', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        {
          resourceType: 'Patient',
          id: 'p',
          birthDate: '1931-01-01',
          modifierExtension: [{ url: 'http://x/unknown', valueBoolean: true }],
        },
        {
          resourceType: 'Encounter',
          id: 'e',
          status: 'finished',
          class: {},
          subject: { reference: 'Patient/p' },
          period: { start: '1931-01-01' },
        },
      ].map((resource) => ({
        fullUrl: `http://ehr.example.org/fhir/${resource.resourceType}/${resource.id}`,
        resource,
      })),
    }
    const out = deidentify(bundle, { key: KEY_A, asOf: AS_OF })
    expect(out.entry).toHaveLength(1)
    expect(res(out, 0).period).toEqual({ _start: MASKED })
  })

  it('review #11: ages of 90 years or more become the single category ">= 90 a", for anyone', () => {
    const ninetyPlus = { value: 90, comparator: '>=', unit: 'a', system: 'http://unitsofmeasure.org', code: 'a' }
    const years = (value: number, code = 'a') => ({ value, unit: code, system: 'http://unitsofmeasure.org', code })
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { resourceType: 'Patient', id: 'p', birthDate: '1980-01-01' },
        { resourceType: 'Condition', id: 'c1', subject: { reference: 'Patient/p' }, onsetAge: years(95) },
        { resourceType: 'Condition', id: 'c2', subject: { reference: 'Patient/p' }, abatementAge: years(1100, 'mo') },
        { resourceType: 'Condition', id: 'c3', subject: { reference: 'Patient/p' }, onsetAge: years(45) },
        {
          resourceType: 'Condition',
          id: 'c4',
          subject: { reference: 'Patient/p' },
          onsetRange: { low: years(92), high: years(97) },
        },
        {
          resourceType: 'FamilyMemberHistory',
          id: 'f',
          status: 'completed',
          patient: { reference: 'Patient/p' },
          relationship: {},
          ageAge: years(93),
          deceasedRange: { low: years(80), high: years(99) },
          condition: [{ code: {}, onsetAge: years(91) }],
        },
        {
          resourceType: 'Observation',
          id: 'o',
          status: 'final',
          subject: { reference: 'Patient/p' },
          code: { coding: [{ system: 'http://loinc.org', code: '30525-0' }] },
          valueQuantity: years(96),
        },
        { resourceType: 'Condition', id: 'c5', subject: { reference: 'Patient/p' }, onsetString: 'at 92' },
        {
          resourceType: 'Condition',
          id: 'c6',
          subject: { reference: 'Patient/p' },
          extension: [{ url: 'http://x/age-at-diagnosis', valueAge: years(91) }],
        },
      ].map((resource) => ({
        fullUrl: `http://ehr.example.org/fhir/${resource.resourceType}/${resource.id}`,
        resource,
      })),
    }
    const out = deidentify(bundle, { key: KEY_A, asOf: AS_OF, keepExtensions: ['http://x/age-at-diagnosis'] })
    expect(res(out, 1).onsetAge).toEqual(ninetyPlus)
    expect(res(out, 2).abatementAge).toEqual(ninetyPlus)
    expect(res(out, 3).onsetAge).toEqual(years(45))
    expect(res(out, 4).onsetRange).toEqual({ low: years(90) })
    expect(res(out, 5).ageAge).toEqual(ninetyPlus)
    expect(res(out, 5).deceasedRange).toEqual({ low: years(80) })
    expect((res(out, 5).condition as Json[])[0]?.onsetAge).toEqual(ninetyPlus)
    expect(res(out, 6).valueQuantity).toEqual(ninetyPlus)
    // onset[x], age[x] … as free text may state an age: removed
    expect(res(out, 7)).not.toHaveProperty('onsetString')
    expect(res(out, 8).extension).toEqual([{ url: 'http://x/age-at-diagnosis', valueAge: ninetyPlus }])
    expect(isValidOutcome(validateResource(out))).toBe(true)
  })
})

describe('deidentify: property test on generated patients', () => {
  const word = fc.stringMatching(/^[A-Z][a-z]{3,10}$/).map((s) => `Zq${s}`)
  const digits = (n: number) =>
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''))
  const date = fc
    .date({ min: new Date('1920-01-01'), max: new Date('2025-12-31'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10))
  const patient = fc.record({
    id: fc.uuid(),
    family: word,
    given: fc.array(word, { minLength: 1, maxLength: 3 }),
    phone: fc.tuple(digits(3), digits(3), digits(4)).map(([a, b, c]) => `${a}-${b}-${c}`),
    email: word.map((w) => `${w.toLowerCase()}@example.org`),
    line: fc.tuple(fc.integer({ min: 1, max: 9999 }), word).map(([n, w]) => `${n} ${w} Street`),
    city: word,
    zip: digits(5),
    ssn: fc.tuple(digits(3), digits(2), digits(4)).map(([a, b, c]) => `${a}-${b}-${c}`),
    mrn: word.map((w) => `MRN-${w}`),
    birthDate: date,
    visit: date,
    url: word.map((w) => `https://portal.example.org/${w}`),
  })
  test.prop([patient, fc.uint8Array({ minLength: 16, maxLength: 64 })], { numRuns: 60 })(
    'no generated identifier survives; references resolve; input untouched',
    (p, key) => {
      const bundle = {
        resourceType: 'Bundle',
        type: 'collection',
        entry: [
          {
            fullUrl: `urn:uuid:${p.id}`,
            resource: {
              resourceType: 'Patient',
              id: p.id,
              identifier: [{ system: 'http://hl7.org/fhir/sid/us-ssn', value: p.ssn }, { value: p.mrn }],
              name: [{ family: p.family, given: p.given }],
              telecom: [
                { system: 'phone', value: p.phone },
                { system: 'email', value: p.email },
                { system: 'url', value: p.url },
              ],
              address: [{ line: [p.line], city: p.city, state: 'MA', postalCode: p.zip }],
              birthDate: p.birthDate,
              contact: [{ name: { family: p.family }, telecom: [{ value: p.phone }] }],
            },
          },
          {
            fullUrl: 'urn:uuid:0b4f4e3e-1c9b-4a66-8d8c-5b5f4b1d2e11',
            resource: {
              resourceType: 'Encounter',
              id: '0b4f4e3e-1c9b-4a66-8d8c-5b5f4b1d2e11',
              status: 'finished',
              class: { code: 'AMB' },
              subject: { reference: `urn:uuid:${p.id}`, display: `${p.given[0]} ${p.family}` },
              period: { start: `${p.visit}T10:00:00Z` },
              reasonCode: [{ text: `${p.family} called from ${p.phone}` }],
            },
          },
        ],
      }
      const before = JSON.stringify(bundle)
      const out = deidentify(bundle, { key })
      expect(JSON.stringify(bundle)).toBe(before)
      const s = JSON.stringify(out)
      for (const v of [
        p.id,
        p.family,
        ...p.given,
        p.phone,
        p.email,
        p.line,
        p.city,
        p.zip,
        p.ssn,
        p.mrn,
        p.birthDate,
        p.visit,
        p.url,
      ])
        expect(s).not.toContain(v)
      const enc = res(out, 1)
      expect((enc.subject as Json).reference).toBe(out.entry?.[0]?.fullUrl)
      const birthDate = res(out, 0).birthDate
      expect(birthDate === undefined || birthDate === p.birthDate.slice(0, 4)).toBe(true)
    },
  )
})

describe('deidentify: errors', () => {
  const bundle = { resourceType: 'Bundle', type: 'collection', entry: [] }
  it('INVALID_TYPE for a missing or non-byte key, INVALID_LENGTH for a short key', () => {
    for (const key of [undefined, 'secret', [1, 2, 3], new Uint16Array(16)])
      expect(() => deidentify(bundle, { key } as never)).toThrow(expect.objectContaining({ code: 'INVALID_TYPE' }))
    expect(() => deidentify(bundle, { key: new Uint8Array(15) })).toThrow(InvalidArgumentError)
    expect(() => deidentify(bundle, { key: new Uint8Array(15) })).toThrow(
      expect.objectContaining({ code: 'INVALID_LENGTH' }),
    )
    expect(() => deidentify(bundle, null as never)).toThrow(expect.objectContaining({ code: 'INVALID_TYPE' }))
    expect(() => deidentify(bundle, { key: KEY_A, asOf: new Date(Number.NaN) })).toThrow(
      expect.objectContaining({ code: 'INVALID_TYPE' }),
    )
    expect(() => deidentify(bundle, { key: KEY_A, restrictedZip3: ['12'] })).toThrow(
      expect.objectContaining({ code: 'INVALID_TYPE' }),
    )
  })
  it('INVALID_FHIR for a non-Bundle', () => {
    expect(() => deidentify({ resourceType: 'Patient' }, { key: KEY_A })).toThrow(FhirValidationError)
    expect(() => deidentify({ resourceType: 'Patient' }, { key: KEY_A })).toThrow(
      expect.objectContaining({ code: 'INVALID_FHIR' }),
    )
  })
})
