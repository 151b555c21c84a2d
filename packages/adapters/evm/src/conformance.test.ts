import { describeLedgerConformance } from '@medseal/core/testing'
import { useChainbed } from './_testSetup.js'

// One anvil for the file; every conformance test gets a freshly deployed registry on it.
const bed = useChainbed()

describeLedgerConformance('evm (MedsealRegistry on anvil)', {
  create: async () => {
    const { ledger } = await bed.fresh()
    return {
      ledger,
      // the ledger's clock is the chain's: move it and mine a block that carries the new time
      advanceTime: async (seconds: number) => {
        await bed.testClient.increaseTime({ seconds })
        await bed.testClient.mine({ blocks: 1 })
      },
    }
  },
})
