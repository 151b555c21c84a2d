/**
 * RFC 9162 Merkle trees: building (leaves/s) at 10^4, 10^5 and 10^6 leaves, inclusion and consistency proofs
 * (generation and verification, µs) on the 10^6-leaf tree, and a peer in the same run: @openzeppelin/merkle-tree's
 * SimpleMerkleTree (keccak256, sorted pairs: not RFC 9162, compared for speed only).
 */
import { SimpleMerkleTree, StandardMerkleTree } from '@openzeppelin/merkle-tree'
import { defineBench } from '../../../../scripts/bench/harness.js'
import { bytesToHex0x } from '../bytes/index.js'
import { leafHash } from './hash.js'
import { createMerkleLog, createMerkleTree } from './merkleLog.js'
import { buildMerkleBatch, merkleRoot } from './tree.js'
import { verifyConsistency, verifyInclusion } from './verify.js'

const OZ = '@openzeppelin/merkle-tree@1.0.8'

/** A cycle of pseudo-random indexes in [0, n) (no timing-dependent work inside the measured call). */
function picker(n: number, start = 1): () => number {
  let i = start
  return () => {
    i = (i * 7919 + 1) % n
    return i
  }
}

/** Deterministic 32-byte leaves (stand-ins for commitments). */
function leaves(n: number): Uint8Array[] {
  const out: Uint8Array[] = new Array(n)
  for (let i = 0; i < n; i++) {
    const b = new Uint8Array(32)
    new DataView(b.buffer).setUint32(0, i)
    b[31] = 0x5a
    out[i] = b
  }
  return out
}

function once<T>(fn: () => T): { value: T; ms: number } {
  const t = performance.now()
  const value = fn()
  return { value, ms: performance.now() - t }
}

defineBench('merkle', async (ctx) => {
  for (const n of [10_000, 100_000, 1_000_000]) {
    const data = leaves(n)
    const hashed = once(() => data.map(leafHash))
    ctx.record({
      name: `leaf hashes, ${n.toLocaleString('en-US')} leaves`,
      value: n / (hashed.ms / 1000),
      unit: 'leaves/s',
    })
    const tree = once(() => createMerkleTree(hashed.value))
    ctx.record({
      name: `createMerkleTree from leaf hashes, ${n.toLocaleString('en-US')} leaves`,
      value: n / (tree.ms / 1000),
      unit: 'leaves/s',
    })
    const root = once(() => merkleRoot(data))
    ctx.record({
      name: `merkleRoot from leaf data, ${n.toLocaleString('en-US')} leaves`,
      value: n / (root.ms / 1000),
      unit: 'leaves/s',
    })
    if (n <= 100_000) {
      const batch = once(() => buildMerkleBatch(hashed.value))
      ctx.record({
        name: `buildMerkleBatch (root + every proof), ${n.toLocaleString('en-US')} leaves`,
        value: n / (batch.ms / 1000),
        unit: 'leaves/s',
      })
    }
    if (n <= 100_000) {
      const hexLeaves = data.map(bytesToHex0x)
      const oz = once(() => SimpleMerkleTree.of(hexLeaves))
      ctx.record({
        name: `SimpleMerkleTree.of, ${n.toLocaleString('en-US')} leaves`,
        value: n / (oz.ms / 1000),
        unit: 'leaves/s',
        peer: OZ,
      })
      if (n === 10_000) {
        const std = once(() =>
          StandardMerkleTree.of(
            hexLeaves.map((h) => [h]),
            ['bytes32'],
          ),
        )
        ctx.record({
          name: `StandardMerkleTree.of, ${n.toLocaleString('en-US')} leaves`,
          value: n / (std.ms / 1000),
          unit: 'leaves/s',
          peer: OZ,
        })
      }
      if (n === 100_000) {
        const t = oz.value
        const next = picker(n)
        await ctx.micros('OZ getProof, 100,000 leaves', () => t.getProof(next()), { peer: OZ })
        const proof = t.getProof(123)
        await ctx.micros('OZ verify, 100,000 leaves', () => SimpleMerkleTree.verify(t.root, hexLeaves[123]!, proof), {
          peer: OZ,
        })
        const ours = tree.value
        const nextOurs = picker(n)
        await ctx.micros('inclusionProof, 100,000 leaves', () => ours.inclusionProof(nextOurs()))
        const ourProof = ours.inclusionProof(123)
        const ourRoot = ours.root()
        const ourLeaf = hashed.value[123]!
        await ctx.micros('verifyInclusion, 100,000 leaves', () => verifyInclusion(ourLeaf, 123, n, ourProof, ourRoot))
      }
    }
    if (n === 1_000_000) {
      const t = tree.value
      const r = t.root()
      const nextLeaf = picker(n)
      await ctx.micros('inclusionProof (random leaf), 1,000,000 leaves', () => t.inclusionProof(nextLeaf()))
      const proof = t.inclusionProof(654_321)
      const lh = hashed.value[654_321]!
      await ctx.micros('verifyInclusion, 1,000,000 leaves', () => verifyInclusion(lh, 654_321, n, proof, r))
      const nextSize = picker(n - 1)
      await ctx.micros('consistencyProof (random old size), 1,000,000 leaves', () => t.consistencyProof(nextSize() + 1))
      const cp = t.consistencyProof(777_777)
      const oldRoot = t.root(777_777)
      await ctx.micros('verifyConsistency 777,777 -> 1,000,000', () => verifyConsistency(777_777, n, oldRoot, r, cp))
      await ctx.micros('historical root(size), 1,000,000 leaves', () => t.root(nextSize() + 1))
      const log = createMerkleLog(hashed.value)
      const nextAppend = picker(n)
      await ctx.micros('MerkleLog.append at 1,000,000 leaves (amortized)', () =>
        log.append(hashed.value[nextAppend()]!),
      )
    }
  }
})
