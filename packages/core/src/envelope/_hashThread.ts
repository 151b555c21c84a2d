/**
 * SHA-256 of large payloads on one helper thread (Node's `worker_threads`), so that a seal's two passes run on two
 * cores: the calling thread encrypts while the helper hashes. Reached through `process.getBuiltinModule` (no import
 * of a Node module: the file bundles for browsers, where it is never started).
 *
 * One helper per JavaScript thread, started at the first payload that goes to it, shared by every backend, with one
 * payload at a time: a payload is copied into a `SharedArrayBuffer`, the helper is woken with `Atomics.notify`,
 * hashes it, writes the digest beside it, overwrites its copy of the payload with zeros, then wakes the caller. A
 * payload that arrives while the helper is busy, is smaller than {@link HASH_THREAD_MIN} or larger than
 * {@link HASH_THREAD_MAX}, or finds no helper (none can start, or it died) is hashed on the calling thread: the
 * digest is always SHA-256 of the bytes given, wherever it was computed.
 * @module
 */

/** Payloads below this size are hashed on the calling thread: the copy and the hand-off would cost what they save. */
export const HASH_THREAD_MIN = 256 * 1024
/** Payloads above this size are hashed on the calling thread (the shared buffer never grows beyond it). */
export const HASH_THREAD_MAX = 16 * 1024 * 1024

/** The parts of `node:worker_threads` used here (core's build has no Node types). */
type NodeWorker = {
  on(event: 'exit' | 'error', f: (arg: unknown) => void): void
  ref(): void
  unref(): void
  terminate(): Promise<number>
}
type WorkerThreads = {
  Worker: new (code: string, options: { eval: true; workerData: unknown }) => NodeWorker
}

/** Control words (`Int32Array` over the first bytes of the shared buffer). */
const STATE = 0 // 0 (as created) → REQUEST (the caller) → DONE (the helper: digest out, copy wiped) → REQUEST …; STOP
const LENGTH = 1 // bytes of the payload
const OFFSET = 2 // where the payload's copy starts in the data region (0..7: the source's alignment, see below)
const REQUEST = 1
const DONE = 2
const STOP = 3
const DIGEST_AT = 16
const DATA_AT = 64

// The helper: wait for a request, hash, wipe the payload's copy (from a buffer of zeros: a `fill` of shared memory
// costs several times a copy), hand the digest over. The wipe comes first so that a helper that answered is free.
// The calling thread encrypts meanwhile, which takes longer than the hash and the wipe.
const HELPER = `'use strict'
const { workerData } = require('node:worker_threads')
const { createHash } = require('node:crypto')
const ctl = new Int32Array(workerData, 0, 4)
const digest = new Uint8Array(workerData, ${DIGEST_AT}, 32)
const data = new Uint8Array(workerData, ${DATA_AT})
let zeros = new Uint8Array(0)
for (;;) {
  let s
  while ((s = Atomics.load(ctl, ${STATE})) !== ${REQUEST} && s !== ${STOP}) Atomics.wait(ctl, ${STATE}, s)
  if (s === ${STOP}) break
  const n = ctl[${LENGTH}]
  const copy = data.subarray(ctl[${OFFSET}], ctl[${OFFSET}] + n)
  digest.set(createHash('sha256').update(copy).digest())
  if (zeros.length < n) zeros = new Uint8Array(n)
  copy.set(zeros.subarray(0, n))
  Atomics.store(ctl, ${STATE}, ${DONE})
  Atomics.notify(ctl, ${STATE})
}
`

type Helper = {
  readonly worker: NodeWorker
  readonly ctl: Int32Array
  readonly digest: Uint8Array
  readonly data: Uint8Array
  dead: boolean
  /** Set while a caller waits for its digest: called if the helper exits first. */
  onExit: (() => void) | undefined
}

let helper: Helper | undefined
/** Set once starting a helper failed: the calling thread hashes from then on. */
let unavailable = false

