/**
 * The sync checkpoint store over SQL.
 * @module
 */
import {
  bytesToHex,
  decodeReceipt,
  encodeReceipt,
  InvalidArgumentError,
  StoreError,
  type SyncCheckpoint,
  type SyncCheckpointStore,
} from '@medseal/core'
import type { SqlDatabase, SqlRow } from '../db/types.js'
import { _parseBody } from './_shared.js'

function checkpointOf(row: SqlRow): SyncCheckpoint {
  const body = _parseBody(row)
  if (typeof body.key !== 'string' || typeof body.commitment !== 'string' || !(row.envelope instanceof Uint8Array))
    throw new StoreError('STORE_CORRUPT', 'A stored sync checkpoint is malformed.')
  const { receipt, versionId, ...rest } = body
  let decoded: SyncCheckpoint['receipt']
  if (receipt !== undefined) {
    try {
      decoded = decodeReceipt(receipt as string)
    } catch (e) {
      throw new StoreError('STORE_CORRUPT', 'A stored receipt does not decode.', { cause: e })
    }
  }
  return Object.freeze({
    ...(rest as Omit<SyncCheckpoint, 'envelope' | 'receipt' | 'versionId'>),
    versionId: typeof versionId === 'string' ? versionId : undefined,
    envelope: row.envelope,
    ...(decoded ? { receipt: decoded } : {}),
  })
}

function rowOf(entry: SyncCheckpoint): { body: string; envelope: Uint8Array } {
  if (typeof entry !== 'object' || entry === null || typeof entry.key !== 'string')
    throw new InvalidArgumentError('INVALID_TYPE', 'A checkpoint must be an object with a string key.')
  if (!(entry.envelope instanceof Uint8Array))
    throw new InvalidArgumentError('INVALID_TYPE', 'A checkpoint envelope is bytes.')
  const { envelope, receipt, ...rest } = entry
  return { body: JSON.stringify({ ...rest, ...(receipt ? { receipt: encodeReceipt(receipt) } : {}) }), envelope }
}

/** The {@link SyncCheckpointStore} named `name` in `db` (internal: reached through `createPostgresStores`). @internal */
export function _createSyncCheckpointStore(db: SqlDatabase, name: string): SyncCheckpointStore {
  return Object.freeze({
    async get(key: string) {
      if (typeof key !== 'string') throw new InvalidArgumentError('INVALID_TYPE', 'A checkpoint key is a string.')
      const rows = await db.query('SELECT body, envelope FROM medseal_sync_checkpoints WHERE scope = $1 AND key = $2', [
        name,
        key,
      ])
      return rows[0] ? checkpointOf(rows[0]) : undefined
    },
    async put(entry: SyncCheckpoint) {
      const { body, envelope } = rowOf(entry)
      await db.query(
        `INSERT INTO medseal_sync_checkpoints (scope, key, body, envelope) VALUES ($1, $2, $3, $4)
         ON CONFLICT (scope, key) DO UPDATE SET body = excluded.body, envelope = excluded.envelope`,
        [name, entry.key, body, envelope],
      )
    },
    async putMany(entries: readonly SyncCheckpoint[]) {
      if (!Array.isArray(entries))
        throw new InvalidArgumentError('INVALID_TYPE', 'putMany takes an array of checkpoints.')
      // one statement (all or none); a key given twice keeps its first position and its last value
      const byKey = new Map<string, { body: string; envelope: Uint8Array }>()
      for (const entry of entries) byKey.set(entry?.key, rowOf(entry))
      if (byKey.size === 0) return
      const rows = [...byKey.values()]
      await db.query(
        `INSERT INTO medseal_sync_checkpoints (scope, key, body, envelope)
         SELECT $1, k, b, decode(e, 'hex') FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS t(k, b, e, o)
         ORDER BY o
         ON CONFLICT (scope, key) DO UPDATE SET body = excluded.body, envelope = excluded.envelope`,
        [name, [...byKey.keys()], rows.map((r) => r.body), rows.map((r) => bytesToHex(r.envelope))],
      )
    },
    async list() {
      const rows = await db.query('SELECT body, envelope FROM medseal_sync_checkpoints WHERE scope = $1 ORDER BY seq', [
        name,
      ])
      return Object.freeze(rows.map(checkpointOf))
    },
  })
}
