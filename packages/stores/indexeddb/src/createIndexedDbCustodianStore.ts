/**
 * A custodian's records, key releases and key-request replay memory in IndexedDB.
 * @module
 */
import {
  type AccessLogAppendResult,
  type CommitReleaseParameters,
  type ConsentKey,
  type CustodianEntry,
  type CustodianRelease,
  type CustodianStore,
  decodeEnvelope,
  encodeEnvelope,
  type Hex,
  InvalidArgumentError,
  type RememberRequestResult,
  type StoreError,
} from '@medseal/core'
import {
  checkDb,
  checkScope,
  hex32Key,
  storedAddress,
  storedHex32,
  storedObject,
  storedString,
  storedStrings,
  storedUint,
} from './_rows.js'
import { S } from './_schema.js'
import { corrupt, isBytes, run, type Tx } from './_tx.js'
import { _appendInTx, _idbLogs, _logStores } from './createIndexedDbAccessLogStore.js'
import type { IndexedDb } from './openIndexedDb.js'

/** Parameters of {@link createIndexedDbCustodianStore}. */
export type CreateIndexedDbCustodianStoreParameters = {
  /** The database (see `openIndexedDb`); its access log stores can share a release's transaction. */
  readonly db: IndexedDb
  /** Which custodian of the database (1 to 256 characters). Default: `default`. */
  readonly scope?: string
  /** Most key-request digests remembered at once (default 1,000,000); beyond it requests are refused until some expire. */
  readonly maxRememberedRequests?: number
}

/** Key (after the scope) of the replay memory's prune horizon row; never a digest (those are `0x` hex). */
const HORIZON = 'horizon'

/** Errors the store's methods throw. */
export type CreateIndexedDbCustodianStoreErrorType = InvalidArgumentError | StoreError

type EntryRow = {
  commitment: string
  owner: string
  resourceType: string
  labels: string[]
  /** `encodeEnvelope` bytes. */
  envelope?: Uint8Array
  supersededBy?: string
  shredded?: true
}

type ReleaseRow = { scope: string; consentKey: string; release: CustodianRelease }

function toRow(entry: CustodianEntry): EntryRow {
  if (typeof entry !== 'object' || entry === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'A custodian entry is an object.')
  hex32Key(entry.commitment, 'commitment')
  const row: EntryRow = {
    commitment: entry.commitment,
    owner: entry.owner,
    resourceType: entry.resourceType,
    labels: [...entry.labels],
  }
  if (entry.envelope !== undefined) row.envelope = encodeEnvelope(entry.envelope)
  if (entry.supersededBy !== undefined) row.supersededBy = entry.supersededBy
  if (entry.shredded) row.shredded = true
  return row
}

function fromRow(value: unknown): CustodianEntry {
  const r = storedObject(value, 'custodian entry')
  const entry: {
    -readonly [K in keyof CustodianEntry]: CustodianEntry[K]
  } = {
    commitment: storedHex32(r.commitment, 'custodian entry'),
    owner: storedAddress(r.owner, 'custodian entry'),
    resourceType: storedString(r.resourceType, 'custodian entry', 256),
    labels: Object.freeze(storedStrings(r.labels, 'custodian entry')),
  }
  if (r.envelope !== undefined) {
    if (!isBytes(r.envelope)) throw corrupt('custodian envelope')
    try {
      entry.envelope = decodeEnvelope(r.envelope)
    } catch {
      throw corrupt('custodian envelope')
    }
  }
  if (r.supersededBy !== undefined) entry.supersededBy = storedHex32(r.supersededBy, 'custodian entry')
  if (r.shredded !== undefined) {
    if (r.shredded !== true) throw corrupt('custodian entry')
    entry.shredded = true
  }
  return Object.freeze(entry)
}

