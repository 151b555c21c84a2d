/**
 * Consent token ↔ FHIR R4 `Consent`. The mapping is lossless for everything a token holds, and refuses (with a
 * stated reason) any FHIR Consent whose meaning a token cannot carry, rather than widening or narrowing it.
 *
 * | token field | FHIR R4 Consent |
 * | --- | --- |
 * | `id` | `identifier` with system {@link CONSENT_ID_SYSTEM} |
 * | `grantor` | `performer[0].identifier` (system {@link ADDRESS_SYSTEM}) |
 * | `grantee` | `provision.actor[0]` with role v3-ParticipationType `IRCP`, `reference.identifier` address |
 * | `resourceTypes` | `provision.class` (system `http://hl7.org/fhir/resource-types`) |
 * | `commitments` | `provision.data[]` (`meaning` `instance`, `reference.identifier` system {@link COMMITMENT_SYSTEM}) |
 * | `exclude` | one nested `provision.provision` of `type` `deny` with the labels in `securityLabel` |
 * | `actions` | `provision.action`: medseal code + the nearest HL7 consentaction code (`access`, `correct`, `disclose`) |
 * | `purposes` | `provision.purpose` (v3-ActReason PurposeOfUse) |
 * | `notBefore`/`expiresAt` | `provision.period.start`/`.end`: UTC instants to the second; FHIR's `end` is inclusive, so `end` = `expiresAt - 1` |
 * | `parent`, `delegationDepth` | extensions (only when not the default) |
 * | signature | extension {@link CONSENT_SIGNATURE_EXTENSION} (`0x` hex) |
 *
 * Reading a Consent from elsewhere ({@link fhirToConsent}):
 * - `provision.period` may have any FHIR dateTime precision (`2016`, `2016-06`, `2016-06-23`, or a time with a zone,
 *   optionally with a fraction of a second). `notBefore` is the earliest instant of `start` (rounded up to a whole
 *   second), `expiresAt` the instant just after the end of `end`'s precision (FHIR's `end` is inclusive: `2016` ends
 *   at `2017-01-01T00:00:00Z`, `…T17:32:33+10:00` at `…T07:32:34Z`). A date without a time has no zone in FHIR: it is
 *   read as UTC. A `start` before 1970 becomes 0 (no ledger time precedes it, so the grant means the same).
 * - Without a medseal consent id, the token id is derived: `keccak256(utf8("medseal:fhir-consent-id:v1\n" + key))`
 *   where `key` is `identifier|<system>|<value>` of the Consent's first business identifier with a system and a value,
 *   else `Consent/<id>` of its logical id. {@link consentToFhir} then writes that id as the medseal identifier, so
 *   FHIR → token → FHIR → token is stable. A logical id is the server's: the same Consent on another server derives
 *   another token id; prefer a business identifier.
 * - Parties are named by an address identifier, or by a FHIR reference that the caller's
 *   {@link FhirToConsentOptions.resolveParty} maps to an address. The grantee must be the one actor, in a recipient
 *   role (`IRCP` or `PRCP`); an actor in another role (author, custodian…) restricts whose data, which a token cannot.
 *
 * @module
 */
import type {
  CodeableConcept,
  Coding,
  ConsentProvision,
  Extension,
  Consent as FhirConsent,
  Patient,
  Reference,
} from '@medplum/fhirtypes'
import {
  type Address,
  bytesToHex0x,
  type Consent,
  createConsent,
  FhirError,
  type Hex,
  isAddress,
  isPurposeOfUse,
  isSdkError,
  type LedgerDomain,
  type SignedConsent,
  utf8ToBytes,
  verifySignedConsent,
} from '@medseal/core'
import { keccak_256 } from '@noble/hashes/sha3.js'
import {
  ADDRESS_SYSTEM,
  COMMITMENT_SYSTEM,
  CONSENT_ACTION_SYSTEM,
  CONSENT_DELEGATION_DEPTH_EXTENSION,
  CONSENT_ID_SYSTEM,
  CONSENT_PARENT_EXTENSION,
  CONSENT_SIGNATURE_EXTENSION,
  HL7,
} from './systems.js'

