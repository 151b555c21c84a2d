import { fc, test } from '@fast-check/vitest'
import { expect, it } from 'vitest'
import { bytesToHex, utf8ToBytes } from '../bytes/index.js'
import { _leafHash, _nodeHash } from '../merkle/hash.js'
import { merkleRoot } from '../merkle/tree.js'
import { _memoryLogTamper, accessLogBorderKeys, createMemoryAccessLogStore } from './store.js'

const leaf = (i: number) => {
  const leafData = utf8ToBytes(`event ${i}`)
  return { leafData, leafHash: _leafHash(leafData) }
}

/** The root of the store's first `size` leaves from its border nodes (what a log computes its root from). */
async function rootFromBorder(store: ReturnType<typeof createMemoryAccessLogStore>, size: number) {
  const hs = (await store.getNodes(accessLogBorderKeys(size))) as Uint8Array[]
  let r = hs[hs.length - 1] as Uint8Array
  for (let i = hs.length - 2; i >= 0; i--) r = _nodeHash(hs[i] as Uint8Array, r)
  return bytesToHex(r)
}

test.prop([fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 25 })], { numRuns: 40 })(
  'the memory store’s kept right edge gives the RFC 9162 tree after any sequence of batch sizes',
  async (batches) => {
    const store = createMemoryAccessLogStore()
    let n = 0
    for (const b of batches) {
      const leaves = Array.from({ length: b }, () => leaf(n++))
      // the caller's leaf hashes may be overwritten after the append: the store kept its own
      const r = await store.append(leaves)
      for (const l of leaves) l.leafHash.fill(0)
      expect(r).toEqual({ firstIndex: n - b, size: n })
      const data = Array.from({ length: n }, (_, i) => leaf(i).leafData)
      expect(await rootFromBorder(store, n)).toBe(bytesToHex(merkleRoot(data)))
    }
  },
)

it('after a tampered node the next append reads the right edge from the stored nodes again (as before)', async () => {
  const tampered = createMemoryAccessLogStore()
  const reference = createMemoryAccessLogStore()
  for (const s of [tampered, reference]) await s.append([0, 1, 2, 3].map(leaf))
  _memoryLogTamper.get(tampered)?.({ kind: 'node', level: 2, index: 0 })
  for (const s of [tampered, reference]) await s.append([leaf(4)])
  // the tampered node stays as stored (the append after it read it back rather than a kept copy)
  const [t] = (await tampered.getNodes([{ level: 2, index: 0 }])) as Uint8Array[]
  const [r] = (await reference.getNodes([{ level: 2, index: 0 }])) as Uint8Array[]
  expect(bytesToHex(t as Uint8Array)).not.toBe(bytesToHex(r as Uint8Array))
  for (const s of [tampered, reference]) await s.append([5, 6, 7].map(leaf))
  // node(3, 0) was built from the tampered node(2, 0): the store never repairs what it was given
  const [t3] = (await tampered.getNodes([{ level: 3, index: 0 }])) as Uint8Array[]
  expect(bytesToHex(t3 as Uint8Array)).toBe(
    bytesToHex(
      _nodeHash(
        t as Uint8Array,
        ((await reference.getNodes([{ level: 2, index: 1 }])) as Uint8Array[])[0] as Uint8Array,
      ),
    ),
  )
})
