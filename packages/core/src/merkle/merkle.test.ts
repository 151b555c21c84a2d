import { fc, test } from '@fast-check/vitest'
import { sha256 } from '@noble/hashes/sha2.js'
import consistencyText from '@vectors/merkle/consistency-proofs.json?raw'
import inclusionText from '@vectors/merkle/inclusion-proofs.json?raw'
import referenceText from '@vectors/merkle/rfc6962-reference-tree.json?raw'
import rootText from '@vectors/merkle/root-hashes.json?raw'
import consistencyProbesText from '@vectors/merkle/transparency-dev-probes/consistency.json?raw'
import inclusionProbesText from '@vectors/merkle/transparency-dev-probes/inclusion.json?raw'
import { describe, expect, it } from 'vitest'
import { bytesToHex, hexToBytes } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'
import { badBytesInputs } from '../testing/badInputs.js'
import { emptyRoot, leafHash, nodeHash } from './hash.js'
import { createMerkleLog, createMerkleTree } from './merkleLog.js'
import { buildMerkleBatch, consistencyProof, inclusionProof, merkleRoot } from './tree.js'
import { verifyConsistency, verifyInclusion } from './verify.js'

const hex = (b: Uint8Array) => bytesToHex(b)
const unhex = (s: string) => hexToBytes(s)
const b64 = (s: string | null) => Uint8Array.from(atob(s ?? ''), (c) => c.charCodeAt(0))

type Trees = Record<string, { leaves: string[] }>
const reference = JSON.parse(referenceText) as {
  hasherCases: { op: string; input: string | string[] | null; want: string }[]
  leaves: string[]
  nodeHashes: { levels: string[][] }
  rootHashes: { bySize: string[] }
}
const rootCases = JSON.parse(rootText) as { trees: Trees; cases: { tree: string; treeSize: number; root: string }[] }
const inclusionCases = JSON.parse(inclusionText) as {
  trees: Trees
  cases: {
    tree: string
    leafIndex: number
    treeSize: number
    leafData: string
    leafHash: string
    root: string
    proof: string[]
  }[]
}
const consistencyCases = JSON.parse(consistencyText) as {
  trees: Trees
  cases: { tree: string; size1: number; size2: number; root1: string; root2: string; proof: string[] }[]
}
type Probe = { file: string; proof: string[] | null; wantErr: boolean }
const inclusionProbes = JSON.parse(inclusionProbesText) as {
  probes: (Probe & { leafIdx: number; treeSize: number; root: string; leafHash: string })[]
}
const consistencyProbes = JSON.parse(consistencyProbesText) as {
  probes: (Probe & { size1: number; size2: number; root1: string; root2: string })[]
}
const leavesOf = (trees: Trees, name: string): Uint8Array[] => (trees[name] as { leaves: string[] }).leaves.map(unhex)