/** Why a FHIR Consent cannot be expressed as a medseal consent token. Stable strings, like error codes. */
export type ConsentNotExpressibleReason =
  | 'NOT_A_CONSENT'
  | 'STATUS_NOT_ACTIVE'
  | 'SCOPE_NOT_PRIVACY'
  | 'POLICY_NOT_OPTIN'
  | 'PROVISION_MISSING'
  | 'PROVISION_NOT_PERMIT'
  | 'PERIOD_MISSING'
  | 'PERIOD_IMPRECISE'
  | 'PERIOD_OUT_OF_RANGE'
  | 'ID_MISSING'
  | 'GRANTOR_MISSING'
  | 'GRANTEE_MISSING'
  | 'ACTOR_NOT_EXPRESSIBLE'
  | 'ACTION_MISSING'
  | 'ACTION_NOT_EXPRESSIBLE'
  | 'PURPOSE_MISSING'
  | 'PURPOSE_UNKNOWN'
  | 'CLASS_NOT_RESOURCE_TYPE'
  | 'DATA_NOT_EXPRESSIBLE'
  | 'NESTED_PROVISION'
  | 'ELEMENT_NOT_EXPRESSIBLE'
  | 'SIGNATURE_MALFORMED'
  | 'TOKEN_RULES'

/**
 * A FHIR Consent that no consent token can express (code `CONSENT_NOT_EXPRESSIBLE`). `reason` says why, `element`
 * names the FHIR element (a FHIRPath); neither carries values from the resource (no PHI).
 *
 * @example
 * ```ts
 * import { ConsentNotExpressibleError, fhirToConsent } from '@medseal/fhir'
 * try { fhirToConsent({ resourceType: 'Consent', status: 'draft', scope: {}, category: [] }) }
 * catch (e) { if (e instanceof ConsentNotExpressibleError) console.log(e.reason) } // 'STATUS_NOT_ACTIVE'
 * ```
 */
export class ConsentNotExpressibleError extends FhirError {
  override name = 'ConsentNotExpressibleError'
  /** Why the Consent cannot be a token. */
  readonly reason: ConsentNotExpressibleReason
  /** The FHIR element at fault, e.g. `Consent.provision.period`. */
  readonly element: string

  constructor(reason: ConsentNotExpressibleReason, element: string, shortMessage: string, cause?: unknown) {
    super('CONSENT_NOT_EXPRESSIBLE', shortMessage, {
      metaMessages: [`Reason: ${reason}`, `Element: ${element}`],
      ...(cause === undefined ? {} : { cause }),
    })
    this.reason = reason
    this.element = element
  }
}

/** Options of {@link consentToFhir}. */
export type ConsentToFhirOptions = {
  /** The patient the consent is about (`Consent.patient`), e.g. `{ reference: 'Patient/123' }`. */
  readonly patient?: Reference<Patient>
  /** A logical id for the resource (`Consent.id`); omitted by default (the server assigns one). */
  readonly id?: string
  /** `Consent.dateTime` (when the consent was given), an ISO dateTime; defaults to `provision.period.start`. */
  readonly dateTime?: string
}

/** Errors {@link consentToFhir} can throw. */
export type ConsentToFhirErrorType =
  | ConsentNotExpressibleError
  | import('@medseal/core').ConsentError
  | import('@medseal/core').InvalidArgumentError

/** Options of {@link fhirToConsent}. */
export type FhirToConsentOptions = {
  /** When given and the Consent carries a signature, the signature is checked against this ledger domain. */
  readonly domain?: LedgerDomain
  /**
   * Maps a FHIR reference naming a party (`Consent.performer`, `provision.actor.reference`), e.g. `Patient/f001`,
   * to that party's address, or `undefined` when it does not know it (the Consent is then refused). Only called for
   * a party not already named by an address identifier. The caller vouches for the mapping.
   */
  readonly resolveParty?: (reference: string) => Address | undefined
}

