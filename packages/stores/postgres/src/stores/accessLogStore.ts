/**
 * The access log store over SQL: entries, complete-subtree nodes and the size of each named log.
 * @module
 */
import {
  type AccessLogAppendResult,
  type AccessLogEntry,
  type AccessLogLeaf,
  type AccessLogNodeKey,
  type AccessLogStore,
  accessLogBorderKeys,
  bytesToHex,
  hexToBytes,
  InvalidArgumentError,
  planAccessLogAppend,
  StoreError,
} from '@medseal/core'
import type { SqlDatabase, SqlQueryable, SqlValue } from '../db/types.js'
import { _createBatcher } from './_batch.js'

/** Keys answered per query by `getNodes` (a proof needs O(log n); a batch read may ask for more). */
const KEYS_PER_QUERY = 2000

/** Which database and log an access log store of this package writes: what `commitRelease` checks. @internal */
export const _sqlLogStores: WeakMap<AccessLogStore, _SqlLogState> = new WeakMap()

/** Guarded one-statement tries of a group before it appends under the log's row lock in a transaction. */
const GUARDED_TRIES = 3

/** Most leaves one group commit writes in a transaction (an append of more leaves goes alone). */
export const _MAX_GROUP_LEAVES = 1000

/** Rows of `medseal_custodian_releases` written with a group commit: `[consent_key, body]`. @internal */
export type _ReleaseRow = readonly [string, string]

/**
 * The state of one SQL access log store in this process: its border cache and its group commit. Appends and
 * custodian releases of the log queue here; while one transaction runs, the next ones wait and then go together in ONE
 * transaction (one row lock, one tree update, one statement), each caller getting the indexes of its own leaves.
 * Nothing waits on a timer: a group starts at the end of the event loop's turn its first append was made in (the
 * scheduling of `_createBatcher`). Across processes the log's row lock still decides.
 * @internal
 */
export type _SqlLogState = {
  readonly db: SqlDatabase
  readonly name: string
  border: _BorderCache
  /** Appends `leaves` (and stores `releases`, in the same transaction), grouped with what else is waiting. */
  readonly enqueue: (
    leaves: readonly AccessLogLeaf[],
    releases?: readonly _ReleaseRow[],
  ) => Promise<AccessLogAppendResult>
}

function checkLeaves(leaves: readonly AccessLogLeaf[]): void {
  if (!Array.isArray(leaves) || leaves.length === 0)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'An append needs at least one leaf.')
  for (const l of leaves) {
    if (!(l?.leafData instanceof Uint8Array) || !(l.leafHash instanceof Uint8Array) || l.leafHash.length !== 32)
      throw new InvalidArgumentError('INVALID_TYPE', 'A leaf is { leafData, leafHash (32 bytes) }.')
  }
}

/** Reads node hashes (level 0 = leaf hashes) for `keys`, in order; `undefined` where absent. @internal */
export async function _readNodes(
  q: SqlQueryable,
  name: string,
  keys: readonly AccessLogNodeKey[],
): Promise<(Uint8Array | undefined)[]> {
  const out: (Uint8Array | undefined)[] = []
  for (let at = 0; at < keys.length; at += KEYS_PER_QUERY) {
    const chunk = keys.slice(at, at + KEYS_PER_QUERY)
    const params: SqlValue[] = [name]
    const leafIdx: string[] = []
    const nodePairs: string[] = []
    for (const k of chunk) {
      if (
        !Number.isSafeInteger(k?.level) ||
        !Number.isSafeInteger(k.index) ||
        k.level < 0 ||
        k.index < 0 ||
        k.level > 63
      )
        throw new InvalidArgumentError('INVALID_ARGUMENT', 'A node key is { level, index }, non-negative integers.')
      if (k.level === 0) {
        params.push(k.index)
        leafIdx.push(`$${params.length}::int8`)
      } else {
        params.push(k.level, k.index)
        nodePairs.push(`($${params.length - 1}::int2, $${params.length}::int8)`)
      }
    }
    const rows = await q.query(
      `SELECT 0::int2 AS level, idx, leaf_hash AS hash FROM medseal_log_entries
         WHERE log = $1 AND idx IN (${leafIdx.length ? leafIdx.join(', ') : 'NULL'})
       UNION ALL
       SELECT level, idx, hash FROM medseal_log_nodes
         WHERE log = $1 AND (level, idx) IN (${nodePairs.length ? nodePairs.join(', ') : '(NULL, NULL)'})`,
      params,
    )
    const found = new Map<string, Uint8Array>()
    for (const r of rows) found.set(`${r.level}:${r.idx}`, r.hash as Uint8Array)
    for (const k of chunk) out.push(found.get(`${k.level}:${k.index}`))
  }
  return out
}

