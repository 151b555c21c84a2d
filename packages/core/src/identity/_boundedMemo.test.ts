import { fc, test } from '@fast-check/vitest'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { getAddress } from 'viem'
import { publicKeyToAddress as viemPublicKeyToAddress } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { bytesToHex, bytesToHex0x } from '../bytes/index.js'
import { isSdkError } from '../errors/base.js'
import { createBoundedMemo } from './_boundedMemo.js'
import { isAddress, publicKeyToAddress, toChecksumAddress } from './address.js'

describe('createBoundedMemo', () => {
  it('computes on a miss, answers a hit without computing', () => {
    const calls: string[] = []
    const memo = createBoundedMemo((k: string) => {
      calls.push(k)
      return k.length
    }, 3)
    expect(memo.get('ab')).toBe(2)
    expect(memo.get('ab')).toBe(2)
    expect(memo.get('abc')).toBe(3)
    expect(calls).toEqual(['ab', 'abc'])
    expect(memo.size).toBe(2)
  })

  it('holds at most maxEntries, dropping the oldest first', () => {
    const calls: string[] = []
    const memo = createBoundedMemo((k: string) => {
      calls.push(k)
      return `v${k}`
    }, 2)
    for (const k of ['a', 'b', 'c']) memo.get(k)
    expect(memo.size).toBe(2)
    expect(memo.get('b')).toBe('vb') // still held
    expect(memo.get('c')).toBe('vc')
    expect(calls).toEqual(['a', 'b', 'c'])
    expect(memo.get('a')).toBe('va') // dropped: computed again
    expect(calls).toEqual(['a', 'b', 'c', 'a'])
    expect(memo.size).toBe(2)
  })

  it('remembers nothing when compute throws', () => {
    let n = 0
    const memo = createBoundedMemo((k: string) => {
      n++
      if (k === 'bad') throw new Error('bad')
      return k
    }, 4)
    expect(() => memo.get('bad')).toThrow('bad')
    expect(() => memo.get('bad')).toThrow('bad')
    expect(n).toBe(2)
    expect(memo.size).toBe(0)
  })

  it('refuses a size that is not a positive integer', () => {
    for (const m of [0, -1, 1.5, Number.NaN]) {
      try {
        createBoundedMemo((k) => k, m)
        expect.unreachable()
      } catch (err) {
        expect(isSdkError(err, 'OUT_OF_RANGE')).toBe(true)
      }
    }
  })

  test.prop([fc.array(fc.string({ maxLength: 3 }), { maxLength: 300 }), fc.integer({ min: 1, max: 8 })])(
    'always answers what compute answers, within its bound',
    (keys, max) => {
      const memo = createBoundedMemo((k: string) => `${k}:${k.length}`, max)
      for (const k of keys) {
        expect(memo.get(k)).toBe(`${k}:${k.length}`)
        expect(memo.size).toBeLessThanOrEqual(max)
      }
    },
  )
})

describe('the address memos (checksums, addresses of public keys)', () => {
  it('give viem’s answers for more addresses than they hold, in any order, again and again', () => {
    // 4,200 distinct addresses (over the 4,096 the memo holds: the first ones are dropped), then old and new again
    const addresses = Array.from({ length: 4200 }, () =>
      bytesToHex0x(secp256k1.utils.randomSecretKey().subarray(0, 20)),
    )
    const expected = new Map(addresses.map((a) => [a, getAddress(a)]))
    for (const a of [...addresses, ...addresses.slice(0, 200), ...addresses.slice(4100)]) {
      expect(toChecksumAddress(a)).toBe(expected.get(a))
      expect(isAddress(expected.get(a))).toBe(true)
    }
  })

  test.prop([fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.integer({ min: 0, max: 39 })])(
    'a mixed-case address with one letter’s case flipped is refused, remembered or not',
    (bytes, at) => {
      const good = getAddress(bytesToHex0x(bytes))
      for (let round = 0; round < 2; round++) {
        expect(isAddress(good)).toBe(true)
        const c = good[2 + at] as string
        if (c.toLowerCase() === c.toUpperCase()) continue
        const flipped = `${good.slice(0, 2 + at)}${c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()}${good.slice(3 + at)}`
        const body = flipped.slice(2)
        // all-lower or all-upper is accepted as it is; any other case pattern must be the checksum
        if (body !== body.toLowerCase() && body !== body.toUpperCase()) expect(isAddress(flipped)).toBe(false)
      }
    },
  )

  test.prop([fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((b) => secp256k1.utils.isValidSecretKey(b))], {
    numRuns: 30,
  })('publicKeyToAddress of compressed and uncompressed keys ≡ viem, first time and remembered', (sk) => {
    const uncompressed = secp256k1.getPublicKey(sk, false)
    const expected = viemPublicKeyToAddress(bytesToHex0x(uncompressed))
    for (let round = 0; round < 2; round++) {
      expect(publicKeyToAddress(uncompressed)).toBe(expected)
      expect(publicKeyToAddress(secp256k1.getPublicKey(sk, true))).toBe(expected)
    }
  })

  it('a point off the curve is INVALID_KEY every time (never remembered)', () => {
    const key = secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), false)
    const off = key.slice()
    off[64] = (off[64] as number) ^ 1
    for (let round = 0; round < 3; round++) {
      try {
        publicKeyToAddress(off)
        expect.unreachable()
      } catch (err) {
        expect(isSdkError(err, 'INVALID_KEY')).toBe(true)
      }
    }
    expect(bytesToHex(off)).not.toBe(bytesToHex(key))
  })
})
