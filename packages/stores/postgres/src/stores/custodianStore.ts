/**
 * The custodian store over SQL: records (insert-if-absent by primary key), releases, the key-request replay memory,
 * and the release + log entry transaction.
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
import type { SqlDatabase, SqlQueryable, SqlRow } from '../db/types.js'
import { _hex, _hex32, _parseBody } from './_shared.js'
import { _appendInTx, _sqlLogStores } from './accessLogStore.js'

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
  // the ledger time this instance last forgot expired digests at (a hint only: any instance may forget them)
  let prunedAt = Number.NEGATIVE_INFINITY
  return Object.freeze({
    async getEntry(commitment) {
      const rows = await db.query('SELECT body, envelope FROM medseal_custodian_entries WHERE commitment = $1', [
        _hex32(commitment, 'commitment'),
      ])
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
      releaseRow(release)
      const { result, border } = await db.transaction(async (tx) => {
        const appended = await _appendInTx(tx, target.name, [log.leaf], target.border)
        await insertRelease(tx, release)
        return appended
      })
      target.border = border // committed
      return result
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
      const pruneNow = now > prunedAt
      const result = await db.transaction(async (tx) => {
        // the count row serializes every process's requests: forget, look up, count and remember as one step
        const counter = await tx.query(
          `SELECT value FROM medseal_counters WHERE name = 'custodian_requests' FOR UPDATE`,
        )
        const stored = counter[0]?.value
        if (typeof stored !== 'number') throw new StoreError('STORE_CORRUPT', 'The request counter is missing.')
        let count = stored
        // forget expired digests once per ledger second per instance, and whenever the memory looks full
        if (pruneNow || count >= maxRememberedRequests) {
          const forgotten = await tx.query('DELETE FROM medseal_custodian_requests WHERE until < $1 RETURNING 1', [now])
          count -= forgotten.length
        }
        // insert a new digest, or renew one that expired (not yet forgotten); a live one is a replay (no row back)
        const upserted = await tx.query(
          `INSERT INTO medseal_custodian_requests (digest, until) VALUES ($1, $2::int8)
           ON CONFLICT (digest) DO UPDATE SET until = excluded.until WHERE medseal_custodian_requests.until < $3::int8
           RETURNING (xmax = 0) AS inserted`,
          [d, until, now],
        )
        let answer: RememberRequestResult
        if (upserted.length === 0) answer = 'replayed'
        else if (upserted[0]?.inserted !== true)
          answer = 'fresh' // an expired digest renewed: the count stays
        else if (count >= maxRememberedRequests) {
          await tx.query('DELETE FROM medseal_custodian_requests WHERE digest = $1', [d])
          answer = 'full'
        } else {
          count += 1
          answer = 'fresh'
        }
        if (count !== stored)
          await tx.query(`UPDATE medseal_counters SET value = $1 WHERE name = 'custodian_requests'`, [count])
        return answer
      })
      if (pruneNow) prunedAt = Math.max(prunedAt, now)
      return result
    },
  })
}
