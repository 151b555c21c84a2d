/**
 * The record commitment: the only value derived from a record's content that ever reaches a ledger.
 * @module
 */
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { assertBytes } from '../bytes/index.js'
import type { InvalidArgumentError } from '../errors/base.js'

/** Errors {@link computeCommitment} can throw. */
export type ComputeCommitmentErrorType = InvalidArgumentError

/**
 * `HMAC-SHA256(key = salt, message = canonicalBytes)`: a hiding, binding commitment to a record's canonical bytes.
 * Without the 32-byte random salt (kept only inside the envelope's ciphertext) nobody can test a guess of the
 * content against it; destroying the salt (crypto-shredding) leaves it unlinkable.
 *
 * @param salt - 32 bytes (from `open` / `openWithDataKey`)
 * @param canonicalBytes - the canonical bytes that were sealed
 * @returns 32 bytes
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` / `INVALID_LENGTH` (salt must be 32 bytes)
 * @example
 * ```ts
 * import { canonicalizeToBytes, computeCommitment } from '@medseal/core'
 * const commitment = computeCommitment(new Uint8Array(32), canonicalizeToBytes({ resourceType: 'Patient' }))
 * ```
 */
export function computeCommitment(salt: Uint8Array, canonicalBytes: Uint8Array): Uint8Array {
  assertBytes(salt, { length: 32, name: 'salt' })
  assertBytes(canonicalBytes, { name: 'canonicalBytes' })
  return hmac(sha256, salt, canonicalBytes)
}
