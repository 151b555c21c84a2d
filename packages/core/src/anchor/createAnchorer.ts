/**
 * Batched anchoring: many record commitments, one ledger write. Commitments are the leaves of an RFC 9162 tree
 * (leaf data = the 32-byte commitment); the batch root is written once with `ledger.anchorRoot`, and every record
 * gets its own {@link Receipt}.
 * @module
 */
import {
  bytesToHex0x,
  randomBytes as defaultRandomBytes,
  describeType,
  hexToBytes,
  isBytes,
  type RandomBytes,
} from '../bytes/index.js'
import { type BaseError, InvalidArgumentError, isSdkError, LedgerError, StoreError } from '../errors/base.js'
import type { AnchorKind, AnchorRecord, LedgerAdapter } from '../ledger/types.js'
import { _leafHash } from '../merkle/hash.js'
import { _buildMerkleBatchHex } from '../merkle/tree.js'
import { _rootFromInclusionProof } from '../merkle/verify.js'
import type { Hex } from '../types.js'
import type { AnchorStore } from './anchorStore.js'
import { parseReceipt, type Receipt } from './receipt.js'

/** What {@link CreateAnchorerParameters.onError} learns about a batch that could not be anchored. */
export type AnchorBatchFailure = {
  /** The batch's commitments, in leaf order: resubmit them with `add` to anchor them again. */
  readonly commitments: readonly Hex[]
  /** Root of the last attempt (after a conflict, the batch's leaves plus a salt leaf). */
  readonly root: Hex
  /** Tree size of the last attempt. */
  readonly treeSize: number
  /** Write attempts made (1 + retries + re-batches after conflicts). */
  readonly attempts: number
}

/** Options of {@link createAnchorer}. */
export type CreateAnchorerParameters = {
  /** Flush a batch when it holds this many records. 1..1,000,000, default 1,000. */
  readonly maxBatchSize?: number
  /** Flush a batch this long after its first record arrived. 0..3,600,000 ms, default 1,000. */
  readonly maxDelayMs?: number
  /** Further write attempts after a failed one (transient failures only). 0..20, default 3. */
  readonly retries?: number
  /** Delay before the first retry; doubles each time. 0..60,000 ms, default 250. */
  readonly retryDelayMs?: number
  /** What the leaves are, recorded with the root. Default `records`. */
  readonly kind?: AnchorKind
  /** Called once per batch that failed for good (after its receipts' promises were rejected). */
  readonly onError?: (error: LedgerError, batch: AnchorBatchFailure) => void
  /** Randomness for the salt leaf of a re-batch after a conflict (deterministic tests). */
  readonly randomBytes?: RandomBytes
  /**
   * Where accepted commitments and their receipts are kept (default: nowhere, process memory only). With a store, an
   * `add()` resolves only once its receipt is stored; commitments pending at a crash are anchored when the next
   * anchorer over the store starts, and {@link Anchorer.getReceipt} answers for every receipt ever stored.
   */
  readonly store?: AnchorStore
  /** Most commitments waiting to be anchored; beyond it `add` rejects with `ANCHOR_QUEUE_FULL`. Default 100,000. */
  readonly maxPending?: number
}

/** A running batcher made by {@link createAnchorer}. */
export type Anchorer = {
  /**
   * Queues one commitment (32 bytes, or its `0x` hex) and resolves with its receipt once its batch is anchored.
   * Rejects with the batch's {@link LedgerError} when the batch could not be anchored.
   */
  add(commitment: Uint8Array | Hex): Promise<Receipt>
  /** Flushes the open batch now and waits until every batch handed to the ledger so far has settled. Never rejects. */
  flush(): Promise<void>
  /** Flushes, waits, and refuses further `add`s. Idempotent. */
  close(): Promise<void>
  /** Commitments queued or being written, not yet settled. */
  readonly pending: number
  /**
   * Settles once the commitments the store held as pending at start are queued again (resolves with how many; `0`
   * without a store). Rejects when the store could not be read.
   */
  readonly ready: Promise<number>
  /**
   * The stored receipt of a commitment (`undefined` without a store, or when none was stored). The receipt is checked
   * (its proof must lead from the commitment to its root): a tampered one is `STORE_CORRUPT`, never returned.
   */
  getReceipt(commitment: Uint8Array | Hex): Promise<Receipt | undefined>
}

