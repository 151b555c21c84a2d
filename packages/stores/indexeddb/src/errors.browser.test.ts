/**
 * Every named error of `@medseal/store-indexeddb`, in real Chromium: a database of a newer schema (`STORE_VERSION`),
 * a closed connection (`STORE_UNAVAILABLE`), rows changed behind the stores' back (`STORE_CORRUPT`, never served),
 * and bad parameters (`INVALID_*`, `OUT_OF_RANGE`).
 */
import { createMemoryLedger } from '@medseal/adapter-memory'
import {
  type BreakGlassReview,
  bytesToHex0x,
  createAccessLog,
  createMemoryAccessLogStore,
  createParty,
  type EmergencyGrant,
  encodeAccessEvent,
  type Hex,
  isSdkError,
  leafHash,
  randomBytes,
} from '@medseal/core'
import { deleteDB, openDB } from 'idb'
import { afterEach, describe, expect, it } from 'vitest'
import { S, SCHEMA_VERSION } from './_schema.js'
import {
  createIndexedDbAccessLogStore,
  createIndexedDbAnchorStore,
  createIndexedDbBreakGlassStore,
  createIndexedDbCustodianStore,
  createIndexedDbSyncCheckpointStore,
  type IndexedDb,
  openIndexedDb,
} from './index.js'

const names: string[] = []
const opened: IndexedDb[] = []
let n = 0
const freshName = () => {
  const name = `medseal-errors-${Date.now()}-${n++}`
  names.push(name)
  return name
}
const open = async (name = freshName()) => {
  const db = await openIndexedDb({ name, durability: 'relaxed' })
  opened.push(db)
  return db
}

afterEach(async () => {
  for (const db of opened.splice(0)) db.close()
  for (const name of names.splice(0)) await deleteDB(name)
})

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (e) {
    expect(isSdkError(e), String(e)).toBe(true)
    return (e as { code: string }).code
  }
  throw new Error('expected a throw')
}

const hex32 = (): Hex => bytesToHex0x(randomBytes(32))

/** Puts a raw row, as anyone with the profile's files (or script on the origin) could. */
async function putRaw(db: IndexedDb, store: string, key: IDBValidKey, value: unknown) {
  const tx = db.connection.transaction(store, 'readwrite')
  await tx.store.put(value, key)
  await tx.done
}

describe('openIndexedDb', () => {
  it('refuses a database written by a newer schema with STORE_VERSION, and leaves it alone', async () => {
    const name = freshName()
    const newer = await openDB(name, SCHEMA_VERSION + 1, { upgrade: (db) => void db.createObjectStore('future') })
    newer.close()
    expect(await codeOf(openIndexedDb({ name }))).toBe('STORE_VERSION')
    const again = await openDB(name)
    expect(again.version).toBe(SCHEMA_VERSION + 1)
    expect([...again.objectStoreNames]).toEqual(['future'])
    again.close()
  })

  it('creates every store at the current version, and opens it again unchanged', async () => {
    const name = freshName()
    const db = await open(name)
    expect(db.version).toBe(SCHEMA_VERSION)
    expect([...db.connection.objectStoreNames].sort()).toEqual(Object.values(S).sort())
    db.close()
    const again = await open(name)
    expect(again.connection.version).toBe(SCHEMA_VERSION)
  })

  it('refuses bad parameters', async () => {
    expect(await codeOf(openIndexedDb({ name: '' }))).toBe('INVALID_ARGUMENT')
    expect(await codeOf(openIndexedDb({ name: 'x'.repeat(257) }))).toBe('INVALID_ARGUMENT')
    expect(await codeOf(openIndexedDb({ durability: 'fast' as 'strict' }))).toBe('INVALID_ARGUMENT')
    expect(await codeOf(openIndexedDb(null as unknown as {}))).toBe('INVALID_TYPE')
  })
})

