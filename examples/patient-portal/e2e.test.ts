/**
 * End to end: the portal built by Vite, served on 127.0.0.1, driven in real headless Chromium (Debian's, never a
 * downloaded one): grant → the doctor reads → revoke → the doctor is refused → the patient's log shows the read and
 * the refusal, each verified. Once on the memory ledger, once on a real anvil node.
 */
import { mkdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deployRegistry } from '@medseal/adapter-evm'
import { anvilPrivateKeys, type StartAnvilReturnType, startAnvil } from '@medseal/adapter-evm/node'
import { type Browser, chromium, type Page } from 'playwright-core'
import { createPublicClient, createWalletClient, http } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { foundry } from 'viem/chains'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const here = fileURLToPath(new URL('.', import.meta.url))
const outDir = fileURLToPath(new URL('../../test-output/patient-portal/dist', import.meta.url))
const shots = fileURLToPath(new URL('../../test-output/patient-portal', import.meta.url))

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
}

/** Serves the built app from `root` on 127.0.0.1 (a free port). */
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
let server: Server | undefined
let baseUrl = ''

beforeAll(async () => {
  mkdirSync(shots, { recursive: true })
  await build({
    configFile: join(here, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  })
  const served = await serveStatic(outDir)
  server = served.server
  baseUrl = served.url
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
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
})

const byId = (id: string) => `[data-testid="${id}"]`

async function ready(page: Page) {
  await page.waitForSelector(`${byId('app-status')}[data-ready="true"]`, { timeout: 60_000 })
  const status = await page.textContent(byId('app-status'))
  expect(status).toBe('Ready.')
}

/** The whole story on one page; `name` prefixes the screenshots. */
async function story(page: Page, name: string, ledgerKind: 'memory' | 'evm') {
  const pageErrors: string[] = []
  page.on('pageerror', (e) => pageErrors.push(e.message))
  await ready(page)
  expect(await page.getAttribute(byId('ledger-id'), 'data-kind')).toBe(ledgerKind)
  // keys: wrapped by a non-extractable WebCrypto key
  expect(await page.getAttribute(byId('key-notice'), 'data-extractable')).toBe('false')
  // every demo record anchored, its receipt verified against the ledger
  const rows = page.locator(byId('record-row'))
  expect(await rows.count()).toBe(5)
  for (let i = 0; i < 5; i++) expect(await rows.nth(i).getAttribute('data-status')).toBe('verified')
  await page.screenshot({ path: join(shots, `${name}-1-records.png`), fullPage: true })

  // the patient grants
  await page.click(byId('grant'))
  await page.waitForSelector(`${byId('grant-status')}[data-state="granted"]`)
  await ready(page)
  expect(await page.textContent(byId('grant-token'))).toMatch(/^msc1\./)

  // the doctor reads the heart-rate Observation through the custodian
  await page.click(byId('tab-doctor'))
  await page.click(byId('doctor-read-1'))
  await page.waitForSelector(`${byId('doctor-result')}[data-outcome="permit"]`)
  await ready(page)
  const resource = JSON.parse((await page.textContent(byId('doctor-resource'))) ?? '{}')
  expect(resource).toMatchObject({ resourceType: 'Observation', valueQuantity: { value: 72 } })
  await page.screenshot({ path: join(shots, `${name}-2-doctor-reads.png`), fullPage: true })

  // the patient revokes
  await page.click(byId('tab-patient'))
  await page.click(byId('revoke'))
  await page.waitForSelector(`${byId('grant-status')}[data-state="revoked"]`)
  await ready(page)

  // the doctor is refused, with the reason code
  await page.click(byId('tab-doctor'))
  await page.click(byId('doctor-read-1'))
  await page.waitForSelector(`${byId('doctor-result')}[data-outcome="deny"]`)
  await ready(page)
  expect(await page.textContent(byId('doctor-error-code'))).toBe('CONSENT_REVOKED')
  await page.screenshot({ path: join(shots, `${name}-3-doctor-refused.png`), fullPage: true })

  // the patient's log: the read and the refused attempt, each verified against the signed, anchored head
  await page.click(byId('tab-patient'))
  await page.click(byId('verify-log'))
  await ready(page)
  const log = page.locator(byId('log-row'))
  expect(await log.count()).toBe(2)
  expect(await log.nth(0).getAttribute('data-outcome')).toBe('permit')
  expect(await log.nth(0).getAttribute('data-status')).toBe('verified')
  expect(await log.nth(1).getAttribute('data-outcome')).toBe('deny')
  expect(await log.nth(1).getAttribute('data-reason')).toBe('CONSENT_REVOKED')
  expect(await log.nth(1).getAttribute('data-status')).toBe('verified')
  expect(await page.textContent(byId('log-head'))).toMatch(/Signed head of 2 events/)
  await page.screenshot({ path: join(shots, `${name}-4-access-log.png`), fullPage: true })
  expect(pageErrors).toEqual([])
}

/** The commitments of the records the page lists, in order. */
const commitmentsOf = (page: Page) =>
  page.locator('[data-testid^="doctor-read-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-commitment')))

