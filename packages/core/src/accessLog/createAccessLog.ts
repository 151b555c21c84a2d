/**
 * The access log: an append-only RFC 9162 Merkle log of access events, run by an operator (a custodian, an EHR
 * vendor), whose signed tree heads are anchored on the ledger so that patients can check that every access they
 * were shown is in the log and that the log was only ever appended to.
 * @module
 */
import { bytesToHex0x, describeType, equalBytes } from '../bytes/index.js'
import type { SignedTreeHead } from '../consent/types.js'
import { signTreeHead } from '../eip712/structures.js'
import { InvalidArgumentError, isSdkError, LedgerError, StoreError, VerificationError } from '../errors/base.js'
import type { Party } from '../identity/types.js'
import type { LedgerAdapter, TreeHeadRecord } from '../ledger/types.js'
import { _EMPTY_ROOT, _leafHash, _nodeHash, _splitPoint, MERKLE_HASH_LENGTH } from '../merkle/hash.js'
import { _rootFromInclusionProof } from '../merkle/verify.js'
import type { Address, Hex } from '../types.js'
import { type AccessEvent, decodeAccessEvent, encodeAccessEvent } from './event.js'
import { computeLogId, computeLogNameHash } from './logId.js'
import {
  _perfectKeys,
  type AccessLogAppendResult,
  type AccessLogLeaf,
  type AccessLogStore,
  createMemoryAccessLogStore,
} from './store.js'

/** Options of {@link createAccessLog}. */
export type CreateAccessLogParameters = {
  /** The log's operator: signs its tree heads. */
  readonly operator: Party
  /** Where heads are anchored (and whose EIP-712 domain they are signed under). */
  readonly ledger: LedgerAdapter
  /** The log's name (1 to 256 characters); with the operator it makes the log id. */
  readonly name: string
  /**
   * Where entries and tree nodes live. Default: {@link createMemoryAccessLogStore}. The log reads its size and nodes
   * from the store on every operation (never trusting a cache another process could outdate), so several processes
   * may append to one log over one database.
   */
  readonly store?: AccessLogStore
  /** Most events written in one store transaction when appends queue up (group commit). 1..100,000, default 1,000. */
  readonly maxBatch?: number
  /**
   * Publish a head on its own "from time to time": after this many unpublished `events`, and/or `ms` after the first
   * unpublished event. Default: only on `publishHead()`, `flush()` or `append(event, { publish: true })`.
   */
  readonly headEvery?: { readonly events?: number; readonly ms?: number }
  /**
   * Told about failures of automatic publishing. The events stay in the log and a timer tries again (after
   * `headEvery.ms`, or one second, doubling up to a minute) until a publish covers them.
   */
  readonly onError?: (error: unknown) => void
  /** The heads' clock, Unix seconds. Default: the ledger's time (`ledger.getTime()`). */
  readonly clock?: () => number | Promise<number>
}

/** What {@link AccessLog.append} returns. */
export type AppendAccessEventReturnType = {
  readonly index: number
  readonly leafHash: Uint8Array
  /** The anchored head covering the event, when `publish: true` was asked. */
  readonly head?: TreeHeadRecord
}

/**
 * Appends an event's leaf together with another write, in one transaction of the log's store (see
 * {@link AccessLog.appendWith}); resolves with what `AccessLogStore.append` would.
 */
export type AccessLogAtomicCommit = (unit: {
  readonly store: AccessLogStore
  readonly leaf: AccessLogLeaf
}) => Promise<AccessLogAppendResult>

