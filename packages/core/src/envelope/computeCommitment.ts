/**
 * The record commitment: the only value derived from a record's content that ever reaches a ledger.
 * @module
 */
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { assertBytes } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'
import { commitmentOfDigest } from './_internal.js'
import type { EnvelopeVersion } from './types.js'

/** Errors {@link computeCommitment} can throw. */
export type ComputeCommitmentErrorType = InvalidArgumentError

/** Options of {@link computeCommitment}. */
export type ComputeCommitmentOptions = {
  /**
   * The version of the envelope the record was sealed in (`open` returns it): 1 and 2 (the default) use one
   * formula, 3 another. Default 1.
   */
  version?: EnvelopeVersion | undefined
}

/**
 * A hiding, binding commitment to a record's canonical bytes (docs/spec/envelope.md §1, §15): for envelope versions 1
 * and 2 `HMAC-SHA256(key = salt, msg = canonicalBytes)`; for version 3
 * `HMAC-SHA256(key = salt || "medseal/envelope/v3/commitment", msg = SHA-256(canonicalBytes))`. Without the 32-byte
 * random salt (kept only inside the envelope's ciphertext) nobody can test a guess of the content against it;
 * destroying the salt (crypto-shredding) leaves it unlinkable.
 *
 * @param salt - 32 bytes (from `open` / `openWithDataKey`)
 * @param canonicalBytes - the canonical bytes that were sealed
 * @param options - `version` of the envelope (from `open`; default 1, which is also version 2's formula)
 * @returns 32 bytes
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` / `INVALID_LENGTH` (salt must be 32 bytes),
 *   `INVALID_ARGUMENT` for a version other than 1, 2 or 3
 * @example
 * ```ts
 * import { canonicalizeToBytes, computeCommitment } from '@medseal/core'
 * const bytes = canonicalizeToBytes({ resourceType: 'Patient' })
 * const v1 = computeCommitment(new Uint8Array(32), bytes)
 * const v3 = computeCommitment(new Uint8Array(32), bytes, { version: 3 })
 * ```
 */
export function computeCommitment(
  salt: Uint8Array,
  canonicalBytes: Uint8Array,
  options: ComputeCommitmentOptions = {},
): Uint8Array {
  assertBytes(salt, { length: 32, name: 'salt' })
  assertBytes(canonicalBytes, { name: 'canonicalBytes' })
  const version = options?.version ?? 1
  if (version === 3) return commitmentOfDigest(salt, sha256(canonicalBytes))
  if (version === 1 || version === 2) return hmac(sha256, salt, canonicalBytes)
  throw new InvalidArgumentError('INVALID_ARGUMENT', 'version must be 1, 2 or 3.')
}
