/**
 * Test fixture: a Web Worker seal worker, driven by `sealPool.browser.test.ts`.
 * @module
 * @internal
 */
import type { SealWorkerPort } from './serveSealWorker.js'
import { serveSealWorker } from './serveSealWorker.js'

serveSealWorker(globalThis as unknown as SealWorkerPort)
