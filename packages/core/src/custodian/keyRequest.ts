/**
 * A grantee's signed request for a record's data key. Signing binds the grantee's address (the one their consent
 * names) to the X25519 key the wrap is made for, so a custodian never wraps a key to someone who only claims an
 * address (docs/spec/consent.md §9).
 * @module
 */

import { keccak_256 } from '@noble/hashes/sha3.js'
import {
  assertBytes,
  bytesToHex0x,
  randomBytes as defaultRandomBytes,
  hexToBytes,
  isBytes,
  type RandomBytes,
  utf8ToBytes,
} from '../bytes/index.js'
import { assertDomain, CONSENT_ACTIONS, checksumAddress, isAddress, isBytes32 } from '../consent/_validate.js'
import type { ConsentAction, LedgerDomain } from '../consent/types.js'
import { domainSeparator, encodeType } from '../eip712/hashTypedData.js'
import { signTypedData } from '../eip712/signTypedData.js'
import { ConsentError, InvalidArgumentError } from '../errors/base.js'
import { createBoundedMemo } from '../identity/_boundedMemo.js'
import type { Secp256k1RecoveryOptions } from '../identity/secp256k1Recovery.js'
import { recoverAddress } from '../identity/signature.js'
import type { Party, PublicIdentity } from '../identity/types.js'
import type { Address, Hex } from '../types.js'

/** EIP-712 `types` of a key request. */
export const keyRequestTypes = {
  KeyRequest: [
    { name: 'consentId', type: 'bytes32' },
    { name: 'grantor', type: 'address' },
    { name: 'commitment', type: 'bytes32' },
    { name: 'action', type: 'string' },
    { name: 'purpose', type: 'string' },
    { name: 'encryptionKey', type: 'bytes32' },
    { name: 'issuedAt', type: 'uint64' },
    { name: 'nonce', type: 'bytes32' },
    { name: 'custodian', type: 'address' },
  ],
} as const

/** Errors {@link createKeyRequest} and {@link verifyKeyRequest} can throw. */
export type KeyRequestErrorType = ConsentError | InvalidArgumentError

/** What a grantee asks a custodian for. */
export type KeyRequest = {
  /** The consent (or emergency grant) id the request relies on. */
  readonly consentId: Hex
  /**
   * Who signed that consent (its `grantor`; for an emergency grant, the patient). The ledger holds consents under
   * `consentKey(grantor, consentId)`, so the pair names exactly one grant.
   */
  readonly grantor: Address
  /** The record. */
  readonly commitment: Hex
  readonly action: ConsentAction
  /** HL7 v3 PurposeOfUse code. */
  readonly purpose: string
  /** The requester's X25519 public key the data key is to be wrapped to. */
  readonly encryptionKey: Hex
  /**
   * When the request was made, Unix seconds (ledger time). Custodians refuse stale requests, requests from more than a
   * few seconds in the future, and a request they have already seen (`REQUEST_REPLAYED`): sign a new one per access.
   */
  readonly issuedAt: number
  /** 32 random bytes: two requests are never the same, so a custodian can refuse a replayed one outright. */
  readonly nonce: Hex
  /**
   * The custodian the request is addressed to. Another custodian refuses it, so a request seen in transit cannot be
   * replayed to a second custodian holding the same record (security review, issue 12, finding 12).
   */
  readonly custodian: Address
}

/** A key request with the requester's EIP-712 signature. */
export type SignedKeyRequest = { readonly request: KeyRequest; readonly signature: Hex }

/** What {@link verifyKeyRequest} returns. */
export type VerifyKeyRequestReturnType = {
  /** The request, normalized. */
  readonly request: KeyRequest
  /** The address the signature recovers to: the one the custodian authorizes. */
  readonly requester: Address
  /** The X25519 key the data key is to be wrapped to. */
  readonly encryptionKey: Uint8Array
  /**
   * The request's EIP-712 digest (`0x` hex). It does not cover the signature, so a re-encoded signature of the same
   * request has the same digest: custodians remember digests to refuse replays.
   */
  readonly digest: Hex
}

