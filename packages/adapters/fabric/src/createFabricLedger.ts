/**
 * The medseal `LedgerAdapter` over Hyperledger Fabric: the registry chaincode (`@medseal/fabric-chaincode`) called
 * through a {@link FabricTransport}: the Fabric Gateway ({@link createGatewayTransport}) on a real network, or the
 * in-process bridge in tests. Node only.
 *
 * - Ledger id `fabric:<channel>:<chaincode>` (`fabric:<channel>:<chaincode>:<registry>` for a named registry in the
 *   chaincode); EIP-712 domain `createSaltedDomain(ledgerId)`, which the chaincode checks signatures under (the
 *   adapter refuses to work against a chaincode that reports another ledger id).
 * - {@link @medseal/core!LedgerRef}: `{ ledger, tx: <Fabric tx id>, block: <block number>, timestamp: <tx timestamp, s> }`. The
 *   chaincode stores the transaction id and timestamp with each record; the block number comes from the commit
 *   status for new writes and from the ledger (`qscc`) for records read back, cached per transaction.
 * - Keys and checks are `@medseal/core`'s ledger rules: anchors by `(root, treeSize, kind)`, consents and revocations
 *   by `consentKey(grantor, id)`, tombstones by `(commitment, owner)`, tree heads only for the signer's own log id.
 *   The client applies them before every write, and the chaincode again on every endorsing peer.
 * - A peer is not trusted: every answer is checked against the key it was asked for, and every consent read back is
 *   verified again (a listing skips and reports what fails, in `skipped`; a direct lookup is `LEDGER_MISMATCH`).
 * - The chaincode must speak state format 2 (`GetLedgerInfo`), else `LEDGER_MISMATCH`.
 * - Endorsement failures, `MVCC_READ_CONFLICT`s and unreachable peers are retried a bounded number of times (every
 *   write is idempotent, so a retry never writes twice); then a peer that is down is `LEDGER_UNAVAILABLE`, and a
 *   chaincode refusal is the named error it reported (`MEDSEAL:<CODE>:…`).
 * - `getTime()` is the timestamp of the latest block's transactions, clamped so that it never goes backwards (the
 *   newest transaction of the next block may carry an earlier time). On Fabric a transaction timestamp is set by the
 *   submitting client (endorsers do not check it against their clocks), so this is as good as the clocks of the
 *   channel's clients; see docs/adapters/fabric.md.
 * - Consents are listed in registration order, which on Fabric is the order of their transaction timestamps.
 * @module
 */

import type { Contract, Gateway } from '@hyperledger/fabric-gateway'
import {
  type Address,
  type AnchorInput,
  type AnchorRecord,
  assertAnchorInput,
  assertHex32,
  base64urlToBytes,
  bytesToBase64url,
  bytesToHex0x,
  bytesToUtf8,
  type ConsentError,
  type ConsentKey,
  type ConsentRecord,
  checkListedConsent,
  consentContentKey,
  consentKey,
  createSaltedDomain,
  describeType,
  type ErrorCode,
  type Hex,
  hexToBytes,
  InvalidArgumentError,
  isAddress,
  type LedgerAdapter,
  LedgerError,
  type LedgerRef,
  type ListConsentsParameters,
  type ListConsentsReturnType,
  type RevocationRecord,
  randomBytes,
  type SignedConsent,
  type SignedRevocation,
  type SignedTombstone,
  type SignedTreeHead,
  type SkippedConsent,
  sameTreeHead,
  type TombstoneRecord,
  type TreeHeadRecord,
  tombstoneKey,
  utf8ToBytes,
  type VerificationError,
  verifyConsentWrite,
  verifyRevocationWrite,
  verifyTombstoneWrite,
  verifyTreeHeadWrite,
} from '@medseal/core'
import { isRetryable, toLedgerError } from './_errors.js'
import { unexpected, type WireConsent, type WireRef, type WireRevocation, type WireWrite, wire } from './_wire.js'
import { createGatewayTransport } from './createGatewayTransport.js'
import type { FabricSubmitResult, FabricTransport } from './transport.js'

/**
 * How {@link createFabricLedger} reaches the chaincode: a connected Fabric `gateway` (the usual case), a `contract`
 * with its channel's `qscc` contract, or any {@link FabricTransport} (e.g. the in-process bridge).
 */
export type FabricLedgerConnection =
  | { readonly gateway: Gateway; readonly transport?: never; readonly contract?: never }
  | { readonly contract: Contract; readonly qscc: Contract; readonly gateway?: never; readonly transport?: never }
  | { readonly transport: FabricTransport; readonly gateway?: never; readonly contract?: never }

