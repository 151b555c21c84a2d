/**
 * `@medseal/store-postgres/node`: what needs Node: PGlite on a directory (locked to one instance) and PostgreSQL
 * servers through `pg`.
 * @module
 */
export type {
  CreatePgDatabaseErrorType,
  CreatePgDatabaseParameters,
  PgPoolLike,
} from './db/createPgDatabase.js'
export { createPgDatabase } from './db/createPgDatabase.js'
export type { OpenPgliteDirectoryErrorType, OpenPgliteDirectoryParameters } from './node/openPgliteDirectory.js'
export { openPgliteDirectory } from './node/openPgliteDirectory.js'