describe('RFC 6962 / 9162 reference vectors', () => {
  it('hashes leaves, nodes and the empty tree', () => {
    for (const c of reference.hasherCases) {
      if (c.op === 'emptyRoot') expect(hex(emptyRoot())).toBe(c.want)
      else if (c.op === 'hashLeaf') expect(hex(leafHash(unhex(c.input as string)))).toBe(c.want)
      else {
        const [l, r] = c.input as string[]
        // RFC6962 hasher case: the "node" inputs are raw strings, hashed as 0x01 || l || r.
        expect(hex(sha256(new Uint8Array([1, ...unhex(l as string), ...unhex(r as string)])))).toBe(c.want)
      }
    }
  })

  it('computes every root of the reference tree and its complete subtrees', () => {
    const leaves = reference.leaves.map(unhex)
    reference.rootHashes.bySize.forEach((want, n) => {
      expect(hex(merkleRoot(leaves.slice(0, n)))).toBe(want)
      expect(hex(createMerkleTree(leaves.slice(0, n).map(leafHash)).root())).toBe(want)
    })
    const levels = reference.nodeHashes.levels
    levels.forEach((level, height) => {
      level.forEach((want, i) => {
        const span = 2 ** height
        expect(hex(merkleRoot(leaves.slice(i * span, (i + 1) * span)))).toBe(want)
      })
    })
  })

  it('computes the roots of root-hashes.json', () => {
    for (const c of rootCases.cases) {
      const leaves = leavesOf(rootCases.trees as Trees, c.tree).slice(0, c.treeSize)
      expect(hex(merkleRoot(leaves))).toBe(c.root)
    }
  })

  it('generates and verifies the inclusion proofs of inclusion-proofs.json', () => {
    for (const c of inclusionCases.cases) {
      const leaves = leavesOf(inclusionCases.trees as Trees, c.tree).slice(0, c.treeSize)
      expect(hex(leafHash(unhex(c.leafData)))).toBe(c.leafHash)
      expect(inclusionProof(leaves, c.leafIndex).map(hex)).toEqual(c.proof)
      expect(createMerkleTree(leaves.map(leafHash)).inclusionProof(c.leafIndex).map(hex)).toEqual(c.proof)
      expect(buildMerkleBatch(leaves.map(leafHash)).proofs[c.leafIndex]?.map(hex)).toEqual(c.proof)
      expect(verifyInclusion(unhex(c.leafHash), c.leafIndex, c.treeSize, c.proof.map(unhex), unhex(c.root))).toBe(true)
    }
  })

  it('generates and verifies the consistency proofs of consistency-proofs.json', () => {
    for (const c of consistencyCases.cases) {
      const leaves = leavesOf(consistencyCases.trees as Trees, c.tree).slice(0, c.size2)
      expect(consistencyProof(leaves, c.size1).map(hex)).toEqual(c.proof)
      expect(createMerkleTree(leaves.map(leafHash)).consistencyProof(c.size1).map(hex)).toEqual(c.proof)
      expect(verifyConsistency(c.size1, c.size2, unhex(c.root1), unhex(c.root2), c.proof.map(unhex))).toBe(true)
    }
  })

  it('gives the verdict of every transparency-dev inclusion probe', () => {
    for (const p of inclusionProbes.probes) {
      const ok = verifyInclusion(b64(p.leafHash), p.leafIdx, p.treeSize, (p.proof ?? []).map(b64), b64(p.root))
      expect({ file: p.file, ok }).toEqual({ file: p.file, ok: !p.wantErr })
      if (p.proof === null) {
        const raw = verifyInclusion(b64(p.leafHash), p.leafIdx, p.treeSize, null as never, b64(p.root))
        expect({ file: p.file, raw }).toEqual({ file: p.file, raw: !p.wantErr })
      }
    }
  })

  it('gives the verdict of every transparency-dev consistency probe', () => {
    for (const p of consistencyProbes.probes) {
      const ok = verifyConsistency(p.size1, p.size2, b64(p.root1), b64(p.root2), (p.proof ?? []).map(b64))
      expect({ file: p.file, ok }).toEqual({ file: p.file, ok: !p.wantErr })
      if (p.proof === null) {
        const raw = verifyConsistency(p.size1, p.size2, b64(p.root1), b64(p.root2), null as never)
        expect({ file: p.file, raw }).toEqual({ file: p.file, raw: !p.wantErr })
      }
    }
  })
})

const leafArb = fc.uint8Array({ minLength: 0, maxLength: 8 })
/** Random trees with distinct leaves (the index is appended, so that equal leaves do not make proofs collide). */
const treeArb = fc
  .array(leafArb, { minLength: 1, maxLength: 70 })
  .map((leaves) => leaves.map((d, i) => Uint8Array.of(...d, i)))

/** Length of PATH(i, D[n]) (RFC 9162 §2.1.3.1), or -1 when i >= n. */
function pathLength(i: number, n: number): number {
  if (i >= n) return -1
  let len = 0
  let start = 0
  let end = n
  while (end - start > 1) {
    let k = 1
    while (k * 2 < end - start) k *= 2
    if (i < start + k) end = start + k
    else start += k
    len++
  }
  return len
}

