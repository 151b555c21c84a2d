/**
 * Checkpoints of a sync: what was sealed, anchored and written back, so an interrupted sync resumes without sealing
 * anything twice and without losing a receipt.
 * @module
 */
import type { Receipt } from '../anchor/receipt.js'
import { InvalidArgumentError } from '../errors/base.js'
import type { Hex } from '../types.js'

/**
 * What a sync has done for one resource version. Written in phases: `sealed` (commitment and envelope) before the
 * commitment is given to the anchorer, then `receipt` once the anchor is confirmed, then the ids written back.
 */
export type SyncCheckpoint = {
  /** `Type/id/_history/versionId`, or `Type/id@contentId` when the server gives no versionId. */
  readonly key: string
  readonly resourceType: string
  readonly id: string
  readonly versionId: string | undefined
  /** The content id (CIDv1) of the canonical form. */
  readonly contentId: string
  /** The record's commitment (what is anchored). */
  readonly commitment: Hex
  /** The encoded envelope (`encodeEnvelope`). */
  readonly envelope: Uint8Array
  /** The anchor receipt; present only once the anchor is confirmed. */
  readonly receipt?: Receipt
  /** Id of the Provenance written back. */
  readonly provenanceId?: string
  /** Id of the Binary holding the envelope, when envelopes are stored. */
  readonly binaryId?: string
}

/**
 * Where a sync keeps its checkpoints (`syncPatient` in `@medseal/fhir/sync` takes one). Implementations:
 * `@medseal/store-postgres`, `@medseal/store-indexeddb`, {@link createMemorySyncCheckpointStore}.
 *
 * Crash rule: `put` is atomic and durable when it resolves (after a kill -9 the store holds the old checkpoint or
 * the new one, whole); the sync writes phase by phase, so a resumed sync seals nothing twice and loses no receipt.
 */
export type SyncCheckpointStore = {
  /** The checkpoint of a key, if any. */
  readonly get: (key: string) => Promise<SyncCheckpoint | undefined>
  /** Stores (replaces) the checkpoint of `entry.key`, atomically. Must be durable when it resolves. */
  readonly put: (entry: SyncCheckpoint) => Promise<void>
  /**
   * Optional: stores (replaces) several checkpoints at once, all or none (one transaction), durable when it resolves.
   * A sync writes a whole chunk's phase with it; without it, it calls `put` once per entry.
   */
  readonly putMany?: (entries: readonly SyncCheckpoint[]) => Promise<void>
  /** Every checkpoint, in insertion order (of first `put`). */
  readonly list: () => Promise<readonly SyncCheckpoint[]>
}

/**
 * An in-memory {@link SyncCheckpointStore} (the default): resumes within one process.
 *
 * @returns a frozen store
 * @example
 * ```ts
 * import { createMemorySyncCheckpointStore } from '@medseal/core'
 * const checkpoint = createMemorySyncCheckpointStore()
 * await checkpoint.list() // []
 * ```
 */
export function createMemorySyncCheckpointStore(): SyncCheckpointStore {
  const entries = new Map<string, SyncCheckpoint>()
  const copy = (e: SyncCheckpoint): SyncCheckpoint => Object.freeze({ ...e, envelope: e.envelope.slice() })
  const check = (entry: SyncCheckpoint) => {
    if (typeof entry !== 'object' || entry === null || typeof entry.key !== 'string') {
      throw new InvalidArgumentError('INVALID_TYPE', 'A checkpoint must be an object with a string key.')
    }
  }
  return Object.freeze({
    async get(key: string) {
      const e = entries.get(key)
      return e && copy(e)
    },
    async put(entry: SyncCheckpoint) {
      check(entry)
      entries.set(entry.key, copy(entry))
    },
    async putMany(list: readonly SyncCheckpoint[]) {
      if (!Array.isArray(list)) throw new InvalidArgumentError('INVALID_TYPE', 'putMany takes an array of checkpoints.')
      for (const entry of list) check(entry) // all or none: check every entry before storing any
      for (const entry of list) entries.set(entry.key, copy(entry))
    },
    async list() {
      return [...entries.values()].map(copy)
    },
  })
}
