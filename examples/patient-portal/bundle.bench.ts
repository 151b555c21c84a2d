/**
 * `pnpm bench bundle`: what @medseal/core adds to a browser bundle (Vite production build, minified, gzip -9), and
 * the patient and clinician apps' bundles. Figures in KB = 1,000 bytes.
 */
import { fileURLToPath } from 'node:url'
import { defineBench } from '../../scripts/bench/harness.js'
import { initialChunks, measureBundle } from './bundle/measure.js'

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url))
const kb = (bytes: number) => bytes / 1000
const sum = (xs: { gzip: number }[]) => xs.reduce((a, c) => a + c.gzip, 0)

defineBench('bundle size (browser, Vite build, gzip -9)', async (ctx) => {
  const baseline = await measureBundle(here('./bundle/baseline.ts'))
  const core = await measureBundle(here('./bundle/core.ts'))
  const envelope = await measureBundle(here('./bundle/envelope.ts'))
  const base = sum(baseline.chunks)
  ctx.record({
    name: '@medseal/core: seal/open/consent/verify, added',
    value: kb(sum(core.chunks) - base),
    unit: 'KB gzip',
  })
  ctx.record({ name: '@medseal/core: seal/open only, added', value: kb(sum(envelope.chunks) - base), unit: 'KB gzip' })
  for (const [pkg, bytes] of [...core.byPackage].sort((a, b) => b[1] - a[1])) {
    if (pkg === '(app)') continue
    ctx.record({ name: `  seal/open/consent/verify: ${pkg}`, value: kb(bytes), unit: 'KB rendered, pre-minify' })
  }
  for (const app of ['patient', 'clinician'] as const) {
    const built = await measureBundle(here(`./${app}.html`))
    ctx.record({
      name: `${app} app, JS loaded at start (core + service client + page)`,
      value: kb(sum(initialChunks(built.chunks))),
      unit: 'KB gzip',
    })
    ctx.record({
      name: `${app} app, all JS (with the lazy EVM chunk)`,
      value: kb(sum(built.chunks)),
      unit: 'KB gzip',
    })
  }
})
