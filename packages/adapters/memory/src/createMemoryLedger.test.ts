import { fc, test as fcTest } from '@fast-check/vitest'
import {
  bytesToBase64url,
  bytesToHex0x,
  type Consent,
  computeLogId,
  computeLogNameHash,
  consentKey,
  createParty,
  createSaltedDomain,
  type Hex,
  type LedgerAdapter,
  signConsent,
  signRevocation,
  signTombstone,
  signTreeHead,
  utf8ToBytes,
} from '@medseal/core'
import { describeLedgerConformance, readConsent } from '@medseal/core/testing'
import { describe, expect, it } from 'vitest'
import { expectCode, expectThrowCode, rootOf, T0, testClock } from './_testHelpers.js'
import { createMemoryLedger, type MemoryLedgerStore } from './index.js'

describeLedgerConformance('memory ledger', {
  create: async () => {
    const clock = testClock()
    const ledger = createMemoryLedger({ id: 'conformance', now: clock.now })
    return {
      ledger,
      advanceTime: clock.advanceTime,
      rewindTime: clock.rewindTime,
    }
  },
})

describeLedgerConformance('memory ledger with a store', {
  create: async () => {
    const clock = testClock()
    let text: string | undefined
    const store: MemoryLedgerStore = {
      read: () => text,
      write: (s) => {
        text = s
      },
    }
    const ledger = createMemoryLedger({ id: 'conformance-store', now: clock.now, store })
    return {
      ledger,
      advanceTime: clock.advanceTime,
      rewindTime: clock.rewindTime,
      // every state the suite leaves behind must load again
      cleanup: async () => {
        createMemoryLedger({ id: 'conformance-store', now: clock.now, store })
      },
    }
  },
})

const seed = (n: number) => Uint8Array.from({ length: 32 }, (_, i) => (n * 17 + i * 3 + 5) & 0xff)
const patient = createParty({ seed: seed(1) })
const clinician = createParty({ seed: seed(2) })
const operator = createParty({ seed: seed(3) })
const id32 = (n: number): Hex => bytesToHex0x(rootOf(n))

function consentOf(n: number, over: Partial<Consent> = {}): Consent {
  return readConsent({ id: id32(n), grantor: patient.address, grantee: clinician.address, notBefore: T0, ...over })
}

/** A store in a variable, as a browser app might keep one in localStorage. */
function memoryStore() {
  const box: { text: string | undefined; writes: number } = { text: undefined, writes: 0 }
  const store: MemoryLedgerStore = {
    read: () => box.text,
    write: (s) => {
      box.text = s
      box.writes++
    },
  }
  return { box, store }
}

