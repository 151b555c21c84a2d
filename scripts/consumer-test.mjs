// The consumer test: every published package packed (`pnpm pack`, workspace ranges rewritten as on publish) and
// installed from the tarballs, no workspace links, into a scratch project in the OS temp dir, then:
// - ESM (Node, under each supported Node: this one, 22 and 24): every subpath imported, the README example run;
// - CommonJS under `node --no-experimental-require-module`: every subpath required, the README example run;
// - Jest 30 (CommonJS): the README example as a test;
// - Vite: the README example built for the browser and run in Debian's Chromium; a page importing every export of
//   @medseal/adapter-fabric builds (no MISSING_EXPORT) and fails at load saying Fabric is Node-only;
// - TypeScript with skipLibCheck: false, moduleResolution node16 (.mts and .cts) and bundler: every subpath.
// Quiet when green (one line); on failure, the failing step's output. The scratch project is removed afterwards.
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { ensureNode, envWithNode, NODE_VERSIONS } from './lib/node.mjs'
import { packAll } from './lib/pack.mjs'

const run = promisify(execFile)
const root = fileURLToPath(new URL('..', import.meta.url))
const require = createRequire(import.meta.url)
const ts = require('typescript')
const started = Date.now()
const scratch = mkdtempSync(join(tmpdir(), 'medseal-consumer-'))
const steps = []

/**
 * A bound for a hung command, not a speed check: at load 20 on two shared cores the two tsc runs side by side took
 * over 240 s (the former bound).
 */
const STEP_TIMEOUT_MS = 15 * 60_000

/** Runs a command, keeping its output for the failure report. */
async function step(label, cmd, args, opts = {}) {
  try {
    const res = await run(cmd, args, { maxBuffer: 64 * 1024 * 1024, timeout: STEP_TIMEOUT_MS, ...opts })
    steps.push(label)
    return res.stdout
  } catch (e) {
    const why = e.killed ? `killed after ${STEP_TIMEOUT_MS / 60_000} min` : `exit ${e.code ?? e.signal}`
    throw new Error(`${label} failed (${why}):\n${e.stdout ?? ''}${e.stderr ?? ''}`)
  }
}

/** The README's "In your app" example (a TypeScript block), with its imports split from the body. */
function readmeExample() {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const block = readme.split(/^## In your app$/m)[1]?.match(/```ts\n([\s\S]*?)```/)?.[1]
  if (!block) throw new Error('README.md has no ```ts block under "## In your app"')
  const js = ts.transpileModule(block, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
  }).outputText
  const imports = [...js.matchAll(/^import \{([^}]*)\} from '([^']+)';?$/gm)].map((m) => ({
    names: m[1].trim(),
    from: m[2],
  }))
  const body = js.replace(/^import [^;]*;?$/gm, '').replace(/^export \{\};?$/m, '')
  return { imports, body }
}

const satisfiesFabric = (version) => {
  const [maj, min] = version.replace(/^v/, '').split('.').map(Number)
  return maj > 22 || (maj === 22 && min >= 12)
}

