import { isSdkError, StoreError } from '@medseal/core'
import { createPostgresStores, migrate, SCHEMA_VERSION, type SqlDatabase } from '@medseal/store-postgres'
import { createPgDatabase } from '@medseal/store-postgres/node'
import type { PostgresServer } from '@medseal/store-postgres/testing'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MIGRATIONS } from '../src/migrations/list.js'
import { m0001Initial } from '../src/migrations/m0001Initial.js'
import { memoryPglite, serverDatabases, startPostgres } from './_servers.js'

let server: PostgresServer
beforeAll(async () => {
  server = await startPostgres()
})
afterAll(async () => {
  await server?.stop()
})

const engines: [string, () => Promise<SqlDatabase>][] = [
  ['PGlite', memoryPglite],
  ['PostgreSQL', async () => (await serverDatabases(server))[0] as SqlDatabase],
]

describe.each(engines)('the SQL surface on %s', (_name, open) => {
  let db: SqlDatabase
  beforeAll(async () => {
    db = await open()
  })
  afterAll(async () => {
    await db?.close()
  })

  it('returns int8 as a safe-integer number and bytea as a fresh Uint8Array, both ways', async () => {
    const bytes = new Uint8Array([0, 1, 254, 255])
    const [row] = await db.query('SELECT $1::int8 AS n, $2::bytea AS b, 2::int4 AS i, $3::text AS t', [
      2 ** 53 - 1,
      bytes,
      'x',
    ])
    expect(row).toEqual({ n: 2 ** 53 - 1, b: bytes, i: 2, t: 'x' })
    expect(Object.getPrototypeOf(row?.b)).toBe(Uint8Array.prototype)
  })

  it('refuses an int8 beyond the safe integers with STORE_CORRUPT', async () => {
    const err = await db.query(`SELECT '9007199254740993'::int8 AS n`).catch((e: unknown) => e)
    expect(isSdkError(err, 'STORE_CORRUPT')).toBe(true)
  })

  it('rolls a transaction back when its function throws, and reports SQL failures as STORE_UNAVAILABLE', async () => {
    await db.query('CREATE TABLE t_rollback (v int)')
    const boom = new Error('boom')
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO t_rollback VALUES (1)')
        throw boom
      }),
    ).rejects.toBeInstanceOf(StoreError)
    expect(await db.query('SELECT count(*)::int4 AS n FROM t_rollback')).toEqual([{ n: 0 }])
    const err = await db.query('SELECT * FROM no_such_table').catch((e: unknown) => e)
    expect(isSdkError(err, 'STORE_UNAVAILABLE')).toBe(true)
    expect((err as StoreError).details).toBe('SQLSTATE 42P01')
  })

  it('runs a named statement like any other, again with other values, and inside a transaction', async () => {
    const named = { name: 'medseal_test_named' }
    const sql = 'SELECT $1::int8 + 1 AS n, $2::bytea AS b'
    expect(await db.query(sql, [1, new Uint8Array([7])], named)).toEqual([{ n: 2, b: new Uint8Array([7]) }])
    expect(await db.query(sql, [41, new Uint8Array([])], named)).toEqual([{ n: 42, b: new Uint8Array([]) }])
    expect(await db.transaction((tx) => tx.query(sql, [9, new Uint8Array([1])], named))).toEqual([
      { n: 10, b: new Uint8Array([1]) },
    ])
  })

  it('migrates a fresh database once, then finds it current', async () => {
    expect(await migrate(db)).toEqual({ from: 0, to: SCHEMA_VERSION })
    expect(await migrate(db)).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION })
  })

  it('refuses a database written by a newer schema with STORE_VERSION, changing nothing', async () => {
    await db.query('UPDATE medseal_schema SET version = $1', [SCHEMA_VERSION + 1])
    const err = await migrate(db).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StoreError)
    expect(isSdkError(err, 'STORE_VERSION')).toBe(true)
    expect((err as StoreError).shortMessage).toMatchInlineSnapshot(
      `"The database was written by a newer version of @medseal/store-postgres."`,
    )
    expect(await db.query('SELECT version FROM medseal_schema')).toEqual([{ version: SCHEMA_VERSION + 1 }])
    await db.query('UPDATE medseal_schema SET version = $1', [SCHEMA_VERSION])
  })
})

