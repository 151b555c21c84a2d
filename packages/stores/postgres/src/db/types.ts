/**
 * The one SQL surface every store is written against: parameterized queries and transactions, with the same row
 * types on PGlite and on a PostgreSQL server (`int8` as a safe-integer `number`, `bytea` as `Uint8Array`).
 * @module
 */

/**
 * A value bound to a `$n` parameter. `Uint8Array` binds as `bytea`; numbers bind as integers where the SQL casts; an
 * array of strings binds as a `text[]` (for `unnest`: many rows in one parameter).
 */
export type SqlValue = string | number | boolean | null | Uint8Array | readonly string[]

/**
 * A result row, normalized across drivers: `int8` columns are safe-integer numbers (pg returns strings, PGlite numbers
 * or BigInts), `bytea` columns are fresh `Uint8Array`s (pg returns `Buffer`s), `json`/`jsonb` are parsed values.
 */
export type SqlRow = Readonly<Record<string, unknown>>

/** Options of one statement. */
export type SqlQueryOptions = {
  /**
   * Names a statement of fixed text that runs often (the stores' per-release statements): on a PostgreSQL server it is
   * parsed and planned once per connection (a prepared statement) instead of on every call. A name always carries the
   * same text. PGlite on its worker thread (`openPgliteDirectory`) prepares it too (once per database); PGlite on the
   * calling thread runs it like any other.
   */
  readonly name?: string
}

/** Something queries run on: a database, or one transaction of it. */
export type SqlQueryable = {
  /** Runs one parameterized statement and returns its rows (normalized, see {@link SqlRow}). */
  readonly query: (sql: string, params?: readonly SqlValue[], options?: SqlQueryOptions) => Promise<readonly SqlRow[]>
}

/** Which engine runs the SQL. The SQL is the same; only what the engine guarantees across processes differs. */
export type SqlDialect = 'pglite' | 'postgres'

/**
 * A database the stores run on: {@link createPgliteDatabase} (embedded, one process) or `createPgDatabase`
 * (`@medseal/store-postgres/node`, a PostgreSQL server shared by many processes).
 *
 * - `transaction(fn)` runs `fn` in one transaction (READ COMMITTED; stores take row and advisory locks for what must
 *   not interleave) and commits when it resolves; it rolls back when `fn` throws. A transaction that PostgreSQL
 *   aborts for a serialization failure or a deadlock (SQLSTATE 40001 / 40P01) is run again, up to a few times: `fn`
 *   must do nothing but database work.
 * - Failures of the database are `StoreError` `STORE_UNAVAILABLE` (the driver's error is the `cause`).
 * - `close()` ends the connection (and for a PGlite directory, releases its lock). Idempotent.
 */
export type SqlDatabase = SqlQueryable & {
  readonly dialect: SqlDialect
  readonly transaction: <T>(fn: (tx: SqlQueryable) => Promise<T>) => Promise<T>
  readonly close: () => Promise<void>
}
