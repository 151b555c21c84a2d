// Resolved to the adapter's sources by the vitest alias and the root tsconfig paths (core cannot depend on the
// adapter, which depends on core).
import { createMemoryLedger as createMemoryLedgerUntyped } from '@medseal/adapter-memory'
import { describe, expect, it } from 'vitest'
import { bytesToHex0x, hexToBytes, randomBytes } from '../bytes/index.js'
import { encodeEnvelope } from '../envelope/encodeEnvelope.js'
import { openCanonical } from '../envelope/open.js'
import { seal } from '../envelope/seal.js'
import { InvalidArgumentError, LedgerError, VerificationError } from '../errors/base.js'
import { createParty } from '../identity/createParty.js'
import type { LedgerAdapter } from '../ledger/types.js'
import { leafHash } from '../merkle/hash.js'
import { buildMerkleBatch } from '../merkle/tree.js'
import { type AnchorStore, createMemoryAnchorStore } from './anchorStore.js'
import { createAnchorer } from './createAnchorer.js'
import { decodeReceipt, encodeReceipt, type Receipt, type ReceiptV1, type ReceiptV2 } from './receipt.js'
import { verifyReceipt } from './verifyReceipt.js'
import { verifyRecord } from './verifyRecord.js'

const T0 = 1_700_000_000
const createMemoryLedger = createMemoryLedgerUntyped as (params: {
  id?: string
  now?: () => number
  store?: { read: () => string | undefined; write: (snapshot: string) => void }
}) => LedgerAdapter
const newLedger = (id = 'anchor-test') => createMemoryLedger({ id, now: () => T0 })
const commitments = (n: number) => Array.from({ length: n }, () => randomBytes(32))

/** A persistence store for the memory ledger that fails its next `failures` writes (the ledger is real). */
function flakyStore(failures: number) {
  let snapshot: string | undefined
  const state = { failures, writes: 0 }
  return {
    state,
    store: {
      read: () => snapshot,
      write: (text: string) => {
        state.writes++
        if (state.failures > 0) {
          state.failures--
          throw new Error('disk full')
        }
        snapshot = text
      },
    },
  }
}

async function expectCode(p: Promise<unknown>, cls: new (...a: never[]) => Error, code: string) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(cls)
  expect((err as { code: string }).code).toBe(code)
}

