// Builds the published package in the current directory: a clean dist/, tsup (see scripts/tsupDual.ts), then the
// CommonJS declarations' imports of ESM-only packages marked `resolution-mode: import`, which TypeScript (>= 5.3)
// requires of a `.d.cts` under moduleResolution node16/nodenext (TS1479 otherwise). Type-only, so nothing changes at
// run time: the CommonJS build bundles those packages.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

// ESM-only packages, and viem and idb, whose declarations are ESM (viem's _types/package.json and idb's package.json
// say "type": "module") although their JavaScript has a CommonJS build
const ESM_ONLY = /^(@noble\/|multiformats(\/|$)|cborg(\/|$)|viem(\/|$)|idb$)/

rmSync('dist', { recursive: true, force: true })
// --silent: errors only (pnpm test builds every package; its green output has to fit a screen)
execFileSync('tsup', ['--silent'], { stdio: 'inherit' })

const importDecl = /^import (type )?(\{[^}]*\}|\* as \w+|\w+) from '([^']+)';$/gm
for (const entry of readdirSync('dist', { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.d.cts')) continue
  const file = join(entry.parentPath, entry.name)
  const text = readFileSync(file, 'utf8')
  const fixed = text.replace(importDecl, (decl, _type, names, spec) =>
    ESM_ONLY.test(spec) ? `import type ${names} from '${spec}' with { 'resolution-mode': 'import' };` : decl,
  )
  if (fixed !== text) writeFileSync(file, fixed)
}
