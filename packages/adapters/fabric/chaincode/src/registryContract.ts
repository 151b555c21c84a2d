/**
 * The medseal registry chaincode: the same registry as the EVM contract, as a fabric-contract-api `Contract`, on
 * state layout (format) 2. Every input check and every key comes from `@medseal/core`'s ledger rules
 * (`packages/core/src/ledger/rules.ts`), the code the memory ledger and the EVM adapter run too, so every ledger
 * accepts and refuses the same writes (security review, issue 12).
 *
 * - **Anchors** keyed by `anchorKey(root, treeSize, kind)`: the same root with other metadata is another anchor, so
 *   nobody can block a root by anchoring it first with other metadata; the same anchor again returns the first record.
 * - **Consents** keyed by `consentKey(grantor, id)`, registered only after the grantor's EIP-712 signature verifies
 *   under this ledger's domain (`{ name: 'medseal', version: '1', salt: keccak256("medseal-ledger:fabric:<channel>:
 *   <chaincode>") }`); other content under an existing key is `CONSENT_REPLAYED`. Indexed by grantor, grantee and both
 *   (composite keys), listed in registration order with Fabric bookmarks; an item that is not what its index entry
 *   promises is skipped and reported in `skipped`, never a reason to fail the page (clients verify every listed
 *   signature again and skip and report what fails).
 * - **Revocations** keyed by the same `consentKey(grantor, consentId)`, signed by that grantor; the consent need not be
 *   registered (a grantor can withdraw any id it signed: a consent, an emergency policy, a clinician credential).
 * - **Tombstones** keyed by `tombstoneKey(commitment, owner)`, signed by the owner: a stranger's tombstone never
 *   blocks, or is returned for, the owner's.
 * - **Access-log tree heads**, one per `(logId, treeSize)`; a head whose `logId` is not `keccak256(operator ‖ nameHash)`
 *   of the head itself is `LEDGER_REJECTED`, so nobody can claim another operator's log id.
 *
 * Deterministic, as endorsement requires: time is the proposal's `getTxTimestamp()`, never a clock; no randomness;
 * every stored value and event payload is RFC 8785 canonical JSON; iteration only over Fabric's sorted ranges.
 * Every write emits one chaincode event. Refusals are thrown as `MEDSEAL:<CODE>:<short>` ({@link ChaincodeError}).
 *
 * Transactions take string arguments and return canonical JSON text. The first argument of each is the
 * **registry**: `''` for the chaincode's registry (ledger id `fabric:<channel>:<chaincode>`), or a name for an
 * independent registry in the same chaincode (ledger id `fabric:<channel>:<chaincode>:<name>`, its own keys and
 * EIP-712 domain), e.g. one per tenant or per test run:
 * `AnchorRoot(registry, root, treeSize, kind)`, `GetAnchor(registry, root, treeSize, kind)`,
 * `RegisterConsent(registry, json)`, `RevokeConsent(registry, json)`, `GetConsent(registry, consentKey)`,
 * `GetRevocation(registry, consentKey)`, `ListConsents(registry, grantor, grantee, pageSize, bookmark)`,
 * `RecordTombstone(registry, json)`, `GetTombstone(registry, commitment, owner)`, `RecordTreeHead(registry, json)`,
 * `GetTreeHead(registry, logId, treeSize)` (`''` for the latest), `GetLedgerInfo(registry)`.
 * Writes return `{ created, record }`. The state layout is described (and versioned) in the package README.
 * @module
 */
import {
  type Address,
  type AnchorKind,
  anchorKey,
  assertAnchorInput,
  assertHex32,
  assertSameConsent,
  assertSameTreeHead,
  type Consent,
  canonicalize,
  consentKey,
  createSaltedDomain,
  type ErrorCode,
  type Hex,
  hexToBytes,
  isAddress,
  type LedgerDomain,
  type SignedConsent,
  type SignedRevocation,
  type SignedTombstone,
  type SignedTreeHead,
  tombstoneKey,
  verifyConsentWrite,
  verifyRevocationWrite,
  verifyTombstoneWrite,
  verifyTreeHeadWrite,
} from '@medseal/core'
import { type Context, Contract } from 'fabric-contract-api'
import { ChaincodeError, toChaincodeError } from './chaincodeError.js'

