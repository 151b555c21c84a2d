/**
 * The in-process ledger: every rule of `LedgerAdapter` over plain `Map`s, with an injected clock, so tests and demos
 * get a real ledger without a node. Optionally persisted through a {@link MemoryLedgerStore} (a file in Node: see
 * `@medseal/adapter-memory/node`).
 * @module
 */
import {
  type AnchorInput,
  type AnchorRecord,
  anchorKey,
  assertAnchorInput,
  assertHex32,
  assertSameConsent,
  assertSameTreeHead,
  type ConsentError,
  type ConsentKey,
  type ConsentRecord,
  consentKey,
  createSaltedDomain,
  InvalidArgumentError,
  isSdkError,
  type LedgerAdapter,
  type LedgerDomain,
  LedgerError,
  type LedgerRef,
  type ListConsentsParameters,
  type ListConsentsReturnType,
  type RevocationRecord,
  type SignedConsent,
  type SignedRevocation,
  type SignedTombstone,
  type SignedTreeHead,
  type TombstoneRecord,
  type TreeHeadRecord,
  tombstoneKey,
  type VerificationError,
  verifyConsentWrite,
  verifyRevocationWrite,
  verifyTombstoneWrite,
  verifyTreeHeadWrite,
} from '@medseal/core'
import { decodeCursor, encodeCursor } from './_cursor.js'
import { type Entry, encodeEntry, encodeSnapshot, parseSnapshot, type RawEntry, SNAPSHOT_VERSION } from './_snapshot.js'
import {
  assertRecord,
  copyRef,
  copySignedConsent,
  copySignedRevocation,
  copySignedTombstone,
  copySignedTreeHead,
} from './_validate.js'

/**
 * Where a memory ledger keeps its state between runs. `write` must replace the stored snapshot atomically (all of
 * the new text or all of the old, never a mix); both calls are synchronous, so every ledger write is one atomic
 * step. `createFileStore` in `@medseal/adapter-memory/node` is the file implementation.
 */
export type MemoryLedgerStore = {
  /** The stored snapshot, or `undefined` when nothing was stored yet. */
  readonly read: () => string | undefined
  /** Atomically replaces the stored snapshot. Throwing aborts the ledger write that called it. */
  readonly write: (snapshot: string) => void
}

/** Options of {@link createMemoryLedger}. */
export type CreateMemoryLedgerParameters = {
  /** Names the ledger: its id is `memory:<id>`. 1–128 characters of `A–Z a–z 0–9 . _ : -`. Default `default`. */
  readonly id?: string
  /** The ledger's clock, Unix seconds (an integer). Default: the system clock. Inject one for deterministic tests. */
  readonly now?: () => number
  /** Persists every write; the ledger starts from the stored state. Default: none (state lives in memory only). */
  readonly store?: MemoryLedgerStore
}

/** What {@link createMemoryLedger} returns: a frozen {@link @medseal/core!LedgerAdapter} named `memory`. */
export type CreateMemoryLedgerReturnType = LedgerAdapter

/** Errors {@link createMemoryLedger} and the adapter's methods throw. */
export type CreateMemoryLedgerErrorType = InvalidArgumentError | ConsentError | VerificationError | LedgerError

const ID = /^[A-Za-z0-9._:-]{1,128}$/
const DEFAULT_LIMIT = 100
const MAX_LIMIT = 1000
const systemClock = () => Math.floor(Date.now() / 1000)

type StoredConsent = { signed: SignedConsent; ref: LedgerRef }
/** A checked write: the normalized value to store, and the record already there when it is a repeat. */
type Checked<V, R> = { value: V; existing?: R }
type StoredLog = { bySize: Map<number, TreeHeadRecord>; latest: TreeHeadRecord }

