/**
 * The conformance suite against the memory ledger in real Chromium (the browser project runs `*.browser.test.ts`
 * of every package): the adapter and the suite use no Node built-ins.
 */
import { describeLedgerConformance } from '@medseal/core/testing'
import { expect, it } from 'vitest'
import { testClock } from './_testHelpers.js'
import { createMemoryLedger } from './index.js'

it('runs in a browser', () => {
  expect(typeof navigator).toBe('object')
  expect(navigator.userAgent).toMatch(/Chrome\//)
})

describeLedgerConformance('memory ledger in the browser', {
  create: async () => {
    const clock = testClock()
    const ledger = createMemoryLedger({ id: 'browser', now: clock.now })
    return {
      ledger,
      advanceTime: clock.advanceTime,
      rewindTime: clock.rewindTime,
    }
  },
})
