/**
 * The EIP-712 structures every ledger verifies: consent grants, revocations, tombstones (shred receipts) and
 * access-log tree heads. These definitions are a contract shared by `@medseal/core`, the EVM registry contract and
 * the Fabric chaincode; `docs/spec/consent.md` is their normative description. Changing a field is a new `version`.
 * @module
 */
import type { ConsentKey } from '../ledger/types.js'
import type { Address, Hex } from '../types.js'

/** The EIP-712 domain `name` of every medseal structure. */
export const EIP712_DOMAIN_NAME = 'medseal'
/** The EIP-712 domain `version` of this format. */
export const EIP712_DOMAIN_VERSION = '1'

/**
 * The EIP-712 domain a ledger's structures are signed under, so that a token for one ledger does not verify on
 * another. EVM ledgers use `{ name, version, chainId, verifyingContract }` (the registry contract); other ledgers
 * use `{ name, version, salt }` with `salt = keccak256(utf8("medseal-ledger:" + ledgerId))`.
 */
export type LedgerDomain =
  | { readonly name: 'medseal'; readonly version: '1'; readonly chainId: number; readonly verifyingContract: Address }
  | { readonly name: 'medseal'; readonly version: '1'; readonly salt: Hex }

/** EIP-712 `types` for the medseal structures (without `EIP712Domain`, which follows from the domain's fields). */
export const consentTypes = {
  Consent: [
    { name: 'id', type: 'bytes32' },
    { name: 'grantor', type: 'address' },
    { name: 'grantee', type: 'address' },
    { name: 'parent', type: 'bytes32' },
    { name: 'resourceTypes', type: 'string[]' },
    { name: 'commitments', type: 'bytes32[]' },
    { name: 'exclude', type: 'string[]' },
    { name: 'actions', type: 'string[]' },
    { name: 'purposes', type: 'string[]' },
    { name: 'notBefore', type: 'uint64' },
    { name: 'expiresAt', type: 'uint64' },
    { name: 'delegationDepth', type: 'uint8' },
  ],
  Revocation: [
    { name: 'consentId', type: 'bytes32' },
    { name: 'grantor', type: 'address' },
  ],
  Tombstone: [
    { name: 'commitment', type: 'bytes32' },
    { name: 'owner', type: 'address' },
  ],
  TreeHead: [
    { name: 'logId', type: 'bytes32' },
    { name: 'operator', type: 'address' },
    { name: 'nameHash', type: 'bytes32' },
    { name: 'treeSize', type: 'uint64' },
    { name: 'root', type: 'bytes32' },
    { name: 'timestamp', type: 'uint64' },
  ],
} as const

/** Actions a grant can allow (FHIR REST interactions a grantee performs on sealed records). */
export type ConsentAction = 'read' | 'search' | 'vread' | 'write' | 'delegate'

/**
 * A consent grant: the patient (`grantor`) lets `grantee` do `actions` on records in scope for `purposes`,
 * between `notBefore` and `expiresAt` (Unix seconds, ledger time).
 *
 * Scope: a record is in scope when its FHIR resource type is in `resourceTypes` OR its commitment is in
 * `commitments`, AND none of its security labels is in `exclude`.
 */
export type Consent = {
  /** Unique id / nonce, 32 random bytes. */
  readonly id: Hex
  /** Who grants (the patient, or a delegating grantee). */
  readonly grantor: Address
  /** Who is granted. */
  readonly grantee: Address
  /**
   * `0x00…00` for a grant from the patient; otherwise the {@link ConsentKey} `keccak256(abi.encode(parent.grantor,
   * parent.id))` of the grant this one re-grants (delegation), which names the parent on every ledger.
   */
  readonly parent: Hex
  /** FHIR R4 resource types in scope (e.g. `Observation`). */
  readonly resourceTypes: readonly string[]
  /** Specific records in scope, by commitment (32 bytes hex). */
  readonly commitments: readonly Hex[]
  /** Security labels never in scope (HL7 v3 ActCode sensitivity codes, e.g. `PSY`, `HIV`, `SUD`, `ETH`). */
  readonly exclude: readonly string[]
  /** Allowed actions. */
  readonly actions: readonly ConsentAction[]
  /** Allowed purposes of use (HL7 v3 PurposeOfUse codes, e.g. `TREAT`, `ETREAT`, `HPAYMT`, `HRESCH`, `PATRQT`). */
  readonly purposes: readonly string[]
  /** Valid from (Unix seconds, inclusive). */
  readonly notBefore: number
  /** Valid until (Unix seconds, exclusive). */
  readonly expiresAt: number
  /** How many further re-grants the grantee may make (0: none). A re-grant's depth is below its parent's. */
  readonly delegationDepth: number
}

/** A consent grant with the grantor's 65-byte EIP-712 signature (`r || s || v`, low-s). */
export type SignedConsent = { readonly consent: Consent; readonly signature: Hex }

/**
 * A consent as EIP-712 libraries write the message: viem types `uint64` and `uint8` as `bigint`. `verifyConsent`
 * accepts these fields as numbers or bigints (bounded to 2^53 - 1, and 255 for `delegationDepth`) and returns a
 * {@link Consent} with numbers (docs/spec/consent.md §3).
 *
 * @example
 * ```ts
 * import type { ConsentMessage } from '@medseal/core'
 * const message: ConsentMessage = { ...consent, notBefore: 1700000000n, expiresAt: 1700003600n, delegationDepth: 0n }
 * ```
 */
export type ConsentMessage = Omit<Consent, 'notBefore' | 'expiresAt' | 'delegationDepth'> & {
  readonly notBefore: number | bigint
  readonly expiresAt: number | bigint
  readonly delegationDepth: number | bigint
}

/** A {@link ConsentMessage} with the grantor's signature, e.g. from viem's `signTypedData`. */
export type SignedConsentMessage = { readonly consent: ConsentMessage; readonly signature: Hex }

/** A revocation of grant `consentId`, which only that grant's grantor can sign. */
export type Revocation = { readonly consentId: Hex; readonly grantor: Address }
/** A revocation with the grantor's EIP-712 signature. */
export type SignedRevocation = { readonly revocation: Revocation; readonly signature: Hex }

/** A shred receipt: `owner` destroyed the keys and salt of the record with this commitment. */
export type Tombstone = { readonly commitment: Hex; readonly owner: Address }
/** A tombstone with the owner's EIP-712 signature. */
export type SignedTombstone = { readonly tombstone: Tombstone; readonly signature: Hex }

/** An access-log tree head (RFC 9162 §4.10 in spirit) signed by the log's operator. */
export type TreeHead = {
  /**
   * Identifies the log: `keccak256(operator ‖ nameHash)` (see `computeLogId`). Every ledger refuses a head whose
   * `logId` is not derived from its own `operator` and `nameHash` (`LEDGER_REJECTED`), so nobody else can claim it.
   */
  readonly logId: Hex
  /** The log operator's address; the signature must recover to it. */
  readonly operator: Address
  /** `keccak256(utf8(name))` of the log's name. */
  readonly nameHash: Hex
  readonly treeSize: number
  /** RFC 9162 root of the first `treeSize` events. */
  readonly root: Hex
  /** When the head was made (Unix seconds, the log's clock; the ledger's own time is in the ledger reference). */
  readonly timestamp: number
}
/** A tree head with the operator's EIP-712 signature. */
export type SignedTreeHead = { readonly head: TreeHead; readonly signature: Hex }
