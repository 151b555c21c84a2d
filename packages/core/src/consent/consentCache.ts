/**
 * A cache of verified consent signatures for {@link authorize}: each consent's EIP-712 signature is recovered once
 * per (ledger domain, consent, signature) instead of on every decision. Only the signature check is cached; every
 * decision still reads the consent, its revocation and the delegation chain from the ledger and checks both clocks.
 * @module
 */
import { InvalidArgumentError } from '../errors/base.js'
import { consentKey } from '../ledger/consentKey.js'
import type { ConsentKey } from '../ledger/types.js'
import type { Address, Hex } from '../types.js'
import { assertDomain, CONSENT_KEYS, isAddress } from './_validate.js'
import type { Consent, LedgerDomain } from './types.js'
import { verifyConsent } from './verifyConsent.js'

/**
 * A bounded cache of verified consent signatures, created by {@link createConsentCache} and passed to
 * {@link authorize} as `{ cache }`. It holds what a signature check proved and nothing a ledger can change: an
 * entry is found only for exactly the same ledger domain, every field of the consent and the same signature bytes,
 * so a ledger that answers with another consent or signature under the same key, a tampered consent, or a consent
 * signed for another ledger is checked afresh (and fails as it would without a cache). Revocations, tombstones,
 * the validity window and the delegation chain are never cached.
 */
export type ConsentCache = {
  /** Most verified consents kept; the least recently used is dropped first. */
  readonly maxEntries: number
  /** Verified consents held now. */
  readonly size: number
  /** Drops every entry (e.g. after rotating to another ledger). */
  clear(): void
}

/** Parameters of {@link createConsentCache}. */
export type CreateConsentCacheParameters = {
  /**
   * Most verified consents kept (least recently used dropped first); default
   * {@link CONSENT_CACHE_DEFAULT_MAX_ENTRIES}. An entry takes about 1.5 KB; size it to the grants in active use.
   */
  readonly maxEntries?: number
}

/** Errors {@link createConsentCache} throws. */
export type CreateConsentCacheErrorType = InvalidArgumentError

/**
 * Default {@link CreateConsentCacheParameters.maxEntries}: 10,000 consents (about 15 MB).
 * @example
 * ```ts
 * import { CONSENT_CACHE_DEFAULT_MAX_ENTRIES, createConsentCache } from '@medseal/core'
 * const cache = createConsentCache({ maxEntries: 4 * CONSENT_CACHE_DEFAULT_MAX_ENTRIES })
 * ```
 */
export const CONSENT_CACHE_DEFAULT_MAX_ENTRIES = 10_000

/** A verified consent and its ledger key (`consentKey(grantor, id)`), both pure functions of the cache key. */
type Entry = { readonly consent: Consent; readonly key: ConsentKey }

const STRING_FIELDS = new Set<string>(['id', 'grantor', 'grantee', 'parent'])
const LIST_FIELDS = new Set<string>(['resourceTypes', 'commitments', 'exclude', 'actions', 'purposes'])

/**
 * A copy of a consent as a ledger returned it, read once, with exactly the twelve consent fields as own data of the
 * simple kinds a consent has (strings, arrays of strings, integers as numbers or bigints); `undefined` for anything
 * else, which is then verified without the cache. The cache key is made from this copy, and the copy is what gets
 * verified, so the key always names what the signature check saw.
 */
function snapshot(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const keys = Object.keys(value)
  if (keys.length !== CONSENT_KEYS.length) return undefined
  const v = value as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const k of keys) {
    const x = v[k]
    if (STRING_FIELDS.has(k)) {
      if (typeof x !== 'string') return undefined
      out[k] = x
    } else if (LIST_FIELDS.has(k)) {
      if (!Array.isArray(x) || x.length > 1024) return undefined
      const list: string[] = []
      for (let i = 0; i < x.length; i++) {
        const item: unknown = x[i]
        if (typeof item !== 'string') return undefined
        list.push(item)
      }
      out[k] = list
    } else if (k === 'notBefore' || k === 'expiresAt' || k === 'delegationDepth') {
      if (typeof x !== 'number' && typeof x !== 'bigint') return undefined
      out[k] = x
    } else return undefined
  }
  return out
}

/** An injective text form of a snapshot, its signature and the domain tag (JSON escapes every string). */
function fingerprint(tag: string, s: Record<string, unknown>, signature: string): string {
  const parts: unknown[] = [tag, signature]
  for (const f of CONSENT_KEYS) {
    const x = s[f]
    parts.push(typeof x === 'bigint' ? `${x}n` : typeof x === 'number' ? `${x}` : x)
  }
  return JSON.stringify(parts)
}

/** An injective text form of a normalized domain. */
function domainTag(d: LedgerDomain): string {
  return 'salt' in d ? `salt:${d.salt}` : `evm:${d.chainId}:${d.verifyingContract.toLowerCase()}`
}

/** Read-through LRU: a hit moves the entry to the most recent end, an insert past `max` drops the oldest. */
function lruGet<V>(map: Map<string, V>, key: string): V | undefined {
  const v = map.get(key)
  if (v !== undefined) {
    map.delete(key)
    map.set(key, v)
  }
  return v
}

function lruSet<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.set(key, value)
  if (map.size > max) map.delete(map.keys().next().value as string)
}

/**
 * The cache's state lives in private fields: only this module's functions can read or fill it (a caller cannot
 * insert an unverified consent), and an object that merely looks like a cache is refused.
 */
