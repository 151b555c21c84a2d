import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isSdkError, StoreError } from '@medseal/core'
import { createPostgresStores } from '@medseal/store-postgres'
import { openPgliteDirectory } from '@medseal/store-postgres/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url))
const holder = fileURLToPath(new URL('./fixtures/holdPgliteDir.ts', import.meta.url))

/** Starts a child that opens `dir` and resolves once it holds it. */
function startHolder(dir: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', holder, dir], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    proc.stderr?.on('data', (d: Uint8Array) => {
      stderr += String(d)
    })
    proc.stdout?.on('data', (d: Uint8Array) => {
      if (String(d).includes('ready')) resolve(proc)
    })
    proc.on('exit', (code, signal) => reject(new Error(`holder exited (${code}, ${signal}): ${stderr.slice(-2000)}`)))
  })
}

const killed = (proc: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve()
    proc.once('exit', () => resolve())
    proc.kill('SIGKILL')
  })

describe('openPgliteDirectory: one opener per directory', () => {
  let root: string
  let child: ChildProcess | undefined
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'medseal-pglite-lock-'))
  })
  afterAll(async () => {
    if (child) await killed(child)
    rmSync(root, { recursive: true, force: true })
  })

  it('refuses a second process with STORE_LOCKED, and takes over the lock once that process was killed', {
    timeout: 240_000,
  }, async () => {
    const dir = join(root, 'data')
    child = await startHolder(dir)
    const lock = JSON.parse(readFileSync(join(dir, 'medseal.lock'), 'utf8'))
    expect(lock.pid).toBe(child.pid)

    const refused = await openPgliteDirectory({ dataDir: dir }).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(StoreError)
    expect(isSdkError(refused, 'STORE_LOCKED')).toBe(true)
    expect((refused as StoreError).shortMessage).toMatchInlineSnapshot(
      `"The PGlite directory is open in another PGlite instance."`,
    )

    await killed(child)
    child = undefined
    // the killed holder's lock is stale: this process takes it over and finds the holder's committed row
    const db = await openPgliteDirectory({ dataDir: dir })
    try {
      const stores = await createPostgresStores({ db })
      expect(await stores.accessLog({ name: 'held' }).size()).toBe(1)
      // a second opener in this same process is refused too
      const again = await openPgliteDirectory({ dataDir: dir }).catch((e: unknown) => e)
      expect(isSdkError(again, 'STORE_LOCKED')).toBe(true)
    } finally {
      await db.close()
    }
    // close released the lock: another process may open the directory now
    expect(existsSync(join(dir, 'medseal.lock'))).toBe(false)
    child = await startHolder(dir)
    await killed(child)
    child = undefined
  })

  it('refuses a lock file it did not write (STORE_LOCKED), leaving it in place', async () => {
    const dir = join(root, 'foreign')
    const { mkdirSync } = await import('node:fs')
    mkdirSync(dir)
    writeFileSync(join(dir, 'medseal.lock'), 'not a lock')
    const err = await openPgliteDirectory({ dataDir: dir }).catch((e: unknown) => e)
    expect(isSdkError(err, 'STORE_LOCKED')).toBe(true)
    expect(readFileSync(join(dir, 'medseal.lock'), 'utf8')).toBe('not a lock')
  })

  it('rejects a missing dataDir with INVALID_ARGUMENT', async () => {
    const err = await openPgliteDirectory({ dataDir: '' }).catch((e: unknown) => e)
    expect(isSdkError(err, 'INVALID_ARGUMENT')).toBe(true)
  })
})
