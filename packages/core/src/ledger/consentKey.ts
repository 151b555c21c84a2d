/**
 * Consent keys: how every ledger names a consent and its revocation.
 * @module
 */
import { keccak_256 } from '@noble/hashes/sha3.js'
import { bytesToHex0x, concatBytes, hexToBytes } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'
import { normalizeAddress } from '../identity/address.js'
import type { Address, Hex } from '../types.js'
import type { ConsentKey } from './types.js'

/** Everything {@link consentKey} can throw. */
export type ConsentKeyErrorType = InvalidArgumentError

const HEX32 = /^0x[0-9a-fA-F]{64}$/

/**
 * The ledger key of the consent (or other grantor-signed id: an emergency policy, a clinician credential) that
 * `grantor` issued under `id`: `keccak256(abi.encode(address grantor, bytes32 id))`, as Solidity computes it (the
 * address left-padded to 32 bytes, then the id). Keying by grantor and id means nobody but the grantor can write
 * first under a grantor's id (security review, issue 12, finding 9).
 *
 * @param grantor - who signed the consent (or policy, or credential)
 * @param id - its 32-byte id as `0x` hex
 * @returns the 32-byte key as lower-case `0x` hex
 * @throws {@link InvalidArgumentError} `INVALID_ARGUMENT` for a bad address or id
 * @example
 * ```ts
 * import { consentKey } from '@medseal/core'
 * const key = consentKey(consent.grantor, consent.id)
 * const record = await ledger.getConsent(key)
 * ```
 */
export function consentKey(grantor: Address, id: Hex): ConsentKey {
  const address = normalizeAddress(grantor, 'grantor')
  if (typeof id !== 'string' || !HEX32.test(id))
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'id must be a 0x-prefixed 32-byte hex string.')
  return bytesToHex0x(keccak_256(concatBytes(new Uint8Array(12), hexToBytes(address), hexToBytes(id)))) as ConsentKey
}
