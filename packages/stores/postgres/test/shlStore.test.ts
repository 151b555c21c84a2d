// The SMART Health Link store on SQL: the ShlStore conformance suite (@medseal/smart-health/testing) on PGlite in
// memory, PGlite on a directory (restarts) and a real PostgreSQL server (two pools as two processes, restarts), with
// the link-registration rules on PGlite in memory and the server, and a model-based property test of the attempt budget.
import { rmSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { createMemoryLedger } from '@medseal/adapter-memory'
import { createMemoryShlStore, type ShlStore, type ShlStoredLink } from '@medseal/smart-health'
import { describeShlStoreConformance } from '@medseal/smart-health/testing'
import { createPgliteDatabase, createPostgresShlStore, SCHEMA_VERSION, type SqlDatabase } from '@medseal/store-postgres'
import { openPgliteDirectory } from '@medseal/store-postgres/node'
import type { PostgresServer } from '@medseal/store-postgres/testing'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MIGRATIONS } from '../src/migrations/list.js'
import { resetSchema } from './_conformance.js'
import { directoryPglite, memoryPglite, serverDatabase, startPostgres } from './_servers.js'

/** A link with a passcode and a kept registration. */
const linkFixture = (): ShlStoredLink => ({
  id: 'F'.repeat(43),
  token: 'msc1.x',
  consentId: `0x${'ab'.repeat(32)}`,
  grantor: '0x1111111111111111111111111111111111111111',
  grantee: '0x2222222222222222222222222222222222222222',
  files: [
    {
      contentType: 'application/fhir+json',
      jwe: 'a.b.c.d.e',
      commitment: `0x${'01'.repeat(32)}`,
      resourceType: 'Observation',
    },
  ],
  passcode: { salt: 'c2FsdA', hash: 'aGFzaA', iterations: 1000 },
  attemptsLeft: 3,
  disabled: false,
  registration: {
    service: 'https://links.test',
    issuedAt: 1_700_000_000,
    maxAttempts: 3,
    signature: `0x${'cd'.repeat(65)}`,
  },
})

describe('in memory', () => {
  let db: SqlDatabase
  beforeAll(async () => {
    db = await memoryPglite()
  }, 120_000)
  afterAll(async () => {
    await db?.close()
  })
  // one PGlite for the block (starting one costs seconds), its schema dropped before every test
  describeShlStoreConformance('PGlite in memory', {
    create: async () => {
      await resetSchema(db)
      return { store: await createPostgresShlStore({ db }) }
    },
    // the registration rules (only the consent's grantee registers a link) through the routes on this store
    ledger: () => createMemoryLedger({ id: 'shl-registration' }),
  })
})

describe('on a directory', () => {
  let opened: Awaited<ReturnType<typeof directoryPglite>> | undefined
  let db: SqlDatabase
  beforeAll(async () => {
    opened = await directoryPglite()
    db = opened.db
  }, 120_000)
  afterAll(async () => {
    await db?.close()
    if (opened) rmSync(opened.dir, { recursive: true, force: true })
  })
  describeShlStoreConformance('PGlite on a directory', {
    create: async () => {
      await resetSchema(db)
      return {
        store: await createPostgresShlStore({ db }),
        reopen: async () => {
          await db.close()
          if (!opened) throw new Error('no directory')
          db = await openPgliteDirectory({ dataDir: opened.dir })
          return createPostgresShlStore({ db })
        },
      }
    },
  })
})

describe('on a PostgreSQL server', () => {
  let server: PostgresServer
  beforeAll(async () => {
    server = await startPostgres()
  }, 120_000)
  afterAll(async () => {
    await server?.stop()
  })
  describeShlStoreConformance('PostgreSQL server', {
    timeoutMs: 60_000,
    ledger: () => createMemoryLedger({ id: 'shl-registration' }),
    create: async () => {
      const { open } = await serverDatabase(server)
      const opened: SqlDatabase[] = [open()]
      const first = opened[0] as SqlDatabase
      return {
        store: await createPostgresShlStore({ db: first }),
        openSecond: async () => {
          const db = open()
          opened.push(db)
          return createPostgresShlStore({ db })
        },
        reopen: async () => {
          await first.close()
          opened.shift()
          const db = open()
          opened.push(db)
          return createPostgresShlStore({ db })
        },
        cleanup: async () => {
          await Promise.all(opened.map((d) => d.close()))
        },
      }
    },
  })
})