function checkRelease(release: CustodianRelease): CustodianRelease {
  if (typeof release !== 'object' || release === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'A release is an object.')
  hex32Key(release.consentKey, 'consentKey')
  return {
    consentKey: release.consentKey,
    consentId: release.consentId,
    grantor: release.grantor,
    commitment: release.commitment,
    grantee: release.grantee,
    encryptionKey: release.encryptionKey,
    at: release.at,
  }
}

function fromReleaseRow(value: unknown): CustodianRelease {
  const row = storedObject(value, 'key release')
  const r = storedObject(row.release, 'key release')
  if (typeof r.encryptionKey !== 'string' || !/^0x[0-9a-fA-F]+$/.test(r.encryptionKey)) throw corrupt('key release')
  return Object.freeze({
    consentKey: storedHex32(r.consentKey, 'key release') as ConsentKey,
    consentId: storedHex32(r.consentId, 'key release'),
    grantor: storedAddress(r.grantor, 'key release'),
    commitment: storedHex32(r.commitment, 'key release'),
    grantee: storedAddress(r.grantee, 'key release'),
    encryptionKey: r.encryptionKey as Hex,
    at: storedUint(r.at, 'key release'),
  })
}

/**
 * A {@link @medseal/core!CustodianStore} over IndexedDB. Every write is one `readwrite` transaction: insert-if-absent, the replay
 * memory's check-and-remember, and {@link @medseal/core!CustodianStore.commitRelease} (the release row, the log entry and its tree
 * nodes together) are decided by the database, so tabs and workers sharing it agree. Envelopes are stored in their
 * binary form (`encodeEnvelope`) and decoded on read; a row that does not decode is `STORE_CORRUPT`, and the
 * custodian opens every envelope before a key leaves (a tampered wrapped key does not open).
 *
 * @param params - `db`, `scope`, `maxRememberedRequests` (see {@link CreateIndexedDbCustodianStoreParameters})
 * @returns a frozen store for `createCustodian({ store })`
 * @throws {@link @medseal/core!InvalidArgumentError} for bad parameters
 * @example
 * ```ts
 * import { createAccessLog, createCustodian } from '@medseal/core'
 * import { createIndexedDbAccessLogStore, createIndexedDbCustodianStore, openIndexedDb } from '@medseal/store-indexeddb'
 * const db = await openIndexedDb()
 * const log = await createAccessLog({ operator: party, ledger, name: 'access', store: createIndexedDbAccessLogStore({ db, log: 'access' }) })
 * const custodian = createCustodian({ party, ledger, log, store: createIndexedDbCustodianStore({ db }) })
 * ```
 */