/** Parameters of {@link createKeyRequest}. */
export type CreateKeyRequestParameters = {
  readonly consentId: Hex
  /** The consent's grantor (`token.consent.grantor`; for an emergency grant, `grant.patient`). */
  readonly grantor: Address | Pick<PublicIdentity, 'address'>
  readonly commitment: Hex | Uint8Array
  readonly action: ConsentAction
  readonly purpose: string
  /** Ledger time of the request (`await ledger.getTime()`). */
  readonly issuedAt: number
  /** The custodian the request is for (`custodian.identity` or its address); no other custodian accepts it. */
  readonly custodian: Address | Pick<PublicIdentity, 'address'>
  /** Randomness for the nonce (default: the platform's CSPRNG). */
  readonly randomBytes?: RandomBytes
}

const bad = (m: string) => new InvalidArgumentError('INVALID_ARGUMENT', m)
const FIELD_NAMES: ReadonlySet<string> = /* @__PURE__ */ new Set(keyRequestTypes.KeyRequest.map((f) => f.name))

/** Checks a key request's shape; returns a normalized frozen copy. @internal */
export function assertKeyRequest(value: unknown): KeyRequest {
  if (typeof value !== 'object' || value === null) throw bad('request must be an object.')
  const v = value as Record<string, unknown>
  for (const k of Object.keys(v))
    if (!FIELD_NAMES.has(k))
      throw bad(`request must have only the fields ${[...FIELD_NAMES].join(', ')} (it has another).`)
  if (!isBytes32(v.consentId)) throw bad('request.consentId must be 0x followed by 64 hex digits (32 bytes).')
  if (!isAddress(v.grantor))
    throw bad('request.grantor must be a 20-byte hex address (mixed case: a valid EIP-55 checksum).')
  if (!isBytes32(v.commitment)) throw bad('request.commitment must be 0x followed by 64 hex digits (32 bytes).')
  if (!(CONSENT_ACTIONS as readonly unknown[]).includes(v.action))
    throw bad(`request.action must be one of ${CONSENT_ACTIONS.join(', ')}.`)
  if (typeof v.purpose !== 'string' || !/^[A-Z]{2,16}$/.test(v.purpose))
    throw bad('request.purpose must be a PurposeOfUse code (2 to 16 capital letters, e.g. TREAT).')
  if (!isBytes32(v.encryptionKey))
    throw bad('request.encryptionKey must be 0x followed by 64 hex digits (an X25519 public key).')
  if (typeof v.issuedAt !== 'number' || !Number.isSafeInteger(v.issuedAt) || v.issuedAt < 0)
    throw bad('request.issuedAt must be Unix seconds (a non-negative safe integer).')
  if (!isBytes32(v.nonce)) throw bad('request.nonce must be 0x followed by 64 hex digits (32 bytes).')
  if (!isAddress(v.custodian))
    throw bad('request.custodian must be a 20-byte hex address (mixed case: a valid EIP-55 checksum).')
  return Object.freeze({
    consentId: v.consentId.toLowerCase() as Hex,
    grantor: checksumAddress(v.grantor),
    commitment: v.commitment.toLowerCase() as Hex,
    action: v.action as ConsentAction,
    purpose: v.purpose,
    encryptionKey: v.encryptionKey.toLowerCase() as Hex,
    issuedAt: v.issuedAt,
    nonce: v.nonce.toLowerCase() as Hex,
    custodian: checksumAddress(v.custodian),
  })
}

/** Nibble values of the ASCII hex digits (either case); -1 elsewhere. */
const NIBBLES: Int8Array = /* @__PURE__ */ (() => {
  const t = new Int8Array(128).fill(-1)
  for (let i = 0; i < 16; i++) {
    t[i.toString(16).charCodeAt(0)] = i
    t[i.toString(16).toUpperCase().charCodeAt(0)] = i
  }
  return t
})()

/**
 * Writes the bytes of `0x`-prefixed hex (already checked by `assertKeyRequest`: even length, hex digits only) into
 * `out` at `offset`, without an intermediate array. Throws on a non-hex digit all the same.
 */