/** Options of {@link createFabricLedger}. */
export type CreateFabricLedgerParameters = FabricLedgerConnection & {
  /** The channel the chaincode is committed on. */
  readonly channel: string
  /** The chaincode's name in the channel's chaincode definition. */
  readonly chaincode: string
  /**
   * A named registry inside the chaincode (default: the chaincode's own registry). Each registry has its own records
   * and its own ledger id, `fabric:<channel>:<chaincode>:<registry>`, so its own EIP-712 domain. 1-64 characters of
   * `a-z 0-9 _ . -`, starting with a letter or digit.
   */
  readonly registry?: string
  /** How many times a retryable failure is retried (default 3; 0 disables retries). */
  readonly retries?: number
  /** Base delay before a retry, doubled each time, plus up to as much random jitter (default 100 ms). */
  readonly retryDelayMs?: number
  /**
   * How many transaction → block numbers to remember, and as many verified consents (default 10 000 each; 0: none).
   */
  readonly blockCacheSize?: number
}

/** Everything {@link createFabricLedger} and its methods can throw. */
export type FabricLedgerErrorType = InvalidArgumentError | ConsentError | VerificationError | LedgerError

/** The chaincode state format this client speaks (`GetLedgerInfo`'s `format`): `@medseal/fabric-chaincode` 2. */
const CHAINCODE_FORMAT = 2
const CHANNEL = /^[a-z][a-z0-9.-]{0,248}$/
const CHAINCODE = /^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$/
const REGISTRY = /^[a-z0-9][a-z0-9_.-]{0,63}$/
const CURSOR_PREFIX = '\u0000medseal~v2~consent~'
/** Codes a peer may give for an item it left out of a page; any other is reported as `LEDGER_MISMATCH`. */
const SKIP_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'CONSENT_MALFORMED',
  'CONSENT_SIGNATURE_INVALID',
  'CONSENT_WRONG_DOMAIN',
  'LEDGER_MISMATCH',
])

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

function address(value: unknown, name: string): string {
  if (typeof value !== 'string')
    throw new InvalidArgumentError('INVALID_TYPE', `${name} must be an address string.`, {
      metaMessages: [`Received ${describeType(value)}.`],
    })
  if (!isAddress(value))
    throw new InvalidArgumentError('INVALID_ARGUMENT', `${name} must be a 20-byte 0x address (EIP-55 if mixed case).`)
  return value.toLowerCase()
}

function integer(value: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number')
    throw new InvalidArgumentError('INVALID_TYPE', `${name} must be a number.`, {
      metaMessages: [`Received ${describeType(value)}.`],
    })
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new InvalidArgumentError('OUT_OF_RANGE', `${name} must be an integer from ${min} to ${max}.`)
  return value
}

/** Is a returned anchor the one named by `[root, treeSize, kind]`? */
function sameAnchor(record: { root: string; treeSize: number; kind: string }, args: readonly string[]): boolean {
  return record.root.toLowerCase() === args[0] && String(record.treeSize) === args[1] && record.kind === args[2]
}

function tombstoneKeyOf(record: { tombstone: { commitment: Hex; owner: Address } }): Hex | undefined {
  try {
    return tombstoneKey(record.tombstone.commitment, record.tombstone.owner)
  } catch {
    return undefined
  }
}

function encodeCursor(bookmark: string): string | undefined {
  return bookmark === '' ? undefined : bytesToBase64url(utf8ToBytes(bookmark))
}

function decodeCursor(cursor: unknown): string {
  if (typeof cursor !== 'string')
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'cursor must be a string from a previous page.')
  let bookmark: string
  try {
    bookmark = bytesToUtf8(base64urlToBytes(cursor))
  } catch (cause) {
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'cursor is not a cursor of this ledger.', { cause })
  }
  if (!bookmark.startsWith(CURSOR_PREFIX) || bookmark.length > 512)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'cursor is not a cursor of this ledger.')
  return bookmark
}

