/**
 * The portal's own IndexedDB database: the key store (`keys`), the patient's grants (`grants`) and, on the memory
 * ledger, the ledger's snapshot (`ledger`). The custodian's, the access log's and the records' state live in the
 * `@medseal/store-indexeddb` database of the ledger (see `main.ts`).
 * @module
 */

/** The database's name (per origin). */
export const PORTAL_DB_NAME = 'medseal-patient-portal'

/** Its schema version: 1 had `keys` only; 2 added `grants` and `ledger`. */
const PORTAL_DB_VERSION = 2

/** Resolves with a request's result, rejects with its error. */
export const request = <T>(req: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })

/** Resolves when a transaction committed, rejects when it aborted. */
export const committed = (tx: IDBTransaction): Promise<void> =>
  new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve()
    tx.onabort = () => reject(tx.error ?? new DOMException('The transaction was aborted.', 'AbortError'))
    tx.onerror = () => undefined // reported by onabort
  })

/**
 * Opens (creating or upgrading) the portal's database.
 *
 * @returns the open database
 * @throws the browser's `DOMException` when IndexedDB is unavailable or the stored database is newer than this page
 * @example
 * ```ts
 * const db = await openPortalDb()
 * ```
 */
export function openPortalDb(): Promise<IDBDatabase> {
  const req = indexedDB.open(PORTAL_DB_NAME, PORTAL_DB_VERSION)
  req.onupgradeneeded = (e) => {
    const db = req.result
    if (e.oldVersion < 1) db.createObjectStore('keys')
    if (e.oldVersion < 2) {
      db.createObjectStore('grants')
      db.createObjectStore('ledger')
    }
  }
  return request(req)
}