function putHex(out: Uint8Array, offset: number, hex: string): void {
  for (let i = 2, o = offset; i < hex.length; i += 2, o++) {
    const hi = NIBBLES[hex.charCodeAt(i)] ?? -1
    const lo = NIBBLES[hex.charCodeAt(i + 1)] ?? -1
    if (hi < 0 || lo < 0) throw bad('hex digits expected.')
    out[o] = (hi << 4) | lo
  }
}

/** The KeyRequest type hash, computed on first use. */
let typeHash: Uint8Array | undefined
/**
 * keccak256 of an action or a PurposeOfUse code (2 to 16 capital letters, checked before): a small public vocabulary,
 * remembered (bounded).
 */
const codeHashes = /* @__PURE__ */ createBoundedMemo((code: string) => keccak_256(utf8ToBytes(code)), 256)

/**
 * The EIP-712 digest of a key request `assertKeyRequest` returned, for a domain `assertDomain` returned: the bytes
 * `hashTypedData` computes for `{ domain, types: keyRequestTypes, primaryType: 'KeyRequest', message }` (tested equal,
 * and against viem), written field by field: the shapes are fixed and already checked, so the generic walk over the
 * types (and its checks) is not run again on every request. @internal
 */
export function hashKeyRequest(domain: LedgerDomain, request: KeyRequest): Uint8Array {
  typeHash ??= keccak_256(utf8ToBytes(encodeType({ types: keyRequestTypes, primaryType: 'KeyRequest' })))
  // encodeData: the type hash, then one 32-byte word per member in the type's order
  const data = new Uint8Array(320)
  data.set(typeHash, 0)
  putHex(data, 32, request.consentId)
  putHex(data, 64 + 12, request.grantor) // address: left-padded to 32 bytes
  putHex(data, 96, request.commitment)
  data.set(codeHashes.get(request.action), 128) // string: keccak256 of its UTF-8 bytes
  data.set(codeHashes.get(request.purpose), 160)
  putHex(data, 192, request.encryptionKey)
  // uint64, big-endian in the word's last 8 bytes (issuedAt is a safe integer: below 2^53)
  const view = new DataView(data.buffer)
  view.setUint32(224 + 24, Math.floor(request.issuedAt / 2 ** 32))
  view.setUint32(224 + 28, request.issuedAt >>> 0)
  putHex(data, 256, request.nonce)
  putHex(data, 288 + 12, request.custodian)
  const preimage = new Uint8Array(66)
  preimage[0] = 0x19
  preimage[1] = 0x01
  preimage.set(domainSeparator(domain), 2)
  preimage.set(keccak_256(data), 34)
  return keccak_256(preimage)
}

const typedData = (domain: LedgerDomain, request: KeyRequest) => ({
  domain,
  types: keyRequestTypes,
  primaryType: 'KeyRequest',
  message: request,
})

/**
 * Signs a key request as `party` for its own X25519 key.
 *
 * @param party - the grantee
 * @param domain - `ledger.domain`
 * @param params - consent id and its grantor, record commitment, action, purpose, issuedAt (a random nonce is added)
 * @returns the signed request to send to the custodian
 * @throws {@link InvalidArgumentError} for malformed parameters
 * @example
 * ```ts
 * import { createKeyRequest } from '@medseal/core'
 * const request = createKeyRequest(doctor, ledger.domain, {
 *   consentId: token.consent.id, grantor: token.consent.grantor, commitment, action: 'read', purpose: 'TREAT',
 *   issuedAt: await ledger.getTime(), custodian: custodian.identity,
 * })
 * ```
 */