try {
  // 1. pack and install
  const packages = packAll(root, join(scratch, 'tarballs'))
  const fileDeps = Object.fromEntries(packages.map((p) => [p.name, `file:${p.tarball}`]))
  const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const dev = rootPkg.devDependencies
  const pgliteVersion = JSON.parse(readFileSync(join(root, 'packages/stores/postgres/package.json'), 'utf8'))
    .devDependencies['@electric-sql/pglite']
  writeFileSync(
    join(scratch, 'package.json'),
    JSON.stringify({
      name: 'medseal-consumer',
      private: true,
      // PGlite (the optional peer of @medseal/store-postgres, at the version its tests use): the worker file it runs on
      dependencies: { ...fileDeps, viem: dev.viem, '@electric-sql/pglite': pgliteVersion },
      devDependencies: {
        vite: dev.vite,
        jest: '30.5.2',
        typescript: dev.typescript,
        '@types/node': dev['@types/node'],
      },
      overrides: fileDeps,
    }),
  )
  await step(
    'npm install (tarballs)',
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'],
    {
      cwd: scratch,
    },
  )

  // every import specifier each package exports (the JSON artifact aside)
  const subpaths = packages.flatMap((p) =>
    Object.keys(p.json.exports)
      .filter((k) => k !== './package.json' && !k.endsWith('.json'))
      .map((k) => ({ pkg: p.name, spec: k === '.' ? p.name : `${p.name}/${k.slice(2)}` })),
  )
  const nodeOnly = (s) => s.pkg === '@medseal/adapter-fabric'
  const { imports, body } = readmeExample()

  // 2. ESM and CommonJS in Node, under every supported Node
  const esm = join(scratch, 'esm')
  const cjs = join(scratch, 'cjs')
  mkdirSync(esm)
  mkdirSync(cjs)
  writeFileSync(join(esm, 'package.json'), '{ "type": "module" }')
  writeFileSync(join(cjs, 'package.json'), '{ "type": "commonjs" }')
  const fabricGuard = (line) => `if (FABRIC) { ${line} }`
  writeFileSync(
    join(esm, 'all.mjs'),
    [
      `const FABRIC = ${'process.argv[2] === "fabric"'}`,
      ...subpaths.map((s, i) => {
        const line = `const m${i} = await import('${s.spec}'); if (Object.keys(m${i}).length === 0) throw new Error('${s.spec}: no exports')`
        return nodeOnly(s) ? fabricGuard(line) : line
      }),
      "console.log('esm imports ok')",
    ].join('\n'),
  )
  writeFileSync(
    join(esm, 'readme.mjs'),
    `${imports.map((i) => `import {${i.names}} from '${i.from}'`).join('\n')}\n${body}\nconsole.log('readme ok')\n`,
  )
  const requireImports = imports
    .map((i) => `const {${i.names.replace(/\bas\b/g, ':')}} = require('${i.from}')`)
    .join('\n')
  writeFileSync(
    join(cjs, 'all.cjs'),
    [
      'const FABRIC = process.argv[2] === "fabric"',
      ...subpaths.map((s, i) => {
        const line = `const m${i} = require('${s.spec}'); if (Object.keys(m${i}).length === 0) throw new Error('${s.spec}: no exports')`
        return nodeOnly(s) ? fabricGuard(line) : line
      }),
      "console.log('cjs requires ok')",
    ].join('\n'),
  )
  writeFileSync(
    join(cjs, 'readme.cjs'),
    `${requireImports}\nasync function main() {\n${body}\n}\nmain().then(() => console.log('readme ok'), (e) => { console.error(e); process.exit(1) })\n`,
  )
  // openPgliteDirectory from the tarball: PGlite on its worker thread (dist/pgliteWorker.mjs beside the entry), the
  // stores migrated through it; ESM initializes the directory, CommonJS opens it again (this Node only: a few seconds)
  const pgliteDir = join(scratch, 'pglite')
  const pgliteBody = (ok) =>
    `const db = await openPgliteDirectory({ dataDir: ${JSON.stringify(pgliteDir)} })\n` +
    'await createPostgresStores({ db })\n' +
    "const [row] = await db.query('select 1 + 1 as two')\n" +
    "if (row.two !== 2) throw new Error('PGlite on its worker answered ' + JSON.stringify(row))\n" +
    `await db.close()\nconsole.log('${ok}')\n`
  writeFileSync(
    join(esm, 'pglite.mjs'),
    "import { createPostgresStores } from '@medseal/store-postgres'\n" +
      "import { openPgliteDirectory } from '@medseal/store-postgres/node'\n" +
      pgliteBody('esm pglite worker ok'),
  )
  writeFileSync(
    join(cjs, 'pglite.cjs'),
    "const { createPostgresStores } = require('@medseal/store-postgres')\n" +
      "const { openPgliteDirectory } = require('@medseal/store-postgres/node')\n" +
      `async function main() {\n${pgliteBody('cjs pglite worker ok')}}\n` +
      'main().catch((e) => { console.error(e); process.exit(1) })\n',
  )
  await step('ESM openPgliteDirectory (PGlite worker)', 'node', ['pglite.mjs'], { cwd: esm })
  await step('CJS openPgliteDirectory (PGlite worker)', 'node', ['--no-experimental-require-module', 'pglite.cjs'], {
    cwd: cjs,
  })
  const nodes = [{ version: process.version.slice(1), bin: undefined }].concat(
    Object.values(NODE_VERSIONS).map((version) => ({ version, bin: ensureNode(version) })),
  )
  for (const { version, bin } of nodes) {
    const env = bin ? envWithNode(bin) : process.env
    const fabric = satisfiesFabric(version) ? ['fabric'] : []
    await step(`ESM imports, Node ${version}`, 'node', ['all.mjs', ...fabric], { cwd: esm, env })
    await step(`ESM README example, Node ${version}`, 'node', ['readme.mjs'], { cwd: esm, env })
    await step(
      `CJS requires without require(esm), Node ${version}`,
      'node',
      ['--no-experimental-require-module', 'all.cjs'],
      { cwd: cjs, env },
    )
    await step(
      `CJS README example without require(esm), Node ${version}`,
      'node',
      ['--no-experimental-require-module', 'readme.cjs'],
      { cwd: cjs, env },
    )
    // @hyperledger/fabric-gateway 1.12 itself require()s the ESM-only @noble/curves: Fabric's CommonJS needs Node's
    // require(esm), on by default from 22.12, which is the version its engines (and ours) ask for
    if (fabric.length > 0)
      await step(`CJS require of Fabric, Node ${version}`, 'node', ['all.cjs', 'fabric'], { cwd: cjs, env })
  }

  // 3. Jest 30 (CommonJS)
  const jest = join(scratch, 'jest')
  mkdirSync(jest)
  writeFileSync(join(jest, 'package.json'), '{ "type": "commonjs", "jest": { "testEnvironment": "node" } }')
  writeFileSync(
    join(jest, 'readme.test.js'),
    `${requireImports}\ntest('the README example', async () => {\n${body}\n})\n`,
  )
  await step('Jest 30 README example', 'node', [join(scratch, 'node_modules/jest/bin/jest.js'), '--ci', '--silent'], {
    cwd: jest,
  })

  // 4. Vite build, run in Chromium
  const vite = join(scratch, 'vite')
  mkdirSync(vite)
  writeFileSync(join(vite, 'package.json'), '{ "type": "module" }')
  const page = (script) =>
    `<!doctype html><html><body><pre id="out">running</pre><script type="module" src="./${script}"></script></body></html>`
  writeFileSync(join(vite, 'index.html'), page('main.js'))
  writeFileSync(
    join(vite, 'main.js'),
    `${imports.map((i) => `import {${i.names}} from '${i.from}'`).join('\n')}\nconst out = document.getElementById('out')\n;(async () => {\n${body}\n})().then(() => { out.textContent = 'readme ok' }, (e) => { out.textContent = 'failed: ' + e })\n`,
  )
  // the names the Node build exports (its ESM file's export clause): the browser stub must have them all
  const nodeBuild = readFileSync(join(scratch, 'node_modules/@medseal/adapter-fabric/dist/index.js'), 'utf8')
  const exported = [...nodeBuild.matchAll(/^export \{([^}]*)\}/gm)].flatMap((m) =>
    m[1]
      .split(',')
      .map((s) =>
        s
          .trim()
          .split(/\s+as\s+/)
          .pop(),
      )
      .filter(Boolean),
  )
  writeFileSync(join(vite, 'fabric.html'), page('fabric.js'))
  writeFileSync(
    join(vite, 'fabric.js'),
    `import { ${exported.join(', ')} } from '@medseal/adapter-fabric'\nconsole.log(${exported.join(', ')})\n`,
  )
  writeFileSync(
    join(vite, 'vite.config.js'),
    `export default { logLevel: 'error', build: { rollupOptions: { input: { main: 'index.html', fabric: 'fabric.html' } } } }\n`,
  )
  await step('Vite build', 'node', [join(scratch, 'node_modules/vite/bin/vite.js'), 'build'], { cwd: vite })
  await inChromium(join(vite, 'dist'), exported.length)

  // 5. TypeScript, skipLibCheck: false
  const types = join(scratch, 'types')
  mkdirSync(types)
  const use = subpaths
    .map((s, i) => `import * as m${i} from '${s.spec}'\nexport const k${i}: string[] = Object.keys(m${i})`)
    .join('\n')
  writeFileSync(join(types, 'esm.mts'), use)
  writeFileSync(join(types, 'cjs.cts'), use)
  writeFileSync(join(types, 'bundler.ts'), use)
  const base = {
    strict: true,
    skipLibCheck: false,
    noEmit: true,
    target: 'ES2022',
    lib: ['ES2023', 'DOM'],
    types: ['node'],
  }
  writeFileSync(
    join(types, 'node16.json'),
    JSON.stringify({
      compilerOptions: { ...base, module: 'node16', moduleResolution: 'node16' },
      files: ['esm.mts', 'cjs.cts'],
    }),
  )
  writeFileSync(
    join(types, 'bundler.json'),
    JSON.stringify({
      compilerOptions: { ...base, module: 'esnext', moduleResolution: 'bundler' },
      files: ['bundler.ts'],
    }),
  )
  const tsc = join(scratch, 'node_modules/typescript/bin/tsc')
  // the two checks are independent: run them side by side
  await Promise.all([
    step('tsc node16 (.mts + .cts), skipLibCheck false', 'node', [tsc, '-p', 'node16.json'], { cwd: types }),
    step('tsc bundler, skipLibCheck false', 'node', [tsc, '-p', 'bundler.json'], { cwd: types }),
  ])

  const secs = ((Date.now() - started) / 1000).toFixed(0)
  console.log(
    `✓ consumer test: ${packages.length} tarballs, ${steps.length} steps (ESM, CJS, Jest, Vite in Chromium, tsc node16/bundler; Node ${nodes.map((n) => n.version).join(', ')}) in ${secs} s`,
  )
} catch (e) {
  console.error(e instanceof Error ? e.message : e)
  console.error(`✗ consumer test (scratch project kept: ${scratch}); passed before the failure: ${steps.join('; ')}`)
  process.exitCode = 1
} finally {
  if (process.exitCode !== 1) rmSync(scratch, { recursive: true, force: true })
}

