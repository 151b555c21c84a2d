/**
 * RFC 9162 §2.1 over leaf *data*: the root, inclusion and consistency proofs of a list of entries, and all the
 * inclusion proofs of a batch at once (what anchoring needs).
 * @module
 */
import { assertBytes, bytesToHex0x, isBytes } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'
import { _EMPTY_ROOT, _leafHash, _nodeHash, MERKLE_HASH_LENGTH } from './hash.js'
import { createMerkleLog } from './merkleLog.js'

/** Everything {@link merkleRoot}, {@link inclusionProof}, {@link consistencyProof} can throw. */
export type MerkleTreeErrorType = InvalidArgumentError

function hashLeaves(leafData: readonly Uint8Array[]): Uint8Array[] {
  if (!Array.isArray(leafData)) {
    throw new InvalidArgumentError('INVALID_TYPE', 'leafData must be an array of Uint8Arrays.')
  }
  const out = new Array<Uint8Array>(leafData.length)
  for (let i = 0; i < leafData.length; i++) {
    const d = leafData[i]
    if (!isBytes(d)) assertBytes(d, { name: `leafData[${i}]` })
    out[i] = _leafHash(d as Uint8Array)
  }
  return out
}

/**
 * The Merkle Tree Hash (RFC 9162 §2.1.1) of a list of entries.
 *
 * @param leafData - the entries, in order (each hashed as a leaf)
 * @returns the 32-byte root; `SHA-256("")` for an empty list
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` when `leafData` is not an array of Uint8Arrays
 * @example
 * ```ts
 * import { merkleRoot, utf8ToBytes } from '@medseal/core'
 * const root = merkleRoot(['a', 'b', 'c'].map(utf8ToBytes))
 * ```
 */
export function merkleRoot(leafData: readonly Uint8Array[]): Uint8Array {
  const hashes = hashLeaves(leafData)
  if (hashes.length === 0) return _EMPTY_ROOT.slice()
  return rootOfLevels(hashes)
}

/**
 * The inclusion proof (audit path, RFC 9162 §2.1.3.1) of entry `index` in the tree of all `leafData`.
 *
 * @param leafData - the entries, in order
 * @param index - the 0-based index of the entry to prove
 * @returns the proof: 32-byte hashes, bottom-up
 * @throws {@link InvalidArgumentError} `INVALID_TYPE`, or `OUT_OF_RANGE` when `index` is not in `[0, leafData.length)`
 * @example
 * ```ts
 * import { inclusionProof, leafHash, merkleRoot, verifyInclusion, utf8ToBytes } from '@medseal/core'
 * const data = ['a', 'b', 'c'].map(utf8ToBytes)
 * const proof = inclusionProof(data, 2)
 * verifyInclusion(leafHash(data[2]!), 2, 3, proof, merkleRoot(data)) // true
 * ```
 */
export function inclusionProof(leafData: readonly Uint8Array[], index: number): Uint8Array[] {
  const hashes = hashLeaves(leafData)
  if (hashes.length === 0) throw new InvalidArgumentError('OUT_OF_RANGE', 'An empty tree has no inclusion proofs.')
  return createMerkleLog(hashes).inclusionProof(index)
}

/**
 * The consistency proof (RFC 9162 §2.1.4.1) between the tree of the first `oldSize` entries and the tree of all
 * `leafData`.
 *
 * @param leafData - the entries of the newer tree, in order
 * @param oldSize - the size of the older tree, `1 <= oldSize <= leafData.length` (equal sizes give `[]`)
 * @returns the proof: 32-byte hashes
 * @throws {@link InvalidArgumentError} `INVALID_TYPE`, or `OUT_OF_RANGE` for `oldSize` out of range (an empty old
 * tree has no meaningful consistency proof)
 * @example
 * ```ts
 * import { consistencyProof, merkleRoot, verifyConsistency, utf8ToBytes } from '@medseal/core'
 * const data = ['a', 'b', 'c', 'd', 'e'].map(utf8ToBytes)
 * const proof = consistencyProof(data, 3)
 * verifyConsistency(3, 5, merkleRoot(data.slice(0, 3)), merkleRoot(data), proof) // true
 * ```
 */
export function consistencyProof(leafData: readonly Uint8Array[], oldSize: number): Uint8Array[] {
  const hashes = hashLeaves(leafData)
  if (hashes.length === 0) throw new InvalidArgumentError('OUT_OF_RANGE', 'An empty tree has no consistency proofs.')
  return createMerkleLog(hashes).consistencyProof(oldSize)
}

