/**
 * Anchoring throughput end to end through the real memory ledger: seal a FHIR resource (JCS, AES-256-GCM, one HPKE
 * wrap, commitment) + batch + one ledger write per batch + a receipt per record; and the anchoring step alone on
 * precomputed commitments.
 */

import { defineBench } from '../../../../scripts/bench/harness.js'
import { randomBytes } from '../bytes/index.js'
import { seal } from '../envelope/seal.js'
import { createParty } from '../identity/createParty.js'
import type { LedgerAdapter } from '../ledger/types.js'
import { createAnchorer } from './createAnchorer.js'
import { verifyReceipt } from './verifyReceipt.js'

const observation = (i: number) => ({
  resourceType: 'Observation',
  id: `obs-${i}`,
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
  subject: { reference: 'Patient/example' },
  effectiveDateTime: '2024-05-01T10:00:00Z',
  valueQuantity: { value: 60 + (i % 40), unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' },
})

/** The memory adapter's sources, loaded at run time (core cannot depend on the adapter, which depends on core). */
const memoryAdapterPath = '../../../adapters/memory/src/index.js'

defineBench('anchor', async (ctx) => {
  const { createMemoryLedger } = (await import(memoryAdapterPath)) as {
    createMemoryLedger(params: { id: string; now: () => number }): LedgerAdapter
  }
  const patient = createParty({ seed: new Uint8Array(32).fill(3) })

  for (const [records, batch] of [
    [2_000, 1_000],
    [2_000, 100],
  ] as const) {
    const ledger = createMemoryLedger({ id: `bench-${batch}`, now: () => 1_700_000_000 })
    const anchorer = createAnchorer(ledger, { maxBatchSize: batch, maxDelayMs: 3_600_000 })
    const t = performance.now()
    const pending: Promise<unknown>[] = []
    for (let i = 0; i < records; i++) {
      const { commitment } = await seal(observation(i), { recipients: [patient] })
      pending.push(anchorer.add(commitment))
    }
    await anchorer.close()
    await Promise.all(pending)
    const ms = performance.now() - t
    ctx.record({
      name: `seal + anchor + receipt, ${records.toLocaleString('en-US')} records, batches of ${batch}`,
      value: records / (ms / 1000),
      unit: 'records/s',
    })
  }

  for (const [records, batch] of [
    [100_000, 10_000],
    [100_000, 1_000],
  ] as const) {
    const ledger = createMemoryLedger({ id: `bench-only-${batch}`, now: () => 1_700_000_000 })
    const commitments = Array.from({ length: records }, () => randomBytes(32))
    const anchorer = createAnchorer(ledger, { maxBatchSize: batch, maxDelayMs: 3_600_000 })
    const t = performance.now()
    const receipts = await Promise.all(commitments.map((c) => anchorer.add(c)))
    await anchorer.close()
    const ms = performance.now() - t
    ctx.record({
      name: `anchor + receipt only (commitments given), ${records.toLocaleString('en-US')}, batches of ${batch}`,
      value: records / (ms / 1000),
      unit: 'records/s',
    })
    if (batch === 10_000) {
      let i = 0
      await ctx.micros('verifyReceipt (memory ledger, batch of 10,000)', () => {
        i = (i + 7919) % records
        return verifyReceipt(ledger, { receipt: receipts[i]!, commitment: commitments[i]! })
      })
    }
  }
})
