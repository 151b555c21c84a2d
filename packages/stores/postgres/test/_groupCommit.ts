/**
 * Group commit of one SQL access log (appends and custodian releases that wait go together in one transaction): the
 * guarantees that batching must keep, on a database from `fresh()` — test helper, not a test file.
 */
import { createMemoryLedger } from '@medseal/adapter-memory'
import {
  type AccessLogLeaf,
  bytesToHex0x,
  type CustodianRelease,
  consentKey,
  createAccessLog,
  createParty,
  encodeAccessEvent,
  type Hex,
  isSdkError,
  leafHash,
  merkleRoot,
  randomBytes,
} from '@medseal/core'
import { createReleaseFixture } from '@medseal/core/testing'
import { createPostgresStores, type SqlDatabase } from '@medseal/store-postgres'
import { describe, expect, it } from 'vitest'

/**
 * A database that counts the units of work that append to a log (a transaction, or one statement outside a
 * transaction: the store appends in one guarded statement when it can) and can refuse them after their statements ran
 * (the work then rolls back, as a failed commit would leave it). Other work (the replay memory) runs untouched.
 */
function counted(db: SqlDatabase) {
  const state = { transactions: 0, refuse: false }
  const appends = (sql: string) => sql.includes('INSERT INTO medseal_log_entries')
  const refused = () => new Error('commit refused by the test')
  const wrapped: SqlDatabase = Object.freeze({
    dialect: db.dialect,
    query: async (sql, params) => {
      if (!appends(sql)) return db.query(sql, params)
      state.transactions++
      if (!state.refuse) return db.query(sql, params)
      return db.transaction(async (tx) => {
        await tx.query(sql, params)
        throw refused()
      })
    },
    close: () => db.close(),
    transaction: (fn) =>
      db.transaction(async (tx) => {
        let appending = false
        const result = await fn({
          query: (sql, params) => {
            if (appends(sql)) appending = true
            return tx.query(sql, params)
          },
        })
        if (appending) state.transactions++
        if (state.refuse && appending) throw refused()
        return result
      }),
  })
  return { db: wrapped, state }
}

const owner = '0x00000000000000000000000000000000000000b1' as const
const hex32 = (): Hex => bytesToHex0x(randomBytes(32))
const leafOf = (i: number): AccessLogLeaf => {
  const leafData = encodeAccessEvent({
    actor: '0x00000000000000000000000000000000000000a1',
    action: 'read',
    commitment: hex32(),
    at: 1_700_000_000 + i,
    purpose: 'TREAT',
    outcome: 'permit',
  })
  return { leafData, leafHash: leafHash(leafData) }
}
const releaseOf = (consentId: Hex, at: number): CustodianRelease =>
  Object.freeze({
    consentKey: consentKey(owner, consentId),
    consentId,
    grantor: owner,
    commitment: hex32(),
    grantee: '0x00000000000000000000000000000000000000b2',
    encryptionKey: hex32(),
    at,
  })