describe('properties', () => {
  test.prop([treeArb])('every leaf of a random tree has a valid inclusion proof', (data) => {
    const root = merkleRoot(data)
    const tree = createMerkleTree(data.map(leafHash))
    expect(tree.root()).toEqual(root)
    const batch = buildMerkleBatch(data.map(leafHash))
    expect(batch.root).toEqual(root)
    data.forEach((d, i) => {
      const proof = tree.inclusionProof(i)
      expect(batch.proofs[i]).toEqual(proof)
      expect(verifyInclusion(leafHash(d), i, data.length, proof, root)).toBe(true)
    })
  })

  test.prop([treeArb, fc.nat(), fc.nat({ max: 31 }), fc.nat({ max: 7 })])(
    'any flipped byte of leaf, proof or root, another index or size fails',
    (data, pick, byte, bit) => {
      const n = data.length
      const i = pick % n
      const lh = leafHash(data[i] as Uint8Array)
      const root = merkleRoot(data)
      const proof = inclusionProof(data, i)
      const flip = (b: Uint8Array) => {
        const c = b.slice()
        c[byte] = (c[byte] as number) ^ (1 << bit)
        return c
      }
      expect(verifyInclusion(flip(lh), i, n, proof, root)).toBe(false)
      expect(verifyInclusion(lh, i, n, proof, flip(root))).toBe(false)
      proof.forEach((_, k) => {
        const bad = proof.slice()
        bad[k] = flip(proof[k] as Uint8Array)
        expect(verifyInclusion(lh, i, n, bad, root)).toBe(false)
      })
      for (let j = 0; j < n + 2; j++) if (j !== i) expect(verifyInclusion(lh, j, n, proof, root)).toBe(false)
      // RFC 9162 roots do not commit to the size: another size fails whenever its audit path has another shape
      // (receipts and heads carry the size, and the ledger's record of it is compared; see anchor/).
      for (let m = 1; m < 2 * n + 3; m++) {
        if (m !== n && pathLength(i, m) !== proof.length) expect(verifyInclusion(lh, i, m, proof, root)).toBe(false)
      }
      expect(verifyInclusion(lh, i, n, [...proof, root], root)).toBe(false)
      if (proof.length > 0) expect(verifyInclusion(lh, i, n, proof.slice(1), root)).toBe(false)
    },
  )

  test.prop([treeArb, fc.nat(), fc.nat()])('consistency holds between random sizes', (data, a, b) => {
    const n = data.length
    const s2 = 1 + (b % n)
    const s1 = 1 + (a % s2)
    const tree = createMerkleTree(data.map(leafHash))
    const proof = tree.consistencyProof(s1, s2)
    expect(proof).toEqual(consistencyProof(data.slice(0, s2), s1))
    const r1 = merkleRoot(data.slice(0, s1))
    const r2 = merkleRoot(data.slice(0, s2))
    expect(tree.root(s1)).toEqual(r1)
    expect(verifyConsistency(s1, s2, r1, r2, proof)).toBe(true)
    if (s1 < s2) {
      expect(verifyConsistency(s1, s2, r2, r1, proof)).toBe(false)
      const bad = proof.map((p) => p.slice())
      const first = bad[0] as Uint8Array
      first[0] = (first[0] as number) ^ 1
      expect(verifyConsistency(s1, s2, r1, r2, bad)).toBe(false)
      // Another size fails whenever its proof has another shape (roots do not commit to the size).
      const longer = createMerkleTree([...data.slice(0, s2), Uint8Array.of(0xff, 0xff)].map(leafHash))
      if (longer.consistencyProof(s1).length !== proof.length) {
        expect(verifyConsistency(s1, s2 + 1, r1, r2, proof)).toBe(false)
      }
      expect(verifyConsistency(s1, s2, r1, r2, proof.slice(1))).toBe(false)
      expect(verifyConsistency(s1, s2, r1, r2, [...proof, r1])).toBe(false)
    }
  })
})

