/**
 * The `LedgerAdapter` interface: one contract implemented by every ledger (memory, EVM, Fabric, or your own),
 * proven by the conformance suite in `@medseal/core/testing`.
 *
 * Rules every adapter follows:
 * - Only commitments, roots, signed consent structures and tree heads are ever written: never PHI.
 * - Writes are idempotent: writing exactly what is already there returns the first write's record (same `ref`);
 *   writing something different under the same key fails with `LEDGER_CONFLICT` (anchors, tombstones, log heads)
 *   or `CONSENT_REPLAYED` (a different consent under an existing id).
 * - The adapter verifies every signature before writing (`CONSENT_SIGNATURE_INVALID`, `CONSENT_WRONG_DOMAIN`,
 *   `INVALID_SIGNATURE`), as the EVM contract and the Fabric chaincode do on the ledger itself.
 * - Failures are {@link LedgerError}s: `LEDGER_UNAVAILABLE` when the ledger cannot be reached, `LEDGER_REJECTED`
 *   when it refused a write, `LEDGER_TIMEOUT` when a write was not confirmed in time. Nothing is half-written.
 * - `getTime()` is the ledger's time, never the client's clock.
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
import type { Hex } from '../types.js'

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

/** One page of consents. */
export type ListConsentsReturnType = {
  readonly items: readonly ConsentRecord[]
  /** Present when there are more items. */
  readonly cursor?: string
}

/** A ledger, as medseal needs it. Implementations are frozen plain objects made by a `createXLedger` factory. */
export type LedgerAdapter = {
  /** Adapter kind, e.g. `memory`, `evm`, `fabric`. */
  readonly name: string
  /** This ledger's id (the `ledger` of every {@link LedgerRef} it writes). */
  readonly ledgerId: string
  /** The EIP-712 domain that consents, revocations, tombstones and tree heads for this ledger are signed under. */
  readonly domain: LedgerDomain

  /** The ledger's current time (latest block / transaction timestamp), Unix seconds. */
  getTime(): Promise<number>

  /** Anchors a batch root. Idempotent for the same root and metadata; `LEDGER_CONFLICT` for other metadata. */
  anchorRoot(input: AnchorInput): Promise<AnchorRecord>
  /** Looks up an anchored root; `undefined` when the ledger does not have it. */
  getAnchor(root: Uint8Array): Promise<AnchorRecord | undefined>

  /** Registers a signed consent after verifying its signature and domain. */
  registerConsent(signed: SignedConsent): Promise<ConsentRecord>
  /** Records a revocation signed by the consent's grantor. `CONSENT_NOT_FOUND` if the consent is not registered. */
  revokeConsent(signed: SignedRevocation): Promise<RevocationRecord>
  /** Looks up a consent (with its revocation, if any). */
  getConsent(id: Hex): Promise<ConsentRecord | undefined>
  /** Lists consents by grantor and/or grantee, paged, in registration order. */
  listConsents(params?: ListConsentsParameters): Promise<ListConsentsReturnType>

  /** Records a signed tombstone. Idempotent; one tombstone per commitment. */
  recordTombstone(signed: SignedTombstone): Promise<TombstoneRecord>
  /** Looks up the tombstone of a commitment. */
  getTombstone(commitment: Hex): Promise<TombstoneRecord | undefined>

  /** Records a signed access-log tree head. Idempotent; one head per (logId, treeSize). */
  recordTreeHead(signed: SignedTreeHead): Promise<TreeHeadRecord>
  /** Looks up a log's head of a given size, or its latest head when `treeSize` is omitted. */
  getTreeHead(logId: Hex, treeSize?: number): Promise<TreeHeadRecord | undefined>
}

export type { Consent, Revocation }
