import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { get as httpGet } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startAnvil } from '@medseal/adapter-evm/node'
import { bytesToHex0x, createDeposit, createParty, open, seal } from '@medseal/core'
import { depositAndGrant } from '@medseal/core/testing'
import { createCustodianClient, createRemoteLedger } from '@medseal/service'
import { createSmartHealthLink, decodeShlink, openSmartHealthLink } from '@medseal/smart-health'
import { startPostgres } from '@medseal/store-postgres/testing'
import { afterAll, describe, expect, it } from 'vitest'
import { readConfig } from './config.js'

const here = fileURLToPath(new URL('..', import.meta.url))
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url))
const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

type Running = { child: ChildProcess; url: string; out: string[] }

/** Starts `pnpm start`'s command as a real process and waits for the line naming its URL. */
function start(env: Record<string, string>): Promise<Running> {
  const child = spawn(tsx, ['--tsconfig', '../../tsconfig.json', 'src/main.ts'], {
    cwd: here,
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const out: string[] = []
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`no URL printed: ${out.join('')}`))
    }, 180_000)
    const onData = (chunk: Buffer) => {
      out.push(chunk.toString())
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*stop with/.exec(out.join(''))
      if (m?.[1]) {
        clearTimeout(timer)
        resolve({ child, url: m[1], out })
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', (c: Buffer) => out.push(c.toString()))
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`exited ${code}: ${out.join('')}`))
    })
  })
}

/** GET on a connection of its own (so round-robin gives it to the next worker). */
function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    httpGet(url, { agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c) => {
        body += c
      })
      res.on('end', () => resolve(JSON.parse(body)))
    }).on('error', reject)
  })
}

/** Waits (at most 60 s) until `done()` holds. */
async function until(done: () => boolean) {
  for (let i = 0; i < 600 && !done(); i++) await new Promise((r) => setTimeout(r, 100))
  expect(done()).toBe(true)
}

/** Sends `signal` and resolves with the exit code once the process exited and everything it printed was read. */
function stop(r: Running, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  return new Promise((resolve) => {
    r.child.removeAllListeners('exit')
    // 'close', not 'exit': 'exit' can come before its last lines ("stopped") were read
    r.child.once('close', (code) => resolve(code))
    r.child.kill(signal)
  })
}

const record = { resourceType: 'Observation', status: 'final', code: { text: 'Heart rate' } }

/** The patient deposits and grants; the doctor reads; returns what to check after a restart. */
async function story(url: string, ledgerUrl?: string) {
  const custodian = await createCustodianClient({ url })
  const ledger = await createRemoteLedger({ url: ledgerUrl ?? url })
  const [patient, doctor] = [createParty(), createParty()] as const
  const { commitment, keyRequest } = await depositAndGrant(ledger, { custodian, patient, grantee: doctor, record })
  const { envelope } = await custodian.releaseKey(await keyRequest())
  expect((await open(envelope, doctor)).value).toEqual(record)
  return { custodian, commitment, patient }
}

