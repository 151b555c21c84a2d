import { defineConfig } from 'tsup'
import { dualConfig } from '../../../scripts/tsupDual'

export default defineConfig([
  ...dualConfig({ entry: { index: 'src/index.ts' }, target: 'node22' }),
  {
    // what a browser bundler resolves (the "default" export condition): the same export names, failing at import
    // with a message saying Fabric is Node-only (rather than a bundler's MISSING_EXPORT)
    entry: { unsupported: 'src/unsupported.ts' },
    format: ['esm'],
    clean: false,
    target: 'es2022',
  },
])
