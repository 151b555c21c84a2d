/**
 * Append-only RFC 9162 Merkle trees over leaf hashes, built for size.
 *
 * A {@link MerkleLog} keeps:
 * - the leaf hashes, packed in one flat buffer (32 bytes a leaf, no per-leaf objects);
 * - the right border (one root per set bit of the size, the "compact range"), so `append` costs O(log n) hashes
 *   (amortized one) and the current root O(log n);
 * - the roots of the complete aligned subtrees of height >= 6 (64 leaves and up), which `append` produces anyway
 *   while merging the border. That is one hash per 32 leaves (about 3 % of the leaf buffer; a full node cache would
 *   be 100 %), and it bounds every inclusion or consistency proof, and every historical root, to fewer than 128
 *   hashes plus O(log² n) look-ups, with O(log n) memory per proof.
 *
 * Every subtree split follows RFC 9162 §2.1.1 (largest power of two below the size), so the roots and proofs are
 * those of §2.1.3 (PATH) and §2.1.4 (SUBPROOF).
 * @module
 */
import { assertBytes, isBytes } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'
import { _EMPTY_ROOT, _isPowerOfTwo, _nodeHash, _splitPoint, MERKLE_HASH_LENGTH } from './hash.js'

/** Height from which complete subtree roots are kept (2^6 = 64 leaves). */
const CACHE_HEIGHT = 6
const H = MERKLE_HASH_LENGTH

/** A read-only RFC 9162 tree over leaf hashes. Every method returns fresh copies. */
export type MerkleTree = {
  /** Number of leaves. */
  readonly size: number
  /** The root of the first `treeSize` leaves (default: all); `treeSize` 0 gives the empty root. */
  root(treeSize?: number): Uint8Array
  /** The leaf hash at `index`. */
  leafHash(index: number): Uint8Array
  /** RFC 9162 §2.1.3 inclusion proof (audit path, bottom-up) of leaf `index` in the tree of `treeSize` leaves. */
  inclusionProof(index: number, treeSize?: number): Uint8Array[]
  /** RFC 9162 §2.1.4 consistency proof from `oldSize` (>= 1) to `newSize` (default: all) leaves. */
  consistencyProof(oldSize: number, newSize?: number): Uint8Array[]
}

/** An append-only {@link MerkleTree}. Not safe for concurrent use by design: appends are synchronous. */
export type MerkleLog = MerkleTree & {
  /** Appends one 32-byte leaf hash; returns its index. O(log n) hashes, amortized one. */
  append(leafHash: Uint8Array): number
}

/** Everything the {@link MerkleTree} and {@link MerkleLog} methods can throw. */
export type MerkleLogErrorType = InvalidArgumentError

/**
 * Creates an empty append-only Merkle log (or one holding `leafHashes`).
 *
 * @param leafHashes - initial leaf hashes, 32 bytes each (copied)
 * @returns a frozen {@link MerkleLog}
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` / `INVALID_LENGTH` for a leaf hash that is not 32 bytes
 * @example
 * ```ts
 * import { createMerkleLog, leafHash, verifyInclusion, utf8ToBytes } from '@medseal/core'
 * const log = createMerkleLog()
 * for (const s of ['a', 'b', 'c']) log.append(leafHash(utf8ToBytes(s)))
 * const proof = log.inclusionProof(1)
 * verifyInclusion(leafHash(utf8ToBytes('b')), 1, log.size, proof, log.root()) // true
 * ```
 */