/** The contract's name inside the chaincode (the default contract, so functions need no prefix). */
export const REGISTRY_CONTRACT_NAME = 'medseal'
/** The chaincode name assumed when none is configured. */
export const DEFAULT_CHAINCODE_NAME = 'medseal'
/**
 * Version of the on-ledger state layout and record format (reported by `GetLedgerInfo`; clients refuse another).
 * 1: anchors by root, consents and revocations by id, tombstones by commitment. 2: keys of the security review
 * (issue 12), under new object types, so no format-1 key is ever read as a format-2 one.
 */
export const REGISTRY_FORMAT_VERSION = 2

/** Names of the chaincode events, one per write. The payload is the record as canonical JSON. */
export const REGISTRY_EVENTS = Object.freeze({
  anchor: 'medseal.AnchorRecorded',
  consent: 'medseal.ConsentRegistered',
  revocation: 'medseal.ConsentRevoked',
  tombstone: 'medseal.TombstoneRecorded',
  treeHead: 'medseal.TreeHeadRecorded',
} as const)

/**
 * Composite key object types of state layout 2: one namespace per record kind and index. (Layout 1 used the same
 * names without `~v2`; those keys are never read by this version.)
 */
export const REGISTRY_KEYS = Object.freeze({
  anchor: 'medseal~v2~anchor',
  consent: 'medseal~v2~consent',
  consentsAll: 'medseal~v2~consent~all',
  consentsByGrantor: 'medseal~v2~consent~grantor',
  consentsByGrantee: 'medseal~v2~consent~grantee',
  consentsByPair: 'medseal~v2~consent~pair',
  revocation: 'medseal~v2~revocation',
  tombstone: 'medseal~v2~tombstone',
  treeHead: 'medseal~v2~treehead',
  log: 'medseal~v2~log',
} as const)

/** The composite key object types of one registry. */
export type RegistryKeys = { readonly [K in keyof typeof REGISTRY_KEYS]: string }

const REGISTRY_NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/

/**
 * The key namespaces of a registry: the default one (`''`) uses {@link REGISTRY_KEYS}; a named registry appends
 * `@<name>` to every object type, so registries never see each other's keys.
 */
function keysOf(registry: string): RegistryKeys {
  if (registry === '') return REGISTRY_KEYS
  if (typeof registry !== 'string' || !REGISTRY_NAME.test(registry))
    throw reject(
      'INVALID_ARGUMENT',
      'registry must be empty or 1-64 of a-z 0-9 _ . - (starting with a letter or digit).',
    )
  const out: Record<string, string> = {}
  for (const [name, objectType] of Object.entries(REGISTRY_KEYS)) out[name] = `${objectType}@${registry}`
  return out as RegistryKeys
}

/** Where and when a record was written (the block number is known only after commit; clients add it). */
export type StoredRef = { readonly tx: string; readonly timestamp: number }
/** An anchor as stored. */
export type StoredAnchor = StoredRef & { readonly root: Hex; readonly treeSize: number; readonly kind: AnchorKind }
/** A revocation as stored. */
export type StoredRevocation = StoredRef & SignedRevocation
/** A consent as stored (with its revocation when read back). */
export type StoredConsent = StoredRef & SignedConsent & { readonly revocation?: StoredRevocation }
/** A tombstone as stored. */
export type StoredTombstone = StoredRef & SignedTombstone
/** A tree head as stored. */
export type StoredTreeHead = StoredRef & SignedTreeHead
/** What every write returns: the record, and whether this transaction wrote it (`false`: it was already there). */
export type WriteResult<T> = { readonly created: boolean; readonly record: T }
/** A listed consent the chaincode left out of a page because it fails the ledger rules, and where it was written. */
export type SkippedStoredConsent = StoredRef & { readonly code: ErrorCode }
/**
 * A page of consents; `bookmark` is Fabric's (the next key), `''` after the last page; `skipped` lists the items of
 * this page that fail the ledger rules (they are not in `items`).
 */
export type ConsentPage = {
  readonly items: readonly StoredConsent[]
  readonly skipped: readonly SkippedStoredConsent[]
  readonly bookmark: string
}
/** The value of a consent index entry: the consent's key and where it was registered. */
type ConsentIndexEntry = StoredRef & { readonly key: Hex }

const DECIMAL = /^(0|[1-9][0-9]{0,15})$/
const ANCHOR_KINDS: readonly AnchorKind[] = ['records', 'export', 'events']
const MAX_PAGE_SIZE = 1000
/** The largest argument accepted, in characters (a consent with many scope entries stays far below). */
const MAX_ARGUMENT_LENGTH = 256 * 1024

