import { describe, expect } from 'vitest'
import { describeRecipeRuns } from '../shared/describeRecipeRuns.js'
import { type InsuranceClaimSummary, run } from './insuranceClaim.js'

function assertFacts(summary: InsuranceClaimSummary, lines: string[]) {
  expect(summary.recordsAnchored).toBe(6)
  expect(summary.grant).toEqual({ purposes: ['HPAYMT'], actions: ['read'], records: 4, days: 30 })
  expect(summary.insurerRead).toEqual(['Encounter', 'Condition', 'Procedure', 'Claim'])
  expect(summary.refused).toEqual({
    otherPurpose: 'CONSENT_PURPOSE',
    otherEncounter: 'CONSENT_SCOPE',
    otherInsurer: 'CONSENT_GRANTEE',
  })
  expect(summary.expired).toBe('CONSENT_EXPIRED')
  expect(summary.log).toEqual({ events: 8, verified: 8, permits: 4, denials: 4 })
  expect(summary.auditPurposes).toEqual(['HPAYMT', 'HPAYMT', 'HPAYMT', 'HPAYMT'])
  expect(lines.filter((l) => l.startsWith('✓ '))).toHaveLength(6)
  // no PHI in what is printed: no diagnosis code or display
  expect(lines.join('\n')).not.toMatch(/S82|malleolus/)
}

describe('recipe: insurance claim with purpose-bound consent', () => {
  describeRecipeRuns({
    title: 'insurance claim with purpose-bound consent',
    memoryTest: 'lets the insurer read one encounter for payment only, every read in the log, on the memory ledger',
    run,
    assertFacts,
  })
})
