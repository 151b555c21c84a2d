/**
 * The access log: an append-only RFC 9162 Merkle log of access events, run by an operator (a custodian, an EHR
 * vendor), whose signed tree heads are anchored on the ledger so that patients can check that every access they
 * were shown is in the log and that the log was only ever appended to.
 * @module
 */
import { bytesToHex0x, describeType, equalBytes } from '../bytes/index.js'
import type { SignedTreeHead } from '../consent/types.js'
import { signTreeHead } from '../eip712/structures.js'
import { InvalidArgumentError, LedgerError, VerificationError } from '../errors/base.js'
import type { Party } from '../identity/types.js'
import type { LedgerAdapter, TreeHeadRecord } from '../ledger/types.js'
import { _leafHash, MERKLE_HASH_LENGTH } from '../merkle/hash.js'
import { createMerkleLog } from '../merkle/merkleLog.js'
import type { Address, Hex } from '../types.js'
import { type AccessEvent, decodeAccessEvent, encodeAccessEvent } from './event.js'
import { computeLogId, computeLogNameHash } from './logId.js'
import { type AccessLogStore, createMemoryAccessLogStore } from './store.js'

/** Options of {@link createAccessLog}. */
export type CreateAccessLogParameters = {
  /** The log's operator: signs its tree heads. */
  readonly operator: Party
  /** Where heads are anchored (and whose EIP-712 domain they are signed under). */
  readonly ledger: LedgerAdapter
  /** The log's name (1 to 256 characters); with the operator it makes the log id. */
  readonly name: string
  /** Where entries live. Default: {@link createMemoryAccessLogStore}. */
  readonly store?: AccessLogStore
  /**
   * Publish a head on its own "from time to time": after this many unpublished `events`, and/or `ms` after the first
   * unpublished event. Default: only on `publishHead()`, `flush()` or `append(event, { publish: true })`.
   */
  readonly headEvery?: { readonly events?: number; readonly ms?: number }
  /** Told about failures of automatic publishing (the events stay in the log; the next publish covers them). */
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

/** An open access log. */
export type AccessLog = {
  readonly logId: Hex
  readonly name: string
  /** The operator's address (checksummed). */
  readonly operator: Address
  /** Number of events in the log. */
  readonly size: number
  /**
   * Appends one event (O(log n) hashes). With `publish: true` (break-glass: "anchor at once") the head covering it
   * is also published before this resolves. Appends never wait for a ledger write in progress.
   * @throws {@link LedgerError} `LOG_APPEND_FAILED` when the store write fails (the log is then unchanged)
   * @throws the ledger's error when `publish: true` and the head could not be anchored: the event IS in the log
   *   (the next publish covers it), but treat the access as not anchored (fail closed)
   */
  append(event: AccessEvent, options?: { readonly publish?: boolean }): Promise<AppendAccessEventReturnType>
  /** The event at `index`, read from the store (its leaf hash is checked). */
  getEvent(index: number): Promise<AccessEvent>
  /** The RFC 9162 root of the first `treeSize` events (default: all). */
  root(treeSize?: number): Uint8Array
  /** A head of the current size signed by the operator (the same one until the log grows). */
  signedHead(): Promise<SignedTreeHead>
  /** Signs the current head and records it on the ledger. */
  publishHead(): Promise<TreeHeadRecord>
  /** Inclusion proof of event `index` in the log of `treeSize` events (default: all). */
  proveInclusion(index: number, treeSize?: number): Uint8Array[]
  /** Consistency proof between the log at `oldSize` (>= 1) and at `newSize` events (default: all). */
  proveConsistency(oldSize: number, newSize?: number): Uint8Array[]
  /** Publishes a head if events are unpublished, and waits for publishing in progress. */
  flush(): Promise<TreeHeadRecord | undefined>
  /** Stops automatic publishing (after a last {@link AccessLog.flush}) and refuses later appends. */
  close(): Promise<void>
}

/** Everything {@link createAccessLog} and the log's methods can throw. */
export type CreateAccessLogErrorType = InvalidArgumentError | LedgerError | VerificationError

function positive(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError('INVALID_ARGUMENT', `${name} must be a positive integer.`)
  }
  return value
}

