/**
 * The same receipts on an EVM ledger: anchoring through the real MedsealRegistry contract on a real anvil node, and
 * verification against what the chain reports. Node only (spawns anvil on 127.0.0.1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAccessLog } from '../accessLog/createAccessLog.js'
import { verifyLogAgainstLedger } from '../accessLog/verify.js'
import { bytesToHex0x, randomBytes } from '../bytes/index.js'
import { createParty } from '../identity/createParty.js'
import type { LedgerAdapter } from '../ledger/types.js'
import { leafHash } from '../merkle/hash.js'
import { buildMerkleBatch } from '../merkle/tree.js'
import { createAnchorer } from './createAnchorer.js'
import { decodeReceipt, encodeReceipt } from './receipt.js'
import { verifyReceipt } from './verifyReceipt.js'

type Bed = {
  deploy(): Promise<`0x${string}`>
  stop(): Promise<void>
  publicClient: unknown
  wallet(i: number): unknown
}
type EvmModule = { createEvmLedger(params: Record<string, unknown>): Promise<LedgerAdapter> }

// The adapter's sources, loaded at run time (core cannot depend on the EVM adapter, which depends on core).
const setupPath = '../../../adapters/evm/src/_testSetup.js'
const evmPath = '../../../adapters/evm/src/createEvmLedger.js'

let bed: Bed
let evm: EvmModule
beforeAll(async () => {
  const setup = (await import(/* @vite-ignore */ setupPath)) as { startChainbed(): Promise<Bed> }
  evm = (await import(/* @vite-ignore */ evmPath)) as EvmModule
  bed = await setup.startChainbed()
})
afterAll(async () => {
  await bed?.stop()
})

describe('anchoring on an EVM ledger (MedsealRegistry on anvil)', () => {
  it('writes one root per batch and its receipts verify against the chain; a receipt of another registry does not', async () => {
    const ledger = await evm.createEvmLedger({
      publicClient: bed.publicClient,
      walletClient: bed.wallet(0),
      address: await bed.deploy(),
    })
    const anchorer = createAnchorer(ledger, { maxBatchSize: 4, maxDelayMs: 3_600_000 })
    const commitments = Array.from({ length: 6 }, () => randomBytes(32))
    const pending = commitments.map((c) => anchorer.add(c))
    await anchorer.close()
    const receipts = await Promise.all(pending)
    expect(receipts.map((r) => r.treeSize)).toEqual([4, 4, 4, 4, 2, 2])
    expect(receipts[0]?.ledger.ledger).toBe(ledger.ledgerId)
    expect(receipts[0]?.ledger.tx).toMatch(/^0x[0-9a-f]{64}$/)
    for (const [i, receipt] of receipts.entries()) {
      const out = await verifyReceipt(ledger, {
        receipt: decodeReceipt(encodeReceipt(receipt)),
        commitment: commitments[i]!,
      })
      expect(out.anchoredAt).toEqual(receipt.ledger)
    }
    const other = await evm.createEvmLedger({
      publicClient: bed.publicClient,
      walletClient: bed.wallet(0),
      address: await bed.deploy(),
    })
    await expect(verifyReceipt(other, { receipt: receipts[0]!, commitment: commitments[0]! })).rejects.toMatchObject({
      name: 'VerificationError',
      code: 'LEDGER_MISMATCH',
    })
  })

  it('review #8: a stranger anchoring the batch root first with other metadata (another wallet) does not block it', async () => {
    const address = await bed.deploy()
    const ledger = await evm.createEvmLedger({ publicClient: bed.publicClient, walletClient: bed.wallet(0), address })
    const stranger = await evm.createEvmLedger({ publicClient: bed.publicClient, walletClient: bed.wallet(1), address })
    const commitments = Array.from({ length: 3 }, () => randomBytes(32))
    const root = buildMerkleBatch(commitments.map(leafHash)).root
    // the root seen in the mempool, written first under other sizes and kinds
    await stranger.anchorRoot({ root, treeSize: 4, kind: 'records' })
    await stranger.anchorRoot({ root, treeSize: 3, kind: 'export' })
    const anchorer = createAnchorer(ledger, { maxBatchSize: 3, maxDelayMs: 3_600_000 })
    const receipts = await Promise.all(commitments.map((c) => anchorer.add(c)))
    await anchorer.close()
    for (const [i, receipt] of receipts.entries()) {
      expect(receipt).toMatchObject({ root: bytesToHex0x(root), treeSize: 3 })
      await verifyReceipt(ledger, { receipt, commitment: commitments[i]! })
    }
    // the stranger's anchors are other anchors: a receipt that claims the stranger's size (leaf 0 has the same path
    // in trees of 3 and 4) finds the stranger's anchor, written by another transaction, and does not verify
    await expect(
      verifyReceipt(ledger, { receipt: { ...receipts[0]!, treeSize: 4 }, commitment: commitments[0]! }),
    ).rejects.toMatchObject({ code: 'ANCHOR_MISMATCH' })
  })

  it('access-log heads anchor on chain and verify against it', async () => {
    const ledger = await evm.createEvmLedger({
      publicClient: bed.publicClient,
      walletClient: bed.wallet(0),
      address: await bed.deploy(),
    })
    const operator = createParty({ seed: new Uint8Array(32).fill(9) })
    const log = await createAccessLog({ operator, ledger, name: 'evm/access' })
    const event = (i: number) => ({
      actor: operator.address,
      action: 'read',
      commitment: bytesToHex0x(randomBytes(32)),
      at: 1_700_000_000 + i,
      purpose: 'TREAT',
      outcome: 'permit' as const,
    })
    for (let i = 0; i < 5; i++) await log.append(event(i))
    const record = await log.publishHead()
    expect(record.ref.ledger).toBe(ledger.ledgerId)
    const { anchored, exact } = await verifyLogAgainstLedger(ledger, { head: await log.signedHead() })
    expect(exact).toBe(true)
    expect(anchored.head.root).toBe(record.head.root)
    for (let i = 5; i < 9; i++) await log.append(event(i))
    const later = await verifyLogAgainstLedger(ledger, {
      head: await log.signedHead(),
      proof: await log.proveConsistency(5, 9),
    })
    expect(later.exact).toBe(false)
  })
})
