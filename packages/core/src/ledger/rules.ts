/**
 * The ledger rules: the input checks and keys every medseal ledger applies before it writes, in one place. The
 * memory adapter, the Fabric chaincode and the EVM adapter (as off-chain pre-checks; the registry contract mirrors
 * them on chain) all call these functions instead of keeping their own copies, so every ledger accepts and refuses
 * the same writes (security review, issue 12).
 *
 * Keys (all lower-case `0x` hex, computed as Solidity's `keccak256(abi.encode(...))` so the contract can use the same
 * ones):
 * - an anchor is keyed by {@link anchorKey} `(root, treeSize, kind)` (finding 8);
 * - a consent and its revocation by {@link @medseal/core!consentKey} `(grantor, id)` (finding 9);
 * - a tombstone by {@link tombstoneKey} `(commitment, owner)` (finding 4);
 * - a tree head by `(logId, treeSize)`, and its `logId` must be `keccak256(operator ‖ nameHash)` of the head itself
 *   ({@link assertLogIdOf}, finding 2).
 *
 * The `verifyXWrite` functions verify a signed structure for a ledger's domain and return a plain, normalized copy
 * (only the known fields, checksummed addresses, lower-case hex, lower-case signature) together with its key, ready
 * to store.
 * @module
 */
import { keccak_256 } from '@noble/hashes/sha3.js'
import { assertBytes, bytesToHex0x, concatBytes, describeType, hexToBytes } from '../bytes/index.js'
import type {
  Consent,
  ConsentAction,
  LedgerDomain,
  SignedConsent,
  SignedRevocation,
  SignedTombstone,
  SignedTreeHead,
  TreeHead,
} from '../consent/types.js'
import {
  verifySignedConsent,
  verifySignedRevocation,
  verifySignedTombstone,
  verifySignedTreeHead,
} from '../eip712/structures.js'
import { ConsentError, InvalidArgumentError, isSdkError, LedgerError, type VerificationError } from '../errors/base.js'
import type { ErrorCode } from '../errors/codes.js'
import { createBoundedMemo } from '../identity/_boundedMemo.js'
import { normalizeAddress } from '../identity/address.js'
import type { Address, Hex } from '../types.js'
import { consentKey } from './consentKey.js'
import { type AnchorInput, type AnchorKind, anchorKindCodes, type ConsentKey } from './types.js'

/** Everything the ledger rules can throw. */
export type LedgerRulesErrorType = InvalidArgumentError | ConsentError | VerificationError | LedgerError

const HEX32 = /^0x[0-9a-fA-F]{64}$/

/** A uint as a 32-byte big-endian ABI word. */
function word(value: number): Uint8Array {
  const out = new Uint8Array(32)
  let v = BigInt(value)
  for (let i = 31; i >= 0 && v > 0n; i--) {
    out[i] = Number(v & 0xffn)
    v >>= 8n
  }
  return out
}

/**
 * Asserts a `0x`-prefixed 32-byte hex string (a root, commitment, consent id, log id) and returns it in lower case,
 * the form every ledger keys by.
 *
 * @param value - the value to check
 * @param name - the argument's name, for the message
 * @returns the value in lower case
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` (not a string) / `INVALID_ARGUMENT` (not 32 bytes of hex)
 * @example
 * ```ts
 * import { assertHex32 } from '@medseal/core'
 * assertHex32('0x' + 'AB'.repeat(32), 'commitment') // '0xabab…ab'
 * ```
 */
export function assertHex32(value: unknown, name: string): Hex {
  if (typeof value === 'string' && HEX32.test(value)) return value.toLowerCase() as Hex
  if (typeof value !== 'string')
    throw new InvalidArgumentError('INVALID_TYPE', `${name} must be a 0x-prefixed 32-byte hex string.`, {
      metaMessages: [`Received ${describeType(value)}.`],
    })
  throw new InvalidArgumentError('INVALID_ARGUMENT', `${name} must be a 0x-prefixed 32-byte hex string.`, {
    metaMessages: [`Received a string of ${value.length} characters.`],
  })
}

