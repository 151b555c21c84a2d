import { fc, test } from '@fast-check/vitest'
import { createMemoryLedger } from '@medseal/adapter-memory'
import {
  type AccessEvent,
  createAccessLog,
  createMemoryAccessLogStore,
  createParty,
  normalizeAccessEvent,
} from '@medseal/core'
import { describe, expect, it } from 'vitest'
import { exampleFiles } from '../_testData.js'
import { FhirValidationError } from '../errors.js'
import { validateResource } from '../validateResource.js'
import {
  ACCESS_LOG_ENTRY_SYSTEM,
  AUDIT_EVENT_NOT_CONVERTIBLE_SYSTEM,
  auditEventFromLogEntry,
  BALP_BASE,
  logEntryFromAuditEvent,
} from './auditEvent.js'

const clinician = createParty()
const commitment = `0x${'cd'.repeat(32)}` as const
const consentId = `0x${'01'.repeat(32)}` as const
const observer = { display: 'medseal custodian' }
const errors = (r: unknown) => validateResource(r).issue.filter((i) => i.severity === 'error' || i.severity === 'fatal')

describe('auditEventFromLogEntry', () => {
  it('a permitted read: BALP PatientRead shape, validates, same skeleton as HL7 example-rest', () => {
    const audit = auditEventFromLogEntry(
      {
        actor: clinician.address.toLowerCase() as `0x${string}`, // accepted in either case
        action: 'read',
        commitment,
        at: 1_700_000_000,
        purpose: 'TREAT',
        consentId,
        outcome: 'permit',
      },
      {
        observer,
        site: 'clinic',
        target: { reference: 'Observation/1/_history/1' },
        patient: { reference: 'Patient/p1' },
      },
    )
    expect(errors(audit)).toEqual([])
    expect(audit.meta?.profile).toEqual([`${BALP_BASE}/IHE.BasicAudit.PatientRead`])
    expect(audit).toMatchObject({
      type: { code: 'rest' },
      subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'read' }],
      action: 'R',
      recorded: '2023-11-14T22:13:20Z',
      outcome: '0',
      source: { site: 'clinic', observer },
    })
    // returned EIP-55 checksummed (issue 15: one address-casing rule), though given in lower case
    expect(audit.agent[0]).toMatchObject({
      requestor: true,
      who: { identifier: { value: clinician.address } },
      purposeOfUse: [{ coding: [{ code: 'TREAT' }] }],
      policy: [`https://medseal.dev/fhir/sid/consent-id#${consentId}`],
    })
    expect(audit.entity?.map((e) => e.role?.code)).toEqual(['4', '1'])
    // HL7's RESTful example has the same top-level elements and entity/agent/source/type shape
    const example = JSON.parse(exampleFiles['AuditEvent-example-rest.json'] as string)
    const shape = (r: Record<string, unknown>) =>
      Object.keys(r)
        .filter((k) => !['id', 'text', 'meta', 'purposeOfEvent', 'outcomeDesc'].includes(k))
        .sort()
    expect(shape(audit as never)).toEqual(shape(example))
    expect(Object.keys(audit.type)).toEqual(
      expect.arrayContaining(Object.keys(example.type).filter((k) => k !== 'display')),
    )
    expect(errors(example)).toEqual([])
  })

  it('a denied access: outcome 4 with the reason, no patient → BALP Query/Read profiles without Patient', () => {
    const audit = auditEventFromLogEntry(
      {
        actor: clinician.address,
        action: 'search',
        commitment,
        at: 1_700_000_000,
        purpose: 'HPAYMT',
        outcome: 'deny',
        reason: 'CONSENT_EXPIRED',
      },
      { observer },
    )
    expect(errors(audit)).toEqual([])
    expect(audit).toMatchObject({ outcome: '4', outcomeDesc: 'CONSENT_EXPIRED', action: 'E' })
    expect(audit.subtype?.[0]?.code).toBe('search-type')
    expect(audit.meta?.profile).toEqual([`${BALP_BASE}/IHE.BasicAudit.Query`])
    expect(audit.entity?.[0]?.what).toEqual({
      identifier: { system: 'https://medseal.dev/fhir/sid/commitment', value: commitment },
    })
  })

  it('a break-glass (ETREAT) access from a real access log: purposeOfEvent ETREAT, policy, log entry entity', async () => {
    const ledger = createMemoryLedger({ id: 'audit' })
    const store = createMemoryAccessLogStore()
    const log = await createAccessLog({ operator: createParty(), ledger, name: 'er', store })
    const { index } = await log.append(
      {
        actor: clinician.address,
        action: 'vread',
        commitment,
        at: 1_700_000_100,
        purpose: 'ETREAT',
        policyId: 'er-policy-1',
        outcome: 'permit',
      },
      { publish: true },
    )
    const entry = await store.get(index)
    const audit = auditEventFromLogEntry(entry as NonNullable<typeof entry>, { observer, logId: log.logId })
    expect(errors(audit)).toEqual([])
    expect(audit.purposeOfEvent?.[0]?.coding?.[0]?.code).toBe('ETREAT')
    expect(audit.agent[0]?.purposeOfUse?.[0]?.coding?.[0]?.code).toBe('ETREAT')
    expect(audit.agent[0]?.policy).toEqual(['https://medseal.dev/fhir/policy#er-policy-1'])
    expect(audit.subtype?.[0]?.code).toBe('vread')
    expect(audit.entity?.at(-1)?.what?.identifier).toEqual({
      system: ACCESS_LOG_ENTRY_SYSTEM,
      value: `${log.logId}/${index}`,
    })
  })

  it('an action that is no RESTful interaction gets a medseal subtype and action E', () => {
    const audit = auditEventFromLogEntry(
      { actor: clinician.address, action: 'delegate', commitment, at: 1, purpose: 'TREAT', outcome: 'permit' },
      { observer },
    )
    expect(errors(audit)).toEqual([])
    expect(audit.subtype).toEqual([{ system: 'https://medseal.dev/fhir/CodeSystem/access-action', code: 'delegate' }])
    expect(audit.action).toBe('E')
    expect(audit.meta).toBeUndefined()
  })

  test.prop({
    action: fc.constantFrom('read', 'vread', 'search', 'write', 'delegate', 'export'),
    purpose: fc.constantFrom('TREAT', 'ETREAT', 'HPAYMT', 'HRESCH', 'PUBHLTH'),
    outcome: fc.constantFrom('permit' as const, 'deny' as const),
    at: fc.integer({ min: 0, max: 253_402_300_799 }),
    reason: fc.option(fc.constantFrom('CONSENT_EXPIRED', 'CONSENT_SCOPE', 'ACCESS_DENIED'), { nil: undefined }),
    patient: fc.boolean(),
  })('any well-formed event maps to an AuditEvent that validates', (g) => {
    const audit = auditEventFromLogEntry(
      {
        actor: clinician.address,
        action: g.action,
        commitment,
        at: g.at,
        purpose: g.purpose,
        outcome: g.outcome,
        ...(g.reason ? { reason: g.reason } : {}),
      },
      { observer, ...(g.patient ? { patient: { reference: 'Patient/p1' } } : {}) },
    )
    expect(errors(audit)).toEqual([])
    expect(audit.outcome).toBe(g.outcome === 'permit' ? '0' : '4')
    expect(Date.parse(audit.recorded) / 1000).toBe(g.at)
  })

  it('rejects a malformed event or missing observer (INVALID_ARGUMENT / INVALID_TYPE)', () => {
    const good = {
      actor: clinician.address,
      action: 'read',
      commitment,
      at: 1,
      purpose: 'TREAT',
      outcome: 'permit',
    } as const
    expect(() => auditEventFromLogEntry({ ...good, outcome: 'maybe' as never }, { observer })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
    expect(() => auditEventFromLogEntry({ ...good, at: 253_402_300_800 }, { observer })).toThrow(
      expect.objectContaining({ code: 'OUT_OF_RANGE' }),
    )
    expect(() => auditEventFromLogEntry(good, {} as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
    expect(() => auditEventFromLogEntry(null as never, { observer })).toThrow(
      expect.objectContaining({ code: 'INVALID_TYPE' }),
    )
  })
})

// biome-ignore lint/suspicious/noExplicitAny: the cases write arbitrary (also invalid) FHIR
type Any = any

const expectRefusal = (f: () => unknown, reason: string) => {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(FhirValidationError)
    expect((e as FhirValidationError).code).toBe('INVALID_FHIR')
    expect((e as FhirValidationError).outcome.issue[0]?.details?.coding).toEqual([
      { system: AUDIT_EVENT_NOT_CONVERTIBLE_SYSTEM, code: reason },
    ])
    return
  }
  throw new Error(`expected a refusal (${reason})`)
}

