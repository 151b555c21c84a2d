/**
 * The custodian store over SQL: records (insert-if-absent by primary key), releases, the key-request replay memory
 * (one row per digest, inserted-if-absent, its count split over shard rows: no lock shared by every request), and the
 * release + log entry transaction.
 * @module
 */
import {
  type CommitReleaseParameters,
  type CustodianEntry,
  type CustodianRelease,
  type CustodianStore,
  decodeEnvelope,
  encodeEnvelope,
  InvalidArgumentError,
  type RememberRequestResult,
  StoreError,
} from '@medseal/core'
import { _sqlState } from '../db/_normalize.js'
import type { SqlDatabase, SqlQueryable, SqlRow } from '../db/types.js'
import { REQUEST_SHARDS } from '../migrations/m0002RequestShards.js'
import { _hex, _hex32, _parseBody } from './_shared.js'
import { _sqlLogStores } from './accessLogStore.js'

/** SQLSTATE of a division by zero: how the one-statement replay check says a new digest's shard is full. */
const DIVISION_BY_ZERO = '22012'

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
  // forgets the expired digests of one shard and takes them off its count, in one statement (it locks the shard's
  // row only when something expired)
  const prune = async (shard: number, now: number): Promise<void> => {
    await db.query(
      `WITH gone AS (
         DELETE FROM medseal_custodian_requests WHERE shard = $1 AND until < $2::int8 RETURNING 1
       )
       UPDATE medseal_custodian_request_shards SET count = count - (SELECT count(*) FROM gone)
       WHERE shard = $1 AND EXISTS (SELECT 1 FROM gone)`,
      [shard, now],
      { name: 'medseal_requests_prune' },
    )
    prunedAt[shard] = Math.max(prunedAt[shard] as number, now)
  }
  return Object.freeze({
    async getEntry(commitment) {
      const rows = await db.query(
        'SELECT body, envelope FROM medseal_custodian_entries WHERE commitment = $1',
        [_hex32(commitment, 'commitment')],
        { name: 'medseal_entry_get' },
      )
      return entryOf(rows[0])
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
      const shard = Number.parseInt(d.slice(-2), 16) % shards
      const cap = capOf(shard)
      let pruned = false
      if (now > (prunedAt[shard] as number)) {
        await prune(shard, now)
        pruned = true
      }
      // The common case in ONE statement (atomic alone, one round trip): insert (or renew an expired) digest and, for a
      // new one, take a place in its shard's count under the shard row's lock. A new digest that finds its shard full
      // must not stay: the statement then divides by zero (a runtime error, not foldable by the planner), which
      // undoes all of it, and the transaction below answers (it prunes and says 'full').
      try {
        const rows = await db.query(
          `WITH up AS (
             INSERT INTO medseal_custodian_requests (digest, until, shard) VALUES ($1, $2::int8, $3)
             ON CONFLICT (digest) DO UPDATE SET until = excluded.until WHERE medseal_custodian_requests.until < $4::int8
             RETURNING (xmax = 0) AS inserted
           ), slot AS (
             UPDATE medseal_custodian_request_shards SET count = count + 1
             WHERE shard = $3 AND count < $5::int8 AND EXISTS (SELECT 1 FROM up WHERE inserted)
             RETURNING 1
           )
           SELECT (SELECT count(*)::int4 FROM up) AS upserted,
                  CASE WHEN (SELECT inserted FROM up) THEN 1 / (SELECT count(*)::int4 FROM slot) ELSE 1 END AS placed`,
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
          // a new digest takes a place in its shard's count, under that shard's row lock until commit
          const slot = await tx.query(
            `UPDATE medseal_custodian_request_shards SET count = count + 1
             WHERE shard = $1 AND count < $2::int8 RETURNING count`,
            [shard, cap],
          )
          if (slot.length === 1) return 'fresh'
          await tx.query('DELETE FROM medseal_custodian_requests WHERE digest = $1', [d])
          return 'full'
        })
        if (answer !== 'full' || pruned) return answer
        // full: forget what expired in this shard (the hint may be stale: another instance may have moved time on)
        await prune(shard, now)
        pruned = true
      }
    },
  })
}
