import { fc, test as fcTest } from '@fast-check/vitest'
import {
  accessLogBorderKeys,
  bytesToHex0x,
  consentKey,
  createMemoryAccessLogStore,
  createParty,
  type Hex,
  isSdkError,
  leafHash,
  merkleRoot,
  nodeHash,
  type Receipt,
  seal,
} from '@medseal/core'
import { createPostgresStores, type PostgresStores, type SqlDatabase } from '@medseal/store-postgres'
import { type PostgresServer, tamperPostgresStores } from '@medseal/store-postgres/testing'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { resetSchema } from './_conformance.js'
import { memoryPglite, serverDatabases, startPostgres } from './_servers.js'

let server: PostgresServer
beforeAll(async () => {
  server = await startPostgres()
}, 120_000)
afterAll(async () => {
  await server?.stop()
})

const hex32 = (n: number): Hex => `0x${n.toString(16).padStart(64, '0')}` as Hex
const leafOf = (i: number) => {
  const leafData = new TextEncoder().encode(`event ${i}`)
  return { leafData, leafHash: leafHash(leafData) }
}
const receiptOf = (c: Hex): Receipt =>
  Object.freeze({
    v: 1 as const,
    commitment: c,
    leafIndex: 0,
    treeSize: 1,
    root: `0x${'ab'.repeat(32)}` as Hex,
    proof: [],
    ledger: { ledger: 'memory:t', tx: 'memory:1', block: 1, timestamp: 1_700_000_000 },
  })

const engines: [string, () => Promise<SqlDatabase>][] = [
  ['PGlite', memoryPglite],
  ['PostgreSQL', async () => (await serverDatabases(server))[0] as SqlDatabase],
]

