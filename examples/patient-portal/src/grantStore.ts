/**
 * The patient's grants and the clinicians they know, kept in the app's IndexedDB database so that both are still
 * shown, and grants still revocable, after a reload.
 * @module
 */
import type { Address } from '@medseal/core'
import { committed, request } from './portalDb.js'

/** A grant as kept: the compact consent token, whom it is for, and whether it was revoked. */
export type StoredGrant = {
  readonly v: 1
  /** The consent id (the key). */
  readonly id: string
  readonly token: string
  readonly clinician: string
  readonly revoked: boolean
  /** When it was made (Unix ms), for ordering. */
  readonly createdAt: number
}

/** A clinician the patient added: a name they chose and the clinician's ID (address). */
export type StoredClinician = { readonly v: 1; readonly address: Address; readonly name: string }

/** A keyed list in one object store. */
export type ListStore<T> = {
  /** Every well-formed record, in insertion order of `createdAt` (grants) or name (clinicians). */
  list(): Promise<T[]>
  /** Adds or replaces a record; resolves once committed. */
  put(value: T): Promise<void>
}

function listStore<T extends { v: 1 }>(
  db: IDBDatabase,
  store: string,
  keyOf: (v: T) => string,
  valid: (v: Partial<T>) => boolean,
  order: (a: T, b: T) => number,
): ListStore<T> {
  return Object.freeze({
    async list() {
      const all = (await request(db.transaction(store, 'readonly').objectStore(store).getAll())) as Partial<T>[]
      return (all.filter((v) => v?.v === 1 && valid(v)) as T[]).sort(order)
    },
    async put(value: T) {
      const tx = db.transaction(store, 'readwrite', { durability: 'strict' })
      tx.objectStore(store).put(value, keyOf(value))
      await committed(tx)
    },
  })
}

/**
 * The patient's grants.
 *
 * @param db - the app's database (see `openPortalDb`)
 * @returns the grant list
 * @example
 * ```ts
 * const grants = openGrantStore(await openPortalDb())
 * await grants.put({ v: 1, id, token, clinician: '0x…', revoked: false, createdAt: Date.now() })
 * ```
 */
export function openGrantStore(db: IDBDatabase): ListStore<StoredGrant> {
  return listStore<StoredGrant>(
    db,
    'grants',
    (g) => g.id,
    (g) =>
      typeof g.id === 'string' &&
      typeof g.token === 'string' &&
      typeof g.clinician === 'string' &&
      typeof g.revoked === 'boolean' &&
      typeof g.createdAt === 'number',
    (a, b) => a.createdAt - b.createdAt,
  )
}

/**
 * The clinicians the patient added.
 *
 * @param db - the app's database (see `openPortalDb`)
 * @returns the clinician list
 * @example
 * ```ts
 * await openClinicianStore(await openPortalDb()).put({ v: 1, address, name: 'Dr Grace Hopper' })
 * ```
 */
export function openClinicianStore(db: IDBDatabase): ListStore<StoredClinician> {
  return listStore<StoredClinician>(
    db,
    'clinicians',
    (c) => c.address.toLowerCase(),
    (c) => typeof c.address === 'string' && typeof c.name === 'string',
    (a, b) => a.name.localeCompare(b.name),
  )
}

/** Memory list stores (the model's tests). */
export function memoryListStore<T>(keyOf: (v: T) => string): ListStore<T> {
  const m = new Map<string, T>()
  return Object.freeze({
    list: async () => [...m.values()],
    put: async (v: T) => {
      m.set(keyOf(v), v)
    },
  })
}
