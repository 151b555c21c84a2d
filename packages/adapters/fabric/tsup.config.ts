import { defineConfig } from 'tsup'

export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: false,
    target: 'node20',
  },
  {
    // what a browser bundler resolves (the "default" export condition): fails at import with a clear message
    entry: { unsupported: 'src/unsupported.ts' },
    format: ['esm'],
    clean: false,
    target: 'es2022',
  },
])
