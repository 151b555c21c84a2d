import { fc, test as fcTest } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { isSdkError } from '../errors/base.js'
import { badBytesInputs } from '../testing/badInputs.js'
import {
  assertBytes,
  base64urlToBytes,
  bytesToBase64url,
  bytesToHex,
  bytesToUtf8,
  equalBytes,
  hexToBytes,
  isBytes,
  utf8ToBytes,
} from './index.js'

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn()
  } catch (e) {
    return isSdkError(e) ? e.code : `raw ${(e as Error)?.name}`
  }
  return undefined
}

describe('assertBytes', () => {
  it.each(badBytesInputs)('rejects $label with INVALID_TYPE', ({ make }) => {
    expect(isBytes(make())).toBe(false)
    expect(codeOf(() => assertBytes(make(), { length: 32 }))).toBe('INVALID_TYPE')
  })
  it('rejects an object made from Uint8Array.prototype without a buffer (passes instanceof, is no view)', () => {
    const fake: unknown = Object.create(Uint8Array.prototype)
    expect(isBytes(fake)).toBe(false)
    expect(codeOf(() => assertBytes(fake, { length: 32 }))).toBe('INVALID_TYPE')
  })
  it('checks exact and maximum lengths', () => {
    expect(assertBytes(new Uint8Array(32), { length: 32 })).toHaveLength(32)
    expect(codeOf(() => assertBytes(new Uint8Array(31), { length: 32, name: 'root' }))).toBe('INVALID_LENGTH')
    expect(codeOf(() => assertBytes(new Uint8Array(5), { maxLength: 4 }))).toBe('INVALID_LENGTH')
  })
  it('names the argument but never prints its content', () => {
    try {
      assertBytes(new Uint8Array([0xde, 0xad]), { length: 32, name: 'secretKey' })
    } catch (e) {
      expect((e as Error).message).toContain('secretKey')
      expect((e as Error).message).not.toMatch(/dead|222|173/)
    }
  })
})

describe('hex', () => {
  it('round-trips and accepts a 0x prefix', () => {
    expect(bytesToHex(hexToBytes('0x01ff'))).toBe('01ff')
  })
  it.each(['0', 'zz', '0x0g', 'abc'])('rejects %s with INVALID_ENCODING', (h) => {
    expect(codeOf(() => hexToBytes(h))).toBe('INVALID_ENCODING')
  })
  it('rejects a non-string with INVALID_TYPE', () => {
    expect(codeOf(() => hexToBytes(1 as unknown as string))).toBe('INVALID_TYPE')
  })
})

describe('utf8', () => {
  it('rejects lone surrogates and invalid UTF-8', () => {
    expect(codeOf(() => utf8ToBytes('a\uD800b'))).toBe('INVALID_ENCODING')
    expect(codeOf(() => bytesToUtf8(new Uint8Array([0xc3, 0x28])))).toBe('INVALID_ENCODING')
  })
  fcTest.prop([fc.string({ unit: 'grapheme' })])('round-trips well-formed text', (s) => {
    expect(bytesToUtf8(utf8ToBytes(s))).toBe(s)
  })
})

describe('base64url', () => {
  it('matches RFC 4648 test vectors (unpadded, url alphabet)', () => {
    const cases: [string, string][] = [
      ['', ''],
      ['f', 'Zg'],
      ['fo', 'Zm8'],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg'],
      ['fooba', 'Zm9vYmE'],
      ['foobar', 'Zm9vYmFy'],
    ]
    for (const [plain, enc] of cases) {
      expect(bytesToBase64url(utf8ToBytes(plain))).toBe(enc)
      expect(bytesToUtf8(base64urlToBytes(enc))).toBe(plain)
    }
    expect(bytesToBase64url(new Uint8Array([0xfb, 0xff]))).toBe('-_8')
  })
  fcTest.prop([fc.uint8Array({ maxLength: 200 })])('round-trips any bytes', (b) => {
    expect(base64urlToBytes(bytesToBase64url(b))).toEqual(b)
  })
  it.each(['Zg==', 'Z', 'Zh', 'a+b/', 'Zm9v\n'])('rejects non-canonical %j', (t) => {
    expect(codeOf(() => base64urlToBytes(t))).toBe('INVALID_ENCODING')
  })
})

describe('equalBytes', () => {
  it('compares length and content', () => {
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true)
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false)
    expect(equalBytes(new Uint8Array([1]), new Uint8Array([1, 0]))).toBe(false)
  })
})
