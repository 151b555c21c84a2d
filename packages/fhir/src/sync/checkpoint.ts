/**
 * Checkpoints of a sync: what was sealed, anchored and written back, so an interrupted sync resumes without sealing
 * anything twice and without losing a receipt. The store interface lives in `@medseal/core` (so that store packages
 * need not depend on this one); re-exported here.
 * @module
 */
export type { SyncCheckpoint, SyncCheckpointStore } from '@medseal/core'
export { createMemorySyncCheckpointStore } from '@medseal/core'
