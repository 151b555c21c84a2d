/**
 * Access-log event → FHIR R4 `AuditEvent`, after the IHE Basic Audit Log Patterns (BALP 1.1) RESTful patterns.
 *
 * | access event | AuditEvent |
 * | --- | --- |
 * | `action` `read`/`vread`/`search`/`write` | `subtype` restful-interaction `read`/`vread`/`search-type`/`update`, `action` R/R/E/U; other actions: a medseal code, `action` E |
 * | `at` | `recorded` |
 * | `outcome` `permit`/`deny` | `outcome` `0` (success) / `4` (minor failure: refused) |
 * | `reason` | `outcomeDesc` (a deny reason code, or a break-glass statement of a permitted access) |
 * | `actor` | `agent[0]` (requestor, `who.identifier` address), `purposeOfUse` = `purpose`, `policy` = consent id / policy id |
 * | `purpose` | also `purposeOfEvent` (so break-glass `ETREAT` is visible at the top level) |
 * | `commitment` | `entity[0]` (`what` = the record's reference when given, else its commitment identifier) |
 * | log position | `entity` naming the log entry (`logId/index`), when the entry is from a log |
 *
 * {@link logEntryFromAuditEvent} reads that table backwards: an AuditEvent from elsewhere converts when it says
 * exactly what an access event holds, and is refused otherwise ({@link AuditEventNotConvertibleReason}).
 *
 * @module
 */
import type {
  AuditEvent,
  AuditEventAgent,
  AuditEventEntity,
  Coding,
  OperationOutcome,
  Reference,
} from '@medplum/fhirtypes'
import {
  type AccessEvent,
  type AccessLogEntry,
  decodeAccessEvent,
  InvalidArgumentError,
  isAddress,
  isSdkError,
  normalizeAccessEvent,
} from '@medseal/core'
import { FhirValidationError } from '../errors.js'
import { ADDRESS_SYSTEM, COMMITMENT_SYSTEM, CONSENT_ID_SYSTEM, HL7, MEDSEAL_FHIR_BASE } from './systems.js'

/** Canonical base of the IHE BALP profiles. */
export const BALP_BASE = 'https://profiles.ihe.net/ITI/BALP/StructureDefinition'
/** Code system of medseal access actions that are not RESTful interactions. */
export const ACCESS_ACTION_SYSTEM = `${MEDSEAL_FHIR_BASE}/CodeSystem/access-action`
/** Identifier system of an access-log entry (`<logId>/<index>`). */
export const ACCESS_LOG_ENTRY_SYSTEM = `${MEDSEAL_FHIR_BASE}/sid/access-log-entry`

/** Options of {@link auditEventFromLogEntry}. */
export type AuditEventFromLogEntryOptions = {
  /** Who records the event (`source.observer`), e.g. `{ display: 'medseal custodian' }` or a Device reference. */
  readonly observer: NonNullable<AuditEvent['source']['observer']>
  /** `source.site`, e.g. the deployment's name. */
  readonly site?: string
  /** The record accessed as a FHIR reference (`Observation/1/_history/2`); default: its commitment identifier. */
  readonly target?: Reference
  /** The patient the record is about: adds the BALP patient entity and picks the Patient* profile. */
  readonly patient?: Reference
  /** The actor as a FHIR reference (Practitioner, Device…); its address is kept in `who.identifier` either way. */
  readonly actor?: NonNullable<AuditEventAgent['who']>
  /** The access log id (`0x` hex), to name the log entry. */
  readonly logId?: string
}

/** Errors {@link auditEventFromLogEntry} can throw. */
export type AuditEventFromLogEntryErrorType = InvalidArgumentError

const REST: Record<string, { code: string; action: AuditEvent['action']; profile: string }> = {
  read: { code: 'read', action: 'R', profile: 'Read' },
  vread: { code: 'vread', action: 'R', profile: 'Read' },
  search: { code: 'search-type', action: 'E', profile: 'Query' },
  write: { code: 'update', action: 'U', profile: 'Update' },
}

const instant = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')

/**
 * Renders one access-log event (or a log entry holding one) as a FHIR R4 AuditEvent following BALP: type `rest`,
 * the RESTful subtype, `meta.profile` the BALP profile of the interaction (`IHE.BasicAudit.Read`, `…PatientRead`,
 * `…Query`, `…PatientQuery`, `…Update`, `…PatientUpdate`), the requesting agent with its purpose of use, the
 * source, and entities for the record (role Domain Resource), the patient (role Patient) and the log entry.
 *
 * @param entry - an {@link @medseal/core!AccessEvent}, or an {@link @medseal/core!AccessLogEntry} from an access-log store
 * @param options - `observer` (required), `site`, `target`, `patient`, `actor`, `logId`
 * @returns a new AuditEvent
 * @throws {@link @medseal/core!InvalidArgumentError} for an event that is not well formed, or a missing `observer`; `OUT_OF_RANGE`
 *   for an event past the year 9999
 * @example
 * ```ts
 * import { auditEventFromLogEntry } from '@medseal/fhir'
 * const audit = auditEventFromLogEntry(event, { observer: { display: 'medseal custodian' } })
 * audit.outcome // '0' for a permitted access
 * ```
 */
