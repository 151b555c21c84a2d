/**
 * Where a custodian keeps its index of records and its log of key releases. The default store lives in memory;
 * integrators persist with their own (a database, IndexedDB in a browser worker) by implementing this interface.
 * @module
 */
import type { Envelope } from '../envelope/types.js'
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
  readonly consentId: Hex
  readonly commitment: Hex
  readonly grantee: Address
  /** The grantee's X25519 public key (hex) the data key was wrapped to. */
  readonly encryptionKey: Hex
  /** Ledger time of the release. */
  readonly at: number
}

/** Storage of a custodian. Every method may be async; every write must be atomic per call. */
export type CustodianStore = {
  getEntry(commitment: Hex): Promise<CustodianEntry | undefined>
  putEntry(entry: CustodianEntry): Promise<void>
  addRelease(release: CustodianRelease): Promise<void>
  listReleases(consentId: Hex): Promise<readonly CustodianRelease[]>
  deleteReleases(consentId: Hex): Promise<number>
}

/**
 * An in-memory {@link CustodianStore} (the default).
 *
 * @returns a frozen store
 * @example
 * ```ts
 * import { createCustodian, createMemoryCustodianStore } from '@medseal/core'
 * const custodian = createCustodian({ party, ledger, log, store: createMemoryCustodianStore() })
 * ```
 */
export function createMemoryCustodianStore(): CustodianStore {
  const entries = new Map<string, CustodianEntry>()
  const releases = new Map<string, CustodianRelease[]>()
  return Object.freeze({
    async getEntry(commitment: Hex) {
      return entries.get(commitment.toLowerCase())
    },
    async putEntry(entry: CustodianEntry) {
      entries.set(entry.commitment.toLowerCase(), entry)
    },
    async addRelease(release: CustodianRelease) {
      const key = release.consentId.toLowerCase()
      releases.set(key, [...(releases.get(key) ?? []), release])
    },
    async listReleases(consentId: Hex) {
      return Object.freeze([...(releases.get(consentId.toLowerCase()) ?? [])])
    },
    async deleteReleases(consentId: Hex) {
      const n = releases.get(consentId.toLowerCase())?.length ?? 0
      releases.delete(consentId.toLowerCase())
      return n
    },
  })
}
