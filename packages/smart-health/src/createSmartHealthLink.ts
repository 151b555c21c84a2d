/**
 * The patient's side of a SMART Health Link: a consent for the link (its grantee a fresh address that stands for
 * "whoever holds this link"), the files encrypted under a fresh key, the registration sent to the link server, and
 * the `shlink:/` text to show as a QR code or send.
 * @module
 */
import {
  bytesToBase64url,
  bytesToHex0x,
  type Consent,
  createParty,
  encodeConsentToken,
  grantConsent,
  type Hex,
  InvalidArgumentError,
  type LedgerAdapter,
  type Party,
  randomBytes,
} from '@medseal/core'
import { SmartHealthError } from './errors.js'
import { encryptShlFile } from './shlFileJwe.js'
import { encodeShlink, type ShlinkPayload } from './shlink.js'

/** One file to share: its text, its content type, and the sealed record it comes from. */
export type SmartHealthLinkFile = {
  /** `application/smart-health-card`, `application/fhir+json` or `application/smart-api-access`. */
  readonly contentType: string
  readonly content: string
  /** The record's commitment (the consent is scoped to it). */
  readonly commitment: Hex | Uint8Array
  readonly resourceType: string
}

/** What {@link createSmartHealthLink} needs. */
export type CreateSmartHealthLinkDeps = {
  readonly ledger: LedgerAdapter
  /** Sends the registration (`POST <serviceUrl>/v1/shl`). */
  readonly fetch: (url: string, init: RequestInit) => Promise<Response>
}

/** Parameters of {@link createSmartHealthLink}. */
export type CreateSmartHealthLinkParameters = {
  /** The patient: signs the consent. */
  readonly patient: Party
  /** The link server's base URL (the custodian service), e.g. `https://custodian.example/api`. */
  readonly serviceUrl: string
  readonly files: readonly SmartHealthLinkFile[]
  /** How long the link (and its consent) lasts, seconds. */
  readonly durationSeconds: number
  /** A passcode the recipient must give (sets flag `P`). */
  readonly passcode?: string
  /** Wrong passcodes allowed before the server disables the link. */
  readonly maxAttempts?: number
  /** Shown to the recipient, at most 80 characters. */
  readonly label?: string
  /** A viewer URL to put before `#shlink:/`. */
  readonly viewer?: string
  /** Host clock, Unix milliseconds (for the consent). */
  readonly now?: () => number
}

/** What {@link createSmartHealthLink} returns. */
export type CreateSmartHealthLinkReturnType = {
  /** The link text (show it as a QR code, or send it). */
  readonly shlink: string
  readonly payload: ShlinkPayload
  /** The consent behind the link: revoke it (`revokeConsent`) to revoke the link. */
  readonly consent: Consent
}

/** Everything {@link createSmartHealthLink} can throw. */
export type CreateSmartHealthLinkErrorType = InvalidArgumentError | SmartHealthError

/**
 * Creates a SMART Health Link backed by a medseal consent and registers it with the link server.
 *
 * @param deps - `ledger` (the consent is granted there), `fetch`
 * @param params - the patient, the server, the files, the duration, optional passcode and label
 * @returns the `shlink:/` text, its payload, and the consent (revoke it to revoke the link)
 * @throws {@link SmartHealthError} `SHL_FETCH_FAILED` when the server refuses the registration;
 *   {@link @medseal/core!InvalidArgumentError} for bad parameters; the consent's errors
 * @example
 * ```ts
 * import { createSmartHealthLink, encodeHealthCardFile } from '@medseal/smart-health'
 * const { shlink, consent } = await createSmartHealthLink({ ledger, fetch }, {
 *   patient, serviceUrl: 'https://custodian.example', durationSeconds: 86_400, passcode: '1234', label: 'Vaccines',
 *   files: [{ contentType: 'application/smart-health-card', content: encodeHealthCardFile([jws]), commitment, resourceType: 'Immunization' }],
 * })
 * ```
 */
export async function createSmartHealthLink(
  deps: CreateSmartHealthLinkDeps,
  params: CreateSmartHealthLinkParameters,
): Promise<CreateSmartHealthLinkReturnType> {
  const { patient, files, durationSeconds } = params
  if (!Array.isArray(files) || files.length === 0 || files.length > 100)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'files must list 1 to 100 files.')
  if (typeof params.serviceUrl !== 'string' || !/^https?:\/\/\S+$/.test(params.serviceUrl))
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'serviceUrl must be an http(s) URL.')
  const base = params.serviceUrl.replace(/\/+$/, '')
  const commitments = files.map((f) => (typeof f.commitment === 'string' ? f.commitment : bytesToHex0x(f.commitment)))
  const linkParty = createParty() // stands for the link's holder; its key is not kept
  const { token } = await grantConsent(deps.ledger, {
    party: patient,
    grantee: linkParty,
    commitments,
    actions: ['read'],
    purposes: ['PATRQT'],
    durationSeconds,
    ...(params.now ? { now: params.now } : {}),
  })
  const key = randomBytes(32)
  const id = bytesToBase64url(randomBytes(32)) // SMART Health Links: the manifest URL carries ≥256 bits of entropy
  const registration = {
    id,
    token: encodeConsentToken(token),
    files: await Promise.all(
      files.map(async (f, i) => ({
        contentType: f.contentType,
        jwe: await encryptShlFile(key, { contentType: f.contentType, content: f.content }),
        commitment: commitments[i],
        resourceType: f.resourceType,
      })),
    ),
    ...(params.passcode === undefined ? {} : { passcode: params.passcode }),
    ...(params.maxAttempts === undefined ? {} : { maxAttempts: params.maxAttempts }),
  }
  let res: Response
  try {
    res = await deps.fetch(`${base}/v1/shl`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(registration),
    })
  } catch (cause) {
    throw new SmartHealthError('SHL_FETCH_FAILED', 'The link server could not be reached.', { cause })
  }
  if (res.status !== 201)
    throw new SmartHealthError('SHL_FETCH_FAILED', `The link server refused the link (HTTP ${res.status}).`)
  const payload: ShlinkPayload = {
    url: `${base}/v1/shl/${id}/manifest`,
    key: bytesToBase64url(key),
    exp: token.consent.expiresAt,
    ...(params.passcode === undefined ? {} : { flag: 'P' }),
    ...(params.label === undefined ? {} : { label: params.label }),
    v: 1,
  }
  const shlink = encodeShlink(payload, params.viewer ? { viewer: params.viewer } : {})
  return Object.freeze({ shlink, payload, consent: token.consent })
}