export function createKeyRequest(
  party: Party,
  domain: LedgerDomain,
  params: CreateKeyRequestParameters,
): SignedKeyRequest {
  if (typeof params !== 'object' || params === null) throw bad('params must be an object.')
  const commitment = isBytes(params.commitment)
    ? bytesToHex0x(assertBytes(params.commitment, { length: 32, name: 'commitment' }))
    : params.commitment
  const grantor =
    typeof params.grantor === 'object' && params.grantor !== null ? params.grantor.address : params.grantor
  const request = assertKeyRequest({
    consentId: params.consentId,
    grantor,
    commitment,
    action: params.action,
    purpose: params.purpose,
    encryptionKey: bytesToHex0x(assertBytes(party.encryptionPublicKey, { length: 32, name: 'encryptionPublicKey' })),
    issuedAt: params.issuedAt,
    nonce: bytesToHex0x((params.randomBytes ?? defaultRandomBytes)(32)),
    custodian:
      typeof params.custodian === 'object' && params.custodian !== null ? params.custodian.address : params.custodian,
  })
  return Object.freeze({ request, signature: signTypedData(party, typedData(assertDomain(domain), request)) })
}

/** Verified frozen signed requests, by object (held as long as the request object lives). */
const VERIFIED = /* @__PURE__ */ new WeakMap<
  object,
  { readonly domain: LedgerDomain; readonly result: VerifyKeyRequestReturnType; readonly encryptionKey: Uint8Array }
>()

/**
 * Recovers who signed a key request (the address the custodian authorizes) and its X25519 key.
 *
 * A frozen signed request (`Object.freeze` of it and of its `request`, as `createKeyRequest` returns them) checked
 * for the same frozen domain object is checked once: its result is remembered with the object (a service that checks
 * a request to rate-limit its signer, then gives it to the custodian, pays for one check). Anything else is checked in
 * full on every call.
 *
 * @param domain - `ledger.domain`
 * @param signed - the signed request
 * @param opts - `secp256k1`: the recovery implementation (default `@noble/curves`; a custodian passes its own)
 * @returns `{ request, requester, encryptionKey, digest }`
 * @throws {@link ConsentError} `CONSENT_SIGNATURE_INVALID` when no signer can be recovered
 * @throws {@link InvalidArgumentError} for a malformed request
 * @example
 * ```ts
 * import { verifyKeyRequest } from '@medseal/core'
 * const { requester } = verifyKeyRequest(ledger.domain, signedRequest)
 * ```
 */
export function verifyKeyRequest(
  domain: LedgerDomain,
  signed: SignedKeyRequest,
  opts?: Secp256k1RecoveryOptions,
): VerifyKeyRequestReturnType {
  return _verifyKeyRequest(domain, signed, opts, true)
}

/**
 * {@link verifyKeyRequest}, remembering a frozen request's result only when `remember` (a custodian, the last to check
 * a request, uses what an earlier check remembered without adding an entry per release). @internal
 */
export function _verifyKeyRequest(
  domain: LedgerDomain,
  signed: SignedKeyRequest,
  opts: Secp256k1RecoveryOptions | undefined,
  remember: boolean,
): VerifyKeyRequestReturnType {
  if (typeof signed !== 'object' || signed === null) throw bad('signed request must be an object.')
  const known = VERIFIED.get(signed)
  if (known !== undefined && known.domain === domain)
    return { ...known.result, encryptionKey: known.encryptionKey.slice() }
  const request = assertKeyRequest(signed.request)
  if (typeof signed.signature !== 'string' || !/^0x[0-9a-fA-F]{130}$/.test(signed.signature))
    throw new ConsentError('CONSENT_SIGNATURE_INVALID', 'Key request signature is malformed.')
  // one EIP-712 hash: the digest the signature is recovered over is the one remembered against replays
  const digest = hashKeyRequest(assertDomain(domain), request)
  let requester: Address
  try {
    requester = recoverAddress(digest, signed.signature, opts)
  } catch (cause) {
    throw new ConsentError('CONSENT_SIGNATURE_INVALID', 'Key request signature does not verify.', { cause })
  }
  const encryptionKey = hexToBytes(request.encryptionKey)
  const result = { request, requester, encryptionKey, digest: bytesToHex0x(digest) }
  // Frozen, its fields are fixed (a request's are strings and a number; the domain's too): the same answer again.
  if (remember && Object.isFrozen(signed) && Object.isFrozen(signed.request) && Object.isFrozen(domain))
    VERIFIED.set(signed, { domain, result, encryptionKey: encryptionKey.slice() })
  return result
}
