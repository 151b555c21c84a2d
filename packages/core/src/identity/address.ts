/**
 * Ethereum addresses: EIP-55 checksums, validation, and the address of a secp256k1 public key.
 * @module
 */
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { keccak_256 } from '@noble/hashes/sha3.js'
import { bytesToHex as nobleBytesToHex } from '@noble/hashes/utils.js'
import { assertBytes, describeType } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'
import type { Address } from '../types.js'
import { createBoundedMemo } from './_boundedMemo.js'

/** Everything the address helpers can throw. */
export type AddressErrorType = InvalidArgumentError

const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/
const asciiEncoder = /* @__PURE__ */ new TextEncoder()

function computeChecksum(lowerHex40: string): Address {
  const hash = keccak_256(asciiEncoder.encode(lowerHex40))
  let out = '0x'
  for (let i = 0; i < 40; i++) {
    const c = lowerHex40[i] as string
    const nibble = i % 2 === 0 ? (hash[i >> 1] as number) >> 4 : (hash[i >> 1] as number) & 0x0f
    out += nibble >= 8 ? c.toUpperCase() : c
  }
  return out as Address
}

/**
 * Most EIP-55 checksums remembered. A custodian checks and checksums the same few addresses (its own, its grantors',
 * its grantees') several times per request, each a keccak; 4,096 entries of ~150 bytes.
 */
const CHECKSUM_MEMO_ENTRIES = 4096
/** Checksummed forms of the lower-case addresses seen in this process: a pure function of its key (bounded). */
const checksums = /* @__PURE__ */ createBoundedMemo(computeChecksum, CHECKSUM_MEMO_ENTRIES)
/** The EIP-55 form of 40 lower-case hex digits (checked by the caller). @internal */
function checksum(lowerHex40: string): Address {
  return checksums.get(lowerHex40)
}

/**
 * Most addresses of recovered public keys remembered: a key request's signer is recovered on every request, and its
 * address costs a curve check and a keccak; the same clinicians sign again and again. 4,096 entries of ~300 bytes.
 */
const KEY_ADDRESS_MEMO_ENTRIES = 4096
/** The address of a public key (hex of its 33 or 65 bytes), checked on the curve (a bad key throws, not remembered). */
const keyAddresses = /* @__PURE__ */ createBoundedMemo((publicKeyHex: string): Address => {
  const uncompressed = secp256k1.Point.fromHex(publicKeyHex).toBytes(false)
  return checksum(nobleBytesToHex(keccak_256(uncompressed.subarray(1)).subarray(12)))
}, KEY_ADDRESS_MEMO_ENTRIES)

/**
 * Is `value` a 20-byte hex address? All-lower-case and all-upper-case hex are accepted as they are; mixed case must
 * be a valid EIP-55 checksum (a typo in a checksummed address is then caught). Never throws.
 *
 * @example
 * ```ts
 * import { isAddress } from '@medseal/core'
 * isAddress('0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826') // true
 * isAddress('0xcd2a3d9f938e13cd947ec05abc7fe734df8dd826') // true
 * isAddress('0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD827') // false (bad checksum)
 * ```
 */
export function isAddress(value: unknown): value is Address {
  if (typeof value !== 'string' || !ADDRESS_RE.test(value)) return false
  const body = value.slice(2)
  const lower = body.toLowerCase()
  if (body === lower || body === body.toUpperCase()) return true
  return checksum(lower) === value
}

/**
 * The EIP-55 checksummed form of an address.
 *
 * @param address - `0x` + 40 hex digits, any case (mixed case must already be a valid checksum)
 * @returns the checksummed address
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` for a non-string, `INVALID_ARGUMENT` for anything that is not
 *   an address (or a mixed-case address with a wrong checksum)
 * @example
 * ```ts
 * import { toChecksumAddress } from '@medseal/core'
 * toChecksumAddress('0xcd2a3d9f938e13cd947ec05abc7fe734df8dd826') // '0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826'
 * ```
 */
export function toChecksumAddress(address: string): Address {
  if (typeof address !== 'string')
    throw new InvalidArgumentError('INVALID_TYPE', 'address must be a string.', {
      metaMessages: [`Received ${describeType(address)}.`],
    })
  if (!isAddress(address))
    throw new InvalidArgumentError(
      'INVALID_ARGUMENT',
      'address must be 0x followed by 40 hex digits (mixed case must be a valid EIP-55 checksum).',
    )
  return checksum(address.slice(2).toLowerCase())
}

/**
 * The Ethereum address of a secp256k1 public key: the last 20 bytes of keccak256 of the uncompressed point.
 *
 * @param publicKey - 33-byte compressed or 65-byte uncompressed secp256k1 public key
 * @returns the EIP-55 checksummed address
 * @throws {@link InvalidArgumentError} `INVALID_TYPE`, `INVALID_KEY` (not a point on the curve)
 * @example
 * ```ts
 * import { publicKeyToAddress } from '@medseal/core'
 * const address = publicKeyToAddress(party.signingPublicKey)
 * ```
 */
export function publicKeyToAddress(publicKey: Uint8Array): Address {
  assertBytes(publicKey, { name: 'publicKey' })
  // Remembered by the key's exact bytes: a remembered key was checked on the curve when first seen, and its address
  // depends on nothing else.
  try {
    return keyAddresses.get(nobleBytesToHex(publicKey))
  } catch (cause) {
    throw new InvalidArgumentError('INVALID_KEY', 'publicKey is not a valid secp256k1 public key.', { cause })
  }
}

/** Lower-cased form of a validated address, for comparisons. @internal */
export function normalizeAddress(address: string, name = 'address'): Address {
  if (isAddress(address)) return address.toLowerCase() as Address
  throw new InvalidArgumentError(
    typeof address === 'string' ? 'INVALID_ARGUMENT' : 'INVALID_TYPE',
    `${name} must be an address (0x followed by 40 hex digits; mixed case must be a valid EIP-55 checksum).`,
    typeof address === 'string' ? {} : { metaMessages: [`Received ${describeType(address)}.`] },
  )
}
