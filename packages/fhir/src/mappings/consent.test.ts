import { fc, test } from '@fast-check/vitest'
import {
  bytesToHex0x,
  type Consent,
  createConsent,
  createConsentToken,
  createParty,
  createSaltedDomain,
  type Hex,
  isSdkError,
  utf8ToBytes,
} from '@medseal/core'
import { keccak_256 } from '@noble/hashes/sha3.js'
import { describe, expect, it } from 'vitest'
import { exampleFiles } from '../_testData.js'
import { validateResource } from '../validateResource.js'
import { ConsentNotExpressibleError, consentToFhir, fhirToConsent } from './consent.js'

const domain = createSaltedDomain('memory:fhir-consent-test')
const patient = createParty()
const doctor = createParty()

function token(overrides: Partial<Parameters<typeof createConsent>[0]> = {}) {
  const consent = createConsent({
    grantor: patient,
    grantee: doctor,
    resourceTypes: ['Observation', 'Condition'],
    commitments: [`0x${'ab'.repeat(32)}`],
    exclude: ['PSY', 'R'],
    actions: ['read', 'search', 'delegate'],
    purposes: ['TREAT', 'ETREAT'],
    notBefore: 1_700_000_000,
    durationSeconds: 86_400,
    delegationDepth: 1,
    ...overrides,
  })
  return createConsentToken(patient, domain, consent)
}

const expectReason = (f: () => unknown, reason: string) => {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(ConsentNotExpressibleError)
    expect((e as ConsentNotExpressibleError).code).toBe('CONSENT_NOT_EXPRESSIBLE')
    expect((e as ConsentNotExpressibleError).reason).toBe(reason)
    return
  }
  throw new Error('expected a ConsentNotExpressibleError')
}