describe('named statements on a PostgreSQL server', () => {
  it('are prepared once per connection (parsed and planned once), not on every call', async () => {
    const url = await server.createDatabase(`named_${Date.now()}`)
    const db = createPgDatabase({ pool: new pg.Pool({ connectionString: url, max: 1 }) })
    try {
      const prepared = async () =>
        (await db.query('SELECT name, statement FROM pg_prepared_statements ORDER BY name')).map((r) => r.name)
      expect(await prepared()).toEqual([])
      for (let i = 0; i < 3; i++)
        expect(await db.query('SELECT $1::int4 * 2 AS v', [i], { name: 'medseal_test_twice' })).toEqual([{ v: 2 * i }])
      await db.query('SELECT $1::int4 AS v', [1])
      // one prepared statement on the pool's one connection, whatever the number of calls; unnamed ones are not kept
      expect(await prepared()).toEqual(['medseal_test_twice'])
    } finally {
      await db.close()
    }
  })
})

describe('migrations on a PostgreSQL server', () => {
  it('two processes migrating one fresh database at once both succeed, and the schema is created once', async () => {
    const [a, b] = (await serverDatabases(server, 2)) as [SqlDatabase, SqlDatabase]
    try {
      const results = await Promise.all([migrate(a), migrate(b)])
      expect(results.map((r) => r.from).sort()).toEqual([0, SCHEMA_VERSION])
      expect(await a.query('SELECT version FROM medseal_schema')).toEqual([{ version: SCHEMA_VERSION }])
    } finally {
      await Promise.all([a.close(), b.close()])
    }
  })

  it('migrates a schema-1 database: remembered requests keep being replays, each counted in its shard', async () => {
    const [a] = (await serverDatabases(server, 1)) as [SqlDatabase]
    try {
      await a.transaction(async (tx) => {
        for (const statement of m0001Initial.statements) await tx.query(statement)
        await tx.query('CREATE TABLE medseal_schema (id boolean PRIMARY KEY DEFAULT true, version integer NOT NULL)')
        await tx.query('INSERT INTO medseal_schema (version) VALUES (1)')
        await tx.query(`INSERT INTO medseal_custodian_requests (digest, until) VALUES ('0x${'11'.repeat(32)}', 100)`)
        await tx.query(`UPDATE medseal_counters SET value = 1 WHERE name = 'custodian_requests'`)
      })
      const stores = await createPostgresStores({ db: a })
      expect(await a.query('SELECT version FROM medseal_schema')).toEqual([{ version: SCHEMA_VERSION }])
      expect(await a.query('SELECT count FROM medseal_custodian_request_shards WHERE shard = 17')).toEqual([
        { count: 1 },
      ])
      const digest = `0x${'11'.repeat(32)}` as const
      expect(await stores.custodian.rememberRequest({ digest, until: 100, now: 50 })).toBe('replayed')
      // forgotten once expired (0x11: shard 17), and taken off its shard's count
      expect(await stores.custodian.rememberRequest({ digest: `0x${'00'.repeat(31)}11`, until: 300, now: 200 })).toBe(
        'fresh',
      )
      expect(await a.query('SELECT digest FROM medseal_custodian_requests')).toEqual([
        { digest: `0x${'00'.repeat(31)}11` },
      ])
      expect(await a.query('SELECT count FROM medseal_custodian_request_shards WHERE shard = 17')).toEqual([
        { count: 1 },
      ])
    } finally {
      await a.close()
    }
  })

  it('a database that cannot be reached is STORE_UNAVAILABLE', async () => {
    const db = createPgDatabase({
      pool: new pg.Pool({ connectionString: 'postgres://medseal@127.0.0.1:1/none', connectionTimeoutMillis: 2000 }),
    })
    const err = await migrate(db).catch((e: unknown) => e)
    expect(isSdkError(err, 'STORE_UNAVAILABLE')).toBe(true)
    await db.close()
  })
})

