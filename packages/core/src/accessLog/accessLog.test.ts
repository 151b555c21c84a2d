// Resolved to the adapter's sources by the vitest alias and the root tsconfig paths (core cannot depend on the
// adapter, which depends on core).
import { createMemoryLedger as createMemoryLedgerUntyped } from '@medseal/adapter-memory'
import { encodePacked, keccak256 } from 'viem'
import { describe, expect, it, vi } from 'vitest'
import spec from '../../../../docs/spec/access-log.md?raw'
import { bytesToHex0x, hexToBytes, utf8ToBytes } from '../bytes/index.js'
import type { SignedTreeHead } from '../consent/types.js'
import { createSaltedDomain, signTreeHead } from '../eip712/structures.js'
import { InvalidArgumentError, LedgerError, StoreError, VerificationError } from '../errors/base.js'
import { createParty } from '../identity/createParty.js'
import type { LedgerAdapter } from '../ledger/types.js'
import { leafHash } from '../merkle/hash.js'
import { createMerkleTree } from '../merkle/merkleLog.js'
import type { Hex } from '../types.js'
import { type AccessLog, createAccessLog } from './createAccessLog.js'
import { type AccessEvent, decodeAccessEvent, encodeAccessEvent, normalizeAccessEvent } from './event.js'
import { computeLogId, computeLogNameHash } from './logId.js'
import { type AccessLogStore, accessLogBorderKeys, createMemoryAccessLogStore, planAccessLogAppend } from './store.js'
import { verifyEventInclusion, verifyHeadConsistency, verifyLogAgainstLedger } from './verify.js'

const T0 = 1_700_000_000
const createMemoryLedger = createMemoryLedgerUntyped as (params: { id?: string; now?: () => number }) => LedgerAdapter
const newLedger = (id = 'access-log') => createMemoryLedger({ id, now: () => T0 })
const operator = createParty({ seed: new Uint8Array(32).fill(1) })
const clinician = createParty({ seed: new Uint8Array(32).fill(2) })

const event = (i: number, extra: Partial<AccessEvent> = {}): AccessEvent => ({
  actor: clinician.address,
  action: 'read',
  commitment: bytesToHex0x(leafHash(Uint8Array.of(i))),
  at: T0 + i,
  purpose: 'TREAT',
  outcome: 'permit',
  ...extra,
})

async function expectCode(p: Promise<unknown> | (() => unknown), cls: new (...a: never[]) => Error, code: string) {
  let err: unknown
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (e) {
    err = e
  }
  expect(err).toBeInstanceOf(cls)
  expect((err as { code: string }).code).toBe(code)
}

async function filled(ledger: LedgerAdapter, events: AccessEvent[], name = 'hospital/access'): Promise<AccessLog> {
  const log = await createAccessLog({ operator, ledger, name })
  for (const e of events) await log.append(e)
  return log
}