describe('logEntryFromAuditEvent', () => {
  const event: AccessEvent = {
    actor: clinician.address,
    action: 'read',
    commitment,
    at: 1_700_000_000,
    purpose: 'TREAT',
    consentId,
    outcome: 'permit',
  }

  test.prop({
    action: fc.oneof(
      fc.constantFrom('read', 'vread', 'search', 'write', 'delegate'),
      fc.string({ minLength: 1, maxLength: 64 }),
    ),
    purpose: fc.oneof(fc.constantFrom('TREAT', 'ETREAT', 'HPAYMT'), fc.string({ minLength: 1, maxLength: 64 })),
    outcome: fc.constantFrom('permit' as const, 'deny' as const),
    at: fc.integer({ min: 0, max: 253_402_300_799 }),
    reason: fc.option(fc.string({ minLength: 1, maxLength: 80 }), { nil: undefined }),
    policyId: fc.option(fc.string({ minLength: 1, maxLength: 80 }), { nil: undefined }),
    consent: fc.boolean(),
    target: fc.boolean(),
    patient: fc.boolean(),
  })('event → AuditEvent → event is exact, through JSON text too', (g) => {
    const e: AccessEvent = {
      actor: clinician.address,
      action: g.action,
      commitment,
      at: g.at,
      purpose: g.purpose,
      outcome: g.outcome,
      ...(g.consent ? { consentId } : {}),
      ...(g.reason ? { reason: g.reason } : {}),
      ...(g.policyId ? { policyId: g.policyId } : {}),
    }
    let normalized: AccessEvent
    try {
      normalized = normalizeAccessEvent(e)
    } catch {
      return // not a well-formed event (e.g. lone surrogates): nothing to map
    }
    const audit = auditEventFromLogEntry(e, {
      observer,
      ...(g.target ? { target: { reference: 'Observation/1/_history/2' } } : {}),
      ...(g.patient ? { patient: { reference: 'Patient/p1' } } : {}),
    })
    expect(logEntryFromAuditEvent(audit)).toEqual(normalized)
    expect(logEntryFromAuditEvent(JSON.parse(JSON.stringify(audit)))).toEqual(normalized)
  })

  it('actions named like Object.prototype members are medseal actions, not RESTful ones', () => {
    for (const action of ['valueOf', 'constructor', '__proto__', 'toString']) {
      const audit = auditEventFromLogEntry({ ...event, action }, { observer })
      expect(audit.subtype).toEqual([{ system: 'https://medseal.dev/fhir/CodeSystem/access-action', code: action }])
      expect(logEntryFromAuditEvent(audit).action).toBe(action)
      const rest = { ...audit, subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: action }] }
      expectRefusal(() => logEntryFromAuditEvent(rest), 'ACTION_NOT_EXPRESSIBLE')
    }
  })

  it('a log entry read from a real access log round trips (the log-entry entity is not part of the event)', async () => {
    const ledger = createMemoryLedger({ id: 'audit-back' })
    const store = createMemoryAccessLogStore()
    const log = await createAccessLog({ operator: createParty(), ledger, name: 'er', store })
    const e = { ...event, action: 'vread', purpose: 'ETREAT', policyId: 'er/policy 1', reason: 'break glass' }
    const { index } = await log.append(e, { publish: true })
    const entry = await store.get(index)
    const audit = auditEventFromLogEntry(entry as NonNullable<typeof entry>, { observer, logId: log.logId })
    expect(audit.outcomeDesc).toBe('break glass') // a permitted access keeps its statement
    expect(logEntryFromAuditEvent(audit)).toEqual(normalizeAccessEvent(e))
  })

  it('refuses what an access event cannot hold, with a reason in the OperationOutcome (INVALID_FHIR)', () => {
    const base = auditEventFromLogEntry({ ...event, policyId: 'p' }, { observer })
    const cases: [string, (a: Any) => void][] = [
      ['NOT_AN_ACCESS', (a) => (a.type = { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110114' })],
      ['ACTION_NOT_EXPRESSIBLE', (a) => (a.subtype = [])],
      ['ACTION_NOT_EXPRESSIBLE', (a) => a.subtype.push(a.subtype[0])],
      [
        'ACTION_NOT_EXPRESSIBLE',
        (a) => (a.subtype = [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'delete' }]),
      ],
      ['ACTION_NOT_EXPRESSIBLE', (a) => (a.subtype = [{ system: 'urn:x', code: 'read' }])],
      ['ACTION_NOT_EXPRESSIBLE', (a) => (a.action = 'D')],
      ['RECORDED_INVALID', (a) => (a.recorded = '2023-11-14')],
      ['RECORDED_INVALID', (a) => (a.recorded = '1969-12-31T23:59:59Z')],
      ['OUTCOME_NOT_EXPRESSIBLE', (a) => (a.outcome = '8')],
      ['OUTCOME_NOT_EXPRESSIBLE', (a) => delete a.outcome],
      ['REQUESTOR_MISSING', (a) => (a.agent[0].requestor = false)],
      ['REQUESTOR_MISSING', (a) => a.agent.push(a.agent[0])],
      ['ACTOR_NOT_ADDRESS', (a) => (a.agent[0].who = { reference: 'Practitioner/1' })],
      ['ACTOR_NOT_ADDRESS', (a) => (a.agent[0].who.identifier.value = '0x12')],
      [
        'PURPOSE_MISSING',
        (a) => {
          delete a.agent[0].purposeOfUse
          delete a.purposeOfEvent
        },
      ],
      ['PURPOSE_NOT_EXPRESSIBLE', (a) => (a.purposeOfEvent[0].coding[0].code = 'HPAYMT')],
      ['PURPOSE_NOT_EXPRESSIBLE', (a) => (a.agent[0].purposeOfUse[0].coding[0].system = 'urn:x')],
      ['POLICY_NOT_EXPRESSIBLE', (a) => a.agent[0].policy.push('http://consent.com/yes')],
      ['POLICY_NOT_EXPRESSIBLE', (a) => a.agent[0].policy.push(a.agent[0].policy[0])],
      ['POLICY_NOT_EXPRESSIBLE', (a) => (a.agent[0].policy = ['https://medseal.dev/fhir/policy#%E0%A4%A'])],
      ['RECORD_MISSING', (a) => (a.entity = [])],
      ['RECORD_MISSING', (a) => a.entity.push(a.entity[0])],
      ['EVENT_RULES', (a) => (a.agent[0].policy = ['https://medseal.dev/fhir/sid/consent-id#0x12'])],
    ]
    expectRefusal(() => logEntryFromAuditEvent({ resourceType: 'Patient' }), 'NOT_AN_AUDIT_EVENT')
    expectRefusal(() => logEntryFromAuditEvent(null), 'NOT_AN_AUDIT_EVENT')
    for (const [reason, edit] of cases) {
      const a = JSON.parse(JSON.stringify(base)) // no shared objects (the purpose coding is one object)
      edit(a)
      expectRefusal(() => logEntryFromAuditEvent(a), reason)
    }
    expect(logEntryFromAuditEvent({ ...base, recorded: '2023-11-14T23:13:20.75+01:00' }).at).toBe(1_700_000_000)
  })
})