/**
 * Checks an anchor input (or an anchor key for `getAnchor`) and returns a copy of its `root`, `treeSize` and `kind`
 * (other fields are dropped; the root is a fresh `Uint8Array`).
 *
 * @param input - `{ root: 32 bytes, treeSize: 1..2^53-1, kind: 'records' | 'export' | 'events' }`
 * @returns the copy
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` (not an object, a root that is not bytes, a treeSize that is not
 *   a number), `INVALID_LENGTH` (a root that is not 32 bytes), `OUT_OF_RANGE` (treeSize), `INVALID_ARGUMENT` (kind)
 * @example
 * ```ts
 * import { assertAnchorInput } from '@medseal/core'
 * const input = assertAnchorInput({ root: new Uint8Array(32).fill(7), treeSize: 1, kind: 'records' })
 * ```
 */
export function assertAnchorInput(input: unknown): AnchorInput & { readonly root: Uint8Array<ArrayBuffer> } {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new InvalidArgumentError('INVALID_TYPE', 'input must be an object.', {
      metaMessages: [`Received ${describeType(input)}.`],
    })
  const o = input as Record<string, unknown>
  const root = assertBytes(o.root, { name: 'input.root', length: 32 })
  const treeSize = o.treeSize
  if (typeof treeSize !== 'number')
    throw new InvalidArgumentError('INVALID_TYPE', 'input.treeSize must be a number.', {
      metaMessages: [`Received ${describeType(treeSize)}.`],
    })
  if (!Number.isSafeInteger(treeSize) || treeSize < 1)
    throw new InvalidArgumentError('OUT_OF_RANGE', 'input.treeSize must be an integer from 1 to 2^53 - 1.')
  const kind = o.kind
  if (typeof kind !== 'string' || !Object.hasOwn(anchorKindCodes, kind))
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'input.kind must be one of: records, export, events.')
  return { root: new Uint8Array(root), treeSize, kind: kind as AnchorKind }
}

/**
 * The key of an anchor: `keccak256(abi.encode(bytes32 root, uint64 treeSize, uint8 kindCode))` with the kind's
 * {@link anchorKindCodes} code. The same root with another `treeSize` or `kind` is another anchor, so a stranger who
 * anchors a root first with other metadata blocks nothing (security review, issue 12, finding 8).
 *
 * @param input - the anchor (checked as {@link assertAnchorInput} does)
 * @returns the 32-byte key as lower-case `0x` hex
 * @throws {@link InvalidArgumentError} for a malformed input
 * @example
 * ```ts
 * import { anchorKey } from '@medseal/core'
 * const key = anchorKey({ root: new Uint8Array(32).fill(7), treeSize: 1, kind: 'records' })
 * ```
 */
export function anchorKey(input: AnchorInput): Hex {
  const a = assertAnchorInput(input)
  return bytesToHex0x(keccak_256(concatBytes(a.root, word(a.treeSize), word(anchorKindCodes[a.kind])))) as Hex
}

/** Most tombstone keys remembered (a custodian asks for the same record's on every release): public values, bounded. @internal */
export const TOMBSTONE_KEYS_MAX = 4096
const tombstoneKeys = /* @__PURE__ */ createBoundedMemo(
  (key: string) =>
    bytesToHex0x(
      keccak_256(concatBytes(hexToBytes(key.slice(0, 66)), new Uint8Array(12), hexToBytes(key.slice(66)))),
    ) as Hex,
  TOMBSTONE_KEYS_MAX,
)

