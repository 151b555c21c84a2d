import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import spec from '../../../../docs/spec/receipt.md?raw'
import { VerificationError } from '../errors/base.js'
import type { LedgerAdapter } from '../ledger/types.js'
import { decodeReceipt, encodeReceipt, parseReceipt, type Receipt, type ReceiptV1, type ReceiptV2 } from './receipt.js'

const h = (byte: number) => `0x${byte.toString(16).padStart(2, '0').repeat(32)}` as const
const receipt: Receipt = {
  v: 2,
  kind: 'records',
  commitment: h(1),
  leafIndex: 2,
  treeSize: 5,
  root: h(2),
  proof: [h(3), h(4), h(5)],
  ledger: { ledger: 'memory:demo', tx: 'memory:7', block: 7, timestamp: 1_700_000_000 },
}

const expectMalformed = (fn: () => unknown) => {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(VerificationError)
    expect((e as VerificationError).code).toBe('RECEIPT_MALFORMED')
    return
  }
  throw new Error('expected RECEIPT_MALFORMED')
}

describe('receipt encoding', () => {
  it('encodes canonically (sorted keys, no whitespace) and decodes back', () => {
    const text = encodeReceipt(receipt)
    expect(text.startsWith('{"commitment":"0x0101')).toBe(true)
    expect(text).not.toMatch(/\s/)
    expect(decodeReceipt(text)).toEqual(receipt)
    expect(decodeReceipt(JSON.stringify(receipt, null, 2))).toEqual(receipt)
    expect(Object.isFrozen(decodeReceipt(text))).toBe(true)
  })

  test.prop([
    fc.nat({ max: 2 ** 40 }),
    fc.nat({ max: 2 ** 40 }),
    fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: 64 }),
    fc.string({ minLength: 1, maxLength: 40 }),
  ])('round-trips any well-formed receipt', (a, b, proof, tx) => {
    const toHex = (u: Uint8Array) => `0x${Array.from(u, (x) => x.toString(16).padStart(2, '0')).join('')}` as const
    const r: Receipt = {
      ...receipt,
      leafIndex: Math.min(a, b),
      treeSize: Math.max(a, b) + 1,
      proof: proof.map(toHex),
      ledger: { ...receipt.ledger, tx: tx.isWellFormed() ? tx : 'x' },
    }
    expect(decodeReceipt(encodeReceipt(r))).toEqual(r)
  })

  it('rejects every malformed receipt with RECEIPT_MALFORMED', () => {
    const bad: unknown[] = [
      null,
      [],
      'x',
      { ...receipt, v: 0 },
      { ...receipt, kind: 'other' },
      { ...receipt, kind: undefined },
      { ...receipt, v: 1 }, // a version-1 receipt has no kind
      { ...receipt, v: 2.5 },
      { ...receipt, v: '1' },
      { ...receipt, extra: 1 },
      { ...receipt, commitment: undefined },
      { ...receipt, commitment: h(0xab).toUpperCase().replace('0X', '0x') },
      { ...receipt, commitment: h(1).slice(0, 64) },
      { ...receipt, root: 'not hex' },
      { ...receipt, leafIndex: 5 },
      { ...receipt, leafIndex: -1 },
      { ...receipt, leafIndex: 1.5 },
      { ...receipt, treeSize: 0 },
      { ...receipt, treeSize: 2 ** 60 },
      { ...receipt, proof: 'x' },
      { ...receipt, proof: [h(1), 'x'] },
      { ...receipt, proof: Array.from({ length: 65 }, () => h(1)) },
      { ...receipt, ledger: null },
      { ...receipt, ledger: { ...receipt.ledger, extra: 1 } },
      { ...receipt, ledger: { ...receipt.ledger, ledger: '' } },
      { ...receipt, ledger: { ...receipt.ledger, tx: 7 } },
      { ...receipt, ledger: { ...receipt.ledger, block: -1 } },
      { ...receipt, ledger: { ...receipt.ledger, timestamp: '1' } },
      new (class {
        v = 1
      })(),
    ]
    for (const b of bad) expectMalformed(() => parseReceipt(b))
    expectMalformed(() => decodeReceipt('{"v":1'))
    expectMalformed(() => decodeReceipt(`{"v":1,"pad":"${'x'.repeat(20_000)}"}`))
    expectMalformed(() => decodeReceipt(42 as unknown as string))
    expectMalformed(() => encodeReceipt({ ...receipt, leafIndex: 9 }))
  })

  it('review receipts: duplicate members are RECEIPT_MALFORMED (docs/spec/receipt.md §2)', () => {
    const text = encodeReceipt(receipt)
    // A second `commitment` that JSON.parse would silently keep (the last one wins): two readers, two receipts.
    const dupTop = text.replace('{"commitment":', `{"commitment":"${h(9)}","commitment":`)
    expect(JSON.parse(dupTop).commitment).toBe(receipt.commitment)
    expectMalformed(() => decodeReceipt(dupTop))
    // the same name written two ways is the same name
    expectMalformed(() => decodeReceipt(text.replace('"v":2', '"v":2,"\\u0076":2')))
    // a duplicate inside the ledger reference, with whitespace around it
    expectMalformed(() => decodeReceipt(text.replace('"tx":"memory:7"', '"tx" : "memory:6" , "tx":"memory:7"')))
    // equal names in different objects, and strings that merely look like names, are fine
    const nested = JSON.stringify({ ...receipt, ledger: { ...receipt.ledger, ledger: 'tx' } })
    expect(decodeReceipt(nested).ledger.ledger).toBe('tx')
    expect(decodeReceipt(` ${text} `)).toEqual(receipt)
  })

  it('rejects a newer version with UNSUPPORTED_VERSION', () => {
    expect(() => parseReceipt({ ...receipt, v: 3 })).toThrow(
      expect.objectContaining({ name: 'VerificationError', code: 'UNSUPPORTED_VERSION' }),
    )
  })
})