/**
 * The border of a log at a size, as this process last committed it. A log is append-only, so the border of a given
 * size never changes: when the size read under the lock equals the cached size, nobody appended since (in any process)
 * and the cached hashes are the stored ones. Set only after a commit.
 */
export type _BorderCache = { size: number; hashes: readonly Uint8Array[] } | undefined

/**
 * Appends `leaves` to log `name` inside transaction `tx`: locks the log's row, reads its size and border (from
 * `cached` when the size matches), stores the entries, the nodes they complete and the new size. The caller's
 * transaction makes it atomic; it returns the new border for the caller to cache once the transaction committed.
 * @internal
 */
export async function _appendInTx(
  tx: SqlQueryable,
  name: string,
  leaves: readonly AccessLogLeaf[],
  cached?: _BorderCache,
  releases: readonly _ReleaseRow[] = [],
): Promise<{ readonly result: AccessLogAppendResult; readonly border: NonNullable<_BorderCache> }> {
  checkLeaves(leaves)
  const lock = { name: 'medseal_log_lock' }
  let rows = await tx.query('SELECT size FROM medseal_logs WHERE name = $1 FOR UPDATE', [name], lock)
  if (rows.length === 0) {
    await tx.query('INSERT INTO medseal_logs (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [name])
    rows = await tx.query('SELECT size FROM medseal_logs WHERE name = $1 FOR UPDATE', [name], lock)
  }
  const size = rows[0]?.size
  if (typeof size !== 'number') throw new StoreError('STORE_CORRUPT', 'The log row has no size.')
  const borderKeys = accessLogBorderKeys(size)
  const border = cached?.size === size ? [...cached.hashes] : await _readNodes(tx, name, borderKeys)
  if (border.some((h) => h?.length !== 32))
    throw new StoreError('STORE_CORRUPT', 'A tree node the append needs is missing or malformed.')
  const done = await _writeAppend(tx, name, size, border as Uint8Array[], leaves, releases)
  if (!done.ok) throw new StoreError('STORE_CORRUPT', 'The log row changed under its lock.')
  return done
}

/** What {@link _writeAppend} answers: stored (the result and the new border), or not, with the log as it found it. */
type _WriteAppendResult =
  | { readonly ok: true; readonly result: AccessLogAppendResult; readonly border: NonNullable<_BorderCache> }
  | { readonly ok: false; readonly current: _BorderCache }

/** The border a failed guarded statement read (`size`, hex hashes largest subtree first), if it is whole. */
function borderOf(size: unknown, hashes: unknown): _BorderCache {
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0 || !Array.isArray(hashes)) return undefined
  if (hashes.length !== accessLogBorderKeys(size).length) return undefined
  if (!hashes.every((h) => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h))) return undefined
  return { size, hashes: hashes.map((h: string) => hexToBytes(`0x${h}`)) }
}

/**
 * The one statement that stores an append (entries, the nodes they complete, `releases`, the new size), guarded by the
 * log's size: it stores nothing unless the log's size is still `size` (the UPDATE takes the row's lock and re-checks
 * the size on the newest row version, so a concurrent append from any process fails the guard). Data-modifying CTEs
 * run to completion and the inserts only run when the guarded UPDATE did: outside a transaction, the statement is
 * atomic by itself. Returns the result and the new border; when the guard failed, the log's size and border as the
 * statement's snapshot saw them (one snapshot: a border of that very size, which never changes once written), so the
 * caller can try again without a transaction. That snapshot may predate the append that failed the guard (taken before
 * the statement waited for the row's lock): the next try then fails too and reads a newer one.
 */
