/**
 * The medseal EIP-712 structures (consent grants, revocations, tombstones, access-log tree heads; see
 * `consentTypes`): ledger domains, typed-data builders that viem users can sign as they are, signing as a
 * {@link Party}, and the verifiers every ledger adapter calls before it writes.
 *
 * Verifiers check the shape strictly first (no missing or extra fields, `0x` hex of the exact length, addresses,
 * integer ranges), then that the signature recovers to the structure's own signer (`grantor`, `owner`,
 * `operator`) under the given domain. They return a frozen, normalized copy, so a caller mutating its input later
 * cannot change what was verified.
 *
 * | structure  | malformed                         | not the signer's signature            |
 * | ---------- | --------------------------------- | ------------------------------------- |
 * | Consent    | `ConsentError` `CONSENT_MALFORMED` | `ConsentError` `CONSENT_SIGNATURE_INVALID` |
 * | Revocation | `InvalidArgumentError` `INVALID_ARGUMENT` / `INVALID_TYPE` | `ConsentError` `CONSENT_SIGNATURE_INVALID` |
 * | Tombstone  | `InvalidArgumentError` `INVALID_ARGUMENT` / `INVALID_TYPE` / `OUT_OF_RANGE` | `VerificationError` `INVALID_SIGNATURE` |
 * | TreeHead   | as Tombstone                      | `VerificationError` `INVALID_SIGNATURE` |
 *
 * A revocation is a consent structure, so a wrong signer is reported as the consent family's
 * `CONSENT_SIGNATURE_INVALID` (what the ledger conformance suite pins down). A signature with a high `s` or a `v`
 * other than 27/28 counts as "not the signer's signature" (it is never accepted). A malformed *domain* (the
 * caller's own configuration) is `InvalidArgumentError` `INVALID_ARGUMENT`.
 * @module
 */
import { keccak_256 } from '@noble/hashes/sha3.js'
import { bytesToHex0x, describeType, utf8ToBytes } from '../bytes/index.js'
import { assertConsent, assertSignatureHex, malformed } from '../consent/_validate.js'
import {
  type Consent,
  consentTypes,
  EIP712_DOMAIN_NAME,
  EIP712_DOMAIN_VERSION,
  type LedgerDomain,
  type Revocation,
  type SignedConsent,
  type SignedRevocation,
  type SignedTombstone,
  type SignedTreeHead,
  type Tombstone,
  type TreeHead,
} from '../consent/types.js'
import { ConsentError, InvalidArgumentError, VerificationError } from '../errors/base.js'
import { isAddress, toChecksumAddress } from '../identity/address.js'
import { recoverAddress } from '../identity/signature.js'
import type { Party } from '../identity/types.js'
import type { Address, Hex } from '../types.js'
import { hashTypedData } from './hashTypedData.js'
import { signTypedData } from './signTypedData.js'
import type { TypedDataField } from './types.js'

/** Everything the structure helpers can throw. */
export type StructuresErrorType = InvalidArgumentError | ConsentError | VerificationError

/** The viem-compatible typed data of one medseal structure. */
export type MedsealTypedData<P extends keyof typeof consentTypes, M> = {
  readonly domain: LedgerDomain
  readonly types: { readonly [K in P]: readonly TypedDataField[] }
  readonly primaryType: P
  readonly message: M
}

const RE_BYTES32 = /^0x[0-9a-fA-F]{64}$/
const RE_SIG = /^0x[0-9a-fA-F]{130}$/
/** Longest ledger id accepted by {@link createSaltedDomain}. */
const MAX_LEDGER_ID_LENGTH = 256