describe('access events', () => {
  it('have one canonical form (JCS, lower-case hex, absent fields dropped)', () => {
    const e = event(1, {
      consentId: bytesToHex0x(new Uint8Array(32).fill(0xab)).toUpperCase().replace('0X', '0x') as Hex,
    })
    const bytes = encodeAccessEvent(e)
    const text = new TextDecoder().decode(bytes)
    expect(text.startsWith('{"action":"read","actor":"0x')).toBe(true)
    expect(text).toContain(`"consentId":"0x${'ab'.repeat(32)}"`)
    expect(text).toContain(`"actor":"${clinician.address.toLowerCase()}"`)
    expect(encodeAccessEvent({ ...e, reason: undefined } as unknown as AccessEvent)).toEqual(bytes)
    expect(decodeAccessEvent(bytes)).toEqual(normalizeAccessEvent(e))
  })

  it('rejects malformed events and non-canonical bytes', async () => {
    const bads: [unknown, string][] = [
      [null, 'INVALID_TYPE'],
      [{ ...event(0), patientName: 'x' }, 'INVALID_ARGUMENT'],
      [{ ...event(0), actor: '0x1234' }, 'INVALID_ARGUMENT'],
      [{ ...event(0), commitment: '0x12' }, 'INVALID_ARGUMENT'],
      [{ ...event(0), at: -1 }, 'OUT_OF_RANGE'],
      [{ ...event(0), at: '1' }, 'INVALID_TYPE'],
      [{ ...event(0), outcome: 'maybe' }, 'INVALID_ARGUMENT'],
      [{ ...event(0), purpose: '' }, 'INVALID_ARGUMENT'],
      [{ ...event(0), action: 5 }, 'INVALID_TYPE'],
      [{ ...event(0), reason: 'x'.repeat(1025) }, 'INVALID_ARGUMENT'],
    ]
    for (const [value, code] of bads)
      await expectCode(() => encodeAccessEvent(value as AccessEvent), InvalidArgumentError, code)
    await expectCode(
      () => decodeAccessEvent(utf8ToBytes(JSON.stringify(event(0)))),
      InvalidArgumentError,
      'INVALID_ENCODING',
    )
    await expectCode(() => decodeAccessEvent(utf8ToBytes('{')), InvalidArgumentError, 'INVALID_ENCODING')
  })

  it('computeLogId is keccak256(abi.encodePacked(operator, keccak256(name)))', () => {
    const name = 'hospital/access'
    const want = keccak256(encodePacked(['address', 'bytes32'], [operator.address, keccak256(utf8ToBytes(name))]))
    expect(computeLogId(operator.address, name)).toBe(want)
    expect(computeLogId(operator.address.toLowerCase() as Hex, name)).toBe(want)
    expect(() => computeLogId(operator.address, '')).toThrow(InvalidArgumentError)
    expect(() => computeLogId('0x12' as Hex, name)).toThrow(InvalidArgumentError)
  })
})

