// The ShlStore conformance suite on the memory store (Node and Chromium).
import { createMemoryShlStore } from './shlStore.js'
import { describeShlStoreConformance } from './testing/index.js'

describeShlStoreConformance('memory', { create: async () => ({ store: createMemoryShlStore() }) })
