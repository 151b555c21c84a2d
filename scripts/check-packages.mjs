// Release gates on the packed tarballs, quiet when green (one line), the tools' own output when not:
// metadata (LICENSE identical to the root one, repository/homepage/bugs/keywords/license/engines/files), tarball
// contents, publint --strict, attw (node16 profile: node16 CJS + ESM and bundler resolution), size-limit budgets.
// Needs `pnpm build` first. See docs/guides/releasing.md.
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { packAll } from './lib/pack.mjs'

const run = promisify(execFile)
const root = fileURLToPath(new URL('..', import.meta.url))
const bin = (name) => join(root, 'node_modules', '.bin', name)
const tarballs = join(root, 'test-output', 'tarballs')
const started = Date.now()
const problems = []

const license = readFileSync(join(root, 'LICENSE'), 'utf8')
if (!license.includes('Apache License') || !license.includes('Version 2.0, January 2004')) {
  problems.push('LICENSE at the root is not the Apache License 2.0 text')
}
const packages = packAll(root, tarballs)
for (const pkg of packages) {
  const j = pkg.json
  const where = `${pkg.name} (${pkg.rel})`
  for (const field of ['description', 'keywords', 'homepage', 'bugs', 'repository', 'license', 'author', 'engines']) {
    if (j[field] === undefined) problems.push(`${where}: package.json has no "${field}"`)
  }
  if (j.license !== 'Apache-2.0') problems.push(`${where}: license is ${j.license}, not Apache-2.0`)
  if (j.repository?.directory !== pkg.rel) problems.push(`${where}: repository.directory is not "${pkg.rel}"`)
  if (!j.engines?.node) problems.push(`${where}: no engines.node`)
  if (j.publishConfig?.access !== 'public') problems.push(`${where}: publishConfig.access is not "public"`)
  const own = join(pkg.dir, 'LICENSE')
  if (!existsSync(own) || readFileSync(own, 'utf8') !== license)
    problems.push(`${where}: LICENSE missing or not the root's`)
  const { stdout } = await run('tar', ['-tzf', pkg.tarball])
  const files = new Set(stdout.split('\n'))
  for (const f of ['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json']) {
    if (!files.has(`package/${f}`)) problems.push(`${where}: the tarball has no ${f}`)
  }
  for (const f of files)
    if (/\.(test|bench)\.|\/src\/.*\.ts$/.test(f)) problems.push(`${where}: the tarball ships ${f}`)
}

/** Runs a checker; its output is kept for the failure report only. */
async function gate(label, cmd, args) {
  try {
    await run(cmd, args, { cwd: root, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } })
  } catch (e) {
    problems.push(`${label} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`)
  }
}

const jobs = []
for (const pkg of packages) {
  jobs.push(() => gate(`publint ${pkg.name}`, bin('publint'), [pkg.tarball, '--strict']))
  jobs.push(() => gate(`attw ${pkg.name}`, bin('attw'), [pkg.tarball, '--profile', 'node16', '--format', 'ascii']))
}
jobs.push(() => gate('size-limit', bin('size-limit'), []))
// two at a time: the machine's cores are shared
const queue = [...jobs]
await Promise.all(
  [0, 1].map(async () => {
    for (let job = queue.shift(); job; job = queue.shift()) await job()
  }),
)

const secs = ((Date.now() - started) / 1000).toFixed(0)
if (problems.length > 0) {
  console.error(problems.join('\n\n'))
  console.error(`✗ package gates: ${problems.length} problem(s)`)
  process.exit(1)
}
console.log(
  `✓ package gates: ${packages.length} tarballs (metadata, LICENSE, publint --strict, attw node16+bundler, size-limit) in ${secs} s`,
)
