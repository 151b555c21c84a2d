/**
 * An access log's entries and RFC 9162 tree nodes in IndexedDB.
 * @module
 */
import {
  type AccessLogAppendResult,
  type AccessLogEntry,
  type AccessLogLeaf,
  type AccessLogNodeKey,
  type AccessLogStore,
  accessLogBorderKeys,
  InvalidArgumentError,
  planAccessLogAppend,
  type StoreError,
} from '@medseal/core'
import { checkDb } from './_rows.js'
import { S } from './_schema.js'
import { corrupt, isBytes, run, type Tx } from './_tx.js'
import type { IndexedDb } from './openIndexedDb.js'

/** Parameters of {@link createIndexedDbAccessLogStore}. */
export type CreateIndexedDbAccessLogStoreParameters = {
  /** The database (see `openIndexedDb`). */
  readonly db: IndexedDb
  /** Which log of the database (one database may hold several), 1 to 256 characters. */
  readonly log: string
}

/** Errors the store's methods throw. */
export type CreateIndexedDbAccessLogStoreErrorType = InvalidArgumentError | StoreError

const HASH = 32
const STORES = [S.logMeta, S.logEntries, S.logNodes]

/** Reads one node inside `tx` (level 0 is the entry's leaf hash); `undefined` when absent. @internal */
async function readNode(tx: Tx, log: string, key: AccessLogNodeKey): Promise<Uint8Array | undefined> {
  if (key.level === 0) {
    const row = (await tx.objectStore(S.logEntries).get([log, key.index])) as { leafHash?: unknown } | undefined
    if (row === undefined) return undefined
    if (!isBytes(row.leafHash, HASH)) throw corrupt('log entry')
    return row.leafHash
  }
  const hash = (await tx.objectStore(S.logNodes).get([log, key.level, key.index])) as unknown
  if (hash === undefined) return undefined
  if (!isBytes(hash, HASH)) throw corrupt('log tree node')
  return hash
}

/** Reads the log's size inside `tx`. @internal */
async function readSize(tx: Tx, log: string): Promise<number> {
  const meta = (await tx.objectStore(S.logMeta).get(log)) as { size?: unknown } | undefined
  if (meta === undefined) return 0
  if (!Number.isSafeInteger(meta.size) || (meta.size as number) < 0) throw corrupt('log size')
  return meta.size as number
}

const checkLeaves = (leaves: readonly AccessLogLeaf[]) => {
  if (!Array.isArray(leaves) || leaves.length === 0)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'An append needs at least one leaf.')
  for (const l of leaves)
    if (!isBytes(l?.leafData) || !isBytes(l?.leafHash, HASH))
      throw new InvalidArgumentError('INVALID_TYPE', 'A leaf is { leafData, leafHash (32 bytes) }.')
}

/**
 * Appends `leaves` to `log` inside `tx` (which must cover the log's three stores, `readwrite`): reads the size and
 * the border under the transaction's lock, writes the entries, the nodes they complete and the new size. Only
 * IndexedDB requests are awaited. @internal
 */
export async function _appendInTx(
  tx: Tx,
  log: string,
  leaves: readonly AccessLogLeaf[],
): Promise<AccessLogAppendResult> {
  checkLeaves(leaves)
  const size = await readSize(tx, log)
  const keys = accessLogBorderKeys(size)
  const border: Uint8Array[] = []
  for (const k of keys) {
    const h = await readNode(tx, log, k)
    if (h === undefined) throw corrupt('log tree (a border node is missing)')
    border.push(h)
  }
  const plan = planAccessLogAppend({ size, border, leafHashes: leaves.map((l) => l.leafHash) })
  const entries = tx.objectStore(S.logEntries)
  const nodes = tx.objectStore(S.logNodes)
  const writes: Promise<unknown>[] = []
  leaves.forEach((l, i) => {
    writes.push(entries.add({ leafData: l.leafData.slice(), leafHash: l.leafHash.slice() }, [log, size + i]))
  })
  for (const n of plan.nodes) writes.push(nodes.put(n.hash.slice(), [log, n.level, n.index]))
  writes.push(tx.objectStore(S.logMeta).put({ size: plan.size }, log))
  await Promise.all(writes)
  return { firstIndex: size, size: plan.size }
}

