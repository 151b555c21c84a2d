import { describe, expect, it } from 'vitest'
import { createMemoryLedger } from '../consent/_testLedger.js'
import { runConsentStory } from '../testing/consentStory.js'

describe('the consent story on the memory adapter', () => {
  it('seal, anchor, grant, release, read, audit, revoke, break the glass, expire, erase; every bad token', async () => {
    let t = 1_700_000_000
    const report = await runConsentStory(() => ({
      ledger: createMemoryLedger({ id: 'story', now: () => t }),
      advanceTime: async (seconds) => {
        t += seconds
      },
    }))
    expect(report.releases).toBe(4)
    expect(report.events).toBeGreaterThanOrEqual(10)
    expect(report.emergency.reason).toMatch(/allergy/)
  })
})
