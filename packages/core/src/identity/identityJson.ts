/**
 * The JSON form of a public identity, for directories, QR codes and FHIR extensions:
 *
 * ```json
 * { "type": "medseal-identity", "version": 1, "did": "did:key:zQ3s…", "address": "0x…",
 *   "signingPublicKey": "<base64url, 33 bytes>", "encryptionPublicKey": "<base64url, 32 bytes>" }
 * ```
 *
 * `importIdentity` trusts nothing: every field is checked, and the DID and address must be those of the signing
 * key.
 * @module
 */
import { x25519 } from '@noble/curves/ed25519.js'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { base64urlToBytes, bytesToBase64url, describeType } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'
import type { Address } from '../types.js'
import { isAddress, publicKeyToAddress } from './address.js'
import { toDidKey } from './did.js'
import type { PublicIdentity } from './types.js'

/** The JSON form of a {@link PublicIdentity}. */
export type PublicIdentityJson = {
  readonly type: 'medseal-identity'
  readonly version: 1
  /** `did:key` of the signing key. */
  readonly did: string
  /** EIP-55 checksummed address of the signing key. */
  readonly address: Address
  /** Compressed secp256k1 public key (33 bytes), unpadded base64url. */
  readonly signingPublicKey: string
  /** X25519 public key (32 bytes), unpadded base64url. */
  readonly encryptionPublicKey: string
}

/** Everything {@link importIdentity} and {@link exportIdentity} can throw. */
export type IdentityJsonErrorType = InvalidArgumentError

/** An identity's JSON text is about 300 characters; anything far longer is not one (and is not parsed). */
const MAX_JSON_TEXT_LENGTH = 4096
const KEYS = ['type', 'version', 'did', 'address', 'signingPublicKey', 'encryptionPublicKey'] as const
/** A fixed, clamped X25519 scalar used only to detect low-order public keys (the product is then all zero). */
const PROBE_SCALAR = /* @__PURE__ */ new Uint8Array(32).fill(0x5a)

function bad(message: string, cause?: unknown): InvalidArgumentError {
  return new InvalidArgumentError('INVALID_ARGUMENT', message, cause === undefined ? {} : { cause })
}

function checkEncryptionKey(key: Uint8Array): void {
  if (key.length !== 32) throw new InvalidArgumentError('INVALID_LENGTH', 'encryptionPublicKey must be 32 bytes.')
  let product: Uint8Array
  try {
    product = x25519.scalarMult(PROBE_SCALAR, key)
  } catch (cause) {
    throw new InvalidArgumentError('INVALID_KEY', 'encryptionPublicKey is a low-order X25519 point.', { cause })
  }
  if (product.every((b) => b === 0))
    throw new InvalidArgumentError('INVALID_KEY', 'encryptionPublicKey is a low-order X25519 point.')
}

function checkSigningKey(key: Uint8Array): void {
  if (key.length !== 33)
    throw new InvalidArgumentError('INVALID_LENGTH', 'signingPublicKey must be 33 bytes (compressed).')
  try {
    secp256k1.Point.fromBytes(key).assertValidity()
  } catch (cause) {
    throw new InvalidArgumentError('INVALID_KEY', 'signingPublicKey is not a valid secp256k1 public key.', { cause })
  }
}

/**
 * The JSON form of a public identity (or of a party: only its public part is exported).
 *
 * @param identity - a {@link PublicIdentity} or a party
 * @returns {@link PublicIdentityJson}
 * @throws {@link InvalidArgumentError} for an inconsistent identity (keys, DID and address must agree)
 * @example
 * ```ts
 * import { createParty, exportIdentity } from '@medseal/core'
 * const json = JSON.stringify(exportIdentity(createParty()))
 * ```
 */
export function exportIdentity(identity: PublicIdentity): PublicIdentityJson {
  if (typeof identity !== 'object' || identity === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'identity must be an object.', {
      metaMessages: [`Received ${describeType(identity)}.`],
    })
  const json: PublicIdentityJson = {
    type: 'medseal-identity',
    version: 1,
    did: identity.did,
    address: identity.address,
    signingPublicKey: bytesToBase64url(identity.signingPublicKey),
    encryptionPublicKey: bytesToBase64url(identity.encryptionPublicKey),
  }
  const checked = importIdentity(json)
  return Object.freeze({ ...json, address: checked.address })
}

/**
 * Reads and checks a public identity from its JSON form (an object or JSON text).
 *
 * @param json - {@link PublicIdentityJson}, or its JSON text
 * @returns a frozen {@link PublicIdentity}
 * @throws {@link InvalidArgumentError} `INVALID_JSON` (unparsable text), `INPUT_TOO_LARGE` (text over 4096 characters), `INVALID_TYPE`, `INVALID_ARGUMENT` (unknown
 *   or missing fields, wrong type/version, DID or address not those of the key), `INVALID_ENCODING` (bad base64url),
 *   `INVALID_LENGTH`, `INVALID_KEY` (not a curve point, or a low-order X25519 key)
 * @example
 * ```ts
 * import { importIdentity } from '@medseal/core'
 * const clinician = importIdentity(await (await fetch('/directory/dr-smith.json')).json())
 * ```
 */
export function importIdentity(json: unknown): PublicIdentity {
  let value = json
  if (typeof value === 'string') {
    if (value.length > MAX_JSON_TEXT_LENGTH)
      throw new InvalidArgumentError('INPUT_TOO_LARGE', `identity JSON text is longer than ${MAX_JSON_TEXT_LENGTH}.`)
    try {
      value = JSON.parse(value)
    } catch (cause) {
      throw new InvalidArgumentError('INVALID_JSON', 'identity JSON text does not parse.', { cause })
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidArgumentError('INVALID_TYPE', 'identity must be a JSON object.', {
      metaMessages: [`Received ${describeType(value)}.`],
    })
  const v = value as Record<string, unknown>
  for (const k of Object.keys(v))
    if (!(KEYS as readonly string[]).includes(k)) throw bad('identity has an unknown field.', undefined)
  for (const k of KEYS) if (!Object.hasOwn(v, k)) throw bad(`identity is missing ${k}.`)
  if (v.type !== 'medseal-identity') throw bad("identity type must be 'medseal-identity'.")
  if (v.version !== 1) throw bad('identity version must be 1.')
  if (typeof v.signingPublicKey !== 'string' || typeof v.encryptionPublicKey !== 'string')
    throw new InvalidArgumentError('INVALID_TYPE', 'identity keys must be base64url strings.')
  const signingPublicKey = base64urlToBytes(v.signingPublicKey)
  const encryptionPublicKey = base64urlToBytes(v.encryptionPublicKey)
  checkSigningKey(signingPublicKey)
  checkEncryptionKey(encryptionPublicKey)
  if (typeof v.did !== 'string' || v.did !== toDidKey(signingPublicKey))
    throw bad('identity did must be the did:key of signingPublicKey.')
  const address = publicKeyToAddress(signingPublicKey)
  if (!isAddress(v.address) || v.address.toLowerCase() !== address.toLowerCase())
    throw bad('identity address must be the address of signingPublicKey.')
  return Object.freeze({ did: v.did, address, signingPublicKey, encryptionPublicKey })
}
