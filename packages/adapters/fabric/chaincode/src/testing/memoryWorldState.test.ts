import { fc, test } from '@fast-check/vitest'
import shim from 'fabric-shim'
import { describe, expect, it } from 'vitest'
import { compareKeys } from './_keys.js'
import { createRealShimStub } from './_realShimPeer.test-helper.js'
import { createMemoryWorldState, type MemoryChaincodeStub } from './memoryWorldState.js'
import { setChaincodeLogLevel } from './setChaincodeLogLevel.js'

setChaincodeLogLevel('CRITICAL')

const enc = (s: string) => new TextEncoder().encode(s)
const dec = (b: Uint8Array) => new TextDecoder().decode(b)

async function collect(
  it: AsyncIterable<{ key: string; value: Uint8Array }>,
): Promise<{ key: string; value: string }[]> {
  const out: { key: string; value: string }[] = []
  for await (const kv of it) out.push({ key: kv.key, value: dec(kv.value) })
  return out
}

function put(world: ReturnType<typeof createMemoryWorldState>, entries: Record<string, string>): void {
  const stub = world.newStub({ args: ['seed'] })
  for (const [k, v] of Object.entries(entries)) void stub.putState(k, enc(v))
  expect(world.commit(stub)[0]?.code).toBe('VALID')
}

describe('MemoryChaincodeStub: reads and writes as Fabric decides them', () => {
  it('does not show a transaction its own uncommitted writes', async () => {
    const world = createMemoryWorldState()
    const stub = world.newStub({ args: ['f'] })
    await stub.putState('k', enc('v1'))
    expect((await stub.getState('k')).length).toBe(0)
    expect(await collect(stub.getStateByRange('', ''))).toEqual([])
    world.commit(stub)
    const next = world.newStub({ args: ['g'] })
    expect(dec(await next.getState('k'))).toBe('v1')
    await next.putState('k', enc('v2'))
    expect(dec(await next.getState('k'))).toBe('v1')
  })

  it('treats an empty value as a delete and records history newest first', async () => {
    const world = createMemoryWorldState()
    put(world, { k: 'a' })
    put(world, { k: 'b' })
    const del = world.newStub({ args: ['del'] })
    await del.putState('k', new Uint8Array(0))
    world.commit(del)
    expect(world.getCommitted('k')).toBeUndefined()
    const reader = world.newStub({ args: ['h'] })
    const history = []
    for await (const h of reader.getHistoryForKey('k')) history.push(h)
    expect(history.map((h) => [h.isDelete, dec(h.value)])).toEqual([
      [true, ''],
      [false, 'b'],
      [false, 'a'],
    ])
    expect(history[0]?.txId).toBe(del.getTxID())
  })

  it('rejects empty keys and range keys in the composite namespace', async () => {
    const world = createMemoryWorldState()
    const stub = world.newStub({ args: ['f'] })
    await expect(stub.getState('')).rejects.toThrow(/empty/)
    await expect(stub.putState('\ud800', enc('x'))).rejects.toThrow(/UTF-8/)
    await expect(stub.getStateByRange('\u0000a', '')).rejects.toThrow(/null character/)
  })
})

