/**
 * SHA-256 of large payloads on one helper thread (Node's `worker_threads`), so that a seal on
 * `createNativeSealBackend()` hashes on one core while it encrypts on the other. The payload is copied into one
 * reused `SharedArrayBuffer` (warm memory: a plain copy, where WebCrypto's `digest` copies into fresh memory on the
 * calling thread each time and pays its page faults) and wiped by the helper as soon as it is hashed. Reached through
 * `process.getBuiltinModule`, so nothing here is imported in a browser. @internal
 * @module
 */

/** The parts of `node:worker_threads` used here (core's build has no Node types). */
type HelperWorker = {
  postMessage(message: { sab: SharedArrayBuffer; length: number }): void
  on(event: 'message', listener: (message: { digest?: Uint8Array }) => void): unknown
  on(event: 'online' | 'exit', listener: () => void): unknown
  on(event: 'error', listener: (err: unknown) => void): unknown
  ref(): void
  unref(): void
}
export type WorkerThreads = { Worker: new (source: string, options: { eval: true }) => HelperWorker }

/** The helper thread's code (CommonJS, run with `eval: true`). @internal */
// The helper hashes the first `length` bytes of the shared buffer, wipes them, and answers with the digest (or with
// nothing when hashing failed). One message at a time: the calling side never sends a second before the answer.
export const HELPER_SOURCE = `'use strict'
const { parentPort } = require('node:worker_threads')
const { createHash } = require('node:crypto')
const zeros = new Uint8Array(65536)
// fill(0) on shared memory stores byte by byte (~8x slower than a copy here): copy zeros instead
function wipe(data) {
  for (let at = 0; at < data.length; at += zeros.length) data.set(zeros.subarray(0, data.length - at), at)
}
parentPort.on('message', ({ sab, length }) => {
  const data = new Uint8Array(sab, 0, length)
  let digest
  try {
    digest = new Uint8Array(createHash('sha256').update(data).digest())
  } catch {}
  wipe(data)
  parentPort.postMessage({ digest })
})
`

function loadThreads(): WorkerThreads | undefined {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process
    return proc?.getBuiltinModule?.('node:worker_threads') as WorkerThreads | undefined
  } catch {
    return undefined
  }
}

/** A helper thread that hashes one payload at a time. @internal */
export type HashThread = {
  /**
   * SHA-256 of `bytes` on the helper thread, or `undefined` when it cannot take them now (not started yet, busy with
   * another payload, stopped, or `bytes` larger than its buffer may grow): the caller then hashes another way. The
   * promise rejects only if the helper stops or fails while hashing.
   */
  sha256(bytes: Uint8Array): Promise<Uint8Array> | undefined
}

/**
 * Starts a helper thread for SHA-256 (lazily: on the first call, which is answered `undefined` while the thread boots).
 * Returns `undefined` where `node:worker_threads` or `SharedArrayBuffer` is missing.
 *
 * @param maxBytes - the largest payload it takes (its shared buffer grows to at most this)
 * @param threads - `node:worker_threads` (tests pass a `Worker` whose thread fails)
 */
export function createHashThread(
  maxBytes: number,
  threads: WorkerThreads | undefined = loadThreads(),
): HashThread | undefined {
  if (typeof threads?.Worker !== 'function' || typeof SharedArrayBuffer !== 'function') return undefined
  const { Worker } = threads
  let helper: HelperWorker | undefined
  let state: 'off' | 'booting' | 'idle' | 'busy' | 'stopped' = 'off'
  let shared: SharedArrayBuffer | undefined
  let pending: { resolve(d: Uint8Array): void; reject(err: unknown): void; length: number } | undefined

  const stop = (err: unknown) => {
    state = 'stopped'
    // the helper may have stopped before wiping the payload
    if (shared && pending) new Uint8Array(shared, 0, pending.length).set(new Uint8Array(pending.length))
    pending?.reject(err)
    pending = undefined
  }

  const start = () => {
    state = 'booting'
    try {
      const w = new Worker(HELPER_SOURCE, { eval: true })
      w.unref()
      w.on('online', () => {
        if (state === 'booting') state = 'idle'
      })
      w.on('message', ({ digest }) => {
        w.unref()
        // an answer without a digest: the helper is not used again (what it was given is wiped)
        if (!(digest instanceof Uint8Array && digest.length === 32)) return stop(new Error('the hash thread failed'))
        const p = pending
        pending = undefined
        if (state === 'busy') state = 'idle'
        p?.resolve(digest)
      })
      w.on('error', (err) => stop(err))
      w.on('exit', () => stop(new Error('the hash thread stopped')))
      helper = w
    } catch {
      state = 'stopped'
    }
  }

  return Object.freeze({
    sha256(bytes: Uint8Array): Promise<Uint8Array> | undefined {
      if (state === 'off') start()
      if (state !== 'idle' || !helper || bytes.length > maxBytes) return undefined
      if (!shared || shared.byteLength < bytes.length) {
        // grow in powers of two, so that a stream of similar payloads allocates once
        let size = 64 * 1024
        while (size < bytes.length) size *= 2
        shared = new SharedArrayBuffer(Math.min(size, maxBytes))
      }
      new Uint8Array(shared, 0, bytes.length).set(bytes)
      state = 'busy'
      const w = helper
      const promise = new Promise<Uint8Array>((resolve, reject) => {
        pending = { resolve, reject, length: bytes.length }
      })
      // referenced while it works, so that the process waits for the answer
      w.ref()
      w.postMessage({ sab: shared, length: bytes.length })
      return promise
    },
  })
}
