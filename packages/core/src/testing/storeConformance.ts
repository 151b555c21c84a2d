/**
 * The store conformance suite: one call registers every test of the store interfaces' rules with vitest, so that a
 * store implementation (memory, PGlite, PostgreSQL, IndexedDB, or an integrator's own) proves it behaves like every
 * other: {@link AccessLogStore}, {@link CustodianStore}, {@link BreakGlassStore}, {@link AnchorStore} and
 * {@link SyncCheckpointStore}.
 *
 * What the suite pins down: every method's contract; idempotency (insert-if-absent, pending sets); atomicity (a write
 * that fails half way stores nothing: an append with one bad leaf, a queue that would overflow, a release whose log
 * entry cannot be stored); an entry's owner never changes; concurrency (parallel writers on one instance, and on two
 * instances over the same database when the harness can open a second one); a large log opens without reading its
 * entries (counted store reads, not time); and tampering (when the harness can corrupt a stored row) is reported as
 * `STORE_CORRUPT`, never served.
 * @module
 */

import { createAccessLog } from '../accessLog/createAccessLog.js'
import { encodeAccessEvent } from '../accessLog/event.js'
import { type AccessLogLeaf, type AccessLogStore, accessLogBorderKeys } from '../accessLog/store.js'
import type { AnchorStore } from '../anchor/anchorStore.js'
import { createAnchorer } from '../anchor/createAnchorer.js'
import type { Receipt } from '../anchor/receipt.js'
import { verifyReceipt } from '../anchor/verifyReceipt.js'
import type { BreakGlassStore } from '../breakGlass/breakGlassStore.js'
import type { BreakGlassReview, EmergencyGrant } from '../breakGlass/createBreakGlass.js'
import { bytesToHex0x, randomBytes } from '../bytes/index.js'
import { createCustodian } from '../custodian/createCustodian.js'
import type { CustodianEntry, CustodianRelease, CustodianStore } from '../custodian/custodianStore.js'
import { decodeEnvelope } from '../envelope/decodeEnvelope.js'
import { encodeEnvelope } from '../envelope/encodeEnvelope.js'
import { open as openEnvelope } from '../envelope/open.js'
import { seal } from '../envelope/seal.js'
import type { Envelope } from '../envelope/types.js'
import type { ErrorCode } from '../errors/codes.js'
import { createParty } from '../identity/createParty.js'
import type { Party } from '../identity/types.js'
import { consentKey } from '../ledger/consentKey.js'
import type { LedgerAdapter } from '../ledger/types.js'
import { _leafHash } from '../merkle/hash.js'
import { buildMerkleBatch, merkleRoot } from '../merkle/tree.js'
import type { SyncCheckpoint, SyncCheckpointStore } from '../sync/checkpointStore.js'
import type { Address, Hex } from '../types.js'
import { afterEach, beforeEach, describe, expect, it } from './_vitest.js'
import { depositAndGrant } from './depositAndGrant.js'

/** One instance of every store, over one database. */
export type StoreConformanceSet = {
  /** An access log store (of one log), of the same database as `custodian` (for `commitRelease`). */
  readonly accessLog: AccessLogStore
  readonly custodian: CustodianStore
  readonly breakGlass: BreakGlassStore
  readonly anchor: AnchorStore
  readonly syncCheckpoints: SyncCheckpointStore
}

/** What the suite may ask a harness to corrupt, as someone with write access to the database would. */
export type StoreTamperTarget =
  /** Alter the stored event bytes of log entry `index` (leaving its stored leaf hash). */
  | { readonly kind: 'logEntry'; readonly index: number }
  /** Alter the stored hash of tree node `(level, index)` (level 0: the entry's leaf hash). */
  | { readonly kind: 'logNode'; readonly level: number; readonly index: number }
  /** Alter the wrapped keys of the stored envelope of a custodian entry. */
  | { readonly kind: 'custodianEnvelope'; readonly commitment: Hex }
  /** Alter the root of a stored anchor receipt. */
  | { readonly kind: 'receipt'; readonly commitment: Hex }

/** What `create` returns for each test: fresh, empty stores over a fresh database. */
export type StoreConformanceHarness = {
  readonly stores: StoreConformanceSet
  /**
   * A second instance of every store over the SAME database, as another process would open it (another connection,
   * another PGlite client is not allowed: leave it out there). The concurrency tests then write through both.
   */
  readonly openSecond?: () => Promise<StoreConformanceSet>
  /**
   * Restarts: closes the stores of `create` (without any orderly shutdown of their state) and opens every store again
   * over the same data, as a restarted process would. Leave it out where the data lives in one process's memory. The
   * replay test then checks that a request remembered before the restart is still a replay after it.
   */
  readonly reopen?: () => Promise<StoreConformanceSet>
  /** Corrupts one stored item around the store (raw SQL, a raw IndexedDB put). Enables the tamper tests. */
  readonly tamper?: (target: StoreTamperTarget) => Promise<void>
  /** Releases what `create` made (closes connections, drops the database). Runs after each test, even a failed one. */
  readonly cleanup?: () => Promise<void>
}

/** Options of {@link describeStoreConformance}. */
export type StoreConformanceOptions = {
  /** Makes fresh, empty stores for one test. Called once per test. */
  readonly create: () => Promise<StoreConformanceHarness>
  /** A ledger for the tests that run the SDK over the stores (`createAccessLog`): a fresh memory ledger is enough. */
  readonly createLedger: () => LedgerAdapter
  /** Per-test timeout in milliseconds. Default 60 000. */
  readonly timeoutMs?: number
  /** Entries of the large-log test (default 10 000). */
  readonly largeLogEntries?: number
  /** Parallel writers in the concurrency tests (default 20). */
  readonly concurrency?: number
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (e) {
    return e
  }
  throw new Error('Expected the call to throw, but it resolved.')
}

async function expectCode(promise: Promise<unknown>, codes: readonly ErrorCode[]) {
  const e = (await caught(promise)) as { code?: unknown; shortMessage?: unknown } | null
  expect(typeof e?.shortMessage, `a medseal error (got ${String(e)})`).toBe('string')
  expect(codes, `error code (got ${String(e?.code)})`).toContain(e?.code)
}

const hex32 = (): Hex => bytesToHex0x(randomBytes(32))
const leafOf = (i: number): AccessLogLeaf => {
  const leafData = encodeAccessEvent({
    actor: '0x00000000000000000000000000000000000000a1',
    action: 'read',
    commitment: `0x${(i % 256).toString(16).padStart(2, '0').repeat(32)}` as Hex,
    at: 1_700_000_000 + i,
    purpose: 'TREAT',
    outcome: 'permit',
  })
  return { leafData, leafHash: _leafHash(leafData) }
}

/** The RFC 9162 root over the stored border nodes of a store. */
async function rootFromNodes(store: AccessLogStore, size: number): Promise<Uint8Array> {
  const { _nodeHash, _EMPTY_ROOT } = await import('../merkle/hash.js')
  if (size === 0) return _EMPTY_ROOT.slice()
  const nodes = await store.getNodes(accessLogBorderKeys(size))
  expect(
    nodes.every((n) => n?.length === 32),
    'every border node is stored',
  ).toBe(true)
  let r = nodes[nodes.length - 1] as Uint8Array
  for (let i = nodes.length - 2; i >= 0; i--) r = _nodeHash(nodes[i] as Uint8Array, r)
  return r
}

