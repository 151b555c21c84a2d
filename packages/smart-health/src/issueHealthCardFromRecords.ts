/**
 * Issuing a SMART Health Card from sealed records: the holder opens each record with their own key, only the
 * resources the card is for are kept and minimized (nothing else of the records leaves this function: the opened
 * plaintext is wiped), the card is signed, and each record's issuance is appended to the patient's access log before
 * the card is returned.
 * @module
 */
import {
  type AccessLogWriter,
  type Address,
  bytesToHex0x,
  type EnvelopeInput,
  type EnvelopeOpener,
  InvalidArgumentError,
  open,
  wipe,
} from '@medseal/core'
import type { ShcIssuer } from './createShcIssuer.js'
import { type IssueHealthCardReturnType, issueHealthCard } from './issueHealthCard.js'
import type { FhirResourceJson } from './minimizeBundle.js'

/** Parameters of {@link issueHealthCardFromRecords}. */
export type IssueHealthCardFromRecordsParameters = {
  /** The sealed records (a resource or a Bundle each); the Patient must be among them. */
  readonly envelopes: readonly EnvelopeInput[]
  /** Who opens them: a recipient of every envelope (the patient, or the issuer's custodian identity). */
  readonly holder: EnvelopeOpener & { readonly address: Address }
  /** The patient's access log: one event per record (`action: 'shc.issue'`). */
  readonly log: AccessLogWriter
  /** Resource types the card is for (the Patient is always kept), e.g. `['Immunization']`. */
  readonly resourceTypes: readonly string[]
  /** `vc.type` URIs beyond the health-card type. */
  readonly types?: readonly string[]
  readonly nbf?: number
  readonly exp?: number
  readonly rid?: string
  /** The actor written to the log. Default: the holder's address. */
  readonly actor?: Address
  /** The purpose written to the log. Default `PATRQT` (at the patient's request). */
  readonly purpose?: string
  /** The log's clock (and the default `nbf`), Unix seconds. Default: the host clock. */
  readonly now?: () => number
}

/** Everything {@link issueHealthCardFromRecords} can throw. */
export type IssueHealthCardFromRecordsErrorType = InvalidArgumentError | Error

function resourcesOf(value: unknown): FhirResourceJson[] {
  const v = value as { resourceType?: unknown; entry?: unknown }
  if (v?.resourceType === 'Bundle' && Array.isArray(v.entry))
    return (v.entry as { resource?: FhirResourceJson }[]).flatMap((e) => (e?.resource ? [e.resource] : []))
  if (typeof v?.resourceType === 'string') return [v as FhirResourceJson]
  throw new InvalidArgumentError('INVALID_ARGUMENT', 'A sealed record does not hold a FHIR resource.')
}

/**
 * Issues a card from sealed records and logs the issuance.
 *
 * @param issuer - from {@link createShcIssuer}
 * @param params - the envelopes, the holder, the log, the resource types to include, card options
 * @returns `{ jws, payload }` of {@link issueHealthCard}
 * @throws {@link @medseal/core!InvalidArgumentError} when no Patient or no resource of `resourceTypes` is in the records;
 *   `EnvelopeError` when the holder cannot open a record; the log's error when an event cannot be appended (no card
 *   is returned then)
 * @example
 * ```ts
 * import { createShcIssuer, issueHealthCardFromRecords } from '@medseal/smart-health'
 * const { jws } = await issueHealthCardFromRecords(issuer, {
 *   envelopes: [patientRecord.envelope, vaccine.envelope], holder: patient, log,
 *   resourceTypes: ['Immunization'], types: ['https://smarthealth.cards#immunization'],
 * })
 * ```
 */
export async function issueHealthCardFromRecords(
  issuer: ShcIssuer,
  params: IssueHealthCardFromRecordsParameters,
): Promise<IssueHealthCardReturnType> {
  const { envelopes, holder, log, resourceTypes } = params
  if (!Array.isArray(envelopes) || envelopes.length === 0)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'envelopes must be a non-empty list.')
  if (!Array.isArray(resourceTypes) || resourceTypes.length === 0 || resourceTypes.some((t) => typeof t !== 'string'))
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'resourceTypes must name the resource types of the card.')
  if (typeof log?.append !== 'function')
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'log must be an access log.')
  const keep = new Set(['Patient', ...resourceTypes])
  const picked: FhirResourceJson[] = []
  const commitments: `0x${string}`[] = []
  for (const envelope of envelopes) {
    const opened = await open(envelope, holder)
    try {
      const resources = resourcesOf(opened.value).filter((r) => keep.has(r.resourceType))
      if (resources.length > 0) commitments.push(bytesToHex0x(opened.commitment))
      picked.push(...resources)
    } finally {
      wipe(opened.canonical, opened.salt)
    }
  }
  const patients = picked.filter((r) => r.resourceType === 'Patient')
  if (patients.length !== 1)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'The records must hold exactly one Patient.')
  const others = picked.filter((r) => r.resourceType !== 'Patient')
  if (others.length === 0)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'The records hold no resource of the requested types.')
  const card = await issueHealthCard(issuer, {
    resources: [patients[0] as FhirResourceJson, ...others],
    ...(params.types ? { types: params.types } : {}),
    ...(params.nbf === undefined ? (params.now ? { nbf: params.now() } : {}) : { nbf: params.nbf }),
    ...(params.exp === undefined ? {} : { exp: params.exp }),
    ...(params.rid === undefined ? {} : { rid: params.rid }),
  })
  const at = Math.floor(params.now ? params.now() : Date.now() / 1000)
  for (const commitment of commitments) {
    await log.append({
      actor: params.actor ?? holder.address,
      action: 'shc.issue',
      commitment,
      at,
      purpose: params.purpose ?? 'PATRQT',
      outcome: 'permit',
      reason: `SMART Health Card ${issuer.kid.slice(0, 16)}`,
    })
  }
  return card
}