const encoder = /* @__PURE__ */ new TextEncoder()
const decoder = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true })

const reject = (code: ConstructorParameters<typeof ChaincodeError>[0], message: string) =>
  new ChaincodeError(code, message)

function address(value: string, name: string): string {
  if (!isAddress(value))
    throw reject('INVALID_ARGUMENT', `${name} must be a 20-byte address as 0x-prefixed hex (EIP-55 if mixed case).`)
  return value.toLowerCase()
}

function decimalInteger(value: string, name: string, min: number): number {
  if (typeof value !== 'string' || !DECIMAL.test(value))
    throw reject('INVALID_ARGUMENT', `${name} must be a decimal integer.`)
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < min) throw reject('OUT_OF_RANGE', `${name} must be an integer >= ${min}.`)
  return n
}

/** Parses a JSON argument; `code` is the error for anything that is not a JSON object. */
function parseObject(text: string, name: string, code: 'CONSENT_MALFORMED' | 'INVALID_ARGUMENT'): unknown {
  if (typeof text !== 'string' || text.length > MAX_ARGUMENT_LENGTH)
    throw reject(code === 'CONSENT_MALFORMED' ? code : 'INPUT_TOO_LARGE', `${name} is too large.`)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw reject(code === 'CONSENT_MALFORMED' ? code : 'INVALID_JSON', `${name} must be JSON.`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw reject(code, `${name} must be a JSON object.`)
  return value
}

/** The anchor named by string arguments, checked by the ledger rules, and its key. */
function anchorArguments(root: string, treeSize: string, kind: string): { anchor: StoredAnchorInput; key: Hex } {
  const r = assertHex32(root, 'root')
  const size = decimalInteger(treeSize, 'treeSize', 1)
  if (!ANCHOR_KINDS.includes(kind as AnchorKind))
    throw reject('INVALID_ARGUMENT', `kind must be one of ${ANCHOR_KINDS.join(', ')}.`)
  const input = assertAnchorInput({ root: hexToBytes(r), treeSize: size, kind })
  return { anchor: { root: r, treeSize: input.treeSize, kind: input.kind }, key: anchorKey(input) }
}
type StoredAnchorInput = { readonly root: Hex; readonly treeSize: number; readonly kind: AnchorKind }

/** The 12-digit seconds and 9-digit nanoseconds of the transaction: sorts as the transaction timestamps do. */
function orderKey(ctx: Context, key: string): string {
  const ts = ctx.stub.getTxTimestamp()
  const seconds = String(Number(ts.seconds)).padStart(12, '0')
  const nanos = String(ts.nanos).padStart(9, '0')
  return `${seconds}.${nanos}.${key}`
}

function txRef(ctx: Context): StoredRef {
  return { tx: ctx.stub.getTxID(), timestamp: Number(ctx.stub.getTxTimestamp().seconds) }
}

async function readJson<T>(ctx: Context, key: string): Promise<T | undefined> {
  const bytes = await ctx.stub.getState(key)
  if (!bytes || bytes.length === 0) return undefined
  return JSON.parse(decoder.decode(bytes)) as T
}

async function writeJson(ctx: Context, key: string, value: unknown): Promise<void> {
  await ctx.stub.putState(key, encoder.encode(canonicalize(value)))
}

function emit(ctx: Context, name: string, record: unknown): void {
  ctx.stub.setEvent(name, encoder.encode(canonicalize(record)))
}

function result(value: unknown): string {
  return canonicalize(value)
}

/**
 * The bookmark of a paginated query's page. fabric-shim-api types `metadata` as always present, but fabric-shim sets
 * it only when the peer's `QueryResponseMetadata` is non-empty: on an empty page (no records, no next key) it is
 * `undefined`, and reading `metadata.bookmark` made every empty listing fail on a real network.
 */
function bookmarkOf(metadata: { bookmark?: unknown } | undefined): string {
  const bookmark = metadata?.bookmark
  return typeof bookmark === 'string' ? bookmark : ''
}

/** Tree sizes as 16 zero-padded digits, so that keys sort by size. */
function treeSizeKey(size: number): string {
  return String(size).padStart(16, '0')
}

function isStoredRef(v: unknown): v is StoredRef {
  const o = v as Partial<StoredRef> | null
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.tx === 'string' &&
    o.tx !== '' &&
    Number.isSafeInteger(o.timestamp) &&
    (o.timestamp as number) >= 0
  )
}