/**
 * Registers the store conformance suite with vitest under `describe(name)`. Each test gets fresh stores from
 * `create` and calls the harness's `cleanup` afterwards.
 *
 * @param name - the `describe` label, e.g. `'PGlite stores'`
 * @param options - `create`, `createLedger`, optional `timeoutMs`, `largeLogEntries`, `concurrency`
 * @example
 * ```ts
 * import { createMemoryLedger } from '@medseal/adapter-memory'
 * import { describeStoreConformance } from '@medseal/core/testing'
 * import { createMemoryStores } from './stores.js' // one instance of every store
 *
 * describeStoreConformance('memory stores', {
 *   create: async () => ({ stores: createMemoryStores() }),
 *   createLedger: () => createMemoryLedger({ id: 'stores' }),
 * })
 * ```
 */
export function describeStoreConformance(name: string, options: StoreConformanceOptions): void {
  const timeout = options.timeoutMs ?? 60_000
  const concurrency = options.concurrency ?? 20
  const large = options.largeLogEntries ?? 10_000

  describe(`Store conformance: ${name}`, { timeout }, () => {
    let harness: StoreConformanceHarness | undefined
    let s: StoreConformanceSet
    const operator: Party = createParty({ seed: Uint8Array.from({ length: 32 }, (_, i) => (i * 13 + 5) & 0xff) })

    beforeEach(async () => {
      harness = await options.create()
      s = harness.stores
    }, timeout)

    afterEach(async () => {
      const h = harness
      harness = undefined
      await h?.cleanup?.()
    }, timeout)

    const second = () => harness?.openSecond
    const reopen = () => harness?.reopen
    const tamper = () => harness?.tamper

    describe('AccessLogStore', () => {
      it('starts empty', async () => {
        expect(await s.accessLog.size()).toBe(0)
        expect(await s.accessLog.get(0)).toBeUndefined()
        expect(await s.accessLog.getNodes([{ level: 0, index: 0 }])).toEqual([undefined])
      })

      it('appends one and many leaves at the current size, and returns what it stored', async () => {
        const leaves = Array.from({ length: 7 }, (_, i) => leafOf(i))
        expect(await s.accessLog.append([leaves[0] as AccessLogLeaf])).toEqual({ firstIndex: 0, size: 1 })
        expect(await s.accessLog.append(leaves.slice(1))).toEqual({ firstIndex: 1, size: 7 })
        expect(await s.accessLog.size()).toBe(7)
        for (let i = 0; i < 7; i++) {
          const e = await s.accessLog.get(i)
          expect(e?.index).toBe(i)
          expect(e?.leafData).toEqual((leaves[i] as AccessLogLeaf).leafData)
          expect(e?.leafHash).toEqual((leaves[i] as AccessLogLeaf).leafHash)
        }
        expect(await s.accessLog.get(7)).toBeUndefined()
      })

      it('stores every complete subtree: the border of every size gives the RFC 9162 root', async () => {
        const leaves: AccessLogLeaf[] = []
        for (let n = 1; n <= 40; n++) {
          const leaf = leafOf(n)
          leaves.push(leaf)
          await s.accessLog.append([leaf])
          expect(await rootFromNodes(s.accessLog, n)).toEqual(merkleRoot(leaves.map((l) => l.leafData)))
        }
        // a batch that crosses several subtree boundaries at once
        const batch = Array.from({ length: 25 }, (_, i) => leafOf(100 + i))
        leaves.push(...batch)
        await s.accessLog.append(batch)
        expect(await rootFromNodes(s.accessLog, 65)).toEqual(merkleRoot(leaves.map((l) => l.leafData)))
        // interior nodes of levels >= 1 exist for every complete subtree
        const [n32] = await s.accessLog.getNodes([{ level: 5, index: 0 }])
        expect(n32).toEqual(merkleRoot(leaves.slice(0, 32).map((l) => l.leafData)))
        const [n64] = await s.accessLog.getNodes([{ level: 6, index: 0 }])
        expect(n64).toEqual(merkleRoot(leaves.slice(0, 64).map((l) => l.leafData)))
        expect(await s.accessLog.getNodes([{ level: 6, index: 1 }])).toEqual([undefined])
      })

      it('an append that fails stores nothing of it (a bad leaf in a batch, an empty batch)', async () => {
        await s.accessLog.append([leafOf(0)])
        const bad = { leafData: leafOf(2).leafData, leafHash: new Uint8Array(31) }
        await expect(s.accessLog.append([leafOf(1), bad])).rejects.toThrow()
        await expect(s.accessLog.append([])).rejects.toThrow()
        expect(await s.accessLog.size()).toBe(1)
        expect(await s.accessLog.get(1)).toBeUndefined()
        expect(await s.accessLog.append([leafOf(1)])).toEqual({ firstIndex: 1, size: 2 })
      })

      it('hands out copies: changing returned bytes changes nothing stored', async () => {
        const leaf = leafOf(0)
        await s.accessLog.append([leaf])
        leaf.leafData.fill(0)
        const e = (await s.accessLog.get(0)) as AccessLogLeaf
        expect(e.leafData).toEqual(leafOf(0).leafData)
        e.leafHash.fill(0)
        const [h] = await s.accessLog.getNodes([{ level: 0, index: 0 }])
        expect(h).toEqual(leafOf(0).leafHash)
      })

      it(`parallel appends (${concurrency}) get distinct indexes and one tree`, async () => {
        const leaves = Array.from({ length: concurrency }, (_, i) => leafOf(i))
        const results = await Promise.all(leaves.map((l) => s.accessLog.append([l])))
        expect(results.map((r) => r.firstIndex).sort((a, b) => a - b)).toEqual(leaves.map((_, i) => i))
        const stored = await Promise.all(leaves.map((_, i) => s.accessLog.get(i)))
        expect(await rootFromNodes(s.accessLog, concurrency)).toEqual(
          merkleRoot(stored.map((e) => (e as AccessLogLeaf).leafData)),
        )
      })

      it('two instances over one database append to one tree', async (ctx) => {
        const open = second()
        if (!open) return ctx.skip()
        const other = await open()
        const leaves = Array.from({ length: 2 * concurrency }, (_, i) => leafOf(i))
        const results = await Promise.all(
          leaves.map((l, i) => (i % 2 === 0 ? s.accessLog : other.accessLog).append([l])),
        )
        expect(results.map((r) => r.firstIndex).sort((a, b) => a - b)).toEqual(leaves.map((_, i) => i))
        expect(await other.accessLog.size()).toBe(leaves.length)
        const stored = await Promise.all(leaves.map((_, i) => s.accessLog.get(i)))
        const expected = merkleRoot(stored.map((e) => (e as AccessLogLeaf).leafData))
        expect(await rootFromNodes(s.accessLog, leaves.length)).toEqual(expected)
        expect(await rootFromNodes(other.accessLog, leaves.length)).toEqual(expected)
      })

      it(`a log of ${large} entries opens without reading its entries`, async () => {
        const ledger = options.createLedger()
        const batch = 1000
        for (let i = 0; i < large; i += batch) {
          await s.accessLog.append(Array.from({ length: Math.min(batch, large - i) }, (_, j) => leafOf(i + j)))
        }
        const reads = { get: 0, getNodes: 0, size: 0 }
        const counted: AccessLogStore = {
          size: () => {
            reads.size++
            return s.accessLog.size()
          },
          get: (i) => {
            reads.get++
            return s.accessLog.get(i)
          },
          getNodes: (k) => {
            reads.getNodes++
            return s.accessLog.getNodes(k)
          },
          append: (l) => s.accessLog.append(l),
        }
        const log = await createAccessLog({ operator, ledger, name: 'large', store: counted })
        expect(log.size).toBe(large)
        expect(reads.get).toBe(0)
        expect(reads.getNodes).toBeLessThanOrEqual(2)
        const event = await log.getEvent(large - 1)
        expect(event.at).toBe(1_700_000_000 + large - 1)
        expect(reads.get).toBe(1)
      })

      it('a tampered entry is STORE_CORRUPT, never served', async (ctx) => {
        const t = tamper()
        if (!t) return ctx.skip()
        const log = await createAccessLog({
          operator,
          ledger: options.createLedger(),
          name: 'tamper',
          store: s.accessLog,
        })
        for (let i = 0; i < 5; i++) await log.append(encodeEventOf(i))
        await t({ kind: 'logEntry', index: 3 })
        await expectCode(log.getEvent(3), ['STORE_CORRUPT'])
        expect((await log.getEvent(2)).at).toBe(1_700_000_002)
      })

      it('a tampered tree node is STORE_CORRUPT when the log opens against its published head', async (ctx) => {
        const t = tamper()
        if (!t) return ctx.skip()
        const ledger = options.createLedger()
        const log = await createAccessLog({ operator, ledger, name: 'tamper-node', store: s.accessLog })
        for (let i = 0; i < 6; i++) await log.append(encodeEventOf(i))
        await log.publishHead()
        await t({ kind: 'logNode', level: 2, index: 0 })
        await expectCode(createAccessLog({ operator, ledger, name: 'tamper-node', store: s.accessLog }), [
          'STORE_CORRUPT',
        ])
      })

      it('a tampered leaf hash is STORE_CORRUPT on read', async (ctx) => {
        const t = tamper()
        if (!t) return ctx.skip()
        const log = await createAccessLog({
          operator,
          ledger: options.createLedger(),
          name: 'tamper-leaf',
          store: s.accessLog,
        })
        for (let i = 0; i < 4; i++) await log.append(encodeEventOf(i))
        await t({ kind: 'logNode', level: 0, index: 1 })
        await expectCode(log.getEvent(1), ['STORE_CORRUPT'])
      })
    })

    describe('CustodianStore', () => {
      const owner = '0x00000000000000000000000000000000000000b1' as Address
      const stranger = '0x00000000000000000000000000000000000000b2' as Address
      const entryOf = (commitment: Hex, who: Address): CustodianEntry =>
        Object.freeze({ commitment, owner: who, resourceType: 'Observation', labels: Object.freeze(['PSY']) })
      const releaseOf = (grantor: Address, consentId: Hex, commitment: Hex, at = 1): CustodianRelease =>
        Object.freeze({
          consentKey: consentKey(grantor, consentId),
          consentId,
          grantor,
          commitment,
          grantee: stranger,
          encryptionKey: hex32(),
          at,
        })

      /**
       * A custodian over the set's custodian and access-log stores (log `name`), with the patient, doctor and vendor of
       * seeds `seed`, `seed + 1` and `seed + 2`.
       */
      const custodianOverStores = async (seed: number, name: string) => {
        const ledger = options.createLedger()
        const [patient, doctor, vendor] = [seed, seed + 1, seed + 2].map((n) =>
          createParty({ seed: Uint8Array.from({ length: 32 }, (_, i) => (n * 7 + i) & 0xff) }),
        ) as [Party, Party, Party]
        const log = await createAccessLog({ operator: vendor, ledger, name, store: s.accessLog })
        const custodian = createCustodian({ party: vendor, ledger, log, store: s.custodian })
        return { ledger, patient, doctor, log, custodian }
      }

      it('inserts an entry once; its owner never changes', async () => {
        const c = hex32()
        expect(await s.custodian.getEntry(c)).toBeUndefined()
        expect(await s.custodian.insertEntry(entryOf(c, owner))).toBeUndefined()
        const again = await s.custodian.insertEntry(entryOf(c, stranger))
        expect(again?.owner.toLowerCase()).toBe(owner.toLowerCase())
        const stored = await s.custodian.getEntry(c)
        expect(stored?.owner.toLowerCase()).toBe(owner.toLowerCase())
        expect(stored?.resourceType).toBe('Observation')
        expect([...(stored?.labels ?? [])]).toEqual(['PSY'])
      })

      it('replaces an entry with putEntry (superseded, shredded)', async () => {
        const c = hex32()
        const next = hex32()
        await s.custodian.insertEntry(entryOf(c, owner))
        await s.custodian.putEntry({ ...entryOf(c, owner), supersededBy: next })
        expect((await s.custodian.getEntry(c))?.supersededBy?.toLowerCase()).toBe(next.toLowerCase())
        await s.custodian.putEntry({ ...entryOf(c, owner), shredded: true })
        const e = await s.custodian.getEntry(c)
        expect(e?.shredded).toBe(true)
        expect(e?.envelope).toBeUndefined()
      })

      it('keeps its own copy of what it stores: changing an entry or release given or read back changes nothing stored', async () => {
        const sealed = await seal({ resourceType: 'Observation', status: 'final' }, { recipients: [operator] })
        const c = bytesToHex0x(sealed.commitment)
        const kept = encodeEnvelope(sealed.envelope)
        // fresh buffers (the sealed envelope's may be shared, e.g. a memoized key id): changed below in place
        const given = { ...entryOf(c, owner), envelope: decodeEnvelope(kept) }
        const scribble = (e: CustodianEntry | undefined) => {
          const env = e?.envelope
          if (!env) throw new Error('no envelope')
          for (const b of [env.id, env.nonce, env.keyCommitment, env.ciphertext]) b.fill(0)
          for (const r of env.recipients) for (const b of [r.keyId, r.enc, r.wrappedKey]) b.fill(0)
        }
        const storedEnvelope = async () => encodeEnvelope((await s.custodian.getEntry(c))?.envelope as Envelope)
        expect(await s.custodian.insertEntry(given)).toBeUndefined()
        scribble(given)
        expect(await storedEnvelope()).toEqual(kept)
        scribble(await s.custodian.getEntry(c))
        expect(await storedEnvelope()).toEqual(kept)
        scribble(await s.custodian.insertEntry({ ...entryOf(c, owner), envelope: decodeEnvelope(kept) }))
        expect(await storedEnvelope()).toEqual(kept)
        const both = s.custodian.getEntryAndRememberRequest
        if (both) scribble((await both({ commitment: c, digest: hex32(), until: 100, now: 10 })).entry)
        expect(await storedEnvelope()).toEqual(kept)
        const replaced = { ...entryOf(c, owner), envelope: decodeEnvelope(kept), supersededBy: hex32() }
        await s.custodian.putEntry(replaced)
        scribble(replaced)
        expect(await storedEnvelope()).toEqual(kept)
        // a release: the object given, and one read back (where it is not frozen), changed after the write
        const id = hex32()
        const release = { ...releaseOf(owner, id, c), grantee: owner }
        await s.custodian.addRelease(release)
        Object.assign(release, { grantee: stranger })
        const [read] = await s.custodian.listReleases(consentKey(owner, id))
        if (read && !Object.isFrozen(read)) Object.assign(read, { grantee: stranger })
        expect((await s.custodian.listReleases(consentKey(owner, id)))[0]?.grantee.toLowerCase()).toBe(
          owner.toLowerCase(),
        )
      })

      it(`parallel inserts of one commitment (${concurrency}, two instances when possible) keep one owner`, async () => {
        const c = hex32()
        const other = (await second()?.()) ?? s
        const owners = Array.from(
          { length: concurrency },
          (_, i) => `0x${(i + 1).toString(16).padStart(40, '0')}` as Address,
        )
        const results = await Promise.all(
          owners.map((o, i) => (i % 2 === 0 ? s : other).custodian.insertEntry(entryOf(c, o))),
        )
        expect(results.filter((r) => r === undefined)).toHaveLength(1)
        const winner = owners[results.indexOf(undefined)] as Address
        for (const r of results) if (r) expect(r.owner.toLowerCase()).toBe(winner.toLowerCase())
        expect((await other.custodian.getEntry(c))?.owner.toLowerCase()).toBe(winner.toLowerCase())
      })

      it('lists and deletes releases by consent key', async () => {
        const id = hex32()
        const c = hex32()
        await s.custodian.addRelease(releaseOf(owner, id, c, 1))
        await s.custodian.addRelease(releaseOf(owner, id, c, 2))
        await s.custodian.addRelease(releaseOf(stranger, id, c, 3)) // same id, another grantor: another key
        const listed = await s.custodian.listReleases(consentKey(owner, id))
        expect(listed.map((r) => r.at)).toEqual([1, 2])
        expect(listed[0]?.commitment.toLowerCase()).toBe(c.toLowerCase())
        expect(await s.custodian.deleteReleases(consentKey(owner, id))).toBe(2)
        expect(await s.custodian.listReleases(consentKey(owner, id))).toEqual([])
        expect(await s.custodian.deleteReleases(consentKey(owner, id))).toBe(0)
        expect(await s.custodian.listReleases(consentKey(stranger, id))).toHaveLength(1)
      })

      it('commits a release and its log entry together', async () => {
        const id = hex32()
        const release = releaseOf(owner, id, hex32())
        const result = await s.custodian.commitRelease({ release, log: { store: s.accessLog, leaf: leafOf(0) } })
        expect(result).toEqual({ firstIndex: 0, size: 1 })
        expect(await s.accessLog.size()).toBe(1)
        expect((await s.accessLog.get(0))?.leafData).toEqual(leafOf(0).leafData)
        expect(await s.custodian.listReleases(release.consentKey)).toHaveLength(1)
      })

      it('a release whose log entry cannot be stored stores neither', async () => {
        const id = hex32()
        const release = releaseOf(owner, id, hex32())
        const bad = { leafData: leafOf(0).leafData, leafHash: new Uint8Array(31) }
        await expect(s.custodian.commitRelease({ release, log: { store: s.accessLog, leaf: bad } })).rejects.toThrow()
        expect(await s.accessLog.size()).toBe(0)
        expect(await s.custodian.listReleases(release.consentKey)).toEqual([])
      })

      it('parallel releases (two instances when possible) get distinct log indexes and keep every release', async () => {
        const other = (await second()?.()) ?? s
        const id = hex32()
        const results = await Promise.all(
          Array.from({ length: concurrency }, (_, i) => {
            const set = i % 2 === 0 ? s : other
            return set.custodian.commitRelease({
              release: releaseOf(owner, id, hex32(), i),
              log: { store: set.accessLog, leaf: leafOf(i) },
            })
          }),
        )
        expect(results.map((r) => r.firstIndex).sort((a, b) => a - b)).toEqual(
          Array.from({ length: concurrency }, (_, i) => i),
        )
        expect(await s.custodian.listReleases(consentKey(owner, id))).toHaveLength(concurrency)
        const stored = await Promise.all(results.map((_, i) => s.accessLog.get(i)))
        expect(await rootFromNodes(s.accessLog, concurrency)).toEqual(
          merkleRoot(stored.map((e) => (e as AccessLogLeaf).leafData)),
        )
      })

      it('parallel appends of one and many leaves mixed with releases (two instances when possible): each caller finds its own leaves at the indexes it was given', async () => {
        // A store may write what waits together (group commit): the indexes each caller learns must still be those of
        // its own leaves, and a caller whose leaf is bad fails alone.
        const other = (await second()?.()) ?? s
        const id = hex32()
        const calls = Array.from({ length: concurrency }, (_, i) => {
          const set = i % 2 === 0 ? s : other
          const base = 1000 * (i + 1)
          if (i % 3 === 0) {
            const leaves = [leafOf(base), leafOf(base + 1), leafOf(base + 2)]
            return { leaves, run: () => set.accessLog.append(leaves) }
          }
          const leaf = leafOf(base)
          if (i % 7 === 5) {
            const bad = { leafData: leaf.leafData, leafHash: new Uint8Array(31) }
            return {
              leaves: [],
              run: () =>
                set.custodian.commitRelease({
                  release: releaseOf(owner, id, hex32(), i),
                  log: { store: set.accessLog, leaf: bad },
                }),
            }
          }
          return {
            leaves: [leaf],
            run: () =>
              set.custodian.commitRelease({
                release: releaseOf(owner, id, hex32(), i),
                log: { store: set.accessLog, leaf },
              }),
          }
        })
        const settled = await Promise.allSettled(calls.map((c) => c.run()))
        let total = 0
        const taken = new Set<number>()
        for (const [i, r] of settled.entries()) {
          const { leaves } = calls[i] as { leaves: AccessLogLeaf[] }
          if (leaves.length === 0) {
            expect(r.status).toBe('rejected')
            continue
          }
          expect(r.status).toBe('fulfilled')
          const { firstIndex } = (r as PromiseFulfilledResult<{ firstIndex: number }>).value
          for (const [k, leaf] of leaves.entries()) {
            expect(taken.has(firstIndex + k)).toBe(false)
            taken.add(firstIndex + k)
            expect((await s.accessLog.get(firstIndex + k))?.leafData).toEqual(leaf.leafData)
          }
          total += leaves.length
        }
        expect(await s.accessLog.size()).toBe(total)
        expect([...taken].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i))
        const releases = calls.filter((c, i) => i % 3 !== 0 && c.leaves.length === 1).length
        expect(await s.custodian.listReleases(consentKey(owner, id))).toHaveLength(releases)
        const stored = await Promise.all(Array.from({ length: total }, (_, i) => s.accessLog.get(i)))
        expect(await rootFromNodes(s.accessLog, total)).toEqual(
          merkleRoot(stored.map((e) => (e as AccessLogLeaf).leafData)),
        )
      })

      it('a custodian over the stores releases keys with their log entries, and refuses a tampered envelope', async () => {
        const { ledger, patient, doctor, log, custodian } = await custodianOverStores(31, 'custodian')
        const record = { resourceType: 'Observation', status: 'final', code: { text: 'Body temperature' } }
        const { token, commitment, keyRequest } = await depositAndGrant(ledger, {
          custodian,
          patient,
          grantee: doctor,
          record,
        })
        const { envelope } = await custodian.releaseKey(await keyRequest())
        expect((await openEnvelope(envelope, doctor)).value).toEqual(record)
        expect(await s.accessLog.size()).toBe(1)
        expect((await log.getEvent(0)).outcome).toBe('permit')
        expect(await s.custodian.listReleases(consentKey(patient.address, token.consent.id))).toHaveLength(1)
        const t = tamper()
        if (!t) return
        await t({ kind: 'custodianEnvelope', commitment })
        await expectCode(custodian.releaseKey(await keyRequest()), ['STORE_CORRUPT'])
        expect((await log.getEvent(1)).outcome).toBe('deny')
        expect(await s.custodian.listReleases(consentKey(patient.address, token.consent.id))).toHaveLength(1)
      })

      it('review 8: one key request sent 8 times at once (one turn of the event loop): exactly one release', async () => {
        const { ledger, patient, doctor, log, custodian } = await custodianOverStores(37, 'replay-burst')
        const { token, keyRequest } = await depositAndGrant(ledger, { custodian, patient, grantee: doctor })
        const request = await keyRequest()
        // the same object and equal copies, all in one turn: a batching store takes them in one batch
        const copies = Array.from({ length: 8 }, (_, i) =>
          i % 2 === 0 ? request : { request: { ...request.request }, signature: request.signature },
        )
        const outcomes = await Promise.allSettled(copies.map((r) => custodian.releaseKey(r)))
        const released = outcomes.filter((o) => o.status === 'fulfilled')
        expect(released).toHaveLength(1)
        for (const o of outcomes)
          if (o.status === 'rejected') expect((o.reason as { code?: unknown }).code).toBe('REQUEST_REPLAYED')
        expect(await s.custodian.listReleases(consentKey(patient.address, token.consent.id))).toHaveLength(1)
        const events = await Promise.all(Array.from({ length: await s.accessLog.size() }, (_, i) => log.getEvent(i)))
        expect(events.filter((e) => e.outcome === 'permit')).toHaveLength(1)
      })

      it('a request refused before its replay check holds no room: the same signed request is served once allowed', async () => {
        const { ledger, patient, doctor, log, custodian } = await custodianOverStores(34, 'refused')
        const record = { resourceType: 'Observation', status: 'final', code: { text: 'Heart rate' } }
        const { deposit, keyRequest } = await depositAndGrant(ledger, {
          custodian,
          patient,
          grantee: doctor,
          record,
          depositNow: false,
        })
        const request = await keyRequest()
        // the record is not deposited yet: refused before any replay check (its digest is not kept)
        await expectCode(custodian.releaseKey(request), ['ACCESS_DENIED'])
        await custodian.deposit(deposit)
        const { envelope } = await custodian.releaseKey(request)
        expect((await openEnvelope(envelope, doctor)).value).toEqual(record)
        await expectCode(custodian.releaseKey(request), ['REQUEST_REPLAYED'])
        expect((await log.getEvent(0)).outcome).toBe('deny')
        expect((await log.getEvent(1)).outcome).toBe('permit')
        expect((await log.getEvent(2)).outcome).toBe('deny')
      })

      it('getEntryAndRememberRequest (when the store has it) answers as getEntry and rememberRequest do; forgetRequest gives a digest back', async (ctx) => {
        const both = s.custodian.getEntryAndRememberRequest
        const forget = s.custodian.forgetRequest
        if (!both || !forget) return ctx.skip()
        const c = hex32()
        await s.custodian.insertEntry(entryOf(c, owner))
        const d = hex32()
        const first = await both({ commitment: c, digest: d, until: 100, now: 10 })
        expect(first.seen).toBe('fresh')
        expect(first.entry).toEqual(await s.custodian.getEntry(c))
        expect((await both({ commitment: c, digest: d, until: 100, now: 20 })).seen).toBe('replayed')
        expect(await s.custodian.rememberRequest({ digest: d, until: 100, now: 20 })).toBe('replayed')
        // an unknown commitment: no entry, and the digest is remembered all the same
        const d2 = hex32()
        const none = await both({ commitment: hex32(), digest: d2, until: 100, now: 20 })
        expect(none).toEqual({ entry: undefined, seen: 'fresh' })
        expect(await s.custodian.rememberRequest({ digest: d2, until: 100, now: 20 })).toBe('replayed')
        await forget({ digest: d2 })
        await forget({ digest: hex32() }) // not remembered: nothing happens
        expect(await s.custodian.rememberRequest({ digest: d2, until: 100, now: 20 })).toBe('fresh')
        // an expired digest is renewed
        expect((await both({ commitment: c, digest: d, until: 300, now: 101 })).seen).toBe('fresh')
        // concurrent calls, on one instance and on two: one 'fresh' per digest, every entry read
        const other = (await second()?.()) ?? s
        const digests = Array.from({ length: concurrency }, () => hex32())
        const ask = (digest: Hex, i: number) =>
          ((i % 2 === 0 ? s : other).custodian.getEntryAndRememberRequest ?? both)({
            commitment: c,
            digest,
            until: 1_000,
            now: 500,
          })
        const answers = await Promise.all([...digests, ...digests].map(ask))
        for (const a of answers) expect(a.entry?.owner.toLowerCase()).toBe(owner.toLowerCase())
        for (const digest of digests) {
          const mine = answers.filter((_, i) => (i < concurrency ? digests[i] : digests[i - concurrency]) === digest)
          expect(mine.map((a) => a.seen).sort()).toEqual(['fresh', 'replayed'])
        }
        // forgotten concurrently, then each is fresh again exactly once
        await Promise.all(digests.map((digest) => forget({ digest })))
        expect((await Promise.all(digests.map(ask))).map((a) => a.seen)).toEqual(digests.map(() => 'fresh'))
        expect((await Promise.all(digests.map(ask))).map((a) => a.seen)).toEqual(digests.map(() => 'replayed'))
      })

      it('remembers a request until it expires; instances agree on a replay', async () => {
        const digest = hex32()
        expect(await s.custodian.rememberRequest({ digest, until: 100, now: 10 })).toBe('fresh')
        expect(await s.custodian.rememberRequest({ digest, until: 100, now: 50 })).toBe('replayed')
        expect(
          await s.custodian.rememberRequest({
            digest: digest.toUpperCase().replace('0X', '0x') as Hex,
            until: 100,
            now: 50,
          }),
        ).toBe('replayed')
        expect(await s.custodian.rememberRequest({ digest, until: 300, now: 101 })).toBe('fresh')
        const other = (await second()?.()) ?? s
        const d2 = hex32()
        const answers = await Promise.all(
          Array.from({ length: concurrency }, (_, i) =>
            (i % 2 === 0 ? s : other).custodian.rememberRequest({ digest: d2, until: 500, now: 200 }),
          ),
        )
        expect(answers.filter((a) => a === 'fresh')).toHaveLength(1)
        expect(answers.filter((a) => a === 'replayed')).toHaveLength(concurrency - 1)
      })

      it('lets concurrent requests with distinct digests through, on one instance and on two, then refuses each again', async () => {
        const other = (await second()?.()) ?? s
        const digests = Array.from({ length: concurrency * 2 }, () => hex32())
        const ask = (d: Hex, i: number) =>
          (i % 2 === 0 ? s : other).custodian.rememberRequest({ digest: d, until: 1_000, now: 500 })
        expect(await Promise.all(digests.map(ask))).toEqual(digests.map(() => 'fresh'))
        // the other instance answers for each: every digest is remembered by the store, not by the instance
        expect(await Promise.all(digests.map((d, i) => ask(d, i + 1)))).toEqual(digests.map(() => 'replayed'))
      })

      it('agrees with a model of the replay memory over a random sequence of requests (time moving forward)', async () => {
        // deterministic: a fixed linear congruential sequence (the suite has no property-test dependency)
        let x = 0x2545f491
        const next = (n: number) => {
          x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0
          return x % n
        }
        const pool = Array.from({ length: 12 }, () => hex32())
        const model = new Map<Hex, number>()
        let now = 1_000
        for (let step = 0; step < 60; step++) {
          now += next(4)
          const digest = pool[next(pool.length)] as Hex
          const until = now + next(10)
          const known = model.get(digest)
          const expected = known !== undefined && known >= now ? 'replayed' : 'fresh'
          if (expected === 'fresh') model.set(digest, until)
          expect(await s.custodian.rememberRequest({ digest, until, now }), `step ${step}`).toBe(expected)
        }
      })

      it('review 9: a digest forgotten at one instance’s time is never fresh at a lagging instance’s time (the prune horizon), alone, in one turn, and with the entry read', async () => {
        const other = (await second()?.()) ?? s
        const T = 10_000
        // the lagging instance sees ledger time 40 s behind: more than the 30 s past its window a custodian keeps a
        // digest, so it still holds the forgotten requests below to be in its window
        const behind = T - 40
        const withEnds = (d: Hex, i: number): Hex => {
          const b = i.toString(16).padStart(2, '0')
          return `0x${b}${d.slice(4, -2)}${b}` as Hex
        }
        // used while in the window, each kept until T - 10
        const used = Array.from({ length: 7 }, () => hex32())
        for (const digest of used)
          expect(await s.custodian.rememberRequest({ digest, until: T - 10, now: T - 340 })).toBe('fresh')
        // the instance ahead checks requests at T and forgets what expired; its digests take every first and last
        // byte, so a store that splits its memory by either (the SQL store: shards by the last byte) prunes every part
        const ahead = Array.from({ length: 256 }, (_, i) => withEnds(hex32(), i))
        expect(
          await Promise.all(ahead.map((digest) => s.custodian.rememberRequest({ digest, until: T + 330, now: T }))),
        ).toEqual(ahead.map(() => 'fresh'))
        const [one, two, ...rest] = used as [Hex, Hex, ...Hex[]]
        // one request alone, twice: refused each time (nothing was remembered by the first)
        expect(await other.custodian.rememberRequest({ digest: one, until: T - 10, now: behind })).toBe('stale')
        expect(await other.custodian.rememberRequest({ digest: one, until: T - 10, now: behind })).toBe('stale')
        // several in one turn (a batching store asks them together), beside a request above the horizon: only that one
        // is fresh
        const late = hex32()
        const asked = [...rest.slice(0, 3), late]
        expect(
          await Promise.all(
            asked.map((digest) =>
              other.custodian.rememberRequest({ digest, until: digest === late ? T + 290 : T - 10, now: behind }),
            ),
          ),
        ).toEqual(['stale', 'stale', 'stale', 'fresh'])
        // what the instance ahead remembered is still a replay at the lagging time
        expect(await other.custodian.rememberRequest({ digest: ahead[7] as Hex, until: T + 330, now: behind })).toBe(
          'replayed',
        )
        // the entry read with the replay check (when the store has it): alone and in one turn
        const both = other.custodian.getEntryAndRememberRequest
        if (!both) return
        const c = hex32()
        await s.custodian.insertEntry(entryOf(c, owner))
        const alone = await both({ commitment: c, digest: two, until: T - 10, now: behind })
        expect(alone.seen).toBe('stale')
        expect(alone.entry?.owner.toLowerCase()).toBe(owner.toLowerCase())
        const together = await Promise.all(
          [...rest.slice(3), hex32()].map((digest, i, all) =>
            both({ commitment: c, digest, until: i === all.length - 1 ? T + 290 : T - 10, now: behind }),
          ),
        )
        expect(together.map((a) => a.seen)).toEqual(['stale', 'stale', 'fresh'])
        for (const a of together) expect(a.entry?.owner.toLowerCase()).toBe(owner.toLowerCase())
      })

      it('refuses a replay of a request remembered before a restart', async (ctx) => {
        const open = reopen()
        if (!open) return ctx.skip()
        const digest = hex32()
        expect(await s.custodian.rememberRequest({ digest, until: 100, now: 10 })).toBe('fresh')
        const restarted = await open()
        expect(await restarted.custodian.rememberRequest({ digest, until: 100, now: 20 })).toBe('replayed')
        expect(await restarted.custodian.rememberRequest({ digest: hex32(), until: 100, now: 20 })).toBe('fresh')
      })
    })

    describe('BreakGlassStore', () => {
      const patient = '0x00000000000000000000000000000000000000c1' as Address
      const other = '0x00000000000000000000000000000000000000c2' as Address
      const grantOf = (who: Address, startsAt = 1000): EmergencyGrant =>
        Object.freeze({
          id: hex32(),
          accessId: hex32(),
          policyId: hex32(),
          patient: who,
          clinician: '0x00000000000000000000000000000000000000c9' as Address,
          credentialId: hex32(),
          issuer: '0x00000000000000000000000000000000000000ca' as Address,
          resourceTypes: Object.freeze(['Observation']),
          exclude: Object.freeze(['PSY']),
          reason: 'Unconscious on arrival',
          startsAt,
          expiresAt: startsAt + 3600,
        })
      const reviewOf = (grant: EmergencyGrant): BreakGlassReview =>
        Object.freeze({ id: grant.id, grant, status: 'pending', notifyFailed: false })

      it('inserts a grant with its pending review once', async () => {
        const g = grantOf(patient)
        expect(await s.breakGlass.insertGrant({ grant: g, review: reviewOf(g) })).toBe(true)
        expect(await s.breakGlass.insertGrant({ grant: g, review: reviewOf(g) })).toBe(false)
        expect(await s.breakGlass.getGrant(g.id)).toEqual(g)
        expect(await s.breakGlass.getGrant(g.id.toUpperCase().replace('0X', '0x') as Hex)).toEqual(g)
        expect(await s.breakGlass.getReview(g.id)).toEqual(reviewOf(g))
        expect(await s.breakGlass.getGrant(hex32())).toBeUndefined()
      })

      it('replaces a review, and refuses a review without a grant', async () => {
        const g = grantOf(patient)
        await s.breakGlass.insertGrant({ grant: g, review: reviewOf(g) })
        const reviewed: BreakGlassReview = Object.freeze({
          ...reviewOf(g),
          status: 'reviewed',
          reviewer: other,
          note: 'justified',
          reviewedAt: 2000,
        })
        await s.breakGlass.putReview(reviewed)
        expect(await s.breakGlass.getReview(g.id)).toEqual(reviewed)
        const orphan = grantOf(patient)
        await expect(s.breakGlass.putReview(reviewOf(orphan))).rejects.toThrow()
        expect(await s.breakGlass.getReview(orphan.id)).toBeUndefined()
      })

      it('lists reviews oldest first, by patient and status', async () => {
        const a = grantOf(patient, 1)
        const b = grantOf(other, 2)
        const c = grantOf(patient, 3)
        for (const g of [a, b, c]) await s.breakGlass.insertGrant({ grant: g, review: reviewOf(g) })
        await s.breakGlass.putReview({ ...reviewOf(a), status: 'reviewed', reviewer: other, note: '', reviewedAt: 9 })
        expect((await s.breakGlass.listReviews()).map((r) => r.id)).toEqual([a.id, b.id, c.id])
        expect((await s.breakGlass.listReviews({ patient })).map((r) => r.id)).toEqual([a.id, c.id])
        expect((await s.breakGlass.listReviews({ status: 'pending' })).map((r) => r.id)).toEqual([b.id, c.id])
        expect(
          (
            await s.breakGlass.listReviews({
              patient: patient.toUpperCase().replace('0X', '0x') as Address,
              status: 'pending',
            })
          ).map((r) => r.id),
        ).toEqual([c.id])
      })

      it('parallel inserts of one grant (two instances when possible): exactly one wins', async () => {
        const o = (await second()?.()) ?? s
        const g = grantOf(patient)
        const results = await Promise.all(
          Array.from({ length: concurrency }, (_, i) =>
            (i % 2 === 0 ? s : o).breakGlass.insertGrant({ grant: g, review: reviewOf(g) }),
          ),
        )
        expect(results.filter(Boolean)).toHaveLength(1)
        expect(await s.breakGlass.listReviews()).toHaveLength(1)
      })

      it('commits a grant, its review and its log entry together; a used id stores and appends nothing', async (ctx) => {
        if (typeof s.breakGlass.commitGrant !== 'function') return ctx.skip()
        const g = grantOf(patient)
        const r = await s.breakGlass.commitGrant({
          grant: g,
          review: reviewOf(g),
          log: { store: s.accessLog, leaf: leafOf(0) },
        })
        expect(r).toEqual({ firstIndex: 0, size: 1 })
        expect((await s.accessLog.get(0))?.leafData).toEqual(leafOf(0).leafData)
        expect(await s.breakGlass.getGrant(g.id)).toEqual(g)
        expect(await s.breakGlass.getReview(g.id)).toEqual(reviewOf(g))
        expect(
          await s.breakGlass.commitGrant({
            grant: g,
            review: reviewOf(g),
            log: { store: s.accessLog, leaf: leafOf(1) },
          }),
        ).toBe(false)
        expect(await s.breakGlass.insertGrant({ grant: g, review: reviewOf(g) })).toBe(false)
        expect(await s.accessLog.size()).toBe(1)
        // a grant whose log entry cannot be stored is not stored either
        const h = grantOf(patient)
        const bad = { leafData: leafOf(2).leafData, leafHash: new Uint8Array(31) }
        await expect(
          s.breakGlass.commitGrant({ grant: h, review: reviewOf(h), log: { store: s.accessLog, leaf: bad } }),
        ).rejects.toThrow()
        expect(await s.breakGlass.getGrant(h.id)).toBeUndefined()
        expect(await s.breakGlass.getReview(h.id)).toBeUndefined()
        expect(await s.accessLog.size()).toBe(1)
      })

      it('parallel commits of one grant (two instances when possible): exactly one wins and one log entry is appended', async (ctx) => {
        const o = (await second()?.()) ?? s
        if (typeof s.breakGlass.commitGrant !== 'function') return ctx.skip()
        const g = grantOf(patient)
        const results = await Promise.all(
          Array.from({ length: concurrency }, (_, i) => {
            const set = i % 2 === 0 ? s : o
            return set.breakGlass.commitGrant?.({
              grant: g,
              review: reviewOf(g),
              log: { store: set.accessLog, leaf: leafOf(i) },
            })
          }),
        )
        expect(results.filter((r) => r !== false)).toHaveLength(1)
        expect(await s.accessLog.size()).toBe(1)
        expect(await s.breakGlass.listReviews()).toHaveLength(1)
      })
    })

    describe('AnchorStore', () => {
      const receiptsOf = (commitments: readonly Hex[]): Receipt[] => {
        const batch = buildMerkleBatch(commitments.map((c) => _leafHash(hexBytes(c))))
        return commitments.map((c, i) =>
          Object.freeze({
            v: 1 as const,
            commitment: c.toLowerCase() as Hex,
            leafIndex: i,
            treeSize: commitments.length,
            root: bytesToHex0x(batch.root),
            proof: Object.freeze((batch.proofs[i] as Uint8Array[]).map(bytesToHex0x)),
            ledger: Object.freeze({ ledger: 'memory:stores', tx: 'memory:1', block: 1, timestamp: 1_700_000_000 }),
          }),
        )
      }

      it('keeps pending commitments in order, once each', async () => {
        const cs = [hex32(), hex32(), hex32()]
        await s.anchor.addPending({ commitments: cs.slice(0, 2), maxPending: 10 })
        await s.anchor.addPending({ commitments: [cs[0] as Hex, cs[2] as Hex], maxPending: 10 })
        expect(await s.anchor.countPending()).toBe(3)
        expect((await s.anchor.listPending()).map((c) => c.toLowerCase())).toEqual(cs.map((c) => c.toLowerCase()))
        expect(await s.anchor.listPending({ limit: 2 })).toHaveLength(2)
      })

      it('refuses a batch that would overflow the bound with ANCHOR_QUEUE_FULL, storing none of it', async () => {
        await s.anchor.addPending({ commitments: [hex32(), hex32()], maxPending: 3 })
        await expectCode(s.anchor.addPending({ commitments: [hex32(), hex32()], maxPending: 3 }), ['ANCHOR_QUEUE_FULL'])
        expect(await s.anchor.countPending()).toBe(2)
        await s.anchor.addPending({ commitments: [hex32()], maxPending: 3 })
        expect(await s.anchor.countPending()).toBe(3)
      })

      it('completes a batch: receipts stored, commitments no longer pending, and never pending again', async () => {
        const cs = [hex32(), hex32(), hex32()]
        await s.anchor.addPending({ commitments: cs, maxPending: 10 })
        const receipts = receiptsOf(cs.slice(0, 2))
        await s.anchor.completeBatch(receipts)
        expect((await s.anchor.listPending()).map((c) => c.toLowerCase())).toEqual([(cs[2] as Hex).toLowerCase()])
        expect(await s.anchor.getReceipt(cs[0] as Hex)).toEqual(receipts[0])
        expect(await s.anchor.getReceipt(cs[1] as Hex)).toEqual(receipts[1])
        expect(await s.anchor.getReceipt(cs[2] as Hex)).toBeUndefined()
        await s.anchor.addPending({ commitments: [cs[0] as Hex], maxPending: 10 })
        expect(await s.anchor.countPending()).toBe(1)
        await s.anchor.dropPending([cs[2] as Hex])
        expect(await s.anchor.countPending()).toBe(0)
      })

      it('an anchorer over the store anchors what was pending at its start and answers for it after a restart', async () => {
        const ledger = options.createLedger()
        // what an anchorer killed before its batch was written left behind
        const cs = [hex32(), hex32(), hex32()]
        await s.anchor.addPending({ commitments: cs, maxPending: 10 })
        const anchorer = createAnchorer(ledger, { store: s.anchor, maxDelayMs: 0 })
        expect(await anchorer.ready).toBe(3)
        await anchorer.flush()
        expect(await s.anchor.countPending()).toBe(0)
        const fresh = hex32()
        const r = await anchorer.add(fresh)
        await anchorer.close()
        // a new anchorer (a restarted process) finds every receipt; adding an anchored commitment returns it
        const again = createAnchorer(ledger, { store: s.anchor })
        expect(await again.ready).toBe(0)
        for (const c of [...cs, fresh]) {
          const receipt = await again.getReceipt(c)
          expect(receipt?.commitment).toBe(c.toLowerCase())
          await verifyReceipt(ledger, { receipt: receipt as Receipt, commitment: hexBytes(c) })
        }
        expect(await again.add(fresh)).toEqual(r)
        expect(await again.getReceipt(hex32())).toBeUndefined()
        await again.close()
      })

      it('an anchorer refuses commitments beyond its bound with ANCHOR_QUEUE_FULL', async () => {
        await s.anchor.addPending({ commitments: [hex32(), hex32()], maxPending: 10 })
        const ledger = options.createLedger()
        const anchorer = createAnchorer(ledger, { store: s.anchor, maxPending: 2, maxDelayMs: 3_600_000 })
        await anchorer.ready
        await expectCode(anchorer.add(hex32()), ['ANCHOR_QUEUE_FULL'])
        await anchorer.close()
        expect(await s.anchor.countPending()).toBe(0)
      })

      it('a tampered receipt is STORE_CORRUPT, never returned', async (ctx) => {
        const t = tamper()
        if (!t) return ctx.skip()
        const anchorer = createAnchorer(options.createLedger(), { store: s.anchor, maxDelayMs: 0 })
        const c = hex32()
        await anchorer.add(c)
        await anchorer.close()
        await t({ kind: 'receipt', commitment: c })
        await expectCode(anchorer.getReceipt(c), ['STORE_CORRUPT'])
      })
    })

    describe('SyncCheckpointStore', () => {
      const checkpointOf = (key: string, over: Partial<SyncCheckpoint> = {}): SyncCheckpoint =>
        Object.freeze({
          key,
          resourceType: 'Observation',
          id: key,
          versionId: '1',
          contentId: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
          commitment: hex32(),
          envelope: randomBytes(100),
          ...over,
        })

      it('puts, gets and lists checkpoints in insertion order; a put replaces in place', async () => {
        expect(await s.syncCheckpoints.get('a')).toBeUndefined()
        const a = checkpointOf('Observation/a/_history/1')
        const b = checkpointOf('Observation/b/_history/1', { versionId: undefined })
        await s.syncCheckpoints.put(a)
        await s.syncCheckpoints.put(b)
        const a2 = { ...a, provenanceId: 'p1', binaryId: 'b1' }
        await s.syncCheckpoints.put(a2)
        const got = await s.syncCheckpoints.get(a.key)
        expect(got?.provenanceId).toBe('p1')
        expect(got?.binaryId).toBe('b1')
        expect(got?.envelope).toEqual(a.envelope)
        expect(got?.commitment.toLowerCase()).toBe(a.commitment.toLowerCase())
        expect((await s.syncCheckpoints.get(b.key))?.versionId).toBeUndefined()
        expect((await s.syncCheckpoints.list()).map((c) => c.key)).toEqual([a.key, b.key])
      })

      it('keeps a receipt whole', async () => {
        const c = hex32()
        const receipt = receiptsOfOne(c)[0] as Receipt
        const cp = checkpointOf('Observation/r/_history/2', { commitment: c, receipt })
        await s.syncCheckpoints.put(cp)
        expect((await s.syncCheckpoints.get(cp.key))?.receipt).toEqual(receipt)
      })

      it('putMany (when the store has it) stores a whole chunk in order, replaces in place, and a bad entry stores none', async () => {
        const putMany = s.syncCheckpoints.putMany
        if (putMany === undefined) return // optional: a sync then calls put per entry (tested above)
        const a = checkpointOf('Observation/m1/_history/1')
        const b = checkpointOf('Observation/m2/_history/1')
        await s.syncCheckpoints.put(a)
        const c = hex32()
        const receipt = receiptsOfOne(c)[0] as Receipt
        const b2 = { ...b, provenanceId: 'p2' }
        const cc = checkpointOf('Observation/m3/_history/1', { commitment: c, receipt })
        await putMany([b, { ...a, provenanceId: 'p1' }, b2, cc])
        expect((await s.syncCheckpoints.list()).map((x) => x.key)).toEqual([a.key, b.key, cc.key])
        expect((await s.syncCheckpoints.get(a.key))?.provenanceId).toBe('p1')
        expect((await s.syncCheckpoints.get(b.key))?.provenanceId).toBe('p2')
        expect((await s.syncCheckpoints.get(b.key))?.envelope).toEqual(b.envelope)
        expect((await s.syncCheckpoints.get(cc.key))?.receipt).toEqual(receipt)
        await putMany([])
        const d = checkpointOf('Observation/m4/_history/1')
        await expectCode(putMany([d, { key: 7 } as unknown as SyncCheckpoint]), ['INVALID_TYPE'])
        expect(await s.syncCheckpoints.get(d.key)).toBeUndefined()
      })
    })
  })
}

function hexBytes(h: Hex): Uint8Array {
  return Uint8Array.from((h.slice(2).match(/../g) as string[]).map((b) => Number.parseInt(b, 16)))
}

function receiptsOfOne(c: Hex): Receipt[] {
  return [
    Object.freeze({
      v: 1 as const,
      commitment: c.toLowerCase() as Hex,
      leafIndex: 0,
      treeSize: 1,
      root: bytesToHex0x(_leafHash(hexBytes(c))),
      proof: Object.freeze([]),
      ledger: Object.freeze({ ledger: 'memory:stores', tx: 'memory:1', block: 1, timestamp: 1_700_000_000 }),
    }),
  ]
}

function encodeEventOf(i: number) {
  return {
    actor: '0x00000000000000000000000000000000000000a1' as Address,
    action: 'read',
    commitment: `0x${'33'.repeat(32)}` as Hex,
    at: 1_700_000_000 + i,
    purpose: 'TREAT',
    outcome: 'permit' as const,
  }
}
