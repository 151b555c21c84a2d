/**
 * The Node `worker_threads` seal worker that tests and benches bundle (see `./sealWorker.ts`): it imports the SDK
 * by its package name, so bundling it with the repository's tsconfig.json takes `@medseal/core` from its sources,
 * as the tests run them.
 * @module
 */
import { parentPort } from 'node:worker_threads'
import { type SealWorkerPort, serveSealWorker } from '@medseal/core'

serveSealWorker(parentPort as unknown as SealWorkerPort)
