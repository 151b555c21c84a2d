/**
 * secp256k1 signatures over 32-byte digests in Ethereum's form: 65 bytes `r || s || v`, low-s, `v` in {27, 28},
 * so that they verify on EVM chains with `ecrecover`.
 * @module
 */
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { assertBytes, bytesToHex, describeType, hexToBytes, isBytes } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'
import type { Address, Hex } from '../types.js'
import { isAddress, publicKeyToAddress } from './address.js'
import {
  _isSecp256k1Recovery,
  _nobleRecovery,
  type Secp256k1Recovery,
  type Secp256k1RecoveryOptions,
} from './secp256k1Recovery.js'

/** A 65-byte `r || s || v` signature, as bytes or `0x` hex. */
export type SignatureInput = Uint8Array | Hex

/** Everything the signature helpers can throw. */
export type SignatureErrorType = InvalidArgumentError

const N = secp256k1.Point.CURVE().n
const HALF_N = N >> 1n

function bytesToBigInt(bytes: Uint8Array): bigint {
  // one BigInt parse of the hex (a BigInt shift and or per byte allocates 2 BigInts a byte)
  return bytes.length === 0 ? 0n : BigInt(`0x${bytesToHex(bytes)}`)
}

/** Parses and checks a 65-byte Ethereum signature. @internal */
export function parseSignature(signature: SignatureInput): {
  r: bigint
  s: bigint
  recovery: 0 | 1
  /** The 64 bytes `r || s` (a view of the input's bytes). */
  compact: Uint8Array
} {
  let bytes: Uint8Array
  if (isBytes(signature)) bytes = signature
  else if (typeof signature === 'string') {
    if (!/^0x[0-9a-fA-F]{130}$/.test(signature))
      throw new InvalidArgumentError('INVALID_SIGNATURE', 'signature must be 0x followed by 130 hex digits (65 bytes).')
    bytes = hexToBytes(signature)
  } else
    throw new InvalidArgumentError('INVALID_TYPE', 'signature must be a Uint8Array or a 0x hex string.', {
      metaMessages: [`Received ${describeType(signature)}.`],
    })
  if (bytes.length !== 65)
    throw new InvalidArgumentError('INVALID_SIGNATURE', 'signature must be 65 bytes (r || s || v).', {
      metaMessages: [`Received ${bytes.length} bytes.`],
    })
  const v = bytes[64] as number
  if (v !== 27 && v !== 28) throw new InvalidArgumentError('INVALID_SIGNATURE', 'signature v must be 27 or 28.')
  const r = bytesToBigInt(bytes.subarray(0, 32))
  const s = bytesToBigInt(bytes.subarray(32, 64))
  if (r === 0n || r >= N || s === 0n || s >= N)
    throw new InvalidArgumentError('INVALID_SIGNATURE', 'signature r and s must be in [1, n-1].')
  if (s > HALF_N)
    throw new InvalidArgumentError('INVALID_SIGNATURE', 'signature s must be in the lower half of the order (low-s).')
  return { r, s, recovery: (v - 27) as 0 | 1, compact: bytes.subarray(0, 64) }
}

function assertDigest(digest: Uint8Array): Uint8Array {
  return assertBytes(digest, { name: 'digest', length: 32 })
}

/**
 * Signs a 32-byte digest with a secp256k1 secret key (RFC 6979 deterministic nonces). The key is only read.
 * @internal Parties sign with `party.signDigest`; this is their implementation.
 */
export function signDigestWithKey(secretKey: Uint8Array, digest: Uint8Array): Uint8Array<ArrayBuffer> {
  assertDigest(digest)
  const rec = secp256k1.sign(digest, secretKey, { prehash: false, lowS: true, format: 'recovered' })
  const recovery = rec[0] as number
  if (recovery > 1)
    // r >= n: probability about 2^-128, and not expressible in Ethereum's v.
    throw new InvalidArgumentError('INVALID_SIGNATURE', 'This digest cannot be signed in Ethereum form.')
  const out = new Uint8Array(65)
  out.set(rec.subarray(1, 65), 0)
  out[64] = 27 + recovery
  return out
}

