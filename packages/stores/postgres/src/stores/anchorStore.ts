/**
 * The anchor store over SQL: pending commitments (bounded, counted in the anchorer's row), receipts.
 * @module
 */
import {
  type AnchorStore,
  decodeReceipt,
  encodeReceipt,
  InvalidArgumentError,
  LedgerError,
  type Receipt,
  StoreError,
} from '@medseal/core'
import type { SqlDatabase, SqlQueryable } from '../db/types.js'
import { _hex32, _insertMany, _placeholders } from './_shared.js'

/** Locks anchorer `name`'s row (creating it) and returns its pending count. */
async function lockAnchorer(tx: SqlQueryable, name: string): Promise<number> {
  let rows = await tx.query('SELECT pending FROM medseal_anchorers WHERE name = $1 FOR UPDATE', [name])
  if (rows.length === 0) {
    await tx.query('INSERT INTO medseal_anchorers (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [name])
    rows = await tx.query('SELECT pending FROM medseal_anchorers WHERE name = $1 FOR UPDATE', [name])
  }
  return rows[0]?.pending as number
}

/** Deletes pending `keys` of anchorer `name` and updates its count (in `tx`, holding its row lock). */
async function removePending(tx: SqlQueryable, name: string, keys: readonly string[]): Promise<void> {
  const pending = await lockAnchorer(tx, name)
  let removed = 0
  for (let at = 0; at < keys.length; at += 5000) {
    const chunk = keys.slice(at, at + 5000)
    const rows = await tx.query(
      `DELETE FROM medseal_anchor_pending WHERE anchorer = $1 AND commitment IN (${_placeholders(2, chunk.length)})
       RETURNING 1`,
      [name, ...chunk],
    )
    removed += rows.length
  }
  if (removed > 0)
    await tx.query('UPDATE medseal_anchorers SET pending = $2 WHERE name = $1', [name, pending - removed])
}

function keysOf(commitments: readonly `0x${string}`[]): string[] {
  if (!Array.isArray(commitments)) throw new InvalidArgumentError('INVALID_TYPE', 'commitments must be an array.')
  return commitments.map((c) => _hex32(c, 'A commitment'))
}

/** The {@link AnchorStore} of anchorer `name` in `db` (internal: reached through `createPostgresStores`). @internal */
export function _createAnchorStore(db: SqlDatabase, name: string): AnchorStore {
  return Object.freeze({
    async addPending({ commitments, maxPending }: { commitments: readonly `0x${string}`[]; maxPending: number }) {
      const keys = [...new Set(keysOf(commitments))]
      if (!Number.isSafeInteger(maxPending) || maxPending < 1)
        throw new InvalidArgumentError('INVALID_ARGUMENT', 'maxPending must be a positive integer.')
      await db.transaction(async (tx) => {
        const pending = await lockAnchorer(tx, name)
        const known = new Set<string>()
        for (let at = 0; at < keys.length; at += 5000) {
          const chunk = keys.slice(at, at + 5000)
          const list = _placeholders(2, chunk.length)
          const rows = await tx.query(
            `SELECT commitment FROM medseal_anchor_pending WHERE anchorer = $1 AND commitment IN (${list})
             UNION SELECT commitment FROM medseal_anchor_receipts WHERE anchorer = $1 AND commitment IN (${list})`,
            [name, ...chunk],
          )
          for (const r of rows) known.add(r.commitment as string)
        }
        const fresh = keys.filter((k) => !known.has(k))
        if (pending + fresh.length > maxPending)
          throw new LedgerError('ANCHOR_QUEUE_FULL', 'Too many commitments are waiting to be anchored: retry later.')
        if (fresh.length === 0) return
        // one row at a time keeps `seq` in the order given
        for (const k of fresh)
          await tx.query('INSERT INTO medseal_anchor_pending (anchorer, commitment) VALUES ($1, $2)', [name, k])
        await tx.query('UPDATE medseal_anchorers SET pending = $2 WHERE name = $1', [name, pending + fresh.length])
      })
    },
    async listPending(params: { limit?: number } = {}) {
      const limit = params?.limit
      if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0))
        throw new InvalidArgumentError('INVALID_ARGUMENT', 'limit must be a non-negative integer.')
      const rows = await db.query(
        `SELECT commitment FROM medseal_anchor_pending WHERE anchorer = $1 ORDER BY seq
         ${limit === undefined ? '' : 'LIMIT $2::int8'}`,
        limit === undefined ? [name] : [name, limit],
      )
      return Object.freeze(rows.map((r) => r.commitment as `0x${string}`))
    },
    async countPending() {
      const rows = await db.query('SELECT pending FROM medseal_anchorers WHERE name = $1', [name])
      return (rows[0]?.pending as number | undefined) ?? 0
    },
    async completeBatch(receipts: readonly Receipt[]) {
      if (!Array.isArray(receipts)) throw new InvalidArgumentError('INVALID_TYPE', 'receipts must be an array.')
      const rows = receipts.map((r) => [name, _hex32(r?.commitment, 'A receipt commitment'), encodeReceipt(r)])
      await db.transaction(async (tx) => {
        await lockAnchorer(tx, name)
        await _insertMany(
          tx,
          'INSERT INTO medseal_anchor_receipts (anchorer, commitment, receipt)',
          rows,
          'ON CONFLICT (anchorer, commitment) DO UPDATE SET receipt = excluded.receipt',
        )
        await removePending(
          tx,
          name,
          rows.map((r) => r[1] as string),
        )
      })
    },
    async dropPending(commitments: readonly `0x${string}`[]) {
      const keys = keysOf(commitments)
      await db.transaction((tx) => removePending(tx, name, keys))
    },
    async getReceipt(commitment: `0x${string}`) {
      const rows = await db.query(
        'SELECT receipt FROM medseal_anchor_receipts WHERE anchorer = $1 AND commitment = $2',
        [name, _hex32(commitment, 'A commitment')],
      )
      if (!rows[0]) return undefined
      try {
        return decodeReceipt(rows[0].receipt as string)
      } catch (e) {
        throw new StoreError('STORE_CORRUPT', 'A stored receipt does not decode.', { cause: e })
      }
    },
  })
}
