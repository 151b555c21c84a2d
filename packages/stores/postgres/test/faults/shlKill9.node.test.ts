// kill -9 of a process serving SMART Health Links on a PGlite directory: a link disabled by its wrong passcodes stays
// disabled after the restart, and an attempt reserved when the process died stays spent (never given back).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createPostgresShlStore } from '@medseal/store-postgres'
import { openPgliteDirectory } from '@medseal/store-postgres/node'
import { expect, it } from 'vitest'
import { startWorker } from './_processes.js'

it('a disabled link stays disabled, and a reserved attempt stays spent, after kill -9', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'medseal-faults-shl-'))
  const worker = startWorker({ dir }, fileURLToPath(new URL('./_shlWorker.ts', import.meta.url)))
  try {
    await worker.waitForAcks(1, 'reserved')
    expect(worker.acks.map((a) => a.left)).toEqual([1, 0, 2])
  } finally {
    await worker.kill()
  }
  const db = await openPgliteDirectory({ dataDir: dir })
  try {
    const store = await createPostgresShlStore({ db })
    expect(await store.get('A'.repeat(43))).toMatchObject({ attemptsLeft: 0, disabled: true })
    expect(await store.takeAttempt('A'.repeat(43))).toBe(-1)
    expect(await store.get('B'.repeat(43))).toMatchObject({ attemptsLeft: 2, disabled: false })
  } finally {
    await db.close()
    rmSync(dir, { recursive: true, force: true })
  }
}, 120_000)