/** Everything {@link createAnchorer} and {@link Anchorer.add} can throw or reject with. */
export type CreateAnchorerErrorType = InvalidArgumentError | LedgerError | StoreError

/** Failures a retry cannot fix: the ledger refused this exact write, or the input is wrong. */
const PERMANENT = new Set(['LEDGER_REJECTED', 'INVALID_TYPE', 'INVALID_LENGTH', 'INVALID_ARGUMENT'])

/**
 * Re-batches after a conflict, each with a fresh salt leaf (security review, issue 12, finding 8). A conflict means
 * someone else holds this root on the ledger (a front-run); retrying the same root can only meet it again.
 */
const MAX_REBATCHES = 3

/** The batch's leaves, RFC 9162 §2.1.1 leaf hashes, plus a salt leaf when `salt` is given. */
function batchLeaves(batch: readonly Pending[], salt: Uint8Array | undefined): Uint8Array[] {
  const leaves = batch.map((p) => _leafHash(p.commitment))
  if (salt !== undefined) leaves.push(_leafHash(salt))
  return leaves
}

function option(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new InvalidArgumentError('INVALID_TYPE', `${name} must be an integer.`, {
      metaMessages: [`Received ${describeType(value)}.`],
    })
  }
  if (value < min || value > max) {
    throw new InvalidArgumentError('OUT_OF_RANGE', `${name} must be between ${min} and ${max}.`)
  }
  return value
}

function toCommitment(value: unknown): Uint8Array {
  if (isBytes(value)) {
    if (value.length === 32) return value.slice()
  } else if (typeof value === 'string' && /^0x[0-9a-fA-F]{64}$/.test(value)) {
    return hexToBytes(value)
  } else {
    throw new InvalidArgumentError('INVALID_TYPE', 'commitment must be 32 bytes or 0x-prefixed 32-byte hex.', {
      metaMessages: [`Received ${describeType(value)}.`],
    })
  }
  throw new InvalidArgumentError('INVALID_LENGTH', 'commitment must be 32 bytes.')
}

type Waiter = { readonly resolve: (receipt: Receipt) => void; readonly reject: (error: BaseError) => void }
type Pending = {
  readonly commitment: Uint8Array
  readonly hex: Hex
  /** Everyone waiting for this commitment's receipt (one leaf per commitment, however often it was added). */
  readonly waiters: Waiter[]
  resolve(receipt: Receipt): void
  reject(error: BaseError): void
}

function pendingOf(commitment: Uint8Array): Pending {
  const waiters: Waiter[] = []
  return {
    commitment,
    hex: bytesToHex0x(commitment),
    waiters,
    resolve: (receipt) => {
      for (const w of waiters) w.resolve(receipt)
    },
    reject: (error) => {
      for (const w of waiters) w.reject(error)
    },
  }
}