describe('createAnchorer', () => {
  it('writes one root per full batch and gives every record a receipt that verifies', async () => {
    const ledger = newLedger()
    const anchorer = createAnchorer(ledger, { maxBatchSize: 5, maxDelayMs: 60_000 })
    const cs = commitments(10)
    const receipts = await Promise.all(cs.map((c) => anchorer.add(c)))
    expect(new Set(receipts.map((r) => r.root)).size).toBe(2)
    receipts.forEach((r, i) => {
      expect(r.v).toBe(2)
      expect(r.v === 2 && r.kind).toBe('records')
      expect(r.leafIndex).toBe(i % 5)
      expect(r.treeSize).toBe(5)
      expect(r.commitment).toBe(bytesToHex0x(cs[i] as Uint8Array))
    })
    for (const [i, receipt] of receipts.entries()) {
      const out = await verifyReceipt(ledger, { receipt, commitment: cs[i] as Uint8Array })
      const anchor = await ledger.getAnchor({ root: hexToBytes(receipt.root), treeSize: 5, kind: 'records' })
      expect(out.anchoredAt).toEqual(anchor?.ref)
      expect(out.anchoredAt.timestamp).toBe(T0)
      // The encoded form verifies the same way.
      await verifyReceipt(ledger, { receipt: encodeReceipt(receipt), commitment: bytesToHex0x(cs[i] as Uint8Array) })
    }
    expect(anchorer.pending).toBe(0)
    await anchorer.close()
  })

  it('flushes a partial batch after maxDelayMs, and on flush()', async () => {
    const ledger = newLedger()
    const timed = createAnchorer(ledger, { maxBatchSize: 1000, maxDelayMs: 5 })
    const [a, b] = await Promise.all(commitments(2).map((c) => timed.add(c)))
    expect(a?.root).toBe(b?.root)
    expect(a?.treeSize).toBe(2)

    const manual = createAnchorer(ledger, { maxBatchSize: 1000, maxDelayMs: 3_600_000 })
    const p = Promise.all(commitments(3).map((c) => manual.add(c)))
    expect(manual.pending).toBe(3)
    await manual.flush()
    expect(manual.pending).toBe(0)
    expect((await p).map((r) => r.treeSize)).toEqual([3, 3, 3])
    await manual.flush() // nothing open: a no-op
    await timed.close()
    await manual.close()
  })

  it('close() anchors what is open and refuses later records', async () => {
    const anchorer = createAnchorer(newLedger(), { maxDelayMs: 3_600_000 })
    const p = anchorer.add(commitments(1)[0] as Uint8Array)
    await anchorer.close()
    expect((await p).treeSize).toBe(1)
    await expectCode(anchorer.add(commitments(1)[0] as Uint8Array), InvalidArgumentError, 'INVALID_ARGUMENT')
    await anchorer.close()
  })

  it('retries a failed write with backoff and then succeeds', async () => {
    const { store, state } = flakyStore(2)
    const ledger = createMemoryLedger({ id: 'flaky', now: () => T0, store })
    const anchorer = createAnchorer(ledger, { retries: 3, retryDelayMs: 1, maxDelayMs: 3_600_000 })
    const cs = commitments(4)
    const all = Promise.all(cs.map((c) => anchorer.add(c)))
    await anchorer.flush()
    const receipts = await all
    expect(state.writes).toBe(3)
    for (const [i, receipt] of receipts.entries()) await verifyReceipt(ledger, { receipt, commitment: cs[i]! })
  })

  it('rejects every record of a batch that keeps failing, writes nothing, and lets it be resubmitted', async () => {
    const { store, state } = flakyStore(100)
    const ledger = createMemoryLedger({ id: 'down', now: () => T0, store })
    const failures: { code: string; commitments: readonly string[]; attempts: number }[] = []
    const anchorer = createAnchorer(ledger, {
      retries: 2,
      retryDelayMs: 0,
      maxDelayMs: 3_600_000,
      onError: (e, batch) => failures.push({ code: e.code, commitments: batch.commitments, attempts: batch.attempts }),
    })
    const cs = commitments(3)
    const results = Promise.allSettled(cs.map((c) => anchorer.add(c)))
    await anchorer.flush()
    const settled = await results
    for (const s of settled) {
      expect(s.status).toBe('rejected')
      const reason = (s as PromiseRejectedResult).reason
      expect(reason).toBeInstanceOf(LedgerError)
      expect(reason.code).toBe('LEDGER_WRITE_FAILED')
    }
    expect(failures).toEqual([{ code: 'LEDGER_WRITE_FAILED', commitments: cs.map(bytesToHex0x), attempts: 3 }])
    const { root } = buildMerkleBatch(cs.map(leafHash))
    expect(await ledger.getAnchor({ root, treeSize: 3, kind: 'records' })).toBeUndefined()
    expect(anchorer.pending).toBe(0)

    // The ledger recovers: the same commitments, resubmitted, anchor with the same root.
    state.failures = 0
    const again = Promise.all(cs.map((c) => anchorer.add(c)))
    await anchorer.flush()
    const receipts = await again
    expect(receipts[0]?.root).toBe(bytesToHex0x(root))
    await verifyReceipt(ledger, { receipt: receipts[1]!, commitment: cs[1]! })
  })

  it('the same root anchored first with other metadata does not block the batch (anchors keyed by root, size, kind)', async () => {
    const ledger = newLedger()
    const c = commitments(1)[0] as Uint8Array
    // Someone anchors the batch's single-leaf root first with another kind and size (a front-run).
    await ledger.anchorRoot({ root: leafHash(c), treeSize: 1, kind: 'export' })
    await ledger.anchorRoot({ root: leafHash(c), treeSize: 2, kind: 'records' })
    const anchorer = createAnchorer(ledger, { maxDelayMs: 3_600_000 })
    const p = anchorer.add(c)
    await anchorer.flush()
    const receipt = await p
    expect(receipt).toMatchObject({ root: bytesToHex0x(leafHash(c)), treeSize: 1 })
    await verifyReceipt(ledger, { receipt, commitment: c })
  })

  it('review #8: a batch whose write conflicts once is re-batched with a salt leaf under another root', async () => {
    const real = newLedger()
    const writes: { root: string; treeSize: number }[] = []
    let conflicts = 1
    const conflicting: LedgerAdapter = Object.freeze({
      ...real,
      anchorRoot: async (input: Parameters<LedgerAdapter['anchorRoot']>[0]) => {
        writes.push({ root: bytesToHex0x(input.root), treeSize: input.treeSize })
        if (conflicts-- > 0) throw new LedgerError('LEDGER_CONFLICT', 'This root is already anchored.')
        return real.anchorRoot(input)
      },
    })
    const salt = new Uint8Array(32).fill(0x5a)
    const anchorer = createAnchorer(conflicting, {
      retries: 0,
      retryDelayMs: 60_000,
      maxDelayMs: 3_600_000,
      randomBytes: (n) => salt.slice(0, n),
    })
    const cs = commitments(3)
    const all = Promise.all(cs.map((c) => anchorer.add(c)))
    await anchorer.flush()
    const receipts = await all
    const plain = buildMerkleBatch(cs.map(leafHash)).root
    const salted = buildMerkleBatch([...cs, salt].map(leafHash)).root
    expect(writes).toEqual([
      { root: bytesToHex0x(plain), treeSize: 3 },
      { root: bytesToHex0x(salted), treeSize: 4 },
    ])
    for (const [i, r] of receipts.entries()) {
      expect(r).toMatchObject({ root: bytesToHex0x(salted), treeSize: 4, leafIndex: i })
      await verifyReceipt(real, { receipt: r, commitment: cs[i]! })
      await verifyReceipt(real, { receipt: encodeReceipt(r), commitment: cs[i]! })
    }
  })

  it("review #8: a ledger keyed by root alone that answers with the first writer's metadata gets a salted batch", async () => {
    const real = newLedger()
    const c = commitments(1)[0] as Uint8Array
    // The front-runner's anchor of this root (treeSize 2), which an old root-keyed ledger returns for any write of it.
    const front = await real.anchorRoot({ root: leafHash(c), treeSize: 2, kind: 'records' })
    const rootKeyed: LedgerAdapter = Object.freeze({
      ...real,
      anchorRoot: async (input: Parameters<LedgerAdapter['anchorRoot']>[0]) =>
        bytesToHex0x(input.root) === bytesToHex0x(front.root) ? front : real.anchorRoot(input),
    })
    const anchorer = createAnchorer(rootKeyed, { maxDelayMs: 3_600_000 })
    const p = anchorer.add(c)
    await anchorer.flush()
    const receipt = await p
    expect(receipt.treeSize).toBe(2)
    expect(receipt.root).not.toBe(bytesToHex0x(front.root))
    await verifyReceipt(real, { receipt, commitment: c })
  })

  it('gives up with LEDGER_CONFLICT when every re-batch conflicts', async () => {
    const real = newLedger()
    let writes = 0
    const always: LedgerAdapter = Object.freeze({
      ...real,
      anchorRoot: async () => {
        writes++
        throw new LedgerError('LEDGER_CONFLICT', 'This root is already anchored.')
      },
    })
    const failures: { code: string; attempts: number; treeSize: number }[] = []
    const anchorer = createAnchorer(always, {
      retries: 5,
      retryDelayMs: 60_000,
      maxDelayMs: 3_600_000,
      onError: (e, b) => failures.push({ code: e.code, attempts: b.attempts, treeSize: b.treeSize }),
    })
    const p = anchorer.add(commitments(1)[0] as Uint8Array)
    await anchorer.flush()
    await expectCode(p, LedgerError, 'LEDGER_CONFLICT')
    expect(writes).toBe(4)
    expect(failures).toEqual([{ code: 'LEDGER_CONFLICT', attempts: 4, treeSize: 2 }])
  })

  it('refuses receipts when the ledger answers with another record (a lying or broken adapter)', async () => {
    const real = newLedger()
    const lying: LedgerAdapter = Object.freeze({
      ...real,
      anchorRoot: async (input: Parameters<LedgerAdapter['anchorRoot']>[0]) => {
        const record = await real.anchorRoot(input)
        return { ...record, root: randomBytes(32) }
      },
    })
    const failures: string[] = []
    const anchorer = createAnchorer(lying, { maxDelayMs: 3_600_000, onError: (e) => failures.push(e.code) })
    const p = anchorer.add(commitments(1)[0] as Uint8Array)
    await anchorer.flush()
    await expectCode(p, LedgerError, 'LEDGER_WRITE_FAILED')
    expect(failures).toEqual(['LEDGER_WRITE_FAILED'])
  })

  it('validates its input', async () => {
    const ledger = newLedger()
    expect(() => createAnchorer({} as never)).toThrow(InvalidArgumentError)
    expect(() => createAnchorer(ledger, { maxBatchSize: 0 })).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }))
    expect(() => createAnchorer(ledger, { maxDelayMs: 1.5 })).toThrow(expect.objectContaining({ code: 'INVALID_TYPE' }))
    expect(() => createAnchorer(ledger, { retries: 21 })).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }))
    expect(() => createAnchorer(ledger, { kind: 'x' as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
    expect(() => createAnchorer(ledger, { onError: 1 as never })).toThrow(InvalidArgumentError)
    const anchorer = createAnchorer(ledger)
    await expectCode(anchorer.add(new Uint8Array(31)), InvalidArgumentError, 'INVALID_LENGTH')
    await expectCode(anchorer.add('0x1234' as never), InvalidArgumentError, 'INVALID_TYPE')
    await expectCode(anchorer.add(null as never), InvalidArgumentError, 'INVALID_TYPE')
    expect(anchorer.pending).toBe(0)
    await anchorer.close()
  })
})

