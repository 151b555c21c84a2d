/**
 * Migration 2: the key-request replay memory without a global lock. Migration 1 counted remembered digests in one
 * `medseal_counters` row that every key request locked, serializing every request of every custodian process. Now
 * each digest row carries a shard (a byte of the digest), and the count lives in {@link REQUEST_SHARDS} shard rows:
 * a new digest locks only its own shard's row, for one statement, so concurrent requests meet on a row only when their
 * digests fall in the same shard (1 in 64), and replays and renewals lock no counter at all.
 * @module
 */
import type { Migration } from './types.js'

/** How many shard rows the replay memory's count is split over. */
export const REQUEST_SHARDS = 64

/** Shards for the replay memory's count; each remembered digest goes to its shard (its last byte modulo 64). */
export const m0002RequestShards: Migration = Object.freeze({
  version: 2,
  name: 'request shards',
  statements: Object.freeze([
    'ALTER TABLE medseal_custodian_requests ADD COLUMN shard smallint NOT NULL DEFAULT 0',
    `UPDATE medseal_custodian_requests SET shard = get_byte(decode(right(digest, 2), 'hex'), 0) % ${REQUEST_SHARDS}`,
    'DROP INDEX medseal_custodian_requests_by_until',
    'CREATE INDEX medseal_custodian_requests_by_shard ON medseal_custodian_requests (shard, until)',
    `CREATE TABLE medseal_custodian_request_shards (
       shard smallint PRIMARY KEY,
       count bigint NOT NULL CHECK (count >= 0)
     )`,
    `INSERT INTO medseal_custodian_request_shards (shard, count)
       SELECT s, (SELECT count(*) FROM medseal_custodian_requests r WHERE r.shard = s)
       FROM generate_series(0, ${REQUEST_SHARDS - 1}) AS s`,
    'DROP TABLE medseal_counters',
  ]),
})