describe('createAccessLog', () => {
  it('appends, reads back, signs and publishes heads, and proves inclusion of every event', async () => {
    const ledger = newLedger()
    const log = await createAccessLog({ operator, ledger, name: 'hospital/access' })
    expect(log.logId).toBe(computeLogId(operator.address, 'hospital/access'))
    const events = Array.from({ length: 7 }, (_, i) => event(i))
    for (const [i, e] of events.entries()) {
      const out = await log.append(e)
      expect(out.index).toBe(i)
      expect(out.leafHash).toEqual(leafHash(encodeAccessEvent(e)))
    }
    expect(log.size).toBe(7)
    expect(await log.getEvent(3)).toEqual(normalizeAccessEvent(events[3] as AccessEvent))
    const head = await log.signedHead()
    expect(head.head.treeSize).toBe(7)
    expect(head.head.timestamp).toBe(T0)
    expect(await log.signedHead()).toBe(head) // same size, same head
    for (const [i, e] of events.entries()) {
      const proof = (await log.proveInclusion(i)).map(bytesToHex0x)
      verifyEventInclusion({ event: e, index: i, head, proof, operator: operator.address, domain: ledger.domain })
    }
    const record = await log.publishHead()
    expect(record.head).toEqual(head.head)
    expect(await ledger.getTreeHead(log.logId)).toEqual(record)
    const checked = await verifyLogAgainstLedger(ledger, { head, operator: operator.address })
    expect(checked.exact).toBe(true)
    expect(checked.anchored.ref).toEqual(record.ref)
    expect(await log.publishHead()).toEqual(record) // idempotent
    await expectCode(log.getEvent(7), InvalidArgumentError, 'OUT_OF_RANGE')
    await log.close()
    await expectCode(log.append(event(9)), InvalidArgumentError, 'INVALID_ARGUMENT')
  })

  it('review #2: heads carry the name hash; a head for a log id that is not its signer’s is refused everywhere', async () => {
    const ledger = newLedger()
    const log = await filled(ledger, [event(0), event(1)])
    const head = await log.signedHead()
    expect(head.head.nameHash).toBe(computeLogNameHash('hospital/access'))
    expect(head.head.logId).toBe(computeLogId(operator.address, 'hospital/access'))
    // a stranger signs a head of its own for the operator's log id, before the operator publishes anything
    const intruder = createParty({ seed: new Uint8Array(32).fill(9) })
    const squat = signTreeHead(intruder, ledger.domain, { ...head.head, operator: intruder.address })
    await expectCode(ledger.recordTreeHead(squat), LedgerError, 'LEDGER_REJECTED')
    const proof = await log.proveInclusion(0)
    const domain = ledger.domain
    await expectCode(
      () => verifyEventInclusion({ event: event(0), index: 0, head: squat, proof, operator: intruder.address, domain }),
      VerificationError,
      'TREE_HEAD_INVALID',
    )
    await expectCode(verifyLogAgainstLedger(ledger, { head: squat }), VerificationError, 'TREE_HEAD_INVALID')
    // the operator's own log still publishes
    const record = await log.publishHead()
    expect((await verifyLogAgainstLedger(ledger, { head })).anchored.ref).toEqual(record.ref)
  })

  it('proves consistency between heads as it grows', async () => {
    const ledger = newLedger()
    const log = await filled(ledger, [event(0), event(1), event(2)])
    const h3 = await log.signedHead()
    for (let i = 3; i < 10; i++) await log.append(event(i))
    const h10 = await log.signedHead()
    const domain = ledger.domain
    expect(verifyHeadConsistency({ oldHead: h3, newHead: h10, proof: await log.proveConsistency(3, 10), domain })).toBe(
      true,
    )
    expect(verifyHeadConsistency({ oldHead: h10, newHead: h10, proof: [], domain })).toBe(true)
    const wrongProof = await log.proveConsistency(4, 10)
    await expectCode(
      () => verifyHeadConsistency({ oldHead: h3, newHead: h10, proof: wrongProof, domain }),
      VerificationError,
      'LOG_INCONSISTENT',
    )
    await expectCode(
      () => verifyHeadConsistency({ oldHead: h10, newHead: h3, proof: [], domain }),
      InvalidArgumentError,
      'OUT_OF_RANGE',
    )
    // An empty log's head is extended by every head.
    const empty = await (await createAccessLog({ operator, ledger, name: 'hospital/access' })).signedHead()
    expect(verifyHeadConsistency({ oldHead: empty, newHead: h3, proof: [], domain })).toBe(true)
  })

  it('a rewritten log (event removed, changed or reordered) is detected', async () => {
    const ledger = newLedger()
    const events = Array.from({ length: 6 }, (_, i) => event(i))
    const honest = await filled(ledger, events.slice(0, 4))
    const anchored = await honest.publishHead() // the patient (and the ledger) saw this head
    const oldHead: SignedTreeHead = { head: anchored.head, signature: anchored.signature }
    for (const e of events.slice(4)) await honest.append(e)
    const domain = ledger.domain
    verifyHeadConsistency({
      oldHead,
      newHead: await honest.signedHead(),
      proof: await honest.proveConsistency(4, 6),
      domain,
    })

    const rewrites: Record<string, AccessEvent[]> = {
      removed: [events[0], events[2], events[3], events[4], events[5]] as AccessEvent[],
      changed: [
        events[0],
        { ...events[1], outcome: 'deny' },
        events[2],
        events[3],
        events[4],
        events[5],
      ] as AccessEvent[],
      reordered: [events[0], events[2], events[1], events[3], events[4], events[5]] as AccessEvent[],
    }
    for (const [what, rewritten] of Object.entries(rewrites)) {
      // the same operator and name: the same log id (kept on a ledger of its own: this one refuses to open it)
      const forged = await filled(newLedger(), rewritten)
      const newHead = await forged.signedHead()
      const consistency = await forged.proveConsistency(4, forged.size)
      const inclusion = await forged.proveInclusion(1)
      // Consistency with the head the patient holds fails.
      await expectCode(
        () => verifyHeadConsistency({ oldHead, newHead, proof: consistency, domain }),
        VerificationError,
        'LOG_INCONSISTENT',
      )
      // The event the patient was shown at index 1 is not there any more.
      await expectCode(
        () =>
          verifyEventInclusion({
            event: events[1] as AccessEvent,
            index: 1,
            head: newHead,
            proof: inclusion,
            operator: operator.address,
            domain,
          }),
        VerificationError,
        'PROOF_INVALID',
      )
      // A head of the anchored size from the rewritten log is a fork of what the ledger holds.
      const forkHead = await (await filled(newLedger(), rewritten.slice(0, 4))).signedHead()
      await expectCode(verifyLogAgainstLedger(ledger, { head: forkHead }), VerificationError, 'LOG_INCONSISTENT')
      // And a store holding the rewritten log does not open against the honest head.
      await expectCode(filled(ledger, rewritten.slice(0, 4)), StoreError, 'STORE_CORRUPT')
      expect(what).toBeTypeOf('string')
    }
  })

  it('rejects forged or foreign heads with TREE_HEAD_INVALID', async () => {
    const ledger = newLedger()
    const log = await filled(ledger, [event(0), event(1)])
    const head = await log.signedHead()
    const proof = await log.proveInclusion(0)
    const base = { event: event(0), index: 0, proof, operator: operator.address, domain: ledger.domain }
    const tampered = { ...head, head: { ...head.head, treeSize: 3 } }
    await expectCode(() => verifyEventInclusion({ ...base, head: tampered }), VerificationError, 'TREE_HEAD_INVALID')
    await expectCode(
      () => verifyEventInclusion({ ...base, head, operator: clinician.address }),
      VerificationError,
      'TREE_HEAD_INVALID',
    )
    await expectCode(
      () => verifyEventInclusion({ ...base, head, domain: createSaltedDomain('memory:other') }),
      VerificationError,
      'TREE_HEAD_INVALID',
    )
    await expectCode(
      () => verifyEventInclusion({ ...base, head, name: 'other' }),
      VerificationError,
      'TREE_HEAD_INVALID',
    )
    expect(verifyEventInclusion({ ...base, head, name: 'hospital/access' }).treeSize).toBe(2)
    await expectCode(() => verifyEventInclusion({ ...base, head, index: 1 }), VerificationError, 'PROOF_INVALID')
    await expectCode(
      () => verifyEventInclusion({ ...base, head, event: event(0, { purpose: 'HRESCH' }) }),
      VerificationError,
      'PROOF_INVALID',
    )
    const other = await createAccessLog({ operator, ledger, name: 'other-log' })
    await other.append(event(0))
    await expectCode(
      () =>
        verifyHeadConsistency({
          oldHead: head,
          newHead: head,
          proof: [],
          domain: ledger.domain,
          operator: clinician.address,
        }),
      VerificationError,
      'TREE_HEAD_INVALID',
    )
    await expectCode(
      async () =>
        verifyHeadConsistency({ oldHead: await other.signedHead(), newHead: head, proof: [], domain: ledger.domain }),
      VerificationError,
      'TREE_HEAD_INVALID',
    )
  })

  it('checks a head against the ledger: exact, consistent with the latest anchor, or not anchored', async () => {
    const ledger = newLedger()
    const log = await filled(ledger, [event(0), event(1), event(2), event(3), event(4)])
    await log.publishHead()
    for (let i = 5; i < 8; i++) await log.append(event(i))
    const h8 = await log.signedHead()
    await expectCode(verifyLogAgainstLedger(ledger, { head: h8 }), VerificationError, 'ANCHOR_NOT_FOUND')
    const out = await verifyLogAgainstLedger(ledger, { head: h8, proof: await log.proveConsistency(5, 8) })
    expect(out.exact).toBe(false)
    expect(out.anchored.head.treeSize).toBe(5)
    await expectCode(
      verifyLogAgainstLedger(ledger, { head: h8, proof: await log.proveConsistency(4, 8) }),
      VerificationError,
      'LOG_INCONSISTENT',
    )
    const unknown = await (await filled(ledger, [event(0)], 'never-anchored')).signedHead()
    await expectCode(
      verifyLogAgainstLedger(ledger, { head: unknown, proof: [] }),
      VerificationError,
      'ANCHOR_NOT_FOUND',
    )
  })

  it('tries a failed automatic publish again, with no append after the failure', async () => {
    const ledger = newLedger()
    for (const headEvery of [{ events: 1 }, { ms: 5 }]) {
      let down = 2
      const flaky: LedgerAdapter = Object.freeze({
        ...ledger,
        async recordTreeHead(signed: SignedTreeHead) {
          if (down > 0) {
            down -= 1
            throw new LedgerError('LEDGER_UNAVAILABLE', 'The ledger is down.')
          }
          return ledger.recordTreeHead(signed)
        },
      })
      const errors: unknown[] = []
      const log = await createAccessLog({
        operator,
        ledger: flaky,
        name: `retry-${Object.keys(headEvery)[0]}`,
        headEvery,
        onError: (e) => errors.push(e),
      })
      await log.append(event(0))
      await log.append(event(1))
      // two publishes fail; the third (a timer's, 1 s then 2 s later without `ms`) anchors both events
      await vi.waitFor(async () => expect((await ledger.getTreeHead(log.logId))?.head.treeSize).toBe(2), {
        timeout: 45_000, // retried in the background: wait for it, within the test's time
        interval: 20,
      })
      expect(errors.length).toBeGreaterThanOrEqual(2)
      expect(errors.every((e) => e instanceof LedgerError && e.code === 'LEDGER_UNAVAILABLE')).toBe(true)
      await log.close()
    }
  }, 60_000)

  it('publishes heads from time to time (headEvery) and at once on request (break-glass)', async () => {
    const ledger = newLedger()
    const errors: unknown[] = []
    const log = await createAccessLog({
      operator,
      ledger,
      name: 'auto',
      headEvery: { events: 3 },
      onError: (e) => errors.push(e),
    })
    for (let i = 0; i < 3; i++) await log.append(event(i))
    await vi.waitFor(async () => expect((await ledger.getTreeHead(log.logId))?.head.treeSize).toBe(3), {
      timeout: 45_000, // the head is published in the background: wait for it, within the test's time
      interval: 5,
    })
    const urgent = await log.append(event(3, { purpose: 'ETREAT', reason: 'unconscious patient' }), { publish: true })
    expect(urgent.head?.head.treeSize).toBe(4)
    expect((await ledger.getTreeHead(log.logId))?.ref).toEqual(urgent.head?.ref)
    await log.append(event(4))
    expect((await log.flush())?.head.treeSize).toBe(5)
    expect(await log.flush()).toBeUndefined()
    await log.close()

    const timed = await createAccessLog({ operator, ledger, name: 'timed', headEvery: { ms: 5 } })
    await timed.append(event(0))
    await vi.waitFor(async () => expect((await ledger.getTreeHead(timed.logId))?.head.treeSize).toBe(1), {
      timeout: 45_000, // the head is published in the background: wait for it, within the test's time
      interval: 5,
    })
    await timed.close()
    expect(errors).toEqual([])
    await expectCode(
      createAccessLog({ operator, ledger, name: 'x', headEvery: { events: 0 } }),
      InvalidArgumentError,
      'INVALID_ARGUMENT',
    )
    await expectCode(
      (await createAccessLog({ operator, ledger, name: 'empty' })).publishHead(),
      InvalidArgumentError,
      'OUT_OF_RANGE',
    )
  })

  it('a slow or failing ledger never blocks or undoes appends', async () => {
    const real = newLedger()
    let release: () => void = () => undefined
    let gate = new Promise<void>((r) => {
      release = r
    })
    let failNext = false
    // The real ledger, with its head writes held at a gate or failing once (as a congested or unreachable ledger).
    const ledger: LedgerAdapter = Object.freeze({
      ...real,
      recordTreeHead: async (signed: SignedTreeHead) => {
        if (failNext) {
          failNext = false
          throw new LedgerError('LEDGER_UNAVAILABLE', 'unreachable')
        }
        await gate
        return real.recordTreeHead(signed)
      },
    })
    const log = await createAccessLog({ operator, ledger, name: 'slow' })
    await log.append(event(0))
    const publishing = log.publishHead()
    const [h1, h2] = await Promise.all([log.signedHead(), log.signedHead()])
    expect(h1).toBe(h2)
    expect((await log.append(event(1))).index).toBe(1) // not held behind the ledger write
    release()
    expect((await publishing).head.treeSize).toBe(1)

    gate = Promise.resolve()
    failNext = true
    await expectCode(log.append(event(2), { publish: true }), LedgerError, 'LEDGER_UNAVAILABLE')
    expect(log.size).toBe(3) // the event is logged; only its head is not anchored yet
    expect((await log.publishHead()).head.treeSize).toBe(3)
  })

  it('an append whose store write fails throws LOG_APPEND_FAILED and leaves the log unchanged', async () => {
    const ledger = newLedger()
    const inner = createMemoryAccessLogStore()
    let fail = false
    const store: AccessLogStore = {
      size: inner.size,
      get: inner.get,
      getNodes: inner.getNodes,
      append: async (leaves) => {
        if (fail) throw new Error('database unavailable')
        return inner.append(leaves)
      },
    }
    const log = await createAccessLog({ operator, ledger, name: 'custodian', store })
    await log.append(event(0))
    const root = await log.root()
    fail = true
    await expectCode(log.append(event(1)), LedgerError, 'LOG_APPEND_FAILED')
    expect(log.size).toBe(1)
    expect(await log.root()).toEqual(root)
    expect(await inner.size()).toBe(1)
    fail = false
    expect((await log.append(event(1))).index).toBe(1)
    await expectCode(log.append({ ...event(2), actor: 'nobody' } as never), InvalidArgumentError, 'INVALID_ARGUMENT')
    expect(log.size).toBe(2)
  })

  it('reopens from its store, and refuses an altered store', async () => {
    const ledger = newLedger()
    const store = createMemoryAccessLogStore()
    const log = await createAccessLog({ operator, ledger, name: 'persisted', store })
    for (let i = 0; i < 5; i++) await log.append(event(i))
    const again = await createAccessLog({ operator, ledger, name: 'persisted', store })
    expect(again.size).toBe(5)
    expect(await again.root()).toEqual(await log.root())
    expect(await again.getEvent(4)).toEqual(normalizeAccessEvent(event(4)))

    // an entry rewritten with a matching leaf hash: its stored ancestors give it away
    const altered: AccessLogStore = {
      ...store,
      get: async (i) => {
        const e = await store.get(i)
        if (!e || i !== 2) return e
        const leafData = encodeAccessEvent(event(2, { outcome: 'deny' }))
        return { ...e, leafData, leafHash: leafHash(leafData) }
      },
    }
    const opened = await createAccessLog({ operator, ledger, name: 'persisted', store: altered })
    await expectCode(opened.getEvent(2), StoreError, 'STORE_CORRUPT')
    expect((await opened.getEvent(1)).at).toBe(event(1).at)
  })

  it('many concurrent appends get distinct, ordered indexes', async () => {
    const ledger = newLedger()
    const log = await createAccessLog({ operator, ledger, name: 'busy' })
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => log.append(event(i))))
    expect(results.map((r) => r.index)).toEqual(Array.from({ length: 50 }, (_, i) => i))
    const head = await log.signedHead()
    verifyEventInclusion({
      event: event(37),
      index: 37,
      head,
      proof: await log.proveInclusion(37),
      operator: operator.address,
      domain: ledger.domain,
    })
  })
})

