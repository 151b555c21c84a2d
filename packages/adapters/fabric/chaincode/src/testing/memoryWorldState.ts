/**
 * An in-memory Fabric world state and `ChaincodeStub`, to run chaincode in tests without a peer.
 *
 * It reproduces the Fabric semantics chaincode depends on, so that code that passes here behaves the same on a peer:
 * - **No read-your-writes.** `getState` and range queries read the committed state only; a transaction never sees
 *   its own `putState`/`deleteState` (Fabric simulates against the last committed block).
 * - **Read/write sets and MVCC.** Every read records the committed version of the key (or its absence); range
 *   queries record what they returned. {@link MemoryWorldState.commit} validates like a committing peer: a changed
 *   version is `MVCC_READ_CONFLICT`, a changed range is `PHANTOM_READ_CONFLICT`; only valid transactions apply their
 *   write sets. Several transactions committed together form one block and are validated in order.
 * - **Keys.** Composite keys use Fabric's `\u0000` encoding; ranges are ordered by UTF-8 bytes; an empty value
 *   written is a delete (Fabric: `IsDelete = len(value) == 0`).
 * - **Paginated queries** (`...WithPagination`) return Fabric's bookmark (the next key, `''` at the end) and are
 *   refused in a transaction that wrote, and writes are refused after them, as the peer's simulator does. Like
 *   fabric-shim 2.5, the result has **no `metadata` at all when the page is empty** (the peer's
 *   `QueryResponseMetadata{fetchedRecordsCount: 0, bookmark: ''}` marshals to zero bytes, and the shim only sets
 *   `metadata` when those bytes are non-empty); chaincode must read `metadata?.bookmark`.
 * - **Query results** are `{ key, value }` with a `Buffer` value (no `namespace`, whatever fabric-shim-api's types
 *   say), and an exhausted iterator answers `{ done: true }`, as fabric-shim's `StateQueryIterator` does.
 * - **Events**: one chaincode event per transaction, the last `setEvent` wins.
 * - **History**: `getHistoryForKey` lists committed modifications newest first (Fabric 2.x order).
 *
 * Not supported (they throw): private data, rich (CouchDB) queries, chaincode-to-chaincode calls, key-level
 * endorsement policies. It is a test double of a peer's state, not a Fabric network: no endorsement policies, no
 * ordering service, no identities are checked.
 * @module
 */
import { createHash } from 'node:crypto'
import Long from 'long'
import {
  assertSimpleKeys,
  compareKeys,
  createCompositeKey,
  EMPTY_KEY_SUBSTITUTE,
  isWellFormedKey,
  MAX_UNICODE_RUNE,
  splitCompositeKey,
} from './_keys.js'

/** A committed key version: block number and transaction number within the block (Fabric `Height`). */
export type KeyVersion = { readonly blockNum: number; readonly txNum: number }

/** A Fabric transaction timestamp (`google.protobuf.Timestamp`). */
export type TxTimestamp = { readonly seconds: number; readonly nanos: number }

/** The creator of a transaction: MSP id and the PEM certificate bytes (Fabric `SerializedIdentity`). */
export type MemoryCreator = { readonly mspid: string; readonly idBytes: Uint8Array }

/** Validation codes the in-memory committer can give (a subset of Fabric's `TxValidationCode`). */
export type MemoryValidationCode = 'VALID' | 'MVCC_READ_CONFLICT' | 'PHANTOM_READ_CONFLICT' | 'DUPLICATE_TXID'

/** A chaincode event as committed. */
export type MemoryChaincodeEvent = {
  readonly txId: string
  readonly blockNumber: number
  readonly eventName: string
  readonly payload: Uint8Array
}

/** The outcome of one committed transaction. */
export type MemoryCommitResult = {
  readonly txId: string
  readonly blockNumber: number
  readonly code: MemoryValidationCode
  readonly timestamp: TxTimestamp
  readonly event?: MemoryChaincodeEvent
}

