/**
 * The store conformance harness over a {@link SqlDatabase} factory — test helper, not a test file.
 */
import { createMemoryLedger } from '@medseal/adapter-memory'
import { describeStoreConformance, type StoreConformanceSet } from '@medseal/core/testing'
import { createPostgresStores, type PostgresStores, type SqlDatabase } from '@medseal/store-postgres'
import { tamperPostgresStores } from '@medseal/store-postgres/testing'

const LOG = 'conformance'
const ANCHOR = 'conformance'

const setOf = (stores: PostgresStores): StoreConformanceSet => ({
  accessLog: stores.accessLog({ name: LOG }),
  custodian: stores.custodian,
  breakGlass: stores.breakGlass,
  anchor: stores.anchor({ name: ANCHOR }),
  syncCheckpoints: stores.syncCheckpoints({ name: 'conformance' }),
})

/** Drops every table (the schema) so that the next createPostgresStores starts from an empty database. */
export async function resetSchema(db: SqlDatabase): Promise<void> {
  await db.query('DROP SCHEMA public CASCADE')
  await db.query('CREATE SCHEMA public')
}

/**
 * Registers the conformance suite. `fresh()` gives an empty database for one test (and, where the engine allows
 * several clients, a function opening a second client of the same database).
 */
export function describePostgresConformance(
  name: string,
  fresh: () => Promise<{
    db: SqlDatabase
    second?: () => SqlDatabase
    /** Closes `db` and opens the same database again (a restarted process). */
    reopen?: () => Promise<SqlDatabase>
    cleanup: () => Promise<void>
  }>,
  options: { largeLogEntries?: number } = {},
): void {
  describeStoreConformance(name, {
    ...options,
    timeoutMs: 120_000,
    createLedger: () => createMemoryLedger({ id: 'stores' }),
    create: async () => {
      const { db, second, reopen, cleanup } = await fresh()
      const opened: SqlDatabase[] = []
      const stores = await createPostgresStores({ db })
      return {
        stores: setOf(stores),
        ...(second
          ? {
              openSecond: async () => {
                const other = second()
                opened.push(other)
                return setOf(await createPostgresStores({ db: other }))
              },
            }
          : {}),
        ...(reopen ? { reopen: async () => setOf(await createPostgresStores({ db: await reopen() })) } : {}),
        tamper: (target) => tamperPostgresStores({ db, target, logName: LOG, anchorName: ANCHOR }),
        cleanup: async () => {
          await Promise.all(opened.map((d) => d.close()))
          await cleanup()
        },
      }
    },
  })
}