describe('docs/spec/access-log.md examples', () => {
  it('match the canonical event, its leaf hash and the log id', () => {
    expect(operator.address).toBe('0xFb338b3965EA92cF3561af0F4767A71dbB9c0552')
    expect(computeLogId(operator.address, 'hospital-a/access')).toBe(
      '0x00eadc4c76f05baa33284b6dc7a419e79758e89d8e52b46b30cbe593b60e25ad',
    )
    expect(computeLogNameHash('hospital-a/access')).toBe(
      '0xbbc252397c56c4446d5cf45c7d43296055cfe724299bdf1fe3f68370d89dbfe0',
    )
    expect(spec).toContain('0xbbc252397c56c4446d5cf45c7d43296055cfe724299bdf1fe3f68370d89dbfe0')
    expect(spec).toContain('0x00eadc4c76f05baa33284b6dc7a419e79758e89d8e52b46b30cbe593b60e25ad')
    expect(spec).toContain(
      'TreeHead(bytes32 logId,address operator,bytes32 nameHash,uint64 treeSize,bytes32 root,uint64 timestamp)',
    )
    const bytes = encodeAccessEvent({
      actor: clinician.address,
      action: 'read',
      commitment: `0x${'33'.repeat(32)}`,
      at: 1700000000,
      purpose: 'TREAT',
      consentId: `0x${'ab'.repeat(32)}`,
      outcome: 'permit',
    })
    expect(new TextDecoder().decode(bytes)).toBe(
      '{"action":"read","actor":"0xf88fe503382fd1dce0471a1dceac9c529ac53d00","at":1700000000,"commitment":"0x3333333333333333333333333333333333333333333333333333333333333333","consentId":"0xabababababababababababababababababababababababababababababababab","outcome":"permit","purpose":"TREAT"}',
    )
    expect(bytesToHex0x(leafHash(bytes))).toBe('0x8c908459d677912795c5a42fc9c27c4a79705ba4ccd6e753f2d8f001a490fa1f')
  })
})

