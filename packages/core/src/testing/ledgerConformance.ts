/**
 * The `LedgerAdapter` conformance suite: one call registers every test of the interface's rules with vitest, so an
 * adapter (memory, EVM, Fabric, or an integrator's own) proves it behaves like every other.
 *
 * Decisions the suite pins down (the interface leaves them to "a coded error"):
 * - A consent signed for another ledger's domain is `CONSENT_SIGNATURE_INVALID`: a `SignedConsent` carries no
 *   domain, so the ledger cannot tell "other domain" from "forged"; only a caller holding a whole consent token
 *   (which names its domain) can report `CONSENT_WRONG_DOMAIN` (see `verifyConsent`).
 * - A revocation that is not signed by the consent's grantor is `CONSENT_SIGNATURE_INVALID`, whether it names
 *   another grantor (validly signed by them) or names the grantor and carries someone else's signature.
 * - A forged or foreign signature on a tombstone or a tree head is `INVALID_SIGNATURE`.
 * - Malformed input is an `InvalidArgumentError` (`INVALID_TYPE`, `INVALID_LENGTH`, `OUT_OF_RANGE` or
 *   `INVALID_ARGUMENT`; the suite lists which codes it accepts per case); a malformed consent is `CONSENT_MALFORMED`.
 * - `getTreeHead(logId)` without a size returns the head with the largest `treeSize`, whatever the recording order.
 * - Idempotency compares content, not signature bytes: the same structure again returns the first record.
 * - Keys include everything a stranger could squat on (security review, issue 12; tests titled `review #N:`):
 *   anchors `(root, treeSize, kind)` (#8), consents and revocations `(grantor, id)` (#9), tombstones
 *   `(commitment, owner)` (#4), and a head's `logId` must be its operator's (#2). `getTime()` never goes backwards
 *   (#7). A revocation needs no registered consent: it is the grantor's withdrawal of an id it signed.
 * @module
 */

import { computeLogId, computeLogNameHash } from '../accessLog/logId.js'
import { bytesToHex0x, hexToBytes, randomBytes } from '../bytes/index.js'
import {
  type Consent,
  consentTypes,
  type LedgerDomain,
  type Revocation,
  type SignedConsent,
  type Tombstone,
  type TreeHead,
} from '../consent/types.js'
import { signTypedData } from '../eip712/signTypedData.js'
import { createSaltedDomain, signConsent, signRevocation, signTombstone, signTreeHead } from '../eip712/structures.js'
import type { ErrorCode } from '../errors/codes.js'
import { createParty } from '../identity/createParty.js'
import type { Party } from '../identity/types.js'
import { consentKey } from '../ledger/consentKey.js'
import type { AnchorInput, AnchorKind, LedgerAdapter, LedgerRef } from '../ledger/types.js'
import type { Hex } from '../types.js'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from './_vitest.js'
import { badBytesInputs } from './badInputs.js'

/** What `create` returns for each test: a fresh ledger and, optionally, a clock control and a cleanup. */
export type LedgerConformanceHarness = {
  /** A ledger with no writes yet (a fresh deployment, a fresh channel namespace, a new memory ledger). */
  readonly ledger: LedgerAdapter
  /** Moves the ledger's clock forward by `seconds` (mine an empty block, bump an injected clock). Optional. */
  readonly advanceTime?: (seconds: number) => Promise<void>
  /**
   * Moves the clock under the ledger BACK by `seconds` (an injected clock stepping back, a gateway answering from an
   * older peer), to check that `getTime()` still never goes backwards (security review, issue 12, finding 7).
   * Optional: only harnesses that control such a clock provide it.
   */
  readonly rewindTime?: (seconds: number) => Promise<void>
  /**
   * Writes a signed consent straight to the ledger's storage, around the adapter's checks, as an attacker calling a
   * contract or chaincode directly would (security review, issue 12, finding 6). It may throw when the ledger itself
   * refuses the item (checks enforced on chain). Optional: adapters whose storage cannot be reached around them
   * (memory) leave it out.
   */
  readonly writeUnchecked?: (signed: SignedConsent) => Promise<void>
  /** Releases what `create` made (stops processes, closes files). Runs after each test, even a failed one. */
  readonly cleanup?: () => Promise<void>
}

/** Options of {@link describeLedgerConformance}. */
export type LedgerConformanceOptions = {
  /** Makes a fresh, empty ledger for one test. Called once per test. */
  readonly create: () => Promise<LedgerConformanceHarness>
  /** Per-test (and per-hook) timeout in milliseconds. Default 60 000. */
  readonly timeoutMs?: number
  /** How many writes the concurrency tests issue at once per kind (default 20). */
  readonly concurrency?: number
}

const ZERO32: Hex = `0x${'00'.repeat(32)}`
const DAY = 86_400

/** Deterministic test parties (never use such seeds outside tests). */
function testSeed(n: number): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => (n * 31 + i * 7 + 1) & 0xff)
}

const randomHex32 = (): Hex => bytesToHex0x(randomBytes(32))
/** A fresh access-log name. */
const randomLogName = (): string => `log/${bytesToHex0x(randomBytes(8)).slice(2)}`

/** Awaits `promise` and returns what it threw (fails when it does not throw). */
async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (e) {
    return e
  }
  throw new Error('Expected the call to throw a medseal error, but it resolved.')
}

/**
 * Asserts a medseal error: a `name` (class, checked by its literal name, which survives duplicate package copies)
 * and a `code` among `codes`.
 */
async function expectError(promise: Promise<unknown>, name: string | readonly string[], codes: readonly ErrorCode[]) {
  const e = (await caught(promise)) as { name?: unknown; code?: unknown; shortMessage?: unknown } | null
  expect(e, 'a medseal error').toBeTypeOf('object')
  expect(typeof e?.shortMessage, 'a medseal error (has shortMessage)').toBe('string')
  const names = typeof name === 'string' ? [name] : name
  expect(names, `error class (got ${String(e?.name)} ${String(e?.code)})`).toContain(e?.name)
  expect(codes, `error code (got ${String(e?.code)})`).toContain(e?.code)
  return e
}

/** Re-runs a write and checks it returns exactly the first write's record. */
function expectSameRef(a: LedgerRef, b: LedgerRef) {
  expect(b).toEqual(a)
}

function expectRefShape(ledger: LedgerAdapter, ref: LedgerRef) {
  expect(Object.keys(ref).sort()).toEqual(['block', 'ledger', 'timestamp', 'tx'])
  expect(ref.ledger).toBe(ledger.ledgerId)
  expect(typeof ref.tx).toBe('string')
  expect(ref.tx.length).toBeGreaterThan(0)
  expect(Number.isSafeInteger(ref.block) && ref.block >= 0).toBe(true)
  expect(Number.isSafeInteger(ref.timestamp) && ref.timestamp >= 0).toBe(true)
  // JSON-safe
  expect(JSON.parse(JSON.stringify(ref))).toEqual(ref)
}

/**
 * Registers the LedgerAdapter conformance suite with vitest under `describe(name)`. Each test gets a fresh ledger
 * from `create` and calls its `cleanup` afterwards, so tests are independent and can run against real nodes.
 *
 * Covers every method and rule of `LedgerAdapter`: anchors keyed by `(root, treeSize, kind)` (round trip, unknown
 * anchors, idempotency, the same root with other metadata as another anchor, input validation, copies), consents
 * keyed by `(grantor, id)` (register, get by key, list with filters and cursors, registration order, forged and
 * foreign-domain signatures, replays, a stranger's consent under the same id, malformed input, items written around
 * the adapter skipped and reported), revocations (by the grantor only, before or after registration, `getRevocation`,
 * idempotent), tombstones keyed by `(commitment, owner)`, tree heads (by size, latest, log ids owned by their
 * operator, conflicts), ledger references (shape, ledger id, monotonic timestamps, `getTime()` never decreasing),
 * concurrent writers and ordering. Tests of the security review's findings are titled `review #N: …`.
 *
 * @param name - the `describe` label, e.g. `'memory ledger'`
 * @param options - `create` (a fresh ledger per test), optional `timeoutMs` and `concurrency`
 * @example
 * ```ts
 * import { createMemoryLedger } from '@medseal/adapter-memory'
 * import { describeLedgerConformance } from '@medseal/core/testing'
 *
 * describeLedgerConformance('memory ledger', {
 *   create: async () => {
 *     let t = 1_700_000_000
 *     const ledger = createMemoryLedger({ id: 'conformance', now: () => t })
 *     return { ledger, advanceTime: async (s) => { t += s } }
 *   },
 * })
 * ```
 */