/**
 * The medseal registry contract. fabric-contract-api creates it with `new MedsealRegistryContract()`, which assumes
 * the chaincode is deployed under the name `medseal`; for another name use {@link createRegistryContract}.
 *
 * @example
 * ```ts
 * import { MedsealRegistryContract } from '@medseal/fabric-chaincode'
 * // package.json "main" module of a chaincode: fabric-contract-api looks for `contracts`
 * export const contracts = [MedsealRegistryContract]
 * ```
 */
export class MedsealRegistryContract extends Contract {
  /** The chaincode name this contract is deployed under (part of the ledger id and so of the EIP-712 domain). */
  readonly chaincodeName: string

  constructor(chaincodeName: string = DEFAULT_CHAINCODE_NAME) {
    super(REGISTRY_CONTRACT_NAME)
    if (typeof chaincodeName !== 'string' || !/^[A-Za-z0-9_.+-]{1,128}$/.test(chaincodeName))
      throw new Error('chaincodeName must be a Fabric chaincode name.')
    this.chaincodeName = chaincodeName
  }

  /** Every failure leaves as `MEDSEAL:<CODE>:<short>`. @internal */
  override async aroundTransaction(ctx: Context, fn: never, parameters: never): Promise<void> {
    try {
      return await super.aroundTransaction(ctx, fn, parameters)
    } catch (error) {
      throw toChaincodeError(error)
    }
  }

  /** `fabric:<channel>:<chaincode>`, and `:<registry>` for a named registry. @internal */
  _ledgerId(ctx: Context, registry: string): string {
    const base = `fabric:${ctx.stub.getChannelID()}:${this.chaincodeName}`
    return registry === '' ? base : `${base}:${registry}`
  }

  /** @internal */
  _domain(ctx: Context, registry: string): LedgerDomain {
    return createSaltedDomain(this._ledgerId(ctx, registry))
  }

  // ------------------------------------------------------------------ info

  /** The ledger id and EIP-712 domain this chaincode verifies signatures under, and its state format. */
  async GetLedgerInfo(ctx: Context, registry: string): Promise<string> {
    keysOf(registry) // validates the name
    return result({
      contract: REGISTRY_CONTRACT_NAME,
      domain: this._domain(ctx, registry),
      format: REGISTRY_FORMAT_VERSION,
      ledgerId: this._ledgerId(ctx, registry),
    })
  }

  // ------------------------------------------------------------------ anchors

  /** Anchors a root under `(root, treeSize, kind)`: `{ created, record }`; the same anchor again is not written. */
  async AnchorRoot(ctx: Context, registry: string, root: string, treeSize: string, kind: string): Promise<string> {
    const k = keysOf(registry)
    const { anchor, key } = anchorArguments(root, treeSize, kind)
    const stateKey = ctx.stub.createCompositeKey(k.anchor, [key])
    const existing = await readJson<StoredAnchor>(ctx, stateKey)
    if (existing) return result({ created: false, record: existing })
    const record: StoredAnchor = { ...anchor, ...txRef(ctx) }
    await writeJson(ctx, stateKey, record)
    emit(ctx, REGISTRY_EVENTS.anchor, record)
    return result({ created: true, record })
  }

  /** The anchor with exactly this `(root, treeSize, kind)`, or `null`. */
  async GetAnchor(ctx: Context, registry: string, root: string, treeSize: string, kind: string): Promise<string> {
    const k = keysOf(registry)
    const { key } = anchorArguments(root, treeSize, kind)
    return result((await readJson<StoredAnchor>(ctx, ctx.stub.createCompositeKey(k.anchor, [key]))) ?? null)
  }

  // ------------------------------------------------------------------ consents

