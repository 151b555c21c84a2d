// The workspace's published packages: every package.json under packages/ without "private": true.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

/**
 * @param {string} root the repository root
 * @returns {{ name: string, dir: string, rel: string, json: Record<string, any> }[]} sorted by directory
 */
export function publishedPackages(root) {
  const found = []
  const walk = (dir, depth) => {
    const file = join(dir, 'package.json')
    if (existsSync(file)) {
      const json = JSON.parse(readFileSync(file, 'utf8'))
      if (json.private !== true) found.push({ name: json.name, dir, rel: relative(root, dir), json })
    }
    if (depth === 0) return
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !['node_modules', 'dist', 'src', 'test'].includes(entry.name)) {
        walk(join(dir, entry.name), depth - 1)
      }
    }
  }
  walk(join(root, 'packages'), 3)
  return found.sort((a, b) => a.rel.localeCompare(b.rel))
}
