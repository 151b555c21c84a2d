/**
 * Keeps the in-tab memory ledger across reloads: its snapshot lives in the portal's IndexedDB database. The memory
 * ledger's store interface is synchronous and IndexedDB is not, so a write is queued in order and
 * {@link LedgerSnapshotStore.flush} waits until every queued write committed. The portal flushes before it keeps
 * anything that depends on a ledger write (a receipt, a grant) and before it says "Ready.": what the page showed as
 * done is on disk. A demo stand-in for a real ledger (anvil, Fabric), which keeps its own state.
 * @module
 */
import type { MemoryLedgerStore } from '@medseal/adapter-memory'
import { committed, request } from './portalDb.js'

const STORE = 'ledger'

/** A memory ledger store over IndexedDB, with a way to wait for its writes. */
export type LedgerSnapshotStore = MemoryLedgerStore & {
  /**
   * Resolves once every write made so far committed; rejects with the first failed write's error (after which the
   * store refuses writes: the ledger then fails its write with `LEDGER_WRITE_FAILED`).
   */
  flush(): Promise<void>
}

/**
 * Loads the snapshot of ledger `ledgerId` from the portal's database.
 *
 * @param db - the portal's database (see `openPortalDb`)
 * @param ledgerId - the memory ledger's id (one snapshot per id)
 * @returns the store to give to `createMemoryLedger({ store })`
 * @throws the browser's `DOMException` when the database cannot be read
 * @example
 * ```ts
 * const store = await openLedgerSnapshotStore(await openPortalDb(), 'patient-portal')
 * const ledger = createMemoryLedger({ id: 'patient-portal', store })
 * await store.flush()
 * ```
 */
export async function openLedgerSnapshotStore(db: IDBDatabase, ledgerId: string): Promise<LedgerSnapshotStore> {
  const stored = await request(db.transaction(STORE, 'readonly').objectStore(STORE).get(ledgerId))
  let current = typeof stored === 'string' ? stored : undefined
  let failure: unknown
  let last: Promise<void> = Promise.resolve()
  return Object.freeze({
    read: () => current,
    write(snapshot: string) {
      if (failure !== undefined) throw failure
      // Transactions on one store run in the order they were created: the last one to commit holds the last write.
      const tx = db.transaction(STORE, 'readwrite', { durability: 'strict' })
      tx.objectStore(STORE).put(snapshot, ledgerId)
      const done = committed(tx).catch((err: unknown) => {
        failure ??= err
        throw err
      })
      done.catch(() => undefined) // surfaced by flush()
      const previous = last
      last = previous.then(() => done)
      current = snapshot
    },
    flush: () => last,
  })
}
