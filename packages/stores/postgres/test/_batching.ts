/**
 * Batching of the custodian store's per-release reads and replay checks (concurrent calls of one process go together
 * in one statement): the answers must be those of the calls made one by one — test helper, not a test file.
 */
import { createMemoryLedger } from '@medseal/adapter-memory'
import {
  bytesToHex0x,
  type CustodianEntry,
  createAccessLog,
  createCustodian,
  createParty,
  type Hex,
  type LedgerAdapter,
  randomBytes,
  seal,
} from '@medseal/core'
import { createReleaseFixture } from '@medseal/core/testing'
import { createPostgresStores, type SqlDatabase } from '@medseal/store-postgres'
import { describe, expect, it } from 'vitest'

/** A database that counts statements by a piece of their text. */
function counting(db: SqlDatabase) {
  const seen: string[] = []
  const wrapped: SqlDatabase = Object.freeze({
    dialect: db.dialect,
    query: (sql, params, options) => {
      seen.push(sql)
      return db.query(sql, params, options)
    },
    transaction: (fn) => db.transaction(fn),
    close: () => db.close(),
  })
  return { db: wrapped, count: (text: string) => seen.filter((s) => s.includes(text)).length }
}

const READ = 'SELECT commitment, body, envelope FROM medseal_custodian_entries WHERE'
const REMEMBER_MANY = 'unnest($1::text[], $2::int8[], $3::int2[])'
const REMEMBER_ONE = 'VALUES ($1, $2::int8, $3)'

/** A random digest whose last byte is `last` (its replay-memory shard is `last % 64`). */
const digestIn = (last: number): Hex => `${bytesToHex0x(randomBytes(31))}${last.toString(16).padStart(2, '0')}` as Hex
const digest = (): Hex => bytesToHex0x(randomBytes(32))

const patient = createParty({ seed: new Uint8Array(32).fill(5) })

/** A custodian entry holding a sealed envelope. */
async function entry(): Promise<CustodianEntry> {
  const sealed = await seal({ resourceType: 'Observation', status: 'final' }, { recipients: [patient] })
  return Object.freeze({
    commitment: bytesToHex0x(sealed.commitment),
    owner: patient.address,
    resourceType: 'Observation',
    labels: Object.freeze(['a']),
    envelope: sealed.envelope,
  })
}

