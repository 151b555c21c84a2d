/**
 * A pool of workers that seal in parallel: Node `worker_threads` or browser Web Workers behind one small interface.
 * @module
 */
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { bytesToHex, describeType } from '../bytes/index.js'
import { type ContentId, JSON_CODEC, SHA2_256_CODE } from '../canonical/contentId.js'
import { EnvelopeError, InvalidArgumentError } from '../errors/base.js'
import type { ErrorCode } from '../errors/codes.js'
import { type FromWorker, listen, type ToWorker, type WireRecipient } from './_sealPoolProtocol.js'
import { decodeEnvelopeInternal } from './decodeEnvelope.js'
import { prepareRecipients } from './seal.js'
import { type SealBatchParameters, toPayloads } from './sealBatch.js'
import { type SharedVaultKey, shareVaultKey } from './shareVaultKey.js'
import type { SealReturnType } from './types.js'

/** A worker as the pool drives it: a Node `Worker` (`worker_threads`) or a browser `Worker`. */
export type SealPoolWorker = {
  /** Node's `worker_threads` Worker listens with `on`. */
  on?: (type: string, listener: (value: unknown) => void) => unknown
  /** A web Worker listens with `addEventListener`. */
  addEventListener?: (type: string, listener: (event: unknown) => void) => void
  postMessage(message: unknown, transfer: ArrayBuffer[]): void
  terminate(): unknown
}

/** Parameters of {@link createSealPool}. */
export type CreateSealPoolParameters = {
  /**
   * Starts one worker whose module calls `serveSealWorker` (Node: `new Worker(url)`; browsers:
   * `new Worker(url, { type: 'module' })`).
   */
  spawn: () => SealPoolWorker
  /** Number of workers, 1..64 (default: `navigator.hardwareConcurrency`, else 2). */
  size?: number | undefined
}

/** Parameters of {@link SealPool.sealBatch}: those of `sealBatch` without `randomBytes` (workers draw their own). */
export type SealPoolBatchParameters = Omit<SealBatchParameters, 'randomBytes'>

/** A running pool. */
export type SealPool = {
  /** Number of workers. */
  readonly size: number
  /**
   * `sealBatch` spread over the workers: the items are canonicalized and checked here (the same errors as
   * `sealBatch`, before anything is sent), sealed in chunks by whichever worker is free, and returned in order.
   */
  sealBatch(items: readonly unknown[], params: SealPoolBatchParameters): Promise<SealReturnType[]>
  /** Terminates every worker; pending and later calls fail with `WORKER_FAILED`. */
  close(): Promise<void>
}

/** Errors {@link createSealPool} and its `sealBatch` can throw. */
export type CreateSealPoolErrorType = InvalidArgumentError | EnvelopeError

/**
 * Most items per message: large enough to amortize a message, small enough to keep every worker busy to the end. A
 * smaller batch is split evenly over the workers (a sync's chunk of 256 goes to both workers of a 2-core machine).
 */
const CHUNK = 256
/** Fewest items per message (below this a message costs more than it spreads). */
const MIN_CHUNK = 16

type Slot = {
  worker: SealPoolWorker
  ready: Promise<Uint8Array>
  /** Vault key ids this worker already holds. */
  shared: Set<string>
  pending: Map<number, { resolve: (m: FromWorker) => void; reject: (e: unknown) => void }>
  dead: EnvelopeError | undefined
}

const workerFailed = (message: string, code?: string) =>
  new EnvelopeError('WORKER_FAILED', message, code ? { metaMessages: [`The worker reported ${code}.`] } : {})

/**
 * Starts a pool of sealing workers so bulk sealing uses every core, in Node (`worker_threads`) and in browsers (Web
 * Workers). Each worker makes an X25519 key pair at start; a vault recipient is handed to each worker once, wrapped
 * to that key (`shareVaultKey`), so no secret crosses a channel in the clear and the asymmetric cost is paid once
 * per worker and vault key, not per record. Output is the same as `sealBatch`. Each worker keeps the vault keys it
 * was given until the pool is closed: for many distinct vault keys (one per patient), close and restart the pool
 * now and then to bound that memory.
 *
 * @param params - `spawn` (starts one worker running `serveSealWorker`), optional `size`
 * @returns a frozen {@link SealPool}; `close()` it when done
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` for a missing `spawn`, `OUT_OF_RANGE` for a size outside
 *   1..64. Its `sealBatch` throws the errors of `sealBatch`, and {@link EnvelopeError} `WORKER_FAILED` when a worker
 *   fails or the pool is closed.
 * @example
 * ```ts norun
 * import { availableParallelism } from 'node:os'
 * import { Worker } from 'node:worker_threads'
 * import { createParty, createSealPool, createVaultKey } from '@medseal/core'
 * const pool = createSealPool({ spawn: () => new Worker(new URL('./seal-worker.js', import.meta.url)), size: availableParallelism() })
 * const recipients = [createVaultKey({ party: createParty() })]
 * const sealed = await pool.sealBatch([{ resourceType: 'Observation', id: 'o1' }], { recipients })
 * await pool.close()
 * ```
 */