describe('createAnchorer: bounded pending', () => {
  it('refuses adds beyond maxPending with ANCHOR_QUEUE_FULL, and accepts again once a batch settled', async () => {
    const anchorer = createAnchorer(newLedger(), { maxPending: 2, maxDelayMs: 3_600_000 })
    const [a, b, c] = commitments(3) as [Uint8Array, Uint8Array, Uint8Array]
    const pa = anchorer.add(a)
    const pb = anchorer.add(b)
    await expectCode(anchorer.add(c), LedgerError, 'ANCHOR_QUEUE_FULL')
    await anchorer.flush()
    await Promise.all([pa, pb])
    const pc = anchorer.add(c)
    await anchorer.close()
    expect((await pc).treeSize).toBe(1)
    expect(await anchorer.getReceipt(c)).toBeUndefined() // no store: nothing kept
    expect(await anchorer.ready).toBe(0)
    expect(() => createAnchorer(newLedger(), { maxPending: 0 })).toThrow(
      expect.objectContaining({ code: 'OUT_OF_RANGE' }),
    )
  })
})

describe('createAnchorer over a store', () => {
  it('an anchored batch whose receipts cannot be stored rejects with STORE_UNAVAILABLE and stays pending', async () => {
    const inner = createMemoryAnchorStore()
    const store: AnchorStore = {
      ...inner,
      completeBatch: async () => {
        throw new Error('disk full')
      },
    }
    const anchorer = createAnchorer(newLedger(), { store, maxDelayMs: 0 })
    const [c] = commitments(1) as [Uint8Array]
    const p = anchorer.add(c)
    await expect(p).rejects.toMatchObject({ name: 'StoreError', code: 'STORE_UNAVAILABLE' })
    await anchorer.close()
    // still pending: the next anchorer over the store anchors it
    expect(await inner.listPending()).toEqual([bytesToHex0x(c)])
    const next = createAnchorer(newLedger(), { store: inner, maxDelayMs: 0 })
    expect(await next.ready).toBe(1)
    await next.close()
    expect((await next.getReceipt(c))?.commitment).toBe(bytesToHex0x(c))
  })

  it('the same commitment added twice is one leaf and one stored receipt', async () => {
    const store = createMemoryAnchorStore()
    const anchorer = createAnchorer(newLedger(), { store, maxDelayMs: 3_600_000 })
    const [c] = commitments(1) as [Uint8Array]
    const both = Promise.all([anchorer.add(c), anchorer.add(bytesToHex0x(c))])
    await anchorer.close() // waits for the adds being accepted
    const [r1, r2] = await both
    expect(r1).toEqual(r2)
    expect(r1.treeSize).toBe(1)
    expect(() => createAnchorer(newLedger(), { store: {} as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_TYPE' }),
    )
  })
})

describe('verifyReceipt: every way a receipt can be bad', () => {
  async function setup() {
    const ledger = newLedger()
    const anchorer = createAnchorer(ledger, { maxBatchSize: 3, maxDelayMs: 3_600_000 })
    const cs = commitments(3)
    const receipts = await Promise.all(cs.map((c) => anchorer.add(c)))
    return { ledger, cs, receipts }
  }
  const edit = (r: Receipt, patch: Partial<Receipt>): Receipt => ({ ...r, ...patch }) as Receipt

  it('forged proof: PROOF_INVALID', async () => {
    const { ledger, cs, receipts } = await setup()
    const r = receipts[0] as Receipt
    const forged = edit(r, { proof: [bytesToHex0x(randomBytes(32)), ...r.proof.slice(1)] })
    await expectCode(verifyReceipt(ledger, { receipt: forged, commitment: cs[0]! }), VerificationError, 'PROOF_INVALID')
    const short = edit(r, { proof: r.proof.slice(1) })
    await expectCode(verifyReceipt(ledger, { receipt: short, commitment: cs[0]! }), VerificationError, 'PROOF_INVALID')
  })

  it('wrong index: PROOF_INVALID', async () => {
    const { ledger, cs, receipts } = await setup()
    const wrong = edit(receipts[0] as Receipt, { leafIndex: 1 })
    await expectCode(verifyReceipt(ledger, { receipt: wrong, commitment: cs[0]! }), VerificationError, 'PROOF_INVALID')
  })

  it('wrong size: PROOF_INVALID, or ANCHOR_NOT_FOUND when the proof has the same shape', async () => {
    const { ledger, cs, receipts } = await setup()
    const r0 = receipts[0] as Receipt
    const r2 = receipts[2] as Receipt
    // Leaf 2 of 3 has a one-node path; in a tree of 5 its path has three nodes.
    await expectCode(
      verifyReceipt(ledger, { receipt: edit(r2, { treeSize: 5 }), commitment: cs[2]! }),
      VerificationError,
      'PROOF_INVALID',
    )
    // Leaf 0 has the same path shape in trees of 3 and 4: RFC 9162 roots do not commit to the size, the ledger's
    // anchor key (root, treeSize, kind) does.
    await expectCode(
      verifyReceipt(ledger, { receipt: edit(r0, { treeSize: 4 }), commitment: cs[0]! }),
      VerificationError,
      'ANCHOR_NOT_FOUND',
    )
  })

  it('root not on the ledger: ANCHOR_NOT_FOUND', async () => {
    const { ledger, receipts } = await setup()
    const cs = commitments(2)
    const batch = buildMerkleBatch(cs.map(leafHash))
    const unanchored: Receipt = {
      ...(receipts[0] as Receipt),
      commitment: bytesToHex0x(cs[0]!),
      leafIndex: 0,
      treeSize: 2,
      root: bytesToHex0x(batch.root),
      proof: batch.proofs[0]!.map(bytesToHex0x),
    }
    await expectCode(
      verifyReceipt(ledger, { receipt: unanchored, commitment: cs[0]! }),
      VerificationError,
      'ANCHOR_NOT_FOUND',
    )
  })

  it('another ledger: LEDGER_MISMATCH; another reference on this ledger: ANCHOR_MISMATCH; another kind: mismatch or not found', async () => {
    const { ledger, cs, receipts } = await setup()
    const r = receipts[1] as Receipt
    await expectCode(
      verifyReceipt(newLedger('elsewhere'), { receipt: r, commitment: cs[1]! }),
      VerificationError,
      'LEDGER_MISMATCH',
    )
    const moved = edit(r, { ledger: { ...r.ledger, tx: 'memory:999', block: 999 } })
    await expectCode(
      verifyReceipt(ledger, { receipt: moved, commitment: cs[1]! }),
      VerificationError,
      'ANCHOR_MISMATCH',
    )
    const earlier = edit(r, { ledger: { ...r.ledger, timestamp: T0 - 3600 } })
    await expectCode(
      verifyReceipt(ledger, { receipt: earlier, commitment: cs[1]! }),
      VerificationError,
      'ANCHOR_MISMATCH',
    )
    // a version-2 receipt names its kind: expecting another one is a mismatch, before any ledger read
    await expectCode(
      verifyReceipt(ledger, { receipt: r, commitment: cs[1]!, kind: 'export' }),
      VerificationError,
      'ANCHOR_MISMATCH',
    )
    // a receipt that claims another kind than the anchor's finds no such anchor
    await expectCode(
      verifyReceipt(ledger, { receipt: edit(r, { kind: 'export' }), commitment: cs[1]! }),
      VerificationError,
      'ANCHOR_NOT_FOUND',
    )
    // a version-1 receipt (no kind) is looked up under the caller's kind
    const { kind: _kind, ...body } = r as ReceiptV2
    const v1: ReceiptV1 = { ...body, v: 1 }
    await expectCode(
      verifyReceipt(ledger, { receipt: v1, commitment: cs[1]!, kind: 'export' }),
      VerificationError,
      'ANCHOR_NOT_FOUND',
    )
  })

  it('receipt.md gap 2: receipts of export and events batches verify by their own kind; version 1 still verifies', async () => {
    for (const kind of ['export', 'events'] as const) {
      const ledger = newLedger()
      const anchorer = createAnchorer(ledger, { kind, maxBatchSize: 2, maxDelayMs: 3_600_000 })
      const cs = commitments(2)
      const receipts = await Promise.all(cs.map((c) => anchorer.add(c)))
      for (const [i, r] of receipts.entries()) {
        expect(r.v === 2 && r.kind).toBe(kind)
        // no `kind` needed: the receipt says it (also as JSON text)
        const ok = await verifyReceipt(ledger, { receipt: encodeReceipt(r), commitment: cs[i]! })
        expect(ok.leafIndex).toBe(i)
        await verifyReceipt(ledger, { receipt: r, commitment: cs[i]!, kind })
        // the same receipt as version 1 verifies only with the kind given by the caller
        const { kind: _k, ...body } = r as ReceiptV2
        const v1: ReceiptV1 = { ...body, v: 1 }
        await verifyReceipt(ledger, { receipt: v1, commitment: cs[i]!, kind })
        await expectCode(
          verifyReceipt(ledger, { receipt: v1, commitment: cs[i]! }),
          VerificationError,
          'ANCHOR_NOT_FOUND',
        )
      }
      await anchorer.close()
    }
  })

  it('changed record or tampered commitment: RECORD_MISMATCH (or PROOF_INVALID if both are swapped)', async () => {
    const { ledger, cs, receipts } = await setup()
    const r = receipts[0] as Receipt
    const changed = cs[0]!.slice()
    changed[0] = (changed[0] as number) ^ 1
    await expectCode(verifyReceipt(ledger, { receipt: r, commitment: changed }), VerificationError, 'RECORD_MISMATCH')
    const tampered = edit(r, { commitment: bytesToHex0x(changed) })
    await expectCode(
      verifyReceipt(ledger, { receipt: tampered, commitment: cs[0]! }),
      VerificationError,
      'RECORD_MISMATCH',
    )
    await expectCode(
      verifyReceipt(ledger, { receipt: tampered, commitment: changed }),
      VerificationError,
      'PROOF_INVALID',
    )
  })

  it('malformed: RECEIPT_MALFORMED; bad commitment argument: INVALID_TYPE', async () => {
    const { ledger, cs, receipts } = await setup()
    const text = encodeReceipt(receipts[0] as Receipt)
    await expectCode(
      verifyReceipt(ledger, { receipt: text.slice(0, -1), commitment: cs[0]! }),
      VerificationError,
      'RECEIPT_MALFORMED',
    )
    await expectCode(
      verifyReceipt(ledger, { receipt: { ...decodeReceipt(text), proof: ['0x00'] }, commitment: cs[0]! }),
      VerificationError,
      'RECEIPT_MALFORMED',
    )
    await expectCode(
      verifyReceipt(ledger, { receipt: text, commitment: new Uint8Array(31) }),
      InvalidArgumentError,
      'INVALID_TYPE',
    )
    await expectCode(
      verifyReceipt({} as never, { receipt: text, commitment: cs[0]! }),
      InvalidArgumentError,
      'INVALID_TYPE',
    )
  })
})

describe('verifyRecord', () => {
  it('verifies a sealed record end to end, and detects a changed or swapped record', async () => {
    const ledger = newLedger('records')
    const patient = createParty()
    const anchorer = createAnchorer(ledger, { maxDelayMs: 3_600_000 })
    const sealedA = await seal(
      { resourceType: 'Observation', id: 'a', status: 'final' },
      { recipients: [patient], version: 3 },
    )
    const sealedB = await seal({ resourceType: 'Observation', id: 'b', status: 'final' }, { recipients: [patient] })
    const pa = anchorer.add(sealedA.commitment)
    const pb = anchorer.add(sealedB.commitment)
    await anchorer.close()
    const [ra, rb] = await Promise.all([pa, pb])
    const out = await verifyRecord(ledger, { receipt: ra, envelope: sealedA.envelope, party: patient })
    expect(out.anchoredAt.ledger).toBe(ledger.ledgerId)
    await verifyRecord(ledger, {
      receipt: encodeReceipt(rb),
      envelope: encodeEnvelope(sealedB.envelope),
      party: patient,
    })

    // Another record presented with this receipt.
    await expectCode(
      verifyRecord(ledger, { receipt: ra, envelope: sealedB.envelope, party: patient }),
      VerificationError,
      'RECORD_MISMATCH',
    )
    // The opened record, changed by one byte.
    const opened = await openCanonical(sealedA.envelope, patient)
    expect(opened.version).toBe(3)
    await verifyRecord(ledger, { receipt: ra, canonicalBytes: opened.canonical, salt: opened.salt, version: 3 })
    // the version names the formula: the same salt and bytes under version 1's formula are another commitment
    await expectCode(
      verifyRecord(ledger, { receipt: ra, canonicalBytes: opened.canonical, salt: opened.salt }),
      VerificationError,
      'RECORD_MISMATCH',
    )
    const changed = opened.canonical.slice()
    changed[changed.length - 2] = 0x20
    await expectCode(
      verifyRecord(ledger, { receipt: ra, canonicalBytes: changed, salt: opened.salt, version: 3 }),
      VerificationError,
      'RECORD_MISMATCH',
    )
    await expectCode(verifyRecord(ledger, { receipt: ra } as never), InvalidArgumentError, 'INVALID_ARGUMENT')
    await expectCode(verifyRecord(ledger, null as never), InvalidArgumentError, 'INVALID_TYPE')
  })
})
