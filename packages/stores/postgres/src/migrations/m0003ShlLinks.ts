/**
 * Migration 3: the SMART Health Link store (`createPostgresShlStore`). A link's wrong-passcode budget lives in its own
 * columns so that one conditional `UPDATE` reserves an attempt atomically (two parallel guesses can never both take
 * the last one), and `disabled` is a column, so a link disabled at 0 stays disabled after a restart.
 * @module
 */
import type { Migration } from './types.js'

/** The link table and the file-location table of SMART Health Links. */
export const m0003ShlLinks: Migration = Object.freeze({
  version: 3,
  name: 'smart health links',
  statements: Object.freeze([
    `CREATE TABLE medseal_shl_links (
       id text PRIMARY KEY,
       body text NOT NULL,
       attempts_left integer NOT NULL CHECK (attempts_left >= 0),
       reserved integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
       disabled boolean NOT NULL DEFAULT false
     )`,
    `CREATE TABLE medseal_shl_locations (
       token text PRIMARY KEY,
       link_id text NOT NULL,
       file_index integer NOT NULL CHECK (file_index >= 0),
       expires_at bigint NOT NULL
     )`,
    'CREATE INDEX medseal_shl_locations_by_expiry ON medseal_shl_locations (expires_at)',
  ]),
})
