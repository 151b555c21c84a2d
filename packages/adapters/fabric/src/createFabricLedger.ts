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
 * - Signatures are verified by the chaincode, on every endorsing peer, with `@medseal/core`.
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
  type AnchorInput,
  type AnchorKind,
  type AnchorRecord,
  assertBytes,
  base64urlToBytes,
  bytesToBase64url,
  bytesToHex0x,
  bytesToUtf8,
  ConsentError,
  type ConsentRecord,
  createSaltedDomain,
  describeType,
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
  type TombstoneRecord,
  type TreeHeadRecord,
  utf8ToBytes,
} from '@medseal/core'
import { isRetryable, toLedgerError } from './_errors.js'
import { unexpected, type WireConsent, type WireRevocation, type WireWrite, wire } from './_wire.js'
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
  /** How many transaction → block numbers to remember (default 10 000). */
  readonly blockCacheSize?: number
}

/** Everything {@link createFabricLedger} and its methods can throw. */
export type FabricLedgerErrorType = InvalidArgumentError | ConsentError | LedgerError

const HEX32 = /^0x[0-9a-fA-F]{64}$/
const CHANNEL = /^[a-z][a-z0-9.-]{0,248}$/
const CHAINCODE = /^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$/
const REGISTRY = /^[a-z0-9][a-z0-9_.-]{0,63}$/
const KINDS: readonly AnchorKind[] = ['records', 'export', 'events']
const CURSOR_PREFIX = '\u0000medseal~consent~'

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

function hex32(value: unknown, name: string): string {
  if (typeof value !== 'string')
    throw new InvalidArgumentError('INVALID_TYPE', `${name} must be a 0x-prefixed hex string.`, {
      metaMessages: [`Received ${describeType(value)}.`],
    })
  if (!HEX32.test(value)) throw new InvalidArgumentError('INVALID_ARGUMENT', `${name} must be 32 bytes as 0x hex.`)
  return value.toLowerCase()
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

/** JSON of a signed structure; what is not JSON (bigint, cycles) is malformed. The chaincode checks the rest. */
function argument(value: unknown, malformed: () => Error): string {
  if (!isPlainObject(value)) throw malformed()
  try {
    return JSON.stringify(value)
  } catch {
    throw malformed()
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

  const consentMalformed = () =>
    new ConsentError('CONSENT_MALFORMED', 'Expected a signed consent { consent, signature }.')

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
      if (!isPlainObject(input))
        throw new InvalidArgumentError('INVALID_TYPE', 'anchorRoot takes { root, treeSize, kind }.', {
          metaMessages: [`Received ${describeType(input)}.`],
        })
      const root = bytesToHex0x(assertBytes(input.root, { length: 32, name: 'root' }))
      const treeSize = integer(input.treeSize, 'treeSize', 1)
      if (typeof input.kind !== 'string' || !KINDS.includes(input.kind))
        throw new InvalidArgumentError('INVALID_ARGUMENT', `kind must be one of ${KINDS.join(', ')}.`)
      const { record, ref } = await submit('AnchorRoot', [root, String(treeSize), input.kind], wire.anchor)
      if (record.root.toLowerCase() !== root) throw unexpected('the anchor (root)')
      return { root: hexToBytes(record.root), treeSize: record.treeSize, kind: record.kind, ref }
    },

    async getAnchor(root: Uint8Array): Promise<AnchorRecord | undefined> {
      const key = bytesToHex0x(assertBytes(root, { length: 32, name: 'root' }))
      const found = wire.maybe(await evaluate('GetAnchor', [key]), 'anchor', wire.anchor)
      if (!found) return undefined
      if (found.root.toLowerCase() !== key) throw unexpected('the anchor (root)')
      return { root: hexToBytes(found.root), treeSize: found.treeSize, kind: found.kind, ref: await refOf(found) }
    },

    async registerConsent(signed: SignedConsent): Promise<ConsentRecord> {
      const arg = argument(signed, consentMalformed)
      const { record, ref } = await submit('RegisterConsent', [arg], wire.consent)
      return toConsent(record, ref)
    },

    async revokeConsent(signed: SignedRevocation): Promise<RevocationRecord> {
      const arg = argument(signed, consentMalformed)
      const { record, ref } = await submit('RevokeConsent', [arg], wire.revocation)
      return toRevocation(record, ref)
    },

    async getConsent(id: Hex): Promise<ConsentRecord | undefined> {
      const key = hex32(id, 'id')
      const found = wire.maybe(await evaluate('GetConsent', [key]), 'consent', wire.consent)
      if (!found) return undefined
      if (found.consent.id.toLowerCase() !== key) throw unexpected('the consent (id)')
      return toConsent(found)
    },

    async listConsents(p: ListConsentsParameters = {}): Promise<ListConsentsReturnType> {
      if (!isPlainObject(p)) throw new InvalidArgumentError('INVALID_TYPE', 'listConsents takes an options object.')
      const grantor = p.grantor === undefined ? '' : address(p.grantor, 'grantor')
      const grantee = p.grantee === undefined ? '' : address(p.grantee, 'grantee')
      const limit = p.limit === undefined ? 100 : integer(p.limit, 'limit', 1, 1000)
      const bookmark = p.cursor === undefined ? '' : decodeCursor(p.cursor)
      const page = wire.page(await evaluate('ListConsents', [grantor, grantee, String(limit), bookmark]))
      if (page.items.length > limit) throw unexpected('the consent page (size)')
      const items = await Promise.all(page.items.map((c) => toConsent(c)))
      const cursor = encodeCursor(page.bookmark)
      return cursor === undefined ? { items } : { items, cursor }
    },

    async recordTombstone(signed: SignedTombstone): Promise<TombstoneRecord> {
      const arg = argument(
        signed,
        () => new InvalidArgumentError('INVALID_TYPE', 'Expected a signed tombstone { tombstone, signature }.'),
      )
      const { record, ref } = await submit('RecordTombstone', [arg], wire.tombstone)
      return { tombstone: record.tombstone, signature: record.signature, ref }
    },

    async getTombstone(commitment: Hex): Promise<TombstoneRecord | undefined> {
      const key = hex32(commitment, 'commitment')
      const found = wire.maybe(await evaluate('GetTombstone', [key]), 'tombstone', wire.tombstone)
      if (!found) return undefined
      if (found.tombstone.commitment.toLowerCase() !== key) throw unexpected('the tombstone (commitment)')
      return { tombstone: found.tombstone, signature: found.signature, ref: await refOf(found) }
    },

    async recordTreeHead(signed: SignedTreeHead): Promise<TreeHeadRecord> {
      const arg = argument(
        signed,
        () => new InvalidArgumentError('INVALID_TYPE', 'Expected a signed tree head { head, signature }.'),
      )
      const { record, ref } = await submit('RecordTreeHead', [arg], wire.treeHead)
      return { head: record.head, signature: record.signature, ref }
    },

    async getTreeHead(logId: Hex, treeSize?: number): Promise<TreeHeadRecord | undefined> {
      const key = hex32(logId, 'logId')
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