async function _writeAppend(
  q: SqlQueryable,
  name: string,
  size: number,
  border: readonly Uint8Array[],
  leaves: readonly AccessLogLeaf[],
  releases: readonly _ReleaseRow[],
): Promise<_WriteAppendResult> {
  const borderKeys = accessLogBorderKeys(size)
  const plan = planAccessLogAppend({ size, border, leafHashes: leaves.map((l) => l.leafHash) })
  // Rows travel as a few text arrays (hex for bytes) unnested by the server: binding three parameters per row made
  // large batches spend their time on parameters (measured 2.5x slower on PGlite).
  const rows = await q.query(
    `WITH u AS (
       UPDATE medseal_logs SET size = $2::int8 WHERE name = $1 AND size = $3::int8 RETURNING 1
     ), e AS (
       INSERT INTO medseal_log_entries (log, idx, leaf_data, leaf_hash)
       SELECT $1, $3::int8 + t.o - 1, decode(t.d, 'hex'), decode(t.h, 'hex')
       FROM unnest($4::text[], $5::text[]) WITH ORDINALITY AS t(d, h, o) WHERE EXISTS (SELECT 1 FROM u)
     ), n AS (
       INSERT INTO medseal_log_nodes (log, level, idx, hash)
       SELECT $1, t.l::int2, t.i::int8, decode(t.h, 'hex')
       FROM unnest($6::text[], $7::text[], $8::text[]) AS t(l, i, h) WHERE EXISTS (SELECT 1 FROM u)
     ), r AS (
       INSERT INTO medseal_custodian_releases (consent_key, body)
       SELECT t.k, t.b FROM unnest($9::text[], $10::text[]) WITH ORDINALITY AS t(k, b, o)
       WHERE EXISTS (SELECT 1 FROM u) ORDER BY t.o
     ), cur AS (
       SELECT size FROM medseal_logs WHERE name = $1 AND NOT EXISTS (SELECT 1 FROM u)
     ), bk AS (
       SELECT b::int2 AS level, ((SELECT size FROM cur) >> b) - 1 AS idx FROM generate_series(0, 62) AS b
       WHERE (((SELECT size FROM cur) >> b) & 1::int8) = 1
     )
     SELECT (SELECT count(*)::int4 FROM u) AS done, (SELECT size FROM cur) AS size,
            (SELECT array_agg(encode(CASE WHEN bk.level = 0
               THEN (SELECT leaf_hash FROM medseal_log_entries WHERE log = $1 AND idx = bk.idx)
               ELSE (SELECT hash FROM medseal_log_nodes WHERE log = $1 AND level = bk.level AND idx = bk.idx) END,
             'hex') ORDER BY bk.level DESC) FROM bk) AS border`,
    [
      name,
      plan.size,
      size,
      leaves.map((l) => bytesToHex(l.leafData)),
      leaves.map((l) => bytesToHex(l.leafHash)),
      plan.nodes.map((n) => String(n.level)),
      plan.nodes.map((n) => String(n.index)),
      plan.nodes.map((n) => bytesToHex(n.hash)),
      releases.map((r) => r[0]),
      releases.map((r) => r[1]),
    ],
    { name: 'medseal_log_append' },
  )
  if (rows[0]?.done !== 1) return { ok: false, current: borderOf(rows[0]?.size, rows[0]?.border ?? []) }
  // the new border: each of its nodes is an old border node, a node the append made, or a new leaf
  const known = new Map<string, Uint8Array>()
  borderKeys.forEach((k, i) => {
    known.set(`${k.level}:${k.index}`, border[i] as Uint8Array)
  })
  for (const n of plan.nodes) known.set(`${n.level}:${n.index}`, n.hash)
  leaves.forEach((l, i) => {
    known.set(`0:${size + i}`, l.leafHash)
  })
  const hashes = accessLogBorderKeys(plan.size).map((k) => known.get(`${k.level}:${k.index}`) as Uint8Array)
  return Object.freeze({
    ok: true as const,
    result: Object.freeze({ firstIndex: size, size: plan.size }),
    border: { size: plan.size, hashes: hashes.map((h) => h.slice()) },
  })
}

