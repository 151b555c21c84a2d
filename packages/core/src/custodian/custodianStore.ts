/**
 * Where a custodian keeps its index of records and its log of key releases. The default store lives in memory;
 * integrators persist with their own (a database, IndexedDB in a browser worker) by implementing this interface.
 * @module
 */
import type { AccessLogAppendResult, AccessLogLeaf, AccessLogStore } from '../accessLog/store.js'
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
  /**
   * Not seen, and its `until` is below the store's prune horizon (the highest `now` at which the store forgot
   * digests): it cannot be told apart from a replay of a digest already forgotten, so it is refused, and nothing is
   * remembered. Only a caller whose ledger time lags the time the store was pruned at gets it.
   */
  | 'stale'

/** Parameters of {@link CustodianStore.rememberRequest}. */
export type RememberRequestParameters = {
  /** The key request's digest. */
  readonly digest: Hex
  /** Ledger time until which it is remembered. */
  readonly until: number
  /**
   * Ledger time now (the caller's view: processes sharing a store may see different times): every digest whose
   * `until` is below it may be forgotten.
   */
  readonly now: number
}

/** Parameters of {@link CustodianStore.getEntryAndRememberRequest}: a commitment and a replay check. */
export type GetEntryAndRememberRequestParameters = RememberRequestParameters & {
  /** The commitment whose entry is read. */
  readonly commitment: Hex
}

/** What {@link CustodianStore.getEntryAndRememberRequest} answers. */
export type GetEntryAndRememberRequestResult = {
  /** The entry of the commitment, as {@link CustodianStore.getEntry} answers. */
  readonly entry: CustodianEntry | undefined
  /** The replay check's answer, as {@link CustodianStore.rememberRequest} answers. */
  readonly seen: RememberRequestResult
}

/** Parameters of {@link CustodianStore.commitRelease}. */
export type CommitReleaseParameters = {
  readonly release: CustodianRelease
  /** The access log entry of the release, and the log's store (of the same database as this custodian store). */
  readonly log: { readonly store: AccessLogStore; readonly leaf: AccessLogLeaf }
}

/**
 * Storage of a custodian. Every write is atomic per call and durable when it resolves; a rejected write stored
 * nothing. Instances over one database (several processes) must agree: insert-if-absent and the replay memory are
 * decided by the database (a unique key, a row lock), never by an in-process cache. What a store keeps is its own and
 * what it returns is the caller's: changing an entry (its envelope's bytes) or a release after writing it, or one read
 * back, never changes what is stored (a database store decodes fresh rows; the memory store keeps and hands out copies).
 */