describe('createMemoryLedger', () => {
  it('names its ledger memory:<id>, signs under the salted domain of that id, and is frozen', () => {
    const ledger = createMemoryLedger({ id: 'demo' })
    expect(ledger.name).toBe('memory')
    expect(ledger.ledgerId).toBe('memory:demo')
    expect(ledger.domain).toEqual(createSaltedDomain('memory:demo'))
    expect(createMemoryLedger().ledgerId).toBe('memory:default')
    expect(Object.isFrozen(ledger)).toBe(true)
  })

  it('numbers writes memory:1, memory:2, … with the injected clock; repeats consume no number', async () => {
    let t = T0
    const ledger = createMemoryLedger({ id: 'seq', now: () => t })
    const a = await ledger.anchorRoot({ root: rootOf(1), treeSize: 1, kind: 'records' })
    expect(a.ref).toEqual({ ledger: 'memory:seq', tx: 'memory:1', block: 1, timestamp: T0 })
    t += 10
    const again = await ledger.anchorRoot({ root: rootOf(1), treeSize: 1, kind: 'records' })
    expect(again.ref).toEqual(a.ref)
    const b = await ledger.registerConsent(signConsent(patient, ledger.domain, consentOf(1)))
    expect(b.ref).toEqual({ ledger: 'memory:seq', tx: 'memory:2', block: 2, timestamp: T0 + 10 })
    expect(await ledger.getTime()).toBe(T0 + 10)
  })

  it('never lets time go backwards, even when the injected clock does', async () => {
    let t = T0
    const ledger = createMemoryLedger({ now: () => t })
    const a = await ledger.anchorRoot({ root: rootOf(1), treeSize: 1, kind: 'records' })
    t = T0 - 100
    const b = await ledger.anchorRoot({ root: rootOf(2), treeSize: 1, kind: 'records' })
    expect(b.ref.timestamp).toBe(a.ref.timestamp)
    expect(await ledger.getTime()).toBe(T0)
    t = T0 + 0.9
    expect(await ledger.getTime()).toBe(T0)
  })

  it('review #7: getTime() never goes backwards between writes either (a clock stepping back is clamped)', async () => {
    let t = T0 + 500
    const ledger = createMemoryLedger({ now: () => t })
    expect(await ledger.getTime()).toBe(T0 + 500)
    t = T0
    expect(await ledger.getTime()).toBe(T0 + 500)
    const a = await ledger.anchorRoot({ root: rootOf(1), treeSize: 1, kind: 'records' })
    expect(a.ref.timestamp).toBe(T0 + 500)
    t = T0 + 501
    expect(await ledger.getTime()).toBe(T0 + 501)
  })

  it('rejects bad options', () => {
    for (const id of ['', 'a b', 'x'.repeat(129), 'ümlaut', 42])
      expectThrowCode(() => createMemoryLedger({ id: id as string }), 'InvalidArgumentError', 'INVALID_ARGUMENT')
    expectThrowCode(
      () => createMemoryLedger({ now: 5 as unknown as () => number }),
      'InvalidArgumentError',
      'INVALID_TYPE',
    )
    expectThrowCode(
      () => createMemoryLedger({ store: { read: () => undefined } as unknown as MemoryLedgerStore }),
      'InvalidArgumentError',
      'INVALID_TYPE',
    )
    expectThrowCode(
      () => createMemoryLedger(null as unknown as Parameters<typeof createMemoryLedger>[0]),
      'InvalidArgumentError',
      'INVALID_TYPE',
    )
  })

  it('a broken clock is LEDGER_UNAVAILABLE, and nothing is written', async () => {
    let value: unknown = Number.NaN
    const ledger = createMemoryLedger({
      now: () => {
        if (value === 'throw') throw new Error('clock down')
        return value as number
      },
    })
    await expectCode(ledger.getTime(), 'LedgerError', 'LEDGER_UNAVAILABLE')
    await expectCode(
      ledger.anchorRoot({ root: rootOf(1), treeSize: 1, kind: 'records' }),
      'LedgerError',
      'LEDGER_UNAVAILABLE',
    )
    value = 'throw'
    const e = await expectCode(ledger.getTime(), 'LedgerError', 'LEDGER_UNAVAILABLE')
    expect((e.cause as Error).message).toBe('clock down')
    value = -5
    await expectCode(ledger.getTime(), 'LedgerError', 'LEDGER_UNAVAILABLE')
    value = T0
    expect(await ledger.getAnchor({ root: rootOf(1), treeSize: 1, kind: 'records' })).toBeUndefined()
    expect((await ledger.anchorRoot({ root: rootOf(1), treeSize: 1, kind: 'records' })).ref.block).toBe(1)
  })

  it('keeps ledgers apart: a consent for one memory ledger does not register on another', async () => {
    const a = createMemoryLedger({ id: 'a' })
    const b = createMemoryLedger({ id: 'b' })
    expect(a.domain).not.toEqual(b.domain)
    const s = signConsent(patient, a.domain, consentOf(7))
    await a.registerConsent(s)
    await expectCode(b.registerConsent(s), 'ConsentError', 'CONSENT_SIGNATURE_INVALID')
    expect(await b.getConsent(consentKey(s.consent.grantor, s.consent.id))).toBeUndefined()
  })

  it('rejects a cursor that was not made by the ledger', async () => {
    const ledger = createMemoryLedger()
    for (const forged of [
      bytesToBase64url(utf8ToBytes('memory-consents:x')),
      bytesToBase64url(utf8ToBytes('memory-consents:-1')),
      bytesToBase64url(utf8ToBytes('memory-consents:01')),
      bytesToBase64url(utf8ToBytes('memory-consents:99999999999999999')),
      bytesToBase64url(utf8ToBytes('other:1')),
      'A'.repeat(65),
      '',
    ])
      await expectCode(ledger.listConsents({ cursor: forged }), 'InvalidArgumentError', 'INVALID_ARGUMENT')
  })

  it('rejects an object that only borrows the Uint8Array prototype (INVALID_TYPE, not a raw TypeError)', async () => {
    const ledger = createMemoryLedger()
    const forged = Object.create(Uint8Array.prototype) as Uint8Array
    expect(forged instanceof Uint8Array).toBe(true)
    await expectCode(
      ledger.anchorRoot({ root: forged, treeSize: 1, kind: 'records' }),
      'InvalidArgumentError',
      'INVALID_TYPE',
    )
    await expectCode(
      ledger.getAnchor({ root: forged, treeSize: 1, kind: 'records' }),
      'InvalidArgumentError',
      'INVALID_TYPE',
    )
  })

  it('a cursor past the end gives an empty page', async () => {
    const ledger = createMemoryLedger()
    const cursor = bytesToBase64url(utf8ToBytes('memory-consents:5'))
    expect(await ledger.listConsents({ cursor })).toEqual({ items: [] })
  })

  fcTest.prop(
    [
      fc.array(
        fc.record({
          root: fc.integer({ min: 0, max: 5 }),
          treeSize: fc.integer({ min: 1, max: 3 }),
          kind: fc.constantFrom('records', 'export', 'events' as const),
        }),
        { maxLength: 40 },
      ),
    ],
    { numRuns: 50 },
  )('review #8: anchors behave like a map of first writes keyed by (root, treeSize, kind)', async (ops) => {
    const ledger = createMemoryLedger({ now: () => T0 })
    const model = new Map<string, number>()
    const keyOf = (op: { root: number; treeSize: number; kind: string }) => `${op.root}/${op.treeSize}/${op.kind}`
    let block = 0
    for (const op of ops) {
      const known = model.get(keyOf(op))
      const r = await ledger.anchorRoot({ root: rootOf(op.root), treeSize: op.treeSize, kind: op.kind })
      if (known === undefined) {
        model.set(keyOf(op), ++block)
        expect(r.ref.block).toBe(block)
      } else expect(r.ref.block).toBe(known)
    }
    for (let n = 0; n <= 5; n++)
      for (const treeSize of [1, 2, 3])
        for (const kind of ['records', 'export', 'events'] as const) {
          const found = await ledger.getAnchor({ root: rootOf(n), treeSize, kind })
          expect(found?.ref.block).toBe(model.get(keyOf({ root: n, treeSize, kind })))
        }
  })
})

