import { startAnvil } from '@medseal/adapter-evm/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
  it('lets the insurer read one encounter for payment only, every read in the log, on the memory ledger', async () => {
    const lines: string[] = []
    const summary = await run({}, (l) => lines.push(l))
    expect(summary.ledger).toBe('memory')
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
