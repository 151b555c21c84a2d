/**
 * Access-log event → FHIR R4 `AuditEvent`, after the IHE Basic Audit Log Patterns (BALP 1.1) RESTful patterns.
 *
 * | access event | AuditEvent |
 * | --- | --- |
 * | `action` `read`/`vread`/`search`/`write` | `subtype` restful-interaction `read`/`vread`/`search-type`/`update`, `action` R/R/E/U; other actions: a medseal code, `action` E |
 * | `at` | `recorded` |
 * | `outcome` `permit`/`deny` | `outcome` `0` (success) / `4` (minor failure: refused), `outcomeDesc` = the deny reason code |
 * | `actor` | `agent[0]` (requestor, `who.identifier` address), `purposeOfUse` = `purpose`, `policy` = consent id / policy id |
 * | `purpose` | also `purposeOfEvent` (so break-glass `ETREAT` is visible at the top level) |
 * | `commitment` | `entity[0]` (`what` = the record's reference when given, else its commitment identifier) |
 * | log position | `entity` naming the log entry (`logId/index`), when the entry is from a log |
 *
 * @module
 */
import type { AuditEvent, AuditEventAgent, AuditEventEntity, Coding, Reference } from '@medplum/fhirtypes'
import {
  type AccessEvent,
  type AccessLogEntry,
  decodeAccessEvent,
  InvalidArgumentError,
  normalizeAccessEvent,
} from '@medseal/core'
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
  const rest = REST[event.action]
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
    ...(event.outcome === 'deny' && event.reason ? { outcomeDesc: event.reason } : {}),
    purposeOfEvent: [{ coding: [purpose] }],
    agent: [agent],
    source: {
      ...(options.site ? { site: options.site } : {}),
      observer: options.observer,
      type: [{ system: HL7.securitySourceType, code: '4', display: 'Application Server' }],
    },
    entity,
  }
}