describe('MemoryWorldState.commit: MVCC and phantom validation', () => {
  it('fails the second of two transactions that read and wrote the same key (MVCC_READ_CONFLICT)', async () => {
    const world = createMemoryWorldState()
    put(world, { counter: '1' })
    const a = world.newStub({ args: ['inc'] })
    const b = world.newStub({ args: ['inc'] })
    for (const stub of [a, b]) {
      const n = Number(dec(await stub.getState('counter')))
      await stub.putState('counter', enc(String(n + 1)))
    }
    const [ra] = world.commit(a)
    const [rb] = world.commit(b)
    expect(ra?.code).toBe('VALID')
    expect(rb?.code).toBe('MVCC_READ_CONFLICT')
    expect(dec(world.getCommitted('counter') as Uint8Array)).toBe('2')
  })

  it('validates the transactions of one block in order', async () => {
    const world = createMemoryWorldState()
    const a = world.newStub({ args: ['create'] })
    const b = world.newStub({ args: ['create'] })
    for (const stub of [a, b]) {
      expect((await stub.getState('id')).length).toBe(0) // both read "absent"
      await stub.putState('id', enc(stub.getTxID()))
    }
    const results = world.commit(a, b)
    expect(results.map((r) => r.code)).toEqual(['VALID', 'MVCC_READ_CONFLICT'])
    expect(results.map((r) => r.blockNumber)).toEqual([1, 1])
    expect(world.getVersion('id')).toEqual({ blockNum: 1, txNum: 0 })
  })

  it('detects a key inserted into a range the transaction read (PHANTOM_READ_CONFLICT)', async () => {
    const world = createMemoryWorldState()
    put(world, { 'a/1': 'x', 'a/3': 'y' })
    const reader = world.newStub({ args: ['sum'] })
    expect((await collect(reader.getStateByRange('a/', 'a0'))).length).toBe(2)
    await reader.putState('sum', enc('2'))
    put(world, { 'a/2': 'z' })
    expect(world.commit(reader)[0]?.code).toBe('PHANTOM_READ_CONFLICT')
  })

  it('re-validates a range only up to the last key the chaincode consumed', async () => {
    const world = createMemoryWorldState()
    put(world, { 'a/1': 'x', 'a/5': 'y' })
    const reader = world.newStub({ args: ['first'] })
    const iterator = await reader.getStateByRange('a/', 'a0')
    expect((await iterator.next()).value.key).toBe('a/1')
    await iterator.close()
    await reader.putState('first', enc('a/1'))
    put(world, { 'a/7': 'after' }) // beyond what was read: not a phantom
    expect(world.commit(reader)[0]?.code).toBe('VALID')
  })

  it('marks a reused transaction id DUPLICATE_TXID and keeps only valid events', async () => {
    const world = createMemoryWorldState()
    const a = world.newStub({ args: ['f'], txId: 'tx1' })
    a.setEvent('First', enc('1'))
    a.setEvent('Second', enc('2')) // the last setEvent wins, as in Fabric
    await a.putState('k', enc('v'))
    const [ra] = world.commit(a)
    expect(ra?.event?.eventName).toBe('Second')
    const b = world.newStub({ args: ['f'], txId: 'tx1' })
    b.setEvent('Third', enc('3'))
    const [rb] = world.commit(b)
    expect(rb?.code).toBe('DUPLICATE_TXID')
    expect(rb?.event).toBeUndefined()
    expect(world.findTransaction('tx1')?.blockNumber).toBe(1)
    expect(() => a.setEvent('', enc('x'))).toThrow(/non-empty/)
  })
})