export type CustodianStore = {
  /** The entry of a commitment. A durable store keeps the envelope as stored; the custodian opens it before use. */
  getEntry(commitment: Hex): Promise<CustodianEntry | undefined>
  /** Replaces the entry of `entry.commitment` (the custodian only calls it for an entry it read, keeping its owner). */
  putEntry(entry: CustodianEntry): Promise<void>
  /**
   * Stores `entry` unless an entry for its commitment exists, atomically; returns the existing entry (untouched) or
   * `undefined` when `entry` was stored. This is what keeps an entry's owner from ever changing.
   */
  insertEntry(entry: CustodianEntry): Promise<CustodianEntry | undefined>
  /** Records a release (without a log entry: for logs that cannot share this store's transactions). */
  addRelease(release: CustodianRelease): Promise<void>
  /**
   * Records a key release AND appends its access-log entry (with the tree nodes, as
   * {@link AccessLogStore.append} does) in ONE transaction: both are stored or neither is. The custodian hands the key
   * out only after this resolves, so every key a client received has its log entry, even after a kill -9.
   * `log.store` must be an access log store of the same database: a durable store refuses another
   * (`INVALID_ARGUMENT`, storing nothing). The memory store accepts any: its own write cannot fail after the append.
   */
  commitRelease(params: CommitReleaseParameters): Promise<AccessLogAppendResult>
  /** The releases made under the grant with this {@link ConsentKey}. */
  listReleases(key: ConsentKey): Promise<readonly CustodianRelease[]>
  /** Deletes the releases made under the grant with this key; returns how many there were. */
  deleteReleases(key: ConsentKey): Promise<number>
  /**
   * Remembers a key request's digest until `until` (ledger time) and says whether it was already remembered, in one
   * atomic step (instances sharing a store must agree). Forgets every digest whose `until` is below `now`: a request
   * is only accepted while its `issuedAt` is in the custodian's window, so a forgotten digest can no longer be replayed.
   *
   * Prune horizon: instances sharing a store read ledger time each through their own connection, so one may call with
   * a `now` far behind the `now` another pruned at. A store keeps the highest `now` at which it forgot digests (its
   * horizon; a store may keep one per part of its memory, such as a shard) and answers `'stale'`, remembering nothing,
   * for a digest it does not hold whose `until` is below that horizon: such a request may be a replay of a digest it
   * forgot. The horizon is read and raised in the same atomic step as the check and the forgetting (a prune racing a
   * check cannot slip between). A digest still held answers `'replayed'` whatever its `until`. Forgetting through
   * {@link CustodianStore.forgetRequest} does not raise the horizon (that request was never served). A store that
   * never answers `'stale'` is as safe as before for processes whose views differ by less than the custodian's
   * `maxFutureSkewSeconds`.
   */
  rememberRequest(params: RememberRequestParameters): Promise<RememberRequestResult>
  /**
   * Optional (a store implements both or neither of this and {@link CustodianStore.forgetRequest}): the entry read
   * and the replay check of one key request in one call, so a database store answers both in one round trip. It is
   * {@link CustodianStore.getEntry} and {@link CustodianStore.rememberRequest} side by side: the digest is remembered
   * (atomically, as `rememberRequest` does) whether or not the entry exists, and a rejected call remembered nothing.
   * The custodian calls it before it has authorized the request, and calls `forgetRequest` for a digest answered
   * `'fresh'` when it then refuses the request before the point where it checks replays without this call (no entry,
   * a shredded or superseded record, a refused authorization), so refused requests hold no room. Crash rule: a digest
   * remembered here whose `forgetRequest` never ran (the process died between) stays until its `until`, as a
   * remembered request does: it can make a later copy of that same request be refused as a replay, never let one
   * through.
   */
  getEntryAndRememberRequest?(params: GetEntryAndRememberRequestParameters): Promise<GetEntryAndRememberRequestResult>
  /**
   * Optional (with {@link CustodianStore.getEntryAndRememberRequest}): forgets a digest that call answered `'fresh'`
   * for a request the custodian then refused, giving its room back, atomically (the digest and its place in any count
   * go together). Forgetting a digest that is not remembered does nothing.
   */
  forgetRequest?(params: { readonly digest: Hex }): Promise<void>
}

/** What a conformance harness may corrupt in a memory custodian store: one byte of an entry's wrapped key. @internal */
export const _memoryCustodianTamper: WeakMap<CustodianStore, (commitment: Hex) => void> = new WeakMap()

/**
 * A copy of an entry that shares no buffer with it (frozen; its envelope's byte arrays are fresh, as a durable store's
 * decoded rows are): what the memory store keeps of a write and hands out on a read, so that a caller changing an
 * entry it gave or was given (or an envelope released from it) never changes the stored record.
 */