function invalidArg(message: string, meta?: string): InvalidArgumentError {
  return new InvalidArgumentError('INVALID_ARGUMENT', message, meta ? { metaMessages: [meta] } : {})
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

function exactKeys(v: Record<string, unknown>, keys: readonly string[], what: string): void {
  for (const k of Object.keys(v))
    if (!keys.includes(k)) throw invalidArg(`${what} must have only the fields ${keys.join(', ')} (it has another).`)
  for (const k of keys) if (!Object.hasOwn(v, k)) throw invalidArg(`${what}.${k} is missing.`)
}

function objectArg(v: unknown, what: string): Record<string, unknown> {
  if (isPlainObject(v)) return v
  throw new InvalidArgumentError('INVALID_TYPE', `${what} must be a plain object.`, {
    metaMessages: [`Received ${describeType(v)}.`],
  })
}

function bytes32Arg(v: unknown, field: string): Hex {
  if (typeof v === 'string' && RE_BYTES32.test(v)) return v.toLowerCase() as Hex
  throw invalidArg(`${field} must be 0x followed by 64 hex digits (32 bytes).`)
}

function addressArg(v: unknown, field: string): Address {
  if (isAddress(v)) return toChecksumAddress(v)
  throw invalidArg(`${field} must be an address (0x + 40 hex digits; mixed case must be a valid EIP-55 checksum).`)
}

function uint64Arg(v: unknown, field: string): number {
  if (typeof v !== 'number')
    throw new InvalidArgumentError('INVALID_TYPE', `${field} must be a number (a uint64 within the safe range).`)
  if (!Number.isSafeInteger(v) || v < 0)
    throw new InvalidArgumentError('OUT_OF_RANGE', `${field} must be a non-negative safe integer.`)
  return v
}

function signatureArg(v: unknown): Hex {
  if (typeof v === 'string' && RE_SIG.test(v)) return v.toLowerCase() as Hex
  throw invalidArg('signed.signature must be 0x followed by 130 hex digits (65 bytes r || s || v).')
}

/**
 * Checks a medseal ledger domain and returns a frozen, normalized copy (checksummed `verifyingContract`, lower-case
 * `salt`).
 *
 * @param domain - `{ name: 'medseal', version: '1', chainId, verifyingContract }` or `{ name, version, salt }`
 * @returns the domain
 * @throws {@link InvalidArgumentError} `INVALID_TYPE`, `INVALID_ARGUMENT`
 * @example
 * ```ts
 * import { assertLedgerDomain, createSaltedDomain } from '@medseal/core'
 * assertLedgerDomain(createSaltedDomain('memory:demo'))
 * ```
 */
export function assertLedgerDomain(domain: unknown): LedgerDomain {
  const d = objectArg(domain, 'domain')
  if (d.name !== EIP712_DOMAIN_NAME || d.version !== EIP712_DOMAIN_VERSION)
    throw invalidArg(`domain must have name '${EIP712_DOMAIN_NAME}' and version '${EIP712_DOMAIN_VERSION}'.`)
  if (Object.hasOwn(d, 'salt')) {
    exactKeys(d, ['name', 'version', 'salt'], 'domain')
    return Object.freeze({
      name: EIP712_DOMAIN_NAME,
      version: EIP712_DOMAIN_VERSION,
      salt: bytes32Arg(d.salt, 'domain.salt'),
    })
  }
  exactKeys(d, ['name', 'version', 'chainId', 'verifyingContract'], 'domain')
  if (typeof d.chainId !== 'number' || !Number.isSafeInteger(d.chainId) || d.chainId <= 0)
    throw invalidArg('domain.chainId must be a positive safe integer.')
  return Object.freeze({
    name: EIP712_DOMAIN_NAME,
    version: EIP712_DOMAIN_VERSION,
    chainId: d.chainId,
    verifyingContract: addressArg(d.verifyingContract, 'domain.verifyingContract'),
  })
}

/**
 * The EIP-712 domain of an EVM ledger: structures signed for one registry contract on one chain verify nowhere
 * else.
 *
 * @param params - `chainId` (positive safe integer) and `verifyingContract` (the registry contract's address)
 * @returns a frozen `{ name: 'medseal', version: '1', chainId, verifyingContract }` (address checksummed)
 * @throws {@link InvalidArgumentError} `INVALID_TYPE`, `INVALID_ARGUMENT`
 * @example
 * ```ts
 * import { createEvmDomain } from '@medseal/core'
 * const domain = createEvmDomain({ chainId: 31337, verifyingContract: '0x5FbDB2315678afecb367f032d93F642f64180aa3' })
 * ```
 */
export function createEvmDomain(params: { chainId: number; verifyingContract: Address }): LedgerDomain {
  const p = objectArg(params, 'params')
  return assertLedgerDomain({
    name: EIP712_DOMAIN_NAME,
    version: EIP712_DOMAIN_VERSION,
    chainId: p.chainId,
    verifyingContract: p.verifyingContract,
  })
}

/**
 * The EIP-712 domain of a non-EVM ledger (memory, Fabric, your own): `salt = keccak256(utf8("medseal-ledger:" +
 * ledgerId))`, so structures signed for one ledger id verify nowhere else.
 *
 * @param ledgerId - the ledger's id, e.g. `memory:demo` or `fabric:mychannel:medseal` (1 to 256 characters,
 *   well-formed Unicode)
 * @returns a frozen `{ name: 'medseal', version: '1', salt }`
 * @throws {@link InvalidArgumentError} `INVALID_TYPE`, `INVALID_ARGUMENT`, `INVALID_ENCODING`
 * @example
 * ```ts
 * import { createSaltedDomain } from '@medseal/core'
 * const domain = createSaltedDomain('memory:demo')
 * ```
 */
export function createSaltedDomain(ledgerId: string): LedgerDomain {
  if (typeof ledgerId !== 'string')
    throw new InvalidArgumentError('INVALID_TYPE', 'ledgerId must be a string.', {
      metaMessages: [`Received ${describeType(ledgerId)}.`],
    })
  if (ledgerId.length === 0 || ledgerId.length > MAX_LEDGER_ID_LENGTH)
    throw invalidArg(`ledgerId must have 1 to ${MAX_LEDGER_ID_LENGTH} characters.`)
  const salt = bytesToHex0x(keccak_256(utf8ToBytes(`medseal-ledger:${ledgerId}`)))
  return Object.freeze({ name: EIP712_DOMAIN_NAME, version: EIP712_DOMAIN_VERSION, salt })
}

// ------------------------------------------------------------------ shapes

function revocationArg(v: unknown): Revocation {
  const r = objectArg(v, 'revocation')
  exactKeys(r, ['consentId', 'grantor'], 'revocation')
  return Object.freeze({
    consentId: bytes32Arg(r.consentId, 'revocation.consentId'),
    grantor: addressArg(r.grantor, 'revocation.grantor'),
  })
}

function tombstoneArg(v: unknown): Tombstone {
  const t = objectArg(v, 'tombstone')
  exactKeys(t, ['commitment', 'owner'], 'tombstone')
  return Object.freeze({
    commitment: bytes32Arg(t.commitment, 'tombstone.commitment'),
    owner: addressArg(t.owner, 'tombstone.owner'),
  })
}

function treeHeadArg(v: unknown): TreeHead {
  const h = objectArg(v, 'head')
  exactKeys(h, ['logId', 'operator', 'nameHash', 'treeSize', 'root', 'timestamp'], 'head')
  return Object.freeze({
    logId: bytes32Arg(h.logId, 'head.logId'),
    operator: addressArg(h.operator, 'head.operator'),
    nameHash: bytes32Arg(h.nameHash, 'head.nameHash'),
    treeSize: uint64Arg(h.treeSize, 'head.treeSize'),
    root: bytes32Arg(h.root, 'head.root'),
    timestamp: uint64Arg(h.timestamp, 'head.timestamp'),
  })
}

// ------------------------------------------------------------------ typed data

function typedData<P extends keyof typeof consentTypes, M>(
  domain: LedgerDomain,
  primaryType: P,
  message: M,
): MedsealTypedData<P, M> {
  return {
    domain: { ...assertLedgerDomain(domain) },
    types: { [primaryType]: consentTypes[primaryType].map((f) => ({ ...f })) } as unknown as MedsealTypedData<
      P,
      M
    >['types'],
    primaryType,
    message,
  }
}

/**
 * The full EIP-712 typed data of a consent grant, ready for viem's `signTypedData` (or a wallet's
 * `eth_signTypedData_v4`). The consent's shape is checked first.
 *
 * @param domain - the ledger's domain
 * @param consent - the grant
 * @returns `{ domain, types: { Consent }, primaryType: 'Consent', message }`
 * @throws {@link ConsentError} `CONSENT_MALFORMED`; {@link InvalidArgumentError} for a malformed domain
 * @example
 * ```ts
 * import { consentTypedData } from '@medseal/core'
 * const signature = await walletClient.signTypedData({ account, ...consentTypedData(ledger.domain, consent) })
 * ```
 */
export function consentTypedData(domain: LedgerDomain, consent: Consent): MedsealTypedData<'Consent', Consent> {
  const c = assertConsent(consent)
  return typedData(domain, 'Consent', {
    ...c,
    resourceTypes: [...c.resourceTypes],
    commitments: [...c.commitments],
    exclude: [...c.exclude],
    actions: [...c.actions],
    purposes: [...c.purposes],
  })
}

/**
 * The full EIP-712 typed data of a revocation (see {@link consentTypedData}).
 * @throws {@link InvalidArgumentError} for a malformed revocation or domain
 * @example
 * ```ts
 * import { revocationTypedData } from '@medseal/core'
 * revocationTypedData(ledger.domain, { consentId, grantor: patient.address })
 * ```
 */
export function revocationTypedData(
  domain: LedgerDomain,
  revocation: Revocation,
): MedsealTypedData<'Revocation', Revocation> {
  return typedData(domain, 'Revocation', { ...revocationArg(revocation) })
}

/**
 * The full EIP-712 typed data of a tombstone (see {@link consentTypedData}).
 * @throws {@link InvalidArgumentError} for a malformed tombstone or domain
 * @example
 * ```ts
 * import { tombstoneTypedData } from '@medseal/core'
 * tombstoneTypedData(ledger.domain, { commitment, owner: patient.address })
 * ```
 */
export function tombstoneTypedData(
  domain: LedgerDomain,
  tombstone: Tombstone,
): MedsealTypedData<'Tombstone', Tombstone> {
  return typedData(domain, 'Tombstone', { ...tombstoneArg(tombstone) })
}

/**
 * The full EIP-712 typed data of an access-log tree head (see {@link consentTypedData}).
 * @throws {@link InvalidArgumentError} for a malformed head or domain
 * @example
 * ```ts
 * import { treeHeadTypedData } from '@medseal/core'
 * treeHeadTypedData(ledger.domain, { logId, operator: operator.address, nameHash, treeSize: 8, root, timestamp: 1_700_000_000 })
 * ```
 */
export function treeHeadTypedData(domain: LedgerDomain, head: TreeHead): MedsealTypedData<'TreeHead', TreeHead> {
  return typedData(domain, 'TreeHead', { ...treeHeadArg(head) })
}

// ------------------------------------------------------------------ signing

/**
 * Signs a consent grant as `party` (normally the grant's `grantor`; the signature only verifies if it is).
 *
 * @param party - the signer
 * @param domain - the ledger's domain
 * @param consent - the grant (checked strictly first)
 * @returns `{ consent, signature }` with the normalized consent
 * @throws {@link ConsentError} `CONSENT_MALFORMED`; {@link InvalidArgumentError} for a malformed domain or party
 * @example
 * ```ts
 * import { signConsent } from '@medseal/core'
 * const signed = signConsent(patient, ledger.domain, consent)
 * await ledger.registerConsent(signed)
 * ```
 */
export function signConsent(party: Pick<Party, 'signDigest'>, domain: LedgerDomain, consent: Consent): SignedConsent {
  const data = consentTypedData(domain, consent)
  return Object.freeze({ consent: assertConsent(consent), signature: signTypedData(party, data) })
}

/**
 * Signs a revocation as `party` (the revoked grant's grantor).
 * @throws {@link InvalidArgumentError} for a malformed revocation, domain or party
 * @example
 * ```ts
 * import { signRevocation } from '@medseal/core'
 * await ledger.revokeConsent(signRevocation(patient, ledger.domain, { consentId, grantor: patient.address }))
 * ```
 */
export function signRevocation(
  party: Pick<Party, 'signDigest'>,
  domain: LedgerDomain,
  revocation: Revocation,
): SignedRevocation {
  const data = revocationTypedData(domain, revocation)
  return Object.freeze({ revocation: data.message, signature: signTypedData(party, data) })
}

/**
 * Signs a tombstone (shred receipt) as `party` (the record's owner).
 * @throws {@link InvalidArgumentError} for a malformed tombstone, domain or party
 * @example
 * ```ts
 * import { signTombstone } from '@medseal/core'
 * await ledger.recordTombstone(signTombstone(patient, ledger.domain, { commitment, owner: patient.address }))
 * ```
 */
export function signTombstone(
  party: Pick<Party, 'signDigest'>,
  domain: LedgerDomain,
  tombstone: Tombstone,
): SignedTombstone {
  const data = tombstoneTypedData(domain, tombstone)
  return Object.freeze({ tombstone: data.message, signature: signTypedData(party, data) })
}

/**
 * Signs an access-log tree head as `party` (the log's operator).
 * @throws {@link InvalidArgumentError} for a malformed head, domain or party
 * @example
 * ```ts
 * import { signTreeHead } from '@medseal/core'
 * const signed = signTreeHead(operator, ledger.domain, { logId, operator: operator.address, nameHash, treeSize, root, timestamp })
 * ```
 */
export function signTreeHead(party: Pick<Party, 'signDigest'>, domain: LedgerDomain, head: TreeHead): SignedTreeHead {
  const data = treeHeadTypedData(domain, head)
  return Object.freeze({ head: data.message, signature: signTypedData(party, data) })
}

// ------------------------------------------------------------------ verification

/** Recovers the signer, or `undefined` for a signature that is well-formed hex but not acceptable (high-s, bad v). */
function recoverOrUndefined(digest: Uint8Array, signature: Hex): Address | undefined {
  try {
    return recoverAddress(digest, signature)
  } catch {
    return undefined
  }
}

/** `onMalformed` gets the reason (`must …`), about the field `signed`. */
function signedArg(signed: unknown, key: string, onMalformed: (reason: string) => Error): Record<string, unknown> {
  if (!isPlainObject(signed)) throw onMalformed(`must be an object { ${key}, signature }`)
  for (const k of Object.keys(signed))
    if (k !== key && k !== 'signature') throw onMalformed(`must have only ${key} and signature`)
  if (!Object.hasOwn(signed, key) || !Object.hasOwn(signed, 'signature'))
    throw onMalformed(`must have ${key} and signature`)
  return signed
}

const signedInvalid = (reason: string) => invalidArg(`signed ${reason}.`)

/**
 * Verifies a signed consent for a ledger: strict shape, then the signature must recover to the consent's
 * `grantor` under `domain`. Every ledger adapter calls this before it writes.
 *
 * @param domain - the ledger's domain
 * @param signed - `{ consent, signature }`
 * @returns the verified consent (a frozen, normalized copy)
 * @throws {@link ConsentError} `CONSENT_MALFORMED` (shape, including the signature's form), `CONSENT_SIGNATURE_INVALID`
 *   (not the grantor's signature for this domain); {@link InvalidArgumentError} for a malformed domain
 * @example
 * ```ts
 * import { verifySignedConsent } from '@medseal/core'
 * const consent = verifySignedConsent(ledger.domain, signed)
 * ```
 */
export function verifySignedConsent(domain: LedgerDomain, signed: SignedConsent): Consent {
  const d = assertLedgerDomain(domain)
  const s = signedArg(signed, 'consent', (m) => malformed('signed', m))
  const consent = assertConsent(s.consent)
  const signature = assertSignatureHex(s.signature, 'signed.signature')
  const signer = recoverOrUndefined(hashTypedData(consentTypedData(d, consent)), signature)
  if (signer === undefined || signer.toLowerCase() !== consent.grantor.toLowerCase())
    throw new ConsentError('CONSENT_SIGNATURE_INVALID', 'Consent signature is not the grantor’s for this ledger.')
  return consent
}

/**
 * Verifies a signed revocation for a ledger: strict shape, then the signature must recover to `grantor`. (That
 * `grantor` is the revoked grant's grantor is the ledger's check: it holds the grant.)
 *
 * @param domain - the ledger's domain
 * @param signed - `{ revocation, signature }`
 * @returns the verified revocation (frozen, normalized)
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` / `INVALID_ARGUMENT` (shape or domain);
 *   {@link ConsentError} `CONSENT_SIGNATURE_INVALID` (not the grantor's signature for this domain)
 * @example
 * ```ts
 * import { verifySignedRevocation } from '@medseal/core'
 * const revocation = verifySignedRevocation(ledger.domain, signed)
 * ```
 */
export function verifySignedRevocation(domain: LedgerDomain, signed: SignedRevocation): Revocation {
  const d = assertLedgerDomain(domain)
  const s = signedArg(signed, 'revocation', signedInvalid)
  const data = revocationTypedData(d, s.revocation as Revocation)
  const signer = recoverOrUndefined(hashTypedData(data), signatureArg(s.signature))
  if (signer === undefined || signer !== data.message.grantor)
    throw new ConsentError('CONSENT_SIGNATURE_INVALID', 'Revocation signature is not the grantor’s for this ledger.')
  return data.message
}

/**
 * Verifies a signed tombstone for a ledger: strict shape, then the signature must recover to `owner`.
 *
 * @param domain - the ledger's domain
 * @param signed - `{ tombstone, signature }`
 * @returns the verified tombstone (frozen, normalized)
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` / `INVALID_ARGUMENT` (shape or domain);
 *   {@link VerificationError} `INVALID_SIGNATURE` (not the owner's signature for this domain)
 * @example
 * ```ts
 * import { verifySignedTombstone } from '@medseal/core'
 * const tombstone = verifySignedTombstone(ledger.domain, signed)
 * ```
 */
export function verifySignedTombstone(domain: LedgerDomain, signed: SignedTombstone): Tombstone {
  const d = assertLedgerDomain(domain)
  const s = signedArg(signed, 'tombstone', signedInvalid)
  const data = tombstoneTypedData(d, s.tombstone as Tombstone)
  const signer = recoverOrUndefined(hashTypedData(data), signatureArg(s.signature))
  if (signer === undefined || signer !== data.message.owner)
    throw new VerificationError('INVALID_SIGNATURE', 'Tombstone signature is not the owner’s for this ledger.')
  return data.message
}

/**
 * Verifies a signed access-log tree head for a ledger: strict shape (uint64 sizes and times as safe integers),
 * then the signature must recover to `operator`.
 *
 * @param domain - the ledger's domain
 * @param signed - `{ head, signature }`
 * @returns the verified head (frozen, normalized)
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` / `INVALID_ARGUMENT` / `OUT_OF_RANGE` (shape or domain);
 *   {@link VerificationError} `INVALID_SIGNATURE` (not the operator's signature for this domain)
 * @example
 * ```ts
 * import { verifySignedTreeHead } from '@medseal/core'
 * const head = verifySignedTreeHead(ledger.domain, signed)
 * ```
 */
export function verifySignedTreeHead(domain: LedgerDomain, signed: SignedTreeHead): TreeHead {
  const d = assertLedgerDomain(domain)
  const s = signedArg(signed, 'head', signedInvalid)
  const data = treeHeadTypedData(d, s.head as TreeHead)
  const signer = recoverOrUndefined(hashTypedData(data), signatureArg(s.signature))
  if (signer === undefined || signer !== data.message.operator)
    throw new VerificationError('INVALID_SIGNATURE', 'Tree head signature is not the operator’s for this ledger.')
  return data.message
}
