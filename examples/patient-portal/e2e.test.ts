/**
 * End to end: the patient app and the clinician app, built by Vite and served on 127.0.0.1, driven in real headless
 * Chromium (Debian's, never a downloaded one) in two browser contexts — two profiles, each with its own keys — against
 * the real records service (examples/custodian-server) spawned on 127.0.0.1:<free port> and stopped after:
 * the patient adds the clinician and grants → the clinician opens the link and reads → the patient revokes → the
 * clinician is refused, in words → the patient checks the access log, each row verified against the ledger. Once on
 * PGlite and the service's memory ledger (plus reloads, an unreachable service, axe-core at 390 px and desktop width),
 * once on PostgreSQL with anvil as the ledger. Screenshots of each step under test-output/apps/.
 */
import { mkdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type StartAnvilReturnType, startAnvil } from '@medseal/adapter-evm/node'
import { type PostgresServer, startPostgres } from '@medseal/store-postgres/testing'
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core'
import { encode } from 'uqr'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, type RunningService, startService } from './e2e/startService.js'

const here = fileURLToPath(new URL('.', import.meta.url))
const outDir = fileURLToPath(new URL('../../test-output/apps/dist', import.meta.url))
const shots = fileURLToPath(new URL('../../test-output/apps', import.meta.url))
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
}

/** Serves the built apps from `root` on 127.0.0.1 (a free port). */
function serveStatic(root: string): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const file = normalize(join(root, path === '/' ? 'index.html' : path))
    if (!file.startsWith(root)) {
      res.writeHead(403).end()
      return
    }
    try {
      const body = await readFile(file)
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body)
    } catch {
      res.writeHead(404).end()
    }
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  )
}

let browser: Browser | undefined
let web: Server | undefined
let appsUrl = ''

beforeAll(async () => {
  mkdirSync(shots, { recursive: true })
  await build({ configFile: join(here, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } })
  const served = await serveStatic(outDir)
  web = served.server
  appsUrl = served.url
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
})

afterAll(async () => {
  await browser?.close()
  await new Promise<void>((resolve) => (web ? web.close(() => resolve()) : resolve()))
})

const byId = (id: string) => `[data-testid="${id}"]`
const PHONE = { width: 390, height: 844 }
const DESKTOP = { width: 1280, height: 900 }

async function ready(page: Page) {
  await page.waitForSelector(`${byId('app-status')}[data-ready="true"]`, { timeout: 60_000 })
}

/** Waits until the page is idle and says "Ready." (no error shown). */
async function readyOk(page: Page) {
  await ready(page)
  const errors = await page.locator(`${byId('errors')} [role="alert"]`).allTextContents()
  expect(errors).toEqual([])
  expect(await page.textContent(byId('app-status'))).toBe('Ready.')
}

/** axe-core (injected into the page): 0 serious or critical violations; and no sideways scrolling at the width. */
async function accessible(page: Page, label: string) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath })
  const violations = await page.evaluate(async () => {
    const w = window as unknown as {
      axe: {
        run(ctx: Document, o: object): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }>
      }
    }
    const r = await w.axe.run(document, { resultTypes: ['violations'] })
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }))
  })
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(serious, `${label}: ${JSON.stringify(violations)}`).toEqual([])
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }))
  expect(scroll, `${label}: no sideways scrolling`).toBeLessThanOrEqual(client)
}

/** The axe run at a phone's width and at a desktop's, for the page as it is now. */
async function accessibleAtBothWidths(page: Page, label: string) {
  const before = page.viewportSize()
  await page.setViewportSize(PHONE)
  await accessible(page, `${label} at 390 px`)
  await page.setViewportSize(DESKTOP)
  await accessible(page, `${label} at 1280 px`)
  if (before) await page.setViewportSize(before)
}

/** The text a person sees (closed "Details" controls hide theirs), as opposed to `textContent`. */
// biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the rendered text, on purpose
const visibleText = (locator: Locator) => locator.innerText()

const shot = (page: Page, name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true })