export function createMerkleLog(leafHashes: readonly Uint8Array[] = []): MerkleLog {
  if (!Array.isArray(leafHashes)) {
    throw new InvalidArgumentError('INVALID_TYPE', 'leafHashes must be an array of 32-byte Uint8Arrays.')
  }
  let size = 0
  let leaves = new Uint8Array(H * Math.max(16, leafHashes.length))
  /** Right border: roots of the perfect subtrees making up the tree, left to right (heights descending). */
  const border: Uint8Array[] = []
  /** cache[h - CACHE_HEIGHT] holds, packed, the roots of the complete aligned subtrees of height h. */
  const cache: { buf: Uint8Array; count: number }[] = []

  const leafAt = (i: number): Uint8Array => leaves.subarray(i * H, i * H + H)

  const store = (height: number, index: number, hash: Uint8Array) => {
    const level = height - CACHE_HEIGHT
    let entry = cache[level]
    if (entry === undefined) {
      entry = { buf: new Uint8Array(H * 16), count: 0 }
      cache[level] = entry
    }
    // Subtrees complete in order, so `index` is always the next slot; anything else is skipped (and recomputed).
    if (index !== entry.count) return
    if ((index + 1) * H > entry.buf.length) {
      const grown = new Uint8Array(entry.buf.length * 2)
      grown.set(entry.buf)
      entry.buf = grown
    }
    entry.buf.set(hash, index * H)
    entry.count++
  }

  const appendUnchecked = (hash: Uint8Array): number => {
    const index = size
    if ((index + 1) * H > leaves.length) {
      const grown = new Uint8Array(leaves.length * 2)
      grown.set(leaves)
      leaves = grown
    }
    leaves.set(hash, index * H)
    // Merge the border: one merge per trailing 1 bit of the old size (RFC 9162 trees are left-complete).
    let node: Uint8Array = leafAt(index).slice()
    let height = 0
    let s = index
    while (s % 2 === 1) {
      node = _nodeHash(border.pop() as Uint8Array, node)
      height++
      s = (s - 1) / 2
      if (height >= CACHE_HEIGHT) store(height, (index + 1) / 2 ** height - 1, node)
    }
    border.push(node)
    size = index + 1
    return index
  }

  /** Root of a perfect subtree of `n` leaves (a power of two) starting at `start` (a multiple of `n`). */
  const perfectRoot = (start: number, n: number): Uint8Array => {
    if (n === 1) return leafAt(start)
    let height = 0
    while (2 ** height < n) height++
    if (height >= CACHE_HEIGHT) {
      const entry = cache[height - CACHE_HEIGHT]
      const index = start / n
      if (entry !== undefined && Number.isInteger(index) && index < entry.count) {
        return entry.buf.subarray(index * H, index * H + H)
      }
      // Not cached (cannot happen for a complete subtree inside the log): compute it from its halves.
      const half = n / 2
      return _nodeHash(perfectRoot(start, half), perfectRoot(start + half, half))
    }
    // Below the cache: hash level by level, at most 63 hashes.
    let level: Uint8Array[] = []
    for (let i = 0; i < n; i += 2) level.push(_nodeHash(leafAt(start + i), leafAt(start + i + 1)))
    while (level.length > 1) {
      const next: Uint8Array[] = []
      for (let i = 0; i < level.length; i += 2) next.push(_nodeHash(level[i] as Uint8Array, level[i + 1] as Uint8Array))
      level = next
    }
    return level[0] as Uint8Array
  }

  /** MTH(D[start:end]) of RFC 9162 §2.1.1, 1 <= end - start. */
  const subtreeRoot = (start: number, end: number): Uint8Array => {
    const n = end - start
    if (_isPowerOfTwo(n)) return perfectRoot(start, n)
    const k = _splitPoint(n)
    return _nodeHash(perfectRoot(start, k), subtreeRoot(start + k, end))
  }

  const checkSize = (value: unknown, name: string, min: number, max: number): number => {
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw new InvalidArgumentError('INVALID_TYPE', `${name} must be an integer.`)
    }
    if (value < min || value > max) {
      throw new InvalidArgumentError('OUT_OF_RANGE', `${name} must be between ${min} and ${max}.`, {
        metaMessages: [`Received ${value}.`],
      })
    }
    return value
  }

  const log: MerkleLog = {
    get size() {
      return size
    },
    append(hash) {
      assertBytes(hash, { name: 'leafHash', length: H })
      return appendUnchecked(hash)
    },
    root(treeSize = size) {
      checkSize(treeSize, 'treeSize', 0, size)
      if (treeSize === 0) return _EMPTY_ROOT.slice()
      if (treeSize === size) {
        let r = border[border.length - 1] as Uint8Array
        for (let i = border.length - 2; i >= 0; i--) r = _nodeHash(border[i] as Uint8Array, r)
        return r.slice()
      }
      return subtreeRoot(0, treeSize).slice()
    },
    leafHash(index) {
      checkSize(index, 'index', 0, size - 1)
      return leafAt(index).slice()
    },
    inclusionProof(index, treeSize = size) {
      checkSize(treeSize, 'treeSize', 1, size)
      checkSize(index, 'index', 0, treeSize - 1)
      // PATH(m, D[start:end]), RFC 9162 §2.1.3.1, unrolled top-down, then reversed to bottom-up order.
      const path: Uint8Array[] = []
      let start = 0
      let end = treeSize
      while (end - start > 1) {
        const k = _splitPoint(end - start)
        if (index < start + k) {
          path.push(subtreeRoot(start + k, end).slice())
          end = start + k
        } else {
          path.push(perfectRoot(start, k).slice())
          start += k
        }
      }
      return path.reverse()
    },
    consistencyProof(oldSize, newSize = size) {
      checkSize(newSize, 'newSize', 1, size)
      checkSize(oldSize, 'oldSize', 1, newSize)
      // SUBPROOF(m, D[start:end], b), RFC 9162 §2.1.4.1, unrolled: siblings are collected top-down and the
      // recursion's innermost node (when b is false) comes first in the proof.
      const siblings: Uint8Array[] = []
      let start = 0
      let end = newSize
      let m = oldSize
      let b = true
      let innermost: Uint8Array | undefined
      for (;;) {
        const n = end - start
        if (m === n) {
          if (!b) innermost = subtreeRoot(start, end).slice()
          break
        }
        const k = _splitPoint(n)
        if (m <= k) {
          siblings.push(subtreeRoot(start + k, end).slice())
          end = start + k
        } else {
          siblings.push(perfectRoot(start, k).slice())
          start += k
          m -= k
          b = false
        }
      }
      siblings.reverse()
      return innermost === undefined ? siblings : [innermost, ...siblings]
    },
  }

  for (let i = 0; i < leafHashes.length; i++) {
    const hash = leafHashes[i]
    if (!isBytes(hash) || hash.length !== H) assertBytes(hash, { name: `leafHashes[${i}]`, length: H })
    appendUnchecked(hash as Uint8Array)
  }
  return Object.freeze(log)
}

/**
 * Creates a read-only RFC 9162 tree over `leafHashes` (built in one pass of O(n) hashes; see {@link createMerkleLog}
 * for what is kept in memory).
 *
 * @param leafHashes - the leaf hashes, 32 bytes each (copied)
 * @returns a frozen {@link MerkleTree}
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` / `INVALID_LENGTH` for a leaf hash that is not 32 bytes
 * @example
 * ```ts
 * import { createMerkleTree, leafHash, utf8ToBytes } from '@medseal/core'
 * const tree = createMerkleTree(['a', 'b', 'c'].map((s) => leafHash(utf8ToBytes(s))))
 * const proof = tree.consistencyProof(2) // from the 2-leaf tree to the 3-leaf tree
 * ```
 */
export function createMerkleTree(leafHashes: readonly Uint8Array[]): MerkleTree {
  const log = createMerkleLog(leafHashes)
  return Object.freeze({
    get size() {
      return log.size
    },
    root: log.root,
    leafHash: log.leafHash,
    inclusionProof: log.inclusionProof,
    consistencyProof: log.consistencyProof,
  })
}
