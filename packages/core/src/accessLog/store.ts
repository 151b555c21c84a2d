/**
 * Where an access log keeps its entries. The log is append-only and so is its store: a custodian implements
 * {@link AccessLogStore} over its database; {@link createMemoryAccessLogStore} is the in-memory default.
 * @module
 */
import { InvalidArgumentError } from '../errors/base.js'

/** One stored entry: the event's canonical bytes and their RFC 9162 leaf hash. */
export type AccessLogEntry = {
  readonly index: number
  /** The event's canonical bytes (see `encodeAccessEvent`). */
  readonly leafData: Uint8Array
  /** `leafHash(leafData)`, 32 bytes. */
  readonly leafHash: Uint8Array
}

/**
 * Storage of an access log. Contract:
 * - `append` stores entry `index` = the current size, durably, before it resolves; if it throws or rejects, the entry
 *   must not be stored (or a later `append` of the same index must replace it): the log then reports
 *   `LOG_APPEND_FAILED` and stays unchanged. Appends are never concurrent.
 * - `size` is the number of entries stored; `get(i)` returns entry `i` (or `undefined` past the end).
 * - Nothing is ever changed or removed: the log checks every entry's leaf hash when it opens and on reads.
 */
export type AccessLogStore = {
  readonly size: () => Promise<number>
  readonly get: (index: number) => Promise<AccessLogEntry | undefined>
  readonly append: (entry: AccessLogEntry) => Promise<void>
}

/**
 * An in-memory {@link AccessLogStore} (the default): entries live as long as the object.
 *
 * @returns a frozen store
 * @example
 * ```ts
 * import { createAccessLog, createMemoryAccessLogStore } from '@medseal/core'
 * const store = createMemoryAccessLogStore()
 * const log = await createAccessLog({ operator, ledger, name: 'access', store })
 * ```
 */
export function createMemoryAccessLogStore(): AccessLogStore {
  const entries: AccessLogEntry[] = []
  return Object.freeze({
    async size() {
      return entries.length
    },
    async get(index: number) {
      const e = entries[index]
      return e && { index: e.index, leafData: e.leafData.slice(), leafHash: e.leafHash.slice() }
    },
    async append(entry: AccessLogEntry) {
      if (entry.index !== entries.length) {
        throw new InvalidArgumentError('OUT_OF_RANGE', 'Entries must be appended in order.')
      }
      entries.push({ index: entry.index, leafData: entry.leafData.slice(), leafHash: entry.leafHash.slice() })
    },
  })
}
