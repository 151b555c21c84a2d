/**
 * Break-glass grants and the privacy officer's review queue in IndexedDB.
 * @module
 */
import {
  type AccessLogAppendResult,
  type BreakGlassReview,
  type BreakGlassReviewFilter,
  type BreakGlassStore,
  type CommitGrantParameters,
  type EmergencyGrant,
  type Hex,
  InvalidArgumentError,
  isAddress,
  type StoreError,
} from '@medseal/core'
import { checkDb, checkScope, hex32Key, storedAddress, storedObject, storedUint } from './_rows.js'
import { S } from './_schema.js'
import { nextSeq } from './_seq.js'
import { corrupt, run, type Tx } from './_tx.js'
import { _appendInTx, _idbLogs, _logStores } from './createIndexedDbAccessLogStore.js'
import type { IndexedDb } from './openIndexedDb.js'

/** Parameters of {@link createIndexedDbBreakGlassStore}. */
export type CreateIndexedDbBreakGlassStoreParameters = {
  /** The database (see `openIndexedDb`). */
  readonly db: IndexedDb
  /** Which break-glass service of the database (1 to 256 characters). Default: `default`. */
  readonly scope?: string
}

/** Errors the store's methods throw. */
export type CreateIndexedDbBreakGlassStoreErrorType = InvalidArgumentError | StoreError

type ReviewRow = { scope: string; seq: number; patient: string; status: string; review: BreakGlassReview }

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v)
    Object.freeze(value)
  }
  return value
}

function readGrant(value: unknown, key: string): EmergencyGrant {
  const g = storedObject(value, 'break-glass grant')
  if (typeof g.id !== 'string' || g.id.toLowerCase() !== key) throw corrupt('break-glass grant')
  storedAddress(g.patient, 'break-glass grant')
  storedAddress(g.clinician, 'break-glass grant')
  storedUint(g.startsAt, 'break-glass grant')
  storedUint(g.expiresAt, 'break-glass grant')
  if (!Array.isArray(g.resourceTypes) || !Array.isArray(g.exclude) || typeof g.reason !== 'string')
    throw corrupt('break-glass grant')
  return deepFreeze(g as unknown as EmergencyGrant)
}

function readReview(value: unknown, key: string): BreakGlassReview {
  const row = storedObject(value, 'break-glass review')
  const r = storedObject(row.review, 'break-glass review')
  if (typeof r.id !== 'string' || r.id.toLowerCase() !== key) throw corrupt('break-glass review')
  if (r.status !== 'pending' && r.status !== 'reviewed') throw corrupt('break-glass review')
  if (typeof r.notifyFailed !== 'boolean') throw corrupt('break-glass review')
  if (r.status === 'reviewed') {
    storedAddress(r.reviewer, 'break-glass review')
    storedUint(r.reviewedAt, 'break-glass review')
  }
  readGrant(r.grant, key)
  return deepFreeze(r as unknown as BreakGlassReview)
}

/** A copy of a review as stored (plain data only). */
const reviewRow = (scope: string, seq: number, review: BreakGlassReview): ReviewRow => ({
  scope,
  seq,
  patient: review.grant.patient.toLowerCase(),
  status: review.status,
  review: structuredClone(review),
})

/**
 * A {@link @medseal/core!BreakGlassStore} over IndexedDB. `insertGrant` stores the grant and its pending review in one `readwrite`
 * transaction, unless the id exists (decided inside the transaction, so tabs and workers sharing the database accept
 * a request once). Reviews are listed oldest first (the order they were inserted). Rows are checked on read: a
 * malformed one is `STORE_CORRUPT`.
 *
 * @param params - `db` and `scope` (see {@link CreateIndexedDbBreakGlassStoreParameters})
 * @returns a frozen store for `createBreakGlass({ store })`
 * @throws {@link @medseal/core!InvalidArgumentError} for bad parameters
 * @example
 * ```ts
 * import { createBreakGlass } from '@medseal/core'
 * import { createIndexedDbBreakGlassStore, openIndexedDb } from '@medseal/store-indexeddb'
 * const db = await openIndexedDb()
 * const emergency = createBreakGlass({ ledger, log, store: createIndexedDbBreakGlassStore({ db }) })
 * ```
 */
