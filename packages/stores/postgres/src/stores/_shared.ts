/**
 * Helpers shared by the SQL stores (internal).
 * @module
 */
import { InvalidArgumentError, StoreError } from '@medseal/core'
import type { SqlQueryable, SqlRow, SqlValue } from '../db/types.js'

const HEX32 = /^0x[0-9a-fA-F]{64}$/
const HEX = /^0x[0-9a-fA-F]*$/

/** A 32-byte hex key, lower-cased (`INVALID_ARGUMENT` otherwise). @internal */
export function _hex32(value: unknown, what: string): string {
  if (typeof value !== 'string' || !HEX32.test(value))
    throw new InvalidArgumentError('INVALID_ARGUMENT', `${what} must be 32 bytes of 0x hex.`)
  return value.toLowerCase()
}

/** A hex key of any length, lower-cased (`INVALID_ARGUMENT` otherwise). @internal */
export function _hex(value: unknown, what: string): string {
  if (typeof value !== 'string' || !HEX.test(value) || value.length > 1026)
    throw new InvalidArgumentError('INVALID_ARGUMENT', `${what} must be 0x hex.`)
  return value.toLowerCase()
}

/** A store name (`default` when absent): 1–200 characters. @internal */
export function _name(value: unknown): string {
  if (value === undefined) return 'default'
  if (typeof value !== 'string' || value.length === 0 || value.length > 200)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'A store name is a string of 1 to 200 characters.')
  return value
}

/** Parses a stored JSON body; a row that does not parse is `STORE_CORRUPT`. @internal */
export function _parseBody(row: SqlRow | undefined, column = 'body'): Record<string, unknown> {
  const text = row?.[column]
  if (typeof text === 'string') {
    try {
      const v = JSON.parse(text) as unknown
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>
    } catch {}
  }
  throw new StoreError('STORE_CORRUPT', 'A stored row does not parse.')
}

/** `$from, $from+1, …` for `n` values. @internal */
export function _placeholders(from: number, n: number): string {
  return Array.from({ length: n }, (_, i) => `$${from + i}`).join(', ')
}

/** Runs `INSERT … VALUES (…), (…)` for `rows` in chunks that stay under PostgreSQL's parameter limit. @internal */
export async function _insertMany(
  q: SqlQueryable,
  head: string,
  rows: readonly (readonly SqlValue[])[],
  tail = '',
): Promise<void> {
  if (rows.length === 0) return
  const width = rows[0]?.length ?? 1
  const perChunk = Math.max(1, Math.floor(30_000 / width))
  for (let at = 0; at < rows.length; at += perChunk) {
    const chunk = rows.slice(at, at + perChunk)
    const values = chunk.map((_, i) => `(${_placeholders(1 + i * width, width)})`).join(', ')
    await q.query(`${head} VALUES ${values} ${tail}`, chunk.flat())
  }
}
