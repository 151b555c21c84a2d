/**
 * `@medseal/store-postgres/testing`: a throwaway PostgreSQL server for tests (Node only).
 * @module
 */
export type {
  PostgresServer,
  StartPostgresErrorType,
  StartPostgresParameters,
} from './startPostgres.js'
export { startPostgres } from './startPostgres.js'
export type { TamperPostgresStoresParameters } from './tamperPostgresStores.js'
export { tamperPostgresStores } from './tamperPostgresStores.js'
