import { _memoryLogTamper, createMemoryAccessLogStore } from '../accessLog/store.js'
import { _memoryAnchorTamper, createMemoryAnchorStore } from '../anchor/anchorStore.js'
import { createMemoryBreakGlassStore } from '../breakGlass/breakGlassStore.js'
import { createMemoryLedger } from '../consent/_testLedger.js'
import { _memoryCustodianTamper, createMemoryCustodianStore } from '../custodian/custodianStore.js'
import { createMemorySyncCheckpointStore } from '../sync/checkpointStore.js'
import { describeStoreConformance, type StoreConformanceSet } from './storeConformance.js'

describeStoreConformance('memory stores', {
  create: async () => {
    const stores: StoreConformanceSet = {
      accessLog: createMemoryAccessLogStore(),
      custodian: createMemoryCustodianStore(),
      breakGlass: createMemoryBreakGlassStore(),
      anchor: createMemoryAnchorStore(),
      syncCheckpoints: createMemorySyncCheckpointStore(),
    }
    return {
      stores,
      // one JavaScript heap is one "database": a second instance is the same objects
      openSecond: async () => stores,
      tamper: async (target) => {
        if (target.kind === 'logEntry') _memoryLogTamper.get(stores.accessLog)?.({ kind: 'entry', index: target.index })
        else if (target.kind === 'logNode')
          _memoryLogTamper.get(stores.accessLog)?.({ kind: 'node', level: target.level, index: target.index })
        else if (target.kind === 'custodianEnvelope') _memoryCustodianTamper.get(stores.custodian)?.(target.commitment)
        else _memoryAnchorTamper.get(stores.anchor)?.(target.commitment)
      },
    }
  },
  createLedger: () => createMemoryLedger({ id: 'stores' }),
})