describe("HL7's example AuditEvents", () => {
  const expected: Record<string, string> = {
    // DICOM event types: a disclosure (export), a login, a logout, an application start, a PIX query: none is a
    // RESTful access of a record
    'AuditEvent-example-disclosure.json': 'NOT_AN_ACCESS',
    'AuditEvent-example-login.json': 'NOT_AN_ACCESS',
    'AuditEvent-example-logout.json': 'NOT_AN_ACCESS',
    'AuditEvent-example-pixQuery.json': 'NOT_AN_ACCESS',
    'AuditEvent-example.json': 'NOT_AN_ACCESS',
    // a RESTful vread, by a user named "95" in no identifier system: no address
    'AuditEvent-example-rest.json': 'ACTOR_NOT_ADDRESS',
  }
  const files = Object.keys(exampleFiles).filter((f) => f.startsWith('AuditEvent-'))
  it('every example is listed', () => {
    expect(files.sort()).toEqual(Object.keys(expected).sort())
  })
  for (const file of files) {
    it(`${file}: ${expected[file]}`, () => {
      expectRefusal(() => logEntryFromAuditEvent(JSON.parse(exampleFiles[file] as string)), expected[file] as string)
    })
  }

  it('example-rest converts once it names its user by address, a purpose and the record by commitment', () => {
    const rest = JSON.parse(exampleFiles['AuditEvent-example-rest.json'] as string)
    rest.agent[0].who = { identifier: { system: 'https://medseal.dev/fhir/sid/address', value: clinician.address } }
    expectRefusal(() => logEntryFromAuditEvent(rest), 'PURPOSE_MISSING')
    rest.purposeOfEvent = [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT' }] },
    ]
    expectRefusal(() => logEntryFromAuditEvent(rest), 'RECORD_MISSING') // it names Patient/example only
    rest.entity[0].what = { identifier: { system: 'https://medseal.dev/fhir/sid/commitment', value: commitment } }
    expect(logEntryFromAuditEvent(rest)).toEqual({
      actor: clinician.address,
      action: 'vread',
      commitment,
      at: Date.parse('2013-06-20T23:42:24Z') / 1000,
      purpose: 'TREAT',
      outcome: 'permit',
    })
  })
})
