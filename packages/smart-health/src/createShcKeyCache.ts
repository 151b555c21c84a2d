/**
 * The bounded cache of issuer documents (JWKS and revocation lists) a verifier keeps between cards. The caller
 * creates it and passes it to {@link verifyHealthCard}: no module-level state.
 * @module
 */
import { InvalidArgumentError } from '@medseal/core'

/** Options of {@link createShcKeyCache}. */
export type CreateShcKeyCacheParameters = {
  /** Most documents kept (least recently used go first). 1..100,000, default 256. */
  readonly maxEntries?: number
  /** How long a document is kept, seconds. Default 3,600 (SMART Health Cards suggests caching issuer keys). */
  readonly ttlSeconds?: number
}

/** A cache of fetched issuer documents by URL, frozen. */
export type ShcKeyCache = {
  /** The document cached for `url`, unless older than the TTL at `nowMs`. */
  get(url: string, nowMs: number): unknown
  set(url: string, value: unknown, nowMs: number): void
  delete(url: string): void
  /** Number of documents held. */
  readonly size: number
}

/** Everything {@link createShcKeyCache} can throw. */
export type CreateShcKeyCacheErrorType = InvalidArgumentError

/**
 * Creates a bounded LRU cache of issuer documents.
 *
 * @param params - `maxEntries` (default 256), `ttlSeconds` (default 3,600)
 * @returns the cache
 * @throws {@link @medseal/core!InvalidArgumentError} `OUT_OF_RANGE` for bad bounds
 * @example
 * ```ts
 * import { createShcKeyCache, verifyHealthCard } from '@medseal/smart-health'
 * const cache = createShcKeyCache({ maxEntries: 100, ttlSeconds: 600 })
 * const card = await verifyHealthCard({ fetch, cache }, { card: scannedText })
 * ```
 */
export function createShcKeyCache(params: CreateShcKeyCacheParameters = {}): ShcKeyCache {
  const { maxEntries = 256, ttlSeconds = 3600 } = params
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1 || maxEntries > 100_000)
    throw new InvalidArgumentError('OUT_OF_RANGE', 'maxEntries must be an integer from 1 to 100,000.')
  if (!Number.isFinite(ttlSeconds) || ttlSeconds < 0)
    throw new InvalidArgumentError('OUT_OF_RANGE', 'ttlSeconds must be a non-negative number.')
  const entries = new Map<string, { value: unknown; at: number }>()
  return Object.freeze({
    get(url: string, nowMs: number) {
      const e = entries.get(url)
      if (!e) return undefined
      entries.delete(url)
      if (nowMs - e.at > ttlSeconds * 1000 || nowMs < e.at) return undefined
      entries.set(url, e) // most recently used last
      return e.value
    },
    set(url: string, value: unknown, nowMs: number) {
      entries.delete(url)
      entries.set(url, { value, at: nowMs })
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string)
    },
    delete(url: string) {
      entries.delete(url)
    },
    get size() {
      return entries.size
    },
  })
}
