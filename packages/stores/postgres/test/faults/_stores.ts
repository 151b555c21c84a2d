/**
 * Opens the durable stores of a fault test on PGlite (a directory, locked to one process) or on a PostgreSQL server.
 * @module
 */
import type { AccessLogStore, AnchorStore, CustodianStore, SyncCheckpointStore } from '@medseal/core'
import { createPostgresStores, type SqlDatabase } from '@medseal/store-postgres'
import { createPgDatabase, openPgliteDirectory } from '@medseal/store-postgres/node'
import pg from 'pg'
import { FAULT_LOG_NAME, type FaultBackend } from './_shared.js'

/** The stores a fault worker uses, and how to close them. */
export type FaultStores = {
  readonly db: SqlDatabase
  readonly custodian: CustodianStore
  readonly accessLog: AccessLogStore
  readonly anchorer: AnchorStore
  readonly syncCheckpoints: SyncCheckpointStore
  close(): Promise<void>
}

/** Opens the stores on `backend` (`poolMax`: connections of the PostgreSQL pool, default 4). */
export async function openFaultStores(
  backend: FaultBackend,
  options: { readonly poolMax?: number } = {},
): Promise<FaultStores> {
  const db =
    backend.kind === 'pglite'
      ? await openPgliteDirectory({ dataDir: backend.dir, ...(backend.worker === false ? { worker: false } : {}) })
      : createPgDatabase({ pool: new pg.Pool({ connectionString: backend.url, max: options.poolMax ?? 4 }) })
  const stores = await createPostgresStores({ db })
  return {
    db,
    custodian: stores.custodian,
    accessLog: stores.accessLog({ name: FAULT_LOG_NAME }),
    anchorer: stores.anchor(),
    syncCheckpoints: stores.syncCheckpoints(),
    close: () => db.close(),
  }
}