describe('consentToFhir / fhirToConsent', () => {
  it('round trips a signed token without loss, and the FHIR Consent validates', () => {
    const t = token()
    const fhir = consentToFhir(t, { patient: { reference: 'Patient/p1' } })
    expect(validateResource(fhir).issue.filter((i) => i.severity === 'error')).toEqual([])
    expect(fhir.provision?.provision?.[0]?.type).toBe('deny')
    // FHIR's Period.end is inclusive: the last second the token is valid in
    expect(fhir.provision?.period).toEqual({ start: '2023-11-14T22:13:20Z', end: '2023-11-15T22:13:19Z' })
    const back = fhirToConsent(fhir, { domain })
    expect(back.consent).toEqual(t.consent)
    expect(back.signature).toBe(t.signature)
    // through JSON text (what a server stores) too
    expect(fhirToConsent(JSON.parse(JSON.stringify(fhir))).consent).toEqual(t.consent)
  })

  it('round trips a minimal token (no commitments, exclusions, parent, depth)', () => {
    const t = token({ commitments: [], exclude: [], delegationDepth: 0, actions: ['write'] })
    const fhir = consentToFhir(t)
    expect(fhir.extension?.map((e) => e.url)).toEqual([
      'https://medseal.dev/fhir/StructureDefinition/consent-signature',
    ])
    expect(fhirToConsent(fhir).consent).toEqual(t.consent)
  })

  test.prop({
    types: fc.uniqueArray(fc.constantFrom('Observation', 'Condition', 'Patient', 'Procedure'), { minLength: 1 }),
    actions: fc.uniqueArray(fc.constantFrom('read', 'search', 'vread', 'write', 'delegate' as const), {
      minLength: 1,
    }),
    purposes: fc.uniqueArray(fc.constantFrom('TREAT', 'ETREAT', 'HPAYMT', 'HRESCH', 'PATRQT'), { minLength: 1 }),
    exclude: fc.uniqueArray(fc.constantFrom('PSY', 'HIV', 'SUD', 'ETH', 'R', 'V'), { maxLength: 4 }),
    notBefore: fc.integer({ min: 0, max: 253_402_300_799 - 10 ** 9 }),
    duration: fc.integer({ min: 1, max: 10 ** 9 }),
  })('any token survives consentToFhir → fhirToConsent', (g) => {
    const t = token({
      resourceTypes: g.types,
      actions: g.actions as Consent['actions'],
      purposes: g.purposes,
      exclude: g.exclude,
      notBefore: g.notBefore,
      durationSeconds: g.duration,
    })
    const back = fhirToConsent(consentToFhir(t))
    expect(back.consent).toEqual(t.consent)
  })

  it('a tampered Consent fails the signature check when a domain is given', () => {
    const fhir = consentToFhir(token())
    const tampered = structuredClone(fhir)
    tampered.provision?.purpose?.push({ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'HPAYMT' })
    expect(fhirToConsent(tampered).consent.purposes).toContain('HPAYMT') // expressible, but…
    try {
      fhirToConsent(tampered, { domain })
      throw new Error('expected a throw')
    } catch (e) {
      expect(isSdkError(e, 'CONSENT_SIGNATURE_INVALID')).toBe(true)
    }
  })

  it('reads a foreign Consent with HL7 consentaction codes (access → read, vread, search)', () => {
    const fhir = consentToFhir(token())
    const foreign = structuredClone(fhir)
    foreign.extension = []
    if (foreign.provision) {
      foreign.provision.action = [
        { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentaction', code: 'access' }] },
      ]
    }
    const { consent, signature } = fhirToConsent(foreign)
    expect(consent.actions).toEqual(['read', 'vread', 'search'])
    expect(consent.delegationDepth).toBe(0)
    expect(signature).toBeUndefined()
    // and that token maps back to a Consent that maps to the same token
    expect(fhirToConsent(consentToFhir({ consent, signature: `0x${'11'.repeat(65)}` })).consent).toEqual(consent)
  })

  it('refuses what a token cannot express, with a reason (CONSENT_NOT_EXPRESSIBLE)', () => {
    const base = consentToFhir(token())
    // biome-ignore lint/suspicious/noExplicitAny: the cases write arbitrary (also invalid) FHIR
    type Any = any
    const cases: [string, (c: Any) => void][] = [
      [
        'STATUS_NOT_ACTIVE',
        (c) => {
          c.status = 'draft'
        },
      ],
      [
        'SCOPE_NOT_PRIVACY',
        (c) => {
          c.scope = { coding: [] }
        },
      ],
      [
        'POLICY_NOT_OPTIN',
        (c) => {
          c.policyRule = { coding: [{ system: 'urn:x', code: 'OPTOUT' }] }
        },
      ],
      [
        'PROVISION_MISSING',
        (c) => {
          delete c.provision
        },
      ],
      [
        'PROVISION_NOT_PERMIT',
        (c) => {
          c.provision.type = 'deny'
        },
      ],
      [
        'PERIOD_MISSING',
        (c) => {
          delete c.provision.period
        },
      ],
      [
        'PERIOD_IMPRECISE',
        (c) => {
          c.provision.period = { start: '2020-01-01T10:00:00', end: '2021-01-01' } // a time needs a zone
        },
      ],
      [
        'PERIOD_IMPRECISE',
        (c) => {
          c.provision.period = { start: '2020-02-30', end: '2021-01-01' }
        },
      ],
      [
        'PERIOD_OUT_OF_RANGE',
        (c) => {
          c.provision.period = { start: '1960', end: '1969-12-31' }
        },
      ],
      [
        'ID_MISSING',
        (c) => {
          c.identifier.push({ ...c.identifier[0] })
        },
      ],
      [
        'ACTOR_NOT_EXPRESSIBLE',
        (c) => {
          c.provision.actor[0].role.coding[0].code = 'AUT'
        },
      ],
      [
        'ID_MISSING',
        (c) => {
          c.identifier = []
        },
      ],
      [
        'GRANTOR_MISSING',
        (c) => {
          c.performer = [{ reference: 'Patient/1' }]
        },
      ],
      [
        'GRANTEE_MISSING',
        (c) => {
          c.provision.actor = []
        },
      ],
      [
        'ACTOR_NOT_EXPRESSIBLE',
        (c) => {
          c.provision.actor.push({ role: { coding: [] }, reference: { reference: 'Practitioner/x' } })
        },
      ],
      [
        'ACTOR_NOT_EXPRESSIBLE',
        (c) => {
          c.provision.actor = [{ role: { coding: [] }, reference: { reference: 'Practitioner/x' } }]
        },
      ],
      [
        'ACTION_MISSING',
        (c) => {
          c.provision.action = []
        },
      ],
      [
        'ACTION_NOT_EXPRESSIBLE',
        (c) => {
          c.provision.action = [
            { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentaction', code: 'collect' }] },
          ]
        },
      ],
      [
        'ACTION_NOT_EXPRESSIBLE',
        (c) => {
          c.provision.action = [
            { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentaction', code: 'toString' }] },
          ]
        },
      ],
      [
        'PURPOSE_MISSING',
        (c) => {
          c.provision.purpose = []
        },
      ],
      [
        'PURPOSE_UNKNOWN',
        (c) => {
          c.provision.purpose = [{ system: 'urn:x', code: 'TREAT' }]
        },
      ],
      [
        'PURPOSE_UNKNOWN',
        (c) => {
          c.provision.purpose = [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'NOPE' }]
        },
      ],
      [
        'CLASS_NOT_RESOURCE_TYPE',
        (c) => {
          c.provision.class = [{ system: 'urn:x', code: 'a' }]
        },
      ],
      [
        'DATA_NOT_EXPRESSIBLE',
        (c) => {
          c.provision.data = [{ meaning: 'related', reference: { reference: 'Task/1' } }]
        },
      ],
      [
        'NESTED_PROVISION',
        (c) => {
          c.provision.provision.push({ type: 'permit' })
        },
      ],
      [
        'NESTED_PROVISION',
        (c) => {
          c.provision.provision = [{ type: 'deny', purpose: [] }]
        },
      ],
      [
        'NESTED_PROVISION',
        (c) => {
          c.provision.provision = [{ type: 'deny', securityLabel: [] }]
        },
      ],
      [
        'ELEMENT_NOT_EXPRESSIBLE',
        (c) => {
          c.provision.dataPeriod = { start: '2020-01-01' }
        },
      ],
      [
        'ELEMENT_NOT_EXPRESSIBLE',
        (c) => {
          c.modifierExtension = [{ url: 'urn:x', valueBoolean: true }]
        },
      ],
      [
        'ELEMENT_NOT_EXPRESSIBLE',
        (c) => {
          c.unknownElement = 1
        },
      ],
      [
        'SIGNATURE_MALFORMED',
        (c) => {
          for (const e of c.extension) if (e.url.endsWith('consent-signature')) e.valueString = '0x12'
        },
      ],
      [
        'TOKEN_RULES',
        (c) => {
          c.provision.period = { start: '2020-01-02T00:00:00Z', end: '2020-01-01T00:00:00Z' }
        },
      ],
      [
        'TOKEN_RULES',
        (c) => {
          c.provision.class = []
          c.provision.data = []
        },
      ],
    ]
    expectReason(() => fhirToConsent({ resourceType: 'Patient' }), 'NOT_A_CONSENT')
    expectReason(
      () => fhirToConsent({ ...base, performer: [{ reference: 'Patient/1' }] }, { resolveParty: () => 'nope' as Hex }),
      'GRANTOR_MISSING',
    )
    for (const [reason, edit] of cases) {
      const c = structuredClone(base)
      edit(c)
      expectReason(() => fhirToConsent(c), reason)
    }
  })

  it('consentToFhir refuses a window past the year 9999 (PERIOD_OUT_OF_RANGE)', () => {
    expectReason(() => consentToFhir(token({ notBefore: 253_402_300_799, durationSeconds: 2 })), 'PERIOD_OUT_OF_RANGE')
  })

  it('consentToFhir rejects a malformed consent (CONSENT_MALFORMED)', () => {
    const t = token()
    expect(() => consentToFhir({ ...t, consent: { ...t.consent, actions: [] } })).toThrow(
      expect.objectContaining({ code: 'CONSENT_MALFORMED' }),
    )
  })
})

describe('periods at any FHIR dateTime precision, derived ids, resolved parties', () => {
  const t = token()
  const base = () => structuredClone(consentToFhir(t)) as Record<string, Any>
  // biome-ignore lint/suspicious/noExplicitAny: edits write arbitrary FHIR
  type Any = any
  const window = (start: string, end: string) => {
    const c = base()
    c.provision.period = { start, end }
    const { consent } = fhirToConsent(c)
    return [consent.notBefore, consent.expiresAt]
  }
  const at = (iso: string) => Date.parse(iso) / 1000

  it('start is the earliest instant, end the instant just after its precision (dates are UTC)', () => {
    expect(window('2016', '2016')).toEqual([at('2016-01-01T00:00:00Z'), at('2017-01-01T00:00:00Z')])
    expect(window('2016-06', '2016-12')).toEqual([at('2016-06-01T00:00:00Z'), at('2017-01-01T00:00:00Z')])
    expect(window('2016-02-28', '2016-02-29')).toEqual([at('2016-02-28T00:00:00Z'), at('2016-03-01T00:00:00Z')])
    expect(window('2016-06-23T17:02:33+10:00', '2016-06-23T17:32:33+10:00')).toEqual([
      at('2016-06-23T07:02:33Z'),
      at('2016-06-23T07:32:34Z'),
    ])
    expect(window('2016-06-23T17:02:33.000-05:30', '2016-06-24T17:32:33.25Z')).toEqual([
      at('2016-06-23T22:32:33Z'),
      at('2016-06-24T17:32:33Z'), // .25 inclusive, .26 on: the whole second 33 is not granted
    ])
    expect(window('2016-06-23T17:02:33.5Z', '2016-06-23T17:32:33.999Z')).toEqual([
      at('2016-06-23T17:02:34Z'), // never earlier than the Consent says
      at('2016-06-23T17:32:34Z'),
    ])
    expect(window('1964-01-01', '2016-01-01')).toEqual([0, at('2016-01-02T00:00:00Z')]) // no ledger time before 1970
    expect(window('0050-06', '2016')).toEqual([0, at('2017-01-01T00:00:00Z')]) // a year below 100 stays one
    expect(() => window('2016', '0099')).toThrow(expect.objectContaining({ reason: 'PERIOD_OUT_OF_RANGE' }))
  })

  test.prop({ start: fc.integer({ min: 0, max: 10 ** 10 }), length: fc.integer({ min: 1, max: 10 ** 8 }) })(
    'a token window written to FHIR reads back exactly (end written inclusive)',
    ({ start, length }) => {
      const t = token({ notBefore: start, durationSeconds: length })
      expect(fhirToConsent(consentToFhir(t)).consent).toEqual(t.consent)
    },
  )

  it('without a medseal id, the token id is keccak256 of a versioned label and the business identifier', () => {
    const c = base()
    c.identifier = [{ use: 'official' }, { system: 'urn:oid:1.2.3', value: 'abc' }]
    const id = fhirToConsent(c).consent.id
    expect(id).toBe(bytesToHex0x(keccak_256(utf8ToBytes('medseal:fhir-consent-id:v1\nidentifier|urn:oid:1.2.3|abc'))))
    c.id = 'logical'
    expect(fhirToConsent(c).consent.id).toBe(id) // the business identifier wins over the logical id
    c.identifier = []
    expect(fhirToConsent(c).consent.id).toBe(
      bytesToHex0x(keccak_256(utf8ToBytes('medseal:fhir-consent-id:v1\nConsent/logical'))),
    )
  })

  it('parties named by FHIR references map through resolveParty, and only through it', () => {
    const c = base()
    c.performer = [{ reference: 'Patient/p1' }]
    c.provision.actor[0].reference = { reference: 'Practitioner/d1' }
    const parties: Record<string, Hex> = { 'Patient/p1': patient.address, 'Practitioner/d1': doctor.address }
    const resolveParty = (ref: string) => parties[ref]
    expect(fhirToConsent(c, { resolveParty }).consent).toEqual(t.consent)
    expectReason(() => fhirToConsent(c), 'GRANTOR_MISSING')
    expectReason(
      () => fhirToConsent(c, { resolveParty: (r) => (r === 'Patient/p1' ? patient.address : undefined) }),
      'ACTOR_NOT_EXPRESSIBLE',
    )
  })
})

describe("HL7's example Consents", () => {
  // Every party reference in the examples, resolved to a test party: the reasons below are then about meaning.
  const parties = new Map<string, Hex>()
  const resolveParty = (reference: string) => {
    if (!parties.has(reference)) parties.set(reference, createParty().address)
    return parties.get(reference)
  }
  // Per file: the reason it cannot be a token, with parties resolvable (none of the examples maps as published).
  const expected: Record<string, string> = {
    // OPTOUT: permit unless denied; a token grants only what it lists
    'Consent-consent-example-Emergency.json': 'POLICY_NOT_OPTIN',
    // period 1964-01-01..2016-01-01 and the id (logical) now map; no performer names who grants
    'Consent-consent-example-basic.json': 'GRANTOR_MISSING',
    'Consent-consent-example-grantor.json': 'POLICY_NOT_OPTIN',
    // open-ended grants: a token must expire
    'Consent-consent-example-notAuthor.json': 'PERIOD_MISSING',
    'Consent-consent-example-notThem.json': 'PERIOD_MISSING',
    'Consent-consent-example-notThis.json': 'PERIOD_MISSING',
    'Consent-consent-example-pkb.json': 'POLICY_NOT_OPTIN',
    // period (dates), id (business identifier), grantor Patient/72 and grantee Practitioner/13 (PRCP) map; the
    // root provision names no action (the nested permit of CDA documents by author is not a token either)
    'Consent-consent-example-signature.json': 'ACTION_MISSING',
    // period, id (logical) and grantor RelatedPerson/peter map; no actor names to whom access is granted
    'Consent-consent-example-smartonfhir.json': 'GRANTEE_MISSING',
  }
  const files = Object.keys(exampleFiles).filter((f) => f.startsWith('Consent-'))
  it('every example is listed', () => {
    expect(files.sort()).toEqual(Object.keys(expected).sort())
  })
  for (const file of files) {
    it(`${file}: ${expected[file]}`, () => {
      const resource = JSON.parse(exampleFiles[file] as string)
      expectReason(() => fhirToConsent(resource, { resolveParty }), expected[file] as string)
    })
  }

  it('without a resolver, the examples that name parties by reference stop at GRANTOR_MISSING', () => {
    for (const file of ['signature', 'smartonfhir']) {
      const resource = JSON.parse(exampleFiles[`Consent-consent-example-${file}.json`] as string)
      expectReason(() => fhirToConsent(resource), 'GRANTOR_MISSING')
    }
  })

  it('the signature example, given an action and a purpose and without its nested author rule, round trips', () => {
    const resource = JSON.parse(exampleFiles['Consent-consent-example-signature.json'] as string)
    resource.provision.action = [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentaction', code: 'access' }] },
    ]
    resource.provision.purpose = [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT' }]
    expectReason(() => fhirToConsent(resource, { resolveParty }), 'NESTED_PROVISION')
    resource.provision.provision = undefined
    expectReason(() => fhirToConsent(resource, { resolveParty }), 'TOKEN_RULES') // no scope: neither class nor data
    resource.provision.class = [{ system: 'http://hl7.org/fhir/resource-types', code: 'DocumentReference' }]
    const first = fhirToConsent(resource, { resolveParty }).consent
    expect(first).toMatchObject({
      id: bytesToHex0x(
        keccak_256(
          utf8ToBytes(
            'medseal:fhir-consent-id:v1\nidentifier|urn:oid:2.16.840.1.113883.3.72.5.9.1|494e0c7a-a69e-4fb4-9d02-6aae747790d7',
          ),
        ),
      ),
      grantor: resolveParty('Patient/72'),
      grantee: resolveParty('Practitioner/13'),
      resourceTypes: ['DocumentReference'],
      actions: ['read', 'vread', 'search'],
      purposes: ['TREAT'],
      exclude: [],
      notBefore: Date.parse('2015-10-10T00:00:00Z') / 1000,
      expiresAt: Date.parse('2016-10-11T00:00:00Z') / 1000,
    })
    const fhir = consentToFhir({ consent: first })
    expect(fhir.identifier).toEqual([{ system: 'https://medseal.dev/fhir/sid/consent-id', value: first.id }])
    expect(fhir.provision?.period).toEqual({ start: '2015-10-10T00:00:00Z', end: '2016-10-10T23:59:59Z' })
    const second = fhirToConsent(fhir).consent
    expect(second).toEqual(first)
    expect(fhirToConsent(consentToFhir({ consent: second })).consent).toEqual(first)
  })
})