/** A batch's root and every leaf's inclusion proof. */
export type MerkleBatch = {
  readonly root: Uint8Array
  readonly treeSize: number
  /** `proofs[i]` is the RFC 9162 audit path of leaf `i`. */
  readonly proofs: readonly Uint8Array[][]
}

/**
 * The root and all inclusion proofs of a batch of leaf hashes, in O(n) hashes and O(n) transient memory (where
 * proving each leaf separately would cost O(n) hashes per leaf). Used by anchoring; fine for batches of up to
 * millions of leaves.
 *
 * Uses the level-by-level form of the RFC 9162 tree: pair nodes left to right and carry a last unpaired node up a
 * level unchanged. That builds exactly the tree of §2.1.1 (its left subtrees are always the largest power of two).
 *
 * @param leafHashes - 32-byte leaf hashes (at least one)
 * @returns the root, the size and one proof per leaf
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` / `INVALID_LENGTH` / `OUT_OF_RANGE` (empty batch)
 * @example
 * ```ts
 * import { buildMerkleBatch, leafHash } from '@medseal/core'
 * const { root, proofs } = buildMerkleBatch([leafHash(Uint8Array.of(1)), leafHash(Uint8Array.of(2))])
 * ```
 */
export function buildMerkleBatch(leafHashes: readonly Uint8Array[]): MerkleBatch {
  if (!Array.isArray(leafHashes)) {
    throw new InvalidArgumentError('INVALID_TYPE', 'leafHashes must be an array of 32-byte Uint8Arrays.')
  }
  const n = leafHashes.length
  if (n === 0) throw new InvalidArgumentError('OUT_OF_RANGE', 'A batch needs at least one leaf.')
  const levels: Uint8Array[][] = [
    leafHashes.map((h, i) => assertBytes(h, { name: `leafHashes[${i}]`, length: MERKLE_HASH_LENGTH })),
  ]
  while ((levels[levels.length - 1] as Uint8Array[]).length > 1) levels.push(nextLevel(levels[levels.length - 1]!))
  const proofs: Uint8Array[][] = new Array(n)
  for (let leaf = 0; leaf < n; leaf++) {
    const proof: Uint8Array[] = []
    let i = leaf
    for (let l = 0; l < levels.length - 1; l++) {
      const level = levels[l] as Uint8Array[]
      const sibling = i % 2 === 1 ? i - 1 : i + 1
      if (sibling < level.length) proof.push((level[sibling] as Uint8Array).slice())
      i = Math.floor(i / 2)
    }
    proofs[leaf] = proof
  }
  return { root: (levels[levels.length - 1]![0] as Uint8Array).slice(), treeSize: n, proofs }
}

/**
 * {@link buildMerkleBatch} with every node as `0x` hex, converted once per node rather than once per proof entry
 * (what receipts need). @internal
 */
export function _buildMerkleBatchHex(leafHashes: readonly Uint8Array[]): {
  root: Uint8Array
  treeSize: number
  proofs: string[][]
} {
  const n = leafHashes.length
  const levels: Uint8Array[][] = [leafHashes as Uint8Array[]]
  while ((levels[levels.length - 1] as Uint8Array[]).length > 1) levels.push(nextLevel(levels[levels.length - 1]!))
  const hexLevels = levels.slice(0, -1).map((level) => level.map(bytesToHex0x))
  const proofs: string[][] = new Array(n)
  for (let leaf = 0; leaf < n; leaf++) {
    const proof: string[] = []
    let i = leaf
    for (const level of hexLevels) {
      const sibling = i % 2 === 1 ? i - 1 : i + 1
      if (sibling < level.length) proof.push(level[sibling] as string)
      i = Math.floor(i / 2)
    }
    proofs[leaf] = proof
  }
  return { root: (levels[levels.length - 1]![0] as Uint8Array).slice(), treeSize: n, proofs }
}

function nextLevel(level: readonly Uint8Array[]): Uint8Array[] {
  const next: Uint8Array[] = []
  for (let i = 0; i + 1 < level.length; i += 2) next.push(_nodeHash(level[i]!, level[i + 1]!))
  if (level.length % 2 === 1) next.push(level[level.length - 1]!)
  return next
}

function rootOfLevels(hashes: Uint8Array[]): Uint8Array {
  let level = hashes
  while (level.length > 1) level = nextLevel(level)
  return (level[0] as Uint8Array).slice()
}
