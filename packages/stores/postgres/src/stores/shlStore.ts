/**
 * The SMART Health Link store over SQL (PGlite or a PostgreSQL server): links and their wrong-passcode budgets, and
 * the short-lived file locations manifests hand out.
 * @module
 */
import { InvalidArgumentError, StoreError } from '@medseal/core'
import type { ShlFileLocation, ShlStore, ShlStoredLink, ShlStoredRegistration } from '@medseal/smart-health'
import type { SqlDatabase, SqlRow } from '../db/types.js'
import { migrate } from '../migrations/migrate.js'
import { _parseBody } from './_shared.js'

/** Parameters of {@link createPostgresShlStore}. */
export type CreatePostgresShlStoreParameters = {
  /** The database (the same one as the other stores is fine: the tables are its own). */
  readonly db: SqlDatabase
  /** Host clock, Unix milliseconds: expired file locations are pruned as new ones are stored. Default `Date.now`. */
  readonly now?: () => number
}

/** What {@link createPostgresShlStore} throws. */
export type CreatePostgresShlStoreErrorType = InvalidArgumentError | StoreError

function idOf(id: unknown): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > 200)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'A link id is a string of 1 to 200 characters.')
  return id
}

function registrationOf(row: SqlRow): ShlStoredRegistration | undefined {
  if (row.registration === null || row.registration === undefined) return undefined
  let r: Record<string, unknown>
  try {
    r = typeof row.registration === 'string' ? JSON.parse(row.registration) : undefined
  } catch {
    throw new StoreError('STORE_CORRUPT', "A stored link's registration is malformed.")
  }
  if (
    typeof r?.service !== 'string' ||
    typeof r.issuedAt !== 'number' ||
    typeof r.maxAttempts !== 'number' ||
    typeof r.signature !== 'string'
  )
    throw new StoreError('STORE_CORRUPT', "A stored link's registration is malformed.")
  return Object.freeze({
    service: r.service,
    issuedAt: r.issuedAt,
    maxAttempts: r.maxAttempts,
    signature: r.signature as ShlStoredRegistration['signature'],
  })
}

function linkOf(row: SqlRow): ShlStoredLink {
  const body = _parseBody(row)
  const registration = registrationOf(row)
  const { attempts_left: attemptsLeft, disabled, id } = row
  if (
    typeof id !== 'string' ||
    typeof attemptsLeft !== 'number' ||
    typeof disabled !== 'boolean' ||
    typeof body.token !== 'string' ||
    !Array.isArray(body.files)
  )
    throw new StoreError('STORE_CORRUPT', 'A stored link is malformed.')
  return Object.freeze({
    ...(body as Omit<ShlStoredLink, 'id' | 'attemptsLeft' | 'disabled'>),
    files: Object.freeze((body.files as ShlStoredLink['files'][number][]).map((f) => Object.freeze({ ...f }))),
    id,
    attemptsLeft,
    disabled,
    ...(registration ? { registration } : {}),
  })
}

/**
 * A durable {@link @medseal/smart-health!ShlStore}: links survive restarts (and `kill -9`: every write is one
 * committed statement), and several processes may serve the same PostgreSQL database. The wrong-passcode budget is
 * decided by PostgreSQL, never in process memory: `takeAttempt` is one conditional `UPDATE … WHERE attempts_left > 0`,
 * so two parallel guesses can never both take the last attempt; a link whose last attempt was spent on a wrong
 * passcode (with no other check in flight) is stored as disabled. Applies the schema migrations first.
 *
 * @param params - `db`, optional `now`
 * @returns the store
 * @throws {@link @medseal/core!StoreError} `STORE_VERSION` for a database of a newer schema; `STORE_UNAVAILABLE` when it
 *   fails; `STORE_CORRUPT` (from `get`) for a stored link that does not parse
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite'
 * import { createPgliteDatabase, createPostgresShlStore } from '@medseal/store-postgres'
 * import { createShlRoutes } from '@medseal/smart-health'
 * const store = await createPostgresShlStore({ db: createPgliteDatabase({ pglite: await PGlite.create() }) })
 * const routes = createShlRoutes({ store, ledger, log, publicUrl: 'https://custodian.example' })
 * ```
 */
