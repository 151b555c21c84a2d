/**
 * The break-glass review routes: signed review requests (see reviewRequest.ts), checked for freshness against ledger
 * time, for this custodian, and for who may ask (privacy officers: anything; a patient: their own list).
 * @module
 */
import { type Address, type BreakGlass, ConsentError, type LedgerAdapter } from '@medseal/core'
import { isZeroAddress, type SignedReviewRequest, verifyReviewRequest } from './reviewRequest.js'

const MAX_PAST = 300
const MAX_FUTURE = 30
const denied = (m: string) => new ConsentError('ACCESS_DENIED', m)

/** @internal */
export async function answerReviewRequest(params: {
  readonly body: unknown
  readonly ledger: LedgerAdapter
  readonly breakGlass: BreakGlass
  readonly reviewers: ReadonlySet<string>
  readonly custodian: Address
  readonly limit: (identity: string) => void
  readonly mark: boolean
}): Promise<unknown> {
  const { request, signer } = verifyReviewRequest(params.ledger.domain, params.body as SignedReviewRequest)
  params.limit(signer)
  if (request.custodian.toLowerCase() !== params.custodian.toLowerCase())
    throw denied('The review request is for another custodian.')
  const at = await params.ledger.getTime()
  if (at - request.issuedAt > MAX_PAST) throw denied('The review request is stale: sign a new one.')
  if (request.issuedAt - at > MAX_FUTURE) throw denied('The review request is dated in the future.')
  const officer = params.reviewers.has(signer.toLowerCase())
  if (params.mark) {
    if (request.action !== 'mark') throw denied('This route marks reviews: the request must be a mark.')
    if (!officer) throw denied('Only a privacy officer marks break-glass accesses reviewed.')
    return { review: await params.breakGlass.markReviewed(request.reviewId, signer, request.note) }
  }
  if (request.action === 'mark') throw denied('This route lists reviews: the request must be a list.')
  const own = !isZeroAddress(request.patient) && request.patient.toLowerCase() === signer.toLowerCase()
  if (!officer && !own) throw denied('Only a privacy officer, or the patient for their own, lists break-glass reviews.')
  const filter = isZeroAddress(request.patient) ? undefined : { patient: request.patient }
  const reviews =
    request.action === 'pending'
      ? await params.breakGlass.listPendingReviews(filter)
      : await params.breakGlass.listReviews(filter)
  return { reviews }
}