export function createIndexedDbBreakGlassStore(params: CreateIndexedDbBreakGlassStoreParameters): BreakGlassStore {
  const db = checkDb(params?.db)
  const scope = checkScope(params.scope)
  const checkPair = (grant: EmergencyGrant, review: BreakGlassReview): string => {
    const id = hex32Key(grant?.id, 'A break-glass id')
    if (hex32Key(review?.id, 'A break-glass id') !== id)
      throw new InvalidArgumentError('INVALID_ARGUMENT', 'A grant and its review share one id.')
    if (!isAddress(grant.patient)) throw new InvalidArgumentError('INVALID_ARGUMENT', 'grant.patient is an address.')
    return id
  }
  /** Adds the grant and its review in `tx` unless the id exists (decided inside the transaction). */
  const add = async (tx: Tx, id: string, grant: EmergencyGrant, review: BreakGlassReview): Promise<boolean> => {
    const grants = tx.objectStore(S.breakGlassGrants)
    if ((await grants.getKey([scope, id])) !== undefined) return false
    const seq = await nextSeq(tx, 'review', scope)
    await grants.add(structuredClone(grant), [scope, id])
    await tx.objectStore(S.breakGlassReviews).add(reviewRow(scope, seq, review), [scope, id])
    return true
  }
  return Object.freeze({
    async insertGrant({ grant, review }: { grant: EmergencyGrant; review: BreakGlassReview }) {
      const id = checkPair(grant, review)
      return run(db, [S.breakGlassGrants, S.breakGlassReviews, S.counters], 'readwrite', (tx) =>
        add(tx, id, grant, review),
      )
    },
    async commitGrant({ grant, review, log }: CommitGrantParameters): Promise<AccessLogAppendResult | false> {
      const id = checkPair(grant, review)
      const target = _idbLogs.get(log?.store)
      if (!target || target.db.connection !== db.connection)
        throw new InvalidArgumentError(
          'INVALID_ARGUMENT',
          'commitGrant needs an access log store of the same IndexedDB database.',
        )
      // One transaction: the grant and its review (unless the id exists: then nothing), and the log entry with its
      // tree nodes and the new size.
      const stores = [...new Set([..._logStores, S.breakGlassGrants, S.breakGlassReviews, S.counters])]
      return run(db, stores, 'readwrite', async (tx) =>
        (await add(tx, id, grant, review)) ? _appendInTx(tx, target.log, [log.leaf]) : false,
      )
    },
    async getGrant(id: Hex) {
      const key = hex32Key(id, 'A break-glass id')
      return run(db, [S.breakGlassGrants], 'readonly', async (tx) => {
        const row = await tx.objectStore(S.breakGlassGrants).get([scope, key])
        return row === undefined ? undefined : readGrant(row, key)
      })
    },
    async getReview(id: Hex) {
      const key = hex32Key(id, 'A break-glass id')
      return run(db, [S.breakGlassReviews], 'readonly', async (tx) => {
        const row = await tx.objectStore(S.breakGlassReviews).get([scope, key])
        return row === undefined ? undefined : readReview(row, key)
      })
    },
    async putReview(review: BreakGlassReview) {
      const key = hex32Key(review?.id, 'A break-glass id')
      await run(db, [S.breakGlassReviews], 'readwrite', async (tx) => {
        const store = tx.objectStore(S.breakGlassReviews)
        const current = (await store.get([scope, key])) as Partial<ReviewRow> | undefined
        if (current === undefined)
          throw new InvalidArgumentError('INVALID_ARGUMENT', 'No break-glass access with this id.')
        await store.put(reviewRow(scope, storedUint(current.seq, 'break-glass review'), review), [scope, key])
      })
    },
    async listReviews(filter: BreakGlassReviewFilter = {}) {
      if (typeof filter !== 'object' || filter === null)
        throw new InvalidArgumentError('INVALID_TYPE', 'filter must be an object.')
      const patient = filter.patient?.toLowerCase()
      return run(db, [S.breakGlassReviews], 'readonly', async (tx) => {
        const out: BreakGlassReview[] = []
        let cursor = await tx
          .objectStore(S.breakGlassReviews)
          .index('by_seq')
          .openCursor(IDBKeyRange.bound([scope, -Infinity], [scope, Infinity]))
        while (cursor) {
          const row = cursor.value as Partial<ReviewRow>
          const key = (cursor.primaryKey as unknown[])[1] as string
          if (
            (filter.status === undefined || row.status === filter.status) &&
            (patient === undefined || row.patient === patient)
          ) {
            const review = readReview(row, key)
            // the indexed copies must agree with the review they index
            if (review.status !== row.status || review.grant.patient.toLowerCase() !== row.patient)
              throw corrupt('break-glass review')
            out.push(review)
          }
          cursor = await cursor.continue()
        }
        return Object.freeze(out)
      })
    },
  })
}
