/**
 * The patient's current grant, kept in the portal's IndexedDB database (one per ledger) so that it is still shown,
 * and still revocable, after a reload.
 * @module
 */
import { committed, request } from './portalDb.js'

const STORE = 'grants'

/** What is kept of a grant: the compact consent token and whether it was revoked. */
export type StoredGrant = { readonly v: 1; readonly token: string; readonly revoked: boolean }

/** The patient's grant store. */
export type GrantStore = {
  /** The stored grant, or `undefined` (none yet, or a malformed record). */
  get(): Promise<StoredGrant | undefined>
  /** Replaces the stored grant; resolves once committed. */
  put(grant: Omit<StoredGrant, 'v'>): Promise<void>
}

/**
 * The grant store of one ledger.
 *
 * @param db - the portal's database (see `openPortalDb`)
 * @param ledgerId - the ledger the grant is registered on
 * @returns a frozen {@link GrantStore}
 * @example
 * ```ts
 * const grants = openGrantStore(await openPortalDb(), ledger.ledgerId)
 * await grants.put({ token: encodeConsentToken(token), revoked: false })
 * ```
 */
export function openGrantStore(db: IDBDatabase, ledgerId: string): GrantStore {
  return Object.freeze({
    async get() {
      const v = (await request(db.transaction(STORE, 'readonly').objectStore(STORE).get(ledgerId))) as
        | Partial<StoredGrant>
        | undefined
      if (v?.v !== 1 || typeof v.token !== 'string' || typeof v.revoked !== 'boolean') return undefined
      return { v: 1 as const, token: v.token, revoked: v.revoked }
    },
    async put({ token, revoked }: { token: string; revoked: boolean }) {
      const tx = db.transaction(STORE, 'readwrite', { durability: 'strict' })
      tx.objectStore(STORE).put({ v: 1, token, revoked } satisfies StoredGrant, ledgerId)
      await committed(tx)
    },
  })
}
