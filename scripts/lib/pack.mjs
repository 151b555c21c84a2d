// Packs every published package with `pnpm pack` (workspace:* ranges become real versions, as on publish).
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { publishedPackages } from './packages.mjs'

/**
 * @param {string} root the repository root
 * @param {string} dest an empty-able directory for the tarballs
 * @returns {{ name: string, dir: string, rel: string, json: Record<string, any>, tarball: string }[]}
 */
export function packAll(root, dest) {
  rmSync(dest, { recursive: true, force: true })
  mkdirSync(dest, { recursive: true })
  return publishedPackages(root).map((pkg) => {
    const before = new Set(readdirSync(dest))
    execFileSync('pnpm', ['pack', '--pack-destination', dest], { cwd: pkg.dir, stdio: ['ignore', 'pipe', 'pipe'] })
    const made = readdirSync(dest).filter((f) => !before.has(f))
    if (made.length !== 1) throw new Error(`pnpm pack in ${pkg.rel} made ${made.length} files`)
    return { ...pkg, tarball: join(dest, made[0]) }
  })
}
