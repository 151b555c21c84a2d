/**
 * Stores in memory: access-log appends/s (one by one, group-committed, batched), key releases/s and the open of a
 * 10^6-entry log, measured by the shared store benchmark (scripts/bench/stores.ts). The durable stores' bench files
 * run the same benchmark with `peer: 'memory'`, in the same process.
 */
import { defineBench } from '../../../../scripts/bench/harness.js'
import { benchStores } from '../../../../scripts/bench/stores.js'
import { createMemoryCustodianStore } from '../custodian/custodianStore.js'
import { createMemoryAccessLogStore } from './store.js'

defineBench('stores (memory)', async (ctx) => {
  await benchStores(ctx, {
    label: 'memory',
    create: async () => ({ accessLog: createMemoryAccessLogStore(), custodian: createMemoryCustodianStore() }),
  })
})