  /**
   * Registers a signed consent under `consentKey(grantor, id)` after verifying it: `{ created, record }`, the record
   * with its revocation when the grantor revoked the id first.
   */
  async RegisterConsent(ctx: Context, registry: string, signedConsent: string): Promise<string> {
    const k = keysOf(registry)
    const input = parseObject(signedConsent, 'signedConsent', 'CONSENT_MALFORMED') as SignedConsent
    const { signed, key } = verifyConsentWrite(this._domain(ctx, registry), input)
    const stateKey = ctx.stub.createCompositeKey(k.consent, [key])
    const existing = await readJson<StoredConsent>(ctx, stateKey)
    // a revocation may be recorded before the consent (either order): the answer carries it, the stored record not
    const revocation = await readJson<StoredRevocation>(ctx, ctx.stub.createCompositeKey(k.revocation, [key]))
    const withRevocation = (r: StoredConsent): StoredConsent => (revocation ? { ...r, revocation } : r)
    if (existing && assertSameConsent(existing.consent, signed.consent))
      return result({ created: false, record: withRevocation(existing) })
    const ref = txRef(ctx)
    const record: StoredConsent = { ...signed, ...ref }
    await writeJson(ctx, stateKey, record)
    const order = orderKey(ctx, key)
    const grantor = signed.consent.grantor.toLowerCase()
    const grantee = signed.consent.grantee.toLowerCase()
    const entry: ConsentIndexEntry = { key, ...ref }
    const index = (objectType: string, attributes: string[]) =>
      writeJson(ctx, ctx.stub.createCompositeKey(objectType, attributes), entry)
    await index(k.consentsAll, [order])
    await index(k.consentsByGrantor, [grantor, order])
    await index(k.consentsByGrantee, [grantee, order])
    await index(k.consentsByPair, [grantor, grantee, order])
    emit(ctx, REGISTRY_EVENTS.consent, record)
    return result({ created: true, record: withRevocation(record) })
  }

  /**
   * Records a revocation signed by `revocation.grantor`, under `consentKey(grantor, consentId)`: `{ created, record }`.
   * The consent need not be registered; the same revocation again is not written.
   */
  async RevokeConsent(ctx: Context, registry: string, signedRevocation: string): Promise<string> {
    const k = keysOf(registry)
    const input = parseObject(signedRevocation, 'signedRevocation', 'CONSENT_MALFORMED') as SignedRevocation
    const { signed, key } = verifyRevocationWrite(this._domain(ctx, registry), input)
    const stateKey = ctx.stub.createCompositeKey(k.revocation, [key])
    const existing = await readJson<StoredRevocation>(ctx, stateKey)
    if (existing) return result({ created: false, record: existing })
    const record: StoredRevocation = { ...signed, ...txRef(ctx) }
    await writeJson(ctx, stateKey, record)
    emit(ctx, REGISTRY_EVENTS.revocation, record)
    return result({ created: true, record })
  }

  /** The consent under this consent key (with its revocation, if any), or `null`. */
  async GetConsent(ctx: Context, registry: string, key: string): Promise<string> {
    const k = keysOf(registry)
    return result((await this._readConsent(ctx, k, assertHex32(key, 'key'))) ?? null)
  }

  /** The revocation under this consent key, whether or not a consent is registered there, or `null`. */
  async GetRevocation(ctx: Context, registry: string, key: string): Promise<string> {
    const k = keysOf(registry)
    const stateKey = ctx.stub.createCompositeKey(k.revocation, [assertHex32(key, 'key')])
    return result((await readJson<StoredRevocation>(ctx, stateKey)) ?? null)
  }

  /** @internal */
  async _readConsent(ctx: Context, k: RegistryKeys, key: string): Promise<StoredConsent | undefined> {
    const consent = await readJson<StoredConsent>(ctx, ctx.stub.createCompositeKey(k.consent, [key]))
    if (!consent) return undefined
    const revocation = await readJson<StoredRevocation>(ctx, ctx.stub.createCompositeKey(k.revocation, [key]))
    return revocation ? { ...consent, revocation } : consent
  }

