/**
 * `@medseal/store-indexeddb`: medseal's durable stores for browsers (pages and workers), on IndexedDB through `idb`.
 * One database holds every store, so that a key release and its access-log entry commit in one transaction.
 * @module
 */
export type {
  CreateIndexedDbAccessLogStoreErrorType,
  CreateIndexedDbAccessLogStoreParameters,
} from './createIndexedDbAccessLogStore.js'
export { createIndexedDbAccessLogStore } from './createIndexedDbAccessLogStore.js'
export type {
  CreateIndexedDbAnchorStoreErrorType,
  CreateIndexedDbAnchorStoreParameters,
} from './createIndexedDbAnchorStore.js'
export { createIndexedDbAnchorStore } from './createIndexedDbAnchorStore.js'
export type {
  CreateIndexedDbBreakGlassStoreErrorType,
  CreateIndexedDbBreakGlassStoreParameters,
} from './createIndexedDbBreakGlassStore.js'
export { createIndexedDbBreakGlassStore } from './createIndexedDbBreakGlassStore.js'
export type {
  CreateIndexedDbCustodianStoreErrorType,
  CreateIndexedDbCustodianStoreParameters,
} from './createIndexedDbCustodianStore.js'
export { createIndexedDbCustodianStore } from './createIndexedDbCustodianStore.js'
export type {
  CreateIndexedDbSyncCheckpointStoreErrorType,
  CreateIndexedDbSyncCheckpointStoreParameters,
} from './createIndexedDbSyncCheckpointStore.js'
export { createIndexedDbSyncCheckpointStore } from './createIndexedDbSyncCheckpointStore.js'
export type { IndexedDb, OpenIndexedDbErrorType, OpenIndexedDbParameters } from './openIndexedDb.js'
export { openIndexedDb } from './openIndexedDb.js'
