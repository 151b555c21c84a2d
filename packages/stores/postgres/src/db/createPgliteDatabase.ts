/**
 * A {@link SqlDatabase} over an embedded PGlite instance.
 * @module
 */
import { InvalidArgumentError, type StoreError } from '@medseal/core'
import { _normalizeRows, _retryTransaction, _wrapDbError } from './_normalize.js'
import type { SqlDatabase, SqlQueryable, SqlValue } from './types.js'

/** Rows and field descriptions of a PGlite query, as these stores read them. */
export type PgliteResult = {
  readonly rows: Record<string, unknown>[]
  readonly fields: readonly { readonly name: string; readonly dataTypeID: number }[]
}
/** The query method of PGlite (and of a PGlite transaction) these stores use. */
export type PgliteQueryable = { query(sql: string, params?: unknown[]): Promise<PgliteResult> }

/**
 * The part of `@electric-sql/pglite`'s `PGlite` these stores use (0.5.x and 0.6.x), so that the package does not
 * pin one PGlite for its callers.
 */
export type PgliteLike = PgliteQueryable & {
  transaction<T>(fn: (tx: PgliteQueryable) => Promise<T>): Promise<T>
  close(): Promise<void>
  readonly closed?: boolean
}

/** Parameters of {@link createPgliteDatabase}. */
export type CreatePgliteDatabaseParameters = {
  /** An open PGlite instance (`await PGlite.create()` in memory, `'idb://name'` in a browser). */
  readonly pglite: PgliteLike
  /** Run when the database closes, after PGlite closed (e.g. to release a directory lock). */
  readonly onClose?: () => void | Promise<void>
}

/** What {@link createPgliteDatabase} throws. */
export type CreatePgliteDatabaseErrorType = InvalidArgumentError | StoreError

const wrap = (q: PgliteQueryable): SqlQueryable =>
  Object.freeze({
    async query(sql: string, params: readonly SqlValue[] = []) {
      const r = await q.query(sql, [...params])
      return _normalizeRows(r.rows, r.fields)
    },
  })

/**
 * Wraps an open PGlite instance as a {@link SqlDatabase}. PGlite is one connection: transactions queue one after the
 * other, and the row locks the stores take never wait inside one instance. A PGlite directory must be opened by one
 * process only: open it with `openPgliteDirectory` (`@medseal/store-postgres/node`), which locks it.
 *
 * @param params - `pglite`, optional `onClose`
 * @returns a frozen database
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_ARGUMENT` when `pglite` is not a PGlite instance
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite'
 * import { createPgliteDatabase, createPostgresStores } from '@medseal/store-postgres'
 * const db = createPgliteDatabase({ pglite: await PGlite.create() }) // in memory
 * const stores = await createPostgresStores({ db })
 * ```
 */
export function createPgliteDatabase(params: CreatePgliteDatabaseParameters): SqlDatabase {
  const { pglite, onClose } = params ?? {}
  if (typeof pglite?.query !== 'function' || typeof pglite.transaction !== 'function')
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'pglite must be an open PGlite instance.')
  let closing: Promise<void> | undefined
  const top = wrap(pglite)
  return Object.freeze({
    dialect: 'pglite' as const,
    async query(sql: string, values?: readonly SqlValue[]) {
      try {
        return await top.query(sql, values)
      } catch (e) {
        throw _wrapDbError(e, 'a query')
      }
    },
    async transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T> {
      return _retryTransaction(() => pglite.transaction((tx) => fn(wrap(tx))))
    },
    close() {
      closing ??= (async () => {
        try {
          if (!pglite.closed) await pglite.close()
        } finally {
          await onClose?.()
        }
      })()
      return closing
    },
  })
}
