// A release rehearsal that publishes nothing: in a throwaway git worktree of HEAD, apply the pending changesets
// (versions + CHANGELOG.md per package), build, and run `pnpm publish --dry-run` for every published package.
// The worktree is removed afterwards; the clone it ran from is left untouched. See docs/guides/releasing.md.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { publishedPackages } from './lib/packages.mjs'

const root = new URL('..', import.meta.url).pathname
const run = (cmd, args, cwd, quiet = false) =>
  execFileSync(cmd, args, { cwd, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit', encoding: 'utf8' })

const dir = join(mkdtempSync(join(tmpdir(), 'medseal-release-')), 'repo')
run('git', ['worktree', 'add', '--detach', '--quiet', dir, 'HEAD'], root)
try {
  console.log(`release dry run in ${dir} (HEAD; uncommitted changes are not part of it)`)
  run('pnpm', ['install', '--frozen-lockfile', '--prefer-offline', '--silent'], dir)
  run('pnpm', ['exec', 'changeset', 'status', '--verbose'], dir)
  run('pnpm', ['exec', 'changeset', 'version'], dir)
  for (const pkg of publishedPackages(dir)) {
    const changelog = readFileSync(join(pkg.dir, 'CHANGELOG.md'), 'utf8')
    const next = changelog.split(/^## /m)[1] ?? ''
    console.log(
      `\n${pkg.name}@${JSON.parse(readFileSync(join(pkg.dir, 'package.json'), 'utf8')).version}\n## ${next.trim()}`,
    )
  }
  run('pnpm', ['build'], dir, true)
  const filters = publishedPackages(dir).flatMap((p) => ['--filter', p.name])
  run('pnpm', [...filters, 'publish', '--dry-run', '--no-git-checks'], dir)
  console.log('\nrelease dry run finished: nothing was published')
} finally {
  run('git', ['worktree', 'remove', '--force', dir], root)
  rmSync(join(dir, '..'), { recursive: true, force: true })
}
