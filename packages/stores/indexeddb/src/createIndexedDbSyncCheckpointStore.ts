/**
 * A sync's checkpoints in IndexedDB: a patient's app resumes an interrupted sync after a reload.
 * @module
 */
import {
  decodeReceipt,
  encodeReceipt,
  InvalidArgumentError,
  type StoreError,
  type SyncCheckpoint,
  type SyncCheckpointStore,
} from '@medseal/core'
import { checkDb, checkScope, storedHex32, storedObject, storedString } from './_rows.js'
import { S } from './_schema.js'
import { nextSeq } from './_seq.js'
import { corrupt, isBytes, run, type Tx } from './_tx.js'
import type { IndexedDb } from './openIndexedDb.js'

/** Parameters of {@link createIndexedDbSyncCheckpointStore}. */
export type CreateIndexedDbSyncCheckpointStoreParameters = {
  /** The database (see `openIndexedDb`). */
  readonly db: IndexedDb
  /** Which sync of the database (1 to 256 characters), e.g. one per patient and server. Default: `default`. */
  readonly scope?: string
}

/** Errors the store's methods throw. */
export type CreateIndexedDbSyncCheckpointStoreErrorType = InvalidArgumentError | StoreError

type Row = {
  scope: string
  seq: number
  key: string
  resourceType: string
  id: string
  versionId?: string
  contentId: string
  commitment: string
  envelope: Uint8Array
  /** `encodeReceipt` text. */
  receipt?: string
  provenanceId?: string
  binaryId?: string
}

const optionalString = (v: unknown, what: string) => (v === undefined ? undefined : storedString(v, what, 1024))

function fromRow(value: unknown): SyncCheckpoint {
  const r = storedObject(value, 'sync checkpoint')
  if (!isBytes(r.envelope)) throw corrupt('sync checkpoint')
  const commitment = storedHex32(r.commitment, 'sync checkpoint')
  let receipt: SyncCheckpoint['receipt']
  if (r.receipt !== undefined) {
    try {
      receipt = decodeReceipt(storedString(r.receipt, 'sync checkpoint receipt', 16 * 1024))
    } catch {
      throw corrupt('sync checkpoint receipt')
    }
    if (receipt.commitment.toLowerCase() !== commitment.toLowerCase()) throw corrupt('sync checkpoint receipt')
  }
  const out: { -readonly [K in keyof SyncCheckpoint]: SyncCheckpoint[K] } = {
    key: storedString(r.key, 'sync checkpoint', 1024),
    resourceType: storedString(r.resourceType, 'sync checkpoint', 256),
    id: storedString(r.id, 'sync checkpoint', 1024),
    versionId: optionalString(r.versionId, 'sync checkpoint'),
    contentId: storedString(r.contentId, 'sync checkpoint', 1024),
    commitment,
    envelope: r.envelope,
  }
  if (receipt) out.receipt = receipt
  const provenanceId = optionalString(r.provenanceId, 'sync checkpoint')
  if (provenanceId !== undefined) out.provenanceId = provenanceId
  const binaryId = optionalString(r.binaryId, 'sync checkpoint')
  if (binaryId !== undefined) out.binaryId = binaryId
  return Object.freeze(out)
}

/**
 * A {@link @medseal/core!SyncCheckpointStore} over IndexedDB. `put` is one `readwrite` transaction (the old checkpoint or the new
 * one, whole, after a tab is killed); `list` returns checkpoints in the order of their first `put`. Receipts are
 * kept in their text form and decoded on read: a malformed row is `STORE_CORRUPT`.
 *
 * @param params - `db` and `scope` (see {@link CreateIndexedDbSyncCheckpointStoreParameters})
 * @returns a frozen store for `syncPatient({ checkpoint })`
 * @throws {@link @medseal/core!InvalidArgumentError} for bad parameters
 * @example
 * ```ts
 * import { createIndexedDbSyncCheckpointStore, openIndexedDb } from '@medseal/store-indexeddb'
 * const db = await openIndexedDb()
 * const checkpoint = createIndexedDbSyncCheckpointStore({ db, scope: 'patient-123@ehr' })
 * await checkpoint.list()
 * ```
 */
export function createIndexedDbSyncCheckpointStore(
  params: CreateIndexedDbSyncCheckpointStoreParameters,
): SyncCheckpointStore {
  const db = checkDb(params?.db)
  const scope = checkScope(params.scope)
  const all = () => IDBKeyRange.bound([scope, -Infinity], [scope, Infinity])
  const rowOf = (entry: SyncCheckpoint): Omit<Row, 'seq'> => {
    if (typeof entry !== 'object' || entry === null || typeof entry.key !== 'string')
      throw new InvalidArgumentError('INVALID_TYPE', 'A checkpoint must be an object with a string key.')
    if (!isBytes(entry.envelope))
      throw new InvalidArgumentError('INVALID_TYPE', 'A checkpoint envelope is a Uint8Array.')
    const row: Omit<Row, 'seq'> = {
      scope,
      key: entry.key,
      resourceType: entry.resourceType,
      id: entry.id,
      contentId: entry.contentId,
      commitment: entry.commitment,
      envelope: entry.envelope.slice(),
    }
    if (entry.versionId !== undefined) row.versionId = entry.versionId
    if (entry.receipt !== undefined) row.receipt = encodeReceipt(entry.receipt)
    if (entry.provenanceId !== undefined) row.provenanceId = entry.provenanceId
    if (entry.binaryId !== undefined) row.binaryId = entry.binaryId
    return row
  }
  const write = async (tx: Tx, row: Omit<Row, 'seq'>) => {
    const store = tx.objectStore(S.syncCheckpoints)
    const current = (await store.get([scope, row.key])) as { seq?: unknown } | undefined
    const seq =
      current !== undefined && Number.isSafeInteger(current.seq)
        ? (current.seq as number)
        : await nextSeq(tx, 'checkpoint', scope)
    await store.put({ ...row, seq } satisfies Row, [scope, row.key])
  }
  return Object.freeze({
    async get(key: string) {
      if (typeof key !== 'string') throw new InvalidArgumentError('INVALID_TYPE', 'A checkpoint key is a string.')
      return run(db, [S.syncCheckpoints], 'readonly', async (tx) => {
        const row = await tx.objectStore(S.syncCheckpoints).get([scope, key])
        if (row === undefined) return undefined
        const cp = fromRow(row)
        if (cp.key !== key) throw corrupt('sync checkpoint')
        return cp
      })
    },
    async put(entry: SyncCheckpoint) {
      const row = rowOf(entry)
      await run(db, [S.syncCheckpoints, S.counters], 'readwrite', (tx) => write(tx, row))
    },
    async putMany(entries: readonly SyncCheckpoint[]) {
      if (!Array.isArray(entries))
        throw new InvalidArgumentError('INVALID_TYPE', 'putMany takes an array of checkpoints.')
      const rows = entries.map(rowOf) // every entry checked before any is written
      if (rows.length === 0) return
      // one transaction: all or none
      await run(db, [S.syncCheckpoints, S.counters], 'readwrite', async (tx) => {
        for (const row of rows) await write(tx, row)
      })
    },
    list: () =>
      run(db, [S.syncCheckpoints], 'readonly', async (tx) => {
        const rows = await tx.objectStore(S.syncCheckpoints).index('by_seq').getAll(all())
        return Object.freeze(rows.map(fromRow))
      }),
  })
}