function workerThreads(): WorkerThreads | undefined {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process
    const wt = proc?.getBuiltinModule?.('node:worker_threads') as WorkerThreads | undefined
    return typeof wt?.Worker === 'function' ? wt : undefined
  } catch {
    return undefined
  }
}

function start(capacity: number): Helper | undefined {
  const wt = workerThreads()
  if (!wt || typeof SharedArrayBuffer !== 'function' || typeof Atomics.waitAsync !== 'function') return undefined
  const shared = new SharedArrayBuffer(DATA_AT + capacity + 8)
  let worker: NodeWorker
  try {
    worker = new wt.Worker(HELPER, { eval: true, workerData: shared })
  } catch {
    return undefined
  }
  worker.unref()
  const h: Helper = {
    worker,
    ctl: new Int32Array(shared, 0, 4),
    digest: new Uint8Array(shared, DIGEST_AT, 32),
    data: new Uint8Array(shared, DATA_AT, capacity + 8),
    dead: false,
    onExit: undefined,
  }
  const died = () => {
    h.dead = true
    if (helper === h) helper = undefined
    h.onExit?.()
  }
  worker.on('exit', died)
  worker.on('error', died)
  return h
}

/** A helper free to take a payload of `n` bytes, started or replaced by a larger one when needed. */
function helperFor(n: number): Helper | undefined {
  if (unavailable) return undefined
  const h = helper
  if (h && !h.dead && h.data.length >= n + 8) return h.onExit ? undefined : h
  // none yet, or too small: stop an idle one and start one of the next power of two (at least 1 MiB)
  if (h && !h.dead) {
    if (h.onExit) return undefined
    Atomics.store(h.ctl, STATE, STOP)
    Atomics.notify(h.ctl, STATE)
    helper = undefined
  }
  let capacity = 1024 * 1024
  while (capacity < n) capacity *= 2
  helper = start(Math.min(capacity, HASH_THREAD_MAX))
  if (!helper) unavailable = true
  return helper
}

/**
 * SHA-256 of `bytes`: on the helper thread when the size fits and it is free (the bytes are copied before this
 * returns, so the caller may go on to other work on them), else with `inline` on the calling thread.
 * @internal
 */
export function _hashOnThread(
  bytes: Uint8Array,
  inline: (bytes: Uint8Array) => Uint8Array,
): Uint8Array | Promise<Uint8Array> {
  const n = bytes.length
  const h = n >= HASH_THREAD_MIN && n <= HASH_THREAD_MAX ? helperFor(n) : undefined
  if (!h) return inline(bytes)
  // the copy keeps the source's alignment to 8 bytes: shared memory is copied a word at a time only when both sides
  // are aligned alike (else byte by byte, several times slower)
  const at = bytes.byteOffset % 8
  h.data.set(bytes, at)
  Atomics.store(h.ctl, LENGTH, n)
  Atomics.store(h.ctl, OFFSET, at)
  Atomics.store(h.ctl, STATE, REQUEST)
  Atomics.notify(h.ctl, STATE)
  // keep the process alive while a caller waits for the helper
  h.worker.ref()
  return new Promise<Uint8Array>((resolve, reject) => {
    const finish = (answered: boolean) => {
      if (!h.onExit) return
      h.onExit = undefined
      h.worker.unref()
      if (answered && Atomics.load(h.ctl, STATE) === DONE) return resolve(h.digest.slice())
      // the helper died before it answered: wipe the copy it may have left, and hash here
      h.data.fill(0, at, at + n)
      try {
        resolve(inline(bytes))
      } catch (err) {
        reject(err)
      }
    }
    h.onExit = () => finish(false)
    const wait = Atomics.waitAsync(h.ctl, STATE, REQUEST)
    if (wait.async) wait.value.then(() => finish(true))
    else finish(true)
  })
}

/** The running helper's thread and its copy region, for tests (wipe and death checks). @internal */
export function _currentHashThread(): { readonly worker: NodeWorker; readonly data: Uint8Array } | undefined {
  const h = helper
  return h && !h.dead ? { worker: h.worker, data: h.data } : undefined
}