describe('composite keys and pagination', () => {
  const realStub = shim.ChaincodeStub.prototype as unknown as Pick<
    MemoryChaincodeStub,
    'createCompositeKey' | 'splitCompositeKey'
  >

  test.prop([
    fc.string({ minLength: 1 }).filter((s) => !s.includes('\u0000')),
    fc.array(
      fc.string({ minLength: 1 }).filter((s) => !s.includes('\u0000')),
      { maxLength: 4 },
    ),
  ])('creates and splits composite keys exactly as fabric-shim does', (objectType, attributes) => {
    const world = createMemoryWorldState()
    const stub = world.newStub({ args: [] })
    const key = stub.createCompositeKey(objectType, attributes)
    expect(key).toBe(realStub.createCompositeKey.call(stub, objectType, attributes))
    expect(stub.splitCompositeKey(key)).toEqual(realStub.splitCompositeKey.call(stub, key))
    expect(stub.splitCompositeKey(key)).toEqual({ objectType, attributes })
  })

  test.prop([fc.string(), fc.string()])('orders keys by their UTF-8 bytes', (a, b) => {
    const wellFormed = (s: string) => s.isWellFormed()
    fc.pre(wellFormed(a) && wellFormed(b))
    const byBytes = Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
    expect(Math.sign(compareKeys(a, b))).toBe(byBytes)
  })

  it('keeps a partial composite key range closed by U+10FFFF above U+FFFF attributes', async () => {
    const world = createMemoryWorldState()
    const seed = world.newStub({ args: [] })
    for (const attr of ['a', '\uffff', '\u{10000}', 'z']) {
      await seed.putState(seed.createCompositeKey('t', [attr, 'x']), enc(attr))
    }
    await seed.putState(seed.createCompositeKey('u', ['a']), enc('other type'))
    world.commit(seed)
    const reader = world.newStub({ args: [] })
    const rows = await collect(reader.getStateByPartialCompositeKey('t', []))
    expect(rows.map((r) => r.value)).toEqual(['a', 'z', '\uffff', '\u{10000}'])
  })

  it('pages a partial composite key query with bookmarks', async () => {
    const world = createMemoryWorldState()
    const seed = world.newStub({ args: [] })
    for (let i = 0; i < 7; i++) await seed.putState(seed.createCompositeKey('item', ['g', `${i}`]), enc(`${i}`))
    await seed.putState(seed.createCompositeKey('item', ['h', '0']), enc('h'))
    world.commit(seed)
    const seen: string[] = []
    let bookmark = ''
    let pages = 0
    do {
      const stub = world.newStub({ args: [] })
      const { iterator, metadata } = await stub.getStateByPartialCompositeKeyWithPagination('item', ['g'], 3, bookmark)
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) seen.push(dec(r.value.value))
      expect(metadata?.fetchedRecordsCount).toBeLessThanOrEqual(3)
      bookmark = metadata?.bookmark ?? ''
      pages++
    } while (bookmark !== '')
    expect(seen).toEqual(['0', '1', '2', '3', '4', '5', '6'])
    expect(pages).toBe(3)
  })

  it('review fabric: leaves out the pagination metadata on an empty page, exactly as fabric-shim does', async () => {
    const world = createMemoryWorldState()
    const seed = world.newStub({ args: [] })
    for (const i of ['0', '1', '2']) await seed.putState(seed.createCompositeKey('item', ['g', i]), enc(`v${i}`))
    await seed.putState('plain-a', enc('a'))
    world.commit(seed)
    // the fake peer behind the real shim holds the same committed state
    const keys = ['0', '1', '2'].map((i) => seed.createCompositeKey('item', ['g', i])).concat('plain-a')
    const state = new Map(keys.map((key) => [key, world.getCommitted(key) as Uint8Array]))

    type Page = { iterator: { next(): Promise<{ value?: unknown; done: boolean }> }; metadata?: unknown }
    async function drain(page: Page) {
      const rows: unknown[] = []
      for (let r = await page.iterator.next(); ; r = await page.iterator.next()) {
        rows.push(r)
        if (r.done) break
      }
      return { hasMetadata: 'metadata' in page && page.metadata !== undefined, metadata: page.metadata, rows }
    }
    const cases: [string, (stub: MemoryChaincodeStub | ReturnType<typeof createRealShimStub>) => Promise<Page>][] = [
      ['empty composite page', (st) => st.getStateByPartialCompositeKeyWithPagination('item', ['nobody'], 5, '')],
      ['full composite page', (st) => st.getStateByPartialCompositeKeyWithPagination('item', ['g'], 5, '')],
      ['composite page with more', (st) => st.getStateByPartialCompositeKeyWithPagination('item', ['g'], 2, '')],
      ['empty range page', (st) => st.getStateByRangeWithPagination('plain-b', 'plain-c', 5, '')],
      ['range page', (st) => st.getStateByRangeWithPagination('plain-a', 'plain-z', 5, '')],
    ]
    for (const [name, run] of cases) {
      const real = await drain(await run(createRealShimStub(state)))
      const mine = await drain(await run(world.newStub({ args: [] })))
      expect({ name, ...mine }, name).toStrictEqual({ name, ...real })
    }
    // unpaginated queries resolve to the iterator itself, with the same results
    type Iter = { next(): Promise<{ value?: unknown; done: boolean }> }
    const unpaged: [string, (stub: MemoryChaincodeStub | ReturnType<typeof createRealShimStub>) => Promise<Iter>][] = [
      ['range', (st) => st.getStateByRange('plain-a', 'plain-z')],
      ['empty range', (st) => st.getStateByRange('plain-b', 'plain-c')],
      ['composite', (st) => st.getStateByPartialCompositeKey('item', ['g'])],
      ['empty composite', (st) => st.getStateByPartialCompositeKey('item', ['nobody'])],
    ]
    for (const [name, run] of unpaged) {
      const real = await drain({ iterator: await run(createRealShimStub(state)) })
      const mine = await drain({ iterator: await run(world.newStub({ args: [] })) })
      expect({ name, ...mine }, name).toStrictEqual({ name, ...real })
    }
    // the empty page really has no metadata on either side
    const empty = await world.newStub({ args: [] }).getStateByPartialCompositeKeyWithPagination('item', ['x'], 5, '')
    expect(empty.metadata).toBeUndefined()
    // rich queries need CouchDB: refused outright (stricter than a LevelDB peer, which refuses them too)
    expect(() => world.newStub({ args: [] }).getQueryResultWithPagination()).toThrow(/not supported/)
  })

  it('refuses paginated queries in a writing transaction, and writes after them', async () => {
    const world = createMemoryWorldState()
    const writer = world.newStub({ args: [] })
    await writer.putState('k', enc('v'))
    await expect(writer.getStateByRangeWithPagination('', '', 10)).rejects.toThrow(/read-only transaction/)
    const reader = world.newStub({ args: [] })
    await reader.getStateByRangeWithPagination('', '', 10)
    await expect(reader.putState('k', enc('v'))).rejects.toThrow(/Writes are not allowed/)
  })
})

