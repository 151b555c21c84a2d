/**
 * The native AES-256-GCM behind `createNativeHpke()` and `createNativeSealBackend()`: a large plaintext is encrypted in
 * parts straight into the result, byte for byte `@noble/ciphers`' AES-256-GCM at every part boundary, and a runtime
 * whose cipher hands back a part of another length is refused (`UNSUPPORTED_SUITE`) without returning its buffer.
 */
import * as nodeCrypto from 'node:crypto'
import { gcm } from '@noble/ciphers/aes.js'
import { describe, expect, it } from 'vitest'
import { bytesToHex } from '../bytes/index.js'
import { isSdkError } from '../errors/base.js'
import { _nativeAesGcm } from './createNativeHpke.js'

const key = Uint8Array.from({ length: 32 }, (_, i) => i + 1)
const nonce = Uint8Array.from({ length: 12 }, (_, i) => 200 - i)
const aad = new TextEncoder().encode('header')
const plaintext = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff)

describe('native AES-256-GCM', () => {
  it('seals in parts exactly what one pass of @noble/ciphers seals, and opens it', () => {
    const native = _nativeAesGcm()
    for (const n of [0, 1, 65_535, 65_536, 65_537, 131_072, 200_003]) {
      const pt = plaintext(n)
      const sealed = native.seal(key, nonce, aad, pt)
      expect(Object.getPrototypeOf(sealed)).toBe(Uint8Array.prototype)
      expect(sealed.length).toBe(n + 16)
      expect(bytesToHex(sealed)).toBe(bytesToHex(gcm(key, nonce, aad).encrypt(pt)))
      expect(bytesToHex(native.open(key, nonce, aad, sealed))).toBe(bytesToHex(pt))
    }
  })

  it('UNSUPPORTED_SUITE when the runtime hands back a part of another length', () => {
    const short = {
      ...nodeCrypto,
      createCipheriv: (...args: Parameters<typeof nodeCrypto.createCipheriv>) => {
        const cipher = nodeCrypto.createCipheriv(...args)
        const update = cipher.update.bind(cipher) as (data: Uint8Array) => Uint8Array
        return Object.assign(cipher, { update: (data: Uint8Array) => update(data).subarray(1) })
      },
    }
    const native = _nativeAesGcm(short as never)
    for (const n of [10, 100_000])
      try {
        native.seal(key, nonce, aad, plaintext(n))
        expect.unreachable()
      } catch (err) {
        expect(isSdkError(err) && err.code).toBe('UNSUPPORTED_SUITE')
      }
  })
})
