/**
 * `@medseal/adapter-memory/node`: the memory ledger persisted to a file, crash-safe. Node only.
 * @module @medseal/adapter-memory/node
 */
export type {
  CreateFileLedgerErrorType,
  CreateFileLedgerParameters,
  FileLedger,
} from './createFileLedger.js'
export { createFileLedger } from './createFileLedger.js'
export type { CreateFileStoreErrorType, CreateFileStoreParameters, FileStore } from './createFileStore.js'
export { createFileStore } from './createFileStore.js'