/**
 * The key of a tombstone: `keccak256(abi.encode(bytes32 commitment, address owner))`. Keyed by owner, a stranger's
 * tombstone for a commitment never blocks, or is returned for, the owner's (security review, issue 12, finding 4).
 *
 * @param commitment - the record's commitment, 32-byte `0x` hex
 * @param owner - the record's owner
 * @returns the 32-byte key as lower-case `0x` hex
 * @throws {@link InvalidArgumentError} for a bad commitment or address
 * @example
 * ```ts
 * import { tombstoneKey } from '@medseal/core'
 * const key = tombstoneKey(commitment, patient.address)
 * ```
 */
export function tombstoneKey(commitment: Hex, owner: Address): Hex {
  const c = assertHex32(commitment, 'commitment')
  const o = normalizeAddress(owner, 'owner')
  return tombstoneKeys.get(`${c}${o}`)
}

/**
 * Is the head's `logId` the one its own `operator` and `nameHash` name: `keccak256(operator ‖ nameHash)` (the
 * operator's 20 bytes, then the 32-byte name hash, as `computeLogId` computes it)? Never throws: a malformed head is
 * simply `false`.
 *
 * @param head - `{ logId, operator, nameHash }` of a tree head
 * @returns whether the log id belongs to the head's operator
 * @example
 * ```ts
 * import { computeLogId, computeLogNameHash, createParty, isLogIdOf } from '@medseal/core'
 * const op = createParty().address
 * isLogIdOf({ logId: computeLogId(op, 'a/log'), operator: op, nameHash: computeLogNameHash('a/log') }) // true
 * isLogIdOf({ logId: computeLogId(op, 'a/log'), operator: createParty().address, nameHash: computeLogNameHash('a/log') }) // false
 * ```
 */
export function isLogIdOf(head: Pick<TreeHead, 'logId' | 'operator' | 'nameHash'>): boolean {
  try {
    if (typeof head !== 'object' || head === null) return false
    const operator = normalizeAddress(head.operator, 'operator')
    const nameHash = assertHex32(head.nameHash, 'nameHash')
    const logId = assertHex32(head.logId, 'logId')
    return bytesToHex0x(keccak_256(concatBytes(hexToBytes(operator), hexToBytes(nameHash)))) === logId
  } catch {
    return false
  }
}

/**
 * Asserts {@link isLogIdOf}: every ledger refuses a head for a log id that is not its signer's, so nobody can claim
 * another operator's log id first (security review, issue 12, finding 2).
 *
 * @param head - `{ logId, operator, nameHash }` of a tree head
 * @throws {@link LedgerError} `LEDGER_REJECTED` when the log id is not `keccak256(operator ‖ nameHash)`
 * @example
 * ```ts
 * import { assertLogIdOf } from '@medseal/core'
 * assertLogIdOf(signed.head) // throws LEDGER_REJECTED for a squatted log id
 * ```
 */
export function assertLogIdOf(head: Pick<TreeHead, 'logId' | 'operator' | 'nameHash'>): void {
  if (!isLogIdOf(head))
    throw new LedgerError('LEDGER_REJECTED', 'The tree head’s logId does not belong to its operator.', {
      metaMessages: ['A log id must be keccak256(operator ‖ nameHash) of the head itself (see computeLogId).'],
    })
}

/**
 * A copy of a consent's known fields, its lists copied too (unknown fields dropped): what a ledger keeps of a verified
 * consent and hands back, so that no caller reaches the ledger's state through an object it gave or got back.
 *
 * @param consent - a consent (already verified: nothing is checked)
 * @returns a new plain `Consent` sharing no array with `consent`
 * @example
 * ```ts
 * import { copyConsent } from '@medseal/core'
 * const kept = copyConsent(signed.consent)
 * kept.actions !== signed.consent.actions // true: an equal, separate list
 * ```
 */
