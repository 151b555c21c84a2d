import { runConsentStory } from '@medseal/core/testing'
import { describe, expect, it } from 'vitest'
import { useChainbed } from './_testSetup.js'

const bed = useChainbed()

describe('the consent story on anvil (MedsealRegistry)', () => {
  it('seal, anchor, grant, release, read, audit, revoke, break the glass, expire, erase; every bad token', async () => {
    const report = await runConsentStory(async () => {
      const { ledger } = await bed.fresh()
      return {
        ledger,
        // expiry is decided by chain time: move it and mine a block that carries it
        advanceTime: async (seconds: number) => {
          await bed.testClient.increaseTime({ seconds })
          await bed.testClient.mine({ blocks: 1 })
        },
      }
    })
    expect(report.releases).toBe(4)
    expect(report.events).toBeGreaterThanOrEqual(10)
    expect(report.emergency.reason).toMatch(/allergy/)
  })
})