/**
 * Opens (or creates) an access log over `store`. Existing entries are read back and their leaf hashes checked.
 *
 * @param params - see {@link CreateAccessLogParameters}
 * @returns the open {@link AccessLog}
 * @throws {@link InvalidArgumentError} for bad parameters
 * @throws {@link VerificationError} `LOG_INCONSISTENT` when a stored entry does not match its leaf hash
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
  for (const fn of ['size', 'get', 'append'] as const) {
    if (typeof store[fn] !== 'function')
      throw new InvalidArgumentError('INVALID_TYPE', `store.${fn} must be a function.`)
  }
  const everyEvents = positive(params.headEvery?.events, 'headEvery.events')
  const everyMs = positive(params.headEvery?.ms, 'headEvery.ms')
  const onError = params.onError
  const clock = params.clock ?? (() => ledger.getTime())

  // Load what the store holds, checking every entry.
  const tree = createMerkleLog()
  const stored = await store.size()
  if (!Number.isSafeInteger(stored) || stored < 0) {
    throw new VerificationError('LOG_INCONSISTENT', 'The access log store reported an impossible size.')
  }
  for (let i = 0; i < stored; i++) {
    const entry = await store.get(i)
    if (
      entry === undefined ||
      entry.index !== i ||
      entry.leafHash?.length !== MERKLE_HASH_LENGTH ||
      !equalBytes(_leafHash(entry.leafData), entry.leafHash)
    ) {
      throw new VerificationError('LOG_INCONSISTENT', `Stored access log entry ${i} is missing or altered.`)
    }
    tree.append(entry.leafHash)
  }

  let closed = false
  /** Appends (and the snapshots heads are made of) are serialized on this chain; it never waits for the ledger. */
  let chain: Promise<unknown> = Promise.resolve()
  const serialize = <T>(fn: () => Promise<T> | T): Promise<T> => {
    const run = chain.then(fn)
    chain = run.catch(() => undefined)
    return run
  }
  /** Head signing and ledger writes are serialized on this one, in snapshot order (sizes never decrease). */
  let publishChain: Promise<unknown> = Promise.resolve()
  /** Largest size anchored, and largest size handed to the publish chain. */
  let publishedSize = 0
  let requestedSize = 0
  let timer: ReturnType<typeof setTimeout> | undefined

  type Snapshot = { readonly treeSize: number; readonly root: Hex }
  const snapshot = (): Snapshot => ({ treeSize: tree.size, root: bytesToHex0x(tree.root()) })

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
      // A head of this size may already be anchored (an earlier run, a retry): it must be ours, with our root.
      const existing = await ledger.getTreeHead(logId, at.treeSize)
      if (existing !== undefined) {
        if (existing.head.root.toLowerCase() !== at.root) {
          throw new VerificationError(
            'LOG_INCONSISTENT',
            'The ledger holds another head of this size for this log: the log diverged.',
          )
        }
        publishedSize = Math.max(publishedSize, at.treeSize)
        return existing
      }
      const record = await ledger.recordTreeHead(await signSnapshot(at))
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

  /** Schedules automatic publishing after an append (called on the append chain). */
  const afterAppend = () => {
    const unpublished = tree.size - Math.max(publishedSize, requestedSize)
    if (unpublished <= 0) return
    if (everyEvents !== undefined && unpublished >= everyEvents) {
      publishSnapshot(snapshot()).catch(report)
      return
    }
    if (everyMs !== undefined && timer === undefined) {
      timer = setTimeout(() => {
        timer = undefined
        serialize(() => {
          if (tree.size > Math.max(publishedSize, requestedSize)) publishSnapshot(snapshot()).catch(report)
        })
      }, everyMs)
    }
  }

  const checkIndex = (value: unknown, name: string): number => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      throw new InvalidArgumentError('INVALID_TYPE', `${name} must be an integer.`)
    }
    return value
  }

  const log: AccessLog = {
    logId,
    name,
    operator: operator.address,
    get size() {
      return tree.size
    },
    append(event, options = {}) {
      let leafData: Uint8Array
      try {
        if (closed) throw new InvalidArgumentError('INVALID_ARGUMENT', 'The access log is closed.')
        leafData = encodeAccessEvent(event)
      } catch (error) {
        return Promise.reject(error)
      }
      const leafHash = _leafHash(leafData)
      const appended = serialize(async () => {
        const index = tree.size
        try {
          await store.append({ index, leafData, leafHash })
        } catch (cause) {
          throw new LedgerError('LOG_APPEND_FAILED', 'The access event could not be stored; the log is unchanged.', {
            cause,
          })
        }
        tree.append(leafHash)
        if (options.publish === true) return { index, at: snapshot() }
        afterAppend()
        return { index, at: undefined }
      })
      return appended.then(async ({ index, at }) => {
        if (at === undefined) return { index, leafHash: leafHash.slice() }
        const head = await publishSnapshot(at)
        return { index, leafHash: leafHash.slice(), head }
      })
    },
    async getEvent(index) {
      checkIndex(index, 'index')
      if (index < 0 || index >= tree.size) {
        throw new InvalidArgumentError('OUT_OF_RANGE', `index must be below the log size ${tree.size}.`)
      }
      const entry = await store.get(index)
      if (entry === undefined || !equalBytes(_leafHash(entry.leafData), tree.leafHash(index))) {
        throw new VerificationError('LOG_INCONSISTENT', `Stored access log entry ${index} is missing or altered.`)
      }
      return decodeAccessEvent(entry.leafData)
    },
    root(treeSize) {
      return tree.root(treeSize)
    },
    async signedHead() {
      return signSnapshot(await serialize(snapshot))
    },
    async publishHead() {
      return publishSnapshot(await serialize(snapshot))
    },
    proveInclusion(index, treeSize) {
      return tree.inclusionProof(checkIndex(index, 'index'), treeSize)
    },
    proveConsistency(oldSize, newSize) {
      return tree.consistencyProof(checkIndex(oldSize, 'oldSize'), newSize)
    },
    async flush() {
      const at = await serialize(snapshot)
      const result = at.treeSize > publishedSize ? await publishSnapshot(at) : undefined
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
