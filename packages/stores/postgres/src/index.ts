/**
 * `@medseal/store-postgres`: every medseal store (custodian, access log, break-glass, anchorer, sync checkpoints) on
 * SQL that runs unchanged on embedded PGlite and on a PostgreSQL server. This entry has no Node built-ins; opening a
 * PGlite directory (with its lock) and the `pg` driver live in `@medseal/store-postgres/node`.
 * @module
 */
export type {
  CreatePostgresStoresErrorType,
  CreatePostgresStoresParameters,
  PostgresStoreName,
  PostgresStores,
} from './createPostgresStores.js'
export { createPostgresStores } from './createPostgresStores.js'
export type {
  CreatePgliteDatabaseErrorType,
  CreatePgliteDatabaseParameters,
  PgliteLike,
  PgliteQueryable,
  PgliteResult,
} from './db/createPgliteDatabase.js'
export { createPgliteDatabase } from './db/createPgliteDatabase.js'
export type { SqlDatabase, SqlDialect, SqlQueryable, SqlQueryOptions, SqlRow, SqlValue } from './db/types.js'
export type { MigrateErrorType, MigrateReturnType } from './migrations/migrate.js'
export { migrate, SCHEMA_VERSION } from './migrations/migrate.js'
export type { Migration } from './migrations/types.js'
export type {
  CreatePostgresShlStoreErrorType,
  CreatePostgresShlStoreParameters,
} from './stores/shlStore.js'
export { createPostgresShlStore } from './stores/shlStore.js'
