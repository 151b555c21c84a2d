/**
 * The custodian store over SQL: records (insert-if-absent by primary key), releases, the key-request replay memory
 * (one row per digest, inserted-if-absent, its count and prune horizon kept in shard rows: no lock shared by every
 * request), and the release + log entry transaction.
 * @module
 */
import {
  type CommitReleaseParameters,
  type CustodianEntry,
  type CustodianRelease,
  type CustodianStore,
  decodeEnvelope,
  encodeEnvelope,
  type GetEntryAndRememberRequestResult,
  InvalidArgumentError,
  type RememberRequestResult,
  StoreError,
} from '@medseal/core'
import { _sqlState } from '../db/_normalize.js'
import type { SqlDatabase, SqlQueryable, SqlRow } from '../db/types.js'
import { REQUEST_SHARDS } from '../migrations/m0002RequestShards.js'
import { _createBatcher } from './_batch.js'
import { _hex, _hex32, _parseBody } from './_shared.js'
import { _sqlLogStores } from './accessLogStore.js'

/**
 * SQLSTATE of a division by zero: how the one-statement replay check says a new digest found its shard full or its
 * `until` below the shard's prune horizon (the transaction of `rememberOne` then tells which).
 */
const DIVISION_BY_ZERO = '22012'

/** Most calls of one kind a batch holds (entry reads, replay checks). */
const MAX_BATCH = 64

/**
 * One replay check's statement up to its answer (`$1` digest, `$2` until, `$3` shard, `$4` now, `$5` the shard's cap):
 * insert (or renew an expired) digest and, for a new one, take a place in its shard's count under the shard row's lock.
 * The shard row's prune horizon is compared under that same lock (an UPDATE re-reads a row a concurrent prune changed),
 * so a new digest whose `until` is below the time the shard forgot digests at takes no place. Its answer
 * ({@link REMEMBER_ONE_ANSWER}) divides by zero when a new digest took no place (a runtime error, not foldable by the
 * planner), which undoes all of it. Shared by the replay check and the entry read with it.
 */
const REMEMBER_ONE_CTES = `WITH up AS (
           INSERT INTO medseal_custodian_requests (digest, until, shard) VALUES ($1, $2::int8, $3)
           ON CONFLICT (digest) DO UPDATE SET until = excluded.until WHERE medseal_custodian_requests.until < $4::int8
           RETURNING (xmax = 0) AS inserted
         ), slot AS (
           UPDATE medseal_custodian_request_shards SET count = count + 1
           WHERE shard = $3 AND count < $5::int8 AND horizon <= $2::int8 AND EXISTS (SELECT 1 FROM up WHERE inserted)
           RETURNING 1
         )`

/** The answer of {@link REMEMBER_ONE_CTES}: `upserted` (1: fresh), `placed` (divides by zero when no place was taken). */
const REMEMBER_ONE_ANSWER = `(SELECT count(*)::int4 FROM up) AS upserted,
                CASE WHEN (SELECT inserted FROM up) THEN 1 / (SELECT count(*)::int4 FROM slot) ELSE 1 END AS placed`

/**
 * A batch's replay checks up to their answer (`$1` digests, `$2` untils, `$3` shards, `$4` now, `$5` each shard's cap):
 * digests inserted in digest order, then the shard rows locked in shard order (two processes' batches never wait on
 * each other in a cycle) and their counts raised, each only if no new digest of it has its `until` below the shard's
 * prune horizon (read from the locked row). Its answer ({@link REMEMBER_MANY_ANSWER}) divides by zero when a shard lacks
 * room or a new digest is below its horizon, which undoes all of it. Shared by the batched replay check and the batched
 * entry read with it.
 */
const REMEMBER_MANY_CTES = `WITH up AS (
           INSERT INTO medseal_custodian_requests AS r (digest, until, shard)
           SELECT t.d, t.u, t.s FROM unnest($1::text[], $2::int8[], $3::int2[]) AS t(d, u, s) ORDER BY t.d
           ON CONFLICT (digest) DO UPDATE SET until = excluded.until WHERE r.until < $4::int8
           RETURNING r.digest, r.shard, r.until, (r.xmax = 0) AS inserted
         ), need AS (
           SELECT shard, count(*)::int8 AS n, min(until) AS least FROM up WHERE inserted GROUP BY shard
         ), locked AS MATERIALIZED (
           SELECT s.shard FROM medseal_custodian_request_shards s
           WHERE s.shard IN (SELECT shard FROM need) ORDER BY s.shard FOR UPDATE OF s
         ), slot AS (
           UPDATE medseal_custodian_request_shards s SET count = s.count + need.n
           FROM need WHERE s.shard = need.shard AND s.shard IN (SELECT shard FROM locked)
             AND s.count + need.n <= ($5::int8[])[s.shard + 1] AND s.horizon <= need.least
           RETURNING s.shard
         )`

