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
import { InvalidArgumentError, isSdkError, LedgerError } from '../errors/base.js'
import type { AnchorKind, AnchorRecord, LedgerAdapter } from '../ledger/types.js'
import { _leafHash } from '../merkle/hash.js'
import { _buildMerkleBatchHex } from '../merkle/tree.js'
import type { Hex } from '../types.js'
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
}

/** Everything {@link createAnchorer} and {@link Anchorer.add} can throw or reject with. */
export type CreateAnchorerErrorType = InvalidArgumentError | LedgerError

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

type Pending = {
  readonly commitment: Uint8Array
  readonly resolve: (receipt: Receipt) => void
  readonly reject: (error: LedgerError) => void
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

  let open: Pending[] = []
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
          v: 2,
          kind,
          commitment: bytesToHex0x((batch[0] as Pending).commitment),
          leafIndex: 0,
          treeSize,
          root: rootHex,
          proof: proofs[0],
          ledger: { ledger: ref.ledger, tx: ref.tx, block: ref.block, timestamp: ref.timestamp },
        })
        ;(batch[0] as Pending).resolve(first)
        for (let i = 1; i < batch.length; i++) {
          const p = batch[i] as Pending
          p.resolve(
            Object.freeze({
              v: 2,
              kind,
              commitment: bytesToHex0x(p.commitment),
              leafIndex: i,
              treeSize,
              root: first.root,
              proof: Object.freeze(proofs[i] as Hex[]),
              ledger: first.ledger,
            }),
          )
        }
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
      }
    })
  }

  const anchorer: Anchorer = {
    add(commitment) {
      try {
        if (closed) throw new InvalidArgumentError('INVALID_ARGUMENT', 'The anchorer is closed.')
        const bytes = toCommitment(commitment)
        return new Promise<Receipt>((resolve, reject) => {
          open.push({ commitment: bytes, resolve, reject })
          inFlight++
          if (open.length >= maxBatchSize) cut()
          else if (timer === undefined) {
            timer = setTimeout(cut, maxDelayMs)
          }
        })
      } catch (error) {
        return Promise.reject(error)
      }
    },
    async flush() {
      cut()
      await chain
    },
    async close() {
      closed = true
      cut()
      await chain
    },
    get pending() {
      return inFlight
    },
  }
  return Object.freeze(anchorer)
}