/** An open access log. */
export type AccessLog = {
  readonly logId: Hex
  readonly name: string
  /** The operator's address (checksummed). */
  readonly operator: Address
  /** The log's store. */
  readonly store: AccessLogStore
  /**
   * Number of events as last seen by this instance (after its open, its appends, its reads). Another process may have
   * appended since: the methods below read the store.
   */
  readonly size: number
  /**
   * Appends one event (O(log n) hashes, in the store's transaction). Appends that queue up while a store write is in
   * progress are written together in one transaction (group commit). With `publish: true` (break-glass: "anchor at
   * once") the head covering it is also published before this resolves. Appends never wait for a ledger write.
   * @throws {@link LedgerError} `LOG_APPEND_FAILED` when the store write fails (nothing of it was stored)
   * @throws the ledger's error when `publish: true` and the head could not be anchored: the event IS in the log
   *   (the next publish covers it), but treat the access as not anchored (fail closed)
   */
  append(event: AccessEvent, options?: { readonly publish?: boolean }): Promise<AppendAccessEventReturnType>
  /** Appends many events in one store transaction (all or none); returns the index of each. */
  appendBatch(events: readonly AccessEvent[]): Promise<readonly number[]>
  /**
   * Appends one event through `commit`, which must store the leaf with `store` in the same transaction as its own
   * write (a custodian's `commitRelease`): both are stored or neither is.
   * @throws {@link LedgerError} `LOG_APPEND_FAILED` when `commit` fails
   */
  appendWith(
    event: AccessEvent,
    commit: AccessLogAtomicCommit,
    options?: { readonly publish?: boolean },
  ): Promise<AppendAccessEventReturnType>
  /** The event at `index`, read from the store; its leaf is checked against the stored tree (`STORE_CORRUPT`). */
  getEvent(index: number): Promise<AccessEvent>
  /** The RFC 9162 root of the first `treeSize` events (default: all), from O(log n) stored nodes. */
  root(treeSize?: number): Promise<Uint8Array>
  /** A head of the current size signed by the operator (the same one until the log grows). */
  signedHead(): Promise<SignedTreeHead>
  /** Signs the current head and records it on the ledger. */
  publishHead(): Promise<TreeHeadRecord>
  /** Inclusion proof of event `index` in the log of `treeSize` events (default: all). */
  proveInclusion(index: number, treeSize?: number): Promise<Uint8Array[]>
  /** Consistency proof between the log at `oldSize` (>= 1) and at `newSize` events (default: all). */
  proveConsistency(oldSize: number, newSize?: number): Promise<Uint8Array[]>
  /** Publishes a head if events are unpublished, and waits for publishing in progress. */
  flush(): Promise<TreeHeadRecord | undefined>
  /** Stops automatic publishing (after a last {@link AccessLog.flush}) and refuses later appends. */
  close(): Promise<void>
}

/** Everything {@link createAccessLog} and the log's methods can throw. */
export type CreateAccessLogErrorType = InvalidArgumentError | LedgerError | StoreError | VerificationError

function positive(value: unknown, name: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new InvalidArgumentError('INVALID_ARGUMENT', `${name} must be a positive integer (at most ${max}).`)
  }
  return value
}

/** The first wait before an automatic publish that failed is tried again (without `headEvery.ms`), and the longest. */
const RETRY_MS = 1_000
const MAX_RETRY_MS = 60_000

const corrupt = (message: string) => new StoreError('STORE_CORRUPT', message)

/**
 * Opens (or creates) an access log over `store`. Opening reads the store's size and O(log n) tree nodes, never every
 * entry: a log of millions of entries opens at once. When the ledger holds a head of this log, the stored tree is
 * checked against it (a tree that does not give the published root, or a store behind a published head, is
 * `STORE_CORRUPT`).
 *
 * @param params - see {@link CreateAccessLogParameters}
 * @returns the open {@link AccessLog}
 * @throws {@link InvalidArgumentError} for bad parameters
 * @throws {@link StoreError} `STORE_CORRUPT` when the stored tree does not match the ledger's latest head
 * @example
 * ```ts
 * import { createAccessLog } from '@medseal/core'
 * const log = await createAccessLog({ operator: custodian, ledger, name: 'access', headEvery: { events: 100 } })
 * const { index } = await log.append({ actor, action: 'read', commitment, at, purpose: 'TREAT', outcome: 'permit' })
 * const head = await log.publishHead()
 * ```
 */