export function copyConsent(consent: Consent): Consent {
  return {
    id: consent.id,
    grantor: consent.grantor,
    grantee: consent.grantee,
    parent: consent.parent,
    resourceTypes: [...consent.resourceTypes],
    commitments: [...consent.commitments],
    exclude: [...consent.exclude],
    actions: [...consent.actions] as ConsentAction[],
    purposes: [...consent.purposes],
    notBefore: consent.notBefore,
    expiresAt: consent.expiresAt,
    delegationDepth: consent.delegationDepth,
  }
}

/**
 * A string that is equal for two consents exactly when they grant the same thing (hex and addresses compared
 * case-insensitively, arrays in order). Ledgers use it for idempotency: the same content under the same key is the
 * same grant; different content is `CONSENT_REPLAYED`.
 *
 * @param consent - a verified consent
 * @returns the content key
 * @example
 * ```ts
 * import { consentContentKey } from '@medseal/core'
 * consentContentKey(a) === consentContentKey(b) // the same grant
 * ```
 */
export function consentContentKey(consent: Consent): string {
  const c = consent
  const lower = (xs: readonly string[]) => xs.map((x) => x.toLowerCase())
  return JSON.stringify([
    c.id.toLowerCase(),
    c.grantor.toLowerCase(),
    c.grantee.toLowerCase(),
    c.parent.toLowerCase(),
    [...c.resourceTypes],
    lower(c.commitments),
    [...c.exclude],
    [...c.actions],
    [...c.purposes],
    c.notBefore,
    c.expiresAt,
    c.delegationDepth,
  ])
}

/**
 * Equality of two tree heads' content (hex and addresses compared case-insensitively).
 *
 * @param a - a head
 * @param b - another head
 * @returns whether they are the same head
 * @example
 * ```ts
 * import { sameTreeHead } from '@medseal/core'
 * sameTreeHead(stored.head, signed.head)
 * ```
 */
export function sameTreeHead(a: TreeHead, b: TreeHead): boolean {
  const same = (x: string, y: string) => x.toLowerCase() === y.toLowerCase()
  return (
    same(a.logId, b.logId) &&
    same(a.operator, b.operator) &&
    same(a.nameHash, b.nameHash) &&
    a.treeSize === b.treeSize &&
    same(a.root, b.root) &&
    a.timestamp === b.timestamp
  )
}

/** What {@link verifyConsentWrite} returns. */
export type VerifyConsentWriteReturnType = {
  /** The verified consent and signature: a plain, normalized copy to store. */
  readonly signed: SignedConsent
  /** Its ledger key, `consentKey(grantor, id)`. */
  readonly key: ConsentKey
  /** Its {@link consentContentKey}, for the idempotency check. */
  readonly contentKey: string
}

/**
 * Verifies a consent a ledger is asked to register: strict shape, the grantor's signature under `domain`; returns
 * what to store and its key. The ledger then stores it under `key`, returns the existing record when the content
 * key is equal, and refuses other content under the same key with `CONSENT_REPLAYED` ({@link assertSameConsent}).
 *
 * @param domain - the ledger's domain
 * @param signed - `{ consent, signature }`
 * @returns `{ signed, key, contentKey }`
 * @throws {@link ConsentError} `CONSENT_MALFORMED`, `CONSENT_SIGNATURE_INVALID`
 * @example
 * ```ts
 * import { verifyConsentWrite } from '@medseal/core'
 * const { signed: value, key } = verifyConsentWrite(ledger.domain, signed)
 * ```
 */
export function verifyConsentWrite(domain: LedgerDomain, signed: SignedConsent): VerifyConsentWriteReturnType {
  const consent = copyConsent(verifySignedConsent(domain, signed))
  return {
    signed: { consent, signature: signed.signature.toLowerCase() as Hex },
    key: consentKey(consent.grantor, consent.id),
    contentKey: consentContentKey(consent),
  }
}

