/**
 * The apps' own IndexedDB database: the key store (`keys`), and for the patient app the grants (`grants`) and the
 * clinicians they know (`clinicians`). The patient's sealed records and the anchorer's queue live in the
 * `@medseal/store-indexeddb` database of the ledger (see `patient.ts`). Each app runs in its own browser profile
 * (its own origin storage), so the patient's and the clinician's keys never share a database in practice.
 * @module
 */

/** The database's name (per origin). */
export const PORTAL_DB_NAME = 'medseal-patient-portal'

/**
 * Its schema version: 1 had `keys` only; 2 added `grants` (one per ledger) and `ledger` (the in-tab ledger's
 * snapshot); 3 (the service-backed apps) keeps `keys`, replaces `grants` by a list keyed by consent id and adds
 * `clinicians`.
 */
const PORTAL_DB_VERSION = 4

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
    if (e.oldVersion >= 2 && e.oldVersion < 3) {
      db.deleteObjectStore('grants')
      db.deleteObjectStore('ledger')
    }
    if (e.oldVersion < 3) {
      db.createObjectStore('grants')
      db.createObjectStore('clinicians')
    }
    if (e.oldVersion < 4) db.createObjectStore('links')
  }
  return request(req)
}