/** The implementation `opts` names, after checking `opts`. */
function recoveryOf(opts: Secp256k1RecoveryOptions | undefined) {
  if (opts === undefined) return _nobleRecovery
  if (typeof opts !== 'object' || opts === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'opts must be an object.', {
      metaMessages: [`Received ${describeType(opts)}.`],
    })
  const impl = opts.secp256k1
  if (impl === undefined) return _nobleRecovery
  if (!_isSecp256k1Recovery(impl))
    throw new InvalidArgumentError('INVALID_TYPE', 'opts.secp256k1 must be a Secp256k1Recovery.', {
      metaMessages: [`Received ${describeType(impl)}.`],
    })
  return impl
}

/**
 * Recovers the signer's uncompressed public key (65 bytes), or `undefined` when none recovers. The signature's form
 * is checked here, before any implementation sees it (libsecp256k1's recovery accepts high-s). What the implementation
 * returns must be a point on the curve (checked by the caller's `publicKeyToAddress` or here).
 */
function recoverUncompressed(
  digest: Uint8Array,
  signature: SignatureInput,
  opts: Secp256k1RecoveryOptions | undefined,
): { key: Uint8Array; cause?: undefined } | { key?: undefined; cause: unknown } {
  const impl = recoveryOf(opts)
  assertDigest(digest)
  const { compact, recovery } = parseSignature(signature)
  let key: Uint8Array
  try {
    key = impl.recoverPublicKey(digest, compact, recovery)
  } catch (cause) {
    return { cause }
  }
  if (!isBytes(key) || key.length !== 65 || key[0] !== 4)
    throw new InvalidArgumentError(
      'INVALID_TYPE',
      `The secp256k1 recovery "${impl.name}" returned no 65-byte uncompressed public key.`,
    )
  return { key }
}

/**
 * Recovers the compressed public key that signed `digest`.
 *
 * @param digest - 32 bytes
 * @param signature - 65 bytes `r || s || v` (bytes or hex)
 * @param opts - `secp256k1`: the recovery implementation (default `@noble/curves`; see {@link Secp256k1Recovery})
 * @returns the 33-byte compressed public key
 * @throws {@link InvalidArgumentError} `INVALID_LENGTH` (digest), `INVALID_SIGNATURE` (malformed, high-s, bad `v`,
 *   or no public key recovers), `INVALID_TYPE` (opts)
 * @example
 * ```ts
 * import { recoverPublicKey } from '@medseal/core'
 * const publicKey = recoverPublicKey(digest, signature)
 * ```
 */
export function recoverPublicKey(
  digest: Uint8Array,
  signature: SignatureInput,
  opts?: Secp256k1RecoveryOptions,
): Uint8Array<ArrayBuffer> {
  const { key, cause } = recoverUncompressed(digest, signature, opts)
  if (key === undefined)
    throw new InvalidArgumentError('INVALID_SIGNATURE', 'No public key recovers from this signature.', { cause })
  try {
    // fromBytes checks that the point is on the curve
    return secp256k1.Point.fromBytes(key).toBytes(true) as Uint8Array<ArrayBuffer>
  } catch (cause) {
    throw new InvalidArgumentError('INVALID_SIGNATURE', 'No public key recovers from this signature.', { cause })
  }
}