export function auditEventFromLogEntry(
  entry: AccessEvent | AccessLogEntry,
  options: AuditEventFromLogEntryOptions,
): AuditEvent {
  if (typeof options !== 'object' || options === null || typeof options.observer !== 'object') {
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'options.observer (a FHIR Reference) is required.')
  }
  const fromLog = typeof entry === 'object' && entry !== null && 'leafData' in entry
  const event = fromLog
    ? decodeAccessEvent((entry as AccessLogEntry).leafData)
    : normalizeAccessEvent(entry as AccessEvent)
  if (event.at > 253_402_300_799) {
    throw new InvalidArgumentError('OUT_OF_RANGE', 'event.at is past the year 9999, which FHIR instants cannot hold.')
  }
  const rest = Object.hasOwn(REST, event.action) ? REST[event.action] : undefined // not Object.prototype's
  const subtype: Coding = rest
    ? { system: HL7.restfulInteraction, code: rest.code }
    : { system: ACCESS_ACTION_SYSTEM, code: event.action }
  const profile = rest ? `${BALP_BASE}/IHE.BasicAudit.${options.patient ? 'Patient' : ''}${rest.profile}` : undefined
  const purpose: Coding = { system: HL7.actReason, code: event.purpose }
  const policy = [
    ...(event.consentId ? [`${CONSENT_ID_SYSTEM}#${event.consentId}`] : []),
    ...(event.policyId ? [`${MEDSEAL_FHIR_BASE}/policy#${encodeURIComponent(event.policyId)}`] : []),
  ]
  const who: AuditEventAgent['who'] = {
    ...(options.actor ?? {}),
    identifier: { system: ADDRESS_SYSTEM, value: event.actor },
  }
  const agent: AuditEventAgent = {
    type: { coding: [{ system: HL7.extraSecurityRole, code: 'humanuser', display: 'human user' }] },
    who,
    requestor: true,
    purposeOfUse: [{ coding: [purpose] }],
    ...(policy.length > 0 ? { policy } : {}),
  }
  const entity: AuditEventEntity[] = [
    {
      what: options.target ?? { identifier: { system: COMMITMENT_SYSTEM, value: event.commitment } },
      type: { system: HL7.auditEntityType, code: '2', display: 'System Object' },
      role: { system: HL7.objectRole, code: '4', display: 'Domain Resource' },
      ...(options.target ? { description: `commitment ${event.commitment}` } : {}),
    },
  ]
  if (options.patient) {
    entity.push({
      what: options.patient,
      type: { system: HL7.auditEntityType, code: '1', display: 'Person' },
      role: { system: HL7.objectRole, code: '1', display: 'Patient' },
    })
  }
  if (fromLog && typeof options.logId === 'string') {
    entity.push({
      what: {
        identifier: { system: ACCESS_LOG_ENTRY_SYSTEM, value: `${options.logId}/${(entry as AccessLogEntry).index}` },
      },
      type: { system: HL7.auditEntityType, code: '2', display: 'System Object' },
      description: 'medseal access log entry',
    })
  }
  return {
    resourceType: 'AuditEvent',
    ...(profile ? { meta: { profile: [profile] } } : {}),
    type: { system: HL7.auditEventType, code: 'rest', display: 'Restful Operation' },
    subtype: [subtype],
    action: rest?.action ?? 'E',
    recorded: instant(event.at),
    outcome: event.outcome === 'permit' ? '0' : '4',
    ...(event.reason ? { outcomeDesc: event.reason } : {}),
    purposeOfEvent: [{ coding: [{ ...purpose }] }], // a copy: no object shared with the agent
    agent: [agent],
    source: {
      ...(options.site ? { site: options.site } : {}),
      observer: options.observer,
      type: [{ system: HL7.securitySourceType, code: '4', display: 'Application Server' }],
    },
    entity,
  }
}

/** Why an AuditEvent cannot be read as a medseal access event. Stable strings, like error codes. */
export type AuditEventNotConvertibleReason =
  | 'NOT_AN_AUDIT_EVENT'
  | 'NOT_AN_ACCESS'
  | 'ACTION_NOT_EXPRESSIBLE'
  | 'RECORDED_INVALID'
  | 'OUTCOME_NOT_EXPRESSIBLE'
  | 'REQUESTOR_MISSING'
  | 'ACTOR_NOT_ADDRESS'
  | 'PURPOSE_MISSING'
  | 'PURPOSE_NOT_EXPRESSIBLE'
  | 'POLICY_NOT_EXPRESSIBLE'
  | 'RECORD_MISSING'
  | 'EVENT_RULES'

