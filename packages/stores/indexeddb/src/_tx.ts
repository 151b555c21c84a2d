/**
 * One atomic unit = one IndexedDB transaction, with nothing but IndexedDB requests awaited inside it (a foreign await
 * would let the transaction auto-commit half-done). Errors map to the SDK's: a DOMException from the browser becomes
 * `STORE_UNAVAILABLE`; an SDK error thrown inside aborts the transaction and passes through.
 * @internal
 * @module
 */
import { isSdkError, StoreError } from '@medseal/core'
import type { IDBPTransaction } from 'idb'
import type { IndexedDb } from './openIndexedDb.js'

/** A transaction over any of the package's stores (typed `readwrite`; a `readonly` one is only ever read). */
export type Tx = IDBPTransaction<unknown, string[], 'readwrite'>

const unavailable = (cause: unknown) =>
  new StoreError('STORE_UNAVAILABLE', 'The IndexedDB database failed.', {
    cause,
    ...((cause as { name?: unknown } | null)?.name === 'QuotaExceededError'
      ? { details: 'The storage quota is full.' }
      : {}),
  })

/**
 * Runs `fn` in one transaction over `stores` and resolves once the transaction committed (`readwrite`) or finished.
 * When `fn` throws, the transaction is aborted: nothing it wrote is kept.
 */
export async function run<T>(
  db: IndexedDb,
  stores: readonly string[],
  mode: IDBTransactionMode,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  let tx: Tx
  try {
    tx = db.connection.transaction([...stores], mode, { durability: db.durability }) as unknown as Tx
  } catch (cause) {
    throw unavailable(cause)
  }
  const done = tx.done
  done.catch(() => undefined) // observed below; an abort after a throw must not be reported unhandled
  try {
    const result = await fn(tx)
    await done
    return result
  } catch (err) {
    try {
      tx.abort()
    } catch {
      // already finished or aborted
    }
    throw isSdkError(err) ? err : unavailable(err)
  }
}

/** A stored row failed its shape check: never served. */
export const corrupt = (what: string): StoreError =>
  new StoreError('STORE_CORRUPT', `A stored ${what} is malformed.`, {
    details: 'The IndexedDB database was changed outside medseal.',
  })

/** `v` is a Uint8Array (optionally of `length` bytes). */
export const isBytes = (v: unknown, length?: number): v is Uint8Array =>
  v instanceof Uint8Array && (length === undefined || v.length === length)
