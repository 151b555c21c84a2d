/**
 * Per-identity token buckets: `burst` requests at once, refilled at `perSecond`. Bounded: at most `maxKeys` buckets
 * are kept (a full bucket carries no information and is dropped first; then the oldest).
 * @module
 */

/** Rate-limit settings of the handler. */
export type RateLimitOptions = {
  /** Requests allowed at once per identity (default 60). */
  readonly burst?: number
  /** Refill, requests per second per identity (default 20). */
  readonly perSecond?: number
  /** At most this many identities are tracked (default 10,000). */
  readonly maxKeys?: number
  /**
   * A pre-authentication key for the request (e.g. the client address your proxy puts in a header), limited before the
   * body is read; `undefined` skips it. The signed identity (the recovered signer) is limited as well, after parsing.
   */
  readonly clientKey?: (request: Request) => string | undefined
  /** The clock in milliseconds (default `Date.now`; tests inject one). */
  readonly now?: () => number
}

/** @internal */
export type RateLimiter = {
  /** `0` when allowed (and a token taken), else the whole seconds to wait. */
  take(key: string): number
}

/** @internal */
export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const burst = options.burst ?? 60
  const perSecond = options.perSecond ?? 20
  const maxKeys = options.maxKeys ?? 10_000
  const now = options.now ?? Date.now
  if (!(burst >= 1) || !(perSecond > 0) || !(maxKeys >= 1)) throw new RangeError('rateLimit: burst >= 1, perSecond > 0')
  const buckets = new Map<string, { tokens: number; at: number }>()
  const evict = (t: number) => {
    for (const [k, b] of buckets) {
      if (b.tokens + ((t - b.at) / 1000) * perSecond >= burst) buckets.delete(k)
      if (buckets.size < maxKeys) return
    }
    const first = buckets.keys().next()
    if (!first.done) buckets.delete(first.value)
  }
  return {
    take(key) {
      const t = now()
      let b = buckets.get(key)
      if (b === undefined) {
        if (buckets.size >= maxKeys) evict(t)
        b = { tokens: burst, at: t }
        buckets.set(key, b)
      } else {
        b.tokens = Math.min(burst, b.tokens + (Math.max(0, t - b.at) / 1000) * perSecond)
        b.at = t
      }
      if (b.tokens >= 1) {
        b.tokens -= 1
        return 0
      }
      return Math.max(1, Math.ceil((1 - b.tokens) / perSecond))
    },
  }
}
