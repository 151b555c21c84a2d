import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { bytesToHex } from '../bytes/index.js'
import { EnvelopeError } from '../errors/base.js'
import { chacha20Poly1305, createAesGcm } from './aead.js'

const backends = ['webcrypto', 'noble', 'auto'] as const

describe('AES-GCM backends agree on both sides of the 1 KiB small-message switch', () => {
  test.prop(
    [
      fc.constantFrom(16 as const, 32 as const),
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ minLength: 12, maxLength: 12 }),
      fc.uint8Array({ maxLength: 64 }),
      fc.oneof(fc.uint8Array({ maxLength: 1100 }), fc.uint8Array({ minLength: 1000, maxLength: 5000 })),
    ],
    { numRuns: 40 },
  )('same ciphertext everywhere; each opens the others', async (keyLength, key32, nonce, aad, plaintext) => {
    const key = key32.subarray(0, keyLength)
    const aeads = backends.map((backend) => createAesGcm({ keyLength, backend }))
    const cts = await Promise.all(aeads.map((a) => a.seal(key, nonce, aad, plaintext)))
    expect(new Set(cts.map(bytesToHex)).size).toBe(1)
    for (const a of aeads) expect(bytesToHex(await a.open(key, nonce, aad, cts[0]!))).toBe(bytesToHex(plaintext))
  })

  it('an imported key serves many messages, small and large, and rejects a flipped tag', async () => {
    for (const backend of backends) {
      const aead = createAesGcm({ keyLength: 32, backend })
      const key = await aead.importKey(new Uint8Array(32).fill(3))
      for (const size of [0, 1023, 1024, 4096]) {
        const pt = new Uint8Array(size).fill(5)
        const ct = await key.seal(new Uint8Array(12), new Uint8Array(0), pt)
        expect(ct.length).toBe(size + 16)
        expect(await key.open(new Uint8Array(12), new Uint8Array(0), ct)).toEqual(pt)
        ct[ct.length - 1] = (ct[ct.length - 1] as number) ^ 1
        const err = await key.open(new Uint8Array(12), new Uint8Array(0), ct).catch((e) => e)
        expect(err).toBeInstanceOf(EnvelopeError)
        expect(err.code).toBe('DECRYPT_FAILED')
      }
    }
  })

  it('ChaCha20-Poly1305 (RFC 8439 §2.8.2 test vector)', async () => {
    const hex = (h: string) => Uint8Array.from(h.match(/../g)!, (b) => Number.parseInt(b, 16))
    const key = hex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f')
    const nonce = hex('070000004041424344454647')
    const aad = hex('50515253c0c1c2c3c4c5c6c7')
    const pt = new TextEncoder().encode(
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
    )
    const ct = await chacha20Poly1305.seal(key, nonce, aad, pt)
    expect(bytesToHex(ct.subarray(ct.length - 16))).toBe('1ae10b594f09e26a7e902ecbd0600691')
    expect(await chacha20Poly1305.open(key, nonce, aad, ct)).toEqual(pt)
  })
})