  /**
   * One page of consents in registration order (transaction timestamp order), filtered by grantor and/or grantee
   * (`''` for no filter): `{ items, skipped, bookmark }`. An item that is not what its index entry promises (a
   * damaged value, a consent under another key) is left out and reported in `skipped` with where it was written; it
   * never fails the page. Signatures are checked at registration and again by every client, not here. Read-only: Fabric serves paginated queries to queries only.
   */
  async ListConsents(
    ctx: Context,
    registry: string,
    grantor: string,
    grantee: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    const k = keysOf(registry)
    const size = decimalInteger(pageSize, 'pageSize', 1)
    if (size > MAX_PAGE_SIZE) throw reject('OUT_OF_RANGE', `pageSize must be at most ${MAX_PAGE_SIZE}.`)
    const from = grantor === '' ? undefined : address(grantor, 'grantor')
    const to = grantee === '' ? undefined : address(grantee, 'grantee')
    const [objectType, attributes] =
      from && to
        ? [k.consentsByPair, [from, to]]
        : from
          ? [k.consentsByGrantor, [from]]
          : to
            ? [k.consentsByGrantee, [to]]
            : [k.consentsAll, []]
    if (typeof bookmark !== 'string') throw reject('INVALID_ARGUMENT', 'bookmark must be a string.')
    // A bookmark is a key of this index: anything else would start the range elsewhere.
    const prefix = ctx.stub.createCompositeKey(objectType, attributes)
    if (bookmark !== '' && (!bookmark.startsWith(prefix) || bookmark.length === prefix.length))
      throw reject('INVALID_ARGUMENT', 'The cursor does not belong to this listing.')
    const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
      objectType,
      attributes,
      size,
      bookmark,
    )
    const items: StoredConsent[] = []
    const skipped: SkippedStoredConsent[] = []
    try {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        const listed = await this._listed(ctx, k, next.value.value, { from, to })
        if ('code' in listed) skipped.push(listed)
        else items.push(listed)
      }
    } finally {
      await iterator.close()
    }
    return result({ items, skipped, bookmark: bookmarkOf(metadata) })
  }

  /**
   * One listed consent: the record, or why it is skipped and where it was written. The signature was verified when
   * the consent was registered, and every client verifies each listed item again; a listing is a query bounded by
   * the gateway's deadline (a signature check costs milliseconds, a page holds up to 1000), so here it checks what
   * the index promises: a readable consent stored under `consentKey(grantor, id)` of its own grantor and id, matching
   * the filter. @internal
   */
  async _listed(
    ctx: Context,
    k: RegistryKeys,
    indexValue: Uint8Array,
    filter: { from: string | undefined; to: string | undefined },
  ): Promise<StoredConsent | SkippedStoredConsent> {
    let entry: ConsentIndexEntry
    try {
      entry = JSON.parse(decoder.decode(indexValue)) as ConsentIndexEntry
    } catch {
      // only this chaincode writes index entries: one it cannot read is not a medseal ledger's
      throw reject('LEDGER_REJECTED', 'A consent index entry is unreadable.')
    }
    if (!isStoredRef(entry) || typeof entry.key !== 'string')
      throw reject('LEDGER_REJECTED', 'A consent index entry is unreadable.')
    const skip = (code: ErrorCode): SkippedStoredConsent => ({ tx: entry.tx, timestamp: entry.timestamp, code })
    let stored: StoredConsent | undefined
    try {
      stored = await this._readConsent(ctx, k, entry.key.toLowerCase())
    } catch {
      return skip('CONSENT_MALFORMED')
    }
    if (!stored) return skip('LEDGER_MISMATCH')
    const c = (typeof stored.consent === 'object' && stored.consent !== null ? stored.consent : {}) as Partial<Consent>
    let key: string
    try {
      key = consentKey(c.grantor as Address, c.id as Hex)
    } catch {
      return skip('CONSENT_MALFORMED')
    }
    if (typeof c.grantee !== 'string' || typeof stored.signature !== 'string') return skip('CONSENT_MALFORMED')
    if (key !== entry.key.toLowerCase()) return skip('LEDGER_MISMATCH')
    const outside =
      (filter.from !== undefined && (c.grantor as string).toLowerCase() !== filter.from) ||
      (filter.to !== undefined && c.grantee.toLowerCase() !== filter.to)
    return outside ? skip('LEDGER_MISMATCH') : stored
  }

  // ------------------------------------------------------------------ tombstones

  /** Records a tombstone signed by its owner, under `(commitment, owner)`: `{ created, record }`. */
  async RecordTombstone(ctx: Context, registry: string, signedTombstone: string): Promise<string> {
    const k = keysOf(registry)
    const input = parseObject(signedTombstone, 'signedTombstone', 'INVALID_ARGUMENT') as SignedTombstone
    const { signed, key } = verifyTombstoneWrite(this._domain(ctx, registry), input)
    const stateKey = ctx.stub.createCompositeKey(k.tombstone, [key])
    const existing = await readJson<StoredTombstone>(ctx, stateKey)
    if (existing) return result({ created: false, record: existing })
    const record: StoredTombstone = { ...signed, ...txRef(ctx) }
    await writeJson(ctx, stateKey, record)
    emit(ctx, REGISTRY_EVENTS.tombstone, record)
    return result({ created: true, record })
  }

  /** The tombstone `owner` signed for `commitment`, or `null` (another owner's is never returned). */
  async GetTombstone(ctx: Context, registry: string, commitment: string, owner: string): Promise<string> {
    const k = keysOf(registry)
    const key = tombstoneKey(assertHex32(commitment, 'commitment'), address(owner, 'owner') as Hex)
    return result((await readJson<StoredTombstone>(ctx, ctx.stub.createCompositeKey(k.tombstone, [key]))) ?? null)
  }

  // ------------------------------------------------------------------ tree heads

  /**
   * Records an access-log tree head signed by its operator: `{ created, record }`. `LEDGER_REJECTED` when its `logId`
   * is not `keccak256(operator ‖ nameHash)` of the head itself; one head per size (`LEDGER_CONFLICT` for another).
   */
  async RecordTreeHead(ctx: Context, registry: string, signedTreeHead: string): Promise<string> {
    const k = keysOf(registry)
    const input = parseObject(signedTreeHead, 'signedTreeHead', 'INVALID_ARGUMENT') as SignedTreeHead
    const signed = verifyTreeHeadWrite(this._domain(ctx, registry), input)
    const head = signed.head
    const logId = head.logId.toLowerCase()
    const logKey = ctx.stub.createCompositeKey(k.log, [logId])
    const log = await readJson<{ latest: number }>(ctx, logKey)
    const stateKey = ctx.stub.createCompositeKey(k.treeHead, [logId, treeSizeKey(head.treeSize)])
    const existing = await readJson<StoredTreeHead>(ctx, stateKey)
    if (existing && assertSameTreeHead(existing.head, head)) return result({ created: false, record: existing })
    const record: StoredTreeHead = { ...signed, ...txRef(ctx) }
    await writeJson(ctx, stateKey, record)
    if (!log || head.treeSize > log.latest) await writeJson(ctx, logKey, { latest: head.treeSize })
    emit(ctx, REGISTRY_EVENTS.treeHead, record)
    return result({ created: true, record })
  }

  /** The head of a log of a given size (`''`: the largest recorded), or `null`. */
  async GetTreeHead(ctx: Context, registry: string, logId: string, treeSize: string): Promise<string> {
    const k = keysOf(registry)
    const id = assertHex32(logId, 'logId')
    let size: number
    if (treeSize === '') {
      const log = await readJson<{ latest: number }>(ctx, ctx.stub.createCompositeKey(k.log, [id]))
      if (!log) return result(null)
      size = log.latest
    } else size = decimalInteger(treeSize, 'treeSize', 0)
    const key = ctx.stub.createCompositeKey(k.treeHead, [id, treeSizeKey(size)])
    return result((await readJson<StoredTreeHead>(ctx, key)) ?? null)
  }
}

