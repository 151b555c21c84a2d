/**
 * A {@link SqlDatabase} over a PostgreSQL server, through a node-postgres (`pg`) pool. Node only.
 * @module
 */
import { InvalidArgumentError, type StoreError } from '@medseal/core'
import { type _Field, _normalizeRows, _retryTransaction, _wrapDbError } from './_normalize.js'
import type { SqlDatabase, SqlQueryable, SqlQueryOptions, SqlValue } from './types.js'

type PgResult = { readonly rows: Record<string, unknown>[]; readonly fields: readonly _Field[] }
/** A statement as `pg` takes it: text, or a named (prepared) statement with its values. */
type PgStatement = string | { readonly name: string; readonly text: string; readonly values: unknown[] }
type PgClientLike = {
  query(sql: PgStatement, params?: unknown[]): Promise<PgResult>
  release(err?: Error | boolean): void
}

/** The part of `pg`'s `Pool` these stores use. */
export type PgPoolLike = {
  query(sql: PgStatement, params?: unknown[]): Promise<PgResult>
  connect(): Promise<PgClientLike>
  end(): Promise<void>
  on?(event: 'error' | 'connect', listener: (...args: never[]) => void): unknown
}

/** Parameters of {@link createPgDatabase}. */
export type CreatePgDatabaseParameters = {
  /** A `pg` Pool (`new Pool({ connectionString })`). Every process of a deployment may have its own. */
  readonly pool: PgPoolLike
  /** End the pool when the database closes (default true). */
  readonly endPoolOnClose?: boolean
}

/** What {@link createPgDatabase} throws. */
export type CreatePgDatabaseErrorType = InvalidArgumentError | StoreError

// pg binds Buffers as bytea; a plain Uint8Array is turned into one without copying
const toPg = (params: readonly SqlValue[]): unknown[] =>
  params.map((v) => (v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v))

const wrap = (q: { query(sql: PgStatement, params?: unknown[]): Promise<PgResult> }): SqlQueryable =>
  Object.freeze({
    async query(sql: string, params: readonly SqlValue[] = [], options?: SqlQueryOptions) {
      // a named statement is prepared once per connection (pg remembers which names each connection has prepared)
      const r = options?.name
        ? await q.query({ name: options.name, text: sql, values: toPg(params) })
        : await q.query(sql, toPg(params))
      return _normalizeRows(r.rows, r.fields)
    },
  })

/**
 * Wraps a `pg` pool as a {@link SqlDatabase}. Each transaction runs on one pooled connection; the stores take row and
 * advisory locks in PostgreSQL, so any number of processes may share one database.
 *
 * @param params - `pool`, optional `endPoolOnClose`
 * @returns a frozen database
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_ARGUMENT` when `pool` is not a pg pool
 * @example
 * ```ts
 * import pg from 'pg'
 * import { createPostgresStores } from '@medseal/store-postgres'
 * import { createPgDatabase } from '@medseal/store-postgres/node'
 * const db = createPgDatabase({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) })
 * const stores = await createPostgresStores({ db })
 * ```
 */
export function createPgDatabase(params: CreatePgDatabaseParameters): SqlDatabase {
  const { pool, endPoolOnClose = true } = params ?? {}
  if (typeof pool?.query !== 'function' || typeof pool.connect !== 'function')
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'pool must be a pg Pool.')
  let closing: Promise<void> | undefined
  // An idle pooled connection whose server went away (a restart, a crash) makes the pool emit 'error'; without a
  // listener that would end the process. The pool drops that connection itself; the next query reconnects.
  pool.on?.('error', () => {})
  // A connection the server ends while no query runs on it (a shutdown racing close()) emits 'error' on the client;
  // errors of a running query still reject that query.
  pool.on?.('connect', (client: { on?: (event: 'error', listener: () => void) => unknown }) => {
    client.on?.('error', () => {})
  })
  const top = wrap(pool)
  return Object.freeze({
    dialect: 'postgres' as const,
    async query(sql: string, values?: readonly SqlValue[], options?: SqlQueryOptions) {
      try {
        return await top.query(sql, values, options)
      } catch (e) {
        throw _wrapDbError(e, 'a query')
      }
    },
    async transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T> {
      return _retryTransaction(async () => {
        let client: PgClientLike
        try {
          client = await pool.connect()
        } catch (e) {
          // a StoreError: not retried, passed through as it is
          throw _wrapDbError(e, 'to connect')
        }
        let broken: Error | undefined
        try {
          await client.query('BEGIN')
          const result = await fn(wrap(client))
          await client.query('COMMIT')
          return result
        } catch (e) {
          try {
            await client.query('ROLLBACK')
          } catch (rollbackError) {
            // the connection is gone: do not return it to the pool
            broken = rollbackError instanceof Error ? rollbackError : new Error('ROLLBACK failed')
          }
          throw e
        } finally {
          client.release(broken)
        }
      })
    },
    close() {
      closing ??= endPoolOnClose
        ? pool.end().catch((e) => Promise.reject(_wrapDbError(e, 'to close')))
        : Promise.resolve()
      return closing
    },
  })
}