function copyEntry(entry: CustodianEntry): CustodianEntry {
  const { envelope } = entry
  return Object.freeze({
    ...entry,
    labels: Object.freeze([...entry.labels]),
    ...(envelope === undefined
      ? {}
      : {
          envelope: Object.freeze({
            ...envelope,
            suite: Object.freeze({ ...envelope.suite }),
            id: envelope.id.slice(),
            nonce: envelope.nonce.slice(),
            keyCommitment: envelope.keyCommitment.slice(),
            recipients: Object.freeze(
              envelope.recipients.map((r) =>
                Object.freeze({ ...r, keyId: r.keyId.slice(), enc: r.enc.slice(), wrappedKey: r.wrappedKey.slice() }),
              ),
            ),
            ciphertext: envelope.ciphertext.slice(),
          }),
        }),
  })
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
  // the highest `now` at which a digest was forgotten (see CustodianStore.rememberRequest: the prune horizon)
  let horizon = Number.NEGATIVE_INFINITY
  // appended in place (listReleases hands out a frozen copy): a release costs O(1), not a copy of its grant's list;
  // each release kept frozen, a copy of the caller's, so neither the caller nor a reader can change it
  const addTo = (key: string, release: CustodianRelease) => {
    const kept = Object.freeze({ ...release })
    const list = releases.get(key)
    if (list) list.push(kept)
    else releases.set(key, [kept])
  }
  const store: CustodianStore = Object.freeze({
    async getEntry(commitment: Hex) {
      const entry = entries.get(commitment.toLowerCase())
      return entry && copyEntry(entry)
    },
    async putEntry(entry: CustodianEntry) {
      entries.set(entry.commitment.toLowerCase(), copyEntry(entry))
    },
    async insertEntry(entry: CustodianEntry) {
      const existing = entries.get(entry.commitment.toLowerCase())
      if (existing) return copyEntry(existing)
      entries.set(entry.commitment.toLowerCase(), copyEntry(entry))
      return undefined
    },
    async addRelease(release: CustodianRelease) {
      const key = release.consentKey.toLowerCase()
      addTo(key, release)
    },
    async commitRelease({ release, log }: CommitReleaseParameters) {
      if (typeof log?.store?.append !== 'function')
        throw new InvalidArgumentError('INVALID_TYPE', 'log.store must be an AccessLogStore.')
      // In memory the release cannot fail once the entry is appended: both are stored or neither (a durable store
      // does both in one database transaction instead).
      const result = await log.store.append([log.leaf])
      const key = release.consentKey.toLowerCase()
      addTo(key, release)
      return result
    },
    async listReleases(key: ConsentKey) {
      return Object.freeze([...(releases.get(key.toLowerCase()) ?? [])])
    },
    async deleteReleases(key: ConsentKey) {
      const n = releases.get(key.toLowerCase())?.length ?? 0
      releases.delete(key.toLowerCase())
      return n
    },
    async rememberRequest(params: RememberRequestParameters) {
      return remember(params)
    },
    async getEntryAndRememberRequest({ commitment, digest, until, now }: GetEntryAndRememberRequestParameters) {
      const seenNow = remember({ digest, until, now })
      const entry = entries.get(commitment.toLowerCase())
      return Object.freeze({ entry: entry && copyEntry(entry), seen: seenNow })
    },
    async forgetRequest({ digest }: { digest: Hex }) {
      seen.delete(digest.toLowerCase())
    },
  })
  function remember({ digest, until, now }: RememberRequestParameters): RememberRequestResult {
    if (now > prunedAt || seen.size >= max) {
      let forgot = false
      for (const [d, u] of seen)
        if (u < now) {
          seen.delete(d)
          forgot = true
        }
      if (forgot && now > horizon) horizon = now
      prunedAt = now
    }
    const key = digest.toLowerCase()
    const known = seen.get(key)
    if (known !== undefined && known >= now) return 'replayed' as const
    // below the horizon an unknown digest may be one forgotten at the horizon: never 'fresh'
    if (until < horizon) return 'stale' as const
    if (seen.size >= max) return 'full' as const
    seen.set(key, until)
    return 'fresh' as const
  }
  _memoryCustodianTamper.set(store, (commitment: Hex) => {
    const e = entries.get(commitment.toLowerCase())
    if (!e?.envelope) throw new InvalidArgumentError('INVALID_ARGUMENT', 'No stored envelope to tamper with.')
    // every wrapped key, so whichever recipient the custodian is, its wrap is altered
    const recipients = e.envelope.recipients.map((r) => {
      const wrappedKey = r.wrappedKey.slice()
      wrappedKey[0] = (wrappedKey[0] as number) ^ 1
      return { ...r, wrappedKey }
    })
    entries.set(commitment.toLowerCase(), { ...e, envelope: { ...e.envelope, recipients } })
  })
  return store
}