export function createSealPool(params: CreateSealPoolParameters): SealPool {
  if (typeof params !== 'object' || params === null || typeof params.spawn !== 'function')
    throw new InvalidArgumentError('INVALID_TYPE', 'createSealPool needs { spawn: () => Worker }.', {
      metaMessages: [`Received ${describeType(params)}.`],
    })
  const fallback = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency
  const size = params.size ?? (Number.isSafeInteger(fallback) && (fallback as number) > 0 ? fallback : 2)
  if (!Number.isSafeInteger(size) || (size as number) < 1 || (size as number) > 64)
    throw new InvalidArgumentError('OUT_OF_RANGE', 'size must be an integer from 1 to 64.')
  let closed = false
  let nextId = 1
  const slots: Slot[] = Array.from({ length: size as number }, () => {
    const worker = params.spawn()
    const slot: Slot = { worker, ready: undefined as never, shared: new Set(), pending: new Map(), dead: undefined }
    const fail = (why: string) => {
      slot.dead ??= workerFailed(why)
      for (const p of slot.pending.values()) p.reject(slot.dead)
      slot.pending.clear()
    }
    slot.ready = new Promise<Uint8Array>((resolve, reject) => {
      slot.pending.set(0, { resolve: (m) => resolve((m as { publicKey: Uint8Array }).publicKey), reject })
    })
    slot.ready.catch(() => {}) // observed by every call that uses the slot
    listen(worker, 'message', (value) => {
      const m = value as FromWorker
      const id = m?.t === 'ready' ? 0 : (m as { id?: number })?.id
      const p = id === undefined ? undefined : slot.pending.get(id)
      if (!p) return
      slot.pending.delete(id as number)
      if (m.t === 'error') p.reject(errorFromWorker(m.code))
      else p.resolve(m)
    })
    listen(worker, 'error', () => fail('A seal worker failed.'))
    listen(worker, 'exit', () => fail('A seal worker exited.'))
    return slot
  })

  const request = async (slot: Slot, m: ToWorker): Promise<FromWorker> => {
    if (slot.dead) throw slot.dead
    const answer = new Promise<FromWorker>((resolve, reject) => slot.pending.set(m.id, { resolve, reject }))
    slot.worker.postMessage(m, [m.data.buffer, m.ends.buffer] as ArrayBuffer[])
    return answer
  }

  const sealBatch = async (items: readonly unknown[], p: SealPoolBatchParameters): Promise<SealReturnType[]> => {
    if (closed) throw workerFailed('The seal pool is closed.')
    const prepared = prepareRecipients(p)
    const payloads = toPayloads(items, p)
    const recipients: WireRecipient[] = prepared.list.map((r) =>
      r.vault ? { vault: r.keyId } : { publicKey: r.publicKey },
    )
    const out: SealReturnType[] = new Array(payloads.length)
    const live = slots.filter((s) => !s.dead).length
    const per = Math.min(CHUNK, Math.max(MIN_CHUNK, Math.ceil(payloads.length / Math.max(1, live))))
    let next = 0
    const run = async (slot: Slot) => {
      const publicKey = await slot.ready
      while (next < payloads.length) {
        const from = next
        const to = Math.min(payloads.length, from + per)
        next = to
        const shares: SharedVaultKey[] = []
        for (const r of prepared.list)
          if (r.vault && !slot.shared.has(bytesToHex(r.keyId))) {
            shares.push(await shareVaultKey(r.vault, { encryptionPublicKey: publicKey }))
            slot.shared.add(bytesToHex(r.keyId))
          }
        const ends = new Uint32Array(to - from)
        let total = 0
        for (let i = from; i < to; i++) ends[i - from] = total += (payloads[i] as Uint8Array).length
        const data = new Uint8Array(total)
        for (let i = from, o = 0; i < to; o += (payloads[i] as Uint8Array).length, i++)
          data.set(payloads[i] as Uint8Array, o)
        const id = nextId++
        const m = await request(slot, { t: 'seal', id, shares, recipients, version: prepared.version, data, ends })
        if (m.t !== 'done') throw workerFailed('A seal worker sent an unexpected answer.')
        let start = 0
        for (let i = from; i < to; i++) {
          const k = i - from
          const end = m.ends[k] as number
          const envelope = decodeEnvelopeInternal(m.envelopes.subarray(start, end), false)
          start = end
          const contentId = CID.createV1(
            JSON_CODEC,
            Digest.create(SHA2_256_CODE, m.digests.slice(32 * k, 32 * k + 32)),
          ) as ContentId
          out[i] = Object.freeze({ envelope, commitment: m.commitments.slice(32 * k, 32 * k + 32), contentId })
        }
      }
    }
    const settled = await Promise.allSettled(slots.filter((s) => !s.dead).map(run))
    for (const s of settled) if (s.status === 'rejected') throw s.reason
    if (next < payloads.length || out.some((r) => r === undefined)) throw workerFailed('Every seal worker failed.')
    return out
  }

  return Object.freeze({
    size: size as number,
    sealBatch,
    async close() {
      if (closed) return
      closed = true
      for (const slot of slots) {
        slot.dead ??= workerFailed('The seal pool is closed.')
        for (const p of slot.pending.values()) p.reject(slot.dead)
        slot.pending.clear()
        await slot.worker.terminate()
      }
    },
  })
}

/** A worker's coded failure, rebuilt here (workers only ever send a code). */
function errorFromWorker(code: string): EnvelopeError | InvalidArgumentError {
  const input = ['INVALID_TYPE', 'INVALID_LENGTH', 'INVALID_ARGUMENT', 'INVALID_KEY', 'OUT_OF_RANGE']
  if (input.includes(code)) return new InvalidArgumentError(code as ErrorCode, 'A seal worker rejected its input.')
  return workerFailed('A seal worker failed.', code)
}
