/**
 * Every migration, in order. Append only: a released migration is never changed (databases already ran it).
 * @module
 */
import { m0001Initial } from './m0001Initial.js'
import { m0002RequestShards } from './m0002RequestShards.js'
import { m0003ShlLinks } from './m0003ShlLinks.js'
import { m0004ShlRegistration } from './m0004ShlRegistration.js'
import { m0005RequestHorizon } from './m0005RequestHorizon.js'
import type { Migration } from './types.js'

/** The migrations; `MIGRATIONS[n - 1].version === n`. */
export const MIGRATIONS: readonly Migration[] = Object.freeze([
  m0001Initial,
  m0002RequestShards,
  m0003ShlLinks,
  m0004ShlRegistration,
  m0005RequestHorizon,
])
