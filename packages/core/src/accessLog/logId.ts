/**
 * Access-log ids: a log is named by its operator and its name, so that its id belongs to whoever signs its heads.
 * @module
 */
import { keccak_256 } from '@noble/hashes/sha3.js'
import { bytesToHex0x, concatBytes, hexToBytes, utf8ToBytes } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'
import { normalizeAddress } from '../identity/address.js'
import type { Address, Hex } from '../types.js'

/** Everything {@link computeLogId} can throw. */
export type ComputeLogIdErrorType = InvalidArgumentError

/** Everything {@link computeLogNameHash} can throw. */
export type ComputeLogNameHashErrorType = InvalidArgumentError

/**
 * The `nameHash` of the access log `name`: `keccak256(utf8(name))`, the field every signed tree head carries so a
 * ledger can check that the head's `logId` is its operator's (security review, issue 12, finding 2).
 *
 * @param name - the log's name (1 to 256 characters), e.g. `hospital-a/patient-access`
 * @returns the 32-byte hash as lower-case `0x` hex
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` / `INVALID_ARGUMENT` for a name that is not a string of 1 to
 *   256 characters
 * @example
 * ```ts
 * import { computeLogNameHash } from '@medseal/core'
 * const nameHash = computeLogNameHash('hospital-a/access')
 * ```
 */
export function computeLogNameHash(name: string): Hex {
  if (typeof name !== 'string') throw new InvalidArgumentError('INVALID_TYPE', 'name must be a string.')
  if (name.length === 0 || name.length > 256) {
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'name must have 1 to 256 characters.')
  }
  return bytesToHex0x(keccak_256(utf8ToBytes(name)))
}

/**
 * The id of the access log `name` run by `operator`: `keccak256(abi.encodePacked(operator, keccak256(bytes(name))))`,
 * i.e. keccak256 over the operator's 20 address bytes followed by the 32-byte {@link computeLogNameHash} of the name,
 * as Solidity computes it. Every ledger refuses a tree head whose `logId` is not this function of the head's own
 * `operator` and `nameHash`, so nobody but the operator can record heads under the id.
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
  const nameHash = computeLogNameHash(name)
  return bytesToHex0x(keccak_256(concatBytes(hexToBytes(address), hexToBytes(nameHash))))
}
