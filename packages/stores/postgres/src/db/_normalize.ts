/**
 * Row normalization shared by the drivers (internal).
 * @module
 */
import { StoreError } from '@medseal/core'
import type { SqlRow } from './types.js'

/** PostgreSQL type OIDs the stores use and that drivers return differently. */
const INT8 = 20
const BYTEA = 17

/** A field description as both drivers give it. */
export type _Field = { readonly name: string; readonly dataTypeID: number }

function toSafeInteger(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'bigint' || typeof v === 'string' ? Number(v) : Number.NaN
  if (!Number.isSafeInteger(n)) throw new StoreError('STORE_CORRUPT', 'A stored integer is not a safe integer.')
  return n
}

function toBytes(v: unknown): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new StoreError('STORE_CORRUPT', 'A stored bytea value is not bytes.')
  // a copy on a fresh ArrayBuffer: pg's Buffers share a pool, and callers may keep what we return
  return new Uint8Array(v)
}

/** Normalizes driver rows: int8 → number, bytea → Uint8Array; other values as parsed by the driver. @internal */
export function _normalizeRows(rows: readonly Record<string, unknown>[], fields: readonly _Field[]): SqlRow[] {
  const int8 = fields.filter((f) => f.dataTypeID === INT8).map((f) => f.name)
  const bytea = fields.filter((f) => f.dataTypeID === BYTEA).map((f) => f.name)
  if (int8.length === 0 && bytea.length === 0) return rows as SqlRow[]
  return rows.map((row) => {
    const out: Record<string, unknown> = { ...row }
    for (const k of int8) if (out[k] !== null && out[k] !== undefined) out[k] = toSafeInteger(out[k])
    for (const k of bytea) if (out[k] !== null && out[k] !== undefined) out[k] = toBytes(out[k])
    return out
  })
}

/** SQLSTATEs after which a transaction is run again: serialization failure, deadlock. */
const RETRY_SQLSTATES: ReadonlySet<string> = new Set(['40001', '40P01'])

/** The SQLSTATE of a driver error, if it has one. @internal */
export function _sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined
}

/** How many times a transaction aborted by a serialization failure or deadlock runs in all. */
const MAX_ATTEMPTS = 8

/**
 * Wraps a driver failure as `STORE_UNAVAILABLE`, passing medseal errors through (a store's own check that failed
 * inside a transaction). The message names no value: drivers' messages may quote row data, so they stay in `cause`.
 * @internal
 */
export function _wrapDbError(err: unknown, what: string): unknown {
  if (err instanceof StoreError || (err as { shortMessage?: unknown } | null)?.shortMessage !== undefined) return err
  const state = _sqlState(err)
  return new StoreError('STORE_UNAVAILABLE', `The database failed ${what}.`, {
    cause: err,
    ...(state ? { details: `SQLSTATE ${state}` } : {}),
  })
}

/**
 * Runs one attempt of a transaction (`once`: begin, the caller's work, commit; rolled back when it throws) again after
 * a serialization failure or a deadlock, up to {@link MAX_ATTEMPTS} in all, and wraps the failure that ends it with
 * {@link _wrapDbError}. The one retry rule of every {@link SqlDatabase}. @internal
 */
export async function _retryTransaction<T>(once: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await once()
    } catch (e) {
      const state = _sqlState(e)
      if (state && RETRY_SQLSTATES.has(state) && attempt < MAX_ATTEMPTS) continue
      throw _wrapDbError(e, 'a transaction')
    }
  }
}