/**
 * The rule for a consent registered under a key that already holds one: the same content is an idempotent repeat
 * (returns `true`: give back the stored record); anything else is refused.
 *
 * @param existing - the consent stored under the key
 * @param incoming - the verified consent being registered
 * @returns `true` (the same grant)
 * @throws {@link ConsentError} `CONSENT_REPLAYED` for different content under the same `(grantor, id)`
 * @example
 * ```ts
 * import { assertSameConsent } from '@medseal/core'
 * if (stored && assertSameConsent(stored.consent, value.consent)) return stored
 * ```
 */
export function assertSameConsent(existing: Consent, incoming: Consent): true {
  if (consentContentKey(existing) === consentContentKey(incoming)) return true
  throw new ConsentError('CONSENT_REPLAYED', 'A different consent is already registered under this grantor and id.')
}

/** What {@link verifyRevocationWrite} returns. */
export type VerifyRevocationWriteReturnType = {
  /** The verified revocation and signature: a plain, normalized copy to store. */
  readonly signed: SignedRevocation
  /** The key of what it revokes, `consentKey(grantor, consentId)`. */
  readonly key: ConsentKey
}

/**
 * Verifies a revocation a ledger is asked to record: strict shape, signed by `revocation.grantor` under `domain`.
 * Its key is `consentKey(grantor, consentId)`, so it can only ever withdraw the grantor's own id; the consent need
 * not be registered (a grantor can withdraw a consent, an emergency policy or a clinician credential, before or
 * after registration). Recording is idempotent per key.
 *
 * @param domain - the ledger's domain
 * @param signed - `{ revocation, signature }`
 * @returns `{ signed, key }`
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` / `INVALID_ARGUMENT` (shape);
 *   {@link ConsentError} `CONSENT_SIGNATURE_INVALID` (not the grantor's signature)
 * @example
 * ```ts
 * import { verifyRevocationWrite } from '@medseal/core'
 * const { signed: value, key } = verifyRevocationWrite(ledger.domain, signed)
 * ```
 */
export function verifyRevocationWrite(domain: LedgerDomain, signed: SignedRevocation): VerifyRevocationWriteReturnType {
  const r = verifySignedRevocation(domain, signed)
  return {
    signed: {
      revocation: { consentId: r.consentId, grantor: r.grantor },
      signature: signed.signature.toLowerCase() as Hex,
    },
    key: consentKey(r.grantor, r.consentId),
  }
}

/** What {@link verifyTombstoneWrite} returns. */
export type VerifyTombstoneWriteReturnType = {
  /** The verified tombstone and signature: a plain, normalized copy to store. */
  readonly signed: SignedTombstone
  /** Its key, {@link tombstoneKey}`(commitment, owner)`. */
  readonly key: Hex
}

/**
 * Verifies a tombstone a ledger is asked to record: strict shape, signed by `owner` under `domain`. Keyed by
 * `(commitment, owner)`; recording is idempotent per key (the first signature is kept).
 *
 * @param domain - the ledger's domain
 * @param signed - `{ tombstone, signature }`
 * @returns `{ signed, key }`
 * @throws {@link InvalidArgumentError} (shape); {@link VerificationError} `INVALID_SIGNATURE`
 * @example
 * ```ts
 * import { verifyTombstoneWrite } from '@medseal/core'
 * const { signed: value, key } = verifyTombstoneWrite(ledger.domain, signed)
 * ```
 */
export function verifyTombstoneWrite(domain: LedgerDomain, signed: SignedTombstone): VerifyTombstoneWriteReturnType {
  const t = verifySignedTombstone(domain, signed)
  return {
    signed: {
      tombstone: { commitment: t.commitment, owner: t.owner },
      signature: signed.signature.toLowerCase() as Hex,
    },
    key: tombstoneKey(t.commitment, t.owner),
  }
}

