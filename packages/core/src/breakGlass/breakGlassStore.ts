/**
 * Where the break-glass service keeps its emergency grants and the privacy officer's review queue. Reviews are
 * required by law: a durable store must never lose one. {@link createMemoryBreakGlassStore} is the in-memory store
 * for unit tests.
 * @module
 */
import type { AccessLogAppendResult, AccessLogLeaf, AccessLogStore } from '../accessLog/store.js'
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

/** What {@link BreakGlassStore.commitGrant} stores in one transaction: the grant, its review and its log entry. */
export type CommitGrantParameters = {
  readonly grant: EmergencyGrant
  readonly review: BreakGlassReview
  readonly log: { readonly store: AccessLogStore; readonly leaf: AccessLogLeaf }
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
  /**
   * Stores an accepted grant with its pending review AND appends the access's log entry (with its tree nodes, as
   * `AccessLogStore.append` does) in ONE transaction: all of it is stored or none. Unless a grant with this id exists:
   * then it stores nothing, appends nothing and returns `false`. The break-glass service hands out the grant only
   * after this resolves, so after a kill -9 at any moment a grant never exists without its log entry nor a logged
   * access without its grant and review. `log.store` must be an access log store of the same database: a durable
   * store refuses another (`INVALID_ARGUMENT`, storing nothing).
   *
   * Optional: without it (or with a log that has no `appendWith`) the service appends the entry, then inserts the
   * grant — a crash between leaves a logged access attempt with no grant (no access, never an access without a log
   * entry or a review).
   */
  commitGrant?(params: CommitGrantParameters): Promise<AccessLogAppendResult | false>
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
  // ids being committed with their log entry (taken before the append, so one of two commits of an id wins)
  const committing = new Set<string>()
  const checkPair = (grant: EmergencyGrant, review: BreakGlassReview): string => {
    const id = idOf(grant?.id)
    if (idOf(review?.id) !== id)
      throw new InvalidArgumentError('INVALID_ARGUMENT', 'A grant and its review share one id.')
    return id
  }
  return Object.freeze({
    async insertGrant({ grant, review }: { grant: EmergencyGrant; review: BreakGlassReview }) {
      const id = checkPair(grant, review)
      if (grants.has(id) || committing.has(id)) return false
      grants.set(id, grant)
      reviews.set(id, review)
      return true
    },
    async commitGrant({ grant, review, log }: CommitGrantParameters) {
      const id = checkPair(grant, review)
      if (typeof log?.store?.append !== 'function')
        throw new InvalidArgumentError('INVALID_TYPE', 'log.store must be an AccessLogStore.')
      if (grants.has(id) || committing.has(id)) return false
      committing.add(id)
      try {
        // In memory nothing can fail once the entry is appended: both are stored or neither.
        const result = await log.store.append([log.leaf])
        grants.set(id, grant)
        reviews.set(id, review)
        return result
      } finally {
        committing.delete(id)
      }
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