describe('createMemoryLedger listing', () => {
  const parties = [patient, clinician, operator]
  fcTest.prop(
    [
      fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })), { maxLength: 14 }),
      fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
      fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
      fc.integer({ min: 1, max: 5 }),
    ],
    { numRuns: 25 },
  )('paging any filter returns exactly the matching consents, in registration order', async (pairs, gr, ge, limit) => {
    const ledger = createMemoryLedger({ now: () => T0 })
    const registered: { id: string; grantor: number; grantee: number }[] = []
    for (const [n, [a, b]] of pairs.entries()) {
      if (a === b) continue
      const c = consentOf(1000 + n, { grantor: parties[a]!.address, grantee: parties[b]!.address })
      await ledger.registerConsent(signConsent(parties[a]!, ledger.domain, c))
      registered.push({ id: c.id, grantor: a, grantee: b })
    }
    const expected = registered
      .filter((r) => (gr === undefined || r.grantor === gr) && (ge === undefined || r.grantee === ge))
      .map((r) => r.id)
    const got: string[] = []
    let cursor: string | undefined
    let pages = 0
    do {
      const page: Awaited<ReturnType<LedgerAdapter['listConsents']>> = await ledger.listConsents({
        limit,
        ...(gr === undefined ? {} : { grantor: parties[gr]!.address }),
        ...(ge === undefined ? {} : { grantee: parties[ge]!.address }),
        ...(cursor === undefined ? {} : { cursor }),
      })
      expect(page.items.length).toBeLessThanOrEqual(limit)
      // a page is full whenever a cursor follows it
      if (page.cursor !== undefined) expect(page.items).toHaveLength(limit)
      got.push(...page.items.map((r) => r.consent.id))
      cursor = page.cursor
      pages++
    } while (cursor !== undefined)
    expect(got).toEqual(expected)
    expect(pages).toBe(Math.max(1, Math.ceil(expected.length / limit)))
  })
})

