/**
 * Where a custodian keeps its index of records and its log of key releases. The default store lives in memory;
 * integrators persist with their own (a database, IndexedDB in a browser worker) by implementing this interface.
 * @module
 */
import type { Envelope } from '../envelope/types.js'
import { InvalidArgumentError } from '../errors/base.js'
import type { ConsentKey } from '../ledger/types.js'
import type { Address, Hex } from '../types.js'

/** One record the custodian holds the key wraps of. */
export type CustodianEntry = {
  readonly commitment: Hex
  /** The patient who deposited it (the root grantor every consent chain must start from). */
  readonly owner: Address
  /** FHIR resource type, read from the sealed resource at deposit. */
  readonly resourceType: string
  /** Security label codes (`meta.security[].code`), read from the sealed resource at deposit. */
  readonly labels: readonly string[]
  /** The envelope (the custodian is one of its recipients); absent once shredded. */
  readonly envelope?: Envelope
  /** Commitment of the newer version that superseded this one, if any. */
  readonly supersededBy?: Hex
  /** Set once the record was erased. */
  readonly shredded?: true
}

/** One key release, kept so revocation can find and delete the wraps made under a consent. */
export type CustodianRelease = {
  /** `consentKey(grantor, consentId)`: releases are found by it (two grantors may use the same id). */
  readonly consentKey: ConsentKey
  readonly consentId: Hex
  /** The grant's grantor (for an emergency grant, the patient). */
  readonly grantor: Address
  readonly commitment: Hex
  readonly grantee: Address
  /** The grantee's X25519 public key (hex) the data key was wrapped to. */
  readonly encryptionKey: Hex
  /** Ledger time of the release. */
  readonly at: number
}

/** What {@link CustodianStore.rememberRequest} answers. */
export type RememberRequestResult =
  /** Not seen before; now remembered until its `until`. */
  | 'fresh'
  /** Seen before and still remembered: a replay. */
  | 'replayed'
  /** Not seen, but the store holds as many unexpired requests as it may: refuse for now. */
  | 'full'

/** Storage of a custodian. Every method may be async; every write must be atomic per call. */
export type CustodianStore = {
  getEntry(commitment: Hex): Promise<CustodianEntry | undefined>
  /** Replaces the entry of `entry.commitment` (the custodian only calls it for an entry it read, keeping its owner). */
  putEntry(entry: CustodianEntry): Promise<void>
  /**
   * Stores `entry` unless an entry for its commitment exists, atomically; returns the existing entry (untouched) or
   * `undefined` when `entry` was stored. This is what keeps an entry's owner from ever changing.
   */
  insertEntry(entry: CustodianEntry): Promise<CustodianEntry | undefined>
  addRelease(release: CustodianRelease): Promise<void>
  /** The releases made under the grant with this {@link ConsentKey}. */
  listReleases(key: ConsentKey): Promise<readonly CustodianRelease[]>
  /** Deletes the releases made under the grant with this key; returns how many there were. */
  deleteReleases(key: ConsentKey): Promise<number>
  /**
   * Remembers a key request's digest until `until` (ledger time) and says whether it was already remembered, in one
   * atomic step (instances sharing a store must agree). Forgets every digest whose `until` is below `now`: a request
   * is only accepted while its `issuedAt` is in the custodian's window, so a forgotten digest can no longer be replayed.
   */
  rememberRequest(params: {
    readonly digest: Hex
    readonly until: number
    readonly now: number
  }): Promise<RememberRequestResult>
}

/** Parameters of {@link createMemoryCustodianStore}. */
export type CreateMemoryCustodianStoreParameters = {
  /** Most key-request digests remembered at once (default 1,000,000); beyond it requests are refused until some expire. */
  readonly maxRememberedRequests?: number
}

/**
 * An in-memory {@link CustodianStore} (the default).
 *
 * @param params - optional `maxRememberedRequests`
 * @returns a frozen store
 * @example
 * ```ts
 * import { createCustodian, createMemoryCustodianStore } from '@medseal/core'
 * const custodian = createCustodian({ party, ledger, log, store: createMemoryCustodianStore() })
 * ```
 */
export function createMemoryCustodianStore(params: CreateMemoryCustodianStoreParameters = {}): CustodianStore {
  const max = params.maxRememberedRequests ?? 1_000_000
  if (!Number.isSafeInteger(max) || max < 1)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'maxRememberedRequests must be a positive integer.')
  const entries = new Map<string, CustodianEntry>()
  const releases = new Map<string, CustodianRelease[]>()
  // digest -> until; insertion order is not expiry order, so pruning scans (amortized: at most once per second)
  const seen = new Map<string, number>()
  let prunedAt = Number.NEGATIVE_INFINITY
  return Object.freeze({
    async getEntry(commitment: Hex) {
      return entries.get(commitment.toLowerCase())
    },
    async putEntry(entry: CustodianEntry) {
      entries.set(entry.commitment.toLowerCase(), entry)
    },
    async insertEntry(entry: CustodianEntry) {
      const existing = entries.get(entry.commitment.toLowerCase())
      if (existing) return existing
      entries.set(entry.commitment.toLowerCase(), entry)
      return undefined
    },
    async addRelease(release: CustodianRelease) {
      const key = release.consentKey.toLowerCase()
      releases.set(key, [...(releases.get(key) ?? []), release])
    },
    async listReleases(key: ConsentKey) {
      return Object.freeze([...(releases.get(key.toLowerCase()) ?? [])])
    },
    async deleteReleases(key: ConsentKey) {
      const n = releases.get(key.toLowerCase())?.length ?? 0
      releases.delete(key.toLowerCase())
      return n
    },
    async rememberRequest({ digest, until, now }: { digest: Hex; until: number; now: number }) {
      if (now > prunedAt || seen.size >= max) {
        for (const [d, u] of seen) if (u < now) seen.delete(d)
        prunedAt = now
      }
      const key = digest.toLowerCase()
      const known = seen.get(key)
      if (known !== undefined && known >= now) return 'replayed' as const
      if (seen.size >= max) return 'full' as const
      seen.set(key, until)
      return 'fresh' as const
    },
  })
}