describe('access log over stored tree nodes', () => {
  it('planAccessLogAppend builds the RFC 9162 tree whatever the batch split (property)', async () => {
    const fc = await import('fast-check')
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 12 }), async (splits) => {
        const store = createMemoryAccessLogStore()
        const data: Uint8Array[] = []
        for (const n of splits) {
          const batch = Array.from({ length: n }, () => {
            const leafData = Uint8Array.of(data.length & 0xff, data.length >> 8)
            data.push(leafData)
            return { leafData, leafHash: leafHash(leafData) }
          })
          await store.append(batch)
        }
        const log = await createAccessLog({ operator, ledger: newLedger(), name: 'split', store })
        const tree = createMerkleTree(data.map((d) => leafHash(d)))
        for (let size = 1; size <= data.length; size++) expect(await log.root(size)).toEqual(tree.root(size))
        const last = data.length - 1
        expect(await log.proveInclusion(last)).toEqual(tree.inclusionProof(last))
        expect(await log.proveConsistency(1)).toEqual(tree.consistencyProof(1))
      }),
      { numRuns: 40 },
    )
  })

  it('planAccessLogAppend and accessLogBorderKeys refuse what does not fit', () => {
    expect(accessLogBorderKeys(6)).toEqual([
      { level: 2, index: 0 },
      { level: 1, index: 2 },
    ])
    expect(() => accessLogBorderKeys(-1)).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }))
    expect(() => planAccessLogAppend({ size: 1, border: [], leafHashes: [new Uint8Array(32)] })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
    expect(() => planAccessLogAppend({ size: 0, border: [], leafHashes: [] })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
  })

  it('two log instances over one store (two processes) append to one tree and publish consistent heads', async () => {
    const ledger = newLedger()
    const store = createMemoryAccessLogStore()
    const a = await createAccessLog({ operator, ledger, name: 'shared', store })
    const b = await createAccessLog({ operator, ledger, name: 'shared', store })
    const out = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).append(event(i))))
    expect(out.map((o) => o.index).sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i))
    const h1 = await a.publishHead()
    await b.append(event(30))
    const h2 = await b.publishHead()
    expect(h1.head.treeSize).toBe(30)
    expect(h2.head.treeSize).toBe(31)
    // b publishes the size a already anchored: the same root, the same record
    expect(await b.root(30)).toEqual(hexToBytes(h1.head.root))
    const domain = ledger.domain
    const proof = await a.proveConsistency(30, 31)
    const signed = (h: typeof h1) => ({ head: h.head, signature: h.signature })
    expect(verifyHeadConsistency({ oldHead: signed(h1), newHead: signed(h2), proof, domain })).toBe(true)
    for (const o of out) expect(leafHash(encodeAccessEvent(await b.getEvent(o.index)))).toEqual(o.leafHash)
  })

  it('two instances publishing the same size at once (different clocks) end with one head, the same for both', async () => {
    const ledger = newLedger()
    const store = createMemoryAccessLogStore()
    const a = await createAccessLog({ operator, ledger, name: 'race', store, clock: () => T0 })
    const b = await createAccessLog({ operator, ledger, name: 'race', store, clock: () => T0 + 1 })
    await a.appendBatch([event(0), event(1), event(2)])
    const [ha, hb] = await Promise.all([a.publishHead(), b.publishHead()])
    expect(ha.head.treeSize).toBe(3)
    expect(hb).toEqual(ha)
    expect(await ledger.getTreeHead(a.logId, 3)).toEqual(ha)
  })

  it('a store behind the ledger’s latest head is STORE_CORRUPT (a lost or rolled-back store)', async () => {
    const ledger = newLedger()
    const log = await filled(ledger, [event(0), event(1)])
    await log.publishHead()
    await expectCode(createAccessLog({ operator, ledger, name: 'hospital/access' }), StoreError, 'STORE_CORRUPT')
  })

  it('appendBatch writes all events in one transaction, or none', async () => {
    const ledger = newLedger()
    const log = await createAccessLog({ operator, ledger, name: 'batch' })
    expect(await log.appendBatch([event(0), event(1), event(2)])).toEqual([0, 1, 2])
    await expectCode(
      log.appendBatch([event(3), { ...event(4), actor: 'nobody' } as never]),
      InvalidArgumentError,
      'INVALID_ARGUMENT',
    )
    expect(await log.store.size()).toBe(3)
    await expectCode(log.appendBatch([]), InvalidArgumentError, 'INVALID_ARGUMENT')
  })
})