/**
 * The {@link AccessLogStore} of log `name` in `db` (internal: reached through `createPostgresStores`). Appends lock
 * the log's row (`SELECT … FOR UPDATE`), so appends from several processes to one PostgreSQL database form one tree.
 * @internal
 */
export function _createAccessLogStore(db: SqlDatabase, name: string): AccessLogStore {
  type Append = { readonly leaves: readonly AccessLogLeaf[]; readonly releases: readonly _ReleaseRow[] }
  /** How many of the waiting appends the next group takes: up to {@link _MAX_GROUP_LEAVES} leaves (at least one). */
  const take = (waiting: readonly Append[]): number => {
    let n = 0
    let leaves = 0
    while (n < waiting.length && (n === 0 || leaves + (waiting[n] as Append).leaves.length <= _MAX_GROUP_LEAVES))
      leaves += (waiting[n++] as Append).leaves.length
    return n
  }
  /** Writes one group in one unit of work; each append answered with the indexes of its own leaves. */
  const writeGroup = async (group: readonly Append[]): Promise<PromiseSettledResult<AccessLogAppendResult>[]> => {
    const leaves = group.length === 1 ? (group[0] as Append).leaves : group.flatMap((w) => w.leaves)
    const releases = group.flatMap((w) => w.releases)
    // With the border this process committed last, one guarded statement (one round trip, atomic alone). When
    // another process appended since, the guard fails and the statement answers the log's size and border:
    // one more try with those (processes take turns on the log without a transaction). After a few lost
    // races, or with nothing cached, a transaction that locks the log's row and reads its size and border.
    // A throw (the transaction rolled back: nothing of any append in it was stored) fails the whole group.
    let written: _WriteAppendResult | undefined
    let cached = state.border
    for (let attempt = 0; cached && attempt < GUARDED_TRIES && !written?.ok; attempt++) {
      written = await _writeAppend(db, name, cached.size, cached.hashes, leaves, releases)
      if (!written.ok) cached = written.current
    }
    const { result, border } = written?.ok
      ? written
      : await db.transaction((tx) => _appendInTx(tx, name, leaves, state.border, releases))
    state.border = border // committed
    let at = result.firstIndex
    return group.map((w) => {
      const value = Object.freeze({ firstIndex: at, size: result.size })
      at += w.leaves.length
      return { status: 'fulfilled', value }
    })
  }
  const append = _createBatcher(writeGroup, take)
  const state: _SqlLogState = {
    db,
    name,
    border: undefined,
    enqueue(leaves, releases = []) {
      checkLeaves(leaves)
      return append({ leaves, releases })
    },
  }
  const store: AccessLogStore = Object.freeze({
    async size() {
      const rows = await db.query('SELECT size FROM medseal_logs WHERE name = $1', [name])
      return (rows[0]?.size as number | undefined) ?? 0
    },
    async get(index: number): Promise<AccessLogEntry | undefined> {
      if (!Number.isSafeInteger(index) || index < 0)
        throw new InvalidArgumentError('OUT_OF_RANGE', 'index must be a non-negative integer.')
      const rows = await db.query(
        'SELECT leaf_data, leaf_hash FROM medseal_log_entries WHERE log = $1 AND idx = $2::int8',
        [name, index],
      )
      const r = rows[0]
      if (!r) return undefined
      return Object.freeze({ index, leafData: r.leaf_data as Uint8Array, leafHash: r.leaf_hash as Uint8Array })
    },
    async getNodes(keys: readonly AccessLogNodeKey[]) {
      if (!Array.isArray(keys)) throw new InvalidArgumentError('INVALID_TYPE', 'keys must be an array.')
      return Object.freeze(await _readNodes(db, name, keys))
    },
    async append(leaves: readonly AccessLogLeaf[]) {
      return state.enqueue(leaves)
    },
  })
  _sqlLogStores.set(store, state)
  return store
}
