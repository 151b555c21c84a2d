/**
 * Test fixture: a Node `worker_threads` seal worker (bundled by `sealPool.node.test.ts` and the seal benches). Its
 * per-record symmetric work runs on node:crypto (`createNodeSealPrimitives`), the same bytes as the default path.
 * @module
 * @internal
 */
import { parentPort } from 'node:worker_threads'
import { createNodeSealPrimitives } from './_sealNodePrimitives.js'
import type { SealWorkerPort } from './serveSealWorker.js'
import { serveSealWorkerWith } from './serveSealWorker.js'

serveSealWorkerWith(parentPort as unknown as SealWorkerPort, createNodeSealPrimitives())
