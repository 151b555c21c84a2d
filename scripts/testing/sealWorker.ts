/**
 * Tests and benches of every package: the Node seal worker (`./_sealNodeWorker.ts`) bundled as a package build would
 * (Node cannot load .ts in a worker), into a temporary folder, with `@medseal/*` taken from the sources through the
 * repository's tsconfig.json `paths` (as vitest's aliases do) — no package reaches into another's src/.
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { build } from 'tsup'

/** A bundled seal worker module: `spawn` starts a worker on it, `remove` deletes its folder. */
export interface BundledSealWorker {
  readonly file: string
  readonly spawn: () => Worker
  readonly remove: () => void
}

/** Bundles the seal worker for Node 20 with every import inlined; call `remove` when done with it. */
export async function bundleSealWorker(): Promise<BundledSealWorker> {
  const dir = mkdtempSync(join(tmpdir(), 'medseal-seal-worker-'))
  try {
    await build({
      entry: { 'seal-worker': fileURLToPath(new URL('./_sealNodeWorker.ts', import.meta.url)) },
      tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)),
      outDir: dir,
      format: ['esm'],
      outExtension: () => ({ js: '.mjs' }),
      platform: 'node',
      target: 'node20',
      noExternal: [/.*/],
      config: false,
      dts: false,
      silent: true,
    })
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
  const file = join(dir, 'seal-worker.mjs')
  return Object.freeze({
    file,
    spawn: () => new Worker(file),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  })
}
