/**
 * A bounded memo of a pure function of a string: the hot paths of a custodian compute the same keccak-based values
 * (EIP-55 checksums, addresses of public keys, EIP-712 domain separators and string hashes) for the same few inputs on
 * every request. Only for functions whose result depends on the key alone, so an entry is never stale; results are
 * public values (no secret ever goes in). A caller must not mutate a result it gets (bytes are handed out as held:
 * copy them before giving them to anyone else).
 * @module
 * @internal
 */
import { InvalidArgumentError } from '../errors/base.js'

/** A memo made by {@link createBoundedMemo}. @internal */
export type BoundedMemo<T> = {
  /** The result for `key`: the remembered one, or `compute(key)` (remembered unless it threw). */
  get(key: string): T
  /** Entries held now (at most `maxEntries`). */
  readonly size: number
  readonly maxEntries: number
}

/**
 * A memo of `compute` holding at most `maxEntries` results; when full, the oldest entry is dropped first (first in,
 * first out: a hit costs one `Map` lookup and no reordering). A stream of distinct keys costs one `compute` each, as
 * without the memo, and never more memory than `maxEntries` entries.
 * @internal
 */
export function createBoundedMemo<T>(compute: (key: string) => T, maxEntries: number): BoundedMemo<T> {
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1)
    throw new InvalidArgumentError('OUT_OF_RANGE', 'maxEntries must be a positive integer.')
  const entries = new Map<string, T>()
  return Object.freeze({
    get(key: string): T {
      const hit = entries.get(key)
      if (hit !== undefined) return hit
      const value = compute(key)
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string)
      entries.set(key, value)
      return value
    },
    get size() {
      return entries.size
    },
    maxEntries,
  })
}
