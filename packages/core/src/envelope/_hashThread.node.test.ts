/**
 * The seal's SHA-256 helper thread (`createNativeSealBackend({ hash: 'helper-thread' })`): every digest is SHA-256 of
 * the bytes given, whichever thread computed it (sizes around both bounds, unaligned sources, many callers at once,
 * a helper killed mid-hash); the helper's copy of a payload is zeros once the digest is handed over; an idle helper
 * does not keep the process alive.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { execPath } from 'node:process'
import { fileURLToPath } from 'node:url'
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { bytesToHex } from '../bytes/index.js'
import { _currentHashThread, _hashOnThread, HASH_THREAD_MAX, HASH_THREAD_MIN } from './_hashThread.js'

const inline = (bytes: Uint8Array) => new Uint8Array(createHash('sha256').update(bytes).digest())
const hex = (d: Uint8Array) => bytesToHex(d)
const payload = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff)
let inlineCalls = 0
const countingInline = (bytes: Uint8Array) => {
  inlineCalls++
  return inline(bytes)
}

describe('_hashOnThread', () => {
  it('hashes on the helper from HASH_THREAD_MIN to HASH_THREAD_MAX bytes and on the calling thread outside', async () => {
    for (const n of [1, HASH_THREAD_MIN - 1]) {
      const bytes = payload(n, 1)
      inlineCalls = 0
      const d = _hashOnThread(bytes, countingInline)
      expect(d).toBeInstanceOf(Uint8Array) // answered at once, here
      expect(inlineCalls).toBe(1)
      expect(hex(await d)).toBe(hex(inline(bytes)))
    }
    for (const n of [HASH_THREAD_MIN, HASH_THREAD_MIN + 13, 3 * 1024 * 1024 + 5]) {
      const bytes = payload(n, n)
      inlineCalls = 0
      const d = _hashOnThread(bytes, countingInline)
      expect(d).toBeInstanceOf(Promise)
      expect(hex(await d)).toBe(hex(inline(bytes)))
      expect(inlineCalls).toBe(0)
      // the helper's copy is zeros once the digest is out
      expect(_currentHashThread()?.data.every((b) => b === 0)).toBe(true)
    }
    const huge = payload(HASH_THREAD_MAX + 1, 7)
    inlineCalls = 0
    expect(hex(await _hashOnThread(huge, countingInline))).toBe(hex(inline(huge)))
    expect(inlineCalls).toBe(1)
  })

  test.prop([fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 4096 }), fc.integer({ min: 0, max: 255 })], {
    numRuns: 12,
  })('any alignment and length of the source gives its SHA-256', async (offset, extra, seed) => {
    const whole = payload(offset + HASH_THREAD_MIN + extra, seed)
    const bytes = whole.subarray(offset)
    expect(hex(await _hashOnThread(bytes, inline))).toBe(hex(inline(bytes)))
  })

  it('many callers at once (the helper busy or not, as the threads run): each gets its own digest', async () => {
    const inputs = Array.from({ length: 6 }, (_, i) => payload(HASH_THREAD_MIN + i * 1000, i))
    const digests = await Promise.all(inputs.map((b) => _hashOnThread(b, inline)))
    expect(digests.map(hex)).toEqual(inputs.map((b) => hex(inline(b))))
    // and the helper is free again for the next one
    inlineCalls = 0
    expect(hex(await _hashOnThread(inputs[0] as Uint8Array, countingInline))).toBe(hex(digests[0] as Uint8Array))
    expect(inlineCalls).toBe(0)
  })

  it('a helper that dies before it answers: the digest is computed here, the copy wiped, and a new helper starts', async () => {
    const bytes = payload(HASH_THREAD_MAX - 64, 3)
    await _hashOnThread(payload(HASH_THREAD_MAX - 64, 4), inline) // a helper large enough
    const before = _currentHashThread()
    expect(before).toBeDefined()
    const pending = _hashOnThread(bytes, inline)
    await before?.worker.terminate()
    expect(hex(await pending)).toBe(hex(inline(bytes)))
    expect(before?.data.every((b) => b === 0)).toBe(true)
    const next = payload(HASH_THREAD_MIN, 9)
    expect(hex(await _hashOnThread(next, inline))).toBe(hex(inline(next)))
    const after = _currentHashThread()
    expect(after).toBeDefined()
    expect(after?.worker).not.toBe(before?.worker)
  })

  it('an idle helper does not keep the process alive', () => {
    // a process that seals with the helper then has nothing left to do exits by itself, with the right digest
    const entry = fileURLToPath(new URL('./_hashThread.ts', import.meta.url))
    const script = `
      import { createHash } from 'node:crypto'
      const { _hashOnThread } = await import(${JSON.stringify(entry)})
      const bytes = new Uint8Array(${HASH_THREAD_MIN}).fill(5)
      const d = await _hashOnThread(bytes, (b) => createHash('sha256').update(b).digest())
      console.log(Buffer.from(d).toString('hex'))`
    const out = execFileSync(execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 30_000,
    })
    expect(out.trim()).toBe(hex(inline(new Uint8Array(HASH_THREAD_MIN).fill(5))))
  })
})