export function describeLedgerConformance(name: string, options: LedgerConformanceOptions): void {
  const timeout = options.timeoutMs ?? 60_000
  const concurrency = options.concurrency ?? 20

  describe(`LedgerAdapter conformance: ${name}`, { timeout }, () => {
    let patient: Party
    let clinician: Party
    let researcher: Party
    let operator: Party
    let intruder: Party
    let harness: LedgerConformanceHarness | undefined
    let ledger: LedgerAdapter

    beforeAll(() => {
      patient = createParty({ seed: testSeed(1) })
      clinician = createParty({ seed: testSeed(2) })
      researcher = createParty({ seed: testSeed(3) })
      operator = createParty({ seed: testSeed(4) })
      intruder = createParty({ seed: testSeed(5) })
    })

    beforeEach(async () => {
      harness = await options.create()
      ledger = harness.ledger
    }, timeout)

    afterEach(async () => {
      const h = harness
      harness = undefined
      await h?.cleanup?.()
    }, timeout)

    const root = (): Uint8Array => randomBytes(32)

    const makeConsent = async (grantor: Party, grantee: Party, over: Partial<Consent> = {}): Promise<Consent> => {
      const now = await ledger.getTime()
      return {
        id: randomHex32(),
        grantor: grantor.address,
        grantee: grantee.address,
        parent: ZERO32,
        resourceTypes: ['Observation', 'Condition'],
        commitments: [],
        exclude: ['PSY'],
        actions: ['read', 'search'],
        purposes: ['TREAT'],
        notBefore: now,
        expiresAt: now + 30 * DAY,
        delegationDepth: 0,
        ...over,
      }
    }
    const signed = (party: Party, consent: Consent, domain: LedgerDomain = ledger.domain): SignedConsent =>
      signConsent(party, domain, consent)
    const registered = async (grantor: Party, grantee: Party, over: Partial<Consent> = {}) =>
      ledger.registerConsent(signed(grantor, await makeConsent(grantor, grantee, over)))
    const revocation = (party: Party, consentId: Hex, grantor: Party = party) =>
      signRevocation(party, ledger.domain, { consentId, grantor: grantor.address } satisfies Revocation)
    const tombstone = (party: Party, commitment: Hex, owner: Party = party) =>
      signTombstone(party, ledger.domain, { commitment, owner: owner.address } satisfies Tombstone)
    /** A head of `party`'s log `name` (its own log id and name hash), signed by `party`; `h` overrides fields. */
    const head = (party: Party, h: Partial<TreeHead> & { name: string; treeSize: number }) => {
      const { name: logName, ...over } = h
      return signTreeHead(party, ledger.domain, {
        logId: computeLogId(party.address, logName),
        operator: party.address,
        nameHash: computeLogNameHash(logName),
        root: randomHex32(),
        timestamp: 1_700_000_000 + h.treeSize,
        ...over,
      } satisfies TreeHead)
    }
    /** The ledger key of a consent. */
    const keyOf = (c: { consent: Consent } | Consent): Hex => {
      const consent = 'consent' in c ? c.consent : c
      return consentKey(consent.grantor, consent.id)
    }
    /** An anchor lookup key. */
    const at = (r: Uint8Array, treeSize: number, kind: AnchorKind): AnchorInput => ({ root: r, treeSize, kind })

    // ------------------------------------------------------------------ the adapter object

    describe('adapter object', () => {
      it('is a frozen object with a name, a ledger id and a medseal EIP-712 domain', () => {
        expect(Object.isFrozen(ledger)).toBe(true)
        expect(typeof ledger.name).toBe('string')
        expect(ledger.name.length).toBeGreaterThan(0)
        expect(typeof ledger.ledgerId).toBe('string')
        expect(ledger.ledgerId.length).toBeGreaterThan(0)
        expect(ledger.domain.name).toBe('medseal')
        expect(ledger.domain.version).toBe('1')
        const keys = Object.keys(ledger.domain).sort().join(',')
        expect(['chainId,name,verifyingContract,version', 'name,salt,version']).toContain(keys)
        if ('salt' in ledger.domain) expect(ledger.domain).toEqual(createSaltedDomain(ledger.ledgerId))
      })

      it('getTime() is the ledger time in whole Unix seconds', async () => {
        const t = await ledger.getTime()
        expect(Number.isSafeInteger(t)).toBe(true)
        expect(t).toBeGreaterThanOrEqual(0)
        expect(await ledger.getTime()).toBeGreaterThanOrEqual(t)
      })
    })

    // ------------------------------------------------------------------ anchors

    describe('anchors', () => {
      it('anchors a root of every kind and looks it up by (root, treeSize, kind)', async () => {
        for (const [i, kind] of (['records', 'export', 'events'] as AnchorKind[]).entries()) {
          const r = root()
          const record = await ledger.anchorRoot({ root: r, treeSize: 1000 + i, kind })
          expect(record.root).toBeInstanceOf(Uint8Array)
          expect(bytesToHex0x(record.root)).toBe(bytesToHex0x(r))
          expect(record.treeSize).toBe(1000 + i)
          expect(record.kind).toBe(kind)
          expectRefShape(ledger, record.ref)
          const found = await ledger.getAnchor(at(r, 1000 + i, kind))
          expect(found).toBeDefined()
          expect(bytesToHex0x(found!.root)).toBe(bytesToHex0x(r))
          expect(found!.treeSize).toBe(1000 + i)
          expect(found!.kind).toBe(kind)
          expect(found!.ref).toEqual(record.ref)
        }
      })

      it('anchors a tree of one leaf and a large tree size', async () => {
        const a = await ledger.anchorRoot({ root: root(), treeSize: 1, kind: 'records' })
        expect(a.treeSize).toBe(1)
        const big = 2 ** 40
        const b = await ledger.anchorRoot({ root: root(), treeSize: big, kind: 'events' })
        expect((await ledger.getAnchor(at(b.root, big, 'events')))?.treeSize).toBe(big)
      })

      it('returns undefined for an anchor it does not have', async () => {
        expect(await ledger.getAnchor(at(root(), 1, 'records'))).toBeUndefined()
        const r = root()
        await ledger.anchorRoot({ root: r, treeSize: 2, kind: 'records' })
        expect(await ledger.getAnchor(at(root(), 2, 'records'))).toBeUndefined()
        expect(await ledger.getAnchor(at(new Uint8Array(32), 2, 'records'))).toBeUndefined()
        // the same root under other metadata is not that anchor
        expect(await ledger.getAnchor(at(r, 3, 'records'))).toBeUndefined()
        expect(await ledger.getAnchor(at(r, 2, 'events'))).toBeUndefined()
      })

      it('re-anchoring the same root and metadata returns the first record', async () => {
        const r = root()
        const first = await ledger.anchorRoot({ root: r, treeSize: 5, kind: 'records' })
        const again = await ledger.anchorRoot({ root: new Uint8Array(r), treeSize: 5, kind: 'records' })
        expectSameRef(first.ref, again.ref)
        expect((await ledger.getAnchor(at(r, 5, 'records')))?.ref).toEqual(first.ref)
      })

      it('review #8: the same root with another treeSize or kind is another anchor; the first is unaffected', async () => {
        const r = root()
        // a stranger front-runs with other metadata: it blocks nothing
        const squat = await ledger.anchorRoot({ root: r, treeSize: 6, kind: 'records' })
        const real = await ledger.anchorRoot({ root: r, treeSize: 5, kind: 'records' })
        const otherKind = await ledger.anchorRoot({ root: r, treeSize: 5, kind: 'export' })
        expect(new Set([squat.ref.tx, real.ref.tx, otherKind.ref.tx]).size).toBe(3)
        const found = await ledger.getAnchor(at(r, 5, 'records'))
        expect(found?.treeSize).toBe(5)
        expect(found?.kind).toBe('records')
        expect(found?.ref).toEqual(real.ref)
        expect((await ledger.getAnchor(at(r, 6, 'records')))?.ref).toEqual(squat.ref)
        expect((await ledger.getAnchor(at(r, 5, 'export')))?.ref).toEqual(otherKind.ref)
        // each is still idempotent under its own key
        expectSameRef(real.ref, (await ledger.anchorRoot({ root: r, treeSize: 5, kind: 'records' })).ref)
        expectSameRef(squat.ref, (await ledger.anchorRoot({ root: r, treeSize: 6, kind: 'records' })).ref)
      })

      it('rejects a root of the wrong length and writes nothing', async () => {
        for (const len of [0, 31, 33, 64]) {
          await expectError(
            ledger.anchorRoot({ root: new Uint8Array(len).fill(1), treeSize: 1, kind: 'records' }),
            'InvalidArgumentError',
            ['INVALID_LENGTH', 'INVALID_ARGUMENT'],
          )
          await expectError(ledger.getAnchor(at(new Uint8Array(len), 1, 'records')), 'InvalidArgumentError', [
            'INVALID_LENGTH',
            'INVALID_ARGUMENT',
          ])
        }
      })

      it.each(badBytesInputs)('rejects a root that is $label', async ({ make }) => {
        await expectError(
          ledger.anchorRoot({ root: make() as Uint8Array, treeSize: 1, kind: 'records' }),
          'InvalidArgumentError',
          ['INVALID_TYPE', 'INVALID_ARGUMENT'],
        )
        await expectError(ledger.getAnchor(at(make() as Uint8Array, 1, 'records')), 'InvalidArgumentError', [
          'INVALID_TYPE',
          'INVALID_ARGUMENT',
        ])
      })

      it('rejects a tree size that is not a positive integer, and writes nothing', async () => {
        const r = root()
        for (const treeSize of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 64]) {
          await expectError(ledger.anchorRoot({ root: r, treeSize, kind: 'records' }), 'InvalidArgumentError', [
            'OUT_OF_RANGE',
            'INVALID_ARGUMENT',
          ])
          await expectError(ledger.getAnchor(at(r, treeSize, 'records')), 'InvalidArgumentError', [
            'OUT_OF_RANGE',
            'INVALID_ARGUMENT',
          ])
        }
        for (const treeSize of ['1', null, undefined, 1n]) {
          await expectError(
            ledger.anchorRoot({ root: r, treeSize: treeSize as unknown as number, kind: 'records' }),
            'InvalidArgumentError',
            ['INVALID_TYPE', 'OUT_OF_RANGE', 'INVALID_ARGUMENT'],
          )
        }
        expect(await ledger.getAnchor(at(r, 1, 'records'))).toBeUndefined()
        // the root is still free: nothing was half-written
        const ok = await ledger.anchorRoot({ root: r, treeSize: 1, kind: 'records' })
        expect(ok.treeSize).toBe(1)
      })

      it('rejects an unknown kind and a non-object input', async () => {
        const r = root()
        for (const kind of ['record', 'RECORDS', '', 'toString', '__proto__', 1, null]) {
          await expectError(
            ledger.anchorRoot({ root: r, treeSize: 1, kind: kind as AnchorKind }),
            'InvalidArgumentError',
            ['INVALID_ARGUMENT', 'INVALID_TYPE'],
          )
          await expectError(ledger.getAnchor(at(r, 1, kind as AnchorKind)), 'InvalidArgumentError', [
            'INVALID_ARGUMENT',
            'INVALID_TYPE',
          ])
        }
        for (const input of [null, undefined, 'root', 42]) {
          await expectError(
            ledger.anchorRoot(input as unknown as Parameters<LedgerAdapter['anchorRoot']>[0]),
            'InvalidArgumentError',
            ['INVALID_TYPE', 'INVALID_ARGUMENT'],
          )
          await expectError(ledger.getAnchor(input as unknown as AnchorInput), 'InvalidArgumentError', [
            'INVALID_TYPE',
            'INVALID_ARGUMENT',
          ])
        }
        for (const kind of ['records', 'export', 'events'] as AnchorKind[])
          expect(await ledger.getAnchor(at(r, 1, kind))).toBeUndefined()
      })

      it('is not affected by callers mutating inputs or results', async () => {
        const r = root()
        const original = bytesToHex0x(r)
        const record = await ledger.anchorRoot({ root: r, treeSize: 3, kind: 'records' })
        r.fill(0)
        record.root.fill(0xff)
        const found = await ledger.getAnchor(at(hexToBytes(original), 3, 'records'))
        expect(found && bytesToHex0x(found.root)).toBe(original)
        found!.root.fill(1)
        expect(bytesToHex0x((await ledger.getAnchor(at(hexToBytes(original), 3, 'records')))!.root)).toBe(original)
      })
    })

    // ------------------------------------------------------------------ consents

    describe('consents', () => {
      it('registers a consent and looks it up by its key consentKey(grantor, id) (any hex case)', async () => {
        const c = await makeConsent(patient, clinician)
        const s = signed(patient, c)
        const record = await ledger.registerConsent(s)
        expectRefShape(ledger, record.ref)
        expect(record.consent.id.toLowerCase()).toBe(c.id.toLowerCase())
        expect(record.consent.grantor.toLowerCase()).toBe(patient.address.toLowerCase())
        expect(record.consent.grantee.toLowerCase()).toBe(clinician.address.toLowerCase())
        expect(record.consent.resourceTypes).toEqual(c.resourceTypes)
        expect(record.consent.actions).toEqual(c.actions)
        expect(record.consent.purposes).toEqual(c.purposes)
        expect(record.consent.exclude).toEqual(c.exclude)
        expect(record.consent.notBefore).toBe(c.notBefore)
        expect(record.consent.expiresAt).toBe(c.expiresAt)
        expect(record.signature.toLowerCase()).toBe(s.signature.toLowerCase())
        expect(record.revocation).toBeUndefined()
        const found = await ledger.getConsent(keyOf(c))
        expect(found?.ref).toEqual(record.ref)
        expect(found?.consent.id.toLowerCase()).toBe(c.id.toLowerCase())
        expect((await ledger.getConsent(keyOf(c).toUpperCase().replace('0X', '0x') as Hex))?.ref).toEqual(record.ref)
        // a consent is found by its key, never by its bare id
        expect(await ledger.getConsent(c.id)).toBeUndefined()
      })

      it('keeps every scope field: commitments, delegation parent (a consent key) and depth', async () => {
        const parent = await registered(patient, clinician, { delegationDepth: 2, actions: ['read', 'delegate'] })
        const commitments = [randomHex32(), randomHex32()]
        const c = await makeConsent(clinician, researcher, {
          parent: keyOf(parent),
          resourceTypes: [],
          commitments,
          exclude: [],
          purposes: ['HRESCH'],
          delegationDepth: 1,
        })
        const record = await ledger.registerConsent(signed(clinician, c))
        const found = await ledger.getConsent(keyOf(c))
        for (const r of [record, found!]) {
          expect(r.consent.parent.toLowerCase()).toBe(keyOf(parent).toLowerCase())
          expect(r.consent.commitments.map((x) => x.toLowerCase())).toEqual(commitments.map((x) => x.toLowerCase()))
          expect(r.consent.resourceTypes).toEqual([])
          expect(r.consent.purposes).toEqual(['HRESCH'])
          expect(r.consent.delegationDepth).toBe(1)
        }
      })

      it('treats addresses and ids case-insensitively: the same grant in lower case is the same consent', async () => {
        const c = await makeConsent(patient, clinician)
        const lower: Consent = {
          ...c,
          id: c.id.toUpperCase().replace('0X', '0x') as Hex,
          grantor: patient.address.toLowerCase() as Hex,
          grantee: clinician.address.toLowerCase() as Hex,
        }
        const first = await ledger.registerConsent(signed(patient, lower))
        expect(first.consent.grantor.toLowerCase()).toBe(patient.address.toLowerCase())
        const again = await ledger.registerConsent(signed(patient, c))
        expectSameRef(first.ref, again.ref)
        const listed = await ledger.listConsents({ grantor: patient.address, grantee: clinician.address })
        expect(listed.items.map((r) => r.ref)).toEqual([first.ref])
        const rev = await ledger.revokeConsent(
          signRevocation(patient, ledger.domain, { consentId: c.id.toLowerCase() as Hex, grantor: lower.grantor }),
        )
        expect((await ledger.getConsent(keyOf(c)))?.revocation?.ref).toEqual(rev.ref)
      })

      it('returns undefined for an unknown consent id', async () => {
        expect(await ledger.getConsent(randomHex32())).toBeUndefined()
        await registered(patient, clinician)
        expect(await ledger.getConsent(randomHex32())).toBeUndefined()
      })

      it('rejects a malformed consent id in getConsent', async () => {
        for (const id of ['0x1234', 'abc', `0x${'zz'.repeat(32)}`, '', null, 42])
          await expectError(ledger.getConsent(id as Hex), 'InvalidArgumentError', ['INVALID_TYPE', 'INVALID_ARGUMENT'])
      })

      it('registering the same consent again returns the first record', async () => {
        const s = signed(patient, await makeConsent(patient, clinician))
        const first = await ledger.registerConsent(s)
        const again = await ledger.registerConsent(structuredClone(s))
        expectSameRef(first.ref, again.ref)
        const { items } = await ledger.listConsents()
        expect(items).toHaveLength(1)
      })

      it('a different consent under a registered (grantor, id) is CONSENT_REPLAYED', async () => {
        const c = await makeConsent(patient, clinician)
        const first = await ledger.registerConsent(signed(patient, c))
        const other = { ...c, actions: ['read', 'search', 'write'] } satisfies Consent
        await expectError(ledger.registerConsent(signed(patient, other)), 'ConsentError', ['CONSENT_REPLAYED'])
        const otherGrantee = { ...c, grantee: researcher.address } satisfies Consent
        await expectError(ledger.registerConsent(signed(patient, otherGrantee)), 'ConsentError', ['CONSENT_REPLAYED'])
        const found = await ledger.getConsent(keyOf(c))
        expect(found?.ref).toEqual(first.ref)
        expect(found?.consent.actions).toEqual(c.actions)
        expect((await ledger.listConsents()).items).toHaveLength(1)
      })

      it("review #9: a stranger registering a consent under the victim's id does not block the victim", async () => {
        const victims = await makeConsent(patient, clinician)
        // the stranger saw the id (a pending transaction, a shared link) and registers its own grant under it first
        const squat = await ledger.registerConsent(
          signed(intruder, await makeConsent(intruder, clinician, { id: victims.id, actions: ['read'] })),
        )
        const real = await ledger.registerConsent(signed(patient, victims))
        expect(real.ref.tx).not.toBe(squat.ref.tx)
        expect(real.consent.grantor.toLowerCase()).toBe(patient.address.toLowerCase())
        const found = await ledger.getConsent(consentKey(patient.address, victims.id))
        expect(found?.ref).toEqual(real.ref)
        expect(found?.consent.actions).toEqual(victims.actions)
        const theirs = await ledger.getConsent(consentKey(intruder.address, victims.id))
        expect(theirs?.ref).toEqual(squat.ref)
        expect(theirs?.consent.grantor.toLowerCase()).toBe(intruder.address.toLowerCase())
        expect((await ledger.listConsents({ grantor: patient.address })).items.map((r) => r.ref)).toEqual([real.ref])
        // a revocation by the stranger of "its" id does not touch the victim's grant
        await ledger.revokeConsent(revocation(intruder, victims.id))
        expect((await ledger.getConsent(keyOf(victims)))?.revocation).toBeUndefined()
        expect((await ledger.getConsent(consentKey(intruder.address, victims.id)))?.revocation).toBeDefined()
      })

      it('a signature by anyone but the grantor is CONSENT_SIGNATURE_INVALID and writes nothing', async () => {
        const c = await makeConsent(patient, clinician)
        await expectError(ledger.registerConsent(signed(intruder, c)), 'ConsentError', ['CONSENT_SIGNATURE_INVALID'])
        await expectError(ledger.registerConsent(signed(clinician, c)), 'ConsentError', ['CONSENT_SIGNATURE_INVALID'])
        expect(await ledger.getConsent(keyOf(c))).toBeUndefined()
        // the grantor's own signature still registers it
        expect((await ledger.registerConsent(signed(patient, c))).consent.id.toLowerCase()).toBe(c.id.toLowerCase())
      })

      it('a tampered consent or signature is CONSENT_SIGNATURE_INVALID', async () => {
        const c = await makeConsent(patient, clinician)
        const s = signed(patient, c)
        // widen the grant after signing
        const widened = { ...s, consent: { ...c, resourceTypes: [...c.resourceTypes, 'MedicationRequest'] } }
        await expectError(ledger.registerConsent(widened), 'ConsentError', ['CONSENT_SIGNATURE_INVALID'])
        const later = { ...s, consent: { ...c, expiresAt: c.expiresAt + DAY } }
        await expectError(ledger.registerConsent(later), 'ConsentError', ['CONSENT_SIGNATURE_INVALID'])
        // flip one bit of r: the signature still parses but recovers another key (or none)
        const flipped = `${s.signature.slice(0, 10)}${((Number.parseInt(s.signature[10]!, 16) ^ 1) & 15).toString(16)}${s.signature.slice(11)}`
        await expectError(ledger.registerConsent({ ...s, signature: flipped as Hex }), 'ConsentError', [
          'CONSENT_SIGNATURE_INVALID',
        ])
        expect(await ledger.getConsent(keyOf(c))).toBeUndefined()
      })

      it('a consent signed for another ledger (domain) is CONSENT_SIGNATURE_INVALID', async () => {
        const c = await makeConsent(patient, clinician)
        const otherSalted = createSaltedDomain(`${ledger.ledgerId}:other`)
        await expectError(ledger.registerConsent(signed(patient, c, otherSalted)), 'ConsentError', [
          'CONSENT_SIGNATURE_INVALID',
        ])
        const otherEvm: LedgerDomain = {
          name: 'medseal',
          version: '1',
          chainId: 1,
          verifyingContract: '0x000000000000000000000000000000000000dEaD',
        }
        await expectError(ledger.registerConsent(signed(patient, c, otherEvm)), 'ConsentError', [
          'CONSENT_SIGNATURE_INVALID',
        ])
        expect(await ledger.getConsent(keyOf(c))).toBeUndefined()
      })

      it('a malformed consent is CONSENT_MALFORMED and writes nothing', async () => {
        const c = await makeConsent(patient, clinician)
        const s = signed(patient, c)
        const { grantee: _omit, ...missingGrantee } = c
        const cases: unknown[] = [
          { ...s, consent: missingGrantee },
          { ...s, consent: { ...c, id: '0x1234' } },
          { ...s, consent: { ...c, grantor: 'patient' } },
          { ...s, consent: { ...c, actions: 'read' } },
          { ...s, consent: { ...c, actions: ['read', 'teleport'] } },
          { ...s, consent: { ...c, notBefore: -1 } },
          { ...s, consent: { ...c, expiresAt: c.notBefore } },
          { ...s, consent: { ...c, expiresAt: c.notBefore - 1 } },
          { ...s, consent: { ...c, delegationDepth: 256 } },
          { ...s, consent: { ...c, resourceTypes: [42] } },
          { ...s, consent: null },
          { consent: c },
          { ...s, signature: '0x1234' },
          { ...s, signature: 42 },
        ]
        for (const bad of cases)
          await expectError(
            ledger.registerConsent(bad as SignedConsent),
            ['ConsentError', 'InvalidArgumentError'],
            ['CONSENT_MALFORMED'],
          )
        for (const bad of [null, undefined, 'consent', 7])
          await expectError(
            ledger.registerConsent(bad as unknown as SignedConsent),
            ['ConsentError', 'InvalidArgumentError'],
            ['CONSENT_MALFORMED', 'INVALID_TYPE'],
          )
        expect(await ledger.getConsent(keyOf(c))).toBeUndefined()
        expect((await ledger.listConsents()).items).toHaveLength(0)
      })

      it('is not affected by callers mutating inputs or results', async () => {
        const c = await makeConsent(patient, clinician)
        const s = structuredClone(signed(patient, c))
        const record = await ledger.registerConsent(s)
        ;(s.consent.resourceTypes as string[]).push('Patient')
        ;(record.consent.actions as string[]).push('write')
        ;(record.ref as { block: number }).block = -1
        const found = await ledger.getConsent(keyOf(c))
        expect(found?.consent.resourceTypes).toEqual(c.resourceTypes)
        expect(found?.consent.actions).toEqual(c.actions)
        expect(found?.ref.block).not.toBe(-1)
      })
    })

    // ------------------------------------------------------------------ listing

    describe('listConsents', () => {
      it('an empty ledger lists no consents and no cursor', async () => {
        const page = await ledger.listConsents()
        expect(page.items).toEqual([])
        expect(page.cursor).toBeUndefined()
        expect(page.skipped ?? []).toEqual([])
        // filtered listings with no result (Fabric: an empty page has no pagination metadata)
        expect((await ledger.listConsents({ grantor: patient.address })).items).toEqual([])
        expect((await ledger.listConsents({ grantee: clinician.address, limit: 1 })).items).toEqual([])
        expect((await ledger.listConsents({ grantor: patient.address, grantee: clinician.address })).items).toEqual([])
        expect((await ledger.listConsents({})).items).toEqual([])
      })

      it('lists in registration order, filtered by grantor and/or grantee (any address case)', async () => {
        const a = await registered(patient, clinician)
        const b = await registered(patient, researcher)
        const c = await registered(researcher, clinician)
        const d = await registered(patient, clinician)
        const ids = (items: readonly { consent: Consent }[]) => items.map((r) => r.consent.id.toLowerCase())
        const id = (r: { consent: Consent }) => r.consent.id.toLowerCase()
        expect(ids((await ledger.listConsents()).items)).toEqual([a, b, c, d].map(id))
        expect(ids((await ledger.listConsents({ grantor: patient.address })).items)).toEqual([a, b, d].map(id))
        expect(ids((await ledger.listConsents({ grantee: clinician.address })).items)).toEqual([a, c, d].map(id))
        expect(
          ids((await ledger.listConsents({ grantor: patient.address, grantee: clinician.address })).items),
        ).toEqual([a, d].map(id))
        expect(ids((await ledger.listConsents({ grantor: patient.address.toLowerCase() as Hex })).items)).toEqual(
          [a, b, d].map(id),
        )
        expect((await ledger.listConsents({ grantor: intruder.address })).items).toEqual([])
        // records in a list are full records
        const first = (await ledger.listConsents()).items[0]!
        expect(first.ref).toEqual(a.ref)
        expect(first.signature.toLowerCase()).toBe(a.signature.toLowerCase())
      })

      it('pages with opaque cursors: every item once, in order, no cursor after the last page', async () => {
        const all: string[] = []
        for (let i = 0; i < 7; i++) {
          const grantee = i % 2 === 0 ? clinician : researcher
          all.push((await registered(patient, grantee)).consent.id.toLowerCase())
        }
        const pages: string[][] = []
        let cursor: string | undefined
        do {
          const page: Awaited<ReturnType<LedgerAdapter['listConsents']>> = await ledger.listConsents({
            limit: 3,
            ...(cursor === undefined ? {} : { cursor }),
          })
          expect(page.items.length).toBeLessThanOrEqual(3)
          pages.push(page.items.map((r) => r.consent.id.toLowerCase()))
          if (page.cursor !== undefined) expect(typeof page.cursor).toBe('string')
          cursor = page.cursor
          expect(pages.length).toBeLessThan(10)
        } while (cursor !== undefined)
        expect(pages.flat()).toEqual(all)
        expect(pages[0]).toHaveLength(3)
        // a filtered listing pages the same way
        const filtered: string[] = []
        cursor = undefined
        do {
          const page: Awaited<ReturnType<LedgerAdapter['listConsents']>> = await ledger.listConsents({
            grantee: clinician.address,
            limit: 2,
            ...(cursor === undefined ? {} : { cursor }),
          })
          filtered.push(...page.items.map((r) => r.consent.id.toLowerCase()))
          cursor = page.cursor
        } while (cursor !== undefined)
        expect(filtered).toEqual(all.filter((_, i) => i % 2 === 0))
        // a page exactly as large as what is left has no cursor after it... or an empty next page
        const exact = await ledger.listConsents({ limit: 7 })
        expect(exact.items).toHaveLength(7)
        if (exact.cursor !== undefined) expect((await ledger.listConsents({ cursor: exact.cursor })).items).toEqual([])
        // limit 1000 is allowed
        expect((await ledger.listConsents({ limit: 1000 })).items).toHaveLength(7)
      })

      it('a cursor stays valid while more consents are registered', async () => {
        const first = await registered(patient, clinician)
        const second = await registered(patient, clinician)
        const page1 = await ledger.listConsents({ limit: 1 })
        expect(page1.items.map((r) => r.ref)).toEqual([first.ref])
        const third = await registered(patient, clinician)
        const rest: LedgerRef[] = []
        let cursor = page1.cursor
        while (cursor !== undefined) {
          const page: Awaited<ReturnType<LedgerAdapter['listConsents']>> = await ledger.listConsents({
            limit: 1,
            cursor,
          })
          rest.push(...page.items.map((r) => r.ref))
          cursor = page.cursor
        }
        expect(rest).toEqual([second.ref, third.ref])
      })

      it('rejects a bad limit, cursor or filter', async () => {
        await registered(patient, clinician)
        for (const limit of [0, -1, 1001, 1.5, Number.NaN])
          await expectError(ledger.listConsents({ limit }), 'InvalidArgumentError', [
            'OUT_OF_RANGE',
            'INVALID_ARGUMENT',
          ])
        for (const cursor of ['not a cursor', '!!!', '0x00'])
          await expectError(ledger.listConsents({ cursor }), 'InvalidArgumentError', ['INVALID_ARGUMENT'])
        for (const grantor of ['0x1234', 'patient', 42])
          await expectError(ledger.listConsents({ grantor: grantor as Hex }), 'InvalidArgumentError', [
            'INVALID_TYPE',
            'INVALID_ARGUMENT',
          ])
        await expectError(ledger.listConsents({ grantee: '0xnope' as Hex }), 'InvalidArgumentError', [
          'INVALID_TYPE',
          'INVALID_ARGUMENT',
        ])
      })

      // finding 6: a regression test only where the harness can write around the adapter (writeUnchecked)
      it('a validly signed but SDK-invalid consent written around the adapter is skipped and reported, never fails the page', async () => {
        if (!harness?.writeUnchecked) {
          // nothing can reach the storage around the adapter: every listed item passed the rules
          await registered(patient, clinician)
          expect((await ledger.listConsents({ grantee: clinician.address })).skipped ?? []).toEqual([])
          return
        }
        const before = await registered(patient, clinician)
        // an unknown purpose code: the signature is valid, the consent is not (CONSENT_MALFORMED)
        const bad = { ...(await makeConsent(intruder, clinician)), purposes: ['NOT_A_PURPOSE'] }
        const badSigned: SignedConsent = {
          consent: bad,
          signature: signTypedData(intruder, {
            domain: ledger.domain,
            types: { Consent: consentTypes.Consent },
            primaryType: 'Consent',
            message: bad,
          }),
        }
        let landed = true
        try {
          await harness.writeUnchecked(badSigned)
        } catch {
          landed = false // the ledger itself refused it: also fine
        }
        const after = await registered(patient, clinician)
        const page = await ledger.listConsents({ grantee: clinician.address })
        expect(page.items.map((r) => r.ref)).toEqual([before.ref, after.ref])
        if (landed) {
          expect(page.skipped?.map((s) => s.code)).toEqual(['CONSENT_MALFORMED'])
          expectRefShape(ledger, page.skipped![0]!.ref)
        } else expect(page.skipped ?? []).toEqual([])
        // paging past it works too, one item a page
        const refs: LedgerRef[] = []
        let cursor: string | undefined
        let pages = 0
        do {
          const p: Awaited<ReturnType<LedgerAdapter['listConsents']>> = await ledger.listConsents({
            grantee: clinician.address,
            limit: 1,
            ...(cursor === undefined ? {} : { cursor }),
          })
          refs.push(...p.items.map((r) => r.ref))
          cursor = p.cursor
          expect(++pages).toBeLessThan(10)
        } while (cursor !== undefined)
        expect(refs).toEqual([before.ref, after.ref])
      })

      it('shows revocations in listed records', async () => {
        const a = await registered(patient, clinician)
        const b = await registered(patient, clinician)
        const rev = await ledger.revokeConsent(revocation(patient, b.consent.id))
        const { items } = await ledger.listConsents({ grantor: patient.address })
        expect(items[0]?.revocation).toBeUndefined()
        expect(items[0]?.ref).toEqual(a.ref)
        expect(items[1]?.revocation?.ref).toEqual(rev.ref)
      })
    })

    // ------------------------------------------------------------------ revocation

    describe('revocation', () => {
      it('the grantor revokes; getConsent shows the revocation', async () => {
        const record = await registered(patient, clinician)
        const rev = await ledger.revokeConsent(revocation(patient, record.consent.id))
        expectRefShape(ledger, rev.ref)
        expect(rev.revocation.consentId.toLowerCase()).toBe(record.consent.id.toLowerCase())
        expect(rev.revocation.grantor.toLowerCase()).toBe(patient.address.toLowerCase())
        expect(rev.ref.timestamp).toBeGreaterThanOrEqual(record.ref.timestamp)
        const found = await ledger.getConsent(keyOf(record))
        expect(found?.ref).toEqual(record.ref)
        expect(found?.revocation?.ref).toEqual(rev.ref)
        expect(found?.revocation?.revocation.consentId.toLowerCase()).toBe(record.consent.id.toLowerCase())
        expect(found?.revocation?.signature.toLowerCase()).toBe(rev.signature.toLowerCase())
      })

      it('revoking again returns the first revocation', async () => {
        const record = await registered(patient, clinician)
        const first = await ledger.revokeConsent(revocation(patient, record.consent.id))
        const again = await ledger.revokeConsent(revocation(patient, record.consent.id))
        expectSameRef(first.ref, again.ref)
        expect((await ledger.getConsent(keyOf(record)))?.revocation?.ref).toEqual(first.ref)
      })

      it('a stranger cannot revoke someone else’s key: a revocation naming the grantor must be signed by them', async () => {
        const record = await registered(patient, clinician)
        const id = record.consent.id
        // naming the grantor, signed by someone else
        await expectError(ledger.revokeConsent(revocation(intruder, id, patient)), 'ConsentError', [
          'CONSENT_SIGNATURE_INVALID',
        ])
        await expectError(ledger.revokeConsent(revocation(clinician, id, patient)), 'ConsentError', [
          'CONSENT_SIGNATURE_INVALID',
        ])
        // a tampered signature
        const good = revocation(patient, id)
        const flipped = `${good.signature.slice(0, 10)}${((Number.parseInt(good.signature[10]!, 16) ^ 1) & 15).toString(16)}${good.signature.slice(11)}`
        await expectError(ledger.revokeConsent({ ...good, signature: flipped as Hex }), 'ConsentError', [
          'CONSENT_SIGNATURE_INVALID',
        ])
        expect((await ledger.getConsent(keyOf(record)))?.revocation).toBeUndefined()
        expect(await ledger.getRevocation(keyOf(record))).toBeUndefined()
        // the grantee (or anyone) revoking the same id in their own name withdraws only their own key
        await ledger.revokeConsent(revocation(clinician, id))
        await ledger.revokeConsent(revocation(intruder, id))
        expect((await ledger.getConsent(keyOf(record)))?.revocation).toBeUndefined()
        expect(await ledger.getRevocation(keyOf(record))).toBeUndefined()
        expect((await ledger.getRevocation(consentKey(clinician.address, id)))?.revocation.grantor.toLowerCase()).toBe(
          clinician.address.toLowerCase(),
        )
      })

      it('a grantor revokes an id before the consent is registered; registering it afterwards yields a revoked consent', async () => {
        const c = await makeConsent(patient, clinician)
        const rev = await ledger.revokeConsent(revocation(patient, c.id))
        expectRefShape(ledger, rev.ref)
        expect(await ledger.getConsent(keyOf(c))).toBeUndefined()
        const standalone = await ledger.getRevocation(keyOf(c))
        expect(standalone?.ref).toEqual(rev.ref)
        expect(standalone?.revocation.consentId.toLowerCase()).toBe(c.id.toLowerCase())
        expect(standalone?.revocation.grantor.toLowerCase()).toBe(patient.address.toLowerCase())
        expect(standalone?.signature.toLowerCase()).toBe(rev.signature.toLowerCase())
        // idempotent before registration too
        expectSameRef(rev.ref, (await ledger.revokeConsent(revocation(patient, c.id))).ref)
        const record = await ledger.registerConsent(signed(patient, c))
        expect(record.revocation?.ref).toEqual(rev.ref)
        expect((await ledger.getConsent(keyOf(c)))?.revocation?.ref).toEqual(rev.ref)
        const listed = (await ledger.listConsents({ grantor: patient.address })).items
        expect(listed.map((r) => r.revocation?.ref)).toEqual([rev.ref])
        // withdrawing an id that is never registered (an emergency policy, a credential) is recorded as well
        const policyId = randomHex32()
        const policyRev = await ledger.revokeConsent(revocation(operator, policyId))
        expect((await ledger.getRevocation(consentKey(operator.address, policyId)))?.ref).toEqual(policyRev.ref)
      })

      it('getRevocation finds a revocation after registration too, and nothing for an unknown key', async () => {
        const record = await registered(patient, clinician)
        expect(await ledger.getRevocation(keyOf(record))).toBeUndefined()
        const rev = await ledger.revokeConsent(revocation(patient, record.consent.id))
        expect((await ledger.getRevocation(keyOf(record)))?.ref).toEqual(rev.ref)
        expect(await ledger.getRevocation(randomHex32())).toBeUndefined()
        for (const key of ['0x1234', null, 42])
          await expectError(ledger.getRevocation(key as Hex), 'InvalidArgumentError', [
            'INVALID_TYPE',
            'INVALID_ARGUMENT',
          ])
      })

      it('a malformed revocation is rejected', async () => {
        const record = await registered(patient, clinician)
        const good = revocation(patient, record.consent.id)
        for (const bad of [
          { ...good, revocation: { ...good.revocation, consentId: '0x12' } },
          { ...good, revocation: { consentId: good.revocation.consentId } },
          { ...good, signature: '0x00' },
          { revocation: good.revocation },
          null,
        ])
          await expectError(
            ledger.revokeConsent(bad as unknown as Parameters<LedgerAdapter['revokeConsent']>[0]),
            ['ConsentError', 'InvalidArgumentError'],
            ['CONSENT_MALFORMED', 'INVALID_TYPE', 'INVALID_ARGUMENT', 'INVALID_SIGNATURE', 'CONSENT_SIGNATURE_INVALID'],
          )
        expect((await ledger.getConsent(keyOf(record)))?.revocation).toBeUndefined()
      })
    })

    // ------------------------------------------------------------------ tombstones

    describe('tombstones', () => {
      it('records a tombstone and looks it up by (commitment, owner)', async () => {
        const commitment = randomHex32()
        const s = tombstone(patient, commitment)
        const record = await ledger.recordTombstone(s)
        expectRefShape(ledger, record.ref)
        expect(record.tombstone.commitment.toLowerCase()).toBe(commitment.toLowerCase())
        expect(record.tombstone.owner.toLowerCase()).toBe(patient.address.toLowerCase())
        expect(record.signature.toLowerCase()).toBe(s.signature.toLowerCase())
        const found = await ledger.getTombstone(commitment, patient.address)
        expect(found?.ref).toEqual(record.ref)
        expect(found?.tombstone.owner.toLowerCase()).toBe(patient.address.toLowerCase())
        expect(
          (
            await ledger.getTombstone(
              commitment.toUpperCase().replace('0X', '0x') as Hex,
              patient.address.toLowerCase() as Hex,
            )
          )?.ref,
        ).toEqual(record.ref)
        expect(await ledger.getTombstone(randomHex32(), patient.address)).toBeUndefined()
        expect(await ledger.getTombstone(commitment, researcher.address)).toBeUndefined()
      })

      it('recording the same tombstone again returns the first record', async () => {
        const commitment = randomHex32()
        const first = await ledger.recordTombstone(tombstone(patient, commitment))
        const again = await ledger.recordTombstone(tombstone(patient, commitment))
        expectSameRef(first.ref, again.ref)
      })

      it("review #4: a stranger's tombstone for a commitment does not block the owner's, nor is it returned for the owner", async () => {
        const commitment = randomHex32()
        // the stranger shreds "its" copy of the commitment first
        const squat = await ledger.recordTombstone(tombstone(intruder, commitment))
        expect(await ledger.getTombstone(commitment, patient.address)).toBeUndefined()
        const real = await ledger.recordTombstone(tombstone(patient, commitment))
        expect(real.ref.tx).not.toBe(squat.ref.tx)
        expect(real.tombstone.owner.toLowerCase()).toBe(patient.address.toLowerCase())
        const found = await ledger.getTombstone(commitment, patient.address)
        expect(found?.ref).toEqual(real.ref)
        expect(found?.tombstone.owner.toLowerCase()).toBe(patient.address.toLowerCase())
        const theirs = await ledger.getTombstone(commitment, intruder.address)
        expect(theirs?.ref).toEqual(squat.ref)
        expect(theirs?.tombstone.owner.toLowerCase()).toBe(intruder.address.toLowerCase())
        // each stays idempotent under its own key
        expectSameRef(real.ref, (await ledger.recordTombstone(tombstone(patient, commitment))).ref)
      })

      it('a tombstone not signed by its owner is INVALID_SIGNATURE and writes nothing', async () => {
        const commitment = randomHex32()
        await expectError(
          ledger.recordTombstone(tombstone(intruder, commitment, patient)),
          ['VerificationError', 'InvalidArgumentError', 'ConsentError'],
          ['INVALID_SIGNATURE'],
        )
        const otherDomain = signTombstone(patient, createSaltedDomain(`${ledger.ledgerId}:other`), {
          commitment,
          owner: patient.address,
        })
        await expectError(
          ledger.recordTombstone(otherDomain),
          ['VerificationError', 'InvalidArgumentError', 'ConsentError'],
          ['INVALID_SIGNATURE'],
        )
        expect(await ledger.getTombstone(commitment, patient.address)).toBeUndefined()
        expect(await ledger.getTombstone(commitment, intruder.address)).toBeUndefined()
      })

      it('rejects malformed tombstones and commitments', async () => {
        const good = tombstone(patient, randomHex32())
        for (const bad of [
          { ...good, tombstone: { ...good.tombstone, commitment: '0x12' } },
          { ...good, tombstone: { ...good.tombstone, owner: 'me' } },
          { tombstone: good.tombstone },
          null,
        ])
          await expectError(
            ledger.recordTombstone(bad as unknown as Parameters<LedgerAdapter['recordTombstone']>[0]),
            ['VerificationError', 'InvalidArgumentError', 'ConsentError'],
            ['INVALID_TYPE', 'INVALID_ARGUMENT', 'INVALID_SIGNATURE', 'CONSENT_MALFORMED'],
          )
        for (const commitment of ['0x12', null, `0x${'gg'.repeat(32)}`])
          await expectError(ledger.getTombstone(commitment as Hex, patient.address), 'InvalidArgumentError', [
            'INVALID_TYPE',
            'INVALID_ARGUMENT',
          ])
        for (const owner of ['me', null, '0x1234'])
          await expectError(ledger.getTombstone(good.tombstone.commitment, owner as Hex), 'InvalidArgumentError', [
            'INVALID_TYPE',
            'INVALID_ARGUMENT',
          ])
        expect(await ledger.getTombstone(good.tombstone.commitment, patient.address)).toBeUndefined()
      })
    })

    // ------------------------------------------------------------------ tree heads

    describe('tree heads', () => {
      it('records heads and looks them up by size and latest (largest size)', async () => {
        const name = randomLogName()
        const logId = computeLogId(operator.address, name)
        const h2 = await ledger.recordTreeHead(head(operator, { name, treeSize: 2 }))
        expectRefShape(ledger, h2.ref)
        expect(h2.head.treeSize).toBe(2)
        expect(h2.head.operator.toLowerCase()).toBe(operator.address.toLowerCase())
        expect(h2.head.nameHash.toLowerCase()).toBe(computeLogNameHash(name))
        const h10 = await ledger.recordTreeHead(head(operator, { name, treeSize: 10 }))
        // recorded out of order: a smaller head later does not become "latest"
        const h5 = await ledger.recordTreeHead(head(operator, { name, treeSize: 5 }))
        expect((await ledger.getTreeHead(logId))?.ref).toEqual(h10.ref)
        expect((await ledger.getTreeHead(logId, 2))?.ref).toEqual(h2.ref)
        expect((await ledger.getTreeHead(logId, 5))?.ref).toEqual(h5.ref)
        const found = await ledger.getTreeHead(logId, 10)
        expect(found?.head.root.toLowerCase()).toBe(h10.head.root.toLowerCase())
        expect(found?.head.timestamp).toBe(h10.head.timestamp)
        expect(found?.head.nameHash.toLowerCase()).toBe(computeLogNameHash(name))
        expect(found?.signature.toLowerCase()).toBe(h10.signature.toLowerCase())
        expect(await ledger.getTreeHead(logId, 3)).toBeUndefined()
        expect(await ledger.getTreeHead(randomHex32())).toBeUndefined()
        expect(await ledger.getTreeHead(randomHex32(), 2)).toBeUndefined()
      })

      it('recording the same head again returns the first record', async () => {
        const s = head(operator, { name: randomLogName(), treeSize: 4 })
        const first = await ledger.recordTreeHead(s)
        const again = await ledger.recordTreeHead(structuredClone(s))
        expectSameRef(first.ref, again.ref)
      })

      it('a different head of a recorded size is LEDGER_CONFLICT', async () => {
        const name = randomLogName()
        const logId = computeLogId(operator.address, name)
        const first = await ledger.recordTreeHead(head(operator, { name, treeSize: 4 }))
        await expectError(ledger.recordTreeHead(head(operator, { name, treeSize: 4 })), 'LedgerError', [
          'LEDGER_CONFLICT',
        ])
        await expectError(
          ledger.recordTreeHead(
            head(operator, { name, treeSize: 4, root: first.head.root, timestamp: first.head.timestamp + 1 }),
          ),
          'LedgerError',
          ['LEDGER_CONFLICT'],
        )
        expect((await ledger.getTreeHead(logId, 4))?.ref).toEqual(first.ref)
      })

      it("review #2: a stranger's self-signed head for someone else's log id is refused; the operator's head still records", async () => {
        const name = randomLogName()
        const logId = computeLogId(operator.address, name)
        const nameHash = computeLogNameHash(name)
        // the stranger claims the operator's log id first, with a head it validly signs itself
        await expectError(ledger.recordTreeHead(head(intruder, { name, treeSize: 1, logId })), 'LedgerError', [
          'LEDGER_REJECTED',
        ])
        await expectError(
          ledger.recordTreeHead(head(intruder, { name, treeSize: 1, logId, nameHash: randomHex32() })),
          'LedgerError',
          ['LEDGER_REJECTED'],
        )
        // a head of the operator's own log id that does not match its name hash
        await expectError(
          ledger.recordTreeHead(head(operator, { name, treeSize: 1, nameHash: computeLogNameHash(`${name}x`) })),
          'LedgerError',
          ['LEDGER_REJECTED'],
        )
        // any 32 bytes as a log id (the old rule: the first head binds it) are refused too
        await expectError(
          ledger.recordTreeHead(head(operator, { name, treeSize: 1, logId: randomHex32() })),
          'LedgerError',
          ['LEDGER_REJECTED'],
        )
        expect(await ledger.getTreeHead(logId)).toBeUndefined()
        // the operator's own head still records afterwards, and later heads too
        const first = await ledger.recordTreeHead(head(operator, { name, treeSize: 1 }))
        expect(first.head.logId.toLowerCase()).toBe(logId)
        expect(first.head.nameHash.toLowerCase()).toBe(nameHash)
        await expectError(ledger.recordTreeHead(head(intruder, { name, treeSize: 2, logId })), 'LedgerError', [
          'LEDGER_REJECTED',
        ])
        const second = await ledger.recordTreeHead(head(operator, { name, treeSize: 2 }))
        expect((await ledger.getTreeHead(logId))?.ref).toEqual(second.ref)
        expect((await ledger.getTreeHead(logId, 1))?.ref).toEqual(first.ref)
        // the stranger can run its own log of the same name: another log id
        const own = await ledger.recordTreeHead(head(intruder, { name, treeSize: 2 }))
        expect(own.head.operator.toLowerCase()).toBe(intruder.address.toLowerCase())
        expect(own.head.logId.toLowerCase()).toBe(computeLogId(intruder.address, name))
        expect((await ledger.getTreeHead(logId))?.ref).toEqual(second.ref)
      })

      it('a head not signed by its operator is INVALID_SIGNATURE and writes nothing', async () => {
        const name = randomLogName()
        const logId = computeLogId(operator.address, name)
        const forged = signTreeHead(intruder, ledger.domain, {
          logId,
          operator: operator.address,
          nameHash: computeLogNameHash(name),
          treeSize: 3,
          root: randomHex32(),
          timestamp: 1_700_000_000,
        })
        await expectError(
          ledger.recordTreeHead(forged),
          ['VerificationError', 'InvalidArgumentError', 'ConsentError'],
          ['INVALID_SIGNATURE'],
        )
        expect(await ledger.getTreeHead(logId)).toBeUndefined()
        // and the forgery did not block the log: the real operator can still record it
        expect((await ledger.recordTreeHead(head(operator, { name, treeSize: 3 }))).head.treeSize).toBe(3)
      })

      it('rejects malformed heads and lookups', async () => {
        const good = head(operator, { name: randomLogName(), treeSize: 3 })
        const { nameHash: _omit, ...withoutNameHash } = good.head
        for (const bad of [
          { ...good, head: { ...good.head, logId: '0x01' } },
          { ...good, head: { ...good.head, root: 'root' } },
          { ...good, head: { ...good.head, nameHash: '0x12' } },
          { ...good, head: withoutNameHash },
          { ...good, head: { ...good.head, treeSize: -1 } },
          { ...good, head: { ...good.head, treeSize: 1.5 } },
          { head: good.head },
          null,
        ])
          await expectError(
            ledger.recordTreeHead(bad as unknown as Parameters<LedgerAdapter['recordTreeHead']>[0]),
            ['VerificationError', 'InvalidArgumentError', 'ConsentError', 'LedgerError'],
            [
              'INVALID_TYPE',
              'INVALID_ARGUMENT',
              'OUT_OF_RANGE',
              'INVALID_SIGNATURE',
              'TREE_HEAD_INVALID',
              'LEDGER_REJECTED',
            ],
          )
        for (const logId of ['0x01', null, 7])
          await expectError(ledger.getTreeHead(logId as Hex), 'InvalidArgumentError', [
            'INVALID_TYPE',
            'INVALID_ARGUMENT',
          ])
        for (const size of [-1, 1.5, Number.NaN])
          await expectError(ledger.getTreeHead(good.head.logId, size), 'InvalidArgumentError', [
            'OUT_OF_RANGE',
            'INVALID_ARGUMENT',
          ])
        expect(await ledger.getTreeHead(good.head.logId)).toBeUndefined()
      })
    })

    // ------------------------------------------------------------------ references, time, ordering

    describe('ledger references and time', () => {
      it('every write gets its own reference; blocks and timestamps never go backwards; getTime() covers them', async () => {
        const refs: LedgerRef[] = []
        refs.push((await ledger.anchorRoot({ root: root(), treeSize: 1, kind: 'records' })).ref)
        const consent = await registered(patient, clinician)
        refs.push(consent.ref)
        refs.push((await ledger.recordTombstone(tombstone(patient, randomHex32()))).ref)
        refs.push((await ledger.recordTreeHead(head(operator, { name: randomLogName(), treeSize: 1 }))).ref)
        refs.push((await ledger.revokeConsent(revocation(patient, consent.consent.id))).ref)
        refs.push((await ledger.anchorRoot({ root: root(), treeSize: 2, kind: 'events' })).ref)
        for (const ref of refs) expectRefShape(ledger, ref)
        for (let i = 1; i < refs.length; i++) {
          expect(refs[i]!.block).toBeGreaterThanOrEqual(refs[i - 1]!.block)
          expect(refs[i]!.timestamp).toBeGreaterThanOrEqual(refs[i - 1]!.timestamp)
        }
        expect(new Set(refs.map((r) => r.tx)).size).toBe(refs.length)
        const now = await ledger.getTime()
        for (const ref of refs) expect(now).toBeGreaterThanOrEqual(ref.timestamp)
      })

      it('follows the ledger clock when the harness can advance it', async () => {
        const before = await ledger.getTime()
        const a = await ledger.anchorRoot({ root: root(), treeSize: 1, kind: 'records' })
        if (!harness?.advanceTime) return
        await harness.advanceTime(3600)
        const after = await ledger.getTime()
        expect(after).toBeGreaterThanOrEqual(before + 3600)
        const b = await ledger.anchorRoot({ root: root(), treeSize: 1, kind: 'records' })
        expect(b.ref.timestamp).toBeGreaterThanOrEqual(a.ref.timestamp + 3600)
        expect(await ledger.getTime()).toBeGreaterThanOrEqual(b.ref.timestamp)
        // an idempotent repeat keeps its original time
        const again = await ledger.anchorRoot({ root: a.root, treeSize: 1, kind: 'records' })
        expect(again.ref).toEqual(a.ref)
      })

      // finding 7, for every ledger; the regression test proper (it fails on the old memory ledger) is the next one
      it('getTime() never decreases across calls and writes', async () => {
        const seen: number[] = []
        const tick = async () => {
          seen.push(await ledger.getTime())
        }
        await tick()
        await tick()
        const a = await ledger.anchorRoot({ root: root(), treeSize: 1, kind: 'records' })
        await tick()
        expect(seen.at(-1)).toBeGreaterThanOrEqual(a.ref.timestamp)
        if (harness?.advanceTime) await harness.advanceTime(60)
        await tick()
        const c = await registered(patient, clinician)
        await tick()
        expect(seen.at(-1)).toBeGreaterThanOrEqual(c.ref.timestamp)
        const times = await Promise.all(Array.from({ length: 5 }, () => ledger.getTime()))
        for (const t of times) expect(Number.isSafeInteger(t)).toBe(true)
        seen.push(Math.max(...times))
        await tick()
        for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!)
      })

      it('review #7: getTime() does not go backwards when the clock under the ledger does', async () => {
        if (!harness?.rewindTime) return
        if (harness.advanceTime) await harness.advanceTime(3600)
        const before = await ledger.getTime()
        await harness.rewindTime(1800)
        // without a write in between (a read-only node answering from an older block, a clock stepping back)
        expect(await ledger.getTime()).toBeGreaterThanOrEqual(before)
        const a = await ledger.anchorRoot({ root: root(), treeSize: 1, kind: 'records' })
        expect(a.ref.timestamp).toBeGreaterThanOrEqual(before)
        await harness.rewindTime(1800)
        expect(await ledger.getTime()).toBeGreaterThanOrEqual(a.ref.timestamp)
        const b = await ledger.anchorRoot({ root: root(), treeSize: 2, kind: 'records' })
        expect(b.ref.timestamp).toBeGreaterThanOrEqual(a.ref.timestamp)
      })
    })

    describe('concurrency and ordering', () => {
      it(`${concurrency} parallel anchors and ${concurrency} parallel consents all land, each exactly once`, async () => {
        const roots = Array.from({ length: concurrency }, root)
        const consents = await Promise.all(Array.from({ length: concurrency }, () => makeConsent(patient, clinician)))
        const [anchored, registeredAll] = await Promise.all([
          Promise.all(roots.map((r, i) => ledger.anchorRoot({ root: r, treeSize: i + 1, kind: 'records' }))),
          Promise.all(consents.map((c) => ledger.registerConsent(signed(patient, c)))),
        ])
        for (const [i, r] of roots.entries()) {
          const found = await ledger.getAnchor(at(r, i + 1, 'records'))
          expect(found?.treeSize).toBe(i + 1)
          expect(found?.ref).toEqual(anchored[i]!.ref)
        }
        const txs = [...anchored, ...registeredAll].map((x) => x.ref.tx)
        expect(new Set(txs).size).toBe(txs.length)
        const listed = (await ledger.listConsents({ limit: 1000 })).items
        expect(listed).toHaveLength(concurrency)
        expect(new Set(listed.map((r) => r.consent.id.toLowerCase()))).toEqual(
          new Set(consents.map((c) => c.id.toLowerCase())),
        )
        // registration order is the order of the consents' ledger references
        for (let i = 1; i < listed.length; i++)
          expect(listed[i]!.ref.block).toBeGreaterThanOrEqual(listed[i - 1]!.ref.block)
      })

      it('parallel tombstones and tree heads of many logs all land, each exactly once', async () => {
        const commitments = Array.from({ length: concurrency }, randomHex32)
        const names = Array.from({ length: concurrency }, randomLogName)
        const [stones, heads] = await Promise.all([
          Promise.all(commitments.map((c) => ledger.recordTombstone(tombstone(patient, c)))),
          Promise.all(names.map((name, i) => ledger.recordTreeHead(head(operator, { name, treeSize: i + 1 })))),
        ])
        for (const [i, c] of commitments.entries())
          expect((await ledger.getTombstone(c, patient.address))?.ref).toEqual(stones[i]!.ref)
        for (const [i, name] of names.entries())
          expect((await ledger.getTreeHead(computeLogId(operator.address, name)))?.ref).toEqual(heads[i]!.ref)
        const txs = [...stones, ...heads].map((x) => x.ref.tx)
        expect(new Set(txs).size).toBe(txs.length)
      })

      it('parallel identical writes land once and all return the same record', async () => {
        const r = root()
        const c = signed(patient, await makeConsent(patient, clinician))
        const results = await Promise.all([
          ...Array.from({ length: 5 }, () => ledger.anchorRoot({ root: r, treeSize: 9, kind: 'export' })),
          ...Array.from({ length: 5 }, () => ledger.registerConsent(c)),
        ])
        const anchorRefs = results.slice(0, 5).map((x) => x.ref)
        const consentRefs = results.slice(5).map((x) => x.ref)
        for (const ref of anchorRefs) expect(ref).toEqual(anchorRefs[0])
        for (const ref of consentRefs) expect(ref).toEqual(consentRefs[0])
        expect((await ledger.listConsents()).items).toHaveLength(1)
      })

      it('review #8: parallel anchors of one root with different metadata all land, each under its own key', async () => {
        const r = root()
        const sizes = [1, 2, 3, 4]
        const records = await Promise.all(
          sizes.map((treeSize) => ledger.anchorRoot({ root: r, treeSize, kind: 'records' })),
        )
        expect(new Set(records.map((x) => x.ref.tx)).size).toBe(sizes.length)
        for (const [i, treeSize] of sizes.entries())
          expect((await ledger.getAnchor(at(r, treeSize, 'records')))?.ref).toEqual(records[i]!.ref)
      })

      it('parallel conflicting heads of one size: exactly one wins, the others are LEDGER_CONFLICT', async () => {
        const name = randomLogName()
        const settled = await Promise.allSettled(
          [1, 2, 3, 4].map(() => ledger.recordTreeHead(head(operator, { name, treeSize: 7 }))),
        )
        const won = settled.filter((s) => s.status === 'fulfilled')
        expect(won).toHaveLength(1)
        for (const s of settled)
          if (s.status === 'rejected') expect((s.reason as { code?: unknown }).code).toBe('LEDGER_CONFLICT')
        const winner = (won[0] as PromiseFulfilledResult<{ ref: LedgerRef }>).value
        expect((await ledger.getTreeHead(computeLogId(operator.address, name), 7))?.ref).toEqual(winner.ref)
      })

      it('lists consents in the order they were registered', async () => {
        const ids: string[] = []
        for (let i = 0; i < 5; i++)
          ids.push((await registered(i % 2 ? researcher : patient, clinician)).consent.id.toLowerCase())
        const listed = (await ledger.listConsents({ grantee: clinician.address })).items
        expect(listed.map((r) => r.consent.id.toLowerCase())).toEqual(ids)
      })
    })
  })
}