/** Registers the group-commit tests. `fresh()` gives an empty database for one test. */
export function describeGroupCommit(
  name: string,
  fresh: () => Promise<{ db: SqlDatabase; cleanup: () => Promise<void> }>,
): void {
  describe(`Group commit: ${name}`, { timeout: 120_000 }, () => {
    const withStores = async (
      fn: (
        c: ReturnType<typeof counted> & { stores: Awaited<ReturnType<typeof createPostgresStores>> },
      ) => Promise<void>,
    ) => {
      const { db, cleanup } = await fresh()
      try {
        const c = counted(db)
        const stores = await createPostgresStores({ db: c.db })
        await fn({ ...c, stores })
      } finally {
        await cleanup()
      }
    }

    it('releases that wait while a transaction runs commit together in one, each at its own index; groups are bounded', async () => {
      await withStores(async ({ stores, state }) => {
        const log = stores.accessLog({ name: 'group' })
        const id = hex32()
        const leaves = Array.from({ length: 50 }, (_, i) => leafOf(i))
        const before = state.transactions
        const commit = (i: number) =>
          stores.custodian.commitRelease({
            release: releaseOf(id, i),
            log: { store: log, leaf: leaves[i] as AccessLogLeaf },
          })
        // the first goes at the end of its turn of the event loop (no timer delays a lone release); the 49 made
        // after that turn, while it runs, queue behind it and go together
        const first = commit(0)
        await new Promise((r) => setImmediate(r))
        const rest = leaves.slice(1).map((_, i) => commit(i + 1))
        const results = [await first, ...(await Promise.all(rest))]
        expect(state.transactions - before).toBe(2)
        for (const [i, r] of results.entries()) {
          expect(r.firstIndex).toBe(i)
          expect((await log.get(i))?.leafData).toEqual(leaves[i]?.leafData)
        }
        expect(await log.size()).toBe(50)
        const releases = await stores.custodian.listReleases(consentKey(owner, id))
        expect(releases.map((r) => r.at)).toEqual(leaves.map((_, i) => i)) // in commit order
        const accessLog = await createAccessLog({
          operator: createParty({ seed: new Uint8Array(32).fill(3) }),
          ledger: createMemoryLedger({ id: 'group' }),
          name: 'group',
          store: log,
        })
        expect(await accessLog.root()).toEqual(merkleRoot(leaves.map((l) => l.leafData)))

        // at most 1,000 leaves per transaction: 2,001 single appends at once are 1 + 2 + ... transactions
        const many = Array.from({ length: 2001 }, (_, i) => leafOf(100 + i))
        const t0 = state.transactions
        const got = await Promise.all(many.map((l) => log.append([l])))
        expect(state.transactions - t0).toBe(3) // made in one turn: 1,000, 1,000, then 1
        expect(got.map((r) => r.firstIndex)).toEqual(many.map((_, i) => 50 + i))
        expect(await accessLog.root()).toEqual(merkleRoot([...leaves, ...many].map((l) => l.leafData)))
      })
    })

    it('appends of two instances taking turns (each with a stale cached border) form one tree, each at its index', async () => {
      await withStores(async ({ db, stores }) => {
        const other = await createPostgresStores({ db }) // a second instance: its own border cache
        const a = stores.accessLog({ name: 'shared' })
        const b = other.accessLog({ name: 'shared' })
        const leaves = Array.from({ length: 9 }, (_, i) => leafOf(i))
        const order = [a, a, b, a, b, b, a, b, a]
        for (const [i, leaf] of leaves.entries())
          expect(await (order[i] as typeof a).append([leaf])).toEqual({ firstIndex: i, size: i + 1 })
        const accessLog = await createAccessLog({
          operator: createParty({ seed: new Uint8Array(32).fill(4) }),
          ledger: createMemoryLedger({ id: 'shared' }),
          name: 'shared',
          store: b,
        })
        expect(await accessLog.root()).toEqual(merkleRoot(leaves.map((l) => l.leafData)))
      })
    })

    it('an append that finds another instance appended since tries again with the border its statement read: no transaction, no lock held between round trips', async () => {
      const { db, cleanup } = await fresh()
      try {
        const calls = { statements: 0, transactions: 0 }
        const watched: SqlDatabase = Object.freeze({
          dialect: db.dialect,
          query: (sql, params, options) => {
            if (sql.includes('INSERT INTO medseal_log_entries')) calls.statements++
            return db.query(sql, params, options)
          },
          transaction: (fn) => {
            calls.transactions++
            return db.transaction(fn)
          },
          close: () => db.close(),
        })
        const a = (await createPostgresStores({ db: watched })).accessLog({ name: 'turns' })
        const b = (await createPostgresStores({ db })).accessLog({ name: 'turns' })
        const leaves = Array.from({ length: 40 }, (_, i) => leafOf(i))
        expect(await a.append([leaves[0] as AccessLogLeaf])).toEqual({ firstIndex: 0, size: 1 }) // nothing cached yet
        for (let i = 1; i < leaves.length; i += 2) {
          expect(await b.append([leaves[i] as AccessLogLeaf])).toEqual({ firstIndex: i, size: i + 1 })
          if (i + 1 === leaves.length) break
          const before = { ...calls }
          expect(await a.append([leaves[i + 1] as AccessLogLeaf])).toEqual({ firstIndex: i + 1, size: i + 2 })
          // the guarded statement fails (b appended), answers the border of the log's size, and the next one stores
          expect({
            statements: calls.statements - before.statements,
            transactions: calls.transactions - before.transactions,
          }).toEqual({ statements: 2, transactions: 0 })
        }
        const accessLog = await createAccessLog({
          operator: createParty({ seed: new Uint8Array(32).fill(4) }),
          ledger: createMemoryLedger({ id: 'turns' }),
          name: 'turns',
          store: a,
        })
        expect(await accessLog.root()).toEqual(merkleRoot(leaves.map((l) => l.leafData)))
        for (const i of [0, 17, 38]) expect((await accessLog.getEvent(i)).at).toBe(1_700_000_000 + i)
      } finally {
        await cleanup()
      }
    })

    it('a group whose transaction fails rejects every caller in it and stores none of it', async () => {
      await withStores(async ({ stores, state }) => {
        const log = stores.accessLog({ name: 'group' })
        await log.append([leafOf(0)])
        const id = hex32()
        state.refuse = true
        const before = state.transactions
        const settled = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) =>
            i % 4 === 0
              ? log.append([leafOf(i), leafOf(i + 100)])
              : stores.custodian.commitRelease({ release: releaseOf(id, i), log: { store: log, leaf: leafOf(i) } }),
          ),
        )
        expect(state.transactions - before).toBe(1) // made in one turn: together, rolled back
        expect(settled.every((r) => r.status === 'rejected')).toBe(true)
        expect(await log.size()).toBe(1)
        expect(await stores.custodian.listReleases(consentKey(owner, id))).toEqual([])
        state.refuse = false
        // the border cache was not advanced by the failed groups: the next append continues the one tree
        const next = leafOf(7)
        expect(await log.append([next])).toEqual({ firstIndex: 1, size: 2 })
        const first = (await log.get(0)) as AccessLogLeaf
        expect((await log.getNodes([{ level: 1, index: 0 }]))[0]).toEqual(merkleRoot([first.leafData, next.leafData]))
      })
    })

    it('a caller is answered only after its group committed; a failed group fails exactly its callers, not the next group', async () => {
      const { db, cleanup } = await fresh()
      try {
        // the units of work that append (a transaction, or a guarded statement outside one) are held after the
        // database answered, until let go; the first `refuse` guarded statements are rolled back instead of stored
        const held: (() => void)[] = []
        let holding = false // from when the stores are made (making them runs the migrations in transactions)
        const hold = () => (holding ? new Promise<void>((r) => held.push(r)) : Promise.resolve())
        let refuse = 0
        const gated: SqlDatabase = Object.freeze({
          dialect: db.dialect,
          query: async (sql, params, options) => {
            if (!sql.includes('INSERT INTO medseal_log_entries')) return db.query(sql, params, options)
            const refused = refuse > 0
            if (refused) refuse--
            const done = await (refused
              ? db.transaction(async (tx) => {
                  await tx.query(sql, params, options)
                  throw new Error('commit refused by the test')
                })
              : db.query(sql, params, options)
            ).then(
              (rows) => ({ rows }),
              (error: unknown) => ({ error }),
            )
            await hold()
            if ('error' in done) throw done.error
            return done.rows
          },
          transaction: async (fn) => {
            const out = await db.transaction(fn)
            await hold()
            return out
          },
          close: () => db.close(),
        })
        const turns = async (n: number) => {
          for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r))
        }
        const letGo = async () => {
          while (held.length === 0) await turns(1)
          ;(held.shift() as () => void)()
        }
        const log = (await createPostgresStores({ db: gated })).accessLog({ name: 'held' })
        const plain = (await createPostgresStores({ db })).accessLog({ name: 'held' })
        holding = true
        const leaves = Array.from({ length: 6 }, (_, i) => leafOf(i))
        const answered: string[] = []
        const watch = <T>(p: Promise<T>, name: string) => {
          void p.then(
            () => answered.push(`${name} ok`),
            () => answered.push(`${name} failed`),
          )
          return p
        }
        // the first append (nothing cached: a transaction), then one with the border cached (a guarded statement):
        // each is stored before its caller hears of it, and its caller hears nothing until the store has its outcome
        for (const i of [0, 1]) {
          const p = watch(log.append([leaves[i] as AccessLogLeaf]), `#${i}`)
          while (held.length === 0) await turns(1)
          await turns(5)
          expect(answered).toEqual(i === 0 ? [] : ['#0 ok'])
          expect(await plain.size()).toBe(i + 1) // committed: another connection sees it
          await letGo()
          expect(await p).toEqual({ firstIndex: i, size: i + 1 })
        }
        // group A (one turn) is refused; group B, made while A runs, commits at the indexes A would have had
        refuse = 1
        const a = [watch(log.append([leafOf(10)]), 'A'), watch(log.append([leafOf(11), leafOf(12)]), 'A')]
        while (held.length === 0) await turns(1)
        const b = [
          watch(log.append([leaves[2] as AccessLogLeaf]), 'B'),
          watch(log.append([leaves[3] as AccessLogLeaf]), 'B'),
        ]
        await turns(5)
        expect(answered).toEqual(['#0 ok', '#1 ok']) // A rolled back, but nobody is answered before the store is
        await letGo()
        expect((await Promise.allSettled(a)).map((r) => r.status)).toEqual(['rejected', 'rejected'])
        expect(answered.slice(2)).toEqual(['A failed', 'A failed']) // B still waits for its own statement
        await letGo()
        expect(await Promise.all(b)).toEqual([
          { firstIndex: 2, size: 4 },
          { firstIndex: 3, size: 4 },
        ])
        expect(await plain.size()).toBe(4)
        for (const i of [0, 1, 2, 3]) expect((await plain.get(i))?.leafData).toEqual(leaves[i]?.leafData)
      } finally {
        await cleanup()
      }
    })

    it('a custodian hands out no key from a group whose commit fails: every caller gets LOG_APPEND_FAILED', async () => {
      await withStores(async ({ stores, state }) => {
        const ledger = createMemoryLedger({ id: 'group-custodian' })
        const { custodian, keyRequest, patient, token, log } = await createReleaseFixture({
          ledger,
          seeds: [41, 42, 43],
          log: { name: 'c', store: stores.accessLog({ name: 'c' }) },
          custodian: { store: stores.custodian },
          durationSeconds: 3600,
        })
        const issuedAt = await ledger.getTime()
        const requests = await Promise.all(Array.from({ length: 8 }, () => keyRequest(issuedAt)))
        state.refuse = true
        const settled = await Promise.allSettled(requests.map((r) => custodian.releaseKey(r)))
        for (const r of settled) {
          expect(r.status).toBe('rejected')
          expect(isSdkError((r as PromiseRejectedResult).reason, 'LOG_APPEND_FAILED')).toBe(true)
        }
        expect(await stores.accessLog({ name: 'c' }).size()).toBe(0)
        expect(await stores.custodian.listReleases(consentKey(patient.address, token.consent.id))).toEqual([])
        state.refuse = false
        // the requests were remembered (they are used once), so new ones are signed; they go through
        const again = await Promise.all(Array.from({ length: 4 }, async () => custodian.releaseKey(await keyRequest())))
        expect(again).toHaveLength(4)
        expect(await stores.custodian.listReleases(consentKey(patient.address, token.consent.id))).toHaveLength(4)
        expect(log.size).toBe(4)
      })
    })
  })
}
