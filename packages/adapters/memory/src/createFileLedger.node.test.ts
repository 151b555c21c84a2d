import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { consentKey, createParty, isSdkError, signConsent } from '@medseal/core'
import { describeLedgerConformance, readConsent } from '@medseal/core/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { expectThrowCode, rootOf, T0, testClock } from './_testHelpers.js'
import { createFileLedger, createFileStore } from './node.js'

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url))
const crashWriter = fileURLToPath(new URL('../test/fixtures/crashWriter.ts', import.meta.url))

describeLedgerConformance('memory ledger persisted to a file', {
  create: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medseal-conformance-'))
    const path = join(dir, 'ledger.json')
    const clock = testClock()
    const ledger = createFileLedger({ path, id: 'conformance-file', now: clock.now })
    return {
      ledger,
      advanceTime: clock.advanceTime,
      rewindTime: clock.rewindTime,
      cleanup: async () => {
        ledger.close()
        // whatever the suite wrote loads again
        const reopened = createFileLedger({ path, now: clock.now })
        reopened.close()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  },
})

describe('createFileLedger', () => {
  let dir: string
  let path: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'medseal-file-ledger-'))
    path = join(dir, 'ledger.json')
  })
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('creates the file on the first write and reopens with the same state and id', async () => {
    const ledger = createFileLedger({ path, id: 'demo', now: () => T0 })
    expect(ledger.path).toBe(path)
    expect(existsSync(path)).toBe(false)
    const a = await ledger.anchorRoot({ root: rootOf(1), treeSize: 2, kind: 'records' })
    expect(existsSync(path)).toBe(true)
    const patient = createParty({ seed: new Uint8Array(32).fill(9) })
    const consent = await ledger.registerConsent(
      signConsent(
        patient,
        ledger.domain,
        readConsent({
          id: `0x${'11'.repeat(32)}`,
          grantor: patient.address,
          grantee: createParty({ seed: new Uint8Array(32).fill(8) }).address,
          notBefore: T0,
          expiresAt: T0 + 60,
        }),
      ),
    )
    ledger.close()
    expect(JSON.parse(readFileSync(path, 'utf8')).entries).toHaveLength(2)

    const reopened = createFileLedger({ path, now: () => T0 + 5 })
    expect(reopened.ledgerId).toBe('memory:demo')
    expect((await reopened.getAnchor({ root: rootOf(1), treeSize: 2, kind: 'records' }))?.ref).toEqual(a.ref)
    expect(await reopened.getConsent(consentKey(consent.consent.grantor, consent.consent.id))).toEqual(consent)
    expect((await reopened.anchorRoot({ root: rootOf(2), treeSize: 1, kind: 'events' })).ref.block).toBe(3)
    reopened.close()
    // nothing but the snapshot is left behind
    expect(readdirSync(dir)).toEqual(['ledger.json'])
  })

  it('refuses a file of another ledger id', async () => {
    const ledger = createFileLedger({ path, id: 'one' })
    await ledger.anchorRoot({ root: rootOf(1), treeSize: 1, kind: 'records' })
    ledger.close()
    expectThrowCode(() => createFileLedger({ path, id: 'two' }), 'LedgerError', 'LEDGER_UNAVAILABLE')
    // and releases the lock when it refuses
    createFileLedger({ path, id: 'one' }).close()
  })

  it('refuses a corrupt file and leaves it untouched', () => {
    writeFileSync(path, '{"format":"medseal-memory-ledger","version":2,"ledgerId":"memory:x","entries":[{"type":')
    const e = expectThrowCode(() => createFileLedger({ path, id: 'x' }), 'LedgerError', 'LEDGER_UNAVAILABLE')
    expect((e.cause as { code?: string }).code).toBe('INVALID_JSON')
    expect(readFileSync(path, 'utf8')).toContain('"entries":[{"type":')
    expect(existsSync(`${path}.lock`)).toBe(false)
  })

  it('holds a lock: a second ledger on the same file is LEDGER_UNAVAILABLE until the first closes', async () => {
    const first = createFileLedger({ path, id: 'lock' })
    expect(existsSync(`${path}.lock`)).toBe(true)
    expectThrowCode(() => createFileLedger({ path, id: 'lock' }), 'LedgerError', 'LEDGER_UNAVAILABLE')
    expectThrowCode(() => createFileStore({ path }), 'LedgerError', 'LEDGER_UNAVAILABLE')
    first.close()
    first.close()
    expect(existsSync(`${path}.lock`)).toBe(false)
    const second = createFileLedger({ path, id: 'lock' })
    second.close()
  })

  it('writes after close fail and change nothing', async () => {
    const ledger = createFileLedger({ path, id: 'closed' })
    await ledger.anchorRoot({ root: rootOf(1), treeSize: 1, kind: 'records' })
    ledger.close()
    const before = readFileSync(path, 'utf8')
    let caught: unknown
    try {
      await ledger.anchorRoot({ root: rootOf(2), treeSize: 1, kind: 'records' })
    } catch (e) {
      caught = e
    }
    expect(isSdkError(caught, 'LEDGER_UNAVAILABLE')).toBe(true)
    expect(await ledger.getAnchor({ root: rootOf(2), treeSize: 1, kind: 'records' })).toBeUndefined()
    expect(readFileSync(path, 'utf8')).toBe(before)
  })

  it('takes over a lock left by a process that no longer runs, and discards a stale temp file', async () => {
    const ledger = createFileLedger({ path, id: 'stale' })
    await ledger.anchorRoot({ root: rootOf(1), treeSize: 1, kind: 'records' })
    ledger.close()
    // a pid that cannot be running: beyond Linux's pid_max (2^22)
    writeFileSync(`${path}.lock`, '4194305\n')
    writeFileSync(`${path}.tmp`, '{"torn":')
    const reopened = createFileLedger({ path })
    expect(existsSync(`${path}.tmp`)).toBe(false)
    expect((await reopened.getAnchor({ root: rootOf(1), treeSize: 1, kind: 'records' }))?.ref.block).toBe(1)
    reopened.close()
  })

  it('rejects bad options', () => {
    expectThrowCode(() => createFileLedger({ path: '' }), 'InvalidArgumentError', 'INVALID_TYPE')
    expectThrowCode(
      () => createFileLedger(null as unknown as Parameters<typeof createFileLedger>[0]),
      'InvalidArgumentError',
      'INVALID_TYPE',
    )
    expectThrowCode(() => createFileLedger({ path, id: 'bad id' }), 'InvalidArgumentError', 'INVALID_ARGUMENT')
    // the failed open released its lock
    createFileLedger({ path }).close()
  })

  it('a directory that does not exist is LEDGER_UNAVAILABLE at open', () => {
    const e = expectThrowCode(
      () => createFileLedger({ path: join(dir, 'missing', 'ledger.json') }),
      'LedgerError',
      'LEDGER_UNAVAILABLE',
    )
    expect((e.cause as { code?: string }).code).toBe('ENOENT')
  })
})

