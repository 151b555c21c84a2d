/**
 * Signed requests for the break-glass reviews a service keeps: a privacy officer lists the accesses to review and
 * marks them reviewed; a patient lists the emergency accesses to their own records. EIP-712 under the ledger's domain,
 * naming the custodian they are for and the ledger time they were made at (a service refuses stale ones, and those
 * for another custodian). No sessions, no passwords: the signature is the authorization.
 * @module
 */
import {
  type Address,
  type Hex,
  InvalidArgumentError,
  isAddress,
  type LedgerDomain,
  type Party,
  type PublicIdentity,
  recoverTypedDataAddress,
  signTypedData,
} from '@medseal/core'

/** EIP-712 `types` of a review request. */
export const reviewRequestTypes = {
  ReviewRequest: [
    { name: 'action', type: 'string' },
    { name: 'reviewId', type: 'bytes32' },
    { name: 'patient', type: 'address' },
    { name: 'note', type: 'string' },
    { name: 'issuedAt', type: 'uint64' },
    { name: 'custodian', type: 'address' },
  ],
} as const

/** What a review request asks. */
export type ReviewRequest = {
  /** `pending`: accesses not yet reviewed; `list`: all; `mark`: mark `reviewId` reviewed with `note`. */
  readonly action: 'pending' | 'list' | 'mark'
  /** The review to mark (`0x00…00` for a list). */
  readonly reviewId: Hex
  /** Only this patient's reviews (`0x00…00`: every patient, privacy officers only). A patient names themself. */
  readonly patient: Address
  /** The reviewer's note (`mark`), else empty. Never PHI. */
  readonly note: string
  /** Ledger time the request was made at (Unix seconds). */
  readonly issuedAt: number
  /** The custodian the request is for. */
  readonly custodian: Address
}

/** A review request with its signature. */
export type SignedReviewRequest = { readonly request: ReviewRequest; readonly signature: Hex }

/** Parameters of {@link createReviewRequest}. */
export type CreateReviewRequestParameters = {
  readonly action: ReviewRequest['action']
  readonly reviewId?: Hex
  readonly patient?: Address
  readonly note?: string
  readonly issuedAt: number
  readonly custodian: Address | Pick<PublicIdentity, 'address'>
}

/** Errors of {@link createReviewRequest} and {@link verifyReviewRequest}. */
export type ReviewRequestErrorType = InvalidArgumentError

const ZERO32 = `0x${'00'.repeat(32)}` as Hex
const ZERO_ADDRESS = `0x${'00'.repeat(20)}` as Address
const bad = (m: string) => new InvalidArgumentError('INVALID_ARGUMENT', m)

function assertReviewRequest(v: unknown): ReviewRequest {
  if (typeof v !== 'object' || v === null) throw new InvalidArgumentError('INVALID_TYPE', 'request must be an object.')
  const r = v as Record<string, unknown>
  const names = reviewRequestTypes.ReviewRequest.map((f) => f.name) as readonly string[]
  for (const k of Object.keys(r)) if (!names.includes(k)) throw bad('The review request has an unknown field.')
  if (r.action !== 'pending' && r.action !== 'list' && r.action !== 'mark')
    throw bad("action must be 'pending', 'list' or 'mark'.")
  if (typeof r.reviewId !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(r.reviewId)) throw bad('reviewId must be 32 bytes.')
  if (!isAddress(r.patient)) throw bad('patient must be an address.')
  if (typeof r.note !== 'string' || r.note.length > 1024 || !r.note.isWellFormed())
    throw bad('note must be at most 1024 characters of text.')
  if (r.action === 'mark' && (r.reviewId === ZERO32 || r.note.trim() === ''))
    throw bad('A mark names the review and carries a note.')
  if (typeof r.issuedAt !== 'number' || !Number.isSafeInteger(r.issuedAt) || r.issuedAt < 0)
    throw bad('issuedAt must be Unix seconds.')
  if (!isAddress(r.custodian)) throw bad('custodian must be an address.')
  return Object.freeze({
    action: r.action,
    reviewId: (r.reviewId as string).toLowerCase() as Hex,
    patient: r.patient as Address,
    note: r.note,
    issuedAt: r.issuedAt,
    custodian: r.custodian as Address,
  })
}

const typed = (domain: LedgerDomain, message: ReviewRequest) => ({
  domain,
  types: reviewRequestTypes,
  primaryType: 'ReviewRequest',
  message,
})

/**
 * Signs a review request.
 *
 * @param party - the privacy officer (or the patient, for their own list)
 * @param domain - the ledger's EIP-712 domain
 * @param params - {@link CreateReviewRequestParameters}
 * @returns the signed request
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_ARGUMENT` for a malformed request
 * @example
 * ```ts
 * import { createReviewRequest } from '@medseal/service'
 * const signed = createReviewRequest(officer, ledger.domain, { action: 'pending', issuedAt: await ledger.getTime(), custodian: custodian.identity })
 * ```
 */
export function createReviewRequest(
  party: Party,
  domain: LedgerDomain,
  params: CreateReviewRequestParameters,
): SignedReviewRequest {
  if (typeof party?.signDigest !== 'function') throw new InvalidArgumentError('INVALID_TYPE', 'party must be a Party.')
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'createReviewRequest parameters must be an object.')
  const custodian = typeof params.custodian === 'object' ? params.custodian?.address : params.custodian
  const request = assertReviewRequest({
    action: params.action,
    reviewId: params.reviewId ?? ZERO32,
    patient: params.patient ?? ZERO_ADDRESS,
    note: params.note ?? '',
    issuedAt: params.issuedAt,
    custodian,
  })
  return Object.freeze({ request, signature: signTypedData(party, typed(domain, request)) })
}

/**
 * Checks a review request's form and recovers its signer.
 *
 * @param domain - the ledger's EIP-712 domain
 * @param signed - the signed request
 * @returns the request and its signer
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_ARGUMENT`, `INVALID_TYPE`, `INVALID_SIGNATURE`
 * @example
 * ```ts
 * import { verifyReviewRequest } from '@medseal/service'
 * const { signer } = verifyReviewRequest(ledger.domain, signed)
 * ```
 */
export function verifyReviewRequest(
  domain: LedgerDomain,
  signed: SignedReviewRequest,
): { readonly request: ReviewRequest; readonly signer: Address } {
  if (typeof signed !== 'object' || signed === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'signed request must be an object.')
  const request = assertReviewRequest(signed.request)
  if (typeof signed.signature !== 'string' || !/^0x[0-9a-fA-F]{130}$/.test(signed.signature))
    throw new InvalidArgumentError('INVALID_SIGNATURE', 'signature must be 65 bytes hex.')
  return { request, signer: recoverTypedDataAddress(typed(domain, request), signed.signature) }
}

/** @internal */
export const isZeroAddress = (a: string) => a.toLowerCase() === ZERO_ADDRESS