describe('stores', () => {
  it('a closed database: every store call fails with STORE_UNAVAILABLE', async () => {
    const db = await open()
    const log = createIndexedDbAccessLogStore({ db, log: 'l' })
    const anchor = createIndexedDbAnchorStore({ db })
    db.close()
    expect(await codeOf(log.size())).toBe('STORE_UNAVAILABLE')
    expect(await codeOf(anchor.countPending())).toBe('STORE_UNAVAILABLE')
  })

  it('factories refuse what is not an open database, and bad names', async () => {
    const db = await open()
    expect(await codeOf(() => createIndexedDbAccessLogStore({ db: {} as IndexedDb, log: 'l' }))).toBe('INVALID_TYPE')
    expect(await codeOf(() => createIndexedDbAccessLogStore({ db, log: '' }))).toBe('INVALID_ARGUMENT')
    expect(await codeOf(() => createIndexedDbCustodianStore({ db, scope: '' }))).toBe('INVALID_ARGUMENT')
    expect(await codeOf(() => createIndexedDbCustodianStore({ db, maxRememberedRequests: 0 }))).toBe('INVALID_ARGUMENT')
    expect(await codeOf(() => createIndexedDbBreakGlassStore({ db: undefined as unknown as IndexedDb }))).toBe(
      'INVALID_TYPE',
    )
  })

  it('methods refuse bad arguments before touching the database', async () => {
    const db = await open()
    const log = createIndexedDbAccessLogStore({ db, log: 'l' })
    expect(await codeOf(log.get(-1))).toBe('OUT_OF_RANGE')
    expect(await codeOf(log.getNodes([{ level: -1, index: 0 }]))).toBe('OUT_OF_RANGE')
    expect(await codeOf(log.append([]))).toBe('INVALID_ARGUMENT')
    expect(await codeOf(log.append([{ leafData: new Uint8Array(1), leafHash: new Uint8Array(31) }]))).toBe(
      'INVALID_TYPE',
    )
    const custodian = createIndexedDbCustodianStore({ db })
    expect(await codeOf(custodian.getEntry('0x12' as Hex))).toBe('INVALID_ARGUMENT')
    expect(await codeOf(custodian.rememberRequest({ digest: hex32(), until: 1.5, now: 1 }))).toBe('INVALID_ARGUMENT')
    const anchor = createIndexedDbAnchorStore({ db })
    expect(await codeOf(anchor.listPending({ limit: -1 }))).toBe('INVALID_ARGUMENT')
    expect(await codeOf(anchor.addPending({ commitments: ['0xzz' as Hex], maxPending: 1 }))).toBe('INVALID_ARGUMENT')
    const checkpoints = createIndexedDbSyncCheckpointStore({ db })
    expect(await codeOf(checkpoints.get(1 as unknown as string))).toBe('INVALID_TYPE')
  })

  it('commitRelease refuses a log store of another database (the two writes could not share a transaction)', async () => {
    const db = await open()
    const other = await open()
    const custodian = createIndexedDbCustodianStore({ db })
    const leafData = encodeAccessEvent({
      actor: '0x00000000000000000000000000000000000000a1',
      action: 'read',
      commitment: hex32(),
      at: 1_700_000_000,
      purpose: 'TREAT',
      outcome: 'permit',
    })
    const release = {
      consentKey: hex32() as never,
      consentId: hex32(),
      grantor: '0x00000000000000000000000000000000000000b1' as const,
      commitment: hex32(),
      grantee: '0x00000000000000000000000000000000000000b2' as const,
      encryptionKey: hex32(),
      at: 1,
    }
    const leaf = { leafData, leafHash: leafHash(leafData) }
    for (const store of [createIndexedDbAccessLogStore({ db: other, log: 'l' }), createMemoryAccessLogStore()])
      expect(await codeOf(custodian.commitRelease({ release, log: { store, leaf } }))).toBe('INVALID_ARGUMENT')
    // nothing was stored in either database
    expect(await createIndexedDbAccessLogStore({ db: other, log: 'l' }).size()).toBe(0)
    expect(await custodian.listReleases(release.consentKey)).toEqual([])
  })
})

