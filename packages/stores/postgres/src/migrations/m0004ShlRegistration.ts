/**
 * Migration 4: a SMART Health Link keeps the registration it was accepted with (the grantee's EIP-712
 * `ShlRegistration` signature, the service URL, time and attempts it was signed for), so that an auditor can prove
 * later who registered the link (`verifyShlLinkRegistration` of `@medseal/smart-health`). Its own column, not a member
 * of `body`: it can be read for audit without parsing the link. Links stored before this migration have none (NULL).
 * @module
 */
import type { Migration } from './types.js'

/** The registration column of the link table. */
export const m0004ShlRegistration: Migration = Object.freeze({
  version: 4,
  name: 'smart health link registrations',
  statements: Object.freeze(['ALTER TABLE medseal_shl_links ADD COLUMN registration text']),
})