describe('receipt versions (docs/spec/receipt.md §2)', () => {
  it('reads version 1 (no kind) as version 1, and encodes it unchanged', () => {
    const { kind: _kind, ...body } = receipt as ReceiptV2
    const v1: ReceiptV1 = { ...body, v: 1 }
    const parsed = parseReceipt(v1)
    expect(parsed).toEqual(v1)
    expect('kind' in parsed).toBe(false)
    expect(decodeReceipt(encodeReceipt(v1))).toEqual(v1)
    expect(encodeReceipt(v1)).not.toContain('kind')
    expectMalformed(() => parseReceipt({ ...v1, kind: 'records' }))
  })

  it('reads every kind of version 2', () => {
    for (const kind of ['records', 'export', 'events'] as const) {
      expect(decodeReceipt(encodeReceipt({ ...(receipt as ReceiptV2), kind }))).toMatchObject({ v: 2, kind })
    }
  })
})

describe('docs/spec/receipt.md worked example', () => {
  it('matches the tree, the proof and the encoding', async () => {
    const { buildMerkleBatch } = await import('../merkle/tree.js')
    const { leafHash } = await import('../merkle/hash.js')
    const { bytesToHex0x } = await import('../bytes/index.js')
    const cs = [0x11, 0x22, 0x33].map((b) => new Uint8Array(32).fill(b))
    const batch = buildMerkleBatch(cs.map(leafHash))
    expect(bytesToHex0x(batch.root)).toBe('0x9bee4401962e94b921336a7910a5a9718836ffcbc545dde0a3f34d858beb5752')
    expect(batch.proofs[2]?.map(bytesToHex0x)).toEqual([
      '0xcc15b132263fd4fd2748c0e7cb9e1c4ad0afe70fcf9382ee644c4da8af0286a5',
    ])
    const example: Receipt = {
      v: 2,
      kind: 'records',
      commitment: bytesToHex0x(cs[2] as Uint8Array),
      leafIndex: 2,
      treeSize: 3,
      root: bytesToHex0x(batch.root),
      proof: (batch.proofs[2] as Uint8Array[]).map(bytesToHex0x),
      ledger: { ledger: 'memory:demo', tx: 'memory:1', block: 1, timestamp: 1_700_000_000 },
    }
    const text =
      '{"commitment":"0x3333333333333333333333333333333333333333333333333333333333333333","kind":"records","leafIndex":2,"ledger":{"block":1,"ledger":"memory:demo","timestamp":1700000000,"tx":"memory:1"},"proof":["0xcc15b132263fd4fd2748c0e7cb9e1c4ad0afe70fcf9382ee644c4da8af0286a5"],"root":"0x9bee4401962e94b921336a7910a5a9718836ffcbc545dde0a3f34d858beb5752","treeSize":3,"v":2}'
    expect(encodeReceipt(example)).toBe(text)
    // the receipt printed in the spec is this one
    const blocks = [...spec.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1] as string)
    const printed = blocks.map((b) => decodeReceipt(b)).sort((a, b) => b.v - a.v)
    expect(printed).toHaveLength(2)
    expect(printed[0]).toEqual(example)
    // the version-1 form printed in §2.1 is the same receipt without its kind
    const { kind: _kind, ...body } = example
    expect(printed[1]).toEqual({ ...body, v: 1 })
    // and it is what the anchorer writes for the third record on that ledger, and verifies there
    const { createMemoryLedger } = await import('@medseal/adapter-memory')
    const { createAnchorer } = await import('./createAnchorer.js')
    const { verifyReceipt } = await import('./verifyReceipt.js')
    const ledger = createMemoryLedger({ id: 'demo', now: () => 1_700_000_000 }) as unknown as LedgerAdapter
    const anchorer = createAnchorer(ledger, { maxBatchSize: 3 })
    const receipts = await Promise.all(cs.map((c) => anchorer.add(c)))
    expect(encodeReceipt(receipts[2] as Receipt)).toBe(text)
    await verifyReceipt(ledger, { receipt: printed[0] as Receipt, commitment: cs[2] as Uint8Array })
    await verifyReceipt(ledger, { receipt: printed[1] as Receipt, commitment: cs[2] as Uint8Array })
    await anchorer.close()
  })
})
