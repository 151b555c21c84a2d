/**
 * Access-log ids.
 * @module
 */
import { keccak_256 } from '@noble/hashes/sha3.js'
import { bytesToHex0x, concatBytes, hexToBytes, utf8ToBytes } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'
import { normalizeAddress } from '../identity/address.js'
import type { Address, Hex } from '../types.js'

/** Everything {@link computeLogId} can throw. */
export type ComputeLogIdErrorType = InvalidArgumentError

/**
 * The id of the access log `name` run by `operator`: `keccak256(abi.encodePacked(operator, keccak256(bytes(name))))`,
 * i.e. keccak256 over the operator's 20 address bytes followed by the 32-byte keccak256 of the UTF-8 name, as
 * Solidity computes it. The first head recorded for a log id binds it to its operator on the ledger.
 *
 * @param operator - the operator's address
 * @param name - the log's name (1 to 256 characters), e.g. `hospital-a/patient-access`
 * @returns the 32-byte log id as `0x` hex
 * @throws {@link InvalidArgumentError} for a bad address or name
 * @example
 * ```ts
 * import { computeLogId } from '@medseal/core'
 * const logId = computeLogId(operator.address, 'hospital-a/access')
 * ```
 */
export function computeLogId(operator: Address, name: string): Hex {
  const address = normalizeAddress(operator, 'operator')
  if (typeof name !== 'string') throw new InvalidArgumentError('INVALID_TYPE', 'name must be a string.')
  if (name.length === 0 || name.length > 256) {
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'name must have 1 to 256 characters.')
  }
  return bytesToHex0x(keccak_256(concatBytes(hexToBytes(address), keccak_256(utf8ToBytes(name)))))
}