/**
 * Creates an in-process ledger: synchronous inside, deterministic with an injected clock, optionally persisted.
 *
 * Every write gets a {@link @medseal/core!LedgerRef} `{ ledger: 'memory:<id>', tx: 'memory:<seq>', block: seq, timestamp }` where
 * `seq` counts writes from 1 and `timestamp` is `now()` (never below an earlier write's). Idempotent writes return
 * the first record and consume no sequence number. Signatures are verified against
 * `domain = createSaltedDomain('memory:<id>')` before anything is written. Returned objects are copies.
 *
 * Keys follow `@medseal/core`'s ledger rules (`ledger/rules`): anchors by `(root, treeSize, kind)`, consents and
 * revocations by `consentKey(grantor, id)` (a revocation may come before its consent, and is attached to it either
 * way), tombstones by `(commitment, owner)`, tree heads by `(logId, treeSize)` with `logId` derived from the head's
 * own operator and name hash. `getTime()` never goes backwards (a clock that steps back is clamped to the largest
 * time seen).
 *
 * What the methods throw (the conformance suite in `@medseal/core/testing` checks all of it):
 * - bad arguments: {@link @medseal/core!InvalidArgumentError} `INVALID_TYPE`, `INVALID_LENGTH` (a root that is not 32 bytes),
 *   `OUT_OF_RANGE` (`treeSize`, `limit`), `INVALID_ARGUMENT` (`kind`, ids, cursors, malformed revocations, tombstones
 *   and heads);
 * - consents: {@link @medseal/core!ConsentError} `CONSENT_MALFORMED`, `CONSENT_SIGNATURE_INVALID` (not the grantor's signature for
 *   this ledger, or a revocation not signed by the grantor it names), `CONSENT_REPLAYED` (other content under an
 *   existing `(grantor, id)`);
 * - tombstones and tree heads: `VerificationError` `INVALID_SIGNATURE`; {@link @medseal/core!LedgerError} `LEDGER_CONFLICT`
 *   (another head of the same size), `LEDGER_REJECTED` (a head whose log id is not its operator's);
 * - the ledger itself: {@link @medseal/core!LedgerError} `LEDGER_UNAVAILABLE` (a broken clock, a closed store),
 *   `LEDGER_WRITE_FAILED` (the store failed to persist; nothing was written).
 *
 * @param params - `id`, `now`, `store` (see {@link CreateMemoryLedgerParameters})
 * @returns a frozen {@link @medseal/core!LedgerAdapter}
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_TYPE` / `INVALID_ARGUMENT` for bad options
 * @throws {@link @medseal/core!LedgerError} `LEDGER_UNAVAILABLE` when the store cannot be read or its snapshot is corrupt or of
 *   another ledger id (every stored write is replayed through the same checks, signatures included)
 * @example
 * ```ts
 * import { createMemoryLedger } from '@medseal/adapter-memory'
 * const ledger = createMemoryLedger({ id: 'demo', now: () => 1_700_000_000 })
 * const record = await ledger.anchorRoot({ root: new Uint8Array(32).fill(7), treeSize: 1, kind: 'records' })
 * record.ref // { ledger: 'memory:demo', tx: 'memory:1', block: 1, timestamp: 1700000000 }
 * ```
 */
