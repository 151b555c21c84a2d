import { startAnvil } from '@medseal/adapter-evm/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ClinicalTrialSummary, run } from './clinicalTrial.js'

function assertFacts(summary: ClinicalTrialSummary, lines: string[]) {
  expect(summary.study).toBe('NCT09990001')
  expect(summary.batches).toBe(4)
  expect(summary.recordsVerified).toBe(19)
  expect(summary.byType).toEqual({ ResearchStudy: 1, ResearchSubject: 6, Observation: 12 })
  // (138-152 + 141-158 + 143-161) / 3 and (146-149 + 148-147 + 151-150) / 3
  expect(summary.meanChange).toEqual({ amlodipine: -16.3, placebo: -0.3 })
  expect(summary.tampering).toEqual({
    changedValue: 'RECORD_MISMATCH',
    addedAfterLock: 'NOT_IN_DATASET',
    backDated: 'ANCHORED_LATE',
    withheld: 'INCOMPLETE',
  })
  expect(lines.filter((l) => l.startsWith('✓ '))).toHaveLength(5)
}

describe('recipe: clinical-trial integrity', () => {
  it('verifies the published dataset and catches tampering on the memory ledger', async () => {
    const lines: string[] = []
    const summary = await run({}, (l) => lines.push(l))
    expect(summary.ledger).toBe('memory')
    expect(lines[0]).toBe('clinical-trial integrity on memory')
    assertFacts(summary, lines)
  })

  describe('on anvil', () => {
    let anvil: Awaited<ReturnType<typeof startAnvil>>
    beforeAll(async () => {
      anvil = await startAnvil()
    }, 30_000)
    afterAll(async () => {
      await anvil?.stop()
    })
    it('verifies the same facts against a MedsealRegistry deployed on the chain', async () => {
      const lines: string[] = []
      const summary = await run({ rpc: anvil.rpcUrl }, (l) => lines.push(l))
      expect(summary.ledger).toBe('evm')
      expect(summary.ledgerId).toMatch(/^eip155:31337:0x[0-9a-fA-F]{40}$/)
      assertFacts(summary, lines)
    }, 120_000)
  })
})
