/**
 * Opens PGlite on a directory, locked to this instance. Node only.
 * @module
 */
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { InvalidArgumentError, StoreError } from '@medseal/core'
import { createPgliteDatabase, type PgliteLike } from '../db/createPgliteDatabase.js'
import type { SqlDatabase } from '../db/types.js'
import { _lockDirectory } from './_dirLock.js'
import { _openPgliteWorker } from './_pgliteWorkerDatabase.js'

/** Parameters of {@link openPgliteDirectory}. */
export type OpenPgliteDirectoryParameters = {
  /** The data directory (created when missing; the first open of a new one initializes it, which takes seconds). */
  readonly dataDir: string
  /**
   * Where PGlite runs: on its own `node:worker_threads` worker (`true`, the default), so its WebAssembly PostgreSQL
   * does not hold this thread's event loop (a service keeps parsing HTTP and doing the custodian's cryptography while
   * SQL runs on another core); or on the calling thread (`false`: one thread fewer, for a bundle that cannot ship the
   * package's `dist/pgliteWorker.mjs` beside its entry).
   */
  readonly worker?: boolean
}

/** What {@link openPgliteDirectory} throws. */
export type OpenPgliteDirectoryErrorType = InvalidArgumentError | StoreError

/**
 * Opens (or creates) a PGlite database in `dataDir` and returns it as a {@link SqlDatabase}, holding an exclusive lock
 * on the directory until `close()`. PGlite does not lock its directory itself, and two processes that open one
 * directory corrupt it without an error; so a second opener, in this process or another, is refused with
 * `STORE_LOCKED`. A lock left by a process that was killed is taken over.
 *
 * PGlite runs on a worker thread by default (`worker: false`: on the calling thread); the results are the same. On the
 * worker the stores' named statements run prepared (parsed once per database), so it also costs less CPU per statement. A
 * worker that stops (crash, out of memory) fails every pending and later call with `STORE_UNAVAILABLE`. An open
 * database keeps the process alive only while a call is pending.
 *
 * PGlite runs with `fsync=off`: what a transaction committed survives kill -9 of the process (it is in the OS page
 * cache), but not a crash of the operating system or a power loss. Use a PostgreSQL server where that matters.
 *
 * @param params - `dataDir`, optional `worker` (default `true`)
 * @returns the open database; `close()` closes PGlite and releases the lock
 * @throws {@link @medseal/core!StoreError} `STORE_LOCKED` when another PGlite instance has the directory open;
 *   `STORE_UNAVAILABLE` when PGlite cannot open it
 * @example
 * ```ts
 * import { createPostgresStores } from '@medseal/store-postgres'
 * import { openPgliteDirectory } from '@medseal/store-postgres/node'
 * const db = await openPgliteDirectory({ dataDir: './medseal-data' })
 * const stores = await createPostgresStores({ db })
 * // … later
 * await db.close()
 * ```
 */
export async function openPgliteDirectory(params: OpenPgliteDirectoryParameters): Promise<SqlDatabase> {
  const dataDir = params?.dataDir
  if (typeof dataDir !== 'string' || dataDir.length === 0)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'dataDir must be a directory path.')
  const dir = resolve(dataDir)
  try {
    mkdirSync(dir, { recursive: true })
  } catch (e) {
    throw new StoreError('STORE_UNAVAILABLE', 'The PGlite directory could not be created.', { cause: e })
  }
  const unlock = _lockDirectory(dir)
  if (params.worker !== false) {
    try {
      return await _openPgliteWorker({ dataDir: dir, onClose: unlock })
    } catch (e) {
      unlock()
      throw e
    }
  }
  let pglite: PgliteLike
  try {
    const { PGlite } = await import('@electric-sql/pglite')
    pglite = (await PGlite.create(dir)) as unknown as PgliteLike
  } catch (e) {
    unlock()
    if (e instanceof StoreError) throw e
    throw new StoreError('STORE_UNAVAILABLE', 'PGlite could not open the directory.', { cause: e })
  }
  return createPgliteDatabase({ pglite, onClose: unlock })
}