/**
 * Recovers the Ethereum address that signed `digest` (what Solidity's `ecrecover` returns).
 *
 * @param digest - 32 bytes
 * @param signature - 65 bytes `r || s || v` (bytes or hex), low-s, `v` in {27, 28}
 * @param opts - `secp256k1`: the recovery implementation (default `@noble/curves`; see {@link Secp256k1Recovery})
 * @returns the signer's EIP-55 checksummed address
 * @throws {@link InvalidArgumentError} `INVALID_LENGTH` (digest), `INVALID_SIGNATURE`, `INVALID_TYPE` (opts)
 * @example
 * ```ts
 * import { createParty, recoverAddress } from '@medseal/core'
 * const party = createParty()
 * const digest = new Uint8Array(32).fill(7)
 * recoverAddress(digest, party.signDigest(digest)) === party.address // true
 * ```
 */
export function recoverAddress(
  digest: Uint8Array,
  signature: SignatureInput,
  opts?: Secp256k1RecoveryOptions,
): Address {
  const { key, cause } = recoverUncompressed(digest, signature, opts)
  if (key === undefined)
    throw new InvalidArgumentError('INVALID_SIGNATURE', 'No public key recovers from this signature.', { cause })
  try {
    return publicKeyToAddress(key)
  } catch (cause) {
    throw new InvalidArgumentError('INVALID_SIGNATURE', 'No public key recovers from this signature.', { cause })
  }
}

/**
 * Signs a 32-byte digest as `party`: 65 bytes `r || s || v`, low-s, `v` in {27, 28}.
 *
 * @param party - anything with a `signDigest` method (a {@link Party})
 * @param digest - 32 bytes (e.g. an EIP-712 hash)
 * @returns the signature
 * @throws {@link InvalidArgumentError} `INVALID_TYPE`, `INVALID_LENGTH`
 * @example
 * ```ts
 * import { createParty, signDigest } from '@medseal/core'
 * const signature = signDigest(createParty(), new Uint8Array(32))
 * ```
 */
export function signDigest(party: { signDigest(digest: Uint8Array): Uint8Array }, digest: Uint8Array): Uint8Array {
  if (typeof party !== 'object' || party === null || typeof party.signDigest !== 'function')
    throw new InvalidArgumentError('INVALID_TYPE', 'party must have a signDigest method.', {
      metaMessages: [`Received ${describeType(party)}.`],
    })
  return party.signDigest(assertDigest(digest))
}

/**
 * Does `signature` over `digest` come from `signer`? Returns `false` for a well-formed signature by someone else (or
 * one from which no key recovers); throws only for malformed input.
 *
 * @param signer - the expected signer: an address, or a 33/65-byte secp256k1 public key
 * @param digest - 32 bytes
 * @param signature - 65 bytes `r || s || v` (bytes or hex); high-s or a `v` other than 27/28 is malformed
 * @param opts - `secp256k1`: the recovery implementation (default `@noble/curves`; see {@link Secp256k1Recovery})
 * @returns whether `signer` signed `digest`
 * @throws {@link InvalidArgumentError} `INVALID_TYPE`, `INVALID_LENGTH`, `INVALID_ARGUMENT` (signer),
 *   `INVALID_KEY` (public key not on the curve), `INVALID_SIGNATURE` (malformed signature)
 * @example
 * ```ts
 * import { verifyDigest } from '@medseal/core'
 * verifyDigest(party.address, digest, signature) // true or false
 * ```
 */
export function verifyDigest(
  signer: Address | Uint8Array,
  digest: Uint8Array,
  signature: SignatureInput,
  opts?: Secp256k1RecoveryOptions,
): boolean {
  assertDigest(digest)
  let expected: string
  if (isBytes(signer)) expected = publicKeyToAddress(signer).toLowerCase()
  else if (isAddress(signer)) expected = signer.toLowerCase()
  else
    throw new InvalidArgumentError(
      typeof signer === 'string' ? 'INVALID_ARGUMENT' : 'INVALID_TYPE',
      'signer must be an address or a secp256k1 public key.',
    )
  const { key } = recoverUncompressed(digest, signature, opts)
  if (key === undefined) return false
  let recovered: Address
  try {
    recovered = publicKeyToAddress(key)
  } catch {
    return false
  }
  return recovered.toLowerCase() === expected
}
