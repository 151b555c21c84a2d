/**
 * Bundle-size measurement (Node only): builds an entry with Vite (production, minified, the portal's aliases) in
 * memory and reports its JavaScript raw and gzipped, plus the bytes each package renders into it
 * (tree-shaken, before minification: a share, not a gzip figure).
 * @module
 */

import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build, type Rollup } from 'vite'
import { medsealAliases } from '../vite.config.js'

/** One built JavaScript file. */
export type BuiltChunk = { fileName: string; isEntry: boolean; isDynamicEntry: boolean; bytes: number; gzip: number }

/** What {@link measureBundle} returns. */
export type BundleMeasure = {
  chunks: BuiltChunk[]
  /** Bytes each package renders into the output after tree-shaking, before minification and gzip (`@noble/curves`, `multiformats`, `@medseal/core`, …). */
  byPackage: Map<string, number>
}

/** gzip at level 9, as most size reports use. */
export const gzipSize = (code: string | Uint8Array) => gzipSync(code, { level: 9 }).length

function packageOf(id: string): string {
  const nm = id.lastIndexOf('/node_modules/')
  if (nm >= 0) {
    const rest = id.slice(nm + '/node_modules/'.length).split('/')
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? id)
  }
  const m = /\/packages\/(core|fhir|adapters\/[a-z]+)\/src\//.exec(id)
  if (m) return `@medseal/${m[1]?.replace('adapters/', 'adapter-')}`
  return '(app)'
}

/**
 * Builds `input` (an entry file or an index.html) with Vite and measures the output.
 *
 * @param input - absolute path of the entry
 * @param detail - groups module ids for `byPackage` (default: by package)
 * @returns the chunks and the per-package sizes
 * @example
 * ```ts
 * const { chunks } = await measureBundle(fileURLToPath(new URL('./core.ts', import.meta.url)))
 * ```
 */
export async function measureBundle(input: string, detail?: (id: string) => string): Promise<BundleMeasure> {
  const out = (await build({
    configFile: false,
    root: fileURLToPath(new URL('..', import.meta.url)),
    logLevel: 'silent',
    resolve: { alias: medsealAliases },
    build: {
      write: false,
      target: 'es2022',
      minify: true,
      modulePreload: false,
      rolldownOptions: { input },
    },
  })) as Rollup.RollupOutput | Rollup.RollupOutput[]
  const outputs = Array.isArray(out) ? out : [out]
  const chunks: BuiltChunk[] = []
  const byPackage = new Map<string, number>()
  for (const o of outputs) {
    for (const item of o.output) {
      if (item.type !== 'chunk') continue
      chunks.push({
        fileName: item.fileName,
        isEntry: item.isEntry,
        isDynamicEntry: item.isDynamicEntry,
        bytes: new TextEncoder().encode(item.code).length,
        gzip: gzipSize(item.code),
      })
      for (const [id, m] of Object.entries(item.modules)) {
        const p = detail ? detail(id) : packageOf(id)
        byPackage.set(p, (byPackage.get(p) ?? 0) + m.renderedLength)
      }
    }
  }
  return { chunks, byPackage }
}

/** The chunks a page loads at start: the entries and what they import statically (not the lazy `import()` ones). */
export function initialChunks(chunks: BuiltChunk[]): BuiltChunk[] {
  return chunks.filter((c) => !c.isDynamicEntry)
}