describe('rows changed behind the store are STORE_CORRUPT, never served', () => {
  it('access log: a malformed size, entry or node; a missing border node refuses the next append', async () => {
    const db = await open()
    const log = createIndexedDbAccessLogStore({ db, log: 'l' })
    const leafData = new Uint8Array([1, 2, 3])
    for (let i = 0; i < 3; i++) await log.append([{ leafData, leafHash: leafHash(leafData) }])
    await putRaw(db, S.logEntries, ['l', 1], { leafData: 'not bytes', leafHash: 'nor this' })
    expect(await codeOf(log.get(1))).toBe('STORE_CORRUPT')
    expect(await codeOf(log.getNodes([{ level: 0, index: 1 }]))).toBe('STORE_CORRUPT')
    await putRaw(db, S.logNodes, ['l', 1, 0], new Uint8Array(5))
    expect(await codeOf(log.getNodes([{ level: 1, index: 0 }]))).toBe('STORE_CORRUPT')
    expect(await codeOf(log.append([{ leafData, leafHash: leafHash(leafData) }]))).toBe('STORE_CORRUPT')
    const tx = db.connection.transaction(S.logNodes, 'readwrite')
    await tx.store.delete(['l', 1, 0])
    await tx.done
    expect(await codeOf(log.append([{ leafData, leafHash: leafHash(leafData) }]))).toBe('STORE_CORRUPT')
    expect(await log.size()).toBe(3) // the refused appends stored nothing
    await putRaw(db, S.logMeta, 'l', { size: -1 })
    expect(await codeOf(log.size())).toBe('STORE_CORRUPT')
  })

  it('a tampered stored event is refused by the access log over this store', async () => {
    const db = await open()
    const operator = createParty()
    const ledger = createMemoryLedger({ id: 'errors' })
    const store = createIndexedDbAccessLogStore({ db, log: 'access' })
    const log = await createAccessLog({ operator, ledger, name: 'access', store })
    await log.append({
      actor: operator.address,
      action: 'read',
      commitment: hex32(),
      at: 1_700_000_000,
      purpose: 'TREAT',
      outcome: 'permit',
    })
    const tx = db.connection.transaction(S.logEntries, 'readwrite')
    const row = (await tx.store.get(['access', 0])) as { leafData: Uint8Array; leafHash: Uint8Array }
    row.leafData[row.leafData.length - 1] = (row.leafData[row.leafData.length - 1] as number) ^ 1
    await tx.store.put(row, ['access', 0])
    await tx.done
    expect(await codeOf(log.getEvent(0))).toBe('STORE_CORRUPT')
  })

  it('custodian: an entry with a bad owner or an envelope that does not decode; a malformed release', async () => {
    const db = await open()
    const custodian = createIndexedDbCustodianStore({ db })
    const c = hex32()
    await putRaw(db, S.custodianEntries, ['default', c], {
      commitment: c,
      owner: 'nobody',
      resourceType: 'Observation',
      labels: [],
    })
    expect(await codeOf(custodian.getEntry(c))).toBe('STORE_CORRUPT')
    await putRaw(db, S.custodianEntries, ['default', c], {
      commitment: c,
      owner: '0x00000000000000000000000000000000000000b1',
      resourceType: 'Observation',
      labels: [],
      envelope: new Uint8Array([1, 2, 3]),
    })
    expect(await codeOf(custodian.getEntry(c))).toBe('STORE_CORRUPT')
    // insert-if-absent reads the existing row too: it is reported, never taken as someone's entry
    expect(
      await codeOf(
        custodian.insertEntry({
          commitment: c,
          owner: '0x00000000000000000000000000000000000000b2',
          resourceType: 'Observation',
          labels: [],
        }),
      ),
    ).toBe('STORE_CORRUPT')
    const key = hex32()
    const tx = db.connection.transaction(S.custodianReleases, 'readwrite')
    await tx.store.add({ scope: 'default', consentKey: key, release: { consentKey: key, at: 'yesterday' } })
    await tx.done
    expect(await codeOf(custodian.listReleases(key as never))).toBe('STORE_CORRUPT')
  })

  it('anchor store: a receipt that does not decode, or of another commitment', async () => {
    const db = await open()
    const anchor = createIndexedDbAnchorStore({ db })
    const c = hex32()
    await putRaw(db, S.anchorQueue, ['default', c], { scope: 'default', receipt: '{"v":1' })
    expect(await codeOf(anchor.getReceipt(c))).toBe('STORE_CORRUPT')
    const other = hex32()
    const receipt = {
      v: 1,
      commitment: other,
      leafIndex: 0,
      treeSize: 1,
      root: hex32(),
      proof: [],
      ledger: { ledger: 'memory:x', block: 1, tx: 'memory:1', timestamp: 1_700_000_000 },
    }
    const { encodeReceipt } = await import('@medseal/core')
    await putRaw(db, S.anchorQueue, ['default', c], { scope: 'default', receipt: encodeReceipt(receipt as never) })
    expect(await codeOf(anchor.getReceipt(c))).toBe('STORE_CORRUPT')
  })

  it('break-glass: a review of another id, or with an unknown status', async () => {
    const db = await open()
    const store = createIndexedDbBreakGlassStore({ db })
    const id = hex32()
    const grant = {
      id,
      accessId: hex32(),
      policyId: hex32(),
      patient: '0x00000000000000000000000000000000000000b1',
      clinician: '0x00000000000000000000000000000000000000b2',
      credentialId: hex32(),
      issuer: '0x00000000000000000000000000000000000000b3',
      resourceTypes: ['Observation'],
      exclude: [],
      reason: 'unconscious in the ED',
      startsAt: 1,
      expiresAt: 2,
    } as EmergencyGrant
    const review: BreakGlassReview = { id, grant, status: 'pending', notifyFailed: false }
    expect(await store.insertGrant({ grant, review })).toBe(true)
    await putRaw(db, S.breakGlassReviews, ['default', id], {
      scope: 'default',
      seq: 1,
      patient: grant.patient.toLowerCase(),
      status: 'pending',
      review: { ...review, status: 'forgotten' },
    })
    expect(await codeOf(store.getReview(id))).toBe('STORE_CORRUPT')
    expect(await codeOf(store.listReviews())).toBe('STORE_CORRUPT')
    await putRaw(db, S.breakGlassGrants, ['default', id], { ...grant, id: hex32() })
    expect(await codeOf(store.getGrant(id))).toBe('STORE_CORRUPT')
  })

  it('sync checkpoints: a checkpoint without its envelope bytes, or stored under another key', async () => {
    const db = await open()
    const store = createIndexedDbSyncCheckpointStore({ db })
    const cp = {
      key: 'Observation/a/_history/1',
      resourceType: 'Observation',
      id: 'a',
      versionId: '1',
      contentId: 'bagaaiera',
      commitment: hex32(),
      envelope: new Uint8Array([1]),
    }
    await store.put(cp)
    await putRaw(db, S.syncCheckpoints, ['default', cp.key], { scope: 'default', seq: 1, ...cp, envelope: 'x' })
    expect(await codeOf(store.get(cp.key))).toBe('STORE_CORRUPT')
    expect(await codeOf(store.list())).toBe('STORE_CORRUPT')
    await putRaw(db, S.syncCheckpoints, ['default', cp.key], { scope: 'default', seq: 1, ...cp, key: 'other' })
    expect(await codeOf(store.get(cp.key))).toBe('STORE_CORRUPT')
  })
})