export async function createAccessLog(params: CreateAccessLogParameters): Promise<AccessLog> {
  if (typeof params !== 'object' || params === null) {
    throw new InvalidArgumentError('INVALID_TYPE', 'params must be an object.', {
      metaMessages: [`Received ${describeType(params)}.`],
    })
  }
  const { operator, ledger, name } = params
  if (typeof operator !== 'object' || operator === null || typeof operator.signDigest !== 'function') {
    throw new InvalidArgumentError('INVALID_TYPE', 'operator must be a Party.')
  }
  if (typeof ledger !== 'object' || ledger === null || typeof ledger.recordTreeHead !== 'function') {
    throw new InvalidArgumentError('INVALID_TYPE', 'ledger must be a LedgerAdapter.')
  }
  const logId = computeLogId(operator.address, name)
  const nameHash = computeLogNameHash(name)
  const store = params.store ?? createMemoryAccessLogStore()
  for (const fn of ['size', 'get', 'getNodes', 'append'] as const) {
    if (typeof store[fn] !== 'function')
      throw new InvalidArgumentError('INVALID_TYPE', `store.${fn} must be a function.`)
  }
  const everyEvents = positive(params.headEvery?.events, 'headEvery.events')
  const everyMs = positive(params.headEvery?.ms, 'headEvery.ms')
  const maxBatch = positive(params.maxBatch, 'maxBatch', 100_000) ?? 1000
  const onError = params.onError
  const clock = params.clock ?? (() => ledger.getTime())

  /** Size as last seen; only grows. */
  let knownSize = 0
  const see = (size: number) => {
    knownSize = Math.max(knownSize, size)
  }
  const storeSize = async (): Promise<number> => {
    const n = await store.size()
    if (!Number.isSafeInteger(n) || n < 0 || n < knownSize)
      throw corrupt('The access log store reported an impossible size.')
    see(n)
    return n
  }

  /** Roots of `[start, end)` ranges (RFC 9162 subtrees), from the stored complete subtrees, in ONE store read. */
  const subtreeRoots = async (ranges: readonly (readonly [number, number])[]): Promise<Uint8Array[]> => {
    const keyLists = ranges.map(([a, b]) => _perfectKeys(a, b))
    const hashes = await store.getNodes(keyLists.flat())
    let k = 0
    return keyLists.map((keys) => {
      const hs = keys.map(() => hashes[k++])
      if (hs.some((h) => h?.length !== MERKLE_HASH_LENGTH))
        throw corrupt('A tree node is missing from the access log store.')
      let r = hs[hs.length - 1] as Uint8Array
      for (let i = hs.length - 2; i >= 0; i--) r = _nodeHash(hs[i] as Uint8Array, r)
      return r
    })
  }
  const rootAt = async (size: number): Promise<Uint8Array> =>
    size === 0 ? _EMPTY_ROOT.slice() : ((await subtreeRoots([[0, size]]))[0] as Uint8Array)

  /** The RFC 9162 §2.1.3.1 audit path's ranges, bottom-up. */
  const inclusionRanges = (index: number, treeSize: number): [number, number][] => {
    const ranges: [number, number][] = []
    let start = 0
    let end = treeSize
    while (end - start > 1) {
      const k = _splitPoint(end - start)
      if (index < start + k) {
        ranges.push([start + k, end])
        end = start + k
      } else {
        ranges.push([start, start + k])
        start += k
      }
    }
    return ranges.reverse()
  }
  /** The RFC 9162 §2.1.4.1 consistency proof's ranges. */
  const consistencyRanges = (oldSize: number, newSize: number): [number, number][] => {
    const siblings: [number, number][] = []
    let start = 0
    let end = newSize
    let m = oldSize
    let b = true
    let innermost: [number, number] | undefined
    for (;;) {
      const n = end - start
      if (m === n) {
        if (!b) innermost = [start, end]
        break
      }
      const k = _splitPoint(n)
      if (m <= k) {
        siblings.push([start + k, end])
        end = start + k
      } else {
        siblings.push([start, start + k])
        start += k
        m -= k
        b = false
      }
    }
    siblings.reverse()
    return innermost === undefined ? siblings : [innermost, ...siblings]
  }

  /** The largest size whose stored root was checked against a head on the ledger, and that root. */
  let verified: { readonly treeSize: number; readonly root: Uint8Array } | undefined
  const checkAgainst = async (head: TreeHeadRecord | undefined, size: number) => {
    if (head === undefined) return
    const treeSize = head.head.treeSize
    if (treeSize > size) throw corrupt('The access log store holds fewer entries than a head published on the ledger.')
    const root = await rootAt(treeSize)
    if (bytesToHex0x(root) !== head.head.root.toLowerCase())
      throw corrupt('The stored access log tree does not give the root of the head published on the ledger.')
    if (verified === undefined || verified.treeSize < treeSize) verified = { treeSize, root }
  }

  // Open: the size and the border nodes, checked against the latest published head when there is one.
  const openedSize = await storeSize()
  await checkAgainst(await ledger.getTreeHead(logId), openedSize)
  if (openedSize > 0 && (verified === undefined || verified.treeSize !== openedSize)) await rootAt(openedSize)

  let closed = false
  /** Head signing and ledger writes are serialized on this chain, in snapshot order (sizes never decrease). */
  let publishChain: Promise<unknown> = Promise.resolve()
  /** Largest size anchored by this instance, and largest size handed to the publish chain. */
  let publishedSize = verified?.treeSize ?? 0
  let requestedSize = publishedSize
  let timer: ReturnType<typeof setTimeout> | undefined

  type Snapshot = { readonly treeSize: number; readonly root: Hex }
  const snapshotAt = async (treeSize: number): Promise<Snapshot> => ({
    treeSize,
    root: bytesToHex0x(await rootAt(treeSize)),
  })

  /** The newest head signed (or being signed): one signature per size, so every copy of a head is the same. */
  let signing: { readonly treeSize: number; readonly signed: Promise<SignedTreeHead> } | undefined
  const signSnapshot = (at: Snapshot): Promise<SignedTreeHead> => {
    if (signing !== undefined && signing.treeSize === at.treeSize) return signing.signed
    const signed = (async () => {
      const timestamp = await clock()
      return signTreeHead(operator, ledger.domain, {
        logId,
        operator: operator.address,
        nameHash,
        treeSize: at.treeSize,
        root: at.root,
        timestamp,
      })
    })()
    if (signing === undefined || signing.treeSize < at.treeSize) {
      const entry = { treeSize: at.treeSize, signed }
      signing = entry
      // A failed signature (the clock failed) is not cached.
      signed.catch(() => {
        if (signing === entry) signing = undefined
      })
    }
    return signed
  }

  const onPublishChain = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = publishChain.then(fn)
    publishChain = run.catch(() => undefined)
    return run
  }

  /** A head of this size on the ledger must be ours, with our root (another process of this log may have put it). */
  const existingHead = async (at: Snapshot): Promise<TreeHeadRecord | undefined> => {
    const existing = await ledger.getTreeHead(logId, at.treeSize)
    if (existing === undefined) return undefined
    if (existing.head.root.toLowerCase() !== at.root) {
      throw new VerificationError(
        'LOG_INCONSISTENT',
        'The ledger holds another head of this size for this log: the log diverged.',
      )
    }
    return existing
  }

  /** Signs and anchors the head of a snapshot (on the publish chain). */
  const publishSnapshot = (at: Snapshot): Promise<TreeHeadRecord> => {
    if (at.treeSize === 0) {
      return Promise.reject(new InvalidArgumentError('OUT_OF_RANGE', 'An empty log has no head to publish.'))
    }
    if (timer !== undefined) {
      clearTimeout(timer)
      timer = undefined
    }
    requestedSize = Math.max(requestedSize, at.treeSize)
    return onPublishChain(async () => {
      let record = await existingHead(at)
      if (record === undefined) {
        try {
          record = await ledger.recordTreeHead(await signSnapshot(at))
        } catch (error) {
          // Another process of this log published this size first: the same tree gives the same root.
          if (!isSdkError(error, 'LEDGER_CONFLICT')) throw error
          record = await existingHead(at)
          if (record === undefined) throw error
        }
      }
      publishedSize = Math.max(publishedSize, at.treeSize)
      return record
    })
  }

  const report = (error: unknown) => {
    try {
      onError?.(error)
    } catch {
      // a throwing callback must not break the log
    }
  }

  /** Failed automatic publishes in a row: the retry waits longer after each, up to a minute. */
  let failures = 0
  /** Publishes the store's newest size if no publish covers it yet. */
  const publishNewest = (): void => {
    storeSize()
      .then((n) => (n > Math.max(publishedSize, requestedSize) ? publishInBackground(n) : undefined))
      .catch(retryLater)
  }
  const arm = (ms: number) => {
    if (closed || timer !== undefined) return
    timer = setTimeout(() => {
      timer = undefined
      publishNewest()
    }, ms)
  }
  const retryLater = (error: unknown) => {
    report(error)
    failures += 1
    arm(Math.min((everyMs ?? RETRY_MS) * 2 ** Math.min(failures - 1, 16), MAX_RETRY_MS))
  }
  /**
   * An automatic publish of `size`. When it fails, its events count as unpublished again and a timer tries again
   * (`headEvery.ms`, or one second, doubling up to a minute): without appends after the failure nothing else would.
   */
  const publishInBackground = (size: number): Promise<void> => {
    requestedSize = Math.max(requestedSize, size)
    return snapshotAt(size)
      .then(publishSnapshot)
      .then(
        () => {
          failures = 0
        },
        (error: unknown) => {
          // a later request on the publish chain covers these events; otherwise they are unpublished again
          if (requestedSize === size) requestedSize = publishedSize
          retryLater(error)
        },
      )
  }

  /** Schedules automatic publishing after an append. */
  const afterAppend = (size: number) => {
    const unpublished = size - Math.max(publishedSize, requestedSize)
    if (unpublished <= 0) return
    if (everyEvents !== undefined && unpublished >= everyEvents) {
      void publishInBackground(size)
      return
    }
    if (everyMs !== undefined) arm(everyMs)
  }

  const checkIndex = (value: unknown, name: string): number => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      throw new InvalidArgumentError('INVALID_TYPE', `${name} must be an integer.`)
    }
    return value
  }
  const checkRange = (value: number, name: string, min: number, max: number) => {
    if (value < min || value > max)
      throw new InvalidArgumentError('OUT_OF_RANGE', `${name} must be between ${min} and ${max}.`)
  }

  const toLeaf = (event: AccessEvent): AccessLogLeaf => {
    if (closed) throw new InvalidArgumentError('INVALID_ARGUMENT', 'The access log is closed.')
    const leafData = encodeAccessEvent(event)
    return { leafData, leafHash: _leafHash(leafData) }
  }
  const appendFailed = (cause: unknown) =>
    new LedgerError('LOG_APPEND_FAILED', 'The access event could not be stored; the log is unchanged.', { cause })

  // Group commit: appends that arrive while a store write is in progress go together in the next transaction.
  type Queued = { leaf: AccessLogLeaf; resolve: (index: number) => void; reject: (e: unknown) => void }
  let queue: Queued[] = []
  let writing: Promise<void> | undefined
  const drain = async () => {
    try {
      while (queue.length > 0) {
        const batch = queue.slice(0, maxBatch)
        queue = queue.slice(batch.length)
        try {
          const r = await store.append(batch.map((q) => q.leaf))
          see(r.size)
          batch.forEach((q, i) => {
            q.resolve(r.firstIndex + i)
          })
          afterAppend(r.size)
        } catch (cause) {
          const error = appendFailed(cause)
          for (const q of batch) q.reject(error)
        }
      }
    } finally {
      writing = undefined
    }
  }
  const enqueue = (leaf: AccessLogLeaf): Promise<number> =>
    new Promise<number>((resolve, reject) => {
      queue.push({ leaf, resolve, reject })
      if (writing === undefined) writing = drain()
    })

  const finish = async (
    index: number,
    leaf: AccessLogLeaf,
    publish: boolean | undefined,
  ): Promise<AppendAccessEventReturnType> => {
    if (publish !== true) return { index, leafHash: leaf.leafHash.slice() }
    const head = await publishSnapshot(await snapshotAt(Math.max(index + 1, knownSize)))
    return { index, leafHash: leaf.leafHash.slice(), head }
  }

  const log: AccessLog = {
    logId,
    name,
    operator: operator.address,
    store,
    get size() {
      return knownSize
    },
    async append(event, options = {}) {
      const leaf = toLeaf(event)
      const index = await enqueue(leaf)
      return finish(index, leaf, options.publish)
    },
    async appendBatch(events) {
      if (!Array.isArray(events) || events.length === 0)
        throw new InvalidArgumentError('INVALID_ARGUMENT', 'events must be a non-empty array.')
      const leaves = events.map(toLeaf)
      let r: AccessLogAppendResult
      try {
        r = await store.append(leaves)
      } catch (cause) {
        throw appendFailed(cause)
      }
      see(r.size)
      afterAppend(r.size)
      return Object.freeze(leaves.map((_, i) => r.firstIndex + i))
    },
    async appendWith(event, commit, options = {}) {
      const leaf = toLeaf(event)
      if (typeof commit !== 'function') throw new InvalidArgumentError('INVALID_TYPE', 'commit must be a function.')
      let r: AccessLogAppendResult
      try {
        r = await commit({ store, leaf })
      } catch (cause) {
        if (isSdkError(cause, 'LOG_APPEND_FAILED')) throw cause
        throw appendFailed(cause)
      }
      see(r.size)
      afterAppend(r.size)
      return finish(r.firstIndex, leaf, options.publish)
    },
    async getEvent(index) {
      checkIndex(index, 'index')
      const size = await storeSize()
      if (index < 0 || index >= size) {
        throw new InvalidArgumentError('OUT_OF_RANGE', `index must be below the log size ${size}.`)
      }
      const entry = await store.get(index)
      if (
        entry === undefined ||
        entry.index !== index ||
        entry.leafHash?.length !== MERKLE_HASH_LENGTH ||
        !equalBytes(_leafHash(entry.leafData), entry.leafHash)
      ) {
        throw corrupt(`Stored access log entry ${index} is missing or altered.`)
      }
      // The leaf must lead, through the stored siblings, to the root of the stored tree (and to a root checked
      // against the ledger when this one covers it).
      const treeSize = verified !== undefined && verified.treeSize > index ? verified.treeSize : size
      const ranges = inclusionRanges(index, treeSize)
      const [top, ...path] = await subtreeRoots([[0, treeSize], ...ranges])
      const fromLeaf = _rootFromInclusionProof(entry.leafHash, BigInt(index), BigInt(treeSize), path)
      const expected = verified?.treeSize === treeSize ? verified.root : (top as Uint8Array)
      if (fromLeaf === undefined || !equalBytes(fromLeaf, expected) || !equalBytes(top as Uint8Array, expected))
        throw corrupt(`Stored access log entry ${index} does not match the stored tree.`)
      return decodeAccessEvent(entry.leafData)
    },
    async root(treeSize) {
      const size = await storeSize()
      const n = treeSize === undefined ? size : checkIndex(treeSize, 'treeSize')
      checkRange(n, 'treeSize', 0, size)
      return rootAt(n)
    },
    async signedHead() {
      return signSnapshot(await snapshotAt(await storeSize()))
    },
    async publishHead() {
      return publishSnapshot(await snapshotAt(await storeSize()))
    },
    async proveInclusion(index, treeSize) {
      const size = await storeSize()
      const n = treeSize === undefined ? size : checkIndex(treeSize, 'treeSize')
      checkRange(n, 'treeSize', 1, size)
      checkRange(checkIndex(index, 'index'), 'index', 0, n - 1)
      return subtreeRoots(inclusionRanges(index, n))
    },
    async proveConsistency(oldSize, newSize) {
      const size = await storeSize()
      const n = newSize === undefined ? size : checkIndex(newSize, 'newSize')
      checkRange(n, 'newSize', 1, size)
      checkRange(checkIndex(oldSize, 'oldSize'), 'oldSize', 1, n)
      return subtreeRoots(consistencyRanges(oldSize, n))
    },
    async flush() {
      while (writing !== undefined) await writing
      const size = await storeSize()
      const result = size > publishedSize ? await publishSnapshot(await snapshotAt(size)) : undefined
      await publishChain
      return result
    },
    async close() {
      if (closed) return
      closed = true
      try {
        await log.flush()
      } finally {
        if (timer !== undefined) clearTimeout(timer)
        timer = undefined
      }
    },
  }
  return Object.freeze(log)
}
