/**
 * The core store conformance suite over IndexedDB in real Chromium: each test gets a fresh database (a unique name),
 * a second connection to it for the concurrency tests (as another tab would open it), and raw IndexedDB writes for
 * the tamper tests.
 */
import { createMemoryLedger } from '@medseal/adapter-memory'
import { decodeEnvelope, decodeReceipt, encodeEnvelope, encodeReceipt, type Hex } from '@medseal/core'
import { describeStoreConformance, type StoreConformanceSet, type StoreTamperTarget } from '@medseal/core/testing'
import { deleteDB } from 'idb'
import { S } from './_schema.js'
import {
  createIndexedDbAccessLogStore,
  createIndexedDbAnchorStore,
  createIndexedDbBreakGlassStore,
  createIndexedDbCustodianStore,
  createIndexedDbSyncCheckpointStore,
  type IndexedDb,
  openIndexedDb,
} from './index.js'

let counter = 0

const storesOf = (db: IndexedDb): StoreConformanceSet => ({
  accessLog: createIndexedDbAccessLogStore({ db, log: 'conformance' }),
  custodian: createIndexedDbCustodianStore({ db }),
  breakGlass: createIndexedDbBreakGlassStore({ db }),
  anchor: createIndexedDbAnchorStore({ db }),
  syncCheckpoints: createIndexedDbSyncCheckpointStore({ db }),
})

/** Reads, changes and writes back one row with raw IndexedDB calls (as anyone with access to the profile could). */
async function rewrite(db: IndexedDb, store: string, key: IDBValidKey, change: (row: unknown) => unknown) {
  const tx = db.connection.transaction(store, 'readwrite')
  const row = await tx.store.get(key)
  if (row === undefined) throw new Error(`nothing stored at ${String(key)}`)
  await tx.store.put(change(row), key)
  await tx.done
}

const flip = (bytes: Uint8Array, at = 0) => {
  const out = bytes.slice()
  out[at] = (out[at] as number) ^ 1
  return out
}

function tamperWith(db: IndexedDb) {
  return async (target: StoreTamperTarget) => {
    switch (target.kind) {
      case 'logEntry':
        return rewrite(db, S.logEntries, ['conformance', target.index], (row) => {
          const r = row as { leafData: Uint8Array; leafHash: Uint8Array }
          return { ...r, leafData: flip(r.leafData, r.leafData.length - 1) }
        })
      case 'logNode':
        if (target.level === 0)
          return rewrite(db, S.logEntries, ['conformance', target.index], (row) => {
            const r = row as { leafData: Uint8Array; leafHash: Uint8Array }
            return { ...r, leafHash: flip(r.leafHash) }
          })
        return rewrite(db, S.logNodes, ['conformance', target.level, target.index], (h) => flip(h as Uint8Array))
      case 'custodianEnvelope':
        return rewrite(db, S.custodianEntries, ['default', target.commitment.toLowerCase()], (row) => {
          const r = row as { envelope: Uint8Array }
          const envelope = decodeEnvelope(r.envelope)
          const recipients = envelope.recipients.map((x) => ({ ...x, wrappedKey: flip(x.wrappedKey) }))
          return { ...r, envelope: encodeEnvelope({ ...envelope, recipients }) }
        })
      case 'receipt':
        return rewrite(db, S.anchorQueue, ['default', target.commitment.toLowerCase()], (row) => {
          const r = row as { receipt: string }
          const receipt = decodeReceipt(r.receipt)
          const root = `0x${receipt.root.slice(2, 65)}${receipt.root.endsWith('0') ? '1' : '0'}` as Hex
          return { ...r, receipt: encodeReceipt({ ...receipt, root }) }
        })
    }
  }
}

describeStoreConformance('IndexedDB stores (Chromium)', {
  create: async () => {
    const name = `medseal-conformance-${Date.now()}-${counter++}`
    const db = await openIndexedDb({ name, durability: 'relaxed' })
    const seconds: IndexedDb[] = []
    const reopened: IndexedDb[] = []
    return {
      stores: storesOf(db),
      openSecond: async () => {
        const second = await openIndexedDb({ name, durability: 'relaxed' })
        seconds.push(second)
        return storesOf(second)
      },
      reopen: async () => {
        db.close() // as a closed tab leaves it
        const again = await openIndexedDb({ name, durability: 'relaxed' })
        reopened.push(again)
        return storesOf(again)
      },
      tamper: tamperWith(db),
      cleanup: async () => {
        db.close()
        for (const s of [...seconds, ...reopened]) s.close()
        await deleteDB(name)
      },
    }
  },
  createLedger: () => createMemoryLedger({ id: 'idb-conformance' }),
})
