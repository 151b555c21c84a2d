/**
 * The patient's side of a SMART Health Link: a consent for the link (its grantee a fresh address that stands for
 * "whoever holds this link"), the files encrypted under a fresh key, the registration signed with that address's key
 * (made here, used once, never kept) and sent to the link server, and the `shlink:/` text to show as a QR code or
 * send.
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
import { problemBody, problemDetail } from './_problemDetail.js'
import { SmartHealthError } from './errors.js'
import { hashShlPasscode } from './hashShlPasscode.js'
import { normalizeShlServiceUrl } from './normalizeShlServiceUrl.js'
import { encryptShlFile } from './shlFileJwe.js'
import { encodeShlink, type ShlinkPayload } from './shlink.js'
import { signShlRegistration } from './signShlRegistration.js'

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
  /**
   * The link server's public base URL (the custodian service), e.g. `https://custodian.example/api`: https, or http on
   * a loopback address. The registration is signed for it, so it must be the URL the server is configured with.
   */
  readonly serviceUrl: string
  readonly files: readonly SmartHealthLinkFile[]
  /** How long the link (and its consent) lasts, seconds. */
  readonly durationSeconds: number
  /**
   * A passcode the recipient must give (sets flag `P`), 1 to 256 characters. It never leaves this device: the server
   * gets its PBKDF2 hash (`hashShlPasscode`).
   */
  readonly passcode?: string
  /**
   * PBKDF2-SHA-256 iterations of the passcode's hash: at least the server's minimum (its `passcodeIterations`), at most
   * 1,000,000. Default 210,000.
   */
  readonly passcodeIterations?: number
  /** Wrong passcodes allowed before the server disables the link. */
  readonly maxAttempts?: number
  /** Shown to the recipient, at most 80 characters. */
  readonly label?: string
  /** A viewer URL to put before `#shlink:/`. */
  readonly viewer?: string
  /** Host clock, Unix milliseconds (for the consent and the registration's time). */
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
 * The error of a refused registration: the server's code when it is one of the registration refusals, its `detail`
 * as the error's details (never with a secret of the link in it).
 */
function refusal(body: Record<string, unknown>, status: number, secrets: readonly string[]): SmartHealthError {
  const code = body.code
  const message = `The link server refused the link (HTTP ${status}${typeof code === 'string' ? `, ${code}` : ''}).`
  const detail = problemDetail(body, secrets)
  const details = detail === undefined ? {} : { details: detail }
  switch (code) {
    case 'SHL_ID_TAKEN':
      return new SmartHealthError('SHL_ID_TAKEN', message, details)
    case 'SHL_REGISTRATION_UNAUTHORIZED':
      return new SmartHealthError('SHL_REGISTRATION_UNAUTHORIZED', message, details)
    case 'SHL_REGISTRATION_STALE':
      return new SmartHealthError('SHL_REGISTRATION_STALE', message, details)
    case 'SHL_REGISTRATION_WRONG_SERVICE':
      return new SmartHealthError('SHL_REGISTRATION_WRONG_SERVICE', message, details)
    default:
      return new SmartHealthError('SHL_FETCH_FAILED', message, details)
  }
}

/**
 * Creates a SMART Health Link backed by a medseal consent and registers it with the link server. The consent's grantee
 * is a key made for the link: it signs the registration (link id, consent, server, files, time) and is dropped, so
 * the server accepts this link from this call only, and no other link under the consent from anyone.
 *
 * @param deps - `ledger` (the consent is granted there), `fetch`
 * @param params - the patient, the server, the files, the duration, optional passcode and label
 * @returns the `shlink:/` text, its payload, and the consent (revoke it to revoke the link)
 * @throws {@link SmartHealthError} `SHL_REGISTRATION_WRONG_SERVICE` when the server is configured with another public
 *   URL, `SHL_REGISTRATION_STALE` when the clocks differ too much, `SHL_REGISTRATION_UNAUTHORIZED` or `SHL_ID_TAKEN`
 *   as the server answers; `SHL_FETCH_FAILED` when the server cannot be reached or refuses otherwise;
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
  const base = normalizeShlServiceUrl(params.serviceUrl, { name: 'serviceUrl' })
  if (
    params.passcode !== undefined &&
    (typeof params.passcode !== 'string' || params.passcode.length < 1 || params.passcode.length > 256)
  )
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'passcode must be 1 to 256 characters.')
  const iterations = params.passcodeIterations
  if (iterations !== undefined && (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > 1_000_000))
    throw new InvalidArgumentError('OUT_OF_RANGE', 'passcodeIterations must be 1 to 1,000,000.')
  const commitments = files.map((f) => (typeof f.commitment === 'string' ? f.commitment : bytesToHex0x(f.commitment)))
  const linkParty = createParty() // stands for the link's holder; its key signs the registration below and is not kept
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
  const encrypted = await Promise.all(
    files.map(async (f, i) => ({
      contentType: f.contentType,
      jwe: await encryptShlFile(key, { contentType: f.contentType, content: f.content }),
      commitment: commitments[i] as Hex,
      resourceType: f.resourceType,
    })),
  )
  const issuedAt = Math.floor((params.now ?? Date.now)() / 1000)
  const passcodeIterations = params.passcode === undefined ? 0 : (params.passcodeIterations ?? 210_000)
  const passcodeHash =
    params.passcode === undefined
      ? (`0x${'00'.repeat(32)}` as Hex)
      : await hashShlPasscode({ id, passcode: params.passcode, iterations: passcodeIterations })
  const registration = {
    id,
    token: encodeConsentToken(token),
    files: encrypted,
    service: base,
    issuedAt,
    signature: await signShlRegistration(linkParty, deps.ledger.domain, {
      id,
      consentId: token.consent.id,
      grantor: token.consent.grantor,
      service: base,
      files: encrypted,
      passcodeHash,
      passcodeIterations,
      maxAttempts: params.maxAttempts ?? 0,
      issuedAt,
    }),
    ...(params.passcode === undefined ? {} : { passcodeHash, passcodeIterations }),
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
    throw refusal(await problemBody(res), res.status, [params.passcode ?? '', bytesToBase64url(key)])
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