/** What {@link fhirToConsent} returns: the token's consent, and its signature when the Consent carried one. */
export type FhirToConsentReturnType = {
  readonly consent: Consent
  readonly signature: Hex | undefined
}

/** Errors {@link fhirToConsent} can throw. */
export type FhirToConsentErrorType = ConsentNotExpressibleError | import('@medseal/core').ConsentError

const ZERO32 = `0x${'0'.repeat(64)}`
const CONFIDENTIALITY = new Set(['U', 'L', 'M', 'N', 'R', 'V'])
/** medseal action → nearest HL7 consentaction code (R4 `consent-action` value set). */
const HL7_ACTION: Record<string, string> = {
  read: 'access',
  search: 'access',
  vread: 'access',
  write: 'correct',
  delegate: 'disclose',
}
/** HL7 consentaction code of a foreign Consent → the medseal actions it grants (no medseal coding present). */
const FROM_HL7_ACTION: Record<string, readonly string[]> = {
  access: ['read', 'vread', 'search'],
  correct: ['write'],
}

/** 9999-12-31T23:59:59Z: FHIR dateTime years have four digits. */
const MAX_FHIR_SECONDS = 253_402_300_799

const toInstant = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')

/**
 * Maps a signed consent token to a FHIR R4 `Consent` (scope `patient-privacy`, policyRule `OPTIN`, a `permit`
 * provision). Order inside every list is kept, so the token can be rebuilt byte for byte.
 *
 * @param signed - the signed consent (`{ consent, signature }`, e.g. a `ConsentToken`), or an unsigned one (e.g. what
 *   {@link fhirToConsent} read from a Consent without a signature): then no signature extension is written
 * @param options - `patient`, `id`, `dateTime`
 * @returns a new FHIR Consent resource
 * @throws {@link @medseal/core!ConsentError} `CONSENT_MALFORMED` when the consent breaks the token rules
 * @throws {@link ConsentNotExpressibleError} `CONSENT_NOT_EXPRESSIBLE` (`PERIOD_OUT_OF_RANGE`) past the year 9999
 * @example
 * ```ts
 * import { createConsent, createConsentToken, createParty, createSaltedDomain } from '@medseal/core'
 * import { consentToFhir } from '@medseal/fhir'
 * const patient = createParty(), doctor = createParty()
 * const consent = createConsent({ grantor: patient, grantee: doctor, resourceTypes: ['Observation'],
 *   actions: ['read'], purposes: ['TREAT'], notBefore: 1_700_000_000, durationSeconds: 3600 })
 * const fhir = consentToFhir(createConsentToken(patient, createSaltedDomain('demo'), consent),
 *   { patient: { reference: 'Patient/123' } })
 * ```
 */
