import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url))

/**
 * Workspace packages resolve to their TypeScript sources (their `exports` point at dist/), exactly as in the root
 * vitest.config.ts, so the apps run and bundle the SDK as it is in the checkout.
 */
export const medsealAliases = [
  { find: /^@medseal\/core$/, replacement: src('../../packages/core/src/index.ts') },
  { find: /^@medseal\/adapter-evm$/, replacement: src('../../packages/adapters/evm/src/index.ts') },
  { find: /^@medseal\/service$/, replacement: src('../../packages/service/src/index.ts') },
  { find: /^@medseal\/store-indexeddb$/, replacement: src('../../packages/stores/indexeddb/src/index.ts') },
  { find: /^@medseal\/smart-health$/, replacement: src('../../packages/smart-health/src/index.ts') },
  { find: /^@medseal\/fhir$/, replacement: src('../../packages/fhir/src/index.ts') },
]

/** Three pages: a chooser, the patient app and the clinician app. */
export default defineConfig({
  root: src('.'),
  resolve: { alias: medsealAliases },
  server: { host: '127.0.0.1', fs: { allow: [src('../..')] } },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: {
      input: { index: src('index.html'), patient: src('patient.html'), clinician: src('clinician.html') },
    },
  },
})
