/**
 * Versioned schema migrations, applied when stores open.
 * @module
 */
import { StoreError } from '@medseal/core'
import type { SqlDatabase } from '../db/types.js'
import { MIGRATIONS } from './list.js'

/** The schema version this package writes (the number of the last migration). */
export const SCHEMA_VERSION: number = MIGRATIONS.length

/**
 * Key of the transaction-level advisory lock every migration run takes first, so that two processes opening one
 * fresh database do not both create it (an arbitrary constant: 'medseal' in ASCII).
 */
const MIGRATION_LOCK = 0x6d65647365616cn.toString()

/** What {@link migrate} returns. */
export type MigrateReturnType = {
  /** The schema version before. 0 for a fresh database. */
  readonly from: number
  /** The schema version now ({@link SCHEMA_VERSION}). */
  readonly to: number
}

/** What {@link migrate} throws. */
export type MigrateErrorType = StoreError

/**
 * Brings the database to {@link SCHEMA_VERSION}, in one transaction: every pending migration and the new version in
 * `medseal_schema` commit together or not at all (PostgreSQL DDL is transactional). Two processes migrating at once
 * are serialized by an advisory lock. A database written by a newer schema is refused: this code would not know its
 * rules.
 *
 * @param db - the database
 * @returns the versions before and after
 * @throws {@link @medseal/core!StoreError} `STORE_VERSION` when the database's schema is newer than this package's;
 *   `STORE_UNAVAILABLE` when the database fails
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite'
 * import { createPgliteDatabase, migrate } from '@medseal/store-postgres'
 * const db = createPgliteDatabase({ pglite: await PGlite.create() })
 * await migrate(db) // { from: 0, to: SCHEMA_VERSION }
 * ```
 */
export async function migrate(db: SqlDatabase): Promise<MigrateReturnType> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`)
    await tx.query(
      `CREATE TABLE IF NOT EXISTS medseal_schema (
         id boolean PRIMARY KEY DEFAULT true CHECK (id),
         version integer NOT NULL CHECK (version >= 0)
       )`,
    )
    const rows = await tx.query('SELECT version FROM medseal_schema')
    const from = rows.length === 0 ? 0 : Number(rows[0]?.version)
    if (!Number.isSafeInteger(from) || from < 0)
      throw new StoreError('STORE_CORRUPT', 'The schema version row is not a version number.')
    if (from > SCHEMA_VERSION)
      throw new StoreError('STORE_VERSION', 'The database was written by a newer version of @medseal/store-postgres.', {
        metaMessages: [`Schema version ${from}; this package knows versions up to ${SCHEMA_VERSION}.`],
      })
    for (const m of MIGRATIONS.slice(from)) for (const statement of m.statements) await tx.query(statement)
    if (from < SCHEMA_VERSION) {
      await tx.query(
        `INSERT INTO medseal_schema (id, version) VALUES (true, $1)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version`,
        [SCHEMA_VERSION],
      )
    }
    return { from, to: SCHEMA_VERSION }
  })
}