/**
 * Creates the medseal ledger over Hyperledger Fabric.
 *
 * @param params - a connected `gateway` (or a `contract` with `qscc`, or a `transport` such as the in-process bridge),
 *   `channel`, `chaincode`, optional `registry`, `retries`, `retryDelayMs`, `blockCacheSize`
 * @returns a frozen {@link @medseal/core!LedgerAdapter} named `fabric`
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_ARGUMENT` for a bad channel or chaincode name or options
 * @example
 * ```ts norun
 * import { connect, signers } from '@hyperledger/fabric-gateway'
 * import { createFabricLedger } from '@medseal/adapter-fabric'
 * const gateway = connect({ client, identity, signer }) // your gRPC client, X.509 identity and signer
 * const ledger = createFabricLedger({ gateway, channel: 'mychannel', chaincode: 'medseal' })
 * await ledger.anchorRoot({ root, treeSize: 1000, kind: 'records' })
 * ```
 */
export function createFabricLedger(params: CreateFabricLedgerParameters): LedgerAdapter {
  if (!isPlainObject(params)) throw new InvalidArgumentError('INVALID_TYPE', 'createFabricLedger takes an object.')
  const { channel, chaincode } = params
  if (typeof channel !== 'string' || !CHANNEL.test(channel))
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'channel must be a Fabric channel name.')
  if (typeof chaincode !== 'string' || !CHAINCODE.test(chaincode) || chaincode.length > 128)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'chaincode must be a Fabric chaincode name.')
  const transport: FabricTransport = params.gateway
    ? createGatewayTransport({ gateway: params.gateway, channel, chaincode })
    : params.contract
      ? createGatewayTransport({ contract: params.contract, qscc: params.qscc, channel })
      : (params.transport as FabricTransport)
  if (typeof transport !== 'object' || transport === null || typeof transport.submit !== 'function')
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'Give a gateway, a contract with qscc, or a FabricTransport.')
  const retries = params.retries === undefined ? 3 : integer(params.retries, 'retries', 0, 20)
  const retryDelayMs = params.retryDelayMs === undefined ? 100 : integer(params.retryDelayMs, 'retryDelayMs', 0, 60_000)
  const cacheSize = params.blockCacheSize === undefined ? 10_000 : integer(params.blockCacheSize, 'blockCacheSize', 0)

  const registry = params.registry ?? ''
  if (registry !== '' && (typeof registry !== 'string' || !REGISTRY.test(registry)))
    throw new InvalidArgumentError(
      'INVALID_ARGUMENT',
      'registry must be 1-64 of a-z 0-9 _ . - (letter or digit first).',
    )
  const ledgerId = registry === '' ? `fabric:${channel}:${chaincode}` : `fabric:${channel}:${chaincode}:${registry}`
  const domain = createSaltedDomain(ledgerId)
  const blocks = new Map<string, number>()
  let info: Promise<void> | undefined
  /** The largest ledger time seen: {@link LedgerAdapter.getTime} never answers less. */
  let latestTime = 0

  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
  const backoff = (attempt: number) => {
    if (retryDelayMs === 0) return 0
    const jitter = ((randomBytes(2)[0] as number) / 255) * retryDelayMs
    return retryDelayMs * 2 ** (attempt - 1) + jitter
  }

  async function withRetries<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn()
      } catch (error) {
        if (attempt > retries || !isRetryable(error)) throw toLedgerError(error, attempt)
        await sleep(backoff(attempt))
      }
    }
  }

  /**
   * Consents this client has verified, by their exact wire form (signature and every field as the peer sent them):
   * the same bytes verify the same way under this ledger's domain, so a listing shown again does not recover every
   * signature again (one recovery costs milliseconds). Only successes are kept; bounded like the block cache.
   */
  const verified = new Map<string, ConsentKey>()

  function checkConsent(found: WireConsent): ReturnType<typeof checkListedConsent> {
    const exact = `${found.signature}|${JSON.stringify(found.consent)}`
    const key = verified.get(exact)
    if (key !== undefined) return { ok: true, signed: { consent: found.consent, signature: found.signature }, key }
    const checked = checkListedConsent(domain, { consent: found.consent, signature: found.signature })
    if (checked.ok && cacheSize > 0) {
      if (verified.size >= cacheSize) verified.delete(verified.keys().next().value as string)
      verified.set(exact, checked.key)
    }
    return checked
  }

  function remember(tx: string, block: number) {
    if (cacheSize === 0) return
    if (blocks.size >= cacheSize) blocks.delete(blocks.keys().next().value as string)
    blocks.set(tx, block)
  }

  /** Block lookups in flight, by transaction (one query per transaction, however many records share it). */
  const lookups = new Map<string, Promise<number>>()
  /** At most this many block lookups at once (each is a qscc query that returns a whole block). */
  const MAX_LOOKUPS = 8
  let running = 0
  const waiting: (() => void)[] = []

  async function limited<T>(fn: () => Promise<T>): Promise<T> {
    if (running >= MAX_LOOKUPS) await new Promise<void>((resolve) => waiting.push(resolve))
    running++
    try {
      return await fn()
    } finally {
      running--
      waiting.shift()?.()
    }
  }

  async function blockOf(tx: string): Promise<number> {
    const known = blocks.get(tx)
    if (known !== undefined) return known
    let lookup = lookups.get(tx)
    if (!lookup) {
      lookup = limited(async () => {
        const block = await withRetries(() => transport.getTransactionBlock(tx))
        if (block === undefined || !Number.isSafeInteger(block) || block < 0)
          throw new LedgerError('LEDGER_UNAVAILABLE', 'The block of a recorded transaction is not available yet.', {
            details: `Fabric transaction ${tx}; the queried peer may lag behind, try again.`,
          })
        remember(tx, block)
        return block
      }).finally(() => lookups.delete(tx))
      lookups.set(tx, lookup)
    }
    return lookup
  }

  /** Checks once that the chaincode verifies signatures under this ledger id. */
  function ensureLedgerInfo(): Promise<void> {
    info ??= (async () => {
      const answer = wire.info(await withRetries(() => transport.evaluate('GetLedgerInfo', [registry])))
      if (answer.ledgerId !== ledgerId)
        throw new LedgerError('LEDGER_MISMATCH', 'The chaincode serves another ledger id.', {
          details: `Expected ${ledgerId}, the chaincode reports ${answer.ledgerId.slice(0, 200)}.`,
        })
      if (answer.format !== CHAINCODE_FORMAT)
        throw new LedgerError('LEDGER_MISMATCH', 'The chaincode speaks another state format.', {
          details: `This client needs format ${CHAINCODE_FORMAT}; the chaincode reports ${answer.format ?? 'none'}.`,
          metaMessages: ['Deploy @medseal/fabric-chaincode of the same release as @medseal/adapter-fabric.'],
        })
    })().catch((error) => {
      info = undefined
      throw error
    })
    return info
  }

  async function evaluate(name: string, args: readonly string[]): Promise<Uint8Array> {
    await ensureLedgerInfo()
    return withRetries(() => transport.evaluate(name, [registry, ...args]))
  }

  async function submit<T extends { tx: string; timestamp: number }>(
    name: string,
    args: readonly string[],
    parse: (v: unknown) => T,
  ): Promise<{ record: T; ref: LedgerRef }> {
    await ensureLedgerInfo()
    const { submitted, written } = await withRetries(async () => {
      const submitted: FabricSubmitResult = await transport.submit(name, [registry, ...args])
      return { submitted, written: wire.write(submitted.result, name, parse) as WireWrite<T> }
    })
    const record = written.record
    if (written.created) {
      if (record.tx !== submitted.txId) throw unexpected(`${name} (transaction id)`)
      remember(submitted.txId, submitted.blockNumber)
      return { record, ref: makeRef(record.tx, submitted.blockNumber, record.timestamp) }
    }
    return { record, ref: await refOf(record) }
  }

  function makeRef(tx: string, block: number, timestamp: number): LedgerRef {
    return { ledger: ledgerId, tx, block, timestamp }
  }

  async function refOf(record: { tx: string; timestamp: number }): Promise<LedgerRef> {
    return makeRef(record.tx, await blockOf(record.tx), record.timestamp)
  }

  async function toRevocation(r: WireRevocation, ref?: LedgerRef): Promise<RevocationRecord> {
    return {
      revocation: { consentId: r.revocation.consentId, grantor: r.revocation.grantor },
      signature: r.signature,
      ref: ref ?? (await refOf(r)),
    }
  }

  async function toConsent(c: WireConsent, ref?: LedgerRef): Promise<ConsentRecord> {
    const record: ConsentRecord = { consent: c.consent, signature: c.signature, ref: ref ?? (await refOf(c)) }
    return c.revocation ? { ...record, revocation: await toRevocation(c.revocation) } : record
  }

  /**
   * Checks that what the peer returned for a consent key is a valid consent under that key (a peer is untrusted):
   * one medseal refuses is `LEDGER_MISMATCH` (as on every ledger; `listConsents` skips and reports it instead).
   */
  async function checkedConsent(found: WireConsent, key: ConsentKey): Promise<ConsentRecord> {
    const verifiedAs = checkConsent(found)
    const checked: ReturnType<typeof checkListedConsent> =
      verifiedAs.ok && verifiedAs.key !== key ? { ok: false, code: 'LEDGER_MISMATCH' } : verifiedAs
    if (!checked.ok)
      throw new LedgerError('LEDGER_MISMATCH', 'The registry holds a consent under this key that medseal refuses.', {
        metaMessages: [
          `Reason: ${checked.code}.`,
          'It was written around the chaincode, or the peer altered it; listConsents skips it.',
        ],
        details: `Fabric transaction ${found.tx}.`,
      })
    if (found.revocation && !revokes(found.revocation, key)) throw unexpected('the consent (revocation)')
    return toConsent(found)
  }

  /** Does a revocation name this consent key (its grantor and consent id)? */
  function revokes(r: WireRevocation, key: ConsentKey): boolean {
    try {
      return consentKey(r.revocation.grantor, r.revocation.consentId) === key
    } catch {
      return false
    }
  }

  /** One listed item: the record, or a skipped item (where it was written and why). */
  async function listed(
    found: WireConsent,
    filter: { grantor: string; grantee: string },
  ): Promise<ConsentRecord | SkippedConsent> {
    const checked = checkConsent(found)
    if (!checked.ok) return { ref: await refOf(found), code: checked.code }
    const c = checked.signed.consent
    const outside =
      (filter.grantor !== '' && c.grantor.toLowerCase() !== filter.grantor) ||
      (filter.grantee !== '' && c.grantee.toLowerCase() !== filter.grantee) ||
      (found.revocation !== undefined && !revokes(found.revocation, checked.key))
    if (outside) return { ref: await refOf(found), code: 'LEDGER_MISMATCH' }
    return toConsent(found)
  }

  const skippedBy = async (where: WireRef, code: string): Promise<SkippedConsent> => ({
    ref: await refOf(where),
    code: (SKIP_CODES.has(code) ? code : 'LEDGER_MISMATCH') as ErrorCode,
  })

  const ledger: LedgerAdapter = {
    name: 'fabric',
    ledgerId,
    domain,

    async getTime() {
      const t = await withRetries(() => transport.getLedgerTime())
      if (!Number.isSafeInteger(t) || t < 0) throw unexpected('the ledger time')
      // The newest transaction's timestamp is set by whichever client submitted it, so it can go back (security
      // review, issue 12, finding 7): never answer less than the largest time this ledger has reported.
      if (t > latestTime) latestTime = t
      return latestTime
    },

    async anchorRoot(input: AnchorInput): Promise<AnchorRecord> {
      const anchor = assertAnchorInput(input)
      const args = [bytesToHex0x(anchor.root), String(anchor.treeSize), anchor.kind]
      const { record, ref } = await submit('AnchorRoot', args, wire.anchor)
      if (!sameAnchor(record, args)) throw unexpected('the anchor (root, treeSize or kind)')
      return { root: hexToBytes(record.root), treeSize: record.treeSize, kind: record.kind, ref }
    },

    async getAnchor(key: AnchorInput): Promise<AnchorRecord | undefined> {
      const anchor = assertAnchorInput(key)
      const args = [bytesToHex0x(anchor.root), String(anchor.treeSize), anchor.kind]
      const found = wire.maybe(await evaluate('GetAnchor', args), 'anchor', wire.anchor)
      if (!found) return undefined
      if (!sameAnchor(found, args)) throw unexpected('the anchor (root, treeSize or kind)')
      return { root: hexToBytes(found.root), treeSize: found.treeSize, kind: found.kind, ref: await refOf(found) }
    },

    async registerConsent(signed: SignedConsent): Promise<ConsentRecord> {
      // the ledger rules, off-chain first (the chaincode runs the same on every endorsing peer)
      const checked = verifyConsentWrite(domain, signed)
      const { record, ref } = await submit('RegisterConsent', [JSON.stringify(checked.signed)], wire.consent)
      if (consentContentKey(record.consent) !== checked.contentKey) throw unexpected('the consent (content)')
      return toConsent(record, ref)
    },

    async revokeConsent(signed: SignedRevocation): Promise<RevocationRecord> {
      const checked = verifyRevocationWrite(domain, signed)
      const { record, ref } = await submit('RevokeConsent', [JSON.stringify(checked.signed)], wire.revocation)
      if (!revokes(record, checked.key)) throw unexpected('the revocation (grantor or consent id)')
      return toRevocation(record, ref)
    },

    async getConsent(key: ConsentKey): Promise<ConsentRecord | undefined> {
      const k = assertHex32(key, 'key')
      const found = wire.maybe(await evaluate('GetConsent', [k]), 'consent', wire.consent)
      if (!found) return undefined
      return checkedConsent(found, k)
    },

    async getRevocation(key: ConsentKey): Promise<RevocationRecord | undefined> {
      const k = assertHex32(key, 'key')
      const found = wire.maybe(await evaluate('GetRevocation', [k]), 'revocation', wire.revocation)
      if (!found) return undefined
      if (!revokes(found, k)) throw unexpected('the revocation (grantor or consent id)')
      return toRevocation(found)
    },

    async listConsents(p: ListConsentsParameters = {}): Promise<ListConsentsReturnType> {
      if (!isPlainObject(p)) throw new InvalidArgumentError('INVALID_TYPE', 'listConsents takes an options object.')
      const grantor = p.grantor === undefined ? '' : address(p.grantor, 'grantor')
      const grantee = p.grantee === undefined ? '' : address(p.grantee, 'grantee')
      const limit = p.limit === undefined ? 100 : integer(p.limit, 'limit', 1, 1000)
      const bookmark = p.cursor === undefined ? '' : decodeCursor(p.cursor)
      const page = wire.page(await evaluate('ListConsents', [grantor, grantee, String(limit), bookmark]))
      if (page.items.length + page.skipped.length > limit) throw unexpected('the consent page (size)')
      // Every item is checked again here (a peer is not trusted); one that fails is skipped and reported, never a
      // reason to fail the page (security review, issue 12, finding 6).
      const results = await Promise.all([
        ...page.items.map((item) =>
          item.ok ? listed(item.record, { grantor, grantee }) : skippedBy(item.ref, item.code),
        ),
        ...page.skipped.map((s) => skippedBy(s, s.code)),
      ])
      const items = results.filter((r): r is ConsentRecord => 'consent' in r)
      const skipped = results.filter((r): r is SkippedConsent => !('consent' in r))
      const cursor = encodeCursor(page.bookmark)
      return {
        items,
        ...(cursor === undefined ? {} : { cursor }),
        ...(skipped.length === 0 ? {} : { skipped }),
      }
    },

    async recordTombstone(signed: SignedTombstone): Promise<TombstoneRecord> {
      const checked = verifyTombstoneWrite(domain, signed)
      const { record, ref } = await submit('RecordTombstone', [JSON.stringify(checked.signed)], wire.tombstone)
      if (tombstoneKeyOf(record) !== checked.key) throw unexpected('the tombstone (commitment or owner)')
      return { tombstone: record.tombstone, signature: record.signature, ref }
    },

    async getTombstone(commitment: Hex, owner: Address): Promise<TombstoneRecord | undefined> {
      if (owner === undefined)
        throw new InvalidArgumentError('INVALID_ARGUMENT', 'getTombstone needs the owner: tombstones are per owner.')
      const key = tombstoneKey(commitment, owner)
      const args = [assertHex32(commitment, 'commitment'), address(owner, 'owner')]
      const found = wire.maybe(await evaluate('GetTombstone', args), 'tombstone', wire.tombstone)
      if (!found) return undefined
      if (tombstoneKeyOf(found) !== key) throw unexpected('the tombstone (commitment or owner)')
      return { tombstone: found.tombstone, signature: found.signature, ref: await refOf(found) }
    },

    async recordTreeHead(signed: SignedTreeHead): Promise<TreeHeadRecord> {
      // includes the log id ownership check (LEDGER_REJECTED), which the chaincode applies again
      const checked = verifyTreeHeadWrite(domain, signed)
      const { record, ref } = await submit('RecordTreeHead', [JSON.stringify(checked)], wire.treeHead)
      if (!sameTreeHead(record.head, checked.head)) throw unexpected('the tree head')
      return { head: record.head, signature: record.signature, ref }
    },

    async getTreeHead(logId: Hex, treeSize?: number): Promise<TreeHeadRecord | undefined> {
      const key = assertHex32(logId, 'logId')
      const size = treeSize === undefined ? '' : String(integer(treeSize, 'treeSize', 0))
      const found = wire.maybe(await evaluate('GetTreeHead', [key, size]), 'tree head', wire.treeHead)
      if (!found) return undefined
      if (found.head.logId.toLowerCase() !== key || (size !== '' && String(found.head.treeSize) !== size))
        throw unexpected('the tree head (log id or size)')
      return { head: found.head, signature: found.signature, ref: await refOf(found) }
    },
  }
  return Object.freeze(ledger)
}
