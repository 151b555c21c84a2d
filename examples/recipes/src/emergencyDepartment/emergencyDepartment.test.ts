import { describe, expect } from 'vitest'
import { describeRecipeRuns } from '../shared/describeRecipeRuns.js'
import { type EmergencyDepartmentSummary, run } from './emergencyDepartment.js'

function assertFacts(summary: EmergencyDepartmentSummary, lines: string[]) {
  expect(summary.minutes).toBe(240)
  expect(summary.anchoredAtOnce).toBe(true)
  expect(summary.notified).toEqual(['patient', 'privacy-officer'])
  expect(summary.read).toEqual(['AllergyIntolerance', 'MedicationRequest', 'Condition', 'Observation'])
  expect(summary.refused).toEqual({
    psychiatric: 'CONSENT_EXCLUDED',
    demographics: 'CONSENT_SCOPE',
    otherPurpose: 'CONSENT_PURPOSE',
    noReason: 'BREAK_GLASS_INVALID',
    unacceptedIssuer: 'BREAK_GLASS_INVALID',
    afterExpiry: 'CONSENT_EXPIRED',
    withdrawnCredential: 'CONSENT_REVOKED',
  })
  expect(summary.pendingBeforeReview).toBe(1)
  expect(summary.pendingAfterReview).toBe(0)
  expect(summary.emergencyReads).toBe(4)
  // the break-glass itself, the 4 reads, the 3 refused reads, the read after expiry, the 2 refused break-glasses
  expect(summary.logEvents).toBe(11)
  expect(summary.auditPurposes).toEqual(['ETREAT', 'ETREAT', 'ETREAT', 'ETREAT', 'ETREAT'])
  expect(lines.filter((l) => l.startsWith('✓ '))).toHaveLength(9)
  // no clinical content in what is printed or notified
  expect(lines.join('\n')).not.toMatch(/warfarin|penicillin|Depressive/i)
}

describe('recipe: emergency department break-glass', () => {
  describeRecipeRuns({
    title: 'emergency department break-glass',
    memoryTest: 'opens, logs, anchors, notifies, queues for review and expires on the memory ledger',
    run,
    assertFacts,
  })
})