describe('createMerkleLog', () => {
  it('matches the reference tree while growing past the subtree cache (1,100 leaves)', () => {
    const data = Array.from({ length: 1100 }, (_, i) => Uint8Array.of(i & 0xff, i >> 8))
    const hashes = data.map(leafHash)
    const log = createMerkleLog()
    for (const h of hashes) log.append(h)
    expect(log.size).toBe(1100)
    for (const size of [1, 255, 256, 257, 511, 512, 513, 1024, 1099, 1100]) {
      const batch = buildMerkleBatch(hashes.slice(0, size))
      expect(log.root(size)).toEqual(batch.root)
      for (const i of [0, 1, 127, 128, 255, 256, 300, 511, 512, 700, 1023, 1024, 1099]) {
        if (i < size) expect(log.inclusionProof(i, size)).toEqual(batch.proofs[i])
      }
      for (const old of [1, 2, 200, 256, 300, 512, 1000]) {
        if (old > size) continue
        const proof = log.consistencyProof(old, size)
        expect(verifyConsistency(old, size, log.root(old), log.root(size), proof)).toBe(true)
      }
    }
    expect(log.leafHash(5)).toEqual(hashes[5])
  })

  const big = Array.from({ length: 3000 }, (_, i) => leafHash(Uint8Array.of(i & 0xff, i >> 8, 7)))
  const bigLog = createMerkleLog(big)
  test.prop([fc.integer({ min: 1, max: 3000 }), fc.nat(), fc.nat()], { numRuns: 25 })(
    'historical roots and proofs from the subtree cache match a plain rebuild (random sizes up to 3,000)',
    (size, a, b) => {
      const batch = buildMerkleBatch(big.slice(0, size))
      expect(bigLog.root(size)).toEqual(batch.root)
      const i = a % size
      expect(bigLog.inclusionProof(i, size)).toEqual(batch.proofs[i])
      const old = 1 + (b % size)
      const proof = bigLog.consistencyProof(old, size)
      expect(proof).toEqual(createMerkleTree(big.slice(0, size)).consistencyProof(old))
      expect(verifyConsistency(old, size, bigLog.root(old), batch.root, proof)).toBe(true)
    },
  )

  it('returns copies: mutating a result never changes the log', () => {
    const log = createMerkleLog([leafHash(Uint8Array.of(1)), leafHash(Uint8Array.of(2))])
    const root = log.root()
    log.root().fill(0)
    log.leafHash(0).fill(0)
    log.inclusionProof(0)[0]?.fill(0)
    expect(log.root()).toEqual(root)
    expect(Object.isFrozen(log)).toBe(true)
  })

  it('rejects bad arguments with InvalidArgumentError', () => {
    const log = createMerkleLog()
    expect(() => log.append(new Uint8Array(31))).toThrow(InvalidArgumentError)
    expect(() => log.append('x' as unknown as Uint8Array)).toThrow(expect.objectContaining({ code: 'INVALID_TYPE' }))
    expect(() => log.inclusionProof(0)).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }))
    log.append(leafHash(new Uint8Array(0)))
    expect(() => log.inclusionProof(1)).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }))
    expect(() => log.inclusionProof(0.5)).toThrow(expect.objectContaining({ code: 'INVALID_TYPE' }))
    expect(() => log.consistencyProof(0)).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }))
    expect(() => log.root(2)).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }))
    expect(() => createMerkleLog([new Uint8Array(3)])).toThrow(expect.objectContaining({ code: 'INVALID_LENGTH' }))
    expect(() => createMerkleLog('x' as unknown as Uint8Array[])).toThrow(InvalidArgumentError)
  })
})