describe('createFileLedger crash safety', () => {
  let dir: string
  let child: ChildProcess | undefined
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'medseal-crash-'))
  })
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    child = undefined
    rmSync(dir, { recursive: true, force: true })
  })

  /** Runs the writer until it has acknowledged `acks` more writes, then SIGKILLs it. Returns its last ack. */
  function runAndKill(path: string, acks: number): Promise<{ start: number; lastAck: number }> {
    return new Promise((resolve, reject) => {
      const proc = spawn(process.execPath, ['--import', 'tsx', crashWriter, path], {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      child = proc
      let start = -1
      let lastAck = -1
      let seen = 0
      let buffered = ''
      let stderr = ''
      proc.stderr?.on('data', (d: Uint8Array) => {
        stderr += new TextDecoder().decode(d)
      })
      proc.stdout?.on('data', (d: Uint8Array) => {
        buffered += new TextDecoder().decode(d)
        const lines = buffered.split('\n')
        buffered = lines.pop() ?? ''
        for (const line of lines) {
          const [word, num] = line.split(' ')
          if (word === 'start') start = Number(num)
          if (word === 'ok') {
            lastAck = Number(num)
            seen++
          }
        }
        if (seen >= acks && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL')
      })
      proc.on('error', reject)
      proc.on('exit', (code, signal) => {
        if (signal === 'SIGKILL' && seen >= acks) resolve({ start, lastAck })
        else reject(new Error(`crash writer exited early (code ${code}, signal ${signal}): ${stderr.slice(0, 2000)}`))
      })
    })
  }

  it('a writer killed with SIGKILL mid-run leaves a file that loads and holds a prefix of its writes', {
    timeout: 180_000,
  }, async () => {
    const path = join(dir, 'ledger.json')
    let expectedAtLeast = 0
    for (let round = 0; round < 5; round++) {
      const { start, lastAck } = await runAndKill(path, 20 + round * 10)
      // each run resumes exactly where the previous state ends
      expect(start).toBe(expectedAtLeast)
      expect(lastAck).toBeGreaterThanOrEqual(start)

      // the killed writer's lock is stale and is taken over; a torn temp file, if any, is discarded
      const ledger = createFileLedger({ path })
      try {
        expect(ledger.ledgerId).toBe('memory:crash')
        let count = 0
        /** The crash writer's anchor of root `n` (see test/fixtures/crashWriter.ts). */
        const anchorOf = (n: number) =>
          ledger.getAnchor({ root: rootOf(n), treeSize: n % 7 === 0 ? 2 ** 40 + n : n + 1, kind: 'records' })
        while (await anchorOf(count)) count++
        // every acknowledged write survived; nothing after the prefix exists
        expect(count).toBeGreaterThan(lastAck)
        for (let n = count; n < count + 5; n++) expect(await anchorOf(n)).toBeUndefined()
        const doc = JSON.parse(readFileSync(path, 'utf8')) as { entries: { type: string; ref: { block: number } }[] }
        expect(doc.entries.filter((e) => e.type === 'anchor')).toHaveLength(count)
        expect(doc.entries.filter((e) => e.type === 'consent')).toHaveLength(4)
        expect(doc.entries.map((e) => e.ref.block)).toEqual(Array.from({ length: doc.entries.length }, (_, i) => i + 1))
        expectedAtLeast = count
      } finally {
        ledger.close()
      }
      expect(existsSync(`${path}.tmp`)).toBe(false)
    }
  })
})