describe('examples/custodian-server (a real process on 127.0.0.1)', () => {
  it('starts on PGlite in a directory and the file-backed memory ledger, prints what it stores, serves the story, stops on SIGTERM and resumes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medseal-custodian-server-'))
    dirs.push(dir)
    const first = await start({ MEDSEAL_DATA_DIR: dir })
    const printed = first.out.join('')
    expect(printed).toContain(`PGlite in ${join(dir, 'pglite')} (on a worker thread)`)
    expect(printed).toContain(`file-backed memory ledger ${join(dir, 'ledger.json')}`)
    expect(printed).toMatch(/custodian 0x[0-9a-fA-F]{40}/)
    // key requests are checked with libsecp256k1 (@medseal/core/node), not the pure-JS default
    expect(printed).toContain('signature checks: libsecp256k1')
    const { custodian, commitment, patient } = await story(first.url)
    const before = await custodian.accessLog.signedHead()
    expect(before.head.treeSize).toBe(1)
    expect(await stop(first)).toBe(0)
    expect(first.out.join('')).toContain('stopped')

    // again behind a (simulated) proxy at https://links.test/api: MEDSEAL_PUBLIC_URL
    const second = await start({ MEDSEAL_DATA_DIR: dir, MEDSEAL_PUBLIC_URL: 'https://links.test/api/' })
    try {
      const again = await createCustodianClient({ url: second.url })
      expect(again.identity.address).toBe(custodian.identity.address)
      expect(await again.getEntry(commitment)).toMatchObject({ commitment, resourceType: 'Observation' })
      expect((await again.accessLog.getEvents()).entries.map((e) => e.event.outcome)).toEqual(['permit'])
      expect(second.out.join('')).toContain('access log (1 events)')
      expect(second.out.join('')).toContain('SMART Health Link URLs under https://links.test/api/v1/shl')
      const viaProxy = (url: string, init?: RequestInit) =>
        fetch(url.replace('https://links.test/api', second.url), init)
      const ledger = await createRemoteLedger({ url: second.url })
      const { shlink } = await createSmartHealthLink(
        { ledger, fetch: viaProxy },
        {
          patient,
          serviceUrl: 'https://links.test/api',
          durationSeconds: 600,
          files: [
            {
              contentType: 'application/fhir+json',
              content: JSON.stringify(record),
              commitment: commitment,
              resourceType: 'Observation',
            },
          ],
        },
      )
      // every URL the server puts into the link is the public one: the manifest's and the file locations
      expect(decodeShlink(shlink).url).toMatch(/^https:\/\/links\.test\/api\/v1\/shl\/[\w-]{43}\/manifest$/)
      const manifest = await viaProxy(decodeShlink(shlink).url, {
        method: 'POST',
        body: JSON.stringify({ recipient: 'x' }),
      })
      const { files } = (await manifest.json()) as { files: { location: string }[] }
      expect(files[0]?.location).toMatch(/^https:\/\/links\.test\/api\/v1\/shl\//)
      const opened = await openSmartHealthLink({ fetch: viaProxy }, { shlink, recipient: 'Dr. Lee' })
      expect(JSON.parse(opened.files[0]?.content ?? '')).toEqual(record)
      // a registration made for the listening address is refused: it names another server than the public one
      await expect(
        createSmartHealthLink(
          { ledger, fetch },
          {
            patient,
            serviceUrl: second.url,
            durationSeconds: 600,
            files: [{ contentType: 'application/fhir+json', content: '{}', commitment, resourceType: 'Observation' }],
          },
        ),
      ).rejects.toMatchObject({ code: 'SHL_REGISTRATION_WRONG_SERVICE' })
      // someone else cannot link files under the patient's record, even with a consent and a link key of their own
      await expect(
        createSmartHealthLink(
          { ledger, fetch: viaProxy },
          {
            patient: createParty(),
            serviceUrl: 'https://links.test/api',
            durationSeconds: 600,
            files: [{ contentType: 'application/fhir+json', content: '{}', commitment, resourceType: 'Observation' }],
          },
        ),
      ).rejects.toMatchObject({ code: 'SHL_REGISTRATION_UNAUTHORIZED' })
    } finally {
      expect(await stop(second, 'SIGINT')).toBe(0)
    }
  }, 480_000)

  it('runs on PostgreSQL (DATABASE_URL) and an EVM chain (MEDSEAL_RPC_URL, anvil)', async () => {
    const pgServer = await startPostgres()
    const anvil = await startAnvil()
    const dir = mkdtempSync(join(tmpdir(), 'medseal-custodian-server-'))
    dirs.push(dir)
    try {
      const databaseUrl = await pgServer.createDatabase('custodian')
      const running = await start({ MEDSEAL_DATA_DIR: dir, DATABASE_URL: databaseUrl, MEDSEAL_RPC_URL: anvil.rpcUrl })
      try {
        const printed = running.out.join('')
        expect(printed).toContain('PostgreSQL (DATABASE_URL)')
        expect(printed).toMatch(/EVM chain 31337, registry 0x[0-9a-fA-F]{40}/)
        expect(printed).not.toContain(databaseUrl)
        expect(printed).not.toContain(anvil.rpcUrl)
        // no relay on a chain: the browsers read the chain themselves
        await expect(createRemoteLedger({ url: running.url })).rejects.toMatchObject({ code: 'NOT_FOUND' })
        // a deposit lands in PostgreSQL (checked against the chain for a tombstone first)
        const custodian = await createCustodianClient({ url: running.url })
        const patient = createParty()
        const sealed = await seal(record, { recipients: [patient, custodian.identity] })
        const { domain, ledgerId } = await custodian.health()
        expect(ledgerId).toMatch(/^eip155:31337:0x/)
        await custodian.deposit(
          await createDeposit({ owner: patient, envelope: sealed.envelope, custodian: custodian.identity, domain }),
        )
        expect(await custodian.getEntry(sealed.commitment)).toMatchObject({ owner: patient.address })
        expect(await custodian.health()).toMatchObject({ status: 'ok', ledger: 'evm' })
        const registry = /registry (0x[0-9a-fA-F]{40})/.exec(printed)?.[1]
        expect(await stop(running)).toBe(0)

        // again with two worker processes on the one port: same database, same remembered registry, same custodian
        const two = await start({
          MEDSEAL_DATA_DIR: dir,
          DATABASE_URL: databaseUrl,
          MEDSEAL_RPC_URL: anvil.rpcUrl,
          MEDSEAL_WORKERS: '2',
        })
        try {
          const pids = /2 worker processes \(node:cluster, round-robin\): (\d+), (\d+)/.exec(two.out.join(''))
          expect(pids, two.out.join('')).not.toBeNull()
          // each answer on a new connection: the two workers take them in turn, and both serve the one database
          const entries = await Promise.all(
            [0, 1, 2, 3].map(() => getJson(`${two.url}/v1/entries/${bytesToHex0x(sealed.commitment)}`)),
          )
          for (const e of entries) expect(e).toMatchObject({ entry: { owner: patient.address } })
          // a worker killed with SIGKILL is replaced; the service keeps answering
          process.kill(Number(pids?.[1]), 'SIGKILL')
          await until(() => two.out.join('').includes(`worker ${pids?.[1]} exited (SIGKILL): a new one is started`))
          const again = await createCustodianClient({ url: two.url })
          expect(again.identity.address).toBe(custodian.identity.address)
          expect(await again.getEntry(sealed.commitment)).toMatchObject({ owner: patient.address })
          expect(two.out.join('')).toContain(`registry ${registry}`)
        } finally {
          expect(await stop(two)).toBe(0)
        }
        expect(two.out.join('')).toContain('stopped')
      } finally {
        if (running.child.exitCode === null) await stop(running)
      }
    } finally {
      await anvil.stop()
      await pgServer.stop()
    }
  }, 480_000)

  it('reads its settings from the environment and names a wrong variable without its value', () => {
    expect(readConfig({})).toMatchObject({ host: '127.0.0.1', port: 8787, corsOrigins: [], reviewers: [] })
    expect(readConfig({ MEDSEAL_CORS_ORIGINS: 'https://a.example, https://b.example' }).corsOrigins).toEqual([
      'https://a.example',
      'https://b.example',
    ])
    expect(() => readConfig({ PORT: 'eighty' })).toThrow(/PORT/)
    expect(() => readConfig({ DATABASE_URL: 'mysql://u:secret@h/db' })).toThrow(/^((?!secret).)*$/)
    expect(() => readConfig({ MEDSEAL_RPC_URL: 'ws://x' })).toThrow(/MEDSEAL_RPC_URL/)
    expect(() => readConfig({ MEDSEAL_REVIEWERS: 'bob' })).toThrow(/MEDSEAL_REVIEWERS/)
    expect(readConfig({}).headEveryMs).toBe(5000)
    expect(readConfig({ MEDSEAL_HEAD_EVERY_MS: '250' }).headEveryMs).toBe(250)
    expect(() => readConfig({ MEDSEAL_HEAD_EVERY_MS: '0' })).toThrow(/MEDSEAL_HEAD_EVERY_MS/)
    // the public URL of link URLs: https (or loopback http), normalized; required when listening beyond loopback
    expect(readConfig({}).publicUrl).toBeUndefined()
    expect(readConfig({ MEDSEAL_PUBLIC_URL: 'https://Links.Example/api/', HOST: '0.0.0.0' }).publicUrl).toBe(
      'https://links.example/api',
    )
    expect(readConfig({ MEDSEAL_PUBLIC_URL: 'http://127.0.0.1:9000' }).publicUrl).toBe('http://127.0.0.1:9000')
    for (const bad of ['http://links.example', 'https://u:secret@links.example', 'https://links.example/?k=secret'])
      expect(() => readConfig({ MEDSEAL_PUBLIC_URL: bad })).toThrow(
        /^MEDSEAL_PUBLIC_URL must be an https URL((?!secret).)*$/,
      )
    expect(() => readConfig({ HOST: '0.0.0.0' })).toThrow(/^MEDSEAL_PUBLIC_URL must be set when HOST is not a loopback/)
    expect(readConfig({ HOST: '::1' }).host).toBe('::1')
    // several processes need a shared database and a shared ledger
    const shared = { DATABASE_URL: 'postgres://h/db', MEDSEAL_RPC_URL: 'http://127.0.0.1:8545' }
    expect(readConfig({}).workers).toBe(1)
    expect(readConfig({ ...shared, MEDSEAL_WORKERS: '3' }).workers).toBe(3)
    expect(readConfig({ ...shared, MEDSEAL_WORKERS: 'auto' }).workers).toBeGreaterThanOrEqual(1)
    for (const bad of ['0', '1.5', 'many', '257'])
      expect(() => readConfig({ ...shared, MEDSEAL_WORKERS: bad })).toThrow(/MEDSEAL_WORKERS must/)
    expect(() => readConfig({ MEDSEAL_RPC_URL: shared.MEDSEAL_RPC_URL, MEDSEAL_WORKERS: '2' })).toThrow(/DATABASE_URL/)
    expect(() => readConfig({ DATABASE_URL: shared.DATABASE_URL, MEDSEAL_WORKERS: '2' })).toThrow(/MEDSEAL_RPC_URL/)
  })
})
