/**
 * The medseal registry chaincode: the same registry as the EVM contract, as a fabric-contract-api `Contract`.
 *
 * - **Anchors**: a Merkle root with its tree size and kind, once; the same again is a no-op that returns the first
 *   record, other metadata is `LEDGER_CONFLICT`.
 * - **Consents**: registered only after the grantor's EIP-712 signature verifies under this ledger's domain
 *   (`{ name: 'medseal', version: '1', salt: keccak256("medseal-ledger:fabric:<channel>:<chaincode>") }`), with the
 *   same `@medseal/core` code as the browser and Node clients, so the bytes are the ones the EVM contract checks.
 *   Indexed by grantor, grantee and both (composite keys), listed in registration order with Fabric bookmarks.
 * - **Revocations** signed by the consent's grantor; **tombstones** (one per commitment, signed by its owner);
 *   **access-log tree heads** (one per log id and size; the first head of a log binds it to its operator).
 *
 * Deterministic, as endorsement requires: time is the proposal's `getTxTimestamp()`, never a clock; no randomness;
 * every stored value and event payload is RFC 8785 canonical JSON; iteration only over Fabric's sorted ranges.
 * Every write emits one chaincode event. Refusals are thrown as `MEDSEAL:<CODE>:<short>` ({@link ChaincodeError}).
 *
 * Transactions take string arguments and return canonical JSON text. The first argument of each is the
 * **registry**: `''` for the chaincode's registry (ledger id `fabric:<channel>:<chaincode>`), or a name for an
 * independent registry in the same chaincode (ledger id `fabric:<channel>:<chaincode>:<name>`, its own keys and
 * EIP-712 domain), e.g. one per tenant or per test run:
 * `AnchorRoot(registry, root, treeSize, kind)`, `GetAnchor(registry, root)`, `RegisterConsent(registry, json)`,
 * `RevokeConsent(registry, json)`, `GetConsent(registry, id)`,
 * `ListConsents(registry, grantor, grantee, pageSize, bookmark)`, `RecordTombstone(registry, json)`,
 * `GetTombstone(registry, commitment)`, `RecordTreeHead(registry, json)`,
 * `GetTreeHead(registry, logId, treeSize)` (`''` for the latest), `GetLedgerInfo(registry)`.
 * Writes return `{ created, record }`.
 * @module
 */
import {
  type AnchorKind,
  type Consent,
  canonicalize,
  createSaltedDomain,
  type Hex,
  isAddress,
  type LedgerDomain,
  type Revocation,
  type SignedConsent,
  type SignedRevocation,
  type SignedTombstone,
  type SignedTreeHead,
  type Tombstone,
  type TreeHead,
  verifySignedConsent,
  verifySignedRevocation,
  verifySignedTombstone,
  verifySignedTreeHead,
} from '@medseal/core'
import { type Context, Contract } from 'fabric-contract-api'
import { ChaincodeError, toChaincodeError } from './chaincodeError.js'

/** The contract's name inside the chaincode (the default contract, so functions need no prefix). */
export const REGISTRY_CONTRACT_NAME = 'medseal'
/** The chaincode name assumed when none is configured. */
export const DEFAULT_CHAINCODE_NAME = 'medseal'
/** Version of the on-ledger record format. */
export const REGISTRY_FORMAT_VERSION = 1

/** Names of the chaincode events, one per write. The payload is the record as canonical JSON. */
export const REGISTRY_EVENTS = Object.freeze({
  anchor: 'medseal.AnchorRecorded',
  consent: 'medseal.ConsentRegistered',
  revocation: 'medseal.ConsentRevoked',
  tombstone: 'medseal.TombstoneRecorded',
  treeHead: 'medseal.TreeHeadRecorded',
} as const)

/** Composite key object types: one namespace per record kind and index. */
export const REGISTRY_KEYS = Object.freeze({
  anchor: 'medseal~anchor',
  consent: 'medseal~consent',
  consentsAll: 'medseal~consent~all',
  consentsByGrantor: 'medseal~consent~grantor',
  consentsByGrantee: 'medseal~consent~grantee',
  consentsByPair: 'medseal~consent~pair',
  revocation: 'medseal~revocation',
  tombstone: 'medseal~tombstone',
  treeHead: 'medseal~treehead',
  log: 'medseal~log',
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
/** A page of consents; `bookmark` is Fabric's (the next key), `''` after the last page. */
export type ConsentPage = { readonly items: readonly StoredConsent[]; readonly bookmark: string }

const HEX32 = /^0x[0-9a-fA-F]{64}$/
const DECIMAL = /^(0|[1-9][0-9]{0,15})$/
const ANCHOR_KINDS: readonly AnchorKind[] = ['records', 'export', 'events']
const MAX_PAGE_SIZE = 1000
/** The largest argument accepted, in characters (a consent with many scope entries stays far below). */
const MAX_ARGUMENT_LENGTH = 256 * 1024

const encoder = /* @__PURE__ */ new TextEncoder()
const decoder = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true })

