import { describe, expect } from 'vitest'
import { describeRecipeRuns } from '../shared/describeRecipeRuns.js'
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
  describeRecipeRuns({
    title: 'clinical-trial integrity',
    memoryTest: 'verifies the published dataset and catches tampering on the memory ledger',
    run,
    assertFacts,
  })
})
