import { fileURLToPath } from 'node:url'
import { defineConfig } from 'tsup'
import { dualConfig } from '../../scripts/tsupDual'

/** The CommonJS build gets `_vitest.cjs.ts` (require on first use) for `_vitest.ts` (top-level await import). */
const vitestCjs = fileURLToPath(new URL('./src/testing/_vitest.cjs.ts', import.meta.url))

export default defineConfig(
  // shims: `import.meta.url` in the CommonJS build (the ./node entry resolves its optional peer from this package)
  dualConfig({
    entry: { index: 'src/index.ts', testing: 'src/testing/index.ts', node: 'src/node.ts' },
    external: ['vitest'],
    esmModules: [
      'src/**/*.ts',
      '!src/**/*.test.ts',
      '!src/**/*.bench.ts',
      '!src/**/_test*.ts',
      '!src/**/_spec*.ts',
      '!src/**/_*Worker.ts',
      '!src/e2e/**',
      '!src/**/*.d.ts',
      '!src/testing/_vitest.cjs.ts',
    ],
    cjsPlugins: [
      {
        name: 'medseal-vitest-cjs',
        setup(build) {
          build.onResolve({ filter: /\/_vitest\.js$/ }, () => ({ path: vitestCjs }))
        },
      },
    ],
  }).map((config) => (config.format?.includes('cjs') ? { ...config, shims: true } : config)),
)