export function consentToFhir(
  signed: SignedConsent | { readonly consent: Consent; readonly signature?: Hex | undefined },
  options: ConsentToFhirOptions = {},
): FhirConsent {
  const c = checkConsent(signed?.consent)
  if (c.expiresAt - 1 > MAX_FHIR_SECONDS) {
    fail('PERIOD_OUT_OF_RANGE', 'Consent.provision.period.end', 'FHIR dateTimes end at the year 9999.')
  }
  const provision: ConsentProvision = {
    type: 'permit',
    period: { start: toInstant(c.notBefore), end: toInstant(c.expiresAt - 1) }, // FHIR Period.end is inclusive
    actor: [
      {
        role: { coding: [{ system: HL7.participationType, code: 'IRCP', display: 'information recipient' }] },
        reference: { identifier: { system: ADDRESS_SYSTEM, value: c.grantee } },
      },
    ],
    action: c.actions.map(
      (a): CodeableConcept => ({
        coding: [
          { system: CONSENT_ACTION_SYSTEM, code: a },
          { system: HL7.consentAction, code: HL7_ACTION[a] as string },
        ],
      }),
    ),
    purpose: c.purposes.map((p): Coding => ({ system: HL7.actReason, code: p })),
  }
  if (c.resourceTypes.length > 0) {
    provision.class = c.resourceTypes.map((t): Coding => ({ system: HL7.resourceTypes, code: t }))
  }
  if (c.commitments.length > 0) {
    provision.data = c.commitments.map((h) => ({
      meaning: 'instance' as const,
      reference: { identifier: { system: COMMITMENT_SYSTEM, value: h } },
    }))
  }
  if (c.exclude.length > 0) {
    provision.provision = [
      {
        type: 'deny',
        securityLabel: c.exclude.map(
          (code): Coding => ({ system: CONFIDENTIALITY.has(code) ? HL7.confidentiality : HL7.actCode, code }),
        ),
      },
    ]
  }
  const extension: Extension[] = []
  if (c.parent !== ZERO32) extension.push({ url: CONSENT_PARENT_EXTENSION, valueString: c.parent })
  if (c.delegationDepth !== 0) {
    extension.push({ url: CONSENT_DELEGATION_DEPTH_EXTENSION, valueUnsignedInt: c.delegationDepth })
  }
  if (typeof signed.signature === 'string') {
    extension.push({ url: CONSENT_SIGNATURE_EXTENSION, valueString: signed.signature })
  }
  const out: FhirConsent = {
    resourceType: 'Consent',
    ...(options.id === undefined ? {} : { id: options.id }),
    ...(extension.length > 0 ? { extension } : {}),
    identifier: [{ system: CONSENT_ID_SYSTEM, value: c.id }],
    status: 'active',
    scope: { coding: [{ system: HL7.consentScope, code: 'patient-privacy', display: 'Privacy Consent' }] },
    category: [{ coding: [{ system: HL7.loinc, code: '59284-0', display: 'Patient Consent' }] }],
    ...(options.patient === undefined ? {} : { patient: options.patient }),
    dateTime: options.dateTime ?? toInstant(c.notBefore),
    performer: [{ identifier: { system: ADDRESS_SYSTEM, value: c.grantor } }],
    policyRule: { coding: [{ system: HL7.actCode, code: 'OPTIN' }] },
    provision,
  }
  return out
}

/** Re-checks a consent against the token rules (createConsent with every field given). */
function checkConsent(c: Consent): Consent {
  return createConsent({
    id: c?.id,
    grantor: c?.grantor,
    grantee: c?.grantee,
    parentKey: c?.parent,
    resourceTypes: c?.resourceTypes,
    commitments: c?.commitments,
    exclude: c?.exclude,
    actions: c?.actions,
    purposes: c?.purposes,
    notBefore: c?.notBefore,
    expiresAt: c?.expiresAt,
    delegationDepth: c?.delegationDepth,
  } as Parameters<typeof createConsent>[0])
}

const fail = (reason: ConsentNotExpressibleReason, element: string, message: string, cause?: unknown): never => {
  throw new ConsentNotExpressibleError(reason, element, message, cause)
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const codings = (cc: unknown): Coding[] =>
  isObj(cc) && Array.isArray(cc.coding) ? (cc.coding as unknown[]).filter(isObj) : []
const has = (cc: unknown, system: string, code: string) =>
  codings(cc).some((c) => c.system === system && c.code === code)

/** Milliseconds of a UTC date-time; unlike `Date.UTC`, years 0–99 are not moved to the 1900s. */
function utc(year: number, monthIndex: number, day: number, h = 0, min = 0, sec = 0): number {
  const d = new Date(0)
  d.setUTCFullYear(year, monthIndex, day)
  d.setUTCHours(h, min, sec, 0)
  return d.getTime()
}

const DATE_TIME = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2}))?)?)?$/

/**
 * A FHIR dateTime at any precision → Unix seconds: the first whole second at or after its earliest instant
 * (`edge` `start`), or the whole second at or before the instant just after the end of its precision (`edge`
 * `end`, FHIR's inclusive end → the token's exclusive one). Dates without a time are UTC. Undefined when it is
 * not a FHIR dateTime.
 */
