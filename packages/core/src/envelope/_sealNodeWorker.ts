/**
 * Test fixture: a Node `worker_threads` seal worker (started with `--import tsx` by `sealPool.node.test.ts`).
 * @module
 * @internal
 */
import { parentPort } from 'node:worker_threads'
import type { SealWorkerPort } from './serveSealWorker.js'
import { serveSealWorker } from './serveSealWorker.js'

serveSealWorker(parentPort as unknown as SealWorkerPort)