describe('migration 5: the replay memory keeps a prune horizon per shard', () => {
  it('a schema-4 database gets the column with a default that refuses nothing; the first prune sets it (review 9)', async () => {
    const db = await memoryPglite()
    try {
      // a database as schema 4 wrote it, remembering one digest (shard 17) until 100
      const kept = `0x${'11'.repeat(32)}` as const
      await db.transaction(async (tx) => {
        for (const m of MIGRATIONS.slice(0, 4)) for (const statement of m.statements) await tx.query(statement)
        await tx.query(
          'CREATE TABLE medseal_schema (id boolean PRIMARY KEY DEFAULT true CHECK (id), version integer NOT NULL)',
        )
        await tx.query('INSERT INTO medseal_schema (id, version) VALUES (true, 4)')
        await tx.query(`INSERT INTO medseal_custodian_requests (digest, until, shard) VALUES ($1, 100, 17)`, [kept])
        await tx.query('UPDATE medseal_custodian_request_shards SET count = 1 WHERE shard = 17')
      })
      const { custodian } = await createPostgresStores({ db })
      expect(await db.query('SELECT version FROM medseal_schema')).toEqual([{ version: SCHEMA_VERSION }])
      expect(await db.query('SELECT DISTINCT horizon FROM medseal_custodian_request_shards')).toEqual([
        { horizon: Number.MIN_SAFE_INTEGER },
      ])
      expect(await db.query('SELECT count(*)::int4 AS n FROM medseal_custodian_request_shards')).toEqual([{ n: 64 }])
      // what was remembered is still a replay; nothing is stale before a prune forgot something
      expect(await custodian.rememberRequest({ digest: kept, until: 100, now: 50 })).toBe('replayed')
      expect(await custodian.rememberRequest({ digest: `0x${'00'.repeat(31)}22`, until: 60, now: 50 })).toBe('fresh')
      // a check at 200 in shard 17 forgets the digest and sets that shard's horizon (only that shard's)
      expect(await custodian.rememberRequest({ digest: `0x${'01'.repeat(31)}11`, until: 530, now: 200 })).toBe('fresh')
      expect(
        await db.query('SELECT shard, horizon FROM medseal_custodian_request_shards WHERE horizon > 0 ORDER BY shard'),
      ).toEqual([{ shard: 17, horizon: 200 }])
      // a process behind (now 60): the forgotten digest is stale, not fresh, and stays so; another shard is untouched
      expect(await custodian.rememberRequest({ digest: kept, until: 100, now: 60 })).toBe('stale')
      expect(await custodian.rememberRequest({ digest: kept, until: 100, now: 60 })).toBe('stale')
      expect(await custodian.rememberRequest({ digest: `0x${'02'.repeat(31)}23`, until: 100, now: 60 })).toBe('fresh')
      expect(await db.query('SELECT count FROM medseal_custodian_request_shards WHERE shard = 17')).toEqual([
        { count: 1 },
      ])
    } finally {
      await db.close()
    }
  })
})

describe('startPostgres', () => {
  it('serves on 127.0.0.1, survives kill -9 of the postmaster with committed rows (clients reconnect), and removes its directory', {
    timeout: 120_000,
  }, async () => {
    const own = await startPostgres()
    let stopped = false
    try {
      expect(own.host).toBe('127.0.0.1')
      const url = await own.createDatabase('crash')
      const setup = createPgDatabase({ pool: new pg.Pool({ connectionString: url }) })
      await setup.query('CREATE TABLE t (v int)')
      await setup.query('INSERT INTO t VALUES (42)')
      await setup.close()
      // a database whose connection dies with the server works again after the restart: a query on a connection
      // of the old server fails with STORE_UNAVAILABLE (the pool drops it), and the next one reconnects (a connect
      // timeout far above a loaded machine's connect time: a slow reconnect is not what this checks)
      const db = createPgDatabase({ pool: new pg.Pool({ connectionString: url, connectionTimeoutMillis: 30_000 }) })
      expect(await db.query('SELECT v FROM t')).toEqual([{ v: 42 }])
      const before = own.pid()
      await own.kill()
      await own.restart()
      let rows: unknown
      for (let attempt = 0; attempt < 3 && rows === undefined; attempt++) {
        try {
          rows = await db.query('SELECT v FROM t')
        } catch (e) {
          expect(isSdkError(e, 'STORE_UNAVAILABLE')).toBe(true)
        }
      }
      expect(rows).toEqual([{ v: 42 }])
      await db.close()
      expect(own.pid()).not.toBe(before)
      const again = createPgDatabase({ pool: new pg.Pool({ connectionString: url }) })
      expect(await again.query('SELECT v FROM t')).toEqual([{ v: 42 }])
      await again.close()
      await own.stop()
      stopped = true
      const err = await new pg.Pool({ connectionString: url, connectionTimeoutMillis: 2000 })
        .query('SELECT 1')
        .catch((e: unknown) => e)
      expect(err).toBeInstanceOf(Error)
    } finally {
      if (!stopped) await own.stop()
    }
  })
})