export function createIndexedDbCustodianStore(params: CreateIndexedDbCustodianStoreParameters): CustodianStore {
  const db = checkDb(params?.db)
  const scope = checkScope(params.scope)
  const max = params.maxRememberedRequests ?? 1_000_000
  if (!Number.isSafeInteger(max) || max < 1)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'maxRememberedRequests must be a positive integer.')

  const putRelease = (tx: Tx, release: CustodianRelease) =>
    tx.objectStore(S.custodianReleases).add({
      scope,
      consentKey: release.consentKey.toLowerCase(),
      release,
    } satisfies ReleaseRow)

  return Object.freeze({
    async getEntry(commitment: Hex) {
      const key = hex32Key(commitment, 'commitment')
      return run(db, [S.custodianEntries], 'readonly', async (tx) => {
        const row = await tx.objectStore(S.custodianEntries).get([scope, key])
        return row === undefined ? undefined : fromRow(row)
      })
    },
    async putEntry(entry: CustodianEntry) {
      const row = toRow(entry)
      await run(db, [S.custodianEntries], 'readwrite', async (tx) => {
        await tx.objectStore(S.custodianEntries).put(row, [scope, row.commitment.toLowerCase()])
      })
    },
    async insertEntry(entry: CustodianEntry) {
      const row = toRow(entry)
      return run(db, [S.custodianEntries], 'readwrite', async (tx) => {
        const store = tx.objectStore(S.custodianEntries)
        const key = [scope, row.commitment.toLowerCase()]
        const existing = await store.get(key)
        if (existing !== undefined) return fromRow(existing)
        await store.add(row, key)
        return undefined
      })
    },
    async addRelease(release: CustodianRelease) {
      const r = checkRelease(release)
      await run(db, [S.custodianReleases], 'readwrite', async (tx) => {
        await putRelease(tx, r)
      })
    },
    async commitRelease({ release, log }: CommitReleaseParameters): Promise<AccessLogAppendResult> {
      const r = checkRelease(release)
      const target = _idbLogs.get(log?.store)
      if (!target || target.db.connection !== db.connection)
        throw new InvalidArgumentError(
          'INVALID_ARGUMENT',
          'commitRelease needs an access log store of the same IndexedDB database.',
        )
      // One transaction: the log entry (with its tree nodes and the new size) and the release row, or neither.
      return run(db, [..._logStores, S.custodianReleases], 'readwrite', async (tx) => {
        const result = await _appendInTx(tx, target.log, [log.leaf])
        await putRelease(tx, r)
        return result
      })
    },
    async listReleases(key: ConsentKey) {
      const k = hex32Key(key, 'consentKey')
      return run(db, [S.custodianReleases], 'readonly', async (tx) => {
        const rows = await tx.objectStore(S.custodianReleases).index('by_consent').getAll([scope, k])
        return Object.freeze(rows.map(fromReleaseRow))
      })
    },
    async deleteReleases(key: ConsentKey) {
      const k = hex32Key(key, 'consentKey')
      return run(db, [S.custodianReleases], 'readwrite', async (tx) => {
        let n = 0
        let cursor = await tx.objectStore(S.custodianReleases).index('by_consent').openCursor([scope, k])
        while (cursor) {
          await cursor.delete()
          n++
          cursor = await cursor.continue()
        }
        return n
      })
    },
    async rememberRequest({ digest, until, now }: { digest: Hex; until: number; now: number }) {
      const d = hex32Key(digest, 'digest')
      if (!Number.isSafeInteger(until) || !Number.isSafeInteger(now))
        throw new InvalidArgumentError('INVALID_ARGUMENT', 'until and now are integers (ledger time).')
      return run(db, [S.custodianRequests], 'readwrite', async (tx): Promise<RememberRequestResult> => {
        const store = tx.objectStore(S.custodianRequests)
        const byUntil = store.index('by_until')
        // the prune horizon: the highest `now` this scope forgot digests at (a row without `until`: not in by_until)
        const stored = (await store.get([scope, HORIZON])) as { horizon?: unknown } | undefined
        if (stored !== undefined && !Number.isSafeInteger(stored.horizon)) throw corrupt('remembered request')
        let horizon = stored === undefined ? Number.NEGATIVE_INFINITY : (stored.horizon as number)
        // forget what expired: every digest whose until is below now (raising the horizon, in this same transaction)
        let cursor = await byUntil.openCursor(IDBKeyRange.bound([scope, -Infinity], [scope, now], false, true))
        let forgot = false
        while (cursor) {
          await cursor.delete()
          forgot = true
          cursor = await cursor.continue()
        }
        if (forgot && now > horizon) {
          horizon = now
          await store.put({ scope, horizon }, [scope, HORIZON])
        }
        const known = (await store.get([scope, d])) as { until?: unknown } | undefined
        if (known !== undefined) {
          if (!Number.isSafeInteger(known.until)) throw corrupt('remembered request')
          return 'replayed'
        }
        // below the horizon an unknown digest may be one forgotten there (by a tab or worker whose ledger time is ahead)
        if (until < horizon) return 'stale'
        const count = await byUntil.count(IDBKeyRange.bound([scope, -Infinity], [scope, Infinity]))
        if (count >= max) return 'full'
        await store.add({ scope, until }, [scope, d])
        return 'fresh'
      })
    },
  })
}