/**
 * After the story: reload, and find the patient's records (the same ones: nothing sealed again, every receipt
 * verified), the revoked grant and the access log again; then grant anew, reload, and the doctor still gets a key from
 * the custodian (its records, releases and log live in IndexedDB too), with the log now holding three verified rows.
 */
async function afterReload(page: Page) {
  const commitments = await commitmentsOf(page)
  expect(commitments).toHaveLength(5)
  const revokedToken = await page.textContent(byId('grant-token'))
  await page.reload()
  await ready(page)
  const rows = page.locator(byId('record-row'))
  expect(await rows.count()).toBe(5)
  for (let i = 0; i < 5; i++) expect(await rows.nth(i).getAttribute('data-status')).toBe('verified')
  expect(await commitmentsOf(page)).toEqual(commitments)
  expect(await page.getAttribute(byId('grant-status'), 'data-state')).toBe('revoked')
  expect(await page.textContent(byId('grant-token'))).toBe(revokedToken)
  await page.click(byId('verify-log'))
  await ready(page)
  const log = page.locator(byId('log-row'))
  expect(await log.count()).toBe(2)
  expect(await log.nth(0).getAttribute('data-outcome')).toBe('permit')
  expect(await log.nth(1).getAttribute('data-reason')).toBe('CONSENT_REVOKED')
  for (let i = 0; i < 2; i++) expect(await log.nth(i).getAttribute('data-status')).toBe('verified')
  await page.screenshot({ path: join(shots, 'memory-5-after-reload.png'), fullPage: true })

  // a new grant survives a reload, and the custodian of the reloaded page releases the key under it
  await page.click(byId('grant'))
  await page.waitForSelector(`${byId('grant-status')}[data-state="granted"]`)
  await ready(page)
  const token = await page.textContent(byId('grant-token'))
  expect(token).toMatch(/^msc1\./)
  expect(token).not.toBe(revokedToken)
  await page.reload()
  await ready(page)
  expect(await page.getAttribute(byId('grant-status'), 'data-state')).toBe('granted')
  expect(await page.textContent(byId('grant-token'))).toBe(token)
  expect(await page.inputValue(byId('doctor-token'))).toBe(token)
  await page.click(byId('tab-doctor'))
  await page.click(byId('doctor-read-1'))
  await page.waitForSelector(`${byId('doctor-result')}[data-outcome="permit"]`)
  await ready(page)
  const resource = JSON.parse((await page.textContent(byId('doctor-resource'))) ?? '{}')
  expect(resource).toMatchObject({ resourceType: 'Observation', valueQuantity: { value: 72 } })
  await page.click(byId('tab-patient'))
  await page.click(byId('verify-log'))
  await ready(page)
  expect(await log.count()).toBe(3)
  for (let i = 0; i < 3; i++) expect(await log.nth(i).getAttribute('data-status')).toBe('verified')
  expect(await log.nth(2).getAttribute('data-outcome')).toBe('permit')
  await page.reload()
  await ready(page)
}

