// PGlite on its worker thread (openPgliteDirectory's default): the same rows as PGlite on the calling thread,
// transactions that commit, roll back and hold other statements as PGlite does, SQL errors mapped as the stores read
// them (no parameter in any message), a worker that dies failing every call with STORE_UNAVAILABLE (never a hang), and
// close() ending the worker and releasing the directory. The store conformance suite and the kill -9 fault tests on a
// PGlite directory run on the worker too (conformance.pgliteDir.test.ts, faults/).
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isSdkError, StoreError } from '@medseal/core'
import type { SqlDatabase, SqlValue } from '@medseal/store-postgres'
import { openPgliteDirectory } from '@medseal/store-postgres/node'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { _lockDirectory } from '../src/node/_dirLock.js'
import { _openPgliteWorker } from '../src/node/_pgliteWorkerDatabase.js'

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url))
const faultyWorker = new URL('./fixtures/faultyPgliteWorker.mjs', import.meta.url)
const exitFixture = fileURLToPath(new URL('./fixtures/pgliteWorkerExit.ts', import.meta.url))

let root: string
/** One initialized directory (initdb takes seconds): each test opens it in turn and closes it. */
let dir: string
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'medseal-pglite-worker-'))
  dir = join(root, 'data')
  const db = await openPgliteDirectory({ dataDir: dir })
  await db.query('create table kv (k text primary key, n int8, b bytea, j jsonb, t text[])')
  await db.close()
}, 120_000)
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** Opens `dir` on its worker (or on this thread), runs `fn`, closes. */
async function withDb<T>(fn: (db: SqlDatabase) => Promise<T>, worker = true): Promise<T> {
  const db = await openPgliteDirectory({ dataDir: dir, worker })
  try {
    return await fn(db)
  } finally {
    await db.close()
  }
}

/** Rows of `kv` (int8, bytea, jsonb, text[], nulls): `numRuns` fast-check samples of 1–20 rows, flattened. */
const kvRows = (numRuns: number, seed: number) =>
  fc
    .sample(
      fc.array(
        fc.record({
          n: fc.option(fc.maxSafeInteger(), { nil: null }),
          b: fc.option(fc.uint8Array({ maxLength: 64 }), { nil: null }),
          j: fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: null }),
          t: fc.array(
            fc.string({ maxLength: 8 }).filter((s) => !s.includes('\0')),
            { maxLength: 4 },
          ),
        }),
        { minLength: 1, maxLength: 20 },
      ),
      { numRuns, seed },
    )
    .flat()

const expectUnavailable = (e: unknown) => {
  expect(e).toBeInstanceOf(StoreError)
  expect(isSdkError(e, 'STORE_UNAVAILABLE')).toBe(true)
}

