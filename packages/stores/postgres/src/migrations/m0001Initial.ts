/**
 * Migration 1: the tables of every store. Keys (commitments, addresses, ids) are lower-case `0x` hex text; values are
 * JSON text as given, with bytes in `bytea` in the SDK encodings (`encodeEnvelope`, `encodeReceipt`); counters that
 * limits are checked against live in rows that the writers lock.
 * @module
 */
import type { Migration } from './types.js'

/** The initial schema. */
export const m0001Initial: Migration = Object.freeze({
  version: 1,
  name: 'initial',
  statements: Object.freeze([
    // custodian: records, releases, the key-request replay memory (with its count, under a row lock)
    `CREATE TABLE medseal_custodian_entries (
       commitment text PRIMARY KEY,
       body text NOT NULL,
       envelope bytea
     )`,
    `CREATE TABLE medseal_custodian_releases (
       seq bigserial PRIMARY KEY,
       consent_key text NOT NULL,
       body text NOT NULL
     )`,
    'CREATE INDEX medseal_custodian_releases_by_key ON medseal_custodian_releases (consent_key, seq)',
    `CREATE TABLE medseal_custodian_requests (
       digest text PRIMARY KEY,
       until bigint NOT NULL
     )`,
    'CREATE INDEX medseal_custodian_requests_by_until ON medseal_custodian_requests (until)',
    `CREATE TABLE medseal_counters (
       name text PRIMARY KEY,
       value bigint NOT NULL
     )`,
    `INSERT INTO medseal_counters (name, value) VALUES ('custodian_requests', 0)`,
    // access logs: one row per log (its size; appends lock it), entries, complete-subtree nodes (level >= 1)
    `CREATE TABLE medseal_logs (
       name text PRIMARY KEY,
       size bigint NOT NULL DEFAULT 0 CHECK (size >= 0)
     )`,
    `CREATE TABLE medseal_log_entries (
       log text NOT NULL REFERENCES medseal_logs (name),
       idx bigint NOT NULL,
       leaf_data bytea NOT NULL,
       leaf_hash bytea NOT NULL,
       PRIMARY KEY (log, idx)
     )`,
    `CREATE TABLE medseal_log_nodes (
       log text NOT NULL REFERENCES medseal_logs (name),
       level smallint NOT NULL CHECK (level >= 1),
       idx bigint NOT NULL,
       hash bytea NOT NULL,
       PRIMARY KEY (log, level, idx)
     )`,
    // break-glass: a grant and its review in one row (inserted together, never apart)
    `CREATE TABLE medseal_break_glass (
       id text PRIMARY KEY,
       seq bigserial NOT NULL,
       patient text NOT NULL,
       status text NOT NULL,
       grant_json text NOT NULL,
       review_json text NOT NULL
     )`,
    'CREATE INDEX medseal_break_glass_by_seq ON medseal_break_glass (seq)',
    // anchorers: one row per anchorer (its pending count; writers lock it), pending commitments, receipts
    `CREATE TABLE medseal_anchorers (
       name text PRIMARY KEY,
       pending bigint NOT NULL DEFAULT 0 CHECK (pending >= 0)
     )`,
    `CREATE TABLE medseal_anchor_pending (
       anchorer text NOT NULL REFERENCES medseal_anchorers (name),
       commitment text NOT NULL,
       seq bigserial NOT NULL,
       PRIMARY KEY (anchorer, commitment)
     )`,
    'CREATE INDEX medseal_anchor_pending_by_seq ON medseal_anchor_pending (anchorer, seq)',
    `CREATE TABLE medseal_anchor_receipts (
       anchorer text NOT NULL REFERENCES medseal_anchorers (name),
       commitment text NOT NULL,
       receipt text NOT NULL,
       PRIMARY KEY (anchorer, commitment)
     )`,
    // sync checkpoints
    `CREATE TABLE medseal_sync_checkpoints (
       scope text NOT NULL,
       key text NOT NULL,
       seq bigserial NOT NULL,
       body text NOT NULL,
       envelope bytea NOT NULL,
       PRIMARY KEY (scope, key)
     )`,
    'CREATE INDEX medseal_sync_checkpoints_by_seq ON medseal_sync_checkpoints (scope, seq)',
  ]),
})