/** The answer of {@link REMEMBER_MANY_CTES}: `upserted` (the fresh digests), `placed` (divides by zero when not placed). */
const REMEMBER_MANY_ANSWER = `(SELECT array_agg(digest) FROM up) AS upserted,
                1 / (CASE WHEN (SELECT count(*) FROM need) = (SELECT count(*) FROM slot) THEN 1 ELSE 0 END) AS placed`

/** One replay check: a digest (lower-case hex), until when it is remembered, the ledger time now. */
type Remember = { readonly digest: string; readonly until: number; readonly now: number }

/** One entry read with a replay check: the entry's commitment (lower-case hex) besides. */
type Both = Remember & { readonly commitment: string }

/** A promise's outcome as a value (a batch answers each of its calls with its own). */
const settle = <T>(p: Promise<T>): Promise<PromiseSettledResult<T>> =>
  p.then(
    (value) => ({ status: 'fulfilled', value }),
    (reason: unknown) => ({ status: 'rejected', reason }),
  )

function entryRow(entry: CustodianEntry): [string, string, Uint8Array | null] {
  if (typeof entry !== 'object' || entry === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'A custodian entry must be an object.')
  const key = _hex32(entry.commitment, 'commitment')
  const { envelope, ...rest } = entry
  return [key, JSON.stringify(rest), envelope === undefined ? null : encodeEnvelope(envelope)]
}

function entryOf(row: SqlRow | undefined): CustodianEntry | undefined {
  if (!row) return undefined
  const body = _parseBody(row)
  if (typeof body.commitment !== 'string' || typeof body.owner !== 'string' || !Array.isArray(body.labels))
    throw new StoreError('STORE_CORRUPT', 'A stored custodian entry is malformed.')
  let envelope: CustodianEntry['envelope']
  if (row.envelope instanceof Uint8Array) {
    try {
      envelope = decodeEnvelope(row.envelope)
    } catch (e) {
      throw new StoreError('STORE_CORRUPT', 'A stored envelope does not decode.', { cause: e })
    }
  }
  return Object.freeze({ ...(body as CustodianEntry), ...(envelope ? { envelope } : {}) })
}

function releaseRow(release: CustodianRelease): [string, string] {
  if (typeof release !== 'object' || release === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'A release must be an object.')
  return [_hex(release.consentKey, 'consentKey'), JSON.stringify(release)]
}

async function insertRelease(q: SqlQueryable, release: CustodianRelease): Promise<void> {
  await q.query('INSERT INTO medseal_custodian_releases (consent_key, body) VALUES ($1, $2)', releaseRow(release))
}

/**
 * The {@link CustodianStore} of `db` (internal: reached through `createPostgresStores`). @internal
 */
