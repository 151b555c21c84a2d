/**
 * Issuing a SMART Health Card: the JWS payload (`iss`, `nbf`, optional `exp`, `vc` with the minimized FHIR Bundle
 * and optional `rid`), minified JSON, raw DEFLATE, ES256, compact serialization with header
 * `{"zip":"DEF","alg":"ES256","kid":…}` (SMART Health Cards §Protocol Details).
 * @module
 */
import { bytesToBase64url, deflateBytes, InvalidArgumentError, utf8ToBytes } from '@medseal/core'
import type { ShcIssuer } from './createShcIssuer.js'
import { type FhirResourceJson, minimizeBundle } from './minimizeBundle.js'

/** The card type every card carries (`vc.type[0]`). */
export const HEALTH_CARD_TYPE = 'https://smarthealth.cards#health-card'

/** A card's JWS payload. */
export type HealthCardPayload = {
  readonly iss: string
  readonly nbf: number
  readonly exp?: number
  readonly vc: {
    readonly type: readonly string[]
    readonly credentialSubject: { readonly fhirVersion: string; readonly fhirBundle: FhirResourceJson }
    readonly rid?: string
  }
}

/** Parameters of {@link issueHealthCard}. */
export type IssueHealthCardParameters = {
  /** The resources (a Patient first) or a Bundle; minimized with {@link minimizeBundle} unless `minimized`. */
  readonly resources: FhirResourceJson | readonly FhirResourceJson[]
  /** Further `vc.type` URIs, e.g. `https://smarthealth.cards#immunization`. */
  readonly types?: readonly string[]
  /** Issued-at, Unix seconds. Default: now. */
  readonly nbf?: number
  /** Expiry, Unix seconds. Default: none (most immunization cards). */
  readonly exp?: number
  /** The revocation id (`vc.rid`), e.g. from {@link computeRevocationId}: base64url, at most 24 characters. */
  readonly rid?: string
}

/** What {@link issueHealthCard} returns. */
export type IssueHealthCardReturnType = {
  /** The compact JWS: the card. */
  readonly jws: string
  /** What was signed. */
  readonly payload: HealthCardPayload
}

/** Everything {@link issueHealthCard} can throw. */
export type IssueHealthCardErrorType = InvalidArgumentError

const RID = /^[A-Za-z0-9_-]{1,24}$/

/**
 * Issues a SMART Health Card.
 *
 * @param issuer - from {@link createShcIssuer}
 * @param params - the resources, `types`, `nbf`, `exp`, `rid`
 * @returns `{ jws, payload }`
 * @throws {@link @medseal/core!InvalidArgumentError} for bad resources, times or `rid`
 * @example
 * ```ts
 * import { createShcIssuer, issueHealthCard } from '@medseal/smart-health'
 * const issuer = await createShcIssuer({ iss: 'https://hospital.example/shc' })
 * const { jws } = await issueHealthCard(issuer, {
 *   resources: [patient, immunization],
 *   types: ['https://smarthealth.cards#immunization'],
 * })
 * ```
 */
export async function issueHealthCard(
  issuer: ShcIssuer,
  params: IssueHealthCardParameters,
): Promise<IssueHealthCardReturnType> {
  const { types = [], exp, rid } = params
  const nbf = params.nbf ?? Math.floor(Date.now() / 1000)
  if (!Number.isFinite(nbf) || nbf < 0) throw new InvalidArgumentError('OUT_OF_RANGE', 'nbf must be Unix seconds.')
  if (exp !== undefined && (!Number.isFinite(exp) || exp <= nbf))
    throw new InvalidArgumentError('OUT_OF_RANGE', 'exp must be Unix seconds after nbf.')
  if (rid !== undefined && (typeof rid !== 'string' || !RID.test(rid)))
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'rid must be 1 to 24 base64url characters.')
  if (!Array.isArray(types) || types.some((t) => typeof t !== 'string' || !/^https?:\/\/\S+$/.test(t)))
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'types must be URIs.')
  const fhirBundle = minimizeBundle(params.resources)
  const payload: HealthCardPayload = {
    iss: issuer.iss,
    nbf,
    ...(exp === undefined ? {} : { exp }),
    vc: {
      type: [HEALTH_CARD_TYPE, ...types.filter((t) => t !== HEALTH_CARD_TYPE)],
      credentialSubject: { fhirVersion: '4.0.1', fhirBundle },
      ...(rid === undefined ? {} : { rid }),
    },
  }
  const header = { zip: 'DEF', alg: 'ES256', kid: issuer.kid }
  const signingInput = `${bytesToBase64url(utf8ToBytes(JSON.stringify(header)))}.${bytesToBase64url(
    await deflateBytes({ bytes: utf8ToBytes(JSON.stringify(payload)), format: 'deflate-raw' }),
  )}`
  const signature = await issuer.sign(utf8ToBytes(signingInput))
  return Object.freeze({ jws: `${signingInput}.${bytesToBase64url(signature)}`, payload })
}