describe.each(engines)('createPostgresStores on %s', (_engine, open) => {
  let db: SqlDatabase
  let stores: PostgresStores
  beforeAll(async () => {
    db = await open()
  }, 120_000)
  afterAll(async () => {
    await db?.close()
  })
  beforeEach(async () => {
    await resetSchema(db)
    stores = await createPostgresStores({ db })
  })

  it('refuses bad parameters with INVALID_ARGUMENT', async () => {
    for (const params of [undefined, {}, { db: {} }, { db, maxRememberedRequests: 0 }])
      expect(isSdkError(await createPostgresStores(params as never).catch((e: unknown) => e), 'INVALID_ARGUMENT')).toBe(
        true,
      )
    expect(() => stores.accessLog({ name: '' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
  })

  it('keeps one tree per log name, and returns the same store object for the same name', async () => {
    const a = stores.accessLog({ name: 'a' })
    expect(stores.accessLog({ name: 'a' })).toBe(a)
    expect(stores.accessLog()).toBe(stores.accessLog({ name: 'default' }))
    await a.append([leafOf(1), leafOf(2)])
    await stores.accessLog({ name: 'b' }).append([leafOf(3)])
    expect(await a.size()).toBe(2)
    expect(await stores.accessLog({ name: 'b' }).size()).toBe(1)
    expect(await stores.accessLog({ name: 'c' }).size()).toBe(0)
  })

  it('commitRelease refuses a log store of another database or kind with INVALID_ARGUMENT, storing nothing', async () => {
    const release = {
      consentKey: consentKey(`0x${'b1'.repeat(20)}`, hex32(1)),
      consentId: hex32(1),
      grantor: `0x${'b1'.repeat(20)}` as const,
      commitment: hex32(2),
      grantee: `0x${'b2'.repeat(20)}` as const,
      encryptionKey: hex32(3),
      at: 1,
    }
    for (const store of [createMemoryAccessLogStore(), undefined]) {
      const err = await stores.custodian
        .commitRelease({ release, log: { store: store as never, leaf: leafOf(1) } })
        .catch((e: unknown) => e)
      expect(isSdkError(err, 'INVALID_ARGUMENT')).toBe(true)
    }
    expect(await stores.custodian.listReleases(release.consentKey)).toEqual([])
  })

  it('answers full once maxRememberedRequests digests are remembered, and fresh again once they expire', async () => {
    const small = await createPostgresStores({ db, maxRememberedRequests: 2 })
    expect(await small.custodian.rememberRequest({ digest: hex32(1), until: 10, now: 0 })).toBe('fresh')
    expect(await small.custodian.rememberRequest({ digest: hex32(2), until: 20, now: 0 })).toBe('fresh')
    expect(await small.custodian.rememberRequest({ digest: hex32(3), until: 20, now: 0 })).toBe('full')
    expect(await small.custodian.rememberRequest({ digest: hex32(1), until: 10, now: 5 })).toBe('replayed')
    expect(await small.custodian.rememberRequest({ digest: hex32(3), until: 30, now: 11 })).toBe('fresh')
    expect(await small.custodian.rememberRequest({ digest: hex32(4), until: 30, now: 11 })).toBe('full')
  })

  // the replay memory's count is split over 64 shards by the digest's last byte: a digest ending in byte b is in
  // shard b % 64
  const inShard = (shard: number, k: number): Hex =>
    `0x${k.toString(16).padStart(62, '0')}${shard.toString(16).padStart(2, '0')}` as Hex
  const shardCounts = async () =>
    (await db.query('SELECT shard, count FROM medseal_custodian_request_shards ORDER BY shard')).map((r) => [
      r.shard,
      r.count,
    ])
  const rowCounts = async () => {
    const rows = await db.query('SELECT shard, count(*)::int8 AS n FROM medseal_custodian_requests GROUP BY shard')
    return new Map(rows.map((r) => [r.shard, r.n]))
  }

  it('keeps the replay count in shards: concurrent new digests of one full shard refuse each other, not the others', async () => {
    const small = await createPostgresStores({ db, maxRememberedRequests: 128 }) // 2 per shard
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, k) =>
        small.custodian.rememberRequest({ digest: inShard(5, k + 1), until: 100, now: 0 }),
      ),
    )
    expect(answers.filter((a) => a === 'fresh')).toHaveLength(2)
    expect(answers.filter((a) => a === 'full')).toHaveLength(18)
    expect(await small.custodian.rememberRequest({ digest: inShard(6, 1), until: 100, now: 0 })).toBe('fresh')
    // the refused digests were not kept: once the two expire they get in
    expect(await small.custodian.rememberRequest({ digest: inShard(5, 99), until: 300, now: 101 })).toBe('fresh')
    const counts = await shardCounts()
    expect(counts).toHaveLength(64)
    expect(counts[5]).toEqual([5, 1])
    expect(counts[6]).toEqual([6, 1])
  })

  fcTest.prop(
    [
      fc.array(fc.record({ k: fc.integer({ min: 0, max: 11 }), dt: fc.integer({ min: 0, max: 3 }), life: fc.nat(8) }), {
        minLength: 1,
        maxLength: 40,
      }),
      fc.integer({ min: 1, max: 4 }),
    ],
    { numRuns: 6 },
  )('never remembers more live digests than the cap, and each shard row counts its rows exactly', async (ops, max) => {
    await resetSchema(db)
    const small = await createPostgresStores({ db, maxRememberedRequests: max })
    const live = new Map<Hex, number>()
    let now = 0
    for (const { k, dt, life } of ops) {
      now += dt
      const digest = hex32(k + 1)
      const answer = await small.custodian.rememberRequest({ digest, until: now + life, now })
      const known = live.get(digest)
      if (known !== undefined && known >= now) expect(answer).toBe('replayed')
      else expect(answer).not.toBe('replayed')
      if (answer === 'fresh') live.set(digest, now + life)
      expect([...live.values()].filter((u) => u >= now).length).toBeLessThanOrEqual(max)
      const rows = await rowCounts()
      for (const [shard, count] of await shardCounts()) expect(rows.get(shard) ?? 0).toBe(count)
    }
  })

  it('reports rows that do not parse as STORE_CORRUPT, never serving them', async () => {
    const party = createParty({ seed: new Uint8Array(32).fill(9) })
    const { envelope, commitment: c } = await seal(
      { resourceType: 'Observation', status: 'final' },
      { recipients: [party] },
    )
    const commitment = bytesToHex0x(c)
    await stores.custodian.insertEntry({ commitment, owner: party.address, resourceType: 'Observation', labels: [] })
    await db.query('UPDATE medseal_custodian_entries SET body = $1', ['{not json'])
    expect(isSdkError(await stores.custodian.getEntry(commitment).catch((e: unknown) => e), 'STORE_CORRUPT')).toBe(true)
    await stores.custodian.putEntry({
      commitment,
      owner: party.address,
      resourceType: 'Observation',
      labels: [],
      envelope,
    })
    await db.query('UPDATE medseal_custodian_entries SET envelope = $1', [new Uint8Array([1, 2, 3])])
    expect(isSdkError(await stores.custodian.getEntry(commitment).catch((e: unknown) => e), 'STORE_CORRUPT')).toBe(true)

    const anchor = stores.anchor()
    await anchor.addPending({ commitments: [hex32(7)], maxPending: 10 })
    await anchor.completeBatch([receiptOf(hex32(7))])
    await db.query('UPDATE medseal_anchor_receipts SET receipt = $1', ['{"v":1}'])
    expect(isSdkError(await anchor.getReceipt(hex32(7)).catch((e: unknown) => e), 'STORE_CORRUPT')).toBe(true)

    const sync = stores.syncCheckpoints()
    await sync.put({
      key: 'Observation/1/_history/1',
      resourceType: 'Observation',
      id: '1',
      versionId: '1',
      contentId: 'b',
      commitment,
      envelope: new Uint8Array([1]),
      receipt: receiptOf(commitment),
    })
    expect((await sync.get('Observation/1/_history/1'))?.receipt).toEqual(receiptOf(commitment))
    await db.query('UPDATE medseal_sync_checkpoints SET body = $1', ['[]'])
    expect(isSdkError(await sync.list().catch((e: unknown) => e), 'STORE_CORRUPT')).toBe(true)

    await db.query(
      `INSERT INTO medseal_break_glass (id, patient, status, grant_json, review_json) VALUES ($1, 'p', 'pending', '{}', '"x"')`,
      [hex32(9)],
    )
    expect(isSdkError(await stores.breakGlass.getReview(hex32(9)).catch((e: unknown) => e), 'STORE_CORRUPT')).toBe(true)
    expect(isSdkError(await stores.breakGlass.getGrant(hex32(9)).catch((e: unknown) => e), 'STORE_CORRUPT')).toBe(true)
  })

  it('tamperPostgresStores alters a stored envelope wrap and a stored receipt root; a missing target is STORE_CORRUPT', async () => {
    const party = createParty({ seed: new Uint8Array(32).fill(3) })
    const { envelope, commitment: c } = await seal(
      { resourceType: 'Observation', status: 'final' },
      { recipients: [party] },
    )
    const commitment = bytesToHex0x(c)
    await stores.custodian.insertEntry({
      commitment,
      owner: party.address,
      resourceType: 'Observation',
      labels: [],
      envelope,
    })
    await tamperPostgresStores({ db, target: { kind: 'custodianEnvelope', commitment } })
    const stored = (await stores.custodian.getEntry(commitment))?.envelope
    expect(stored?.ciphertext).toEqual(envelope.ciphertext)
    expect(stored?.recipients[0]?.wrappedKey).not.toEqual(envelope.recipients[0]?.wrappedKey)

    const anchor = stores.anchor()
    await anchor.addPending({ commitments: [commitment], maxPending: 10 })
    await anchor.completeBatch([receiptOf(commitment)])
    await tamperPostgresStores({ db, target: { kind: 'receipt', commitment } })
    expect((await anchor.getReceipt(commitment))?.root).not.toBe(receiptOf(commitment).root)

    for (const target of [
      { kind: 'logEntry', index: 0 },
      { kind: 'logNode', level: 1, index: 0 },
      { kind: 'receipt', commitment: hex32(1) },
    ] as const) {
      const err = await tamperPostgresStores({ db, target }).catch((e: unknown) => e)
      expect(isSdkError(err, 'STORE_CORRUPT')).toBe(true)
    }
  })

  it('runs a transaction again after a serialization failure (SQLSTATE 40001), and only a bounded number of times', async () => {
    let runs = 0
    const result = await db.transaction(async (tx) => {
      runs++
      await tx.query('SELECT 1')
      if (runs < 3) throw Object.assign(new Error('could not serialize access'), { code: '40001' })
      return 'done'
    })
    expect(result).toBe('done')
    expect(runs).toBe(3)
    runs = 0
    const err = await db
      .transaction(async () => {
        runs++
        throw Object.assign(new Error('deadlock detected'), { code: '40P01' })
      })
      .catch((e: unknown) => e)
    expect(isSdkError(err, 'STORE_UNAVAILABLE')).toBe(true)
    expect(runs).toBe(8)
  })

  fcTest.prop([fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 8 })], { numRuns: 8 })(
    'any split of appends into batches stores the nodes of the one RFC 9162 tree',
    async (batches) => {
      await resetSchema(db)
      const log = (await createPostgresStores({ db })).accessLog({ name: 'prop' })
      const all: ReturnType<typeof leafOf>[] = []
      for (const n of batches) {
        const leaves = Array.from({ length: n }, (_, i) => leafOf(all.length + i))
        const r = await log.append(leaves)
        expect(r.firstIndex).toBe(all.length)
        all.push(...leaves)
      }
      const border = (await log.getNodes(accessLogBorderKeys(all.length))) as Uint8Array[]
      let root = border[border.length - 1] as Uint8Array
      for (let i = border.length - 2; i >= 0; i--) root = nodeHash(border[i] as Uint8Array, root)
      expect(root).toEqual(merkleRoot(all.map((l) => l.leafData)))
    },
  )
})
