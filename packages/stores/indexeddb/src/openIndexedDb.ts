/**
 * Opens the IndexedDB database that every `@medseal/store-indexeddb` store lives in.
 * @module
 */
import { InvalidArgumentError, StoreError } from '@medseal/core'
import { type IDBPDatabase, openDB } from 'idb'
import { SCHEMA_VERSION, upgrade } from './_schema.js'

/** Parameters of {@link openIndexedDb}. */
export type OpenIndexedDbParameters = {
  /** The database name (per origin), 1 to 256 characters. Default: `medseal`. */
  readonly name?: string
  /**
   * How hard a committed write is pushed to disk. `strict` (the default) asks the browser to flush before it reports
   * the commit; `relaxed` lets it report once the write reached the operating system (kept when the browser is killed,
   * lost when the machine loses power). See the package README.
   */
  readonly durability?: 'strict' | 'relaxed'
}

/** An open medseal database: give it to the `createIndexedDb*Store` factories. */
export type IndexedDb = {
  /** The database name. */
  readonly name: string
  /** The schema version it is at (see the README). */
  readonly version: number
  /** The durability every store transaction asks for. */
  readonly durability: 'strict' | 'relaxed'
  /** The open `idb` connection (for the stores of this package). */
  readonly connection: IDBPDatabase
  /** Closes the connection once its transactions finished; later store calls fail with `STORE_UNAVAILABLE`. */
  close(): void
}

/** Errors {@link openIndexedDb} throws. */
export type OpenIndexedDbErrorType = InvalidArgumentError | StoreError

/**
 * Opens (creating or upgrading) the medseal database `name`. Several stores share it, so that a key release and its
 * access-log entry commit in one IndexedDB transaction. Tabs and workers of one origin may open it at once: every
 * atomic unit is one `readwrite` transaction, which the browser runs one after another when their stores overlap.
 *
 * @param params - `name`, `durability` (see {@link OpenIndexedDbParameters})
 * @returns the open database
 * @throws {@link @medseal/core!StoreError} `STORE_VERSION` when the database was written by a newer schema than this code's
 * @throws {@link @medseal/core!StoreError} `STORE_UNAVAILABLE` when IndexedDB is missing or refuses to open (private mode, quota)
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_ARGUMENT` for a bad name or durability
 * @example
 * ```ts
 * import { openIndexedDb, createIndexedDbAccessLogStore } from '@medseal/store-indexeddb'
 * const db = await openIndexedDb({ name: 'medseal' })
 * const store = createIndexedDbAccessLogStore({ db, log: 'access' })
 * ```
 */
export async function openIndexedDb(params: OpenIndexedDbParameters = {}): Promise<IndexedDb> {
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'openIndexedDb takes an object.')
  const name = params.name ?? 'medseal'
  if (typeof name !== 'string' || name.length < 1 || name.length > 256)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'name must be 1 to 256 characters.')
  const durability = params.durability ?? 'strict'
  if (durability !== 'strict' && durability !== 'relaxed')
    throw new InvalidArgumentError('INVALID_ARGUMENT', "durability must be 'strict' or 'relaxed'.")
  if (typeof globalThis.indexedDB?.open !== 'function')
    throw new StoreError('STORE_UNAVAILABLE', 'IndexedDB is not available here.')
  let connection: IDBPDatabase
  try {
    connection = await openDB(name, SCHEMA_VERSION, {
      upgrade: (db, oldVersion) => upgrade(db, oldVersion),
      // another tab holds an older version open: it is asked to close (see `blocking` below) and the open waits
      blocking: () => connection?.close(),
    })
  } catch (cause) {
    if ((cause as { name?: unknown } | null)?.name === 'VersionError')
      throw new StoreError('STORE_VERSION', 'The database was written by a newer version of medseal.', {
        cause,
        details: `This code reads schema version ${SCHEMA_VERSION} and below.`,
      })
    throw new StoreError('STORE_UNAVAILABLE', 'The IndexedDB database could not be opened.', { cause })
  }
  return Object.freeze({
    name,
    version: SCHEMA_VERSION,
    durability,
    connection,
    close: () => connection.close(),
  })
}