export async function createPostgresShlStore(params: CreatePostgresShlStoreParameters): Promise<ShlStore> {
  const db = params?.db
  if (typeof db?.transaction !== 'function' || typeof db.query !== 'function')
    throw new InvalidArgumentError(
      'INVALID_ARGUMENT',
      'db must be a SqlDatabase (createPgliteDatabase, createPgDatabase).',
    )
  const now = params.now ?? Date.now
  await migrate(db)
  return Object.freeze({
    async insert(link: ShlStoredLink) {
      const id = idOf(link?.id)
      if (!Number.isSafeInteger(link.attemptsLeft) || link.attemptsLeft < 0)
        throw new InvalidArgumentError('OUT_OF_RANGE', 'link.attemptsLeft must be a non-negative integer.')
      const { attemptsLeft, disabled, id: _id, registration, ...body } = link
      const rows = await db.query(
        `INSERT INTO medseal_shl_links (id, body, attempts_left, disabled, registration) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [id, JSON.stringify(body), attemptsLeft, disabled === true, registration ? JSON.stringify(registration) : null],
      )
      return rows.length === 1
    },
    async get(id: string) {
      const rows = await db.query(
        'SELECT id, body, attempts_left, disabled, registration FROM medseal_shl_links WHERE id = $1',
        [idOf(id)],
      )
      return rows[0] ? linkOf(rows[0]) : undefined
    },
    async takeAttempt(id: string) {
      const rows = await db.query(
        `UPDATE medseal_shl_links SET attempts_left = attempts_left - 1, reserved = reserved + 1
         WHERE id = $1 AND NOT disabled AND attempts_left > 0 RETURNING attempts_left`,
        [idOf(id)],
      )
      const left = rows[0]?.attempts_left
      return typeof left === 'number' ? left : -1
    },
    async settleAttempt(id: string, correct: boolean) {
      await db.query(
        correct
          ? `UPDATE medseal_shl_links SET attempts_left = attempts_left + 1, reserved = reserved - 1
             WHERE id = $1 AND reserved > 0`
          : `UPDATE medseal_shl_links SET reserved = reserved - 1,
               disabled = disabled OR (attempts_left = 0 AND reserved = 1)
             WHERE id = $1 AND reserved > 0`,
        [idOf(id)],
      )
    },
    async putLocation(token: string, location: ShlFileLocation) {
      if (typeof token !== 'string' || token.length === 0 || token.length > 200)
        throw new InvalidArgumentError('INVALID_ARGUMENT', 'A location token is a string of 1 to 200 characters.')
      if (!Number.isSafeInteger(location?.index) || location.index < 0 || !Number.isSafeInteger(location.expiresAt))
        throw new InvalidArgumentError('INVALID_ARGUMENT', 'A location needs a file index and an expiry time.')
      // one statement: expired locations are pruned as a new one is stored (the table stays bounded by expiry)
      await db.query(
        `WITH pruned AS (DELETE FROM medseal_shl_locations WHERE expires_at <= $5)
         INSERT INTO medseal_shl_locations (token, link_id, file_index, expires_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (token) DO UPDATE SET link_id = excluded.link_id, file_index = excluded.file_index,
           expires_at = excluded.expires_at`,
        [token, idOf(location.linkId), location.index, location.expiresAt, now()],
      )
    },
    async getLocation(token: string) {
      if (typeof token !== 'string') return undefined
      const rows = await db.query(
        'SELECT link_id, file_index, expires_at FROM medseal_shl_locations WHERE token = $1',
        [token],
      )
      const row = rows[0]
      if (!row) return undefined
      const { link_id: linkId, file_index: index, expires_at: expiresAt } = row
      if (typeof linkId !== 'string' || typeof index !== 'number' || typeof expiresAt !== 'number')
        throw new StoreError('STORE_CORRUPT', 'A stored file location is malformed.')
      return Object.freeze({ linkId, index, expiresAt })
    },
  })
}
