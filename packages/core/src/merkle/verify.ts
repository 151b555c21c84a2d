/**
 * RFC 9162 §2.1.3.2 and §2.1.4.2 proof verification, with the strict policies of transparency-dev/merkle: a leaf
 * hash or proof node that is not 32 bytes, a proof of the wrong length, `size1 = 0` and `size1 > size2` are all
 * rejected. "Invalid" is `false`; only arguments of the wrong type throw.
 * @module
 */
import { describeType, equalBytes, isBytes } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'
import { _newRootFromConsistency } from './_consistency.js'
import { _nodeHash, MERKLE_HASH_LENGTH } from './hash.js'

/** Everything {@link verifyInclusion} and {@link verifyConsistency} can throw. */
export type VerifyMerkleProofErrorType = InvalidArgumentError

/** Longest proof of a tree of at most 2^64 leaves. */
const MAX_PROOF_LENGTH = 64

function checkBytes(value: unknown, name: string): Uint8Array {
  if (isBytes(value)) return value
  throw new InvalidArgumentError('INVALID_TYPE', `${name} must be a Uint8Array.`, {
    metaMessages: [`Received ${describeType(value)}.`],
  })
}

/**
 * A tree size or index as an exact bigint: a non-negative safe-integer number or a non-negative bigint (sizes beyond
 * 2^53 are representable only as bigints); `undefined` for an impossible value (invalid, not malformed).
 */
function toSize(value: unknown, name: string): bigint | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : undefined
  if (typeof value === 'bigint') return value >= 0n ? value : undefined
  throw new InvalidArgumentError('INVALID_TYPE', `${name} must be a number or a bigint.`, {
    metaMessages: [`Received ${describeType(value)}.`],
  })
}

/** Checks the proof's shape; `undefined` when some node is not 32 bytes or it is too long (invalid, not malformed). */
function checkProof(proof: unknown): readonly Uint8Array[] | undefined {
  // A missing proof is the empty path (Go's nil slice in the transparency-dev probes), never a crash.
  if (proof === null || proof === undefined) return []
  if (!Array.isArray(proof)) {
    throw new InvalidArgumentError('INVALID_TYPE', 'proof must be an array of Uint8Arrays.', {
      metaMessages: [`Received ${describeType(proof)}.`],
    })
  }
  let ok = proof.length <= MAX_PROOF_LENGTH
  for (let i = 0; i < proof.length; i++) {
    if (checkBytes(proof[i], `proof[${i}]`).length !== MERKLE_HASH_LENGTH) ok = false
  }
  return ok ? (proof as Uint8Array[]) : undefined
}

const odd = (n: bigint) => (n & 1n) === 1n

/**
 * Recomputes the root from a leaf hash and its audit path (RFC 9162 §2.1.3.2); `undefined` when the proof does
 * not fit `index` and `treeSize`. @internal
 */
export function _rootFromInclusionProof(
  leaf: Uint8Array,
  index: bigint,
  treeSize: bigint,
  proof: readonly Uint8Array[],
): Uint8Array | undefined {
  if (index >= treeSize) return undefined
  let fn = index
  let sn = treeSize - 1n
  let r = leaf
  for (const p of proof) {
    if (sn === 0n) return undefined
    if (odd(fn) || fn === sn) {
      r = _nodeHash(p, r)
      while (!odd(fn) && fn !== 0n) {
        fn >>= 1n
        sn >>= 1n
      }
    } else {
      r = _nodeHash(r, p)
    }
    fn >>= 1n
    sn >>= 1n
  }
  return sn === 0n ? r : undefined
}

/**
 * Verifies an RFC 9162 inclusion proof (§2.1.3.2): that the leaf with hash `leafHash` is at `index` in the tree of
 * `treeSize` leaves whose root is `root`.
 *
 * @param leafHash - the leaf's hash (`leafHash(data)`), 32 bytes
 * @param index - 0-based leaf index (a number, or a bigint for trees beyond 2^53 leaves)
 * @param treeSize - number of leaves of the tree (number or bigint)
 * @param proof - the audit path, bottom-up (`null` / `undefined` count as the empty path)
 * @param root - the expected root
 * @returns `true` when the proof is valid; `false` otherwise (also for a wrong length of any hash, an index or size
 * out of range, a proof of the wrong length)
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` when an argument has the wrong type
 * @example
 * ```ts
 * import { inclusionProof, leafHash, merkleRoot, verifyInclusion, utf8ToBytes } from '@medseal/core'
 * const data = ['a', 'b'].map(utf8ToBytes)
 * verifyInclusion(leafHash(data[0]!), 0, 2, inclusionProof(data, 0), merkleRoot(data)) // true
 * ```
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number | bigint,
  treeSize: number | bigint,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  checkBytes(leafHash, 'leafHash')
  const m = toSize(index, 'index')
  const n = toSize(treeSize, 'treeSize')
  const path = checkProof(proof)
  checkBytes(root, 'root')
  if (path === undefined || leafHash.length !== MERKLE_HASH_LENGTH) return false
  if (m === undefined || n === undefined) return false
  const computed = _rootFromInclusionProof(leafHash, m, n, path)
  return computed !== undefined && equalBytes(computed, root)
}

/**
 * Verifies an RFC 9162 consistency proof (§2.1.4.2): that the tree of `newSize` leaves with root `newRoot` extends
 * the tree of `oldSize` leaves with root `oldRoot` (the log was only appended to).
 *
 * Policy (as transparency-dev/merkle): `oldSize` must be at least 1 and at most `newSize`; equal sizes verify only
 * with an empty proof and equal roots.
 *
 * @param oldSize - size of the older tree (>= 1; number or bigint)
 * @param newSize - size of the newer tree (>= oldSize; number or bigint)
 * @param oldRoot - root of the older tree
 * @param newRoot - root of the newer tree
 * @param proof - the consistency proof (`null` / `undefined` count as empty)
 * @returns `true` when the proof is valid, `false` otherwise
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` when an argument has the wrong type
 * @example
 * ```ts
 * import { consistencyProof, merkleRoot, verifyConsistency, utf8ToBytes } from '@medseal/core'
 * const data = ['a', 'b', 'c'].map(utf8ToBytes)
 * verifyConsistency(2, 3, merkleRoot(data.slice(0, 2)), merkleRoot(data), consistencyProof(data, 2)) // true
 * ```
 */
export function verifyConsistency(
  oldSize: number | bigint,
  newSize: number | bigint,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  const m = toSize(oldSize, 'oldSize')
  const n = toSize(newSize, 'newSize')
  checkBytes(oldRoot, 'oldRoot')
  checkBytes(newRoot, 'newRoot')
  const path = checkProof(proof)
  if (path === undefined) return false
  if (m === undefined || n === undefined || m === 0n || m > n) return false
  // Equal sizes: nothing to prove; roots are compared as opaque bytes.
  if (m === n) return path.length === 0 && equalBytes(oldRoot, newRoot)
  if (path.length === 0 || oldRoot.length !== MERKLE_HASH_LENGTH || newRoot.length !== MERKLE_HASH_LENGTH) {
    return false
  }
  // §2.1.4.2, run forward to the new root (shared with the COSE consistency receipts, whose new root is detached).
  const computed = _newRootFromConsistency(m, n, oldRoot, path)
  return computed !== undefined && equalBytes(computed, newRoot)
}