/** A block of the in-memory ledger. */
export type MemoryBlock = { readonly number: number; readonly transactions: readonly MemoryCommitResult[] }

/** Options of {@link MemoryWorldState.newStub}: what a transaction proposal carries. */
export type NewStubParameters = {
  /** Function name and arguments, as the proposal's `args` (strings are UTF-8 encoded). */
  readonly args: readonly (string | Uint8Array)[]
  /** Transaction id; default: a fresh one (hex of 32 bytes). */
  readonly txId?: string
  /** Transaction timestamp; default: the world's clock. */
  readonly timestamp?: TxTimestamp
  /** Creator identity; default: the world's default creator. */
  readonly creator?: MemoryCreator
  /** Transient data map. */
  readonly transient?: ReadonlyMap<string, Uint8Array>
}

/** Options of {@link createMemoryWorldState}. */
export type CreateMemoryWorldStateParameters = {
  /** Channel id (default `mychannel`). */
  readonly channel?: string
  /** Chaincode namespace of the state (default `medseal`). */
  readonly namespace?: string
  /** MSP id of the simulated peer, returned by `getMspID()` (default `Org1MSP`). */
  readonly peerMspId?: string
  /** Default creator of transactions. */
  readonly creator?: MemoryCreator
  /** Clock for default transaction timestamps, in milliseconds (default `Date.now`). Timestamps never go back. */
  readonly now?: () => number
}

type Entry = { value: Uint8Array; version: KeyVersion }
type HistoryEntry = { txId: string; value: Uint8Array; isDelete: boolean; timestamp: TxTimestamp }
type RangeRead = {
  startKey: string
  endKey: string
  exhausted: boolean
  results: { key: string; version: KeyVersion }[]
}

/** The in-memory ledger: committed state, blocks, key history. */
export type MemoryWorldState = {
  readonly channel: string
  readonly namespace: string
  /** Number of blocks (the next block's number). */
  readonly height: number
  /** Starts simulating a transaction: a fresh stub over the committed state. */
  newStub(params: NewStubParameters): MemoryChaincodeStub
  /**
   * Validates and commits simulated transactions as one block, in order (MVCC and phantom checks against the
   * state as updated by the valid transactions before them).
   */
  commit(...stubs: MemoryChaincodeStub[]): MemoryCommitResult[]
  /** Committed value of a key (`undefined` if absent). */
  getCommitted(key: string): Uint8Array | undefined
  /** Committed version of a key. */
  getVersion(key: string): KeyVersion | undefined
  /** All committed blocks. */
  readonly blocks: readonly MemoryBlock[]
  /** The block a transaction was committed in (valid or not), if any. */
  findTransaction(txId: string): MemoryCommitResult | undefined
}

const textEncoder = /* @__PURE__ */ new TextEncoder()

function toBytes(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? textEncoder.encode(value) : value
}

function sameVersion(a: KeyVersion | undefined, b: KeyVersion | undefined): boolean {
  if (a === undefined || b === undefined) return a === b
  return a.blockNum === b.blockNum && a.txNum === b.txNum
}

/** Binary search of `key` in a sorted key list: its index, or where it would be inserted. */
function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0
  let hi = keys.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (compareKeys(keys[mid] as string, key) < 0) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Fabric's test-network style default creator: an X.509 certificate ClientIdentity can parse. */
