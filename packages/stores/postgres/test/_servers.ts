/**
 * Shared test setup: the databases every store test runs on (PGlite in memory, PGlite on a directory, a PostgreSQL
 * server started for the file) — test helper, not a test file.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { createPgliteDatabase, type SqlDatabase } from '@medseal/store-postgres'
import { createPgDatabase, openPgliteDirectory } from '@medseal/store-postgres/node'
import { type PostgresServer, startPostgres } from '@medseal/store-postgres/testing'
import pg from 'pg'

/** A fresh in-memory PGlite database. */
export async function memoryPglite(): Promise<SqlDatabase> {
  return createPgliteDatabase({ pglite: await PGlite.create() })
}

/** A fresh PGlite database on a new directory; `cleanup` closes it and removes the directory. */
export async function directoryPglite(): Promise<{ db: SqlDatabase; dir: string; cleanup: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'medseal-pglite-'))
  const db = await openPgliteDirectory({ dataDir: dir })
  return {
    db,
    dir,
    async cleanup() {
      await db.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

let counter = 0

/** A fresh database on `server` and `n` independent pools on it (as `n` processes would have). */
export async function serverDatabases(server: PostgresServer, n = 1): Promise<SqlDatabase[]> {
  const { open } = await serverDatabase(server)
  return Array.from({ length: n }, open)
}

/** A fresh database on `server`: its URL and `open()` for one more independent pool on it. */
export async function serverDatabase(server: PostgresServer): Promise<{ url: string; open: () => SqlDatabase }> {
  const url = await server.createDatabase(`t${process.pid}_${++counter}`)
  return { url, open: () => createPgDatabase({ pool: new pg.Pool({ connectionString: url, max: 4 }) }) }
}

export { startPostgres }
