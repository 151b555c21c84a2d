#!/usr/bin/env node
/**
 * Builds the docs site into docs/.vitepress/dist (served at https://medseal.dev/docs/) and checks its links:
 *   1. one page per error code of packages/core/src/errors/codes.ts into docs/errors/ (generated, not committed), from
 *      the description table docs/.vitepress/errorDescriptions.mjs and the places in the sources that throw the code;
 *      the build fails when a code has no description;
 *   2. the typedoc API reference of every package's main entry point into docs/public/api/ (typedoc.json), and of the
 *      subpath modules `@medseal/core/testing`, `@medseal/fhir/sync`, the adapters' `/node` into
 *      docs/public/api-subpaths/ (typedoc.subpaths.json) (both skipped with --no-api);
 *   3. `vitepress build docs` (fails on dead links between markdown pages);
 *   4. an offline link check of the built HTML: every internal href (pages, assets, anchors) must resolve.
 * Quiet when green: one line per step. `node scripts/docs-site.mjs --check-only` runs step 4 on an existing build.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const docs = join(root, 'docs')
const dist = join(docs, '.vitepress', 'dist')
const BASE = '/docs/'
const args = new Set(process.argv.slice(2))

function step(label, fn) {
  const t = Date.now()
  fn()
  console.log(`docs: ${label} (${((Date.now() - t) / 1000).toFixed(1)} s)`)
}

function run(cmd, cmdArgs) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  if (r.status !== 0) {
    process.stderr.write(r.stdout ?? '')
    process.stderr.write(r.stderr ?? '')
    throw new Error(`${cmd} ${cmdArgs.join(' ')} failed (exit ${r.status})`)
  }
}

/** The codes of the ErrorCode union, in source order. */
export function readCodes(source) {
  const union = source.slice(source.indexOf('export type ErrorCode'))
  return [...union.matchAll(/^\s*\|\s*'([A-Z0-9_]+)'/gm)].map((m) => m[1])
}

/** Same rule as BaseError's default docsPath. */
export const slug = (code) => code.toLowerCase().replaceAll('_', '-')

function sourceFiles(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist') continue
    const p = join(dir, e.name)
    if (e.isDirectory()) sourceFiles(p, out)
    else if (/\.ts$/.test(e.name) && !/\.(test|bench|d)\.ts$/.test(e.name) && p.includes(`${join('src', '')}`))
      out.push(p)
  }
  return out
}

async function generateErrorPages() {
  const codes = readCodes(readFileSync(join(root, 'packages/core/src/errors/codes.ts'), 'utf8'))
  const { errorDescriptions } = await import(join(docs, '.vitepress', 'errorDescriptions.mjs'))
  const missing = codes.filter((c) => !errorDescriptions[c])
  if (missing.length)
    throw new Error(`no description in docs/.vitepress/errorDescriptions.mjs for: ${missing.join(', ')}`)
  const thrown = new Map(codes.map((c) => [c, new Map()]))
  for (const file of sourceFiles(join(root, 'packages'))) {
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/new (\w+Error)\(\s*'([A-Z0-9_]+)'/g)) {
      const where = thrown.get(m[2])
      if (!where) continue
      const rel = relative(root, file)
      const pkg = rel.split('/src/')[0]
      const classes = where.get(pkg) ?? new Set()
      classes.add(m[1])
      where.set(pkg, classes)
    }
  }
  const out = join(docs, 'errors')
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })
  const rows = []
  for (const code of codes) {
    const [meaning, action] = errorDescriptions[code]
    const where = [...thrown.get(code)].map(
      ([pkg, classes]) => `- \`${pkg}\`: ${[...classes].map((c) => `\`${c}\``).join(', ')}`,
    )
    writeFileSync(
      join(out, `${slug(code)}.md`),
      [
        `# ${code}`,
        '',
        meaning,
        '',
        '## What to do',
        '',
        action,
        '',
        '## Handling it',
        '',
        'Branch on the code, never on the message (messages may change; codes follow semver). `isSdkError` works across',
        'duplicated package copies, where `instanceof` does not.',
        '',
        '```ts',
        `import { isSdkError } from '@medseal/core'`,
        '',
        'try {',
        '  // a medseal call',
        '} catch (err) {',
        `  if (isSdkError(err, '${code}')) {`,
        `    // ${action.replaceAll('\n', ' ')}`,
        '  } else throw err',
        '}',
        '```',
        '',
        '## Thrown by',
        '',
        where.length
          ? where.join('\n')
          : 'No package throws it directly in this release (it is reserved or comes from an adapter).',
        '',
        '[All error codes](./index.md)',
        '',
      ].join('\n'),
    )
    rows.push(`| [\`${code}\`](./${slug(code)}.md) | ${meaning.replaceAll('|', '\\|')} |`)
  }
  writeFileSync(
    join(out, 'index.md'),
    [
      '# Error codes',
      '',
      'Every error thrown by `@medseal/*` has a stable `code` and a message ending in a `Docs:` line that links to its',
      'page here. This page and the ones it lists are generated from `packages/core/src/errors/codes.ts` by',
      '`pnpm run docs`.',
      '',
      '| code | meaning |',
      '| ---- | ------- |',
      ...rows,
      '',
    ].join('\n'),
  )
  return codes.length
}