export function createMemoryLedger(params: CreateMemoryLedgerParameters = {}): CreateMemoryLedgerReturnType {
  const opts = assertRecord(params, 'params') as CreateMemoryLedgerParameters
  const id = opts.id ?? 'default'
  if (typeof id !== 'string' || !ID.test(id))
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'id must be 1-128 characters of A-Z a-z 0-9 . _ : -')
  const now = opts.now ?? systemClock
  if (typeof now !== 'function') throw new InvalidArgumentError('INVALID_TYPE', 'now must be a function.')
  const store = opts.store
  if (store !== undefined && (typeof store?.read !== 'function' || typeof store?.write !== 'function'))
    throw new InvalidArgumentError('INVALID_TYPE', 'store must have read() and write(snapshot) functions.')

  const ledgerId = `memory:${id}`
  const domain: LedgerDomain = createSaltedDomain(ledgerId)

  // --- state ---
  const anchors = new Map<string, AnchorRecord>()
  /** By consent key. */
  const consents = new Map<string, StoredConsent>()
  /** Revocations by the consent key of what they revoke, whether or not that consent is registered. */
  const revocations = new Map<string, RevocationRecord>()
  const consentOrder: string[] = []
  /** Positions in `consentOrder` (ascending) by lower-case grantor / grantee address, for filtered listing. */
  const byGrantor = new Map<string, number[]>()
  const byGrantee = new Map<string, number[]>()
  const tombstones = new Map<string, TombstoneRecord>()
  const logs = new Map<string, StoredLog>()
  /** Encoded entries, for snapshots (kept only when there is a store). */
  const journal: string[] = []
  let seq = 0
  let lastTimestamp = 0
  /** The largest time `getTime()` (or a write) has returned. */
  let maxTime = 0

  const readClock = (): number => {
    let t: unknown
    try {
      t = now()
    } catch (cause) {
      throw new LedgerError('LEDGER_UNAVAILABLE', 'The ledger clock failed.', { cause })
    }
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0)
      throw new LedgerError('LEDGER_UNAVAILABLE', 'The ledger clock returned an invalid time.', {
        metaMessages: ['now() must return Unix seconds (a finite, non-negative number).'],
      })
    // never backwards (security review, issue 12, finding 7): a clock that steps back reads as the largest time seen
    maxTime = Math.max(Math.floor(t), lastTimestamp, maxTime)
    return maxTime
  }

  const nextRef = (): LedgerRef => {
    const block = seq + 1
    return { ledger: ledgerId, tx: `memory:${block}`, block, timestamp: readClock() }
  }

  /** Applies a checked entry to the maps (no validation: callers checked it). */
  const apply = (entry: Entry): void => {
    switch (entry.type) {
      case 'anchor':
        anchors.set(anchorKey(entry.record), entry.record)
        break
      case 'consent': {
        const { ref, ...signed } = entry.record
        const key = consentKeyOf(signed)
        consents.set(key, { signed, ref })
        indexPosition(byGrantor, signed.consent.grantor, consentOrder.length)
        indexPosition(byGrantee, signed.consent.grantee, consentOrder.length)
        consentOrder.push(key)
        break
      }
      case 'revocation': {
        const r = entry.record.revocation
        revocations.set(consentKey(r.grantor, r.consentId), entry.record)
        break
      }
      case 'tombstone':
        tombstones.set(tombstoneKey(entry.record.tombstone.commitment, entry.record.tombstone.owner), entry.record)
        break
      case 'treeHead': {
        const head = entry.record.head
        const key = head.logId.toLowerCase()
        const log = logs.get(key)
        if (!log) {
          logs.set(key, {
            bySize: new Map([[head.treeSize, entry.record]]),
            latest: entry.record,
          })
        } else {
          log.bySize.set(head.treeSize, entry.record)
          if (head.treeSize > log.latest.head.treeSize) log.latest = entry.record
        }
        break
      }
    }
    seq = entry.record.ref.block
    lastTimestamp = Math.max(lastTimestamp, entry.record.ref.timestamp)
  }

  /** Persists (when a store is set), then applies: a failed persist leaves the state untouched. */
  const commit = (entry: Entry): void => {
    if (store) {
      const encoded = encodeEntry(entry)
      try {
        store.write(encodeSnapshot(ledgerId, [...journal, encoded]))
      } catch (cause) {
        // a store's own coded errors (a closed file store: LEDGER_UNAVAILABLE) pass through; others are wrapped
        if (isSdkError(cause)) throw cause
        throw new LedgerError('LEDGER_WRITE_FAILED', 'The memory ledger could not persist the write.', { cause })
      }
      journal.push(encoded)
    }
    apply(entry)
  }

  // --- checks shared by writes and snapshot replay; each returns the existing record for an idempotent repeat ---

  // Keys and checks are core's ledger rules (the same code the Fabric chaincode and the EVM adapter run). The
  // verifiers check the shape strictly and return plain, normalized copies (checksummed addresses, lower-case hex):
  // the ledger stores those, never the caller's objects.

  const checkAnchor = (input: AnchorInput): Checked<AnchorInput, AnchorRecord> => {
    const value = assertAnchorInput(input)
    const existing = anchors.get(anchorKey(value))
    return existing ? { value, existing } : { value }
  }

  const checkConsent = (signed: SignedConsent): Checked<SignedConsent, ConsentRecord> => {
    const { signed: value, key } = verifyConsentWrite(domain, signed)
    const stored = consents.get(key)
    if (!stored) return { value }
    assertSameConsent(stored.signed.consent, value.consent)
    return { value, existing: toConsentRecord(key, stored) }
  }

  const checkRevocation = (signed: SignedRevocation): Checked<SignedRevocation, RevocationRecord> => {
    const { signed: value, key } = verifyRevocationWrite(domain, signed)
    const existing = revocations.get(key)
    return existing ? { value, existing } : { value }
  }

  const checkTombstone = (signed: SignedTombstone): Checked<SignedTombstone, TombstoneRecord> => {
    const { signed: value, key } = verifyTombstoneWrite(domain, signed)
    const existing = tombstones.get(key)
    return existing ? { value, existing } : { value }
  }

  const checkTreeHead = (signed: SignedTreeHead): Checked<SignedTreeHead, TreeHeadRecord> => {
    const value = verifyTreeHeadWrite(domain, signed)
    const existing = logs.get(value.head.logId)?.bySize.get(value.head.treeSize)
    if (!existing) return { value }
    assertSameTreeHead(existing.head, value.head)
    return { value, existing }
  }

  // --- outputs are copies ---

  const copyAnchor = (r: AnchorRecord): AnchorRecord => ({
    root: new Uint8Array(r.root),
    treeSize: r.treeSize,
    kind: r.kind,
    ref: copyRef(r.ref),
  })
  const copyRevocation = (r: RevocationRecord): RevocationRecord => ({
    ...copySignedRevocation(r),
    ref: copyRef(r.ref),
  })
  function toConsentRecord(key: string, s: StoredConsent): ConsentRecord {
    const record = { ...copySignedConsent(s.signed), ref: copyRef(s.ref) }
    const revocation = revocations.get(key)
    return revocation ? { ...record, revocation: copyRevocation(revocation) } : record
  }
  const copyTombstone = (r: TombstoneRecord): TombstoneRecord => ({ ...copySignedTombstone(r), ref: copyRef(r.ref) })
  const copyTreeHead = (r: TreeHeadRecord): TreeHeadRecord => ({ ...copySignedTreeHead(r), ref: copyRef(r.ref) })

  // --- load the stored state, replaying every entry through the write checks (signatures included) ---
  if (store) {
    let text: string | undefined
    try {
      text = store.read()
    } catch (cause) {
      throw new LedgerError('LEDGER_UNAVAILABLE', 'The memory ledger could not read its stored state.', { cause })
    }
    if (text !== undefined) {
      try {
        for (const raw of parseSnapshot(text, ledgerId)) {
          if (raw.ref.block !== seq + 1 || raw.ref.timestamp < lastTimestamp)
            throw new InvalidArgumentError('INVALID_ARGUMENT', 'Stored entries are out of order.')
          const entry = replay(raw)
          journal.push(encodeEntry(entry))
          apply(entry)
        }
      } catch (cause) {
        if (isSdkError(cause, 'UNSUPPORTED_VERSION'))
          throw new LedgerError('LEDGER_UNAVAILABLE', 'The memory ledger stored state has an unsupported version.', {
            cause,
            details: 'First problem: UNSUPPORTED_VERSION.',
            metaMessages: [
              `This code reads snapshot version ${SNAPSHOT_VERSION} only; older snapshots cannot be replayed.`,
            ],
          })
        throw new LedgerError('LEDGER_UNAVAILABLE', 'The memory ledger stored state is corrupt.', {
          cause,
          details: isSdkError(cause) ? `First problem: ${cause.code}.` : 'The snapshot could not be read.',
        })
      }
    }
  }

  /** Checks a stored entry as if it were written now; a stored duplicate is corruption. */
  function replay(raw: RawEntry): Entry {
    const duplicate = () => new InvalidArgumentError('INVALID_ARGUMENT', 'A stored entry is a duplicate.')
    const { ref, value } = raw
    switch (raw.type) {
      case 'anchor': {
        const checked = checkAnchor(value as unknown as AnchorInput)
        if (checked.existing) throw duplicate()
        return { type: 'anchor', record: { ...checked.value, ref } }
      }
      case 'consent': {
        const checked = checkConsent(value as SignedConsent)
        if (checked.existing) throw duplicate()
        return { type: 'consent', record: { ...checked.value, ref } }
      }
      case 'revocation': {
        const checked = checkRevocation(value as SignedRevocation)
        if (checked.existing) throw duplicate()
        return { type: 'revocation', record: { ...checked.value, ref } }
      }
      case 'tombstone': {
        const checked = checkTombstone(value as SignedTombstone)
        if (checked.existing) throw duplicate()
        return { type: 'tombstone', record: { ...checked.value, ref } }
      }
      case 'treeHead': {
        const checked = checkTreeHead(value as SignedTreeHead)
        if (checked.existing) throw duplicate()
        return { type: 'treeHead', record: { ...checked.value, ref } }
      }
    }
  }

  const ledger: LedgerAdapter = {
    name: 'memory',
    ledgerId,
    domain,

    async getTime() {
      return readClock()
    },

    async anchorRoot(input) {
      const { value, existing } = checkAnchor(input)
      if (existing) return copyAnchor(existing)
      const record: AnchorRecord = { ...value, ref: nextRef() }
      commit({ type: 'anchor', record })
      return copyAnchor(record)
    },

    async getAnchor(key) {
      const found = anchors.get(anchorKey(assertAnchorInput(key)))
      return found && copyAnchor(found)
    },

    async registerConsent(signed) {
      const { value, existing } = checkConsent(signed)
      if (existing) return existing
      commit({ type: 'consent', record: { ...value, ref: nextRef() } })
      const key = consentKeyOf(value)
      return toConsentRecord(key, consents.get(key)!)
    },

    async revokeConsent(signed) {
      const { value, existing } = checkRevocation(signed)
      if (existing) return copyRevocation(existing)
      const record: RevocationRecord = { ...value, ref: nextRef() }
      commit({ type: 'revocation', record })
      return copyRevocation(record)
    },

    async getConsent(key) {
      const k = assertHex32(key, 'key')
      const stored = consents.get(k)
      return stored && toConsentRecord(k, stored)
    },

    async getRevocation(key) {
      const found = revocations.get(assertHex32(key, 'key'))
      return found && copyRevocation(found)
    },

    async listConsents(params = {}) {
      const p = assertRecord(params, 'params') as ListConsentsParameters
      const limit = p.limit ?? DEFAULT_LIMIT
      if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
        throw new InvalidArgumentError('OUT_OF_RANGE', `params.limit must be an integer from 1 to ${MAX_LIMIT}.`)
      const grantor = p.grantor === undefined ? undefined : assertAddress(p.grantor, 'params.grantor')
      const grantee = p.grantee === undefined ? undefined : assertAddress(p.grantee, 'params.grantee')
      const from = p.cursor === undefined ? 0 : decodeCursor(p.cursor)
      // candidate positions, ascending: all consents, or the smaller of the matching address indexes
      const grantorPositions = grantor === undefined ? undefined : (byGrantor.get(grantor) ?? [])
      const granteePositions = grantee === undefined ? undefined : (byGrantee.get(grantee) ?? [])
      const candidates =
        grantorPositions && granteePositions
          ? grantorPositions.length <= granteePositions.length
            ? grantorPositions
            : granteePositions
          : (grantorPositions ?? granteePositions)
      const matches = (position: number) => {
        const c = consents.get(consentOrder[position]!)!.signed.consent
        return (
          (grantor === undefined || c.grantor.toLowerCase() === grantor) &&
          (grantee === undefined || c.grantee.toLowerCase() === grantee)
        )
      }
      const items: ConsentRecord[] = []
      let next: number | undefined
      const visit = (position: number): boolean => {
        if (!matches(position)) return true
        if (items.length === limit) {
          next = position
          return false
        }
        const key = consentOrder[position]!
        items.push(toConsentRecord(key, consents.get(key)!))
        return true
      }
      if (candidates === undefined) {
        for (let i = from; i < consentOrder.length; i++) if (!visit(i)) break
      } else {
        for (let k = lowerBound(candidates, from); k < candidates.length; k++) if (!visit(candidates[k]!)) break
      }
      // a cursor only when another matching consent exists, so the last page has none
      const page: ListConsentsReturnType = next === undefined ? { items } : { items, cursor: encodeCursor(next) }
      return page
    },

    async recordTombstone(signed) {
      const { value, existing } = checkTombstone(signed)
      if (existing) return copyTombstone(existing)
      const record: TombstoneRecord = { ...value, ref: nextRef() }
      commit({ type: 'tombstone', record })
      return copyTombstone(record)
    },

    async getTombstone(commitment, owner) {
      const found = tombstones.get(tombstoneKey(commitment, owner))
      return found && copyTombstone(found)
    },

    async recordTreeHead(signed) {
      const { value, existing } = checkTreeHead(signed)
      if (existing) return copyTreeHead(existing)
      const record: TreeHeadRecord = { ...value, ref: nextRef() }
      commit({ type: 'treeHead', record })
      return copyTreeHead(record)
    },

    async getTreeHead(logId, treeSize) {
      const log = logs.get(assertHex32(logId, 'logId'))
      if (treeSize === undefined) return log && copyTreeHead(log.latest)
      if (typeof treeSize !== 'number' || !Number.isSafeInteger(treeSize) || treeSize < 0)
        throw new InvalidArgumentError('OUT_OF_RANGE', 'treeSize must be a non-negative integer.')
      const found = log?.bySize.get(treeSize)
      return found && copyTreeHead(found)
    },
  }
  return Object.freeze(ledger)
}

/** The ledger key of a (verified) signed consent. */
function consentKeyOf(signed: SignedConsent): ConsentKey {
  return consentKey(signed.consent.grantor, signed.consent.id)
}

function assertAddress(value: unknown, name: string): string {
  if (typeof value === 'string' && /^0x[0-9a-fA-F]{40}$/.test(value)) return value.toLowerCase()
  throw new InvalidArgumentError(
    typeof value === 'string' ? 'INVALID_ARGUMENT' : 'INVALID_TYPE',
    `${name} must be a 0x-prefixed 20-byte hex address.`,
  )
}

function indexPosition(index: Map<string, number[]>, address: string, position: number): void {
  const key = address.toLowerCase()
  const positions = index.get(key)
  if (positions) positions.push(position)
  else index.set(key, [position])
}

/** The first index in ascending `positions` whose value is >= `from`. */
function lowerBound(positions: readonly number[], from: number): number {
  let lo = 0
  let hi = positions.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (positions[mid]! < from) lo = mid + 1
    else hi = mid
  }
  return lo
}