describe('patient portal in Chromium', () => {
  it('memory ledger: grant, read, revoke, refused, verified log; records, grants, custodian, log and keys survive reloads; bad ledger params and a tampered key are refused by code', async () => {
    const context = await (browser as Browser).newContext({ viewport: { width: 1280, height: 900 } })
    try {
      const page = await context.newPage()
      await page.goto(`${baseUrl}/`)
      await story(page, 'memory', 'memory')
      // the patient's keys come back from IndexedDB (unwrapped by the stored non-extractable key)
      const address = await page.textContent(byId('patient-address'))
      expect(address).toMatch(/^0x[0-9a-fA-F]{40}$/)
      await afterReload(page)
      expect(await page.textContent(byId('patient-address'))).toBe(address)
      expect(await page.textContent(byId('key-notice'))).toMatch(/Keys loaded/)
      // what IndexedDB holds: a CryptoKey the browser refuses to export, and the seed only as AES-GCM ciphertext
      const stored = await page.evaluate(async () => {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const req = indexedDB.open('medseal-patient-portal')
          req.onsuccess = () => resolve(req.result)
          req.onerror = () => reject(req.error)
        })
        const get = (key: string) =>
          new Promise<unknown>((resolve, reject) => {
            const req = db.transaction('keys').objectStore('keys').get(key)
            req.onsuccess = () => resolve(req.result)
            req.onerror = () => reject(req.error)
          })
        const key = (await get('wrapping-key')) as CryptoKey
        const wrapped = (await get('party:patient')) as { iv: Uint8Array; ciphertext: Uint8Array }
        const exported = await crypto.subtle.exportKey('raw', key).then(
          () => 'exported',
          (e: DOMException) => e.name,
        )
        db.close()
        return {
          isCryptoKey: key instanceof CryptoKey,
          extractable: key.extractable,
          exported,
          ivLength: wrapped.iv.length,
          ciphertextLength: wrapped.ciphertext.length,
          keys: Object.keys(wrapped).sort(),
        }
      })
      expect(stored).toEqual({
        isCryptoKey: true,
        extractable: false,
        exported: 'InvalidAccessError',
        ivLength: 12,
        ciphertextLength: 48, // 32-byte seed + 16-byte tag
        keys: ['ciphertext', 'iv', 'v'],
      })

      // bad ledger parameters are refused with their code
      const status = () => page.textContent(byId('app-status'))
      await page.goto(`${baseUrl}/?rpc=${encodeURIComponent('ftp://127.0.0.1/')}`)
      await page.waitForSelector(`${byId('app-status')}[data-ready="true"]`)
      expect(await status()).toBe('Failed: INVALID_ARGUMENT: The RPC URL must be http(s).')
      await page.goto(`${baseUrl}/?rpc=${encodeURIComponent('http://127.0.0.1:9/')}&registry=0x1234`)
      await page.waitForSelector(`${byId('app-status')}[data-ready="true"]`)
      expect(await status()).toBe('Failed: INVALID_ARGUMENT: Give the MedsealRegistry address as ?registry=0x….')

      // a tampered wrapped seed does not unwrap (DECRYPT_FAILED); a malformed one is refused (INVALID_ENCODING)
      const tamper = (mode: 'flip' | 'truncate') =>
        page.evaluate(async (mode) => {
          const db = await new Promise<IDBDatabase>((resolve, reject) => {
            const req = indexedDB.open('medseal-patient-portal')
            req.onsuccess = () => resolve(req.result)
            req.onerror = () => reject(req.error)
          })
          const store = () => db.transaction('keys', 'readwrite').objectStore('keys')
          const wrapped = await new Promise<{ iv: Uint8Array; ciphertext: Uint8Array }>((resolve, reject) => {
            const req = store().get('party:patient')
            req.onsuccess = () => resolve(req.result)
            req.onerror = () => reject(req.error)
          })
          if (mode === 'flip') wrapped.ciphertext[0] = (wrapped.ciphertext[0] as number) ^ 1
          else wrapped.iv = wrapped.iv.slice(0, 8)
          await new Promise((resolve, reject) => {
            const req = store().put(wrapped, 'party:patient')
            req.onsuccess = () => resolve(undefined)
            req.onerror = () => reject(req.error)
          })
          db.close()
        }, mode)
      await tamper('flip')
      await page.goto(`${baseUrl}/`)
      await page.waitForSelector(`${byId('app-status')}[data-ready="true"]`)
      expect(await status()).toBe('Failed: DECRYPT_FAILED: The stored key of "patient" could not be unwrapped.')
      expect(await page.textContent(byId('patient-address'))).toBe('')
      await tamper('truncate')
      await page.goto(`${baseUrl}/`)
      await page.waitForSelector(`${byId('app-status')}[data-ready="true"]`)
      expect(await status()).toBe('Failed: INVALID_ENCODING: The stored key of "patient" is malformed.')
      expect(await page.textContent(byId('patient-address'))).toBe('')
    } finally {
      await context.close()
    }
  })

  describe('on anvil', () => {
    let anvil: StartAnvilReturnType | undefined
    afterAll(async () => {
      await anvil?.stop()
    })

    it('the same story against a MedsealRegistry on a real anvil node', async () => {
      anvil = await startAnvil()
      const transport = http(anvil.rpcUrl)
      const registry = await deployRegistry({
        publicClient: createPublicClient({ chain: foundry, transport }),
        walletClient: createWalletClient({
          chain: foundry,
          transport,
          account: privateKeyToAccount(anvilPrivateKeys[0]),
        }),
      })
      const context = await (browser as Browser).newContext({ viewport: { width: 1280, height: 900 } })
      try {
        const page = await context.newPage()
        const q = new URLSearchParams({ rpc: anvil.rpcUrl, registry })
        await page.goto(`${baseUrl}/?${q}`)
        await story(page, 'anvil', 'evm')
        expect(await page.textContent(byId('ledger-id'))).toBe(`EVM · eip155:31337:${registry}`)
      } finally {
        await context.close()
      }
    })
  })
})