class ConsentCacheImpl implements ConsentCache {
  readonly #verified = new Map<string, Entry>()
  readonly #keys = new Map<string, ConsentKey>()
  readonly #addresses = new Map<string, true>()
  #lastDomain: unknown
  #lastTag = ''
  readonly maxEntries: number

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries
    Object.freeze(this)
  }

  get size(): number {
    return this.#verified.size
  }

  clear(): void {
    this.#verified.clear()
    this.#keys.clear()
    this.#addresses.clear()
    this.#lastDomain = undefined
    this.#lastTag = ''
  }

  static isCache(value: unknown): value is ConsentCacheImpl {
    return typeof value === 'object' && value !== null && #verified in value
  }

  /** The domain's tag; a frozen domain object (a ledger's `domain`) is checked once while it stays the same. */
  static tag(cache: ConsentCacheImpl, domain: LedgerDomain): string {
    if (domain === cache.#lastDomain) return cache.#lastTag
    const tag = domainTag(assertDomain(domain))
    if (Object.isFrozen(domain)) {
      cache.#lastDomain = domain
      cache.#lastTag = tag
    }
    return tag
  }

  static verify(cache: ConsentCacheImpl, domain: LedgerDomain, consent: unknown, signature: unknown): Entry {
    const s = typeof signature === 'string' ? snapshot(consent) : undefined
    if (s === undefined) {
      const verified = verifyConsent(domain, { consent: consent as Consent, signature: signature as Hex })
      return { consent: verified, key: consentKey(verified.grantor, verified.id) }
    }
    const fp = fingerprint(ConsentCacheImpl.tag(cache, domain), s, signature as string)
    const hit = lruGet(cache.#verified, fp)
    if (hit !== undefined) return hit
    const verified = verifyConsent(domain, { consent: s as unknown as Consent, signature: signature as Hex })
    const entry: Entry = Object.freeze({ consent: verified, key: consentKey(verified.grantor, verified.id) })
    lruSet(cache.#verified, fp, entry, cache.maxEntries)
    return entry
  }

  static isAddress(cache: ConsentCacheImpl, value: unknown): boolean {
    if (typeof value !== 'string') return false
    if (lruGet(cache.#addresses, value)) return true
    if (!isAddress(value)) return false
    lruSet(cache.#addresses, value, true, cache.maxEntries)
    return true
  }

  static key(cache: ConsentCacheImpl, grantor: Address, id: Hex): ConsentKey {
    const k = `${grantor}/${id}`
    const hit = lruGet(cache.#keys, k)
    if (hit !== undefined) return hit
    const key = consentKey(grantor, id)
    lruSet(cache.#keys, k, key, cache.maxEntries)
    return key
  }
}

/**
 * Creates a cache of verified consent signatures for {@link authorize} (`authorize(ledger, request, { cache })`).
 * Create one per deciding service (a custodian creates its own) and keep it for the service's life: it is bounded
 * (least recently used entries are dropped), holds no secrets, and may be shared by several ledgers (entries are
 * keyed by the ledger's EIP-712 domain as well as the whole consent and signature).
 *
 * @param params - `maxEntries` (default {@link CONSENT_CACHE_DEFAULT_MAX_ENTRIES})
 * @returns a frozen {@link ConsentCache}
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` (params not an object), `OUT_OF_RANGE` (`maxEntries` not a
 *   positive safe integer)
 * @example
 * ```ts
 * import { authorize, createConsentCache } from '@medseal/core'
 * const cache = createConsentCache({ maxEntries: 100_000 })
 * const decision = await authorize(ledger, request, { cache }) // the signature is recovered once per consent
 * ```
 */
export function createConsentCache(params: CreateConsentCacheParameters = {}): ConsentCache {
  if (typeof params !== 'object' || params === null || Array.isArray(params))
    throw new InvalidArgumentError('INVALID_TYPE', 'createConsentCache parameters must be an object.')
  const { maxEntries = CONSENT_CACHE_DEFAULT_MAX_ENTRIES } = params
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1)
    throw new InvalidArgumentError('OUT_OF_RANGE', 'maxEntries must be a positive integer.')
  return new ConsentCacheImpl(maxEntries)
}

/**
 * Is `value` a cache made by {@link createConsentCache}?
 * @internal
 */
export function _isConsentCache(value: unknown): value is ConsentCache {
  return ConsentCacheImpl.isCache(value)
}

/**
 * `verifyConsent(domain, { consent, signature })` through the cache: the same result and the same errors, with the
 * signature recovered only when this exact (domain, consent, signature) was not verified before. Also returns the
 * consent's key.
 * @internal
 */
export function _verifyConsentCached(
  cache: ConsentCache,
  domain: LedgerDomain,
  consent: unknown,
  signature: unknown,
): { readonly consent: Consent; readonly key: ConsentKey } {
  return ConsentCacheImpl.verify(cache as ConsentCacheImpl, domain, consent, signature)
}

/**
 * `isAddress(value)` through the cache (a pure function: a mixed-case address costs a keccak checksum check).
 * @internal
 */
export function _isAddressCached(cache: ConsentCache, value: unknown): boolean {
  return ConsentCacheImpl.isAddress(cache as ConsentCacheImpl, value)
}

/**
 * `consentKey(grantor, id)` through the cache (a pure function, remembered for the exact strings given).
 * @internal
 */
export function _consentKeyCached(cache: ConsentCache, grantor: Address, id: Hex): ConsentKey {
  return ConsentCacheImpl.key(cache as ConsentCacheImpl, grantor, id)
}
