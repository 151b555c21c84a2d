/**
 * `@medseal/adapter-memory`: the in-process ledger, the default for demos and tests. Browser-safe: no Node built-ins
 * here; file persistence lives in `@medseal/adapter-memory/node`.
 * @module
 */
export type {
  CreateMemoryLedgerErrorType,
  CreateMemoryLedgerParameters,
  CreateMemoryLedgerReturnType,
  MemoryLedgerStore,
} from './createMemoryLedger.js'
export { createMemoryLedger } from './createMemoryLedger.js'
