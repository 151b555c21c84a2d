/**
 * What must hold after a worker was killed: run by the parent between rounds, on the stores and ledger the worker
 * left behind (nothing a caller was told succeeded may be missing).
 * @module
 */
import {
  consentKey,
  createAccessLog,
  createAnchorer,
  type Hex,
  type LedgerAdapter,
  type Receipt,
  verifyHeadConsistency,
  verifyLogAgainstLedger,
  verifyReceipt,
} from '@medseal/core'
import { expect } from 'vitest'
import type { Ack } from './_processes.js'
import { FAULT_LOG_NAME, type FaultSetup, faultParties } from './_shared.js'
import type { FaultStores } from './_stores.js'

const lower = (h: unknown) => String(h).toLowerCase()

/**
 * The access log opens (every stored entry and node checked), verifies against the newest head on the ledger, and is
 * consistent with every head a worker published before it was killed; every appended event a worker saw is there.
 *
 * @returns the open log (for further checks) and its permitted reads
 */
export async function checkLog(ledger: LedgerAdapter, stores: FaultStores, acks: readonly Ack[]) {
  const { vendor, doctor } = faultParties()
  const log = await createAccessLog({ operator: vendor, ledger, name: FAULT_LOG_NAME, store: stores.accessLog })
  const size = log.size
  const heads = acks.filter((a) => a.op === 'head')
  if (size > 0) {
    const current = await log.signedHead()
    const latest = await ledger.getTreeHead(log.logId)
    if (latest !== undefined) {
      // the log as reopened is consistent with the newest head on the ledger (whoever published it)
      const proof = latest.head.treeSize < size ? await log.proveConsistency(latest.head.treeSize, size) : undefined
      await verifyLogAgainstLedger(ledger, { head: current, operator: vendor.address, ...(proof ? { proof } : {}) })
    }
    for (const h of heads) {
      const treeSize = h.treeSize as number
      expect(treeSize).toBeLessThanOrEqual(size)
      const anchored = await ledger.getTreeHead(log.logId, treeSize)
      expect(anchored, `head ${treeSize} published before the kill is on the ledger`).toBeDefined()
      expect(lower(anchored?.head.root)).toBe(lower(h.root))
      if (treeSize < size) {
        verifyHeadConsistency({
          oldHead: { head: (anchored as NonNullable<typeof anchored>).head, signature: anchored?.signature as Hex },
          newHead: current,
          proof: await log.proveConsistency(treeSize, size),
          domain: ledger.domain,
          operator: vendor.address,
        })
      } else expect(lower(current.head.root)).toBe(lower(h.root))
    }
  } else expect(heads).toHaveLength(0)
  // appends a worker saw: each one is there, at its index, with its content
  for (const a of acks.filter((x) => x.op === 'append')) {
    const event = await log.getEvent(a.index as number)
    expect(lower(event.commitment)).toBe(lower(a.commitment))
  }
  const permits: number[] = []
  for (let i = 0; i < size; i++) {
    const e = await log.getEvent(i)
    if (e.outcome === 'permit' && lower(e.actor) === lower(doctor.address)) permits.push(i)
  }
  return { log, size, permits }
}

/**
 * Every key release a client saw has its log entry, and release rows and permit entries match one to one (they commit
 * in one transaction: a kill leaves both or neither).
 */
export async function checkReleases(
  ledger: LedgerAdapter,
  stores: FaultStores,
  acks: readonly Ack[],
  setup: FaultSetup | undefined,
): Promise<number> {
  const { patient } = faultParties()
  const { permits } = await checkLog(ledger, stores, acks)
  const seen = acks.filter((a) => a.op === 'release').length
  expect(permits.length, 'log entries of releases').toBeGreaterThanOrEqual(seen)
  if (setup === undefined) {
    expect(seen).toBe(0)
    return 0
  }
  const releases = await stores.custodian.listReleases(consentKey(patient.address, setup.consentId as Hex))
  expect(releases.length, 'release rows = permit entries').toBe(permits.length)
  return permits.length
}

/**
 * Every commitment whose `add()` resolved has its receipt in the store, and it verifies against the ledger; what was
 * still pending is anchored by the next anchorer on the store (here: one opened by the parent and flushed).
 *
 * @returns how many acked commitments were checked
 */
export async function checkAnchors(ledger: LedgerAdapter, stores: FaultStores, acks: readonly Ack[]): Promise<number> {
  const anchored = acks.filter((a) => a.op === 'anchored')
  for (const a of anchored) {
    const receipt = await stores.anchorer.getReceipt(a.commitment as Hex)
    expect(receipt, 'a receipt a caller saw is in the store').toBeDefined()
    expect(lower(receipt?.root)).toBe(lower(a.root))
    await verifyReceipt(ledger, { receipt: receipt as Receipt, commitment: a.commitment as Hex })
  }
  // the pending ones are anchored on restart
  const pending = await stores.anchorer.listPending()
  const anchorer = createAnchorer(ledger, { store: stores.anchorer, maxBatchSize: 64, maxDelayMs: 0 })
  await anchorer.flush()
  await anchorer.close()
  expect(await stores.anchorer.countPending()).toBe(0)
  for (const c of pending) {
    const receipt = await stores.anchorer.getReceipt(c)
    expect(receipt, 'a commitment pending at the kill is anchored on restart').toBeDefined()
    await verifyReceipt(ledger, { receipt: receipt as Receipt, commitment: c })
  }
  return anchored.length
}

/**
 * A resumed sync sealed nothing twice and lost no receipt: every resource version a worker reported done has one
 * commitment across all runs, its checkpoint holds a receipt that verifies, and the server holds one Provenance per
 * resource version.
 */
export async function checkSync(
  ledger: LedgerAdapter,
  stores: FaultStores,
  acks: readonly Ack[],
): Promise<{ readonly keys: number }> {
  const byKey = new Map<string, Set<string>>()
  for (const a of acks.filter((x) => x.op === 'synced')) {
    const set = byKey.get(a.key as string) ?? new Set<string>()
    set.add(lower(a.commitment))
    byKey.set(a.key as string, set)
  }
  for (const [key, commitments] of byKey) {
    expect(commitments.size, `${key} was sealed once`).toBe(1)
    const cp = await stores.syncCheckpoints.get(key)
    expect(cp?.receipt, `${key} keeps its receipt`).toBeDefined()
    expect(lower(cp?.commitment)).toBe([...commitments][0])
    await verifyReceipt(ledger, { receipt: cp?.receipt as Receipt, commitment: cp?.commitment as Hex })
  }
  return { keys: byKey.size }
}
