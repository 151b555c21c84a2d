/**
 * Signing and verifying EIP-712 typed data as a {@link Party}. Signatures are 65 bytes `r || s || v` (low-s, `v` in
 * {27, 28}) as `0x` hex, interchangeable with viem's `signTypedData` / `verifyTypedData` and Solidity's `ecrecover`.
 * @module
 */
import { bytesToHex0x, describeType } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'
import { isAddress } from '../identity/address.js'
import type { Secp256k1Recovery, Secp256k1RecoveryOptions } from '../identity/secp256k1Recovery.js'
import { recoverAddress, verifyDigest } from '../identity/signature.js'
import type { Party } from '../identity/types.js'
import type { Address, Hex } from '../types.js'
import { hashTypedData } from './hashTypedData.js'
import type { TypedData } from './types.js'

/** Everything the typed-data signing functions can throw. */
export type SignTypedDataErrorType = InvalidArgumentError

/** Parameters of {@link verifyTypedData}: the typed data, the expected signer and the signature. */
export type VerifyTypedDataParameters = TypedData & { readonly address: Address; readonly signature: Hex }

/**
 * Signs typed data as `party`.
 *
 * @param party - the signer (only its `signDigest` is used)
 * @param typedData - `{ domain, types, primaryType, message }`
 * @returns the 65-byte signature `r || s || v` as `0x` hex
 * @throws {@link InvalidArgumentError} for malformed typed data or a party without `signDigest`
 * @example
 * ```ts
 * import { createParty, signTypedData } from '@medseal/core'
 * const party = createParty()
 * const signature = signTypedData(party, {
 *   domain: { name: 'medseal', version: '1', chainId: 1 },
 *   types: { Note: [{ name: 'text', type: 'string' }] },
 *   primaryType: 'Note',
 *   message: { text: 'hello' },
 * })
 * ```
 */
export function signTypedData(party: Pick<Party, 'signDigest'>, typedData: TypedData): Hex {
  if (typeof party !== 'object' || party === null || typeof party.signDigest !== 'function')
    throw new InvalidArgumentError('INVALID_TYPE', 'party must have a signDigest method.', {
      metaMessages: [`Received ${describeType(party)}.`],
    })
  return bytesToHex0x(party.signDigest(hashTypedData(typedData)))
}

/**
 * Recovers the address that signed typed data.
 *
 * @param typedData - `{ domain, types, primaryType, message }`
 * @param signature - 65-byte `r || s || v` as `0x` hex
 * @param opts - `secp256k1`: the recovery implementation (default `@noble/curves`; see {@link Secp256k1Recovery})
 * @returns the signer's EIP-55 checksummed address
 * @throws {@link InvalidArgumentError} for malformed typed data; `INVALID_SIGNATURE` for a malformed signature
 *   (wrong length, high-s, `v` not 27/28, or nothing recovers)
 * @example
 * ```ts
 * import { recoverTypedDataAddress } from '@medseal/core'
 * const signer = recoverTypedDataAddress(typedData, signature)
 * ```
 */
export function recoverTypedDataAddress(
  typedData: TypedData,
  signature: Hex,
  opts?: Secp256k1RecoveryOptions,
): Address {
  return recoverAddress(hashTypedData(typedData), signature, opts)
}

/**
 * Did `address` sign typed data? `false` for a well-formed signature by anyone else; throws only for malformed input.
 *
 * @param params - the typed data plus `address` (expected signer) and `signature` (`0x` hex, 65 bytes)
 * @returns whether `address` signed it
 * @throws {@link InvalidArgumentError} for malformed typed data, address (`INVALID_ARGUMENT`) or signature
 *   (`INVALID_SIGNATURE`)
 * @example
 * ```ts
 * import { verifyTypedData } from '@medseal/core'
 * verifyTypedData({ ...typedData, address: party.address, signature }) // true
 * ```
 */
export function verifyTypedData(params: VerifyTypedDataParameters): boolean {
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'params must be an object.', {
      metaMessages: [`Received ${describeType(params)}.`],
    })
  const { address, signature, domain, types, primaryType, message } = params
  if (!isAddress(address))
    throw new InvalidArgumentError(
      typeof address === 'string' ? 'INVALID_ARGUMENT' : 'INVALID_TYPE',
      'address must be 0x followed by 40 hex digits (mixed case must be a valid EIP-55 checksum).',
    )
  return verifyDigest(address, hashTypedData({ domain, types, primaryType, message }), signature)
}
