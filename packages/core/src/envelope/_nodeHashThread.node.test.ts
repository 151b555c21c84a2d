/**
 * The hash thread behind `createNativeSealBackend()`: right digests, one payload at a time (a second caller is told
 * to hash another way), the shared copy wiped once hashed, and a thread that fails rejects its payload and takes no
 * more.
 */
import { createHash } from 'node:crypto'
import { Worker } from 'node:worker_threads'
import { describe, expect, it, vi } from 'vitest'
import { bytesToHex } from '../bytes/index.js'
import { createHashThread, type HashThread, HELPER_SOURCE, type WorkerThreads } from './_nodeHashThread.js'

const sha256Hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')
const payload = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff)

/** Calls `sha256` until the thread has booted and takes the payload; the digest's promise, wrapped (not awaited). */
async function once(thread: HashThread, bytes: Uint8Array): Promise<{ digest: Promise<Uint8Array> }> {
  let p: Promise<Uint8Array> | undefined
  await vi.waitFor(
    () => {
      p = thread.sha256(bytes)
      expect(p).toBeDefined()
    },
    { timeout: 20_000, interval: 20 },
  )
  return { digest: p as Promise<Uint8Array> }
}

describe('createHashThread', () => {
  it('hashes payloads of every size up to its bound, one at a time, and refuses what it cannot take', async () => {
    const thread = createHashThread(1 << 20) as HashThread
    expect(thread).toBeDefined()
    for (const n of [1, 65_536, 300_001, 1 << 20]) {
      const bytes = payload(n, n)
      const { digest } = await once(thread, bytes)
      expect(bytesToHex(await digest)).toBe(sha256Hex(bytes))
    }
    // above its bound: not taken
    expect(thread.sha256(new Uint8Array((1 << 20) + 1))).toBeUndefined()
    // while it hashes one payload, a second is not taken; once answered, it is
    const a = payload(500_000, 1)
    const b = payload(500_000, 2)
    const pa = await once(thread, a)
    expect(thread.sha256(b)).toBeUndefined()
    expect(bytesToHex(await pa.digest)).toBe(sha256Hex(a))
    expect(bytesToHex(await (thread.sha256(b) as Promise<Uint8Array>))).toBe(sha256Hex(b))
  })

  it('the helper wipes its copy of the payload once hashed', async () => {
    const sab = new SharedArrayBuffer(4096)
    const view = new Uint8Array(sab)
    view.set(payload(4096, 7))
    const w = new Worker(HELPER_SOURCE, { eval: true })
    try {
      const answer = new Promise<{ digest?: Uint8Array }>((resolve) => w.once('message', resolve))
      w.postMessage({ sab, length: 3000 })
      const { digest } = await answer
      expect(bytesToHex(digest as Uint8Array)).toBe(sha256Hex(payload(4096, 7).subarray(0, 3000)))
      expect(view.subarray(0, 3000).every((b) => b === 0)).toBe(true)
      // bytes past the payload are not its business
      expect(bytesToHex(view.subarray(3000))).toBe(bytesToHex(payload(4096, 7).subarray(3000)))
    } finally {
      await w.terminate()
    }
  })

  it('a thread that stops while hashing rejects that payload, wipes the copy, and takes no more', async () => {
    let shared: SharedArrayBuffer | undefined
    // a real thread that stops as soon as it is given work, after the calling side copied the payload
    class Stopping extends Worker {
      constructor(_source: string, options: { eval: true }) {
        super(
          `require('node:worker_threads').parentPort.on('message', ({ sab }) => {
            require('node:worker_threads').parentPort.postMessage({ sab }); process.exit(3) })`,
          options,
        )
        this.on('message', (m: { sab?: SharedArrayBuffer }) => {
          shared = m.sab
        })
      }
    }
    const thread = createHashThread(1 << 20, { Worker: Stopping } as unknown as WorkerThreads) as HashThread
    const bytes = payload(200_000, 9)
    const { digest } = await once(thread, bytes)
    expect(
      await digest.then(
        () => 'answered',
        () => 'rejected',
      ),
    ).toBe('rejected')
    expect(shared).toBeDefined()
    expect(new Uint8Array(shared as SharedArrayBuffer, 0, bytes.length).every((b) => b === 0)).toBe(true)
    expect(thread.sha256(bytes)).toBeUndefined()
  })

  it('is undefined without worker_threads', () => {
    expect(createHashThread(1024, { Worker: undefined } as unknown as WorkerThreads)).toBeUndefined()
    expect(createHashThread(1024, {} as WorkerThreads)).toBeUndefined()
  })
})
