/**
 * The `LedgerAdapter` interface: one contract implemented by every ledger (memory, EVM, Fabric, or your own),
 * proven by the conformance suite in `@medseal/core/testing`.
 *
 * Rules every adapter follows:
 * - Only commitments, roots, signed consent structures and tree heads are ever written: never PHI.
 * - Every key includes everything a stranger could otherwise squat on (security review, issue 12): anchors are
 *   keyed by `(root, treeSize, kind)`, consents and revocations by `(grantor, id)` ({@link ConsentKey}), tombstones by
 *   `(commitment, owner)`, and a tree head's `logId` must be derived from its signer (`keccak256(operator ‖
 *   nameHash)`), so nobody can write first under a key that belongs to someone else.
 * - Writes are idempotent: writing exactly what is already there returns the first write's record (same `ref`);
 *   writing something different under the same key fails with `LEDGER_CONFLICT` (log heads of the same size) or
 *   `CONSENT_REPLAYED` (a different consent under an existing `(grantor, id)`).
 * - The adapter verifies every signature before writing (`CONSENT_SIGNATURE_INVALID`, `CONSENT_WRONG_DOMAIN`,
 *   `INVALID_SIGNATURE`), as the EVM contract and the Fabric chaincode do on the ledger itself.
 * - Failures are {@link LedgerError}s: `LEDGER_UNAVAILABLE` when the ledger cannot be reached, `LEDGER_REJECTED`
 *   when it refused a write, `LEDGER_TIMEOUT` when a write was not confirmed in time. Nothing is half-written.
 * - `getTime()` is the ledger's time, never the client's clock, and never goes backwards: an adapter returns the
 *   largest time it has seen (a Fabric gateway's newest transaction, an EVM chain's latest block).
 * @module
 */
import type {
  Consent,
  LedgerDomain,
  Revocation,
  SignedConsent,
  SignedRevocation,
  SignedTombstone,
  SignedTreeHead,
} from '../consent/types.js'
import type { ErrorCode } from '../errors/codes.js'
import type { Address, Hex } from '../types.js'

/** Where and when a write landed on a ledger. JSON-safe. */
export type LedgerRef = {
  /** The ledger's id, e.g. `memory:demo`, `eip155:31337:0x5FbDB…` (chain + registry), `fabric:mychannel:medseal`. */
  readonly ledger: string
  /** The write's transaction: tx hash (EVM), transaction id (Fabric), sequence id (memory). */
  readonly tx: string
  /** Block number (EVM, Fabric) or sequence number (memory). */
  readonly block: number
  /** The ledger's time of the write, Unix seconds (block timestamp, transaction timestamp). */
  readonly timestamp: number
}

/** What a batch root anchors. */
export type AnchorKind = 'records' | 'export' | 'events'

/** Numeric codes of {@link AnchorKind}, as stored on ledgers. */
export const anchorKindCodes: Readonly<Record<AnchorKind, number>> = { records: 1, export: 2, events: 3 }

/** A Merkle root to anchor, with its metadata. */
export type AnchorInput = {
  /** RFC 9162 root, 32 bytes. */
  readonly root: Uint8Array
  /** Number of leaves under the root (>= 1). */
  readonly treeSize: number
  /** What the leaves are. */
  readonly kind: AnchorKind
}

/** An anchored root as the ledger holds it. */
export type AnchorRecord = AnchorInput & { readonly ref: LedgerRef }

/**
 * The key a ledger holds a consent (and its revocation) under: `keccak256(abi.encode(address grantor, bytes32 id))`,
 * computed by {@link @medseal/core!consentKey}. Two grantors can use the same `id` without touching each other's grants.
 */
export type ConsentKey = Hex

/** A consent as the ledger holds it. */
export type ConsentRecord = SignedConsent & {
  readonly ref: LedgerRef
  /** Present once the grantor has revoked it. */
  readonly revocation?: RevocationRecord
}

/** A revocation as the ledger holds it. */
export type RevocationRecord = SignedRevocation & { readonly ref: LedgerRef }

/** A tombstone as the ledger holds it. */
export type TombstoneRecord = SignedTombstone & { readonly ref: LedgerRef }

/** A signed access-log tree head as the ledger holds it. */
export type TreeHeadRecord = SignedTreeHead & { readonly ref: LedgerRef }

