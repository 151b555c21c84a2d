import { createMemoryLedger } from '@medseal/adapter-memory'
import { describeLedgerConformance } from '@medseal/core/testing'

describeLedgerConformance('memory ledger (docs example)', {
  create: async () => {
    let now = 1_700_000_000
    const ledger = createMemoryLedger({ id: 'docs', now: () => now })
    return {
      ledger,
      advanceTime: async (seconds: number) => {
        now += seconds
      },
    }
  },
})