describe('PGlite on a worker thread', () => {
  it('returns the rows PGlite on the calling thread returns (int8, bytea, jsonb, text[], null)', {
    timeout: 120_000,
  }, async () => {
    const rows = kvRows(5, 14)
    const select = 'select k, n, b, j, t, n + 1 as n1, length(b) as len from kv order by k'
    const onWorker = await withDb(async (db) => {
      await db.query('delete from kv')
      for (const [i, r] of rows.entries()) {
        const params: SqlValue[] = [`k${String(i).padStart(4, '0')}`, r.n, r.b, JSON.stringify(r.j), r.t]
        await db.query('insert into kv values ($1, $2::int8, $3, $4::jsonb, $5::text[])', params)
      }
      return db.query(select)
    })
    const onThread = await withDb((db) => db.query(select), false)
    expect(onWorker).toEqual(onThread)
    expect(onWorker).toHaveLength(rows.length)
    for (const [i, r] of rows.entries()) {
      const got = onWorker[i] as Record<string, unknown>
      expect(got.n).toBe(r.n)
      expect(got.b).toEqual(r.b)
      if (got.b) expect(got.b).toBeInstanceOf(Uint8Array)
      expect(got.j).toEqual(r.j === null ? null : JSON.parse(JSON.stringify(r.j)))
    }
  })

  it('transaction: commits when fn resolves, rolls back when it throws, and holds other statements until it ends', {
    timeout: 60_000,
  }, async () => {
    await withDb(async (db) => {
      await db.query('delete from kv')
      const value = await db.transaction(async (tx) => {
        await tx.query(`insert into kv (k) values ('a')`)
        return (await tx.query('select count(*) as n from kv'))[0]
      })
      expect(value).toEqual({ n: 1 })

      const thrown = new StoreError('STORE_CORRUPT', 'a check inside the transaction failed')
      const err = await db
        .transaction(async (tx) => {
          await tx.query(`insert into kv (k) values ('b')`)
          throw thrown
        })
        .catch((e: unknown) => e)
      expect(err).toBe(thrown) // the store's own error passes through, as on the calling thread
      expect(await db.query('select k from kv order by k')).toEqual([{ k: 'a' }])

      // a statement sent while the transaction is open runs after it (PGlite's order on one thread)
      let release = () => {}
      const gate = new Promise<void>((r) => {
        release = r
      })
      let inside: Promise<unknown> | undefined
      const tx = db.transaction(async (t) => {
        await t.query(`insert into kv (k) values ('c')`)
        inside = db.query('select count(*) as n from kv')
        await gate
        await t.query(`insert into kv (k) values ('d')`)
      })
      while (!inside) await new Promise((r) => setTimeout(r, 5))
      release()
      await tx
      expect(await inside).toEqual([{ n: 3 }])
    })
  })

  it('maps SQL errors as the stores read them (SQLSTATE in the cause) and never names a parameter', {
    timeout: 60_000,
  }, async () => {
    const secret = 'secret-patient-7f3a9c'
    await withDb(async (db) => {
      await db.query('delete from kv')
      await db.query('insert into kv (k) values ($1)', [secret])
      const err = await db.query('insert into kv (k) values ($1)', [secret]).catch((e: unknown) => e)
      expectUnavailable(err)
      const cause = (err as StoreError).cause as { code?: string; message: string }
      expect(cause.code).toBe('23505')
      expect((err as StoreError).details).toBe('SQLSTATE 23505')
      // in a transaction too, and the division by zero a store relies on
      const inTx = await db.transaction((tx) => tx.query('select 1 / 0')).catch((e: unknown) => e)
      expect(((inTx as StoreError).cause as { code?: string }).code).toBe('22012')
      for (const e of [err, inTx])
        expect(`${(e as Error).message} ${JSON.stringify(e)} ${String((e as Error).cause)}`).not.toContain(secret)
    })
  })

  it('runs a named statement prepared, once per database, with the rows of the same statement unnamed', {
    timeout: 120_000,
  }, async () => {
    const rows = kvRows(3, 9)
    const insert = 'insert into kv values ($1, $2::int8, $3, $4::jsonb, $5::text[]) returning k, n, b, j, t'
    const select =
      'select k, n, b, j, t, n + 1 as n1, length(b) as len, $1::text[] as p from kv where k = any($1::text[])'
    await withDb(async (db) => {
      await db.query('delete from kv')
      const keys: string[] = []
      for (const [i, r] of rows.entries()) {
        const k = `k${String(i).padStart(4, '0')}`
        keys.push(k)
        const params: SqlValue[] = [k, r.n, r.b, JSON.stringify(r.j), r.t]
        const named = await db.query(insert, params, { name: 'medseal_test_insert' })
        expect(named).toEqual(await db.query('select k, n, b, j, t from kv where k = $1', [k]))
      }
      for (const k of keys) {
        const named = await db.query(select, [[k]], { name: 'medseal_test_select' })
        expect(named).toEqual(await db.query(select, [[k]]))
        expect(named).toHaveLength(1)
      }
      // in a transaction too: the same rows, and the same prepared statement
      const inTx = await db.transaction((tx) => tx.query(select, [keys], { name: 'medseal_test_select' }))
      expect(inTx).toEqual(await db.query(select, [keys]))
      expect(inTx).toHaveLength(rows.length)
      // PGlite's own query keeps no statement: only the named ones are prepared, each once
      const prepared = await db.query('select name from pg_prepared_statements order by name')
      expect(prepared).toEqual([{ name: 'medseal_test_insert' }, { name: 'medseal_test_select' }])
    })
  })

  it('a named statement that fails maps as an unnamed one (no parameter), runs again, and keeps its transaction order', {
    timeout: 60_000,
  }, async () => {
    const secret = 'secret-patient-7f3a9c'
    await withDb(async (db) => {
      await db.query('delete from kv')
      const insert = { name: 'medseal_test_insert_k' }
      await db.query('insert into kv (k) values ($1)', [secret], insert)
      const err = await db.query('insert into kv (k) values ($1)', [secret], insert).catch((e: unknown) => e)
      expectUnavailable(err)
      expect(((err as StoreError).cause as { code?: string }).code).toBe('23505')
      expect(`${(err as Error).message} ${JSON.stringify(err)} ${String((err as Error).cause)}`).not.toContain(secret)
      // a statement that does not parse is not kept: the name works with good text after it
      const bad = await db.query('selec $1::int4', [1], { name: 'medseal_test_twice' }).catch((e: unknown) => e)
      expect(((bad as StoreError).cause as { code?: string }).code).toBe('42601')
      const twice = 'select $1::int4 * 2 as v'
      expect(await db.query(twice, [2], { name: 'medseal_test_twice' })).toEqual([{ v: 4 }])
      // the division by zero a store relies on, alone and in a transaction that then rolls back; the name still runs
      const divide = 'select 1 / $1::int4 as v'
      const zero = await db.query(divide, [0], { name: 'medseal_test_divide' }).catch((e: unknown) => e)
      expect(((zero as StoreError).cause as { code?: string }).code).toBe('22012')
      const inTx = await db
        .transaction(async (tx) => {
          expect(await tx.query(divide, [1], { name: 'medseal_test_divide' })).toEqual([{ v: 1 }])
          await tx.query(divide, [0], { name: 'medseal_test_divide' })
        })
        .catch((e: unknown) => e)
      expect(((inTx as StoreError).cause as { code?: string }).code).toBe('22012')
      expect(await db.query(divide, [1], { name: 'medseal_test_divide' })).toEqual([{ v: 1 }])
      expect(await db.query('select k from kv')).toEqual([{ k: secret }])
      // a named statement sent while a transaction is open runs after it, as an unnamed one does
      let release = () => {}
      const gate = new Promise<void>((r) => {
        release = r
      })
      let outside: Promise<unknown> | undefined
      const tx = db.transaction(async (t) => {
        await t.query(`insert into kv (k) values ('c')`, [], { name: 'medseal_test_insert_c' })
        outside = db.query('select count(*)::int4 as n from kv', [], { name: 'medseal_test_count' })
        await gate
        await t.query(`insert into kv (k) values ('d')`)
      })
      while (!outside) await new Promise((r) => setTimeout(r, 5))
      release()
      await tx
      expect(await outside).toEqual([{ n: 3 }])
    })
  })

  it('a worker that exits, crashes or runs out of memory fails every pending and later call with STORE_UNAVAILABLE; close() still releases the directory', {
    timeout: 120_000,
  }, async () => {
    for (const death of ['-- exit', '-- throw', '-- oom']) {
      const unlock = _lockDirectory(dir)
      let closed = 0
      const db = await _openPgliteWorker({
        dataDir: dir,
        workerUrl: faultyWorker,
        onClose: () => {
          closed++
          unlock()
        },
        ...(death === '-- oom' ? { resourceLimits: { maxOldGenerationSizeMb: 64 } } : {}),
      })
      expect(await db.query('select 1 as one')).toEqual([{ one: 1 }])
      let release = () => {}
      const gate = new Promise<void>((r) => {
        release = r
      })
      // a transaction left open, statements behind it, and the statement that kills the worker
      const open = db.transaction(async (tx) => {
        await tx.query('select 1')
        await gate
        await tx.query('select 2')
      })
      const behind = [db.query('select 3'), db.query('select 4')]
      const killer = db.query(death)
      const settled = await Promise.allSettled([killer, ...behind])
      release()
      const txErr = await open.catch((e: unknown) => e)
      for (const s of settled) {
        expect(s.status).toBe('rejected')
        expectUnavailable((s as PromiseRejectedResult).reason)
      }
      expectUnavailable(txErr)
      expectUnavailable(await db.query('select 5').catch((e: unknown) => e))
      expectUnavailable(await db.transaction(async () => 1).catch((e: unknown) => e))
      expect(existsSync(join(dir, 'medseal.lock'))).toBe(true)
      await db.close()
      await db.close()
      expect(closed).toBe(1)
      expect(existsSync(join(dir, 'medseal.lock'))).toBe(false)
    }
    // the directory is whole after the deaths
    await withDb(async (db) => expect(await db.query('select 1 as one')).toEqual([{ one: 1 }]))
  })

  it('close() ends the worker and releases the lock, once; later calls fail with STORE_UNAVAILABLE', {
    timeout: 60_000,
  }, async () => {
    const db = await openPgliteDirectory({ dataDir: dir })
    const again = await openPgliteDirectory({ dataDir: dir }).catch((e: unknown) => e)
    expect(isSdkError(again, 'STORE_LOCKED')).toBe(true)
    await Promise.all([db.close(), db.close()])
    await db.close()
    expect(existsSync(join(dir, 'medseal.lock'))).toBe(false)
    expectUnavailable(await db.query('select 1').catch((e: unknown) => e))
    // the directory opens again (the worker let go of it)
    await withDb(async (db2) => expect(await db2.query('select 2 as two')).toEqual([{ two: 2 }]))
  })

  it('the process ends by itself with the database open and idle, after answering a pending query', {
    timeout: 60_000,
  }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', exitFixture, dir], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Uint8Array) => {
      out += String(d)
    })
    child.stderr.on('data', (d: Uint8Array) => {
      err += String(d)
    })
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    expect({ code, out, err: err.slice(-2000) }).toEqual({ code: 0, out: '[{"n":42}]\nidle\n', err: '' })
  })

  it('a directory PGlite cannot open, or a worker that cannot start, fails with STORE_UNAVAILABLE and leaves no lock', {
    timeout: 60_000,
  }, async () => {
    const bad = join(root, 'bad')
    mkdirSync(bad)
    writeFileSync(join(bad, 'PG_VERSION'), '99\n') // a data directory of no PostgreSQL that PGlite runs
    const err = await openPgliteDirectory({ dataDir: bad }).catch((e: unknown) => e)
    expectUnavailable(err)
    expect((err as StoreError).shortMessage).toBe('PGlite could not open the directory.')
    expect(existsSync(join(bad, 'medseal.lock'))).toBe(false)

    const missing = await _openPgliteWorker({ dataDir: dir, workerUrl: new URL('./no-such-worker.mjs', faultyWorker) })
      .then(() => 'opened')
      .catch((e: unknown) => e)
    expectUnavailable(missing)
  })
})