/** Clicks "Check the access log" until every row is verified against the ledger (the service anchors its head). */
async function verifiedLog(page: Page, rows: number) {
  const log = page.locator(byId('log-row'))
  let statuses: (string | null)[] = []
  for (let attempt = 0; attempt < 60; attempt++) {
    await page.click(byId('verify-log'))
    await readyOk(page)
    statuses = await log.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))
    expect(statuses).not.toContain('failed')
    if (statuses.length === rows && statuses.every((s) => s === 'verified')) return log
    await page.waitForTimeout(500)
  }
  throw new Error(`the access log was not anchored on the ledger in time; the rows: ${JSON.stringify(statuses)}`)
}

/** The whole story between two profiles; `name` prefixes the screenshots. */
async function story(service: RunningService, name: string, opts: { reloads: boolean; rpcUrl?: string }) {
  const b = browser as Browser
  const patientCtx: BrowserContext = await b.newContext({ viewport: PHONE })
  const clinicianCtx: BrowserContext = await b.newContext({ viewport: DESKTOP })
  const pageErrors: string[] = []
  try {
    const patient = await patientCtx.newPage()
    const clinician = await clinicianCtx.newPage()
    for (const p of [patient, clinician]) p.on('pageerror', (e) => pageErrors.push(e.message))

    // the clinician's app: their own keys, their ID to give to the patient
    await clinician.goto(`${appsUrl}/clinician.html`)
    await readyOk(clinician).catch(async () => {
      // with no link, the status line says what to do
      expect(await clinician.textContent(byId('app-status'))).toBe('Ready. Open a link a patient sent you.')
    })
    const clinicianId = (await clinician.textContent(byId('clinician-id'))) ?? ''
    expect(clinicianId).toMatch(/^0x[0-9a-fA-F]{40}$/)

    // the patient's app: records by plain names, each verified on the ledger, identifiers behind "Details"
    const settings = new URLSearchParams({ service: service.url, ...(opts.rpcUrl ? { rpc: opts.rpcUrl } : {}) })
    await patient.goto(`${appsUrl}/patient.html?${settings}`)
    await readyOk(patient)
    const records = patient.locator(byId('record-row'))
    expect(await records.count()).toBe(6)
    expect(await records.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual(
      Array(6).fill('verified'),
    )
    const visible = await visibleText(patient.locator(byId('records')))
    expect(visible).toContain('Hemoglobin A1c — 2 Mar 2024')
    expect(visible).not.toMatch(/0x[0-9a-f]{8}/i) // no hex on the screen until "Details" is opened
    await shot(patient, `${name}-1-patient-records`)
    await accessibleAtBothWidths(patient, `${name} patient records`)

    expect(await patient.getAttribute(byId('key-notice'), 'data-extractable')).toBe('false')

    // the patient adds the clinician (a mistyped ID is explained), chooses the record types and a duration, grants
    await patient.fill(byId('clinician-name'), 'Dr Grace Hopper')
    await patient.fill(byId('clinician-id'), clinicianId.slice(0, 30))
    await patient.click(`${byId('add-clinician')} button[type="submit"]`)
    await ready(patient)
    expect(await visibleText(patient.locator(`${byId('errors')} [role="alert"]`))).toContain(
      'That clinician ID is not valid.',
    )
    await patient.fill(byId('clinician-id'), clinicianId)
    await patient.click(`${byId('add-clinician')} button[type="submit"]`)
    await readyOk(patient)
    expect(await patient.inputValue(byId('grant-clinician'))).toBe(clinicianId)
    await patient.check('input[name="rtype"][value="Patient"]')
    await patient.uncheck('input[name="rtype"][value="Condition"]')
    await patient.selectOption(byId('grant-hours'), '24')
    await patient.click(byId('grant'))
    await readyOk(patient)
    expect(await patient.getAttribute(byId('grant-row'), 'data-state')).toBe('granted')
    const link = await patient.inputValue(byId('share-link'))
    expect(link.startsWith(`${appsUrl}/clinician.html#`)).toBe(true)
    // the QR code holds exactly this link (the same modules as uqr's encoding of it)
    const drawn = await patient.getAttribute(`${byId('share-qr')} svg[role="img"] path`, 'd')
    const qr = encode(link, { ecc: 'L', border: 2 })
    expect(drawn).toBe(qr.data.flatMap((row, y) => row.map((dark, x) => (dark ? `M${x} ${y}h1v1h-1z` : ''))).join(''))
    await shot(patient, `${name}-2-patient-grants`)
    await accessibleAtBothWidths(patient, `${name} patient grant and share`)

    if (opts.reloads) {
      // records and grants survive a reload (IndexedDB): nothing sealed again, the grant still there
      const commitments = await records.evaluateAll((els) => els.map((e) => e.getAttribute('data-commitment')))
      await patient.reload()
      await readyOk(patient)
      expect(await records.evaluateAll((els) => els.map((e) => e.getAttribute('data-commitment')))).toEqual(commitments)
      expect(await patient.getAttribute(byId('grant-row'), 'data-state')).toBe('granted')
      expect(await visibleText(patient.locator(byId('grant-row')))).toContain('Dr Grace Hopper')
    }

    // the clinician opens the link and reads readable summaries (no raw JSON)
    await clinician.goto(link)
    await readyOk(clinician)
    expect(await clinician.textContent(byId('share-summary'))).toMatch(/shared 5 records with you/)
    await clinician.click(byId('open-records'))
    await readyOk(clinician)
    const shared = clinician.locator(byId('shared-record'))
    expect(await shared.count()).toBe(5)
    expect(await shared.evaluateAll((els) => els.map((e) => e.getAttribute('data-outcome')))).toEqual(
      Array(5).fill('permit'),
    )
    const read = await visibleText(clinician.locator(byId('records')))
    expect(read).toContain('Heart rate')
    expect(read).toContain('72 /min')
    expect(read).toContain('Hemoglobin A1c')
    expect(read).toContain('Ada Lovelace')
    expect(read).not.toContain('"resourceType"')
    expect(read).not.toContain('Asthma') // Conditions were not shared
    await shot(clinician, `${name}-3-clinician-reads`)
    await accessibleAtBothWidths(clinician, `${name} clinician reads`)

    // the patient revokes
    await patient.click(`${byId('grant-row')} ${byId('revoke')}`)
    await readyOk(patient)
    expect(await patient.getAttribute(byId('grant-row'), 'data-state')).toBe('revoked')

    // the clinician is refused, each refusal in words with what to do
    await clinician.click(byId('open-records'))
    await ready(clinician)
    expect(await shared.evaluateAll((els) => els.map((e) => e.getAttribute('data-code')))).toEqual(
      Array(5).fill('CONSENT_REVOKED'),
    )
    for (const refusal of await clinician.locator(byId('refusal')).allInnerTexts()) {
      expect(refusal).toContain('The patient has withdrawn this access.')
      expect(refusal).toContain('What you can do: Ask the patient to share the records with you again')
    }
    expect(await visibleText(clinician.locator(byId('refusal-summary')))).toContain(
      'The patient has withdrawn this access.',
    )
    expect(await visibleText(clinician.locator(byId('records')))).not.toMatch(/^CONSENT_REVOKED$/m)
    await shot(clinician, `${name}-4-clinician-refused`)
    await accessibleAtBothWidths(clinician, `${name} clinician refused`)

    // the patient's log: five reads and five refusals, in words, each verified against the ledger
    const log = await verifiedLog(patient, 10)
    const outcomes = await log.evaluateAll((els) => els.map((e) => e.getAttribute('data-outcome')))
    expect(outcomes).toEqual([...Array(5).fill('permit'), ...Array(5).fill('deny')])
    const rows = await log.allInnerTexts()
    expect(rows[0]).toContain('Dr Grace Hopper opened')
    expect(rows[0]).toContain('for treatment')
    expect(rows[0]).toContain('✔ Verified against the ledger')
    expect(rows[9]).toContain('Dr Grace Hopper tried to open')
    expect(rows[9]).toContain('you had revoked the access')
    await shot(patient, `${name}-5-patient-log`)
    await patient.locator(byId('log-row')).nth(9).scrollIntoViewIfNeeded()
    await patient.screenshot({ path: join(shots, `${name}-5b-patient-log-refusal-row.png`) })
    await accessibleAtBothWidths(patient, `${name} patient access log`)
    expect(pageErrors).toEqual([])
    return { patient, clinician, patientCtx, clinicianCtx, link }
  } catch (err) {
    await patientCtx.close()
    await clinicianCtx.close()
    throw err
  }
}

/**
 * SMART Health Links between the two profiles (after the story: its 10 log rows come first): the patient makes a
 * link with a passcode and health cards, shows a card's QR; the clinician gives a wrong passcode (refused, tries
 * left shown) then the right one and reads the records and the verified cards; the patient sees the link's fetches
 * and the wrong passcode in the log, revokes the link; the clinician is refused.
 */
async function linkStory(patient: Page, clinicianCtx: BrowserContext) {
  // the patient creates the link: two records, a day, a passcode, health cards
  const boxes = patient.locator('input[name="link-record"]')
  expect(await boxes.count()).toBe(5)
  await boxes.nth(0).check()
  await boxes.nth(1).check()
  await patient.fill(byId('link-label'), 'For Dr Hopper')
  await patient.fill(byId('link-passcode'), 'tulip-42')
  await patient.selectOption(byId('link-hours'), '24')
  await patient.click(byId('create-link'))
  await readyOk(patient)
  const shlink = await patient.inputValue(byId('link-text'))
  expect(shlink.startsWith('shlink:/')).toBe(true)
  expect(await patient.getAttribute(byId('link-row'), 'data-state')).toBe('active')
  expect(await visibleText(patient.locator(byId('link-row')))).toContain('with a passcode')
  const drawn = await patient.getAttribute(`${byId('link-qr')} svg[role="img"] path`, 'd')
  const qr = encode(shlink, { ecc: 'L', border: 2 })
  expect(drawn).toBe(qr.data.flatMap((row, y) => row.map((dark, x) => (dark ? `M${x} ${y}h1v1h-1z` : ''))).join(''))
  await patient.locator(byId('link-shown')).scrollIntoViewIfNeeded()
  await patient.screenshot({ path: join(shots, 'pglite-10-patient-link.png') })
  await accessibleAtBothWidths(patient, 'patient SMART Health Link')

  // a record's health card as a QR code (shc:/ numeric)
  await patient.locator(byId('show-card')).first().click()
  await readyOk(patient)
  expect(await patient.inputValue(byId('card-text'))).toMatch(/^shc:\/[0-9]+$/)
  expect(await patient.locator(`${byId('card-qr')} svg[role="img"]`).count()).toBe(1)
  await patient.locator(byId('card-shown')).scrollIntoViewIfNeeded()
  await patient.screenshot({ path: join(shots, 'pglite-11-patient-health-card.png') })
  await accessibleAtBothWidths(patient, 'patient health card')

  // the clinician opens it (as a viewer URL): a wrong passcode first
  const clinician = await clinicianCtx.newPage()
  await clinician.goto(`${appsUrl}/clinician.html#${shlink}`)
  await readyOk(clinician)
  expect(await visibleText(clinician.locator(byId('shl-summary')))).toContain('For Dr Hopper')
  expect(await clinician.isVisible(byId('shl-passcode'))).toBe(true)
  await clinician.fill(byId('shl-recipient'), 'Dr Grace Hopper, City Clinic')
  await clinician.fill(byId('shl-passcode'), 'tulip-41')
  await clinician.click(byId('shl-open'))
  await readyOk(clinician)
  const refusal = clinician.locator(byId('shl-error'))
  expect(await refusal.getAttribute('data-code')).toBe('SHL_PASSCODE_INVALID')
  expect(await visibleText(refusal)).toContain('The passcode is wrong. 4 tries are left')
  expect(await visibleText(refusal)).toContain('What you can do: Check the passcode with the patient')
  await clinician.screenshot({ path: join(shots, 'pglite-12-clinician-wrong-passcode.png'), fullPage: true })
  await accessibleAtBothWidths(clinician, 'clinician wrong passcode')

  // the right passcode: the records as summaries, the cards verified
  await clinician.fill(byId('shl-passcode'), 'tulip-42')
  await clinician.click(byId('shl-open'))
  await readyOk(clinician)
  expect(await clinician.locator(byId('shl-error')).count()).toBe(0)
  expect(await clinician.locator(byId('shl-record')).count()).toBe(2)
  expect(await clinician.locator(byId('shl-card')).count()).toBe(2)
  const files = await visibleText(clinician.locator(byId('shl-files')))
  expect(files).toContain('Heart rate')
  expect(files).toContain('✔ Health card checked: signed by Demo General Hospital (a test issuer), for Ada Lovelace')
  expect(files).not.toContain('"resourceType"')
  await clinician.screenshot({ path: join(shots, 'pglite-13-clinician-reads-link.png'), fullPage: true })
  await accessibleAtBothWidths(clinician, 'clinician reads a link')

  // the patient's log: the wrong passcode, the manifest (one row per file) and the file fetches, in words
  const linkRows = (rows: string[]) => rows.slice(10)
  let rows = await (await verifiedLog(patient, 10 + 1 + 4 + 4)).allInnerTexts()
  expect(linkRows(rows)[0]).toContain(
    'Someone who gave the name “Dr Grace Hopper, City Clinic” typed a wrong passcode for your link “For Dr Hopper”',
  )
  expect(linkRows(rows).filter((r) => r.includes('opened your link “For Dr Hopper”, which lists'))).toHaveLength(4)
  expect(linkRows(rows).filter((r) => r.includes('downloaded'))).toHaveLength(4)
  expect(linkRows(rows).every((r) => r.includes('through a link you shared'))).toBe(true)
  await patient.locator(byId('log-row')).nth(10).scrollIntoViewIfNeeded()
  await patient.screenshot({ path: join(shots, 'pglite-14-patient-log-link.png') })

  // the patient revokes the link; the clinician is refused, in words
  await patient.click(`${byId('link-row')} ${byId('revoke-link')}`)
  await readyOk(patient)
  expect(await patient.getAttribute(byId('link-row'), 'data-state')).toBe('revoked')
  await clinician.click(byId('shl-open'))
  await readyOk(clinician)
  expect(await clinician.getAttribute(byId('shl-error'), 'data-code')).toBe('SHL_NOT_FOUND')
  expect(await visibleText(clinician.locator(byId('shl-error')))).toContain('The patient has revoked this link.')
  expect(await clinician.locator(byId('shl-record')).count()).toBe(0)
  await clinician.screenshot({ path: join(shots, 'pglite-15-clinician-link-revoked.png'), fullPage: true })
  await accessibleAtBothWidths(clinician, 'clinician link revoked')
  rows = await (await verifiedLog(patient, 10 + 1 + 4 + 4 + 1)).allInnerTexts()
  expect(rows.at(-1)).toContain('tried to open your link “For Dr Hopper” and was refused: you had revoked the access')
  await clinician.close()
}

describe('patient and clinician apps in Chromium, against the records service', () => {
  it('PGlite + memory ledger: grant, read, revoke, refused, verified log; reloads; a SMART Health Link; an unreachable service', async () => {
    const service = await startService({ corsOrigin: appsUrl })
    try {
      const { patient, patientCtx, clinicianCtx, link } = await story(service, 'pglite', { reloads: true })
      try {
        await linkStory(patient, clinicianCtx)
        // the service goes away: the next action says so in words, and the controls that need it are disabled
        await service.stop()
        await patient.click(byId('verify-log'))
        await ready(patient)
        const alert = patient.locator(`${byId('errors')} [role="alert"]`)
        expect(await alert.getAttribute('data-code')).toBe('SERVICE_UNAVAILABLE')
        expect(await visibleText(alert)).toContain('The records service cannot be reached right now.')
        expect(await patient.isDisabled(byId('verify-log'))).toBe(true)
        expect(await patient.isDisabled(byId('grant'))).toBe(true)
        expect(await patient.isVisible(byId('retry'))).toBe(true)
        await patient.evaluate(() => window.scrollTo(0, 0))
        await patient.screenshot({ path: join(shots, 'pglite-6-service-unreachable.png') })
        await accessibleAtBothWidths(patient, 'patient, service unreachable')

        // opened while the service is down: the same words, no live-looking buttons
        const fresh = await patientCtx.newPage()
        await fresh.goto(
          `${appsUrl}/patient.html?service=${encodeURIComponent(`http://127.0.0.1:${await freePort()}`)}`,
        )
        await ready(fresh)
        expect(await visibleText(fresh.locator(`${byId('errors')} [role="alert"]`))).toContain(
          'The records service cannot be reached right now.',
        )
        expect(await fresh.isDisabled(byId('grant'))).toBe(true)
        expect(await fresh.isDisabled(byId('verify-log'))).toBe(true)
        await fresh.screenshot({ path: join(shots, 'pglite-7-opened-offline.png') })
        // a damaged link: what happened and what to do, not CONSENT_MALFORMED
        const damaged = `${appsUrl}/clinician.html#${new URLSearchParams({ service: service.url, consent: 'msc1.AAAA', records: 'ab'.repeat(32) })}`
        const clinician = await clinicianCtx.newPage()
        await clinician.goto(damaged)
        await ready(clinician)
        const problem = clinician.locator(`${byId('errors')} [role="alert"]`)
        expect(await problem.getAttribute('data-code')).toBe('CONSENT_MALFORMED')
        expect(await visibleText(problem)).toContain('The link or QR code is damaged or incomplete')
        expect(await visibleText(problem)).toContain('What you can do: Open the link again exactly as you received it')
        expect(await clinician.isVisible(byId('retry'))).toBe(false) // trying again would not help
        await clinician.screenshot({ path: join(shots, 'pglite-8-clinician-damaged-link.png') })
        await accessibleAtBothWidths(clinician, 'clinician, damaged link')

        // the good link pasted into "Open a link": it opens, and says the service is down (it is), with "Try again"
        await clinician.fill(byId('link-input'), link)
        await clinician.click(`${byId('open-link')} button[type="submit"]`)
        await clinician.waitForURL(link)
        await ready(clinician)
        const down = clinician.locator(`${byId('errors')} [role="alert"]`)
        expect(await down.getAttribute('data-code')).toBe('SERVICE_UNAVAILABLE')
        expect(await visibleText(down)).toContain('The records service cannot be reached right now.')
        expect(await clinician.isDisabled(byId('open-records'))).toBe(true)
        expect(await clinician.isVisible(byId('retry'))).toBe(true)
        await clinician.screenshot({ path: join(shots, 'pglite-9-clinician-service-down.png') })
      } finally {
        await patientCtx.close()
        await clinicianCtx.close()
      }
    } finally {
      await service.stop()
    }
  }, 420_000)

  describe('on PostgreSQL with anvil', () => {
    let anvil: StartAnvilReturnType | undefined
    let postgres: PostgresServer | undefined
    let service: RunningService | undefined
    afterAll(async () => {
      await service?.stop()
      await anvil?.stop()
      await postgres?.stop()
    })

    it('the same story with the service on PostgreSQL and a MedsealRegistry on anvil', async () => {
      postgres = await startPostgres()
      anvil = await startAnvil()
      service = await startService({
        databaseUrl: await postgres.createDatabase('apps_e2e'),
        rpcUrl: anvil.rpcUrl,
        corsOrigin: appsUrl,
      })
      const { patientCtx, clinicianCtx } = await story(service, 'postgres-anvil', {
        reloads: false,
        rpcUrl: anvil.rpcUrl,
      })
      await patientCtx.close()
      await clinicianCtx.close()
      // a page that was not told the chain's address says so, in words, with what to do
      const lost = await (browser as Browser).newContext({ viewport: PHONE })
      try {
        const page = await lost.newPage()
        await page.goto(`${appsUrl}/patient.html?service=${encodeURIComponent(service.url)}`)
        await ready(page)
        const alert = page.locator(`${byId('errors')} [role="alert"]`)
        expect(await visibleText(alert)).toContain('keeps its ledger on a blockchain')
        expect(await visibleText(alert)).toContain('?rpc=')
        expect(await page.isDisabled(byId('grant'))).toBe(true)
      } finally {
        await lost.close()
      }
    }, 300_000)
  })
})