function parseDateTime(value: unknown, edge: 'start' | 'end'): number | undefined {
  if (typeof value !== 'string') return undefined
  const m = DATE_TIME.exec(value)
  if (!m) return undefined
  const [, y, mo, d, hh, mi, ss, frac, zone] = m
  const year = Number(y)
  const month = mo === undefined ? 1 : Number(mo)
  const day = d === undefined ? 1 : Number(d)
  const [h, min, sec] = [Number(hh ?? 0), Number(mi ?? 0), Number(ss ?? 0)]
  if (month < 1 || month > 12 || day < 1 || day > 31 || h > 23 || min > 59 || sec > 59) return undefined
  const ms = utc(year, month - 1, day, h, min, sec)
  const check = new Date(ms)
  if (year < 1 || check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return undefined
  let seconds = ms / 1000
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1
    const [zh, zm] = [Number(zone.slice(1, 3)), Number(zone.slice(4, 6))]
    if (zh > 14 || zm > 59) return undefined
    seconds -= sign * (zh * 3600 + zm * 60)
  }
  const fraction = frac ?? ''
  if (edge === 'start') return seconds + (/[1-9]/.test(fraction) ? 1 : 0)
  // end: the instant just after the end of the stated precision
  if (hh !== undefined) return seconds + (fraction === '' || /^9+$/.test(fraction) ? 1 : 0)
  const next =
    d !== undefined ? utc(year, month - 1, day + 1) : mo !== undefined ? utc(year, month, 1) : utc(year + 1, 0, 1)
  return next / 1000
}

/** Version label of the derived token id of a Consent without a medseal consent id. */
const DERIVED_ID_LABEL = 'medseal:fhir-consent-id:v1\n'

/** The token id derived from a Consent's business identifier or logical id (see the module comment). */
function deriveConsentId(r: Record<string, unknown>): Hex | undefined {
  const business = (Array.isArray(r.identifier) ? r.identifier : []).find(
    (i) => isObj(i) && typeof i.system === 'string' && typeof i.value === 'string' && i.system !== '' && i.value !== '',
  ) as Record<string, string> | undefined
  let key: string | undefined
  if (business) key = `identifier|${business.system}|${business.value}`
  else if (typeof r.id === 'string' && r.id !== '') key = `Consent/${r.id}`
  if (key === undefined) return undefined
  return bytesToHex0x(keccak_256(utf8ToBytes(DERIVED_ID_LABEL + key)))
}

const KNOWN_CONSENT = new Set([
  'resourceType',
  'id',
  'meta',
  'implicitRules',
  'language',
  'text',
  'contained',
  'extension',
  'modifierExtension',
  'identifier',
  'status',
  'scope',
  'category',
  'patient',
  'dateTime',
  'performer',
  'organization',
  'sourceAttachment',
  'sourceReference',
  'policy',
  'policyRule',
  'verification',
  'provision',
])
const KNOWN_PROVISION = new Set(['type', 'period', 'actor', 'action', 'purpose', 'class', 'data', 'provision'])

/**
 * Maps a FHIR R4 `Consent` back to a consent token (and its signature when the Consent carries one). The Consent
 * must say no more and no less than a token can: anything else is refused with {@link ConsentNotExpressibleError}
 * and a {@link ConsentNotExpressibleReason}. For a Consent made by {@link consentToFhir}, the result equals the
 * original token.
 *
 * A Consent from elsewhere maps when it is active, patient-privacy, OPTIN (or no policyRule), has a `permit`
 * provision with a period to the second, a grantor (`performer`) and one grantee (`provision.actor`) named by an
 * address identifier, purposes of use, actions (`access` → read/vread/search, `correct` → write), a scope
 * (`class` resource types and/or `data` commitments) and at most one nested `deny` provision of security labels.
 *
 * @param resource - the FHIR Consent (untrusted)
 * @param options - `domain`: check the carried signature against this ledger domain
 * @returns `{ consent, signature }`
 * @throws {@link ConsentNotExpressibleError} `CONSENT_NOT_EXPRESSIBLE` with a `reason`
 * @throws {@link @medseal/core!ConsentError} `CONSENT_SIGNATURE_INVALID` when `domain` is given and the signature does not verify
 * @example
 * ```ts
 * import { consentToFhir, fhirToConsent } from '@medseal/fhir'
 * const { consent, signature } = fhirToConsent(consentToFhir(token))
 * ```
 */