describe('bad input', () => {
  const bad: unknown[] = [null, undefined, 1, 'ab', [1, 2], new Uint16Array(32), new ArrayBuffer(32), {}]
  const h = leafHash(Uint8Array.of(1))
  it('leafHash / nodeHash / merkleRoot throw InvalidArgumentError for non-bytes', () => {
    for (const v of bad) {
      expect(() => leafHash(v as Uint8Array)).toThrow(InvalidArgumentError)
      expect(() => nodeHash(v as Uint8Array, h)).toThrow(InvalidArgumentError)
      expect(() => merkleRoot([v as Uint8Array])).toThrow(InvalidArgumentError)
    }
    expect(() => nodeHash(new Uint8Array(31), h)).toThrow(expect.objectContaining({ code: 'INVALID_LENGTH' }))
    expect(() => merkleRoot('x' as unknown as Uint8Array[])).toThrow(InvalidArgumentError)
    expect(() => inclusionProof([], 0)).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }))
    expect(() => consistencyProof([], 1)).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }))
    expect(() => buildMerkleBatch([])).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }))
  })
  it('verify functions throw INVALID_TYPE for wrong types and return false for bad values', () => {
    for (const v of bad) {
      expect(() => verifyInclusion(v as Uint8Array, 0, 1, [], h)).toThrow(InvalidArgumentError)
      expect(() => verifyInclusion(h, 0, 1, [], v as Uint8Array)).toThrow(InvalidArgumentError)
      expect(() => verifyConsistency(1, 1, h, v as Uint8Array, [])).toThrow(InvalidArgumentError)
      if (!Array.isArray(v) && v !== null && v !== undefined)
        expect(() => verifyInclusion(h, 0, 1, v as Uint8Array[], h)).toThrow(InvalidArgumentError)
    }
    expect(() => verifyInclusion(h, '0' as unknown as number, 1, [], h)).toThrow(
      expect.objectContaining({ code: 'INVALID_TYPE' }),
    )
    expect(() => verifyInclusion(h, 0, 1, [1 as unknown as Uint8Array], h)).toThrow(InvalidArgumentError)
    expect(verifyInclusion(h, 0, 1, [], h)).toBe(true)
    for (const n of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 64]) {
      expect(verifyInclusion(h, n, 1, [], h)).toBe(false)
      expect(verifyInclusion(h, 0, n, [], h)).toBe(false)
      expect(verifyConsistency(n, 1, h, h, [])).toBe(false)
      expect(verifyConsistency(1, n, h, h, [])).toBe(false)
    }
    expect(
      verifyInclusion(
        h,
        0,
        2,
        Array.from({ length: 65 }, () => h),
        h,
      ),
    ).toBe(false)
    expect(verifyInclusion(h, 18446744073709551615n, 1n, [], h)).toBe(false)
    expect(verifyInclusion(h, -1n, 1n, [], h)).toBe(false)
    expect(verifyConsistency(0n, 1n, h, h, [])).toBe(false)
  })

  test.prop([treeArb, fc.nat()])('bigint sizes give the same verdicts as numbers', (data, pick) => {
    const i = pick % data.length
    const proof = inclusionProof(data, i)
    const root = merkleRoot(data)
    const lh = leafHash(data[i] as Uint8Array)
    expect(verifyInclusion(lh, BigInt(i), BigInt(data.length), proof, root)).toBe(true)
    expect(verifyInclusion(lh, BigInt(i) + 1n, BigInt(data.length), proof, root)).toBe(
      verifyInclusion(lh, i + 1, data.length, proof, root),
    )
    const old = 1 + (pick % data.length)
    const cp = consistencyProof(data, old)
    expect(verifyConsistency(BigInt(old), BigInt(data.length), merkleRoot(data.slice(0, old)), root, cp)).toBe(true)
  })

  it('verifies proofs in trees beyond 2^53 leaves with bigint sizes', () => {
    // A leaf deep inside a tree of 2^60 + 5 leaves: 61 proof nodes; the root is folded by hand (RFC 9162 §2.1.3.2).
    const n = 2n ** 60n + 5n
    const index = 2n ** 59n + 12345n
    const proof = Array.from({ length: 61 }, (_, k) => leafHash(Uint8Array.of(k)))
    let fn = index
    let sn = n - 1n
    let r = h
    for (const p of proof) {
      if ((fn & 1n) === 1n || fn === sn) {
        r = nodeHash(p, r)
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n
          sn >>= 1n
        }
      } else r = nodeHash(r, p)
      fn >>= 1n
      sn >>= 1n
    }
    expect(sn).toBe(0n)
    expect(verifyInclusion(h, index, n, proof, r)).toBe(true)
    expect(verifyInclusion(h, index + 1n, n, proof, r)).toBe(false)
    expect(verifyInclusion(h, Number(index), Number(n), proof, r)).toBe(false) // not exact as numbers
  })
})

describe('the shared bad-input table', () => {
  const h = leafHash(Uint8Array.of(1))
  it.each(badBytesInputs)('every byte argument rejects $label with INVALID_TYPE', ({ make }) => {
    const calls: (() => unknown)[] = [
      () => leafHash(make() as Uint8Array),
      () => nodeHash(make() as Uint8Array, h),
      () => nodeHash(h, make() as Uint8Array),
      () => merkleRoot([make() as Uint8Array]),
      () => createMerkleLog().append(make() as Uint8Array),
      () => createMerkleLog([make() as Uint8Array]),
      () => buildMerkleBatch([make() as Uint8Array]),
      () => verifyInclusion(make() as Uint8Array, 0, 1, [], h),
      () => verifyInclusion(h, 0, 1, [], make() as Uint8Array),
      () => verifyInclusion(h, 0, 2, [make() as Uint8Array], h),
      () => verifyConsistency(1, 2, make() as Uint8Array, h, [h]),
      () => verifyConsistency(1, 2, h, make() as Uint8Array, [h]),
      () => verifyConsistency(1, 2, h, h, [make() as Uint8Array]),
    ]
    for (const call of calls) {
      let caught: unknown
      try {
        call()
      } catch (e) {
        caught = e
      }
      expect(caught).toBeInstanceOf(InvalidArgumentError)
      expect((caught as InvalidArgumentError).code).toBe('INVALID_TYPE')
    }
  })
})