export const DEFAULT_CREATOR_CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIB/zCCAaWgAwIBAgIUJT9DcA/had0s13ybvsPU4JA2A3MwCgYIKoZIzj0EAwIw
VDELMAkGA1UEBhMCVVMxEDAOBgNVBAoMB21lZHNlYWwxDzANBgNVBAsMBmNsaWVu
dDEiMCAGA1UEAwwZbWVkc2VhbC1pbi1wcm9jZXNzLWJyaWRnZTAgFw0yNjExMjIw
MDM2NDhaGA8yMTI2MTAyOTAwMzY0OFowVDELMAkGA1UEBhMCVVMxEDAOBgNVBAoM
B21lZHNlYWwxDzANBgNVBAsMBmNsaWVudDEiMCAGA1UEAwwZbWVkc2VhbC1pbi1w
cm9jZXNzLWJyaWRnZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABEU9Mua0e6cm
UZG281iYmOS5hRGCGwmOKzQ85aRlMLVC/a7PNssLA3WdVOmgtxvGE3NOvIXYu4oL
7ipju5m7nR+jUzBRMB0GA1UdDgQWBBQS8YNvYkjlpUVB0Bk7uQPIi1MpxTAfBgNV
HSMEGDAWgBQS8YNvYkjlpUVB0Bk7uQPIi1MpxTAPBgNVHRMBAf8EBTADAQH/MAoG
CCqGSM49BAMCA0gAMEUCIQCqNk0pYk/XTCUXNdZ4wVLAnCTPG4doAy94LI1F+ufA
dAIgJUVe8aM4oSzVlAYtW10IrL9S7YoIBkf8RHJHGp6/new=
-----END CERTIFICATE-----
`

/**
 * Creates an empty in-memory world state (block 0 is an empty genesis block).
 *
 * @param params - channel, namespace, peer MSP id, default creator and clock
 * @returns the world state; {@link MemoryWorldState.newStub} simulates, {@link MemoryWorldState.commit} commits
 * @example
 * ```ts
 * import { createMemoryWorldState } from '@medseal/fabric-chaincode/testing'
 * const world = createMemoryWorldState({ channel: 'mychannel' })
 * const stub = world.newStub({ args: ['put'] })
 * await stub.putState('a', new TextEncoder().encode('1'))
 * world.commit(stub) // [{ code: 'VALID', blockNumber: 1, ... }]
 * ```
 */
export function createMemoryWorldState(params: CreateMemoryWorldStateParameters = {}): MemoryWorldState {
  const channel = params.channel ?? 'mychannel'
  const namespace = params.namespace ?? 'medseal'
  const peerMspId = params.peerMspId ?? 'Org1MSP'
  const defaultCreator: MemoryCreator = params.creator ?? {
    mspid: 'Org1MSP',
    idBytes: textEncoder.encode(DEFAULT_CREATOR_CERT_PEM),
  }
  const now = params.now ?? Date.now
  const state = new Map<string, Entry>()
  const sortedKeys: string[] = []
  const history = new Map<string, HistoryEntry[]>()
  const blocks: MemoryBlock[] = []
  const txIndex = new Map<string, MemoryCommitResult>()
  let lastTimestampNanos = 0n
  let txCounter = 0

  blocks.push({ number: 0, transactions: [] })

  function nextTimestamp(): TxTimestamp {
    let nanos = BigInt(Math.floor(now())) * 1_000_000n
    if (nanos <= lastTimestampNanos) nanos = lastTimestampNanos + 1000n
    lastTimestampNanos = nanos
    return { seconds: Number(nanos / 1_000_000_000n), nanos: Number(nanos % 1_000_000_000n) }
  }

  function rangeKeys(startKey: string, endKey: string): string[] {
    const from = lowerBound(sortedKeys, startKey)
    const to = endKey === '' ? sortedKeys.length : lowerBound(sortedKeys, endKey)
    return from >= to ? [] : sortedKeys.slice(from, to)
  }

  const reader: StateReader = {
    get: (key) => state.get(key),
    range: rangeKeys,
    history: (key) => history.get(key) ?? [],
  }

  function validate(stub: MemoryChaincodeStub): MemoryValidationCode {
    if (txIndex.has(stub.getTxID())) return 'DUPLICATE_TXID'
    const sim = stub._simulation()
    for (const [key, version] of sim.reads) {
      if (!sameVersion(state.get(key)?.version, version)) return 'MVCC_READ_CONFLICT'
    }
    for (const range of sim.ranges) {
      // Re-run the range query: up to the end if the chaincode exhausted it, else up to the last key it read.
      let keys = rangeKeys(range.startKey, range.endKey)
      if (!range.exhausted) {
        const last = range.results[range.results.length - 1]
        keys = last === undefined ? [] : keys.filter((k) => compareKeys(k, last.key) <= 0)
      }
      if (keys.length !== range.results.length) return 'PHANTOM_READ_CONFLICT'
      for (let i = 0; i < keys.length; i++) {
        const seen = range.results[i] as { key: string; version: KeyVersion }
        if (keys[i] !== seen.key || !sameVersion(state.get(seen.key)?.version, seen.version)) {
          return 'PHANTOM_READ_CONFLICT'
        }
      }
    }
    return 'VALID'
  }

  function apply(stub: MemoryChaincodeStub, version: KeyVersion, timestamp: TxTimestamp): void {
    const writes = stub._simulation().writes
    // Fabric applies a write set in key order; the order does not matter for the result, only for determinism.
    const keys = [...writes.keys()].sort(compareKeys)
    for (const key of keys) {
      const value = writes.get(key) as Uint8Array
      const isDelete = value.length === 0
      const existed = state.has(key)
      if (isDelete) {
        if (existed) {
          state.delete(key)
          sortedKeys.splice(lowerBound(sortedKeys, key), 1)
        }
      } else {
        state.set(key, { value, version })
        if (!existed) sortedKeys.splice(lowerBound(sortedKeys, key), 0, key)
      }
      const list = history.get(key) ?? []
      list.push({ txId: stub.getTxID(), value: isDelete ? new Uint8Array(0) : value, isDelete, timestamp })
      history.set(key, list)
    }
  }

  const world: MemoryWorldState = {
    channel,
    namespace,
    get height() {
      return blocks.length
    },
    get blocks() {
      return blocks
    },
    newStub(p) {
      txCounter++
      const timestamp = p.timestamp ?? nextTimestamp()
      // Fabric's tx id is SHA-256 over the proposal nonce and creator; here over channel, a counter and the time.
      const txId =
        p.txId ??
        createHash('sha256')
          .update(`${channel}\u0000${txCounter}\u0000${timestamp.seconds}.${timestamp.nanos}`)
          .digest('hex')
      return new MemoryChaincodeStub({
        reader,
        channel,
        namespace,
        peerMspId,
        args: p.args.map(toBytes),
        txId,
        timestamp,
        creator: p.creator ?? defaultCreator,
        transient: p.transient ?? new Map(),
      })
    },
    commit(...stubs) {
      const blockNum = blocks.length
      const results: MemoryCommitResult[] = []
      stubs.forEach((stub, txNum) => {
        const code = validate(stub)
        const timestamp = stub._timestamp()
        const event = stub._event()
        if (code === 'VALID') apply(stub, { blockNum, txNum }, timestamp)
        const result: MemoryCommitResult = {
          txId: stub.getTxID(),
          blockNumber: blockNum,
          code,
          timestamp,
          ...(code === 'VALID' && event
            ? { event: { txId: stub.getTxID(), blockNumber: blockNum, eventName: event.name, payload: event.payload } }
            : {}),
        }
        results.push(result)
        if (code !== 'DUPLICATE_TXID') txIndex.set(result.txId, result)
      })
      blocks.push({ number: blockNum, transactions: results })
      return results
    },
    getCommitted: (key) => state.get(key)?.value,
    getVersion: (key) => state.get(key)?.version,
    findTransaction: (txId) => txIndex.get(txId),
  }
  return world
}

/** @internal What a stub reads from: the committed state only. */
type StateReader = {
  get(key: string): Entry | undefined
  range(startKey: string, endKey: string): string[]
  history(key: string): readonly HistoryEntry[]
}

/** A query result as fabric-shim's `StateQueryIterator` gives it (its types declare a `namespace` it never sets). */
type KV = { key: string; value: Uint8Array }
/**
 * Fabric's pagination metadata. fabric-shim-api types it as always present; fabric-shim leaves it out when the page
 * is empty, and so does this stub.
 */
export type MemoryQueryResponseMetadata = { readonly bookmark: string; readonly fetchedRecordsCount: number }
/** What a paginated query resolves to: `metadata` is `undefined` for an empty page, as on a peer. */
export type MemoryPaginatedQueryResponse = {
  readonly iterator: QueryIterator<KV> & AsyncIterable<KV>
  readonly metadata?: MemoryQueryResponseMetadata
}
type QueryIterator<T> = {
  next(): Promise<{ value: T; done: boolean }>
  close(): Promise<void>
}

/** An iterator like fabric-shim's, also usable with `for await`. */
function makeIterator<T>(items: readonly T[], onNext?: (item: T) => void, onDone?: () => void) {
  let i = 0
  let closed = false
  const iterator: QueryIterator<T> & AsyncIterable<T> = {
    async next() {
      if (closed || i >= items.length) {
        if (!closed) onDone?.()
        // fabric-shim's iterators answer exactly `{ done: true }`
        return { done: true } as { value: T; done: boolean }
      }
      const item = items[i++] as T
      onNext?.(item)
      return { value: item, done: false }
    },
    async close() {
      closed = true
    },
    [Symbol.asyncIterator]() {
      return {
        next: async () => {
          const r = await iterator.next()
          return r.done ? { value: undefined, done: true as const } : { value: r.value, done: false as const }
        },
        return: async () => {
          await iterator.close()
          return { value: undefined, done: true as const }
        },
      }
    },
  }
  return iterator
}

/** fabric-shim returns a promise that is also async-iterable; this reproduces that shape. */
function iterablePromise<T, R>(
  promise: Promise<R>,
  toIterator: (r: R) => AsyncIterable<T>,
): Promise<R> & AsyncIterable<T> {
  const p = promise as Promise<R> & AsyncIterable<T>
  p[Symbol.asyncIterator] = () => {
    let inner: AsyncIterator<T> | undefined
    return {
      async next() {
        inner ??= toIterator(await promise)[Symbol.asyncIterator]()
        return inner.next()
      },
      async return() {
        inner ??= toIterator(await promise)[Symbol.asyncIterator]()
        return inner.return ? inner.return() : { value: undefined, done: true }
      },
    }
  }
  return p
}

type StubInit = {
  reader: StateReader
  channel: string
  namespace: string
  peerMspId: string
  args: Uint8Array[]
  txId: string
  timestamp: TxTimestamp
  creator: MemoryCreator
  transient: ReadonlyMap<string, Uint8Array>
}

function unsupported(what: string): Error {
  return new Error(`${what} is not supported by the in-memory ChaincodeStub.`)
}

/**
 * A `ChaincodeStub` over a {@link MemoryWorldState}: one per simulated transaction. Made by
 * {@link MemoryWorldState.newStub}; mirrors the fabric-shim 2.5 stub API.
 *
 * @example
 * ```ts
 * import { createMemoryWorldState } from '@medseal/fabric-chaincode/testing'
 * const world = createMemoryWorldState()
 * const stub = world.newStub({ args: ['Fn'] })
 * const key = stub.createCompositeKey('asset', ['a1'])
 * await stub.putState(key, new TextEncoder().encode('v'))
 * ;(await stub.getState(key)).length // 0: a transaction never reads its own writes
 * ```
 */
export class MemoryChaincodeStub {
  readonly #init: StubInit
  readonly #reads = new Map<string, KeyVersion | undefined>()
  readonly #writes = new Map<string, Uint8Array>()
  readonly #ranges: RangeRead[] = []
  #event: { name: string; payload: Uint8Array } | undefined
  #writePerformed = false
  #paginatedQueryPerformed = false

  constructor(init: StubInit) {
    this.#init = init
  }

  // --- proposal ---
  getArgs(): string[] {
    return this.getStringArgs()
  }
  getStringArgs(): string[] {
    const decoder = new TextDecoder()
    return this.#init.args.map((a) => decoder.decode(a))
  }
  /** The raw arguments as Node `Buffer`s, as fabric-shim gives them (its contract dispatcher calls `toString()`). */
  getBufferArgs(): Buffer[] {
    return this.#init.args.map((a) => Buffer.from(a))
  }
  getFunctionAndParameters(): { fcn: string; params: string[] } {
    const [fcn = '', ...params] = this.getStringArgs()
    return { fcn, params }
  }
  getTxID(): string {
    return this.#init.txId
  }
  getChannelID(): string {
    return this.#init.channel
  }
  getCreator(): { mspid: string; idBytes: Uint8Array } {
    return { mspid: this.#init.creator.mspid, idBytes: this.#init.creator.idBytes.slice() }
  }
  /** The MSP id of the peer running the chaincode (fabric-shim reads `CORE_PEER_LOCALMSPID`). */
  getMspID(): string {
    return this.#init.peerMspId
  }
  getTransient(): Map<string, Uint8Array> {
    return new Map(this.#init.transient)
  }
  /** Fabric's proposal timestamp: set by the submitting client, the same on every endorser. */
  getTxTimestamp(): { seconds: Long; nanos: number } {
    return { seconds: Long.fromNumber(this.#init.timestamp.seconds, true), nanos: this.#init.timestamp.nanos }
  }
  getDateTimestamp(): Date {
    return new Date(this.#init.timestamp.seconds * 1000 + Math.floor(this.#init.timestamp.nanos / 1e6))
  }
  getSignedProposal(): never {
    throw unsupported('getSignedProposal')
  }
  getBinding(): never {
    throw unsupported('getBinding')
  }

  // --- world state ---
  async getState(key: string): Promise<Uint8Array> {
    this.#assertKey(key)
    const entry = this.#init.reader.get(key)
    if (!this.#reads.has(key)) this.#reads.set(key, entry?.version)
    // The committed value, never this transaction's own pending write (a Buffer, as fabric-shim returns).
    return entry ? Buffer.from(entry.value) : Buffer.alloc(0)
  }

  async putState(key: string, value: Uint8Array | string): Promise<void> {
    this.#assertKey(key)
    this.#beforeWrite()
    this.#writes.set(key, typeof value === 'string' ? textEncoder.encode(value) : value.slice())
  }

  async deleteState(key: string): Promise<void> {
    this.#assertKey(key)
    this.#beforeWrite()
    this.#writes.set(key, new Uint8Array(0))
  }

  getStateByRange(startKey: string, endKey: string): Promise<QueryIterator<KV>> & AsyncIterable<KV> {
    return iterablePromise(
      (async () => {
        const start = startKey || EMPTY_KEY_SUBSTITUTE
        assertSimpleKeys(start, endKey)
        return this.#range(start, endKey, false)
      })(),
      (it) => it,
    )
  }

  getStateByRangeWithPagination(
    startKey: string,
    endKey: string,
    pageSize: number,
    bookmark?: string,
  ): Promise<MemoryPaginatedQueryResponse> & AsyncIterable<KV> {
    return iterablePromise(
      (async () => {
        const start = startKey || EMPTY_KEY_SUBSTITUTE
        assertSimpleKeys(start, endKey)
        return this.#page(start, endKey, pageSize, bookmark ?? '')
      })(),
      (r) => r.iterator,
    )
  }

  getStateByPartialCompositeKey(
    objectType: string,
    attributes: string[],
  ): Promise<QueryIterator<KV>> & AsyncIterable<KV> {
    return iterablePromise(
      (async () => {
        const prefix = createCompositeKey(objectType, attributes)
        return this.#range(prefix, prefix + MAX_UNICODE_RUNE, false)
      })(),
      (it) => it,
    )
  }

  getStateByPartialCompositeKeyWithPagination(
    objectType: string,
    attributes: string[],
    pageSize: number,
    bookmark?: string,
  ): Promise<MemoryPaginatedQueryResponse> & AsyncIterable<KV> {
    return iterablePromise(
      (async () => {
        const prefix = createCompositeKey(objectType, attributes)
        return this.#page(prefix, prefix + MAX_UNICODE_RUNE, pageSize, bookmark ?? '')
      })(),
      (r) => r.iterator,
    )
  }

  getHistoryForKey(
    key: string,
  ): Promise<QueryIterator<{ txId: string; value: Uint8Array; isDelete: boolean; timestamp: TxTimestamp }>> &
    AsyncIterable<{ txId: string; value: Uint8Array; isDelete: boolean; timestamp: TxTimestamp }> {
    return iterablePromise(
      (async () => {
        this.#assertKey(key)
        // Newest first (Fabric 2.x); history reads are not part of the read set (not re-validated).
        const items = [...this.#init.reader.history(key)].reverse().map((h) => ({
          txId: h.txId,
          value: h.value.slice(),
          isDelete: h.isDelete,
          timestamp: { seconds: h.timestamp.seconds, nanos: h.timestamp.nanos },
        }))
        return makeIterator(items)
      })(),
      (it) => it,
    )
  }

  createCompositeKey(objectType: string, attributes: string[]): string {
    return createCompositeKey(objectType, attributes)
  }

  splitCompositeKey(compositeKey: string): { objectType: string | null; attributes: string[] } {
    return splitCompositeKey(compositeKey)
  }

  setEvent(name: string, payload: Uint8Array): void {
    if (typeof name !== 'string' || name === '') throw new Error('Event name must be a non-empty string')
    this.#event = { name, payload: payload.slice() }
  }

  // --- not supported ---
  getQueryResult(): never {
    throw unsupported('getQueryResult (rich queries need CouchDB)')
  }
  getQueryResultWithPagination(): never {
    throw unsupported('getQueryResultWithPagination (rich queries need CouchDB)')
  }
  invokeChaincode(): never {
    throw unsupported('invokeChaincode')
  }
  setStateValidationParameter(): never {
    throw unsupported('setStateValidationParameter')
  }
  getStateValidationParameter(): never {
    throw unsupported('getStateValidationParameter')
  }
  getPrivateData(): never {
    throw unsupported('getPrivateData')
  }
  getPrivateDataHash(): never {
    throw unsupported('getPrivateDataHash')
  }
  putPrivateData(): never {
    throw unsupported('putPrivateData')
  }
  deletePrivateData(): never {
    throw unsupported('deletePrivateData')
  }
  purgePrivateData(): never {
    throw unsupported('purgePrivateData')
  }
  setPrivateDataValidationParameter(): never {
    throw unsupported('setPrivateDataValidationParameter')
  }
  getPrivateDataValidationParameter(): never {
    throw unsupported('getPrivateDataValidationParameter')
  }
  getPrivateDataByRange(): never {
    throw unsupported('getPrivateDataByRange')
  }
  getPrivateDataByPartialCompositeKey(): never {
    throw unsupported('getPrivateDataByPartialCompositeKey')
  }
  getPrivateDataQueryResult(): never {
    throw unsupported('getPrivateDataQueryResult')
  }

  // --- for the committer (@internal) ---
  /** @internal */
  _simulation(): {
    reads: ReadonlyMap<string, KeyVersion | undefined>
    writes: ReadonlyMap<string, Uint8Array>
    ranges: readonly RangeRead[]
  } {
    return { reads: this.#reads, writes: this.#writes, ranges: this.#ranges }
  }
  /** @internal */
  _timestamp(): TxTimestamp {
    return this.#init.timestamp
  }
  /** @internal */
  _event(): { name: string; payload: Uint8Array } | undefined {
    return this.#event
  }
  /** The pending write set (key → value; an empty value is a delete). For tests. */
  getWriteSet(): ReadonlyMap<string, Uint8Array> {
    return new Map(this.#writes)
  }
  /** The event set by this transaction, if any. For tests. */
  getEvent(): { name: string; payload: Uint8Array } | undefined {
    return this.#event
  }

  #assertKey(key: string): void {
    if (typeof key !== 'string' || key.length === 0) throw new Error('key must not be an empty string')
    if (!isWellFormedKey(key)) throw new Error('key must be valid UTF-8')
  }

  #beforeWrite(): void {
    if (this.#paginatedQueryPerformed) {
      throw new Error(
        `txid [${this.#init.txId}]: unsuppored transaction. Transaction has already performed a paginated query. Writes are not allowed`,
      )
    }
    this.#writePerformed = true
  }

  #range(startKey: string, endKey: string, _paged: boolean): QueryIterator<KV> & AsyncIterable<KV> {
    const keys = this.#init.reader.range(startKey, endKey)
    const record: RangeRead = { startKey, endKey, exhausted: false, results: [] }
    this.#ranges.push(record)
    const items = keys.map((key) => {
      const entry = this.#init.reader.get(key) as Entry
      return { key, entry }
    })
    const iterator = makeIterator(
      items,
      (item) => record.results.push({ key: item.key, version: item.entry.version }),
      () => {
        record.exhausted = true
      },
    )
    // Map entries to fabric-shim's KV shape lazily, so the read set only covers what the chaincode consumed.
    const mapped: QueryIterator<KV> & AsyncIterable<KV> = {
      next: async () => {
        const r = await iterator.next()
        if (r.done) return { done: true } as { value: KV; done: boolean }
        return { value: { key: r.value.key, value: Buffer.from(r.value.entry.value) }, done: false }
      },
      close: () => iterator.close(),
      [Symbol.asyncIterator]() {
        return {
          next: async () => {
            const r = await mapped.next()
            return r.done ? { value: undefined, done: true as const } : { value: r.value, done: false as const }
          },
          return: async () => {
            await mapped.close()
            return { value: undefined, done: true as const }
          },
        }
      },
    }
    return mapped
  }

  #page(startKey: string, endKey: string, pageSize: number, bookmark: string): MemoryPaginatedQueryResponse {
    if (this.#writePerformed) {
      throw new Error(
        `txid [${this.#init.txId}]: unsuppored transaction. Paginated queries are supported only in a read-only transaction`,
      )
    }
    if (!Number.isInteger(pageSize) || pageSize <= 0) throw new Error('pageSize must be a positive integer')
    this.#paginatedQueryPerformed = true
    // A bookmark is the first key of the next page (inclusive); the range end stays the same.
    const from = bookmark === '' ? startKey : bookmark
    const keys = this.#init.reader.range(from, endKey)
    const page = keys.slice(0, pageSize)
    const next = keys[pageSize] ?? ''
    const record: RangeRead = {
      startKey: from,
      endKey,
      exhausted: next === '',
      results: page.map((key) => ({ key, version: (this.#init.reader.get(key) as Entry).version })),
    }
    this.#ranges.push(record)
    const items: KV[] = page.map((key) => ({ key, value: Buffer.from((this.#init.reader.get(key) as Entry).value) }))
    // The peer sends QueryResponseMetadata{fetchedRecordsCount, bookmark}; proto3 omits default fields, so an empty
    // last page marshals to zero bytes, and fabric-shim sets `metadata` only when the bytes are non-empty.
    if (items.length === 0 && next === '') return { iterator: makeIterator(items) }
    return { iterator: makeIterator(items), metadata: { bookmark: next, fetchedRecordsCount: items.length } }
  }
}
