/**
 * RFC 9162 §2.1.1 hashing: SHA-256 with one-byte domain separation between leaves (`0x00`) and interior nodes
 * (`0x01`), so that a leaf can never be passed off as a node (second-preimage resistance of the tree).
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { assertBytes } from '../bytes/index.js'
import type { InvalidArgumentError } from '../errors/base.js'

/** Size of every hash in an RFC 9162 SHA-256 tree. */
export const MERKLE_HASH_LENGTH = 32

const LEAF_PREFIX = /* @__PURE__ */ Uint8Array.of(0x00)
const EMPTY_ROOT = /* @__PURE__ */ sha256(new Uint8Array(0))

/** Everything {@link leafHash} and {@link nodeHash} can throw. */
export type LeafHashErrorType = InvalidArgumentError

/**
 * The leaf hash of RFC 9162 §2.1.1: `SHA-256(0x00 || data)`.
 *
 * @param data - the leaf's data (any length)
 * @returns 32 bytes
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` when `data` is not a Uint8Array
 * @example
 * ```ts
 * import { leafHash, bytesToHex } from '@medseal/core'
 * bytesToHex(leafHash(new Uint8Array(0))) // '6e340b9c…17afa01d'
 * ```
 */
export function leafHash(data: Uint8Array): Uint8Array {
  assertBytes(data, { name: 'data' })
  return _leafHash(data)
}

/**
 * The interior node hash of RFC 9162 §2.1.1: `SHA-256(0x01 || left || right)`.
 *
 * @param left - the left child's hash, 32 bytes
 * @param right - the right child's hash, 32 bytes
 * @returns 32 bytes
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` / `INVALID_LENGTH` for anything but two 32-byte arrays
 * @example
 * ```ts
 * import { leafHash, nodeHash } from '@medseal/core'
 * const root = nodeHash(leafHash(Uint8Array.of(1)), leafHash(Uint8Array.of(2)))
 * ```
 */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  assertBytes(left, { name: 'left', length: MERKLE_HASH_LENGTH })
  assertBytes(right, { name: 'right', length: MERKLE_HASH_LENGTH })
  return _nodeHash(left, right)
}

/**
 * The root of the empty tree, RFC 9162 §2.1.1: `SHA-256("")` (a fresh copy).
 *
 * @returns 32 bytes (`e3b0c442…7852b855`)
 * @example
 * ```ts
 * import { emptyRoot } from '@medseal/core'
 * emptyRoot().length // 32
 * ```
 */
export function emptyRoot(): Uint8Array {
  return EMPTY_ROOT.slice()
}

/** Leaf hash without argument checks. @internal */
export function _leafHash(data: Uint8Array): Uint8Array {
  return sha256.create().update(LEAF_PREFIX).update(data).digest()
}

/** Node hash without argument checks (both inputs must be 32 bytes). @internal */
export function _nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const buf = new Uint8Array(65)
  buf[0] = 0x01
  buf.set(left, 1)
  buf.set(right, 33)
  return sha256(buf)
}

/** The empty root, shared (never hand it out without a copy). @internal */
export const _EMPTY_ROOT: Uint8Array = EMPTY_ROOT

/**
 * The largest power of two strictly below `n` (n >= 2): the split point `k` of RFC 9162 §2.1.1.
 * Works for every safe integer (no 32-bit bit tricks). @internal
 */
export function _splitPoint(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

/** Is `n` (>= 1) a power of two? @internal */
export function _isPowerOfTwo(n: number): boolean {
  let k = 1
  while (k < n) k *= 2
  return k === n
}
