import { fileURLToPath } from 'node:url'
import { playwright } from '@vitest/browser-playwright'
import { defineConfig } from 'vitest/config'

const root = fileURLToPath(new URL('.', import.meta.url))
const src = (p: string) => fileURLToPath(new URL(p, import.meta.url))
/** ../shared beside the clone: public test vectors and FHIR data. */
const vectors = fileURLToPath(new URL('../shared/vectors', import.meta.url))

/** Debian's chromium needs these on these machines (no network, no GPU). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/**
 * Node-project suites that the Node 22 and 24 runs of `pnpm test` (scripts/test-node-versions.mjs, which sets
 * MEDSEAL_NODE_COMPAT_RUN) leave to the Node 20 run: what they test is a database, a browser or the docs, not the
 * Node APIs the SDK uses, and together they were half of those runs' time (per-file durations in
 * test-output/vitest-node22.json). The `pg` driver and PGlite stay covered under every Node by the two store
 * conformance files, the service's Node adapter and its worker processes by packages/service's tests (toNodeListener,
 * serveCluster in processes of their own).
 */
const NODE20_ONLY = [
  'packages/stores/postgres/test/faults/**', // SIGKILLed processes and database servers: the databases' durability
  'packages/stores/postgres/test/{shlStore,stores,dirLock,db,conformance.pgliteDir,startPostgres,pgliteWorker}.test.ts', // SQL behaviour
  'examples/patient-portal/e2e.test.ts', // Chromium end to end
  'examples/recipes/**', // usage stories on the SDK's public API
  'examples/quickstart/**',
  'examples/custodian-server/**', // the example server's set-up and restarts (~60 s); packages/service runs under all
  'docs/codeBlocks.test.ts', // the docs' code blocks
]

export default defineConfig({
  resolve: {
    // Test workspace packages against their sources (their `exports` point at dist/).
    alias: [
      { find: /^@medseal\/core\/testing$/, replacement: src('./packages/core/src/testing/index.ts') },
      { find: /^@medseal\/core$/, replacement: src('./packages/core/src/index.ts') },
      { find: /^@medseal\/core\/node$/, replacement: src('./packages/core/src/node.ts') },
      { find: /^@medseal\/fhir\/testing$/, replacement: src('./packages/fhir/src/testing/index.ts') },
      { find: /^@medseal\/fhir$/, replacement: src('./packages/fhir/src/index.ts') },
      { find: /^@medseal\/fhir\/sync$/, replacement: src('./packages/fhir/src/sync.ts') },
      { find: /^@medseal\/example-fhir-server$/, replacement: src('./examples/fhir-server/src/index.js') },
      { find: /^@medseal\/adapter-memory$/, replacement: src('./packages/adapters/memory/src/index.ts') },
      { find: /^@medseal\/adapter-memory\/node$/, replacement: src('./packages/adapters/memory/src/node.ts') },
      { find: /^@medseal\/adapter-evm$/, replacement: src('./packages/adapters/evm/src/index.ts') },
      { find: /^@medseal\/adapter-evm\/node$/, replacement: src('./packages/adapters/evm/src/node.ts') },
      { find: /^@medseal\/adapter-fabric$/, replacement: src('./packages/adapters/fabric/src/index.ts') },
      {
        find: /^@medseal\/fabric-chaincode\/testing$/,
        replacement: src('./packages/adapters/fabric/chaincode/src/testing/index.ts'),
      },
      { find: /^@medseal\/fabric-chaincode$/, replacement: src('./packages/adapters/fabric/chaincode/src/index.ts') },
      { find: /^@medseal\/store-indexeddb$/, replacement: src('./packages/stores/indexeddb/src/index.ts') },
      { find: /^@medseal\/store-postgres$/, replacement: src('./packages/stores/postgres/src/index.ts') },
      { find: /^@medseal\/store-postgres\/node$/, replacement: src('./packages/stores/postgres/src/node.ts') },
      {
        find: /^@medseal\/store-postgres\/testing$/,
        replacement: src('./packages/stores/postgres/src/testing/index.ts'),
      },
      { find: /^@medseal\/smart-health$/, replacement: src('./packages/smart-health/src/index.ts') },
      {
        find: /^@medseal\/smart-health\/testing$/,
        replacement: src('./packages/smart-health/src/testing/index.ts'),
      },
      { find: /^@medseal\/service$/, replacement: src('./packages/service/src/index.ts') },
      { find: /^@medseal\/service\/node$/, replacement: src('./packages/service/src/node.ts') },
      { find: /^@medseal\/sd-jwt$/, replacement: src('./packages/sd-jwt/src/index.ts') },
      { find: /^@vectors\//, replacement: `${vectors}/` },
    ],
  },
  server: { fs: { allow: [root, vectors] } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'packages/**/src/**/*.test.ts',
            'packages/**/test/**/*.test.ts',
            'examples/**/*.test.ts',
            'docs/**/*.test.ts',
            'scripts/**/*.test.ts',
          ],
          exclude: [
            '**/*.browser.test.ts',
            '**/node_modules/**',
            '**/dist/**',
            ...(process.env.MEDSEAL_NODE_COMPAT_RUN === '1' ? NODE20_ONLY : []),
          ],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          // The same core and FHIR suites, in real Chromium; `*.node.test.ts` files need Node built-ins.
          include: [
            'packages/core/src/**/*.test.ts',
            'packages/fhir/src/**/*.test.ts',
            'packages/sd-jwt/src/**/*.test.ts',
            'packages/smart-health/src/**/*.test.ts',
            'packages/**/src/**/*.browser.test.ts',
          ],
          exclude: ['**/*.node.test.ts', '**/node_modules/**', '**/dist/**'],
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
})