const reject = (code: ConstructorParameters<typeof ChaincodeError>[0], message: string) =>
  new ChaincodeError(code, message)

function hex32(value: string, name: string): string {
  if (typeof value !== 'string' || !HEX32.test(value))
    throw reject('INVALID_ARGUMENT', `${name} must be 32 bytes as 0x-prefixed hex.`)
  return value.toLowerCase()
}

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

/** The 12-digit seconds and 9-digit nanoseconds of the transaction: sorts as the transaction timestamps do. */
function orderKey(ctx: Context, id: string): string {
  const ts = ctx.stub.getTxTimestamp()
  const seconds = String(Number(ts.seconds)).padStart(12, '0')
  const nanos = String(ts.nanos).padStart(9, '0')
  return `${seconds}.${nanos}.${id}`
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

/** Index entries need a non-empty value: Fabric treats an empty value as a delete. */
async function writeIndex(ctx: Context, key: string, id: string): Promise<void> {
  await ctx.stub.putState(key, encoder.encode(id))
}

function emit(ctx: Context, name: string, record: unknown): void {
  ctx.stub.setEvent(name, encoder.encode(canonicalize(record)))
}

function result(value: unknown): string {
  return canonicalize(value)
}

/** Content of a consent, for idempotency: every field, hex and addresses in lower case. */
function consentContent(c: Consent): string {
  return canonicalize({
    id: c.id.toLowerCase(),
    grantor: c.grantor.toLowerCase(),
    grantee: c.grantee.toLowerCase(),
    parent: c.parent.toLowerCase(),
    resourceTypes: [...c.resourceTypes],
    commitments: c.commitments.map((x) => x.toLowerCase()),
    exclude: [...c.exclude],
    actions: [...c.actions],
    purposes: [...c.purposes],
    notBefore: c.notBefore,
    expiresAt: c.expiresAt,
    delegationDepth: c.delegationDepth,
  })
}

/** Only the EIP-712 fields, in a fixed shape (unknown members never reach the ledger). */
function pickConsent(c: Consent): Consent {
  return {
    id: c.id,
    grantor: c.grantor,
    grantee: c.grantee,
    parent: c.parent,
    resourceTypes: [...c.resourceTypes],
    commitments: [...c.commitments],
    exclude: [...c.exclude],
    actions: [...c.actions],
    purposes: [...c.purposes],
    notBefore: c.notBefore,
    expiresAt: c.expiresAt,
    delegationDepth: c.delegationDepth,
  }
}

const sameHex = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()

function sameTreeHead(a: TreeHead, b: TreeHead): boolean {
  return (
    sameHex(a.logId, b.logId) &&
    sameHex(a.operator, b.operator) &&
    a.treeSize === b.treeSize &&
    sameHex(a.root, b.root) &&
    a.timestamp === b.timestamp
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

  /** The ledger id and EIP-712 domain this chaincode verifies signatures under. */
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

  /** Anchors a root: `{ created, record }`; idempotent for the same metadata, `LEDGER_CONFLICT` otherwise. */
  async AnchorRoot(ctx: Context, registry: string, root: string, treeSize: string, kind: string): Promise<string> {
    const k = keysOf(registry)
    const r = hex32(root, 'root')
    const size = decimalInteger(treeSize, 'treeSize', 1)
    if (!ANCHOR_KINDS.includes(kind as AnchorKind))
      throw reject('INVALID_ARGUMENT', `kind must be one of ${ANCHOR_KINDS.join(', ')}.`)
    const key = ctx.stub.createCompositeKey(k.anchor, [r])
    const existing = await readJson<StoredAnchor>(ctx, key)
    if (existing) {
      if (existing.treeSize === size && existing.kind === kind) return result({ created: false, record: existing })
      throw reject('LEDGER_CONFLICT', 'This root is already anchored with other metadata.')
    }
    const record: StoredAnchor = { root: r as Hex, treeSize: size, kind: kind as AnchorKind, ...txRef(ctx) }
    await writeJson(ctx, key, record)
    emit(ctx, REGISTRY_EVENTS.anchor, record)
    return result({ created: true, record })
  }

  /** The anchor of `root`, or `null`. */
  async GetAnchor(ctx: Context, registry: string, root: string): Promise<string> {
    const k = keysOf(registry)
    const key = ctx.stub.createCompositeKey(k.anchor, [hex32(root, 'root')])
    return result((await readJson<StoredAnchor>(ctx, key)) ?? null)
  }

  // ------------------------------------------------------------------ consents

  /** Registers a signed consent after verifying the grantor's signature: `{ created, record }`. */
  async RegisterConsent(ctx: Context, registry: string, signedConsent: string): Promise<string> {
    const k = keysOf(registry)
    const signed = parseObject(signedConsent, 'signedConsent', 'CONSENT_MALFORMED') as SignedConsent
    verifySignedConsent(this._domain(ctx, registry), signed)
    const consent = pickConsent(signed.consent)
    const id = consent.id.toLowerCase()
    const key = ctx.stub.createCompositeKey(k.consent, [id])
    const existing = await readJson<StoredConsent>(ctx, key)
    if (existing) {
      if (consentContent(existing.consent) === consentContent(consent))
        return result({ created: false, record: existing })
      throw reject('CONSENT_REPLAYED', 'A different consent is already registered under this id.')
    }
    const record: StoredConsent = { consent, signature: signed.signature, ...txRef(ctx) }
    await writeJson(ctx, key, record)
    const order = orderKey(ctx, id)
    const grantor = consent.grantor.toLowerCase()
    const grantee = consent.grantee.toLowerCase()
    const ck = (objectType: string, attributes: string[]) => ctx.stub.createCompositeKey(objectType, attributes)
    await writeIndex(ctx, ck(k.consentsAll, [order]), id)
    await writeIndex(ctx, ck(k.consentsByGrantor, [grantor, order]), id)
    await writeIndex(ctx, ck(k.consentsByGrantee, [grantee, order]), id)
    await writeIndex(ctx, ck(k.consentsByPair, [grantor, grantee, order]), id)
    emit(ctx, REGISTRY_EVENTS.consent, record)
    return result({ created: true, record })
  }

  /** Records a revocation signed by the consent's grantor: `{ created, record }`. */
  async RevokeConsent(ctx: Context, registry: string, signedRevocation: string): Promise<string> {
    const k = keysOf(registry)
    const signed = parseObject(signedRevocation, 'signedRevocation', 'CONSENT_MALFORMED') as SignedRevocation
    verifySignedRevocation(this._domain(ctx, registry), signed)
    const revocation: Revocation = { consentId: signed.revocation.consentId, grantor: signed.revocation.grantor }
    const id = revocation.consentId.toLowerCase()
    const consent = await readJson<StoredConsent>(ctx, ctx.stub.createCompositeKey(k.consent, [id]))
    if (!consent) throw reject('CONSENT_NOT_FOUND', 'The consent to revoke is not registered.')
    if (!sameHex(consent.consent.grantor, revocation.grantor))
      throw reject('CONSENT_SIGNATURE_INVALID', 'A revocation must be signed by the consent grantor.')
    const key = ctx.stub.createCompositeKey(k.revocation, [id])
    const existing = await readJson<StoredRevocation>(ctx, key)
    if (existing) return result({ created: false, record: existing })
    const record: StoredRevocation = { revocation, signature: signed.signature, ...txRef(ctx) }
    await writeJson(ctx, key, record)
    emit(ctx, REGISTRY_EVENTS.revocation, record)
    return result({ created: true, record })
  }

  /** The consent with this id (and its revocation), or `null`. */
  async GetConsent(ctx: Context, registry: string, id: string): Promise<string> {
    const k = keysOf(registry)
    return result((await this._readConsent(ctx, k, hex32(id, 'id'))) ?? null)
  }

  /** @internal */
  async _readConsent(ctx: Context, k: RegistryKeys, id: string): Promise<StoredConsent | undefined> {
    const consent = await readJson<StoredConsent>(ctx, ctx.stub.createCompositeKey(k.consent, [id]))
    if (!consent) return undefined
    const revocation = await readJson<StoredRevocation>(ctx, ctx.stub.createCompositeKey(k.revocation, [id]))
    return revocation ? { ...consent, revocation } : consent
  }

  /**
   * One page of consents in registration order (transaction timestamp order), filtered by grantor and/or grantee
   * (`''` for no filter): `{ items, bookmark }`. Read-only: Fabric serves paginated queries to queries only.
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
    try {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        const id = decoder.decode(next.value.value)
        const consent = await this._readConsent(ctx, k, id)
        if (consent) items.push(consent)
      }
    } finally {
      await iterator.close()
    }
    return result({ items, bookmark: bookmarkOf(metadata) })
  }

  // ------------------------------------------------------------------ tombstones

  /** Records a tombstone signed by its owner: `{ created, record }`; one per commitment. */
  async RecordTombstone(ctx: Context, registry: string, signedTombstone: string): Promise<string> {
    const k = keysOf(registry)
    const signed = parseObject(signedTombstone, 'signedTombstone', 'INVALID_ARGUMENT') as SignedTombstone
    verifySignedTombstone(this._domain(ctx, registry), signed)
    const tombstone: Tombstone = { commitment: signed.tombstone.commitment, owner: signed.tombstone.owner }
    const key = ctx.stub.createCompositeKey(k.tombstone, [tombstone.commitment.toLowerCase()])
    const existing = await readJson<StoredTombstone>(ctx, key)
    if (existing) {
      if (sameHex(existing.tombstone.owner, tombstone.owner)) return result({ created: false, record: existing })
      throw reject('LEDGER_CONFLICT', 'This commitment already has a tombstone by another owner.')
    }
    const record: StoredTombstone = { tombstone, signature: signed.signature, ...txRef(ctx) }
    await writeJson(ctx, key, record)
    emit(ctx, REGISTRY_EVENTS.tombstone, record)
    return result({ created: true, record })
  }

  /** The tombstone of a commitment, or `null`. */
  async GetTombstone(ctx: Context, registry: string, commitment: string): Promise<string> {
    const k = keysOf(registry)
    const key = ctx.stub.createCompositeKey(k.tombstone, [hex32(commitment, 'commitment')])
    return result((await readJson<StoredTombstone>(ctx, key)) ?? null)
  }

  // ------------------------------------------------------------------ tree heads

  /**
   * Records an access-log tree head signed by its operator: `{ created, record }`. The first head of a log id binds
   * it to its operator (`LEDGER_REJECTED` for others); one head per size (`LEDGER_CONFLICT` for a different one).
   */
  async RecordTreeHead(ctx: Context, registry: string, signedTreeHead: string): Promise<string> {
    const k = keysOf(registry)
    const signed = parseObject(signedTreeHead, 'signedTreeHead', 'INVALID_ARGUMENT') as SignedTreeHead
    verifySignedTreeHead(this._domain(ctx, registry), signed)
    const h = signed.head
    const head: TreeHead = {
      logId: h.logId,
      operator: h.operator,
      treeSize: h.treeSize,
      root: h.root,
      timestamp: h.timestamp,
    }
    const logId = head.logId.toLowerCase()
    const logKey = ctx.stub.createCompositeKey(k.log, [logId])
    const log = await readJson<{ operator: string; latest: number }>(ctx, logKey)
    if (log && !sameHex(log.operator, head.operator))
      throw reject('LEDGER_REJECTED', 'This log id belongs to another operator.')
    const key = ctx.stub.createCompositeKey(k.treeHead, [logId, treeSizeKey(head.treeSize)])
    const existing = await readJson<StoredTreeHead>(ctx, key)
    if (existing) {
      if (sameTreeHead(existing.head, head)) return result({ created: false, record: existing })
      throw reject('LEDGER_CONFLICT', 'This log already has a different head of this size.')
    }
    const record: StoredTreeHead = { head, signature: signed.signature, ...txRef(ctx) }
    await writeJson(ctx, key, record)
    if (!log || head.treeSize > log.latest)
      await writeJson(ctx, logKey, { operator: head.operator.toLowerCase(), latest: head.treeSize })
    emit(ctx, REGISTRY_EVENTS.treeHead, record)
    return result({ created: true, record })
  }

  /** The head of a log of a given size (`''`: the largest recorded), or `null`. */
  async GetTreeHead(ctx: Context, registry: string, logId: string, treeSize: string): Promise<string> {
    const k = keysOf(registry)
    const id = hex32(logId, 'logId')
    let size: number
    if (treeSize === '') {
      const log = await readJson<{ operator: string; latest: number }>(ctx, ctx.stub.createCompositeKey(k.log, [id]))
      if (!log) return result(null)
      size = log.latest
    } else size = decimalInteger(treeSize, 'treeSize', 0)
    const key = ctx.stub.createCompositeKey(k.treeHead, [id, treeSizeKey(size)])
    return result((await readJson<StoredTreeHead>(ctx, key)) ?? null)
  }
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