/**
 * A contract class for a chaincode deployed under `chaincodeName` (fabric-contract-api instantiates contract classes
 * itself, without arguments).
 *
 * @param params - `chaincodeName`: the name in the chaincode definition (`peer lifecycle chaincode ... --name`)
 * @returns a subclass of {@link MedsealRegistryContract}
 * @example
 * ```ts
 * import { createRegistryContract } from '@medseal/fabric-chaincode'
 * export const contracts = [createRegistryContract({ chaincodeName: 'medseal-prod' })]
 * ```
 */
export function createRegistryContract(params: { chaincodeName: string }): typeof MedsealRegistryContract {
  const { chaincodeName } = params
  // Validate now, not at the first transaction.
  void new MedsealRegistryContract(chaincodeName)
  class ConfiguredMedsealRegistryContract extends MedsealRegistryContract {
    constructor() {
      super(chaincodeName)
    }
  }
  // fabric-contract-api finds transactions among the own methods of the instance's prototype only: copy them.
  const base = MedsealRegistryContract.prototype as unknown as Record<string, unknown>
  for (const name of Object.getOwnPropertyNames(base)) {
    if (name === 'constructor') continue
    Object.defineProperty(
      ConfiguredMedsealRegistryContract.prototype,
      name,
      Object.getOwnPropertyDescriptor(base, name) as PropertyDescriptor,
    )
  }
  return ConfiguredMedsealRegistryContract
}
