// The ShlStore conformance suite on the memory store (Node and Chromium), with the registration rules.
import { createMemoryLedger } from '@medseal/adapter-memory'
import { createMemoryShlStore } from './shlStore.js'
import { describeShlStoreConformance } from './testing/index.js'

describeShlStoreConformance('memory', {
  create: async () => ({ store: createMemoryShlStore() }),
  ledger: () => createMemoryLedger({ id: 'shl-registration' }),
})