function htmlFiles(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) htmlFiles(p, out)
    else if (e.name.endsWith('.html')) out.push(p)
  }
  return out
}

/** Resolves a site path (below BASE, without query or hash) to a built file, as a static host with clean URLs does. */
function resolveFile(path) {
  let p = decodeURIComponent(path)
  if (!p.startsWith(BASE)) return null
  p = join(dist, p.slice(BASE.length))
  for (const candidate of [p, `${p}.html`, join(p, 'index.html')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate
  }
  return null
}

const idCache = new Map()
function ids(file) {
  let set = idCache.get(file)
  if (!set) {
    const html = readFileSync(file, 'utf8')
    set = new Set([...html.matchAll(/\s(?:id|name)="([^"]+)"/g)].map((m) => m[1]))
    idCache.set(file, set)
  }
  return set
}

/** Every internal link of the built site must reach a file, and its #fragment an id in that file. */
export function checkLinks() {
  const broken = []
  let count = 0
  for (const file of htmlFiles(dist)) {
    const html = readFileSync(file, 'utf8')
    const pagePath = `${BASE}${relative(dist, file).replaceAll('\\', '/')}`
    for (const m of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
      const raw = m[1].replaceAll('&amp;', '&')
      if (/^(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(raw) || raw === '') continue // external (checked by no one offline)
      count++
      const url = new URL(raw, `http://site${pagePath}`)
      const target = url.pathname === pagePath ? file : resolveFile(url.pathname)
      if (!target) {
        broken.push(`${relative(dist, file)}: ${raw} (no such page or file)`)
        continue
      }
      const hash = decodeURIComponent(url.hash.slice(1))
      if (hash && target.endsWith('.html') && !ids(target).has(hash)) {
        broken.push(`${relative(dist, file)}: ${raw} (no #${hash} in ${relative(dist, target)})`)
      }
    }
  }
  if (broken.length) {
    throw new Error(`${broken.length} broken internal link(s) in the docs site:\n  ${broken.slice(0, 50).join('\n  ')}`)
  }
  return count
}

/**
 * Every error's "Docs:" URL (https://medseal.dev/docs/errors/<docsPath>, see packages/core/src/errors/base.ts) must be
 * a page of the built site: the default docsPath (the code, lower-case, dashes) for every code, and any docsPath a
 * source passes explicitly.
 */
export function checkErrorUrls() {
  const codes = readCodes(readFileSync(join(root, 'packages/core/src/errors/codes.ts'), 'utf8'))
  const paths = new Set(codes.map(slug))
  for (const file of sourceFiles(join(root, 'packages'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/docsPath:\s*['"`]([^'"`]+)['"`]/g)) paths.add(m[1])
  }
  const missing = [...paths].filter((p) => {
    const [page, hash] = p.split('#')
    const file = resolveFile(`${BASE}errors/${page}`)
    return !file || (hash !== undefined && !ids(file).has(hash))
  })
  if (missing.length) throw new Error(`error docs URLs without a page: ${missing.map((p) => `errors/${p}`).join(', ')}`)
  return paths.size
}

try {
  if (!args.has('--check-only')) {
    let n = 0
    await generateErrorPages().then((c) => (n = c))
    console.log(`docs: ${n} error-code pages generated`)
    if (!args.has('--no-api')) {
      step('typedoc API reference (package entry points)', () => run('pnpm', ['exec', 'typedoc', '--logLevel', 'Warn']))
      step('typedoc API reference (subpath modules)', () =>
        run('pnpm', ['exec', 'typedoc', '--options', 'typedoc.subpaths.json', '--logLevel', 'Warn']),
      )
    }
    step('vitepress build', () => run('pnpm', ['exec', 'vitepress', 'build', 'docs']))
  }
  let links = 0
  step('links checked', () => {
    links = checkLinks()
  })
  console.log(
    `docs: ${links} internal links resolve; ${checkErrorUrls()} error URLs have their page; site in ${relative(root, dist)}`,
  )
} catch (err) {
  console.error(`docs: ${err.message}`)
  process.exit(1)
}