/** The database and log name of every store this module made (for a custodian's one-transaction release). @internal */
export const _idbLogs: WeakMap<AccessLogStore, { readonly db: IndexedDb; readonly log: string }> = new WeakMap()

/** The log stores an append's transaction must cover. @internal */
export const _logStores: readonly string[] = STORES

/** Checks a log name. @internal */
export function _checkLogName(log: unknown): string {
  if (typeof log !== 'string' || log.length < 1 || log.length > 256)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'log must be a name of 1 to 256 characters.')
  return log
}

/**
 * An {@link @medseal/core!AccessLogStore} over IndexedDB. An append is one `readwrite` transaction that reads the size and the tree's
 * border and writes the entries, the tree nodes they complete and the new size: tabs and workers appending to one
 * log get one tree (the browser serializes the transactions), and a tab closed or killed mid-append leaves all of it
 * or none of it. Opening a log reads only its size and O(log n) nodes, never every entry.
 *
 * @param params - `db` and `log` (see {@link CreateIndexedDbAccessLogStoreParameters})
 * @returns a frozen store for `createAccessLog({ store })`
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_ARGUMENT` for a bad log name
 * @example
 * ```ts
 * import { createAccessLog } from '@medseal/core'
 * import { createIndexedDbAccessLogStore, openIndexedDb } from '@medseal/store-indexeddb'
 * const db = await openIndexedDb({ name: 'medseal' })
 * const log = await createAccessLog({ operator, ledger, name: 'access', store: createIndexedDbAccessLogStore({ db, log: 'access' }) })
 * ```
 */
export function createIndexedDbAccessLogStore(params: CreateIndexedDbAccessLogStoreParameters): AccessLogStore {
  const db = checkDb(params?.db)
  const log = _checkLogName(params.log)
  const store: AccessLogStore = Object.freeze({
    size: () => run(db, [S.logMeta], 'readonly', (tx) => readSize(tx, log)),
    async get(index: number): Promise<AccessLogEntry | undefined> {
      if (!Number.isSafeInteger(index) || index < 0)
        throw new InvalidArgumentError('OUT_OF_RANGE', 'index must be a non-negative integer.')
      return run(db, [S.logEntries], 'readonly', async (tx) => {
        const row = (await tx.objectStore(S.logEntries).get([log, index])) as
          | { leafData?: unknown; leafHash?: unknown }
          | undefined
        if (row === undefined) return undefined
        if (!isBytes(row.leafData) || !isBytes(row.leafHash, HASH)) throw corrupt('log entry')
        return { index, leafData: row.leafData, leafHash: row.leafHash }
      })
    },
    async getNodes(keys: readonly AccessLogNodeKey[]) {
      if (!Array.isArray(keys)) throw new InvalidArgumentError('INVALID_TYPE', 'keys must be an array.')
      for (const k of keys)
        if (
          !Number.isSafeInteger(k?.level) ||
          k.level < 0 ||
          k.level > 62 ||
          !Number.isSafeInteger(k.index) ||
          k.index < 0
        )
          throw new InvalidArgumentError('OUT_OF_RANGE', 'A node key is { level, index } of non-negative integers.')
      if (keys.length === 0) return []
      return run(db, [S.logEntries, S.logNodes], 'readonly', (tx) => Promise.all(keys.map((k) => readNode(tx, log, k))))
    },
    async append(leaves: readonly AccessLogLeaf[]) {
      checkLeaves(leaves)
      return run(db, STORES, 'readwrite', (tx) => _appendInTx(tx, log, leaves))
    },
  })
  _idbLogs.set(store, { db, log })
  return store
}