/** Code system of {@link AuditEventNotConvertibleReason} in the refusal's OperationOutcome (`issue.details`). */
export const AUDIT_EVENT_NOT_CONVERTIBLE_SYSTEM = `${MEDSEAL_FHIR_BASE}/CodeSystem/audit-event-not-convertible`

/** Errors {@link logEntryFromAuditEvent} can throw. */
export type LogEntryFromAuditEventErrorType = FhirValidationError

const refuse = (
  reason: AuditEventNotConvertibleReason,
  element: string,
  diagnostics: string,
  cause?: unknown,
): never => {
  const outcome: OperationOutcome = {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: 'not-supported',
        details: { coding: [{ system: AUDIT_EVENT_NOT_CONVERTIBLE_SYSTEM, code: reason }] },
        diagnostics,
        expression: [element],
      },
    ],
  }
  throw new FhirValidationError(
    `The AuditEvent is not a medseal access event (${reason}).`,
    outcome,
    cause === undefined ? {} : { cause },
  )
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
const FROM_REST: Record<string, string> = { read: 'read', vread: 'vread', 'search-type': 'search', update: 'write' }
const INSTANT = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/
const CONSENT_POLICY = `${CONSENT_ID_SYSTEM}#`
const OWN_POLICY = `${MEDSEAL_FHIR_BASE}/policy#`

/**
 * Reads a FHIR R4 AuditEvent back as the access-log event it records: the inverse of
 * {@link auditEventFromLogEntry} (event → AuditEvent → event is exact). An AuditEvent from elsewhere converts when
 * it records a RESTful access (`type` `rest`, one subtype `read`/`vread`/`search-type`/`update` or a medseal access
 * action) of one record named by commitment, by one requesting agent named by an address identifier, with one
 * v3-ActReason purpose of use, outcome `0` (permit) or `4` (deny), and policies that are medseal consent ids or
 * policy ids. Anything else is refused rather than guessed: the event would then say more or less than the
 * AuditEvent. `recorded` is floored to the second (ledger time has seconds); `outcomeDesc` becomes `reason`
 * (free text in a foreign AuditEvent: check it holds no PHI before you append the event to a log).
 *
 * @param auditEvent - the AuditEvent (untrusted, e.g. read from a FHIR server)
 * @returns the normalized access event
 * @throws {@link FhirValidationError} `INVALID_FHIR` whose `outcome` (an OperationOutcome) says why: its issue's
 *   `details.coding` is an {@link AuditEventNotConvertibleReason} (system {@link AUDIT_EVENT_NOT_CONVERTIBLE_SYSTEM})
 *   and `expression` the element at fault; neither carries values from the resource
 * @example
 * ```ts
 * import { auditEventFromLogEntry, logEntryFromAuditEvent } from '@medseal/fhir'
 * const audit = auditEventFromLogEntry(event, { observer: { display: 'medseal custodian' } })
 * logEntryFromAuditEvent(audit) // deep-equals normalizeAccessEvent(event)
 * ```
 */
