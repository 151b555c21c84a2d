/**
 * The access log: an append-only RFC 9162 Merkle log of access events, run by an operator (a custodian, an EHR
 * vendor), whose signed tree heads are anchored on the ledger so that patients can check that every access they
 * were shown is in the log and that the log was only ever appended to.
 * @module
 */
import { bytesToHex0x, describeType, equalBytes } from '../bytes/index.js'
import type { SignedTreeHead, TreeHead } from '../consent/types.js'
import { signTreeHead } from '../eip712/structures.js'
import { InvalidArgumentError, LedgerError, VerificationError } from '../errors/base.js'
import type { Party } from '../identity/types.js'
import type { LedgerAdapter, TreeHeadRecord } from '../ledger/types.js'
import { _leafHash, MERKLE_HASH_LENGTH } from '../merkle/hash.js'
import { createMerkleLog } from '../merkle/merkleLog.js'
import type { Address, Hex } from '../types.js'
import { type AccessEvent, decodeAccessEvent, encodeAccessEvent } from './event.js'
import { computeLogId } from './logId.js'
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
   * is also published before this resolves.
   * @throws {@link LedgerError} `LOG_APPEND_FAILED` when the store write fails (the log is then unchanged)
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
  /** Appends and publishes are serialized on this chain (each link never rejects). */
  let chain: Promise<unknown> = Promise.resolve()
  const serialize = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn)
    chain = run.catch(() => undefined)
    return run
  }
  let lastSigned: SignedTreeHead | undefined
  let publishedSize = 0
  let timer: ReturnType<typeof setTimeout> | undefined

  const sign = async (): Promise<SignedTreeHead> => {
    const treeSize = tree.size
    if (lastSigned !== undefined && lastSigned.head.treeSize === treeSize) return lastSigned
    const root = bytesToHex0x(tree.root(treeSize))
    const timestamp = await clock()
    const head: TreeHead = { logId, operator: operator.address, treeSize, root, timestamp }
    const signed = signTreeHead(operator, ledger.domain, head)
    // The log may have grown while the clock was read: keep the newest signed head only.
    if (lastSigned === undefined || lastSigned.head.treeSize <= treeSize) lastSigned = signed
    return signed
  }

  /** Publishes the current head (called on the chain). */
  const publish = async (): Promise<TreeHeadRecord> => {
    if (tree.size === 0) throw new InvalidArgumentError('OUT_OF_RANGE', 'An empty log has no head to publish.')
    if (timer !== undefined) {
      clearTimeout(timer)
      timer = undefined
    }
    const treeSize = tree.size
    // A head of this size may already be anchored (an earlier run, a retry): it must be ours, with our root.
    const existing = await ledger.getTreeHead(logId, treeSize)
    if (existing !== undefined) {
      if (existing.head.root.toLowerCase() !== bytesToHex0x(tree.root(treeSize))) {
        throw new VerificationError(
          'LOG_INCONSISTENT',
          'The ledger holds another head of this size for this log: the log diverged.',
        )
      }
      publishedSize = Math.max(publishedSize, treeSize)
      return existing
    }
    const signed = await sign()
    const record = await ledger.recordTreeHead(signed)
    publishedSize = Math.max(publishedSize, signed.head.treeSize)
    return record
  }

  const background = () => {
    serialize(publish).catch((error: unknown) => {
      try {
        onError?.(error)
      } catch {
        // a throwing callback must not break the log
      }
    })
  }

  const afterAppend = () => {
    const unpublished = tree.size - publishedSize
    if (everyEvents !== undefined && unpublished >= everyEvents) {
      background()
      return
    }
    if (everyMs !== undefined && timer === undefined && unpublished > 0) {
      timer = setTimeout(() => {
        timer = undefined
        if (tree.size > publishedSize) background()
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
      return serialize(async () => {
        const index = tree.size
        try {
          await store.append({ index, leafData, leafHash })
        } catch (cause) {
          throw new LedgerError('LOG_APPEND_FAILED', 'The access event could not be stored; the log is unchanged.', {
            cause,
          })
        }
        tree.append(leafHash)
        if (options.publish === true) {
          const head = await publish()
          return { index, leafHash: leafHash.slice(), head }
        }
        afterAppend()
        return { index, leafHash: leafHash.slice() }
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
    signedHead() {
      return serialize(sign)
    },
    publishHead() {
      return serialize(publish)
    },
    proveInclusion(index, treeSize) {
      return tree.inclusionProof(checkIndex(index, 'index'), treeSize)
    },
    proveConsistency(oldSize, newSize) {
      return tree.consistencyProof(checkIndex(oldSize, 'oldSize'), newSize)
    },
    async flush() {
      const result = await serialize(async () => (tree.size > publishedSize ? publish() : undefined))
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