export function _createCustodianStore(db: SqlDatabase, maxRememberedRequests: number): CustodianStore {
  // The replay memory's count is split over shard rows by the digest's last byte (digests are hashes: uniform), so
  // concurrent requests contend only within a shard. Each shard may hold its share of maxRememberedRequests.
  const shards = Math.min(REQUEST_SHARDS, maxRememberedRequests)
  const capOf = (shard: number): number =>
    Math.floor(maxRememberedRequests / shards) + (shard < maxRememberedRequests % shards ? 1 : 0)
  // the ledger time this instance last forgot a shard's expired digests at (a hint only: any instance may forget them)
  const prunedAt: number[] = Array.from({ length: shards }, () => Number.NEGATIVE_INFINITY)
  const shardOf = (digest: string): number => Number.parseInt(digest.slice(-2), 16) % shards
  // forgets the expired digests of one shard, takes them off its count and raises its prune horizon to `now`, in one
  // statement (it locks the shard's row only when something expired: nothing forgotten, nothing to refuse later)
  const prune = async (shard: number, now: number): Promise<void> => {
    await db.query(
      `WITH gone AS (
         DELETE FROM medseal_custodian_requests WHERE shard = $1 AND until < $2::int8 RETURNING 1
       )
       UPDATE medseal_custodian_request_shards
       SET count = count - (SELECT count(*) FROM gone), horizon = greatest(horizon, $2::int8)
       WHERE shard = $1 AND EXISTS (SELECT 1 FROM gone)`,
      [shard, now],
      { name: 'medseal_requests_prune' },
    )
    prunedAt[shard] = Math.max(prunedAt[shard] as number, now)
  }
  /**
   * Forgets the expired digests of the shards of `batch`'s digests that this instance has not pruned at `now`, in ONE
   * statement for all of them (one per shard made a batch at a new second wait for up to 64 statements): their shard
   * rows are locked in shard order, as the batched replay check locks them, and only where something expired; each
   * such shard's count drops and its prune horizon rises to `now`, as {@link prune} does for one shard.
   */
  const pruneShards = async (batch: readonly Remember[], now: number): Promise<void> => {
    const due = [...new Set(batch.map((r) => shardOf(r.digest)))].filter((s) => now > (prunedAt[s] as number))
    if (due.length === 0) return
    if (due.length === 1) return prune(due[0] as number, now)
    due.sort((a, b) => a - b)
    await db.query(
      `WITH gone AS (
         DELETE FROM medseal_custodian_requests WHERE shard = ANY($1::int2[]) AND until < $2::int8 RETURNING shard
       ), n AS (
         SELECT shard, count(*)::int8 AS n FROM gone GROUP BY shard
       ), locked AS MATERIALIZED (
         SELECT s.shard FROM medseal_custodian_request_shards s
         WHERE s.shard IN (SELECT shard FROM n) ORDER BY s.shard FOR UPDATE OF s
       )
       UPDATE medseal_custodian_request_shards s SET count = s.count - n.n, horizon = greatest(s.horizon, $2::int8)
       FROM n WHERE s.shard = n.shard AND s.shard IN (SELECT shard FROM locked)`,
      [due.map(String), now],
      { name: 'medseal_requests_prune_many' },
    )
    for (const shard of due) prunedAt[shard] = Math.max(prunedAt[shard] as number, now)
  }
  /** Concurrent entry reads of this process go together in one statement; a lone one runs alone. */
  const getEntry = _createBatcher<string, CustodianEntry | undefined>(async (keys) => {
    const distinct = [...new Set(keys)]
    // one key: `= $1`, whose generic plan the server keeps (with an array it plans every call anew)
    const rows =
      distinct.length === 1
        ? await db.query(
            'SELECT commitment, body, envelope FROM medseal_custodian_entries WHERE commitment = $1',
            distinct,
            { name: 'medseal_entry_get' },
          )
        : await db.query(
            'SELECT commitment, body, envelope FROM medseal_custodian_entries WHERE commitment = ANY($1::text[])',
            [distinct],
            { name: 'medseal_entries_get' },
          )
    const byKey = new Map(rows.map((r) => [r.commitment as string, r]))
    // each caller gets its own decoded entry (nothing shared between callers)
    return Promise.all(keys.map((k) => settle((async () => entryOf(byKey.get(k)))())))
  }, MAX_BATCH)
  /**
   * One request's replay check alone: the common case in one statement, a transaction when its shard is full.
   */
  const rememberOne = async ({ digest: d, until, now }: Remember): Promise<RememberRequestResult> => {
    const shard = shardOf(d)
    const cap = capOf(shard)
    let pruned = false
    if (now > (prunedAt[shard] as number)) {
      await prune(shard, now)
      pruned = true
    }
    // The common case in ONE statement (atomic alone, one round trip): insert (or renew an expired) digest and, for a
    // new one, take a place in its shard's count under the shard row's lock. A new digest that finds its shard full,
    // or its `until` below the shard's prune horizon, must not stay: the statement then divides by zero (a runtime
    // error, not foldable by the planner), which undoes all of it, and the transaction below answers ('stale', or it
    // prunes and says 'full').
    try {
      const rows = await db.query(
        `${REMEMBER_ONE_CTES}
         SELECT ${REMEMBER_ONE_ANSWER}`,
        [d, until, shard, now, cap],
        { name: 'medseal_requests_remember' },
      )
      return rows[0]?.upserted === 1 ? 'fresh' : 'replayed'
    } catch (e) {
      if (_sqlState((e as { cause?: unknown })?.cause) !== DIVISION_BY_ZERO) throw e
    }
    for (;;) {
      const answer = await db.transaction(async (tx): Promise<RememberRequestResult> => {
        // insert a new digest, or renew one that expired (not yet forgotten); a live one is a replay (no row back).
        // Only this digest's row is locked: requests for other digests do not wait.
        const upserted = await tx.query(
          `INSERT INTO medseal_custodian_requests (digest, until, shard) VALUES ($1, $2::int8, $3)
           ON CONFLICT (digest) DO UPDATE SET until = excluded.until WHERE medseal_custodian_requests.until < $4::int8
           RETURNING (xmax = 0) AS inserted`,
          [d, until, shard, now],
        )
        if (upserted.length === 0) return 'replayed'
        if (upserted[0]?.inserted !== true) return 'fresh' // an expired digest renewed: it was counted already
        // a new digest takes a place in its shard's count, under that shard's row lock until commit (taken after the
        // digest's row, as the one statement takes them); the lock also holds the horizon still while it is compared
        const [row] = await tx.query(
          'SELECT count, horizon FROM medseal_custodian_request_shards WHERE shard = $1 FOR UPDATE',
          [shard],
        )
        const stale = row !== undefined && Number(row.horizon) > until
        if (row !== undefined && !stale && Number(row.count) < cap) {
          await tx.query('UPDATE medseal_custodian_request_shards SET count = count + 1 WHERE shard = $1', [shard])
          return 'fresh'
        }
        await tx.query('DELETE FROM medseal_custodian_requests WHERE digest = $1', [d])
        return stale ? 'stale' : 'full'
      })
      if (answer !== 'full' || pruned) return answer
      // full: forget what expired in this shard (the hint may be stale: another instance may have moved time on)
      await prune(shard, now)
      pruned = true
    }
  }
  const caps = Array.from({ length: shards }, (_, shard) => String(capOf(shard)))
  /**
   * The replay checks of several requests (distinct digests, one `now`) in ONE statement: each digest inserted (or an
   * expired one renewed) and, for the new ones, places taken in their shards' counts. The shard rows are locked in
   * shard order (and digests inserted in digest order), so two processes' batches never wait on each other in a
   * cycle. If a shard lacks room for its new digests the statement divides by zero, which undoes all of it; then (or
   * on any other failure) each request is checked alone. Returns `undefined` when the batch did not store.
   */
  const rememberMany = async (batch: readonly Remember[]): Promise<RememberRequestResult[] | undefined> => {
    const now = (batch[0] as Remember).now
    await pruneShards(batch, now)
    let rows: readonly SqlRow[]
    try {
      rows = await db.query(
        `${REMEMBER_MANY_CTES}
         SELECT ${REMEMBER_MANY_ANSWER}`,
        [
          batch.map((r) => r.digest),
          batch.map((r) => String(r.until)),
          batch.map((r) => String(shardOf(r.digest))),
          now,
          caps,
        ],
        { name: 'medseal_requests_remember_many' },
      )
    } catch {
      return undefined // nothing of it was stored: each request is checked alone
    }
    const upserted = new Set((rows[0]?.upserted as string[] | null) ?? [])
    return batch.map((r) => (upserted.has(r.digest) ? 'fresh' : 'replayed'))
  }
  /** Concurrent replay checks of this process go together (see {@link rememberMany}); a lone one runs alone. */
  const remember = _createBatcher<Remember, RememberRequestResult>(async (batch) => {
    if (batch.length === 1) return [await settle(rememberOne(batch[0] as Remember))]
    // a digest twice in one batch: the second is checked after the first (it is a replay of it); each `now` apart
    const first = (batch[0] as Remember).now
    const byDigest = new Map<string, Remember>()
    for (const r of batch) if (r.now === first && !byDigest.has(r.digest)) byDigest.set(r.digest, r)
    const together = [...byDigest.values()]
    const answers = new Map<Remember, PromiseSettledResult<RememberRequestResult>>()
    const many = together.length > 1 ? await rememberMany(together) : undefined
    if (many)
      for (const [i, r] of together.entries())
        answers.set(r, { status: 'fulfilled', value: many[i] as RememberRequestResult })
    for (const r of batch) if (!answers.has(r)) answers.set(r, await settle(rememberOne(r)))
    return batch.map((r) => answers.get(r) as PromiseSettledResult<RememberRequestResult>)
  }, MAX_BATCH)
  /** An entry read's row, or `undefined` for the null row of an outer join that found no entry. */
  const entryIn = (row: SqlRow | undefined): CustodianEntry | undefined =>
    row && row.body !== null && row.body !== undefined ? entryOf(row) : undefined
  /**
   * One request's entry read and replay check in ONE statement: {@link rememberOne}'s statement with the entry read
   * joined to its answer (both from one snapshot). When the digest's shard is full (the statement divides by zero and
   * stores nothing) the two are asked apart, as without this call.
   */
  const bothOne = async (item: Both): Promise<GetEntryAndRememberRequestResult> => {
    const { digest: d, until, now, commitment } = item
    const shard = shardOf(d)
    if (now > (prunedAt[shard] as number)) await prune(shard, now)
    try {
      const rows = await db.query(
        `${REMEMBER_ONE_CTES}, chk AS MATERIALIZED (SELECT ${REMEMBER_ONE_ANSWER})
         SELECT chk.upserted, chk.placed, e.body, e.envelope
         FROM chk LEFT JOIN medseal_custodian_entries e ON e.commitment = $6`,
        [d, until, shard, now, capOf(shard), commitment],
        { name: 'medseal_entry_remember' },
      )
      const row = rows[0]
      return Object.freeze({ entry: entryIn(row), seen: row?.upserted === 1 ? 'fresh' : 'replayed' })
    } catch (e) {
      if (_sqlState((e as { cause?: unknown })?.cause) !== DIVISION_BY_ZERO) throw e
    }
    const seen = await rememberOne(item)
    return Object.freeze({ entry: await getEntry(commitment), seen })
  }
  /**
   * The entry reads and replay checks of several requests (distinct digests, one `now`) in ONE statement:
   * {@link rememberMany}'s statement with the entries of their commitments joined to its answer. Returns `undefined`
   * when it stored nothing (a full shard, any failure): each request is then asked alone. Otherwise each request's own
   * outcome: an entry that does not decode fails its own callers only.
   */
  const bothMany = async (
    batch: readonly Both[],
  ): Promise<PromiseSettledResult<GetEntryAndRememberRequestResult>[] | undefined> => {
    const now = (batch[0] as Both).now
    await pruneShards(batch, now)
    let rows: readonly SqlRow[]
    try {
      rows = await db.query(
        `${REMEMBER_MANY_CTES}, chk AS MATERIALIZED (SELECT ${REMEMBER_MANY_ANSWER})
         SELECT chk.upserted, chk.placed, e.commitment, e.body, e.envelope
         FROM chk LEFT JOIN medseal_custodian_entries e ON e.commitment = ANY($6::text[])`,
        [
          batch.map((r) => r.digest),
          batch.map((r) => String(r.until)),
          batch.map((r) => String(shardOf(r.digest))),
          now,
          caps,
          [...new Set(batch.map((r) => r.commitment))],
        ],
        { name: 'medseal_entries_remember_many' },
      )
    } catch {
      return undefined // nothing of it was stored: each request is asked alone
    }
    const upserted = new Set((rows[0]?.upserted as string[] | null) ?? [])
    const byKey = new Map<string, SqlRow>()
    for (const r of rows) if (typeof r.commitment === 'string') byKey.set(r.commitment, r)
    // each caller gets its own decoded entry (nothing shared between callers), or its own entry's error
    return batch.map((r): PromiseSettledResult<GetEntryAndRememberRequestResult> => {
      try {
        const entry = entryIn(byKey.get(r.commitment))
        return {
          status: 'fulfilled',
          value: Object.freeze({ entry, seen: upserted.has(r.digest) ? 'fresh' : 'replayed' }),
        }
      } catch (reason) {
        return { status: 'rejected', reason }
      }
    })
  }
  /** Concurrent entry reads with replay checks of this process go together; a lone one runs alone. */
  const both = _createBatcher<Both, GetEntryAndRememberRequestResult>(async (batch) => {
    if (batch.length === 1) return [await settle(bothOne(batch[0] as Both))]
    // a digest twice in one batch: the second is asked after the first (it is a replay of it); each `now` apart
    const first = (batch[0] as Both).now
    const byDigest = new Map<string, Both>()
    for (const r of batch) if (r.now === first && !byDigest.has(r.digest)) byDigest.set(r.digest, r)
    const together = [...byDigest.values()]
    const answers = new Map<Both, PromiseSettledResult<GetEntryAndRememberRequestResult>>()
    let many: PromiseSettledResult<GetEntryAndRememberRequestResult>[] | undefined
    if (together.length > 1) {
      try {
        many = await bothMany(together)
      } catch (e) {
        // the batch's pruning failed before its statement: every caller of the batch is told
        for (const r of together) answers.set(r, { status: 'rejected', reason: e })
      }
    }
    if (many)
      for (const [i, r] of together.entries())
        answers.set(r, many[i] as PromiseSettledResult<GetEntryAndRememberRequestResult>)
    for (const r of batch) if (!answers.has(r)) answers.set(r, await settle(bothOne(r)))
    return batch.map((r) => answers.get(r) as PromiseSettledResult<GetEntryAndRememberRequestResult>)
  }, MAX_BATCH)
  return Object.freeze({
    async getEntry(commitment) {
      return getEntry(_hex32(commitment, 'commitment'))
    },
    async putEntry(entry) {
      await db.query(
        `INSERT INTO medseal_custodian_entries (commitment, body, envelope) VALUES ($1, $2, $3)
         ON CONFLICT (commitment) DO UPDATE SET body = excluded.body, envelope = excluded.envelope`,
        entryRow(entry),
      )
    },
    async insertEntry(entry) {
      const row = entryRow(entry)
      // the primary key decides, across processes: of two inserts of one commitment, one stores and one reads
      const inserted = await db.query(
        `INSERT INTO medseal_custodian_entries (commitment, body, envelope) VALUES ($1, $2, $3)
         ON CONFLICT (commitment) DO NOTHING RETURNING commitment`,
        row,
      )
      if (inserted.length === 1) return undefined
      const rows = await db.query('SELECT body, envelope FROM medseal_custodian_entries WHERE commitment = $1', [
        row[0],
      ])
      const existing = entryOf(rows[0])
      if (!existing) throw new StoreError('STORE_CORRUPT', 'An entry that conflicted on insert cannot be read.')
      return existing
    },
    async addRelease(release) {
      await insertRelease(db, release)
    },
    async commitRelease({ release, log }: CommitReleaseParameters) {
      const target = _sqlLogStores.get(log?.store)
      if (!target || target.db !== db)
        throw new InvalidArgumentError(
          'INVALID_ARGUMENT',
          'commitRelease needs an access log store from the same createPostgresStores database.',
        )
      // Grouped with the log's other waiting appends and releases: one transaction holds them all (see
      // _SqlLogState); it resolves only after that transaction committed, and rejects if it rolled back.
      return target.enqueue([log.leaf], [releaseRow(release)])
    },
    async listReleases(key) {
      const rows = await db.query('SELECT body FROM medseal_custodian_releases WHERE consent_key = $1 ORDER BY seq', [
        _hex(key, 'consentKey'),
      ])
      return Object.freeze(rows.map((r) => Object.freeze(_parseBody(r) as CustodianRelease)))
    },
    async deleteReleases(key) {
      const rows = await db.query('DELETE FROM medseal_custodian_releases WHERE consent_key = $1 RETURNING seq', [
        _hex(key, 'consentKey'),
      ])
      return rows.length
    },
    async rememberRequest({ digest, until, now }): Promise<RememberRequestResult> {
      const d = _hex32(digest, 'digest')
      if (!Number.isSafeInteger(until) || !Number.isSafeInteger(now))
        throw new InvalidArgumentError('INVALID_ARGUMENT', 'until and now must be integers.')
      return remember({ digest: d, until, now })
    },
    async getEntryAndRememberRequest({ commitment, digest, until, now }) {
      const c = _hex32(commitment, 'commitment')
      const d = _hex32(digest, 'digest')
      if (!Number.isSafeInteger(until) || !Number.isSafeInteger(now))
        throw new InvalidArgumentError('INVALID_ARGUMENT', 'until and now must be integers.')
      return both({ commitment: c, digest: d, until, now })
    },
    async forgetRequest({ digest }) {
      // the digest and its place in its shard's count go together (one statement)
      await db.query(
        `WITH gone AS (DELETE FROM medseal_custodian_requests WHERE digest = $1 RETURNING shard)
         UPDATE medseal_custodian_request_shards SET count = count - 1 WHERE shard = (SELECT shard FROM gone)`,
        [_hex32(digest, 'digest')],
        { name: 'medseal_requests_forget' },
      )
    },
  })
}