export function fhirToConsent(resource: unknown, options: FhirToConsentOptions = {}): FhirToConsentReturnType {
  if (!isObj(resource) || resource.resourceType !== 'Consent') {
    return fail('NOT_A_CONSENT', 'Consent', 'The resource is not a FHIR Consent.')
  }
  const r = resource as Record<string, unknown>
  for (const key of Object.keys(r)) {
    if (!KNOWN_CONSENT.has(key) && !key.startsWith('_')) {
      fail('ELEMENT_NOT_EXPRESSIBLE', `Consent.${key.slice(0, 40)}`, 'The Consent has an element a token cannot hold.')
    }
  }
  if (Array.isArray(r.modifierExtension) && r.modifierExtension.length > 0) {
    fail('ELEMENT_NOT_EXPRESSIBLE', 'Consent.modifierExtension', 'A modifier extension may change the meaning.')
  }
  if (r.status !== 'active') fail('STATUS_NOT_ACTIVE', 'Consent.status', 'Only an active Consent is a grant.')
  if (!has(r.scope, HL7.consentScope, 'patient-privacy')) {
    fail('SCOPE_NOT_PRIVACY', 'Consent.scope', 'Only a patient-privacy Consent can be a token.')
  }
  if (r.policyRule !== undefined && !has(r.policyRule, HL7.actCode, 'OPTIN')) {
    fail('POLICY_NOT_OPTIN', 'Consent.policyRule', 'Only an opt-in policy (deny unless permitted) maps to a token.')
  }
  const p = r.provision
  if (!isObj(p)) return fail('PROVISION_MISSING', 'Consent.provision', 'The Consent has no provision.')
  for (const key of Object.keys(p)) {
    if (!KNOWN_PROVISION.has(key) && key !== 'id' && key !== 'extension' && !key.startsWith('_')) {
      fail(
        'ELEMENT_NOT_EXPRESSIBLE',
        `Consent.provision.${key.slice(0, 40)}`,
        'The provision has an element a token cannot hold.',
      )
    }
  }
  if (p.type !== undefined && p.type !== 'permit') {
    fail('PROVISION_NOT_PERMIT', 'Consent.provision.type', 'The root provision must permit.')
  }
  // period
  const period = p.period
  if (!isObj(period) || period.start === undefined || period.end === undefined) {
    fail('PERIOD_MISSING', 'Consent.provision.period', 'A token needs a validity window with a start and an end.')
  }
  const start = parseDateTime((period as Record<string, unknown>).start, 'start')
  const expiresAt = parseDateTime((period as Record<string, unknown>).end, 'end')
  if (start === undefined || expiresAt === undefined) {
    fail('PERIOD_IMPRECISE', 'Consent.provision.period', 'The period start and end must be FHIR dateTimes.')
  }
  if ((expiresAt as number) <= 0 || (expiresAt as number) > MAX_FHIR_SECONDS + 1) {
    fail('PERIOD_OUT_OF_RANGE', 'Consent.provision.period.end', 'The period must end after 1970 and before 10000.')
  }
  // No ledger time precedes 1970: a start before it grants exactly what a start at 0 grants.
  const notBefore = Math.max(0, start as number)
  // id
  const ids = Array.isArray(r.identifier) ? r.identifier.filter((i) => isObj(i) && i.system === CONSENT_ID_SYSTEM) : []
  if (ids.length > 1) fail('ID_MISSING', 'Consent.identifier', 'The Consent carries more than one medseal consent id.')
  const id = ids.length === 1 ? (ids[0] as Record<string, unknown>).value : deriveConsentId(r)
  if (id === undefined) {
    fail('ID_MISSING', 'Consent.identifier', 'The Consent has no medseal id, business identifier or logical id.')
  }
  const resolve = options.resolveParty
  // grantor
  const grantor = singleAddress(r.performer, 'GRANTOR_MISSING', 'Consent.performer', (x) => x, resolve)
  // grantee
  const actors = Array.isArray(p.actor) ? p.actor : []
  if (actors.length === 0) fail('GRANTEE_MISSING', 'Consent.provision.actor', 'The provision names no grantee.')
  if (actors.length > 1) {
    fail('ACTOR_NOT_EXPRESSIBLE', 'Consent.provision.actor', 'A token has exactly one grantee.')
  }
  const role = isObj(actors[0]) ? actors[0].role : undefined
  if (!has(role, HL7.participationType, 'IRCP') && !has(role, HL7.participationType, 'PRCP')) {
    fail(
      'ACTOR_NOT_EXPRESSIBLE',
      'Consent.provision.actor.role',
      'The actor is not a recipient (IRCP/PRCP): it would restrict whose data, which a token cannot.',
    )
  }
  const grantee = singleAddress(
    actors,
    'ACTOR_NOT_EXPRESSIBLE',
    'Consent.provision.actor',
    (a) => (isObj(a) ? a.reference : undefined),
    resolve,
  )
  // actions
  const actionList = Array.isArray(p.action) ? p.action : []
  if (actionList.length === 0) fail('ACTION_MISSING', 'Consent.provision.action', 'The provision lists no action.')
  const actions: string[] = []
  for (const cc of actionList) {
    const own = codings(cc).filter((c) => c.system === CONSENT_ACTION_SYSTEM)
    if (own.length > 0) {
      for (const c of own) actions.push(c.code as string)
      continue
    }
    const hl7 = codings(cc).filter((c) => c.system === HL7.consentAction)
    const known = (c: Coding) => typeof c.code === 'string' && Object.hasOwn(FROM_HL7_ACTION, c.code)
    const mapped = hl7.flatMap((c) => (known(c) ? (FROM_HL7_ACTION[c.code as string] ?? []) : []))
    if (hl7.length === 0 || mapped.length === 0 || hl7.some((c) => !known(c))) {
      fail('ACTION_NOT_EXPRESSIBLE', 'Consent.provision.action', 'An action has no medseal equivalent.')
    }
    actions.push(...mapped)
  }
  // purposes
  const purposeList = Array.isArray(p.purpose) ? p.purpose : []
  if (purposeList.length === 0) fail('PURPOSE_MISSING', 'Consent.provision.purpose', 'The provision lists no purpose.')
  const purposes = purposeList.map((c) => {
    if (!isObj(c) || c.system !== HL7.actReason || !isPurposeOfUse(c.code)) {
      return fail('PURPOSE_UNKNOWN', 'Consent.provision.purpose', 'Purposes must be v3-ActReason PurposeOfUse codes.')
    }
    return c.code as string
  })
  // scope
  const resourceTypes = (Array.isArray(p.class) ? p.class : []).map((c) => {
    if (!isObj(c) || c.system !== HL7.resourceTypes || typeof c.code !== 'string') {
      return fail('CLASS_NOT_RESOURCE_TYPE', 'Consent.provision.class', 'Classes must be FHIR resource types.')
    }
    return c.code
  })
  const commitments = (Array.isArray(p.data) ? p.data : []).map((d) => {
    const ident = isObj(d) && isObj(d.reference) ? d.reference.identifier : undefined
    if (!isObj(d) || d.meaning !== 'instance' || !isObj(ident) || ident.system !== COMMITMENT_SYSTEM) {
      return fail(
        'DATA_NOT_EXPRESSIBLE',
        'Consent.provision.data',
        'Data must name records by commitment (meaning instance).',
      )
    }
    return ident.value as Hex
  })
  // exclusions
  const nested = Array.isArray(p.provision) ? p.provision : []
  if (nested.length > 1) fail('NESTED_PROVISION', 'Consent.provision.provision', 'At most one nested provision.')
  const exclude: string[] = []
  if (nested.length === 1) {
    const n = nested[0]
    const keys = isObj(n) ? Object.keys(n).filter((k) => k !== 'id') : []
    if (!isObj(n) || n.type !== 'deny' || keys.some((k) => k !== 'type' && k !== 'securityLabel')) {
      fail(
        'NESTED_PROVISION',
        'Consent.provision.provision',
        'A nested provision must be a deny of security labels only.',
      )
    }
    const labels = Array.isArray((n as Record<string, unknown>).securityLabel)
      ? ((n as Record<string, unknown>).securityLabel as unknown[])
      : []
    if (labels.length === 0) {
      fail('NESTED_PROVISION', 'Consent.provision.provision', 'The nested deny lists no security label.')
    }
    for (const l of labels) {
      if (!isObj(l) || typeof l.code !== 'string') {
        fail('NESTED_PROVISION', 'Consent.provision.provision.securityLabel', 'A security label has no code.')
      }
      exclude.push((l as Record<string, unknown>).code as string)
    }
  }
  // extensions
  const ext = Array.isArray(r.extension) ? r.extension.filter(isObj) : []
  const extValue = (url: string, key: string): unknown => ext.find((e) => e.url === url)?.[key]
  const parent = extValue(CONSENT_PARENT_EXTENSION, 'valueString')
  const depth = extValue(CONSENT_DELEGATION_DEPTH_EXTENSION, 'valueUnsignedInt')
  const signature = extValue(CONSENT_SIGNATURE_EXTENSION, 'valueString')
  if (signature !== undefined && (typeof signature !== 'string' || !/^0x[0-9a-fA-F]{130}$/.test(signature))) {
    fail('SIGNATURE_MALFORMED', 'Consent.extension', 'The consent signature must be 65 bytes of 0x hex.')
  }
  let consent: Consent
  try {
    consent = createConsent({
      id: id as Hex,
      grantor,
      grantee,
      parentKey: (parent ?? ZERO32) as Hex,
      resourceTypes,
      commitments,
      exclude,
      actions: actions as Consent['actions'],
      purposes,
      notBefore,
      expiresAt: expiresAt as number,
      delegationDepth: (depth ?? 0) as number,
    })
  } catch (error) {
    if (isSdkError(error)) {
      return fail('TOKEN_RULES', 'Consent', 'The Consent breaks a consent-token rule.', error)
    }
    throw error
  }
  if (signature !== undefined && options.domain !== undefined) {
    verifySignedConsent(options.domain, { consent, signature: signature as Hex })
  }
  return Object.freeze({ consent, signature: signature as Hex | undefined })
}

function singleAddress(
  list: unknown,
  reason: ConsentNotExpressibleReason,
  element: string,
  pick: (x: unknown) => unknown,
  resolve: FhirToConsentOptions['resolveParty'],
): Address {
  const refs = Array.isArray(list) ? list.map(pick) : []
  if (refs.length === 0) return fail(reason, element, 'The party is missing.')
  if (refs.length > 1) return fail(reason, element, 'A token names exactly one party here.')
  const ref = refs[0]
  const ident = isObj(ref) ? ref.identifier : undefined
  if (isObj(ident) && ident.system === ADDRESS_SYSTEM && typeof ident.value === 'string') return ident.value as Address
  if (isObj(ref) && typeof ref.reference === 'string' && resolve !== undefined) {
    const address = resolve(ref.reference)
    if (address !== undefined) {
      if (!isAddress(address)) return fail(reason, element, 'resolveParty returned something that is not an address.')
      return address
    }
  }
  return fail(reason, element, 'The party must be named by an address identifier (or a reference resolveParty knows).')
}
