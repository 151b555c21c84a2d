/**
 * An anchorer's pending commitments and their receipts in IndexedDB.
 * @module
 */
import {
  type AnchorStore,
  decodeReceipt,
  encodeReceipt,
  type Hex,
  InvalidArgumentError,
  LedgerError,
  type Receipt,
  type StoreError,
} from '@medseal/core'
import { checkDb, checkScope, hex32Key } from './_rows.js'
import { S } from './_schema.js'
import { nextSeq } from './_seq.js'
import { corrupt, run } from './_tx.js'
import type { IndexedDb } from './openIndexedDb.js'

/** Parameters of {@link createIndexedDbAnchorStore}. */
export type CreateIndexedDbAnchorStoreParameters = {
  /** The database (see `openIndexedDb`). */
  readonly db: IndexedDb
  /** Which anchorer of the database (1 to 256 characters). Default: `default`. */
  readonly scope?: string
}

/** Errors the store's methods throw. */
export type CreateIndexedDbAnchorStoreErrorType = InvalidArgumentError | LedgerError | StoreError

type QueueRow = { scope: string; pseq?: number; receipt?: string }

const readReceipt = (row: QueueRow, key: string): Receipt => {
  let receipt: Receipt
  try {
    receipt = decodeReceipt(row.receipt as string)
  } catch {
    throw corrupt('anchor receipt')
  }
  if (receipt.commitment.toLowerCase() !== key) throw corrupt('anchor receipt')
  return receipt
}

/**
 * An {@link @medseal/core!AnchorStore} over IndexedDB. `addPending` checks the bound and stores the new commitments in one
 * `readwrite` transaction (all of them or none); `completeBatch` stores the receipts and clears the commitments from
 * the pending set in one transaction. Receipts are kept in their text form (`encodeReceipt`) and decoded on read: a
 * row that does not decode, or whose commitment is not its key, is `STORE_CORRUPT`.
 *
 * @param params - `db` and `scope` (see {@link CreateIndexedDbAnchorStoreParameters})
 * @returns a frozen store for `createAnchorer(ledger, { store })`
 * @throws {@link @medseal/core!InvalidArgumentError} for bad parameters
 * @example
 * ```ts
 * import { createAnchorer } from '@medseal/core'
 * import { createIndexedDbAnchorStore, openIndexedDb } from '@medseal/store-indexeddb'
 * const db = await openIndexedDb()
 * const anchorer = createAnchorer(ledger, { store: createIndexedDbAnchorStore({ db }), maxPending: 10_000 })
 * ```
 */
export function createIndexedDbAnchorStore(params: CreateIndexedDbAnchorStoreParameters): AnchorStore {
  const db = checkDb(params?.db)
  const scope = checkScope(params.scope)
  const pendingRange = () => IDBKeyRange.bound([scope, -Infinity], [scope, Infinity])
  return Object.freeze({
    async addPending({ commitments, maxPending }: { commitments: readonly Hex[]; maxPending: number }) {
      if (!Array.isArray(commitments)) throw new InvalidArgumentError('INVALID_TYPE', 'commitments must be an array.')
      if (!Number.isSafeInteger(maxPending) || maxPending < 1)
        throw new InvalidArgumentError('INVALID_ARGUMENT', 'maxPending must be a positive integer.')
      const keys = [...new Set(commitments.map((c) => hex32Key(c, 'A commitment')))]
      if (keys.length === 0) return
      await run(db, [S.anchorQueue, S.counters], 'readwrite', async (tx) => {
        const queue = tx.objectStore(S.anchorQueue)
        const fresh: string[] = []
        for (const k of keys) if ((await queue.getKey([scope, k])) === undefined) fresh.push(k)
        if (fresh.length === 0) return
        const count = await queue.index('by_pending').count(pendingRange())
        if (count + fresh.length > maxPending)
          throw new LedgerError('ANCHOR_QUEUE_FULL', 'Too many commitments are waiting to be anchored: retry later.')
        const first = await nextSeq(tx, 'anchor', scope, fresh.length)
        await Promise.all(fresh.map((k, i) => queue.add({ scope, pseq: first + i } satisfies QueueRow, [scope, k])))
      })
    },
    async listPending(params: { limit?: number } = {}) {
      const limit = params?.limit
      if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0))
        throw new InvalidArgumentError('INVALID_ARGUMENT', 'limit must be a non-negative integer.')
      if (limit === 0) return Object.freeze([])
      return run(db, [S.anchorQueue], 'readonly', async (tx) => {
        const keys = await tx.objectStore(S.anchorQueue).index('by_pending').getAllKeys(pendingRange(), limit)
        return Object.freeze(
          keys.map((k) => {
            const c = (k as unknown[])[1]
            if (typeof c !== 'string' || !/^0x[0-9a-f]{64}$/.test(c)) throw corrupt('pending commitment')
            return c as Hex
          }),
        )
      })
    },
    countPending: () =>
      run(db, [S.anchorQueue], 'readonly', (tx) =>
        tx.objectStore(S.anchorQueue).index('by_pending').count(pendingRange()),
      ),
    async completeBatch(receipts: readonly Receipt[]) {
      if (!Array.isArray(receipts)) throw new InvalidArgumentError('INVALID_TYPE', 'receipts must be an array.')
      const rows = receipts.map((r) => ({
        key: hex32Key(r?.commitment, 'A receipt commitment'),
        text: encodeReceipt(r),
      }))
      if (rows.length === 0) return
      await run(db, [S.anchorQueue], 'readwrite', async (tx) => {
        const queue = tx.objectStore(S.anchorQueue)
        await Promise.all(rows.map((r) => queue.put({ scope, receipt: r.text } satisfies QueueRow, [scope, r.key])))
      })
    },
    async dropPending(commitments: readonly Hex[]) {
      if (!Array.isArray(commitments)) throw new InvalidArgumentError('INVALID_TYPE', 'commitments must be an array.')
      const keys = commitments.map((c) => hex32Key(c, 'A commitment'))
      if (keys.length === 0) return
      await run(db, [S.anchorQueue], 'readwrite', async (tx) => {
        const queue = tx.objectStore(S.anchorQueue)
        for (const k of keys) {
          const row = (await queue.get([scope, k])) as QueueRow | undefined
          if (row !== undefined && row.receipt === undefined) await queue.delete([scope, k])
        }
      })
    },
    async getReceipt(commitment: Hex) {
      const key = hex32Key(commitment, 'A commitment')
      return run(db, [S.anchorQueue], 'readonly', async (tx) => {
        const row = (await tx.objectStore(S.anchorQueue).get([scope, key])) as QueueRow | undefined
        if (row === undefined || row.receipt === undefined) return undefined
        return readReceipt(row, key)
      })
    },
  })
}
