/**
 * Every medseal store over one SQL database (PGlite or PostgreSQL).
 * @module
 */
import {
  type AccessLogStore,
  type AnchorStore,
  type BreakGlassStore,
  type CustodianStore,
  InvalidArgumentError,
  type StoreError,
  type SyncCheckpointStore,
} from '@medseal/core'
import type { SqlDatabase } from './db/types.js'
import { migrate } from './migrations/migrate.js'
import { _name } from './stores/_shared.js'
import { _createAccessLogStore } from './stores/accessLogStore.js'
import { _createAnchorStore } from './stores/anchorStore.js'
import { _createBreakGlassStore } from './stores/breakGlassStore.js'
import { _createCustodianStore } from './stores/custodianStore.js'
import { _createSyncCheckpointStore } from './stores/syncCheckpointStore.js'

/** Parameters of {@link createPostgresStores}. */
export type CreatePostgresStoresParameters = {
  /** The database: `createPgliteDatabase`, `openPgliteDirectory` or `createPgDatabase`. */
  readonly db: SqlDatabase
  /**
   * Most key-request digests the custodian remembers at once (default 1,000,000), as in the memory store. The count
   * is kept in 64 shards by digest (so that concurrent requests do not wait on one counter), each holding its share:
   * a shard that is full answers `'full'` though others have room (digests are hashes, so shards fill evenly).
   */
  readonly maxRememberedRequests?: number
}

/** Names a store where one database holds several (default `'default'`). */
export type PostgresStoreName = { readonly name?: string }

/** What {@link createPostgresStores} returns: the stores of one database. */
export type PostgresStores = {
  /** The database the stores run on (close it when done). */
  readonly db: SqlDatabase
  /** The custodian's store. Its `commitRelease` takes an access log store of this same object. */
  readonly custodian: CustodianStore
  /** Break-glass grants and the review queue. */
  readonly breakGlass: BreakGlassStore
  /** The store of the access log `name` (one tree per name). Returns the same object for the same name. */
  readonly accessLog: (params?: PostgresStoreName) => AccessLogStore
  /** The store of the anchorer `name`. Returns the same object for the same name. */
  readonly anchor: (params?: PostgresStoreName) => AnchorStore
  /** The sync checkpoints of `name` (e.g. one per FHIR server). Returns the same object for the same name. */
  readonly syncCheckpoints: (params?: PostgresStoreName) => SyncCheckpointStore
}

/** What {@link createPostgresStores} throws. */
export type CreatePostgresStoresErrorType = InvalidArgumentError | StoreError

function memo<T>(make: (name: string) => T): (params?: PostgresStoreName) => T {
  const made = new Map<string, T>()
  return (params) => {
    const name = _name(params?.name)
    let store = made.get(name)
    if (store === undefined) {
      store = make(name)
      made.set(name, store)
    }
    return store
  }
}

/**
 * Opens every medseal store on `db`: applies the schema migrations (refusing a database written by a newer schema),
 * then returns frozen stores implementing the interfaces of `@medseal/core`. The same SQL runs on PGlite and on a
 * PostgreSQL server. Everything that must not interleave is decided by PostgreSQL (primary keys for insert-if-absent,
 * `SELECT … FOR UPDATE` on a log's or an anchorer's row, a counter row for the replay memory), never by an
 * in-process lock, so several processes may share one PostgreSQL database. A key release and its access-log entry
 * commit in one transaction (`custodian.commitRelease`), and an append stores its entries, tree nodes and size in one
 * transaction.
 *
 * @param params - `db`, optional `maxRememberedRequests`
 * @returns the stores
 * @throws {@link @medseal/core!StoreError} `STORE_VERSION` for a database of a newer schema; `STORE_UNAVAILABLE` when it fails
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite'
 * import { createPgliteDatabase, createPostgresStores } from '@medseal/store-postgres'
 * const stores = await createPostgresStores({ db: createPgliteDatabase({ pglite: await PGlite.create() }) })
 * const logStore = stores.accessLog({ name: 'access' })
 * await logStore.size() // 0
 * ```
 */
export async function createPostgresStores(params: CreatePostgresStoresParameters): Promise<PostgresStores> {
  const db = params?.db
  if (typeof db?.transaction !== 'function' || typeof db.query !== 'function')
    throw new InvalidArgumentError(
      'INVALID_ARGUMENT',
      'db must be a SqlDatabase (createPgliteDatabase, createPgDatabase).',
    )
  const max = params.maxRememberedRequests ?? 1_000_000
  if (!Number.isSafeInteger(max) || max < 1)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'maxRememberedRequests must be a positive integer.')
  await migrate(db)
  return Object.freeze({
    db,
    custodian: _createCustodianStore(db, max),
    breakGlass: _createBreakGlassStore(db),
    accessLog: memo((name) => _createAccessLogStore(db, name)),
    anchor: memo((name) => _createAnchorStore(db, name)),
    syncCheckpoints: memo((name) => _createSyncCheckpointStore(db, name)),
  })
}
