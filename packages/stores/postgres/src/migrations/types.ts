/**
 * The shape of one schema migration.
 * @module
 */

/** One numbered migration: SQL statements applied in order, in the one transaction of `migrate`. */
export type Migration = {
  /** Its number: migration `n` brings the schema from version `n - 1` to `n`. */
  readonly version: number
  /** A short name. */
  readonly name: string
  /** The statements (plain SQL, no parameters). */
  readonly statements: readonly string[]
}