export function logEntryFromAuditEvent(auditEvent: unknown): AccessEvent {
  if (!isObj(auditEvent) || auditEvent.resourceType !== 'AuditEvent') {
    return refuse('NOT_AN_AUDIT_EVENT', 'AuditEvent', 'The resource is not a FHIR AuditEvent.')
  }
  const a = auditEvent
  if (!isObj(a.type) || a.type.system !== HL7.auditEventType || a.type.code !== 'rest') {
    refuse('NOT_AN_ACCESS', 'AuditEvent.type', 'Only a RESTful operation (audit-event-type rest) is an access.')
  }
  // action
  const subtypes = list(a.subtype)
  const sub = subtypes[0]
  if (subtypes.length !== 1 || !isObj(sub) || typeof sub.code !== 'string') {
    return refuse('ACTION_NOT_EXPRESSIBLE', 'AuditEvent.subtype', 'An access event has exactly one action.')
  }
  let action: string | undefined
  if (sub.system === HL7.restfulInteraction)
    action = Object.hasOwn(FROM_REST, sub.code) ? FROM_REST[sub.code] : undefined
  else if (sub.system === ACCESS_ACTION_SYSTEM) action = sub.code
  if (action === undefined) {
    return refuse('ACTION_NOT_EXPRESSIBLE', 'AuditEvent.subtype', 'The interaction is not a medseal access action.')
  }
  const expectedAction = (Object.hasOwn(REST, action) ? REST[action]?.action : undefined) ?? 'E'
  if (a.action !== undefined && a.action !== expectedAction) {
    refuse('ACTION_NOT_EXPRESSIBLE', 'AuditEvent.action', 'The action code contradicts the subtype.')
  }
  // when
  const m = typeof a.recorded === 'string' ? INSTANT.exec(a.recorded) : null
  const ms = m ? Date.parse(`${m[1]}${m[3]}`) : Number.NaN
  if (!Number.isFinite(ms) || ms < 0) {
    refuse('RECORDED_INVALID', 'AuditEvent.recorded', 'recorded must be an instant (with a zone) after 1970.')
  }
  const at = Math.floor(ms / 1000)
  // outcome
  if (a.outcome !== '0' && a.outcome !== '4') {
    refuse(
      'OUTCOME_NOT_EXPRESSIBLE',
      'AuditEvent.outcome',
      'Only success (0, permit) and minor failure (4, deny) are access decisions.',
    )
  }
  const outcome = a.outcome === '0' ? 'permit' : 'deny'
  // actor
  const requestors = list(a.agent).filter((g) => isObj(g) && g.requestor === true) as Record<string, unknown>[]
  if (requestors.length !== 1) {
    return refuse('REQUESTOR_MISSING', 'AuditEvent.agent', 'An access event has exactly one requesting agent.')
  }
  const agent = requestors[0] as Record<string, unknown>
  const ident = isObj(agent.who) ? agent.who.identifier : undefined
  if (!isObj(ident) || ident.system !== ADDRESS_SYSTEM || !isAddress(ident.value)) {
    refuse('ACTOR_NOT_ADDRESS', 'AuditEvent.agent.who.identifier', 'The requesting agent is not named by an address.')
  }
  const actor = (ident as Record<string, unknown>).value as string
  // purpose
  const purposeCodes = (cc: unknown[]) =>
    cc.flatMap((c) => (isObj(c) ? list(c.coding) : [])).map((c) => (isObj(c) ? c : {}))
  const ofAgent = purposeCodes(list(agent.purposeOfUse))
  const ofEvent = purposeCodes(list(a.purposeOfEvent))
  const all = [...ofAgent, ...ofEvent]
  if (all.length === 0) refuse('PURPOSE_MISSING', 'AuditEvent.agent.purposeOfUse', 'The access states no purpose.')
  const codes = new Set(all.map((c) => (c.system === HL7.actReason && typeof c.code === 'string' ? c.code : '')))
  if (codes.size !== 1 || codes.has('')) {
    refuse(
      'PURPOSE_NOT_EXPRESSIBLE',
      'AuditEvent.agent.purposeOfUse',
      'An access event has one v3-ActReason purpose of use.',
    )
  }
  const purpose = [...codes][0] as string
  // policies
  let consentId: string | undefined
  let policyId: string | undefined
  for (const p of list(agent.policy)) {
    if (typeof p === 'string' && p.startsWith(CONSENT_POLICY) && consentId === undefined) {
      consentId = p.slice(CONSENT_POLICY.length)
    } else if (typeof p === 'string' && p.startsWith(OWN_POLICY) && policyId === undefined) {
      try {
        policyId = decodeURIComponent(p.slice(OWN_POLICY.length))
      } catch (cause) {
        refuse('POLICY_NOT_EXPRESSIBLE', 'AuditEvent.agent.policy', 'A medseal policy id is not URI-encoded.', cause)
      }
    } else {
      refuse(
        'POLICY_NOT_EXPRESSIBLE',
        'AuditEvent.agent.policy',
        'A policy is neither one medseal consent id nor one medseal policy id.',
      )
    }
  }
  // record
  const commitments = list(a.entity).flatMap((e) => {
    if (!isObj(e)) return []
    const id = isObj(e.what) ? e.what.identifier : undefined
    if (isObj(id) && id.system === COMMITMENT_SYSTEM) return [id.value]
    const domain = isObj(e.role) && e.role.system === HL7.objectRole && e.role.code === '4'
    const d = typeof e.description === 'string' ? /^commitment (0x[0-9a-fA-F]{64})$/.exec(e.description) : null
    return domain && d ? [d[1]] : []
  })
  if (commitments.length !== 1) {
    refuse('RECORD_MISSING', 'AuditEvent.entity', 'An access event names exactly one record by commitment.')
  }
  try {
    return normalizeAccessEvent({
      actor,
      action,
      commitment: commitments[0],
      at,
      purpose,
      outcome,
      ...(consentId === undefined ? {} : { consentId }),
      ...(policyId === undefined ? {} : { policyId }),
      ...(typeof a.outcomeDesc === 'string' ? { reason: a.outcomeDesc } : {}),
    } as AccessEvent)
  } catch (error) {
    if (isSdkError(error))
      return refuse('EVENT_RULES', 'AuditEvent', 'The AuditEvent breaks an access-event rule.', error)
    throw error
  }
}
