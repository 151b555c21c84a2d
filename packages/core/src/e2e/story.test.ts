import { describe, expect, it, vi } from 'vitest'
import { createMemoryLedger } from '../consent/_testLedger.js'
import { runConsentStory } from '../testing/consentStory.js'

describe('the consent story on the memory adapter', () => {
  it('seal, anchor, grant, release, read, audit, revoke, break the glass, expire, erase; every bad token', async () => {
    let t = 1_700_000_000
    const report = await runConsentStory(() => {
      // authorize decides by the ledger's time and the host clock: the host clock follows the ledger's
      vi.setSystemTime(t * 1000)
      return {
        ledger: createMemoryLedger({ id: 'story', now: () => t }),
        advanceTime: async (seconds) => {
          t += seconds
          vi.setSystemTime(t * 1000)
        },
        cleanup: async () => {
          vi.useRealTimers()
        },
      }
    })
    expect(report.releases).toBe(4)
    expect(report.events).toBeGreaterThanOrEqual(10)
    expect(report.emergency.reason).toMatch(/allergy/)
  })
})