describe('proposal data', () => {
  it('gives args, tx id, a Long timestamp that never goes back, and the creator', () => {
    let t = 1_700_000_000_000
    const world = createMemoryWorldState({ channel: 'ch1', now: () => t })
    const a = world.newStub({ args: ['Fn', 'x', enc('y')] })
    t -= 5000 // a clock that goes back
    const b = world.newStub({ args: ['Fn'] })
    expect(a.getFunctionAndParameters()).toEqual({ fcn: 'Fn', params: ['x', 'y'] })
    expect(a.getChannelID()).toBe('ch1')
    expect(a.getTxID()).toMatch(/^[0-9a-f]{64}$/)
    expect(a.getTxID()).not.toBe(b.getTxID())
    expect(a.getTxTimestamp().seconds.toNumber()).toBe(1_700_000_000)
    const ns = (s: MemoryChaincodeStub) => s.getTxTimestamp().seconds.toNumber() * 1e9 + s.getTxTimestamp().nanos
    expect(ns(b)).toBeGreaterThan(ns(a))
    expect(a.getCreator().mspid).toBe('Org1MSP')
    expect(dec(a.getCreator().idBytes)).toContain('BEGIN CERTIFICATE')
    expect(() => a.getQueryResult()).toThrow(/not supported/)
  })

  it('gives fabric-shim ClientIdentity a creator it can parse', () => {
    const world = createMemoryWorldState()
    const stub = world.newStub({ args: [] })
    const id = new shim.ClientIdentity(stub as never)
    expect(id.getMSPID()).toBe('Org1MSP')
    expect(id.getID()).toContain('CN=medseal-in-process-bridge')
  })
})

describe('MemoryWorldState against a model (property)', () => {
  const simpleKey = fc.oneof(
    fc.constantFrom('a', 'b', 'ab', 'b\uffff', 'b\u{10000}', 'z', '\u00e9'),
    fc.string({ minLength: 1, maxLength: 4 }).filter((s) => s.isWellFormed() && !s.startsWith('\u0000')),
  )
  const op = fc.oneof(
    fc.record({ kind: fc.constant('put' as const), key: simpleKey, value: fc.string({ minLength: 1, maxLength: 3 }) }),
    fc.record({ kind: fc.constant('delete' as const), key: simpleKey }),
    fc.record({
      kind: fc.constant('putComposite' as const),
      type: fc.constantFrom('t', 'u'),
      attrs: fc.array(fc.constantFrom('x', 'y', '\u{10000}', '\uffff'), { minLength: 1, maxLength: 2 }),
      value: fc.string({ minLength: 1, maxLength: 3 }),
    }),
  )

  test.prop([fc.array(fc.array(op, { maxLength: 5 }), { maxLength: 8 })])(
    'committed state, range queries and partial composite queries agree with a sorted map',
    async (transactions) => {
      const world = createMemoryWorldState()
      const model = new Map<string, string>()
      for (const ops of transactions) {
        const stub = world.newStub({ args: ['tx'] })
        const writes = new Map<string, string | undefined>()
        for (const o of ops) {
          if (o.kind === 'put') {
            await stub.putState(o.key, enc(o.value))
            writes.set(o.key, o.value)
          } else if (o.kind === 'delete') {
            await stub.deleteState(o.key)
            writes.set(o.key, undefined)
          } else {
            const key = stub.createCompositeKey(o.type, o.attrs)
            await stub.putState(key, enc(o.value))
            writes.set(key, o.value)
          }
        }
        expect(world.commit(stub)[0]?.code).toBe('VALID')
        for (const [k, v] of writes) v === undefined ? model.delete(k) : model.set(k, v)
      }
      const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b))
      for (const [k, v] of model) expect(dec(world.getCommitted(k) as Uint8Array)).toBe(v)
      const reader = world.newStub({ args: ['read'] })
      const simple = [...model.keys()].filter((k) => !k.startsWith('\u0000')).sort(byBytes)
      expect((await collect(reader.getStateByRange('', ''))).map((r) => r.key)).toEqual(simple)
      const composite = [...model.keys()].filter((k) => k.startsWith('\u0000t\u0000')).sort(byBytes)
      expect((await collect(reader.getStateByPartialCompositeKey('t', []))).map((r) => r.key)).toEqual(composite)
    },
  )

  test.prop([fc.integer({ min: 2, max: 6 })])(
    'of n transactions that read and write one key in a block, one is valid',
    async (n) => {
      const world = createMemoryWorldState()
      const stubs = []
      for (let i = 0; i < n; i++) {
        const stub = world.newStub({ args: ['inc'] })
        await stub.getState('k')
        await stub.putState('k', enc(String(i)))
        stubs.push(stub)
      }
      const codes = world.commit(...stubs).map((r) => r.code)
      expect(codes.filter((c) => c === 'VALID')).toHaveLength(1)
      expect(codes[0]).toBe('VALID')
    },
  )
})