/** Filters and paging for {@link LedgerAdapter.listConsents}. Results are in registration order. */
export type ListConsentsParameters = {
  readonly grantor?: Hex
  readonly grantee?: Hex
  /** Opaque cursor from a previous page. */
  readonly cursor?: string
  /** Page size, 1..1000 (default 100). */
  readonly limit?: number
}

/** A listed item the adapter left out of a page because it failed the SDK's checks (a ledger is not trusted). */
export type SkippedConsent = {
  /** Where the item was written. */
  readonly ref: LedgerRef
  /** Why it was left out, e.g. `CONSENT_MALFORMED`, `CONSENT_SIGNATURE_INVALID`. */
  readonly code: ErrorCode
}

/** One page of consents. */
export type ListConsentsReturnType = {
  readonly items: readonly ConsentRecord[]
  /** Present when there are more items. */
  readonly cursor?: string
  /** Items of this page that failed verification and were left out (never a reason to fail the page). */
  readonly skipped?: readonly SkippedConsent[]
}

/** A ledger, as medseal needs it. Implementations are frozen plain objects made by a `createXLedger` factory. */
export type LedgerAdapter = {
  /** Adapter kind, e.g. `memory`, `evm`, `fabric`. */
  readonly name: string
  /** This ledger's id (the `ledger` of every {@link LedgerRef} it writes). */
  readonly ledgerId: string
  /** The EIP-712 domain that consents, revocations, tombstones and tree heads for this ledger are signed under. */
  readonly domain: LedgerDomain

  /** The ledger's current time (latest block / transaction timestamp), Unix seconds. Never goes backwards. */
  getTime(): Promise<number>

  /**
   * Anchors a batch root, keyed by `(root, treeSize, kind)`: the same root with other metadata is another anchor, so
   * a front-run with other metadata cannot block it. Idempotent for the same key.
   */
  anchorRoot(input: AnchorInput): Promise<AnchorRecord>
  /** Looks up the anchor with exactly this `(root, treeSize, kind)`; `undefined` when the ledger does not have it. */
  getAnchor(key: AnchorInput): Promise<AnchorRecord | undefined>

  /**
   * Registers a signed consent after verifying its signature and domain, keyed by `(grantor, id)`.
   * `CONSENT_REPLAYED` for different content under an existing key (only the grantor can cause that).
   */
  registerConsent(signed: SignedConsent): Promise<ConsentRecord>
  /**
   * Records a revocation signed by `revocation.grantor`, keyed by `(grantor, consentId)`. The consent need not be
   * registered: a grantor can withdraw any id it signed (a consent, an emergency policy, a clinician credential),
   * before or after registration. Idempotent.
   */
  revokeConsent(signed: SignedRevocation): Promise<RevocationRecord>
  /** Looks up a consent by its {@link ConsentKey} (with its revocation, if any). */
  getConsent(key: ConsentKey): Promise<ConsentRecord | undefined>
  /** Looks up a revocation by the {@link ConsentKey} of what it revokes, whether or not a consent is registered. */
  getRevocation(key: ConsentKey): Promise<RevocationRecord | undefined>
  /** Lists consents by grantor and/or grantee, paged, in registration order; invalid items are skipped and reported. */
  listConsents(params?: ListConsentsParameters): Promise<ListConsentsReturnType>

  /** Records a signed tombstone, keyed by `(commitment, owner)`. Idempotent. */
  recordTombstone(signed: SignedTombstone): Promise<TombstoneRecord>
  /** Looks up the tombstone `owner` signed for `commitment` (a stranger's tombstone is never returned). */
  getTombstone(commitment: Hex, owner: Address): Promise<TombstoneRecord | undefined>

  /**
   * Records a signed access-log tree head. `LEDGER_REJECTED` when `head.logId` is not
   * `keccak256(operator ‖ nameHash)` of the head itself (a log id belongs to its signer). Idempotent; one head per
   * (logId, treeSize): another head of the same size is `LEDGER_CONFLICT`.
   */
  recordTreeHead(signed: SignedTreeHead): Promise<TreeHeadRecord>
  /** Looks up a log's head of a given size, or its latest head when `treeSize` is omitted. */
  getTreeHead(logId: Hex, treeSize?: number): Promise<TreeHeadRecord | undefined>
}

export type { Consent, Revocation }
