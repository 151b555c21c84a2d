/**
 * Migration 5: each shard of the key-request replay memory keeps its prune horizon, the highest ledger time at which
 * a digest of the shard was forgotten. Custodian processes sharing the database read ledger time each through their
 * own connection; one whose view lags the pruning one's by more than the custodian's future skew would otherwise find
 * no digest for a request it still holds to be in its window, and answer it fresh: a second release. A new digest whose
 * `until` is below its shard's horizon is now answered `'stale'` (see `rememberRequest` in `@medseal/core`).
 *
 * The default is the lowest safe integer: nothing forgotten yet under this rule. Digests forgotten before the upgrade
 * are still covered by what covered them before (the digests are kept `maxFutureSkewSeconds` past the window, and a
 * restarted custodian refuses requests issued before its start); the first prune after the upgrade that forgets
 * anything in a shard sets its horizon above all of them.
 * @module
 */
import type { Migration } from './types.js'

/** The prune horizon column of the shard rows. */
export const m0005RequestHorizon: Migration = Object.freeze({
  version: 5,
  name: 'request prune horizon',
  statements: Object.freeze([
    `ALTER TABLE medseal_custodian_request_shards ADD COLUMN horizon bigint NOT NULL DEFAULT ${Number.MIN_SAFE_INTEGER}`,
  ]),
})
