/**
 * The database schema of `@medseal/store-indexeddb`: object store names, the schema version and the upgrade.
 * @internal
 * @module
 */
import type { IDBPDatabase } from 'idb'

/**
 * The schema version this code writes. IndexedDB keeps it as the database version: a database at a higher version
 * was written by newer code and is refused (`STORE_VERSION`), a lower one is upgraded in the open's own
 * `versionchange` transaction (all of it or none of it).
 */
export const SCHEMA_VERSION = 1

/** Object store names. */
export const S = {
  /** key `log` → `{ size }`: one row per access log, updated by every append (the append's lock). */
  logMeta: 'log_meta',
  /** key `[log, index]` → `{ leafData, leafHash }`. */
  logEntries: 'log_entries',
  /** key `[log, level, index]` → 32-byte hash (levels >= 1). */
  logNodes: 'log_nodes',
  /** key `[scope, commitment]` → custodian entry. */
  custodianEntries: 'custodian_entries',
  /** auto-increment key → `{ scope, consentKey, release }`; index `by_consent` on `[scope, consentKey]`. */
  custodianReleases: 'custodian_releases',
  /**
   * key `[scope, digest]` → `{ scope, until }`; index `by_until` on `[scope, until]`; key `[scope, 'horizon']` →
   * `{ scope, horizon }` (the highest ledger time the scope forgot digests at; no `until`, so not in `by_until`).
   */
  custodianRequests: 'custodian_requests',
  /** key `[scope, id]` → the grant. */
  breakGlassGrants: 'break_glass_grants',
  /** key `[scope, id]` → `{ scope, seq, review }`; index `by_seq` on `[scope, seq]` (insertion order). */
  breakGlassReviews: 'break_glass_reviews',
  /**
   * key `[scope, commitment]` → `{ scope, pseq }` while pending, `{ scope, receipt }` once anchored; index
   * `by_pending` on `[scope, pseq]` (only pending rows have a `pseq`, so only they are in it, oldest first).
   */
  anchorQueue: 'anchor_queue',
  /** key `[scope, key]` → `{ seq, checkpoint }`; index `by_seq` on `[scope, seq]`. */
  syncCheckpoints: 'sync_checkpoints',
  /** key `[kind, scope]` → the last `seq` given (insertion order of reviews, pending commitments, checkpoints). */
  counters: 'counters',
} as const

/** Creates what versions above `oldVersion` add. */
export function upgrade(db: IDBPDatabase, oldVersion: number): void {
  if (oldVersion < 1) {
    db.createObjectStore(S.logMeta)
    db.createObjectStore(S.logEntries)
    db.createObjectStore(S.logNodes)
    db.createObjectStore(S.custodianEntries)
    db.createObjectStore(S.custodianReleases, { autoIncrement: true }).createIndex('by_consent', [
      'scope',
      'consentKey',
    ])
    db.createObjectStore(S.custodianRequests).createIndex('by_until', ['scope', 'until'])
    db.createObjectStore(S.breakGlassGrants)
    db.createObjectStore(S.breakGlassReviews).createIndex('by_seq', ['scope', 'seq'])
    db.createObjectStore(S.anchorQueue).createIndex('by_pending', ['scope', 'pseq'])
    db.createObjectStore(S.syncCheckpoints).createIndex('by_seq', ['scope', 'seq'])
    db.createObjectStore(S.counters)
  }
}