describe('createPostgresShlStore', () => {
  it('is migrations 3 and 4 of the schema, and refuses a database that is not one', async () => {
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(4)
    await expect(createPostgresShlStore({ db: {} as SqlDatabase })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
  })

  it('migration 4: a link stored at schema 3 reads after the upgrade, without a kept registration; a newer schema is refused', async () => {
    const db = await memoryPglite()
    try {
      // a database as schema 3 wrote it, with one link
      await db.transaction(async (tx) => {
        for (const m of MIGRATIONS.slice(0, 3)) for (const statement of m.statements) await tx.query(statement)
        await tx.query(
          'CREATE TABLE medseal_schema (id boolean PRIMARY KEY DEFAULT true CHECK (id), version integer NOT NULL)',
        )
        await tx.query('INSERT INTO medseal_schema (id, version) VALUES (true, 3)')
      })
      const { id, attemptsLeft, disabled, registration: _r, ...body } = linkFixture()
      await db.query('INSERT INTO medseal_shl_links (id, body, attempts_left, disabled) VALUES ($1, $2, $3, $4)', [
        id,
        JSON.stringify(body),
        attemptsLeft,
        disabled,
      ])
      const store = await createPostgresShlStore({ db })
      expect(await db.query('SELECT version FROM medseal_schema')).toEqual([{ version: SCHEMA_VERSION }])
      const read = await store.get(id)
      expect(read).toEqual({ id, attemptsLeft, disabled, ...body })
      expect(read?.registration).toBeUndefined()
      // a link registered now keeps its registration in its own column
      const kept = { ...linkFixture(), id: 'K'.repeat(43) }
      expect(await store.insert(kept)).toBe(true)
      const [row] = await db.query('SELECT body, registration FROM medseal_shl_links WHERE id = $1', [kept.id])
      expect(JSON.parse(String(row?.registration))).toEqual(kept.registration)
      expect(String(row?.body)).not.toContain('registration')
      expect(await store.get(kept.id)).toEqual(kept)
      // a malformed registration column is STORE_CORRUPT, not a link without one
      await db.query(`UPDATE medseal_shl_links SET registration = '{"service":1}' WHERE id = $1`, [kept.id])
      await expect(store.get(kept.id)).rejects.toMatchObject({ code: 'STORE_CORRUPT' })
      // a database written by a newer schema is still refused
      await db.query('UPDATE medseal_schema SET version = $1', [SCHEMA_VERSION + 1])
      await expect(createPostgresShlStore({ db })).rejects.toMatchObject({ code: 'STORE_VERSION' })
    } finally {
      await db.close()
    }
  })

  it('reports a stored link that does not parse as STORE_CORRUPT', async () => {
    const db = await memoryPglite()
    try {
      const store = await createPostgresShlStore({ db })
      await db.query(`INSERT INTO medseal_shl_links (id, body, attempts_left) VALUES ('x', 'not json', 1)`)
      await expect(store.get('x')).rejects.toMatchObject({ code: 'STORE_CORRUPT' })
    } finally {
      await db.close()
    }
  })

  it('prunes expired file locations as new ones are stored', async () => {
    let now = 1_000_000
    const db = await memoryPglite()
    try {
      const store = await createPostgresShlStore({ db, now: () => now })
      await store.putLocation('old', { linkId: 'l', index: 0, expiresAt: now + 10 })
      now += 20
      await store.putLocation('new', { linkId: 'l', index: 0, expiresAt: now + 10 })
      expect(await store.getLocation('old')).toBeUndefined()
      expect(await store.getLocation('new')).toMatchObject({ linkId: 'l' })
    } finally {
      await db.close()
    }
  })

  // Any sequence of reservations and settlements (some in parallel) leaves the SQL store where the memory store is.
  it('keeps the attempt budget like the memory store for any sequence of guesses (fast-check)', async () => {
    const pglite = await PGlite.create()
    const db = createPgliteDatabase({ pglite })
    const sql = await createPostgresShlStore({ db })
    const base: Omit<ShlStoredLink, 'id' | 'attemptsLeft'> = {
      token: 'msc1.x',
      consentId: `0x${'ab'.repeat(32)}`,
      grantor: '0x1111111111111111111111111111111111111111',
      grantee: '0x2222222222222222222222222222222222222222',
      files: [],
      disabled: false,
    }
    let n = 0
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 4 }),
          fc.array(fc.record({ parallel: fc.integer({ min: 1, max: 3 }), correct: fc.boolean() }), { maxLength: 8 }),
          async (attempts, rounds) => {
            const id = `p${++n}`
            const memory = createMemoryShlStore()
            const run = async (store: ShlStore) => {
              await store.insert({ ...base, id, attemptsLeft: attempts })
              const seen: number[][] = []
              for (const round of rounds) {
                const taken = await Promise.all(Array.from({ length: round.parallel }, () => store.takeAttempt(id)))
                seen.push(taken.sort())
                await Promise.all(taken.filter((t) => t >= 0).map(() => store.settleAttempt(id, round.correct)))
              }
              const link = await store.get(id)
              return { seen, attemptsLeft: link?.attemptsLeft, disabled: link?.disabled }
            }
            const want = await run(memory)
            expect(await run(sql)).toEqual(want)
            const wrongs = rounds.filter((r) => !r.correct).reduce((s, r) => s + r.parallel, 0)
            if (wrongs < attempts) expect(want.disabled).toBe(false)
          },
        ),
        { numRuns: 40 },
      )
    } finally {
      await db.close()
    }
  })
})