/** Serves the Vite build on 127.0.0.1 (a free port) and checks both pages in Debian's Chromium. */
async function inChromium(dist, fabricExports) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' }
  const server = createServer((req, res) => {
    const path = join(dist, new URL(req.url, 'http://x').pathname.replace(/\/$/, '/index.html'))
    try {
      const data = readFileSync(path)
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' })
      res.end(data)
    } catch {
      res.writeHead(404).end()
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${server.address().port}`
  const { chromium } = require('playwright-core')
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  })
  try {
    const p = await browser.newPage()
    await p.goto(`${base}/index.html`)
    await p.waitForFunction(() => document.getElementById('out')?.textContent !== 'running', null, { timeout: 60_000 })
    const out = await p.textContent('#out')
    if (out !== 'readme ok') throw new Error(`Vite README example in Chromium: ${out}`)
    steps.push('Vite README example in Chromium')
    const f = await browser.newPage()
    const error = new Promise((resolve) => f.on('pageerror', (e) => resolve(e.message)))
    await f.goto(`${base}/fabric.html`)
    const message = await Promise.race([error, new Promise((r) => setTimeout(() => r('no error within 10 s'), 10_000))])
    if (!/Node only/.test(message))
      throw new Error(`fabric in a browser build: expected a "Node only" error, got: ${message}`)
    steps.push(`Vite build importing all ${fabricExports} Fabric exports fails in Chromium with "Node only"`)
  } finally {
    await browser.close()
    await new Promise((resolve) => server.close(resolve))
  }
}