describe('createMemoryLedger with a store', () => {
  const LOG_NAME = 'p/access'
  const LOG_ID = computeLogId(operator.address, LOG_NAME)
  const anchor1 = { root: rootOf(1), treeSize: 3, kind: 'records' } as const
  const key = (n: number) => consentKey(patient.address, id32(n))
  async function populate(ledger: LedgerAdapter) {
    await ledger.anchorRoot({ root: rootOf(1), treeSize: 3, kind: 'records' })
    await ledger.registerConsent(signConsent(patient, ledger.domain, consentOf(10)))
    await ledger.registerConsent(signConsent(patient, ledger.domain, consentOf(11, { grantee: operator.address })))
    await ledger.revokeConsent(
      signRevocation(patient, ledger.domain, { consentId: id32(10), grantor: patient.address }),
    )
    await ledger.recordTombstone(
      signTombstone(patient, ledger.domain, { commitment: id32(20), owner: patient.address }),
    )
    for (const treeSize of [4, 9, 6])
      await ledger.recordTreeHead(
        signTreeHead(operator, ledger.domain, {
          logId: LOG_ID,
          operator: operator.address,
          nameHash: computeLogNameHash(LOG_NAME),
          treeSize,
          root: id32(100 + treeSize),
          timestamp: T0 + treeSize,
        }),
      )
  }

  it('persists every write and a new ledger over the same store sees the same state', async () => {
    const { box, store } = memoryStore()
    let t = T0
    const first = createMemoryLedger({ id: 'p', now: () => t++, store })
    expect(box.text).toBeUndefined()
    await populate(first)
    expect(box.writes).toBe(8)
    const second = createMemoryLedger({ id: 'p', now: () => T0 + 1000, store })
    expect(await second.getAnchor(anchor1)).toEqual(await first.getAnchor(anchor1))
    expect(await second.getConsent(key(10))).toEqual(await first.getConsent(key(10)))
    expect((await second.getConsent(key(10)))?.revocation).toBeDefined()
    expect(await second.listConsents()).toEqual(await first.listConsents())
    expect(await second.getTombstone(id32(20), patient.address)).toEqual(
      await first.getTombstone(id32(20), patient.address),
    )
    expect((await second.getTreeHead(LOG_ID))?.head.treeSize).toBe(9)
    expect(await second.getTreeHead(LOG_ID, 6)).toEqual(await first.getTreeHead(LOG_ID, 6))
    // the sequence continues
    const next = await second.anchorRoot({ root: rootOf(2), treeSize: 1, kind: 'events' })
    expect(next.ref.block).toBe(9)
    expect(box.writes).toBe(9)
    // idempotent repeats do not write
    await second.anchorRoot({ root: rootOf(2), treeSize: 1, kind: 'events' })
    expect(box.writes).toBe(9)
  })

  it('a store that fails a write leaves the ledger as it was (LEDGER_WRITE_FAILED)', async () => {
    let fail = false
    let text: string | undefined
    const store: MemoryLedgerStore = {
      read: () => text,
      write: (s) => {
        if (fail) throw new Error('disk full')
        text = s
      },
    }
    const ledger = createMemoryLedger({ now: () => T0, store })
    await ledger.anchorRoot({ root: rootOf(1), treeSize: 1, kind: 'records' })
    fail = true
    const e = await expectCode(
      ledger.anchorRoot({ root: rootOf(2), treeSize: 1, kind: 'records' }),
      'LedgerError',
      'LEDGER_WRITE_FAILED',
    )
    expect((e.cause as Error).message).toBe('disk full')
    await expectCode(
      ledger.registerConsent(signConsent(patient, ledger.domain, consentOf(1))),
      'LedgerError',
      'LEDGER_WRITE_FAILED',
    )
    expect(await ledger.getAnchor({ root: rootOf(2), treeSize: 1, kind: 'records' })).toBeUndefined()
    expect(await ledger.getConsent(key(1))).toBeUndefined()
    fail = false
    expect((await ledger.anchorRoot({ root: rootOf(2), treeSize: 1, kind: 'records' })).ref.block).toBe(2)
    const reloaded = createMemoryLedger({ now: () => T0, store })
    expect((await reloaded.getAnchor({ root: rootOf(2), treeSize: 1, kind: 'records' }))?.ref.block).toBe(2)
  })

  it('a store that cannot be read is LEDGER_UNAVAILABLE', () => {
    const e = expectThrowCode(
      () =>
        createMemoryLedger({
          store: {
            read: () => {
              throw new Error('EACCES')
            },
            write: () => {},
          },
        }),
      'LedgerError',
      'LEDGER_UNAVAILABLE',
    )
    expect((e.cause as Error).message).toBe('EACCES')
  })

  it('refuses a corrupt, foreign or tampered snapshot (LEDGER_UNAVAILABLE) and says what is wrong', async () => {
    const { box, store } = memoryStore()
    await populate(createMemoryLedger({ id: 'p', now: () => T0, store }))
    const good = box.text!
    const open = (text: string, id = 'p') =>
      expectThrowCode(
        () => createMemoryLedger({ id, store: { read: () => text, write: () => {} } }),
        'LedgerError',
        'LEDGER_UNAVAILABLE',
      )
    const causeCode = (e: { cause?: unknown }) => (e.cause as { code?: string }).code
    expect(causeCode(open('{'))).toBe('INVALID_JSON')
    expect(causeCode(open(good.slice(0, good.length / 2)))).toBe('INVALID_JSON')
    expect(causeCode(open('[]'))).toBe('INVALID_TYPE')
    // version 1 (before issue 12's keys and nameHash) and unknown versions are refused by name
    const v1 = open(good.replace('"version":2', '"version":1'))
    expect(causeCode(v1)).toBe('UNSUPPORTED_VERSION')
    expect(v1.message).toMatch(/unsupported version/)
    expect(causeCode(open(good.replace('"version":2', '"version":3')))).toBe('UNSUPPORTED_VERSION')
    expect(causeCode(open(good, 'q'))).toBe('INVALID_ARGUMENT')
    // a widened consent no longer matches its signature
    expect(
      causeCode(open(good.replace('"resourceTypes":["Observation"]', '"resourceTypes":["Observation","Patient"]'))),
    ).toBe('CONSENT_SIGNATURE_INVALID')
    // an entry removed from the middle breaks the sequence
    const doc = JSON.parse(good)
    doc.entries.splice(1, 1)
    expect(causeCode(open(JSON.stringify(doc)))).toBe('INVALID_ARGUMENT')
    // a duplicated entry
    const dup = JSON.parse(good)
    dup.entries.push({ ...dup.entries[0], ref: { ...dup.entries[0].ref, block: dup.entries.length + 1 } })
    expect(causeCode(open(JSON.stringify(dup)))).toBe('INVALID_ARGUMENT')
    // an unknown entry type
    const unknown = JSON.parse(good)
    unknown.entries[0].type = 'mint'
    expect(causeCode(open(JSON.stringify(unknown)))).toBe('INVALID_ARGUMENT')
    // the original still loads
    expect(createMemoryLedger({ id: 'p', store: { read: () => good, write: () => {} } }).ledgerId).toBe('memory:p')
  })

  it('reloads the entries issue 12 allows: squatted keys beside the real ones, a revocation before its consent', async () => {
    const { store } = memoryStore()
    const first = createMemoryLedger({ id: 'r', now: () => T0, store })
    const c = consentOf(40)
    // a stranger's consent under the same id, a standalone revocation, then the consent; two owners' tombstones
    await first.registerConsent(
      signConsent(clinician, first.domain, consentOf(40, { grantor: clinician.address, grantee: operator.address })),
    )
    await first.revokeConsent(signRevocation(patient, first.domain, { consentId: c.id, grantor: patient.address }))
    await first.registerConsent(signConsent(patient, first.domain, c))
    for (const owner of [clinician, patient])
      await first.recordTombstone(signTombstone(owner, first.domain, { commitment: id32(41), owner: owner.address }))
    for (const treeSize of [1, 2]) await first.anchorRoot({ root: rootOf(42), treeSize, kind: 'events' })
    const second = createMemoryLedger({ id: 'r', now: () => T0, store })
    expect((await second.getConsent(key(40)))?.revocation?.ref.block).toBe(2)
    expect((await second.getConsent(consentKey(clinician.address, c.id)))?.revocation).toBeUndefined()
    expect((await second.getTombstone(id32(41), patient.address))?.ref.block).toBe(5)
    expect((await second.getTombstone(id32(41), clinician.address))?.ref.block).toBe(4)
    expect((await second.getAnchor({ root: rootOf(42), treeSize: 2, kind: 'events' }))?.ref.block).toBe(7)
    expect(await second.listConsents()).toEqual(await first.listConsents())
  })

  it('an empty snapshot (no writes yet) loads', async () => {
    const { box, store } = memoryStore()
    box.text = '{"format":"medseal-memory-ledger","version":2,"ledgerId":"memory:e","entries":[]}\n'
    const ledger = createMemoryLedger({ id: 'e', store })
    expect((await ledger.listConsents()).items).toEqual([])
  })
})