/** A stored receipt, checked: well formed, for this commitment, and its proof leads to its root. */
function checkedReceipt(stored: Receipt, commitment: Hex): Receipt {
  try {
    const r = parseReceipt(stored)
    if (r.commitment !== commitment) throw new Error('another commitment')
    const root = _rootFromInclusionProof(
      _leafHash(hexToBytes(r.commitment)),
      BigInt(r.leafIndex),
      BigInt(r.treeSize),
      r.proof.map((h) => hexToBytes(h)),
    )
    if (root === undefined || bytesToHex0x(root) !== r.root) throw new Error('proof')
    return r
  } catch (cause) {
    throw new StoreError('STORE_CORRUPT', 'A stored anchor receipt fails its check.', { cause })
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Creates a batching anchorer over `ledger`.
 *
 * A batch is cut when it reaches `maxBatchSize` records, `maxDelayMs` after its first record, or on
 * `flush()` / `close()`. Batches are written one after another, in order. A write that fails with a transient
 * error (`LEDGER_UNAVAILABLE`, `LEDGER_TIMEOUT`, `LEDGER_WRITE_FAILED`, or a foreign error such as a network
 * failure) is retried up to `retries` times with exponential backoff; ledger writes are idempotent, so a retry of a
 * write that did land returns the first record. If the batch still fails, every record of the batch is rejected
 * with the same {@link LedgerError} and `onError` is told: a batch is anchored whole or not at all, and can be
 * resubmitted.
 *
 * A write that fails with `LEDGER_CONFLICT`, or that the ledger answers with an anchor of other metadata than asked
 * for (a ledger still keyed by root alone, where someone anchored this root first), is not retried as is: the batch
 * is re-built with one extra leaf of 32 fresh random bytes, which gives it a root nobody can have anchored before
 * (up to 3 times). Every receipt stays an RFC 9162 inclusion proof of its own commitment; the salt leaf has no
 * receipt.
 *
 * @param ledger - the ledger to anchor on
 * @param params - see {@link CreateAnchorerParameters}
 * @returns a frozen {@link Anchorer}
 * @throws {@link InvalidArgumentError} for a bad option
 * @example
 * ```ts
 * import { createAnchorer, verifyReceipt } from '@medseal/core'
 * import { createMemoryLedger } from '@medseal/adapter-memory'
 * const ledger = createMemoryLedger({ id: 'demo' })
 * const anchorer = createAnchorer(ledger, { maxBatchSize: 1000, maxDelayMs: 500 })
 * const receipt = await anchorer.add(commitment) // 32 bytes from `seal`
 * await verifyReceipt(ledger, { receipt, commitment })
 * await anchorer.close()
 * ```
 */
export function createAnchorer(ledger: LedgerAdapter, params: CreateAnchorerParameters = {}): Anchorer {
  if (typeof ledger !== 'object' || ledger === null || typeof ledger.anchorRoot !== 'function') {
    throw new InvalidArgumentError('INVALID_TYPE', 'ledger must be a LedgerAdapter.')
  }
  if (typeof params !== 'object' || params === null) {
    throw new InvalidArgumentError('INVALID_TYPE', 'params must be an object.')
  }
  const maxBatchSize = option(params.maxBatchSize, 'maxBatchSize', 1, 1_000_000, 1000)
  const maxDelayMs = option(params.maxDelayMs, 'maxDelayMs', 0, 3_600_000, 1000)
  const retries = option(params.retries, 'retries', 0, 20, 3)
  const retryDelayMs = option(params.retryDelayMs, 'retryDelayMs', 0, 60_000, 250)
  const kind = params.kind ?? 'records'
  if (kind !== 'records' && kind !== 'export' && kind !== 'events') {
    throw new InvalidArgumentError('INVALID_ARGUMENT', "kind must be 'records', 'export' or 'events'.")
  }
  const onError = params.onError
  if (onError !== undefined && typeof onError !== 'function') {
    throw new InvalidArgumentError('INVALID_TYPE', 'onError must be a function.')
  }
  const random = params.randomBytes ?? defaultRandomBytes
  if (typeof random !== 'function') throw new InvalidArgumentError('INVALID_TYPE', 'randomBytes must be a function.')

  const store = params.store
  if (store !== undefined) {
    for (const fn of ['addPending', 'listPending', 'completeBatch', 'dropPending', 'getReceipt'] as const)
      if (typeof store?.[fn] !== 'function')
        throw new InvalidArgumentError('INVALID_TYPE', `store.${fn} must be a function.`)
  }
  const maxPending = option(params.maxPending, 'maxPending', 1, 100_000_000, 100_000)

  let open: Pending[] = []
  /** With a store: the commitments queued or being written, so a commitment is one leaf however often it is added. */
  const queued = new Map<Hex, Pending>()
  /** Adds between their call and their queueing (awaiting the store). */
  const accepting = new Set<Promise<unknown>>()
  const settleAccepting = async () => {
    while (accepting.size > 0) await Promise.all([...accepting])
  }
  let timer: ReturnType<typeof setTimeout> | undefined
  let closed = false
  let inFlight = 0
  /** The chain of batch writes; each link never rejects. */
  let chain: Promise<void> = Promise.resolve()

  const write = async (batch: Pending[]): Promise<void> => {
    let built = _buildMerkleBatchHex(batchLeaves(batch, undefined))
    let attempts = 0
    let retried = 0
    let rebatches = 0
    let failure: LedgerError | undefined
    /** After a conflict: a fresh salt leaf, so the new batch has a root nobody holds. */
    const rebatch = (error: LedgerError): boolean => {
      if (rebatches >= MAX_REBATCHES) {
        failure = error
        return false
      }
      rebatches++
      const salt = random(32)
      if (!isBytes(salt) || salt.length !== 32) {
        failure = new LedgerError('LEDGER_WRITE_FAILED', 'randomBytes did not return 32 bytes for the salt leaf.')
        return false
      }
      built = _buildMerkleBatchHex(batchLeaves(batch, salt))
      return true
    }
    for (;;) {
      const { root, treeSize, proofs } = built
      let record: AnchorRecord | undefined
      attempts++
      try {
        record = await ledger.anchorRoot({ root, treeSize, kind })
      } catch (error) {
        if (isSdkError(error, 'LEDGER_CONFLICT')) {
          if (rebatch(error as LedgerError)) continue
          break
        }
        const permanent = isSdkError(error) && PERMANENT.has(error.code)
        if (permanent || retried >= retries) {
          failure =
            error instanceof LedgerError
              ? error
              : new LedgerError('LEDGER_WRITE_FAILED', 'The batch root could not be anchored.', { cause: error })
          break
        }
        await sleep(retryDelayMs * 2 ** retried)
        retried++
        continue
      }
      const ref = record?.ref
      const rootHex = bytesToHex0x(root)
      const sameRoot =
        typeof record === 'object' && record !== null && isBytes(record.root) && bytesToHex0x(record.root) === rootHex
      if (sameRoot && (record.treeSize !== treeSize || record.kind !== kind)) {
        // The ledger holds this root with other metadata (a ledger keyed by root alone, front-run): a conflict,
        // answered as if it were our write.
        if (rebatch(new LedgerError('LEDGER_CONFLICT', 'The ledger holds this batch root with other metadata.')))
          continue
        break
      }
      try {
        if (!sameRoot) throw new Error('the anchored record is not the batch root')
        if (ref?.ledger !== ledger.ledgerId) throw new Error('the reference names another ledger')
        // Check the reference (and our own output) once, in full; the other receipts share everything but the leaf.
        const first = parseReceipt({
          v: 1,
          commitment: (batch[0] as Pending).hex,
          leafIndex: 0,
          treeSize,
          root: rootHex,
          proof: proofs[0],
          ledger: { ledger: ref.ledger, tx: ref.tx, block: ref.block, timestamp: ref.timestamp },
        })
        const receipts: Receipt[] = [first]
        for (let i = 1; i < batch.length; i++) {
          const p = batch[i] as Pending
          receipts.push(
            Object.freeze({
              v: 1,
              commitment: p.hex,
              leafIndex: i,
              treeSize,
              root: first.root,
              proof: Object.freeze(proofs[i] as Hex[]),
              ledger: first.ledger,
            }),
          )
        }
        if (store !== undefined) {
          // The receipts are stored (and the commitments leave the pending set) before any add() resolves.
          try {
            await store.completeBatch(receipts)
          } catch (cause) {
            const error = new StoreError(
              'STORE_UNAVAILABLE',
              'The batch was anchored but its receipts could not be stored; it is anchored again on restart.',
              { cause },
            )
            for (const p of batch) p.reject(error)
            return
          }
        }
        batch.forEach((p, i) => {
          p.resolve(receipts[i] as Receipt)
        })
        return
      } catch (cause) {
        failure = new LedgerError(
          'LEDGER_WRITE_FAILED',
          'The ledger answered the anchor write with a malformed record.',
          {
            cause,
          },
        )
        break
      }
    }
    const error = failure as LedgerError
    if (store !== undefined) {
      // Failed for good, and the callers are told: no longer pending (a failed drop is anchored again on restart).
      await store.dropPending(batch.map((p) => p.hex)).catch(() => undefined)
    }
    for (const p of batch) p.reject(error)
    if (onError) {
      try {
        onError(error, {
          commitments: batch.map((p) => bytesToHex0x(p.commitment)),
          root: bytesToHex0x(built.root),
          treeSize: built.treeSize,
          attempts,
        })
      } catch {
        // A throwing callback must not break the anchorer; the records were already rejected.
      }
    }
  }

  const cut = () => {
    if (timer !== undefined) {
      clearTimeout(timer)
      timer = undefined
    }
    if (open.length === 0) return
    const batch = open
    open = []
    chain = chain.then(async () => {
      try {
        await write(batch)
      } catch (cause) {
        // Unreachable by design; settles the batch anyway so that no caller waits forever.
        const error = new LedgerError('LEDGER_WRITE_FAILED', 'The batch could not be anchored.', { cause })
        for (const p of batch) p.reject(error)
      } finally {
        inFlight -= batch.length
        for (const p of batch) if (queued.get(p.hex) === p) queued.delete(p.hex)
      }
    })
  }

  /** Queues a commitment for the open batch (once, with a store) and returns its receipt's promise. */
  const enqueue = (bytes: Uint8Array): Promise<Receipt> =>
    new Promise<Receipt>((resolve, reject) => {
      const hex = bytesToHex0x(bytes)
      const existing = store !== undefined ? queued.get(hex) : undefined
      if (existing !== undefined) {
        existing.waiters.push({ resolve, reject })
        return
      }
      const p = pendingOf(bytes)
      p.waiters.push({ resolve, reject })
      if (store !== undefined) queued.set(hex, p)
      open.push(p)
      inFlight++
      if (open.length >= maxBatchSize) cut()
      else if (timer === undefined) {
        timer = setTimeout(cut, maxDelayMs)
      }
    })

  // Restart: what the store holds as pending was accepted by an earlier anchorer: anchor it now.
  const ready: Promise<number> =
    store === undefined
      ? Promise.resolve(0)
      : (async () => {
          const pending = await store.listPending()
          for (const hex of pending) {
            const bytes = toCommitment(hex)
            if (!queued.has(bytesToHex0x(bytes))) enqueue(bytes).catch(() => undefined)
          }
          return pending.length
        })()
  ready.catch(() => undefined)

  const anchorer: Anchorer = {
    add(commitment) {
      let bytes: Uint8Array
      try {
        if (closed) throw new InvalidArgumentError('INVALID_ARGUMENT', 'The anchorer is closed.')
        bytes = toCommitment(commitment)
        if (store === undefined && inFlight >= maxPending)
          throw new LedgerError('ANCHOR_QUEUE_FULL', 'Too many commitments are waiting to be anchored: retry later.')
      } catch (error) {
        return Promise.reject(error)
      }
      if (store === undefined) return enqueue(bytes)
      const hex = bytesToHex0x(bytes)
      // flush() and close() wait for this step, so nothing is queued after they cut the batch.
      const accepted = (async (): Promise<Receipt | undefined> => {
        if (queued.has(hex)) return undefined
        const stored = await store.getReceipt(hex)
        if (stored !== undefined) return checkedReceipt(stored, hex)
        // Durable before it is queued: from here on, a crash does not lose it (ANCHOR_QUEUE_FULL when full).
        await store.addPending({ commitments: [hex], maxPending })
        return undefined
      })()
      const step = accepted.then((receipt) => (receipt !== undefined ? receipt : enqueue(bytes)))
      const tracked = accepted.catch(() => undefined)
      accepting.add(tracked)
      void tracked.then(() => accepting.delete(tracked))
      return step
    },
    async flush() {
      await ready.catch(() => undefined)
      await settleAccepting()
      cut()
      await chain
    },
    async close() {
      closed = true
      await ready.catch(() => undefined)
      await settleAccepting()
      cut()
      await chain
    },
    get pending() {
      return inFlight
    },
    ready,
    async getReceipt(commitment) {
      const hex = bytesToHex0x(toCommitment(commitment))
      if (store === undefined) return undefined
      const stored = await store.getReceipt(hex)
      return stored === undefined ? undefined : checkedReceipt(stored, hex)
    },
  }
  return Object.freeze(anchorer)
}