/**
 * Verifies a tree head a ledger is asked to record: strict shape, signed by `operator` under `domain`, and its
 * `logId` must be the operator's ({@link assertLogIdOf}). The ledger then keeps one head per `(logId, treeSize)`:
 * the same head again is a repeat, another head of that size is `LEDGER_CONFLICT` ({@link assertSameTreeHead}).
 *
 * @param domain - the ledger's domain
 * @param signed - `{ head, signature }`
 * @returns the verified head and signature (a plain, normalized copy to store)
 * @throws {@link InvalidArgumentError} (shape); {@link VerificationError} `INVALID_SIGNATURE`;
 *   {@link LedgerError} `LEDGER_REJECTED` (a log id that is not the operator's)
 * @example
 * ```ts
 * import { verifyTreeHeadWrite } from '@medseal/core'
 * const value = verifyTreeHeadWrite(ledger.domain, signed)
 * ```
 */
export function verifyTreeHeadWrite(domain: LedgerDomain, signed: SignedTreeHead): SignedTreeHead {
  const h = verifySignedTreeHead(domain, signed)
  assertLogIdOf(h)
  return {
    head: {
      logId: h.logId,
      operator: h.operator,
      nameHash: h.nameHash,
      treeSize: h.treeSize,
      root: h.root,
      timestamp: h.timestamp,
    },
    signature: signed.signature.toLowerCase() as Hex,
  }
}

/**
 * The rule for a head recorded at a `(logId, treeSize)` that already holds one: the same head is a repeat (returns
 * `true`); another head is refused.
 *
 * @param existing - the head stored at that size
 * @param incoming - the verified head being recorded
 * @returns `true` (the same head)
 * @throws {@link LedgerError} `LEDGER_CONFLICT` for a different head of the same size
 * @example
 * ```ts
 * import { assertSameTreeHead } from '@medseal/core'
 * if (stored && assertSameTreeHead(stored.head, value.head)) return stored
 * ```
 */
export function assertSameTreeHead(existing: TreeHead, incoming: TreeHead): true {
  if (sameTreeHead(existing, incoming)) return true
  throw new LedgerError('LEDGER_CONFLICT', 'This log already has a different head of this size.')
}

/** What {@link checkListedConsent} returns: the verified item, or why it must be skipped. */
export type CheckListedConsentReturnType =
  | { readonly ok: true; readonly signed: SignedConsent; readonly key: ConsentKey }
  | { readonly ok: false; readonly code: ErrorCode }

/**
 * Checks a consent read back from a ledger for a listing, without throwing: a ledger is not trusted, and one bad
 * item (written straight to a contract, say) must be skipped and reported, never fail the page (security review,
 * issue 12, finding 6).
 *
 * @param domain - the ledger's domain
 * @param signed - the stored `{ consent, signature }`
 * @param key - the key the ledger holds it under, when it has one: it must be `consentKey(grantor, id)`
 * @returns `{ ok: true, signed, key }` or `{ ok: false, code }` (`CONSENT_MALFORMED`, `CONSENT_SIGNATURE_INVALID`,
 *   `LEDGER_MISMATCH` for a key that is not the consent's)
 * @example
 * ```ts
 * import { checkListedConsent } from '@medseal/core'
 * const checked = checkListedConsent(ledger.domain, stored, storedKey)
 * if (!checked.ok) skipped.push({ ref, code: checked.code })
 * ```
 */
export function checkListedConsent(
  domain: LedgerDomain,
  signed: SignedConsent,
  key?: ConsentKey,
): CheckListedConsentReturnType {
  try {
    const checked = verifyConsentWrite(domain, signed)
    if (key !== undefined && (typeof key !== 'string' || key.toLowerCase() !== checked.key))
      return { ok: false, code: 'LEDGER_MISMATCH' }
    return { ok: true, signed: checked.signed, key: checked.key }
  } catch (error) {
    if (isSdkError(error) && error.code === 'CONSENT_SIGNATURE_INVALID')
      return { ok: false, code: 'CONSENT_SIGNATURE_INVALID' }
    return { ok: false, code: 'CONSENT_MALFORMED' }
  }
}
