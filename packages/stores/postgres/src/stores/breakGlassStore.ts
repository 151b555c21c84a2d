/**
 * The break-glass store over SQL: a grant and its review in one row, inserted together; reviews in grant order.
 * @module
 */
import {
  type AccessLogAppendResult,
  type BreakGlassReview,
  type BreakGlassReviewFilter,
  type BreakGlassStore,
  type CommitGrantParameters,
  type EmergencyGrant,
  InvalidArgumentError,
  StoreError,
} from '@medseal/core'
import type { SqlDatabase, SqlQueryable, SqlRow, SqlValue } from '../db/types.js'
import { _hex, _hex32, _parseBody } from './_shared.js'
import { _appendInTx, _sqlLogStores } from './accessLogStore.js'

const STATUSES = new Set(['pending', 'reviewed'])

function reviewOf(row: SqlRow | undefined): BreakGlassReview | undefined {
  if (!row) return undefined
  const review = _parseBody(row, 'review_json')
  if (typeof review.id !== 'string' || !STATUSES.has(review.status as string) || typeof review.grant !== 'object')
    throw new StoreError('STORE_CORRUPT', 'A stored break-glass review is malformed.')
  return Object.freeze(review as BreakGlassReview)
}

function checkReview(review: BreakGlassReview): string {
  if (typeof review !== 'object' || review === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'A review must be an object.')
  if (!STATUSES.has(review.status)) throw new InvalidArgumentError('INVALID_ARGUMENT', 'Unknown review status.')
  return _hex32(review.id, 'A break-glass id')
}

/** The {@link BreakGlassStore} of `db` (internal: reached through `createPostgresStores`). @internal */
export function _createBreakGlassStore(db: SqlDatabase): BreakGlassStore {
  const rowOf = (grant: EmergencyGrant, review: BreakGlassReview): SqlValue[] => {
    const id = _hex32(grant?.id, 'A break-glass id')
    if (checkReview(review) !== id)
      throw new InvalidArgumentError('INVALID_ARGUMENT', 'A grant and its review share one id.')
    return [id, _hex(grant.patient, 'patient'), review.status, JSON.stringify(grant), JSON.stringify(review)]
  }
  // the primary key decides across processes: a request is accepted once
  const insert = async (q: SqlQueryable, row: SqlValue[]): Promise<boolean> =>
    (
      await q.query(
        `INSERT INTO medseal_break_glass (id, patient, status, grant_json, review_json) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        row,
      )
    ).length === 1
  return Object.freeze({
    async insertGrant({ grant, review }: { grant: EmergencyGrant; review: BreakGlassReview }) {
      return insert(db, rowOf(grant, review))
    },
    async commitGrant({ grant, review, log }: CommitGrantParameters): Promise<AccessLogAppendResult | false> {
      const row = rowOf(grant, review)
      const target = _sqlLogStores.get(log?.store)
      if (!target || target.db !== db)
        throw new InvalidArgumentError(
          'INVALID_ARGUMENT',
          'commitGrant needs an access log store from the same createPostgresStores database.',
        )
      // One transaction: the grant row (the primary key decides first: a used id stores and appends nothing), then the
      // log entry with its tree nodes. Break-glass is rare: it does not join the log's group commit.
      const committed = await db.transaction(async (tx) =>
        (await insert(tx, row)) ? _appendInTx(tx, target.name, [log.leaf], target.border) : undefined,
      )
      if (committed === undefined) return false
      target.border = committed.border // committed (a border is keyed by its size: a stale one is never used)
      return committed.result
    },
    async getGrant(id: `0x${string}`) {
      const rows = await db.query('SELECT grant_json FROM medseal_break_glass WHERE id = $1', [
        _hex32(id, 'A break-glass id'),
      ])
      if (!rows[0]) return undefined
      const grant = _parseBody(rows[0], 'grant_json')
      if (typeof grant.id !== 'string' || typeof grant.patient !== 'string')
        throw new StoreError('STORE_CORRUPT', 'A stored emergency grant is malformed.')
      return Object.freeze(grant as EmergencyGrant)
    },
    async getReview(id: `0x${string}`) {
      const rows = await db.query('SELECT review_json FROM medseal_break_glass WHERE id = $1', [
        _hex32(id, 'A break-glass id'),
      ])
      return reviewOf(rows[0])
    },
    async putReview(review: BreakGlassReview) {
      const id = checkReview(review)
      const rows = await db.query(
        'UPDATE medseal_break_glass SET status = $2, review_json = $3 WHERE id = $1 RETURNING id',
        [id, review.status, JSON.stringify(review)],
      )
      if (rows.length === 0) throw new InvalidArgumentError('INVALID_ARGUMENT', 'No break-glass access with this id.')
    },
    async listReviews(filter: BreakGlassReviewFilter = {}) {
      const where: string[] = []
      const params: SqlValue[] = []
      if (filter.patient !== undefined) {
        params.push(_hex(filter.patient, 'patient'))
        where.push(`patient = $${params.length}`)
      }
      if (filter.status !== undefined) {
        params.push(filter.status)
        where.push(`status = $${params.length}`)
      }
      const rows = await db.query(
        `SELECT review_json FROM medseal_break_glass ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq`,
        params,
      )
      return Object.freeze(rows.map((r) => reviewOf(r) as BreakGlassReview))
    },
  })
}
