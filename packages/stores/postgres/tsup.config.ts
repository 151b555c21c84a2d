import { defineConfig } from 'tsup'
import { dualConfig } from '../../../scripts/tsupDual'

export default defineConfig([
  // shims: `import.meta.url` in the CommonJS build (openPgliteDirectory finds its worker module beside the entry)
  ...dualConfig({
    entry: { index: 'src/index.ts', node: 'src/node.ts', testing: 'src/testing/index.ts' },
    external: ['@electric-sql/pglite', 'pg'],
  }).map((config) => (config.format?.includes('cjs') ? { ...config, shims: true } : config)),
  // the PGlite worker, as it is (plain JavaScript), beside the entries: dist/pgliteWorker.mjs
  {
    entry: { pgliteWorker: 'src/node/pgliteWorker.mjs' },
    format: ['esm'],
    outExtension: () => ({ js: '.mjs' }),
    platform: 'node',
    target: 'node20',
    external: ['@electric-sql/pglite'],
    sourcemap: false,
    clean: false,
    dts: false,
  },
])
