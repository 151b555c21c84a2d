import { fc, test } from '@fast-check/vitest'
import { createMemoryLedger } from '@medseal/adapter-memory'
import { createAccessLog, createMemoryAccessLogStore, createParty } from '@medseal/core'
import { describe, expect, it } from 'vitest'
import { exampleFiles } from '../_testData.js'
import { validateResource } from '../validateResource.js'
import { ACCESS_LOG_ENTRY_SYSTEM, auditEventFromLogEntry, BALP_BASE } from './auditEvent.js'

const clinician = createParty()
const commitment = `0x${'cd'.repeat(32)}` as const
const consentId = `0x${'01'.repeat(32)}` as const
const observer = { display: 'medseal custodian' }
const errors = (r: unknown) => validateResource(r).issue.filter((i) => i.severity === 'error' || i.severity === 'fatal')

describe('auditEventFromLogEntry', () => {
  it('a permitted read: BALP PatientRead shape, validates, same skeleton as HL7 example-rest', () => {
    const audit = auditEventFromLogEntry(
      {
        actor: clinician.address,
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
    expect(audit.agent[0]).toMatchObject({
      requestor: true,
      who: { identifier: { value: clinician.address.toLowerCase() } },
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
