/**
 * Where the break-glass service keeps its emergency grants and the privacy officer's review queue. Reviews are
 * required by law: a durable store must never lose one. {@link createMemoryBreakGlassStore} is the in-memory store
 * for unit tests.
 * @module
 */
import { InvalidArgumentError } from '../errors/base.js'
import type { Address, Hex } from '../types.js'
import type { BreakGlassReview, EmergencyGrant } from './createBreakGlass.js'

/** Which reviews {@link BreakGlassStore.listReviews} returns. */
export type BreakGlassReviewFilter = {
  /** Only this patient's. */
  readonly patient?: Address
  /** Only reviews with this status. */
  readonly status?: BreakGlassReview['status']
}

/**
 * Storage of a break-glass service. Every write is atomic and durable when it resolves; a rejected write stored
 * nothing. Ids are 32-byte hex, compared case-insensitively.
 */
export type BreakGlassStore = {
  /**
   * Stores an accepted grant together with its pending review, in one atomic step, unless a grant with this id exists
   * (then stores nothing and returns `false`: the request was already used). Instances over one database agree (a
   * unique key), so a request is accepted once across processes.
   */
  insertGrant(params: { readonly grant: EmergencyGrant; readonly review: BreakGlassReview }): Promise<boolean>
  /** A grant by id. */
  getGrant(id: Hex): Promise<EmergencyGrant | undefined>
  /** A review by id (the grant's id). */
  getReview(id: Hex): Promise<BreakGlassReview | undefined>
  /**
   * Replaces the review of `review.id`, which must exist (`INVALID_ARGUMENT` otherwise: a review is never created
   * without its grant). Atomic per call.
   */
  putReview(review: BreakGlassReview): Promise<void>
  /** Reviews, oldest grant first (insertion order), filtered. */
  listReviews(filter?: BreakGlassReviewFilter): Promise<readonly BreakGlassReview[]>
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()

/**
 * An in-memory {@link BreakGlassStore} (the default, for unit tests).
 *
 * @returns a frozen store
 * @example
 * ```ts
 * import { createBreakGlass, createMemoryBreakGlassStore } from '@medseal/core'
 * const emergency = createBreakGlass({ ledger, log, store: createMemoryBreakGlassStore() })
 * ```
 */
export function createMemoryBreakGlassStore(): BreakGlassStore {
  const grants = new Map<string, EmergencyGrant>()
  const reviews = new Map<string, BreakGlassReview>()
  const idOf = (id: unknown): string => {
    if (typeof id !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(id))
      throw new InvalidArgumentError('INVALID_ARGUMENT', 'A break-glass id is 32 bytes of 0x hex.')
    return id.toLowerCase()
  }
  return Object.freeze({
    async insertGrant({ grant, review }: { grant: EmergencyGrant; review: BreakGlassReview }) {
      const id = idOf(grant?.id)
      if (idOf(review?.id) !== id)
        throw new InvalidArgumentError('INVALID_ARGUMENT', 'A grant and its review share one id.')
      if (grants.has(id)) return false
      grants.set(id, grant)
      reviews.set(id, review)
      return true
    },
    async getGrant(id: Hex) {
      return grants.get(idOf(id))
    },
    async getReview(id: Hex) {
      return reviews.get(idOf(id))
    },
    async putReview(review: BreakGlassReview) {
      const id = idOf(review?.id)
      if (!reviews.has(id)) throw new InvalidArgumentError('INVALID_ARGUMENT', 'No break-glass access with this id.')
      reviews.set(id, review)
    },
    async listReviews(filter: BreakGlassReviewFilter = {}) {
      return Object.freeze(
        [...reviews.values()].filter(
          (r) =>
            (filter.status === undefined || r.status === filter.status) &&
            (filter.patient === undefined || same(filter.patient, r.grant.patient)),
        ),
      )
    },
  })
}
