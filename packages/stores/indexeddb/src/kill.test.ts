/**
 * kill -9 of the browser, with nothing lost: a page runs a real custodian over `@medseal/store-indexeddb` in Debian's
 * Chromium (persistent profile, page built by Vite and served on 127.0.0.1) and releases keys until the test kills
 * the browser's main process with SIGKILL at a random moment, five times. After each restart the page reads back
 * what IndexedDB kept: every key release the test saw has its log entry (and the releases and the log's permit
 * entries are equal in number: one transaction holds both); the stored tree nodes give the root of the stored
 * entries; every head the test was shown before the kill is a prefix of the log kept (the log only grew).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type BrowserContext, chromium } from 'playwright-core'
import { build } from 'vite'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { KillReport } from './_killHarness/main.js'

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url))
const KILLS = 5

let server: Server | undefined
let baseUrl = ''
let outDir = ''
let profile = ''
let context: BrowserContext | undefined

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'medseal-idb-kill-dist-'))
  profile = mkdtempSync(join(tmpdir(), 'medseal-idb-kill-profile-'))
  await build({
    root: src('./_killHarness'),
    logLevel: 'warn',
    resolve: {
      alias: [
        { find: /^@medseal\/core$/, replacement: src('../../../core/src/index.ts') },
        // the one helper the page takes from @medseal/core/testing (its index loads vitest, which is not for a page)
        { find: /^@medseal\/core\/testing$/, replacement: src('../../../core/src/testing/depositAndGrant.ts') },
        { find: /^@medseal\/adapter-memory$/, replacement: src('../../../adapters/memory/src/index.ts') },
      ],
    },
    build: { outDir, emptyOutDir: true, target: 'es2022' },
  })
  server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const file = normalize(join(outDir, path === '/' ? 'index.html' : path))
    if (!file.startsWith(outDir)) return void res.writeHead(403).end()
    try {
      const body = await readFile(file)
      const type = extname(file) === '.html' ? 'text/html' : 'text/javascript'
      res.writeHead(200, { 'content-type': `${type}; charset=utf-8` }).end(body)
    } catch {
      res.writeHead(404).end()
    }
  })
  // one port for the whole test: IndexedDB belongs to the origin, which includes the port
  await new Promise<void>((resolve) => (server as Server).listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${((server as Server).address() as AddressInfo).port}`
})

afterAll(async () => {
  await context?.close().catch(() => undefined)
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  rmSync(outDir, { recursive: true, force: true })
  rmSync(profile, { recursive: true, force: true })
})

/** Launches Chromium on the profile and opens the harness; `reports` receives what the page tells. */
async function launch(reports: KillReport[]) {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  })
  await context.exposeFunction('report', (r: KillReport) => {
    reports.push(r)
  })
  const page = context.pages()[0] ?? (await context.newPage())
  await page.goto(`${baseUrl}/`)
  await page.waitForFunction(() => typeof window.harness === 'object')
  return page
}

/** The pid of the browser's main process: our child whose command line names our profile directory. */
function browserPid(): number {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' }).split('\n')
  for (const row of rows) {
    const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(row)
    if (m && Number(m[2]) === process.pid && (m[3] as string).includes(`--user-data-dir=${profile}`))
      return Number(m[1])
  }
  throw new Error('the browser process was not found')
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

it(`kill -9 of the browser ${KILLS} times while a custodian releases keys over IndexedDB: nothing seen is lost`, async () => {
  const reports: KillReport[] = []
  const seenRuns: number[] = []
  for (let run = 0; run < KILLS; run++) {
    const page = await launch(reports)
    // what the previous runs kept, read by a fresh page after the kill
    for (const r of seenRuns) await check(page, reports, r)
    void page.evaluate((r) => window.harness.work(r), run).catch(() => undefined)
    // wait for the first release, then kill at a random moment within the next ~1.5 s
    const started = Date.now()
    while (!reports.some((x) => x.run === run && x.kind === 'release') && Date.now() - started < 60_000)
      await new Promise((r) => setTimeout(r, 20))
    expect(
      reports.some((x) => x.run === run && x.kind === 'release'),
      'releases started',
    ).toBe(true)
    await new Promise((r) => setTimeout(r, 100 + Math.floor(Math.random() * 1400)))
    const pid = browserPid()
    process.kill(pid, 'SIGKILL')
    while (alive(pid)) await new Promise((r) => setTimeout(r, 20))
    await context?.close().catch(() => undefined)
    context = undefined
    seenRuns.push(run)
  }
  const page = await launch(reports)
  for (const r of seenRuns) await check(page, reports, r)
  await context?.close()
  context = undefined
})

async function check(page: import('playwright-core').Page, reports: readonly KillReport[], run: number) {
  const start = reports.find((x) => x.kind === 'start' && x.run === run) as Extract<KillReport, { kind: 'start' }>
  const seen = Math.max(
    0,
    ...reports.filter((x) => x.kind === 'release' && x.run === run).map((x) => (x as { count: number }).count),
  )
  const heads = reports.filter((x) => x.kind === 'head' && x.run === run) as Extract<KillReport, { kind: 'head' }>[]
  const kept = await page.evaluate(([r, key, sizes]) => window.harness.verify(r, key, sizes), [
    run,
    start.consentKey,
    heads.map((h) => h.size),
  ] as const)
  if (process.env.MEDSEAL_KILL_VERBOSE)
    console.log({ run, seen, kept: { ...kept, roots: undefined }, heads: heads.length })
  expect(seen, `run ${run}: some releases were seen`).toBeGreaterThan(0)
  expect(kept.permits, `run ${run}: every release seen has its log entry`).toBeGreaterThanOrEqual(seen)
  expect(kept.releases, `run ${run}: a release row for each permit entry (one transaction)`).toBe(kept.permits)
  expect(kept.leafHashesMatch).toBe(true)
  expect(kept.rootMatchesNodes, `run ${run}: the stored tree gives the entries' root`).toBe(true)
  heads.forEach((h, i) => {
    expect(h.size).toBeLessThanOrEqual(kept.size)
    expect(kept.roots[i], `run ${run}: the head of size ${h.size} seen before the kill`).toBe(h.root)
  })
}