/** Registers the batching tests. `fresh()` gives an empty database for one test, and a second connection to it. */
export function describeBatching(
  name: string,
  fresh: () => Promise<{ db: SqlDatabase; second: SqlDatabase; cleanup: () => Promise<void> }>,
): void {
  describe(`Batched reads and replay checks: ${name}`, { timeout: 120_000 }, () => {
    it('concurrent entry reads go in one statement; each caller gets its own copy, absent ones undefined', async () => {
      const { db, cleanup } = await fresh()
      try {
        const c = counting(db)
        const { custodian } = await createPostgresStores({ db: c.db })
        const a = await entry()
        const b = await entry()
        await custodian.insertEntry(a)
        await custodian.insertEntry(b)
        const missing = digest()
        const before = c.count(READ)
        // reads made in one turn of the event loop go together (the batch starts at the end of the turn)
        const keys = [a, a, b, a, b, a, b, a, b].map((e) => e.commitment as Hex)
        const got = await Promise.all([...keys, missing].map((k) => custodian.getEntry(k)))
        expect(c.count(READ) - before).toBe(1)
        // a read made while a batch runs waits for the next batch, with the others made meanwhile
        const first = custodian.getEntry(a.commitment as Hex)
        await new Promise((r) => setImmediate(r)) // the first batch has started
        const later = await Promise.all([b, a, b].map((e) => custodian.getEntry(e.commitment as Hex)))
        expect((await first)?.commitment).toBe(a.commitment?.toLowerCase())
        expect(later.map((e) => e?.commitment)).toEqual([b, a, b].map((e) => e.commitment?.toLowerCase()))
        expect(c.count(READ) - before).toBe(3)
        expect(got.slice(0, -1).map((e) => e?.commitment)).toEqual(keys.map((k) => k.toLowerCase()))
        expect(got[0]).toEqual(a)
        expect(got[2]?.labels).toEqual(['a'])
        expect(got[0]).not.toBe(got[1]) // nothing shared between callers
        expect(got[0]?.envelope?.ciphertext).not.toBe(got[1]?.envelope?.ciphertext)
        expect(got.at(-1)).toBeUndefined()
      } finally {
        await cleanup()
      }
    })

    it('concurrent replay checks go in one statement: each digest fresh once, a digest twice in a batch fresh then replayed', async () => {
      const { db, cleanup } = await fresh()
      try {
        const c = counting(db)
        const { custodian } = await createPostgresStores({ db: c.db })
        const until = 2_000_000_000
        const now = 1_700_000_000
        const old = [digest(), digest(), digest()]
        for (const d of old) expect(await custodian.rememberRequest({ digest: d, until, now })).toBe('fresh')
        const fresh1 = Array.from({ length: 12 }, () => digest())
        const calls = [digest(), ...fresh1, fresh1[0], fresh1[5], ...old] as Hex[]
        const before = c.count(REMEMBER_MANY)
        const answers = await Promise.all(calls.map((d) => custodian.rememberRequest({ digest: d, until, now })))
        expect(c.count(REMEMBER_MANY) - before).toBe(1)
        expect(answers).toEqual([
          'fresh',
          ...fresh1.map(() => 'fresh'),
          'replayed', // fresh1[0] again in the same batch: checked after it
          'replayed',
          ...old.map(() => 'replayed'),
        ])
        // every remembered digest is counted once in its shard
        const [row] = await db.query(
          'SELECT (SELECT sum(count) FROM medseal_custodian_request_shards)::int8 AS counted, (SELECT count(*) FROM medseal_custodian_requests)::int8 AS stored',
        )
        expect(row).toEqual({ counted: 16, stored: 16 })
        // a later batch: all replays now
        const again = await Promise.all(fresh1.map((d) => custodian.rememberRequest({ digest: d, until, now })))
        expect(again.every((a) => a === 'replayed')).toBe(true)
      } finally {
        await cleanup()
      }
    })

    it('a batch that finds a shard full stores nothing of itself; then each request alone: that one full, the others fresh', async () => {
      const { db, cleanup } = await fresh()
      try {
        const c = counting(db)
        // 64 remembered requests at most: one per shard
        const { custodian } = await createPostgresStores({ db: c.db, maxRememberedRequests: 64 })
        const until = 2_000_000_000
        const now = 1_700_000_000
        expect(await custodian.rememberRequest({ digest: digestIn(7), until, now })).toBe('fresh') // shard 7 full
        const full = digestIn(7 + 64)
        const others = [digestIn(1), digestIn(2), digestIn(3)]
        const before = { many: c.count(REMEMBER_MANY), one: c.count(REMEMBER_ONE) }
        const answers = await Promise.all(
          [digestIn(4), ...others, full].map((d) => custodian.rememberRequest({ digest: d, until, now })),
        )
        expect(answers).toEqual(['fresh', 'fresh', 'fresh', 'fresh', 'full'])
        expect(c.count(REMEMBER_MANY) - before.many).toBe(1) // tried once, undone
        expect(c.count(REMEMBER_ONE) - before.one).toBe(5) // then each of the batch alone
        const [row] = await db.query(
          'SELECT (SELECT sum(count) FROM medseal_custodian_request_shards)::int8 AS counted, (SELECT count(*) FROM medseal_custodian_requests)::int8 AS stored',
        )
        expect(row).toEqual({ counted: 5, stored: 5 })
      } finally {
        await cleanup()
      }
    })

    it('review 8: a corrupt stored entry in a batch of entry reads + replay checks fails its own caller only', async () => {
      const { db, cleanup } = await fresh()
      try {
        const c = counting(db)
        const { custodian } = await createPostgresStores({ db: c.db })
        const bad = await entry()
        const good = await entry()
        await custodian.insertEntry(bad)
        await custodian.insertEntry(good)
        // the row of one record no longer parses (a damaged or tampered database)
        await db.query("UPDATE medseal_custodian_entries SET body = 'not json' WHERE commitment = $1", [
          (bad.commitment as Hex).toLowerCase(),
        ])
        const until = 2_000_000_000
        const now = 1_700_000_000
        const asks = [bad, good, good].map((e) => ({ commitment: e.commitment as Hex, digest: digest(), until, now }))
        const before = c.count(REMEMBER_MANY)
        // one turn: one batch, one statement (as a custodian's concurrent releases of two records)
        const got = await Promise.allSettled(asks.map((a) => custodian.getEntryAndRememberRequest?.(a)))
        expect(c.count(REMEMBER_MANY) - before).toBe(1)
        expect(got[0]).toMatchObject({ status: 'rejected', reason: { code: 'STORE_CORRUPT' } })
        // the other callers get their own answers, as each would alone (not the corrupt record's error)
        for (const g of got.slice(1)) {
          expect(g.status).toBe('fulfilled')
          const value = (g as PromiseFulfilledResult<{ entry?: CustodianEntry; seen: string }>).value
          expect(value.seen).toBe('fresh')
          expect(value.entry?.commitment).toBe((good.commitment as Hex).toLowerCase())
        }
      } finally {
        await cleanup()
      }
    })

    it('review 8: a key request replayed to a custodian process whose ledger time lags the pruning one’s is refused', async () => {
      const { db, second, cleanup } = await fresh()
      try {
        // two custodian processes of one party on one database, each reading the ledger's time through its own
        // connection: the second sees it 20 s behind (within the 30 s a custodian accepts from requesters)
        const clock = { now: 1_700_000_000 }
        const ledger = createMemoryLedger({ id: 'review8-lag', now: () => clock.now })
        const hostNow = () => clock.now * 1000
        const one = await createPostgresStores({ db })
        const two = await createPostgresStores({ db: second })
        const f = await createReleaseFixture({
          ledger,
          custodian: { store: one.custodian, now: hostNow },
          log: { store: one.accessLog({ name: 'review8' }), name: 'review8' },
        })
        const behind: LedgerAdapter = Object.freeze({ ...ledger, getTime: async () => (await ledger.getTime()) - 20 })
        const log = await createAccessLog({
          operator: f.vendor,
          ledger: behind,
          name: 'review8',
          store: two.accessLog({ name: 'review8' }),
        })
        const lagging = createCustodian({ party: f.vendor, ledger: behind, log, store: two.custodian, now: hostNow })
        const request = await f.keyRequest()
        expect((await f.custodian.releaseKey(request)).decision.allowed).toBe(true)
        // 305 s on: stale for the first process, whose next releases prune the replay memory (every shard)
        clock.now += 305
        expect((await f.custodian.releaseKey(await f.keyRequest())).decision.allowed).toBe(true)
        for (let shard = 0; shard < 64; shard++)
          await one.custodian.rememberRequest({ digest: digestIn(shard), until: clock.now + 1, now: clock.now })
        // not stale yet for the second: it must still be a replay there
        await expect(lagging.releaseKey(request)).rejects.toMatchObject({ code: 'REQUEST_REPLAYED' })
      } finally {
        await cleanup()
      }
    })

    it('review 9: key requests replayed to a custodian process lagging the pruning one by more than 30 s are refused as stale, alone and in one batch', async () => {
      const { db, second, cleanup } = await fresh()
      try {
        // as review 8, but the second process sees the ledger's time 40 s behind: beyond the 30 s the digests are
        // kept past the window, so only the shards' prune horizon can tell these requests from fresh ones
        const clock = { now: 1_700_000_000 }
        const ledger = createMemoryLedger({ id: 'review9-lag', now: () => clock.now })
        const hostNow = () => clock.now * 1000
        const c = counting(second)
        const one = await createPostgresStores({ db })
        const two = await createPostgresStores({ db: c.db })
        const f = await createReleaseFixture({
          ledger,
          custodian: { store: one.custodian, now: hostNow },
          log: { store: one.accessLog({ name: 'review9' }), name: 'review9' },
        })
        const behind: LedgerAdapter = Object.freeze({ ...ledger, getTime: async () => (await ledger.getTime()) - 40 })
        const log = await createAccessLog({
          operator: f.vendor,
          ledger: behind,
          name: 'review9',
          store: two.accessLog({ name: 'review9' }),
        })
        const lagging = createCustodian({ party: f.vendor, ledger: behind, log, store: two.custodian, now: hostNow })
        const requests = [await f.keyRequest(), await f.keyRequest(), await f.keyRequest()]
        for (const r of requests) expect((await f.custodian.releaseKey(r)).decision.allowed).toBe(true)
        // 335 s on: past the window and the margin for the first process, whose checks prune every shard
        clock.now += 335
        expect((await f.custodian.releaseKey(await f.keyRequest())).decision.allowed).toBe(true)
        await Promise.all(
          Array.from({ length: 64 }, (_, shard) =>
            one.custodian.rememberRequest({ digest: digestIn(shard), until: clock.now + 1, now: clock.now }),
          ),
        )
        // 295 s old for the second: in its window, and refused as stale (not fresh), alone ...
        const [alone, ...batch] = requests as [(typeof requests)[0], ...typeof requests]
        await expect(lagging.releaseKey(alone)).rejects.toMatchObject({
          code: 'ACCESS_DENIED',
          shortMessage: 'The key request is stale.',
        })
        // ... and two in one turn (one batched statement, undone, then each asked alone)
        const before = c.count(REMEMBER_MANY)
        const got = await Promise.allSettled(batch.map((r) => lagging.releaseKey(r)))
        expect(c.count(REMEMBER_MANY) - before).toBe(1)
        for (const g of got)
          expect(g).toMatchObject({
            status: 'rejected',
            reason: { code: 'ACCESS_DENIED', shortMessage: 'The key request is stale.' },
          })
        // nothing was remembered for them, and the log holds one deny each, no second permit
        const [row] = await db.query(
          `SELECT count(*)::int4 AS n FROM medseal_custodian_requests WHERE until < $1::int8`,
          [clock.now],
        )
        expect(row).toEqual({ n: 0 })
        const events = await Promise.all(Array.from({ length: log.size }, (_, i) => log.getEvent(i)))
        expect(events.filter((e) => e.outcome === 'permit')).toHaveLength(4)
        expect(events.filter((e) => e.outcome === 'deny')).toHaveLength(3)
      } finally {
        await cleanup()
      }
    })

    it('a batch at a new second forgets the expired digests of all its shards in one statement, each count kept', async () => {
      const { db, cleanup } = await fresh()
      try {
        const c = counting(db)
        const { custodian } = await createPostgresStores({ db: c.db })
        const now = 1_700_000_000
        // two digests in each of 16 shards, remembered until now + 10; each checked alone (pruning one shard each)
        const old = Array.from({ length: 32 }, (_, i) => digestIn(i % 16))
        for (const d of old) expect(await custodian.rememberRequest({ digest: d, until: now + 10, now })).toBe('fresh')
        const prunes = () => c.count('DELETE FROM medseal_custodian_requests WHERE shard')
        const before = prunes()
        // 20 s on: a batch in those 16 shards (and 8 more) prunes them all in ONE statement, then checks the batch
        const later = now + 20
        const batch = Array.from({ length: 24 }, (_, i) => digestIn(i))
        const seen = await Promise.all(
          [...batch, old[0] as Hex].map((d) => custodian.rememberRequest({ digest: d, until: later + 10, now: later })),
        )
        expect(seen).toEqual(Array.from({ length: 25 }, () => 'fresh'))
        expect(prunes() - before).toBe(1)
        // the 31 expired digests are gone from their shards' counts; the 25 new ones are counted
        const [row] = await db.query(
          'SELECT (SELECT sum(count) FROM medseal_custodian_request_shards)::int8 AS counted, (SELECT count(*) FROM medseal_custodian_requests)::int8 AS stored',
        )
        expect(row).toEqual({ counted: 25, stored: 25 })
        // pruned at this second already: the next batch prunes nothing
        await Promise.all(
          [digestIn(1), digestIn(2)].map((d) =>
            custodian.rememberRequest({ digest: d, until: later + 10, now: later }),
          ),
        )
        expect(prunes() - before).toBe(1)
      } finally {
        await cleanup()
      }
    })

    it('two store instances (two processes) checking the same digests in opposite orders: each fresh exactly once', async () => {
      const { db, second, cleanup } = await fresh()
      try {
        const one = (await createPostgresStores({ db })).custodian
        const two = (await createPostgresStores({ db: second })).custodian
        const until = 2_000_000_000
        const now = 1_700_000_000
        for (let round = 0; round < 5; round++) {
          const digests = Array.from({ length: 24 }, () => digest())
          const [a, b] = await Promise.all([
            Promise.all(digests.map((d) => one.rememberRequest({ digest: d, until, now }))),
            Promise.all([...digests].reverse().map((d) => two.rememberRequest({ digest: d, until, now }))),
          ])
          b.reverse()
          digests.forEach((_, i) => {
            expect([a[i], b[i]].sort()).toEqual(['fresh', 'replayed'])
          })
        }
        const [row] = await db.query(
          'SELECT (SELECT sum(count) FROM medseal_custodian_request_shards)::int8 AS counted, (SELECT count(*) FROM medseal_custodian_requests)::int8 AS stored',
        )
        expect(row).toEqual({ counted: 120, stored: 120 })
      } finally {
        await cleanup()
      }
    })
  })
}
