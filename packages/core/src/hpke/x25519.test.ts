import { fc, test } from '@fast-check/vitest'
import { x25519 as nobleEdX25519 } from '@noble/curves/ed25519.js'
import { describe, expect, it } from 'vitest'
import { bytesToHex, hexToBytes } from '../bytes/index.js'
import { x25519 } from './_x25519.js'
import { createDhkemX25519 } from './kem.js'

// RFC 7748 §5.2 and §6.1
const SCALAR_MULT = [
  {
    k: 'a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4',
    u: 'e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c',
    out: 'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552',
  },
  {
    k: '4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d',
    u: 'e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493',
    out: '95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957',
  },
]
const ALICE = {
  sk: '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a',
  pk: '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
}
const BOB = {
  sk: '5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb',
  pk: 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f',
}
const SHARED = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742'

describe('X25519 over the Montgomery ladder only (no Edwards code in the seal bundle)', () => {
  it('computes the RFC 7748 §5.2 scalar multiplications', () => {
    for (const v of SCALAR_MULT)
      expect(bytesToHex(x25519.getSharedSecret(hexToBytes(v.k), hexToBytes(v.u)))).toBe(v.out)
  })

  it('computes the RFC 7748 §6.1 key pairs and shared secret', () => {
    expect(bytesToHex(x25519.getPublicKey(hexToBytes(ALICE.sk)))).toBe(ALICE.pk)
    expect(bytesToHex(x25519.getPublicKey(hexToBytes(BOB.sk)))).toBe(BOB.pk)
    expect(bytesToHex(x25519.getSharedSecret(hexToBytes(ALICE.sk), hexToBytes(BOB.pk)))).toBe(SHARED)
    expect(bytesToHex(x25519.getSharedSecret(hexToBytes(BOB.sk), hexToBytes(ALICE.pk)))).toBe(SHARED)
  })

  it('computes the RFC 7748 §5.2 iterated scalar multiplication (1 and 100 iterations)', () => {
    let k = hexToBytes('0900000000000000000000000000000000000000000000000000000000000000')
    let u = k
    for (let i = 1; i <= 100; i++) {
      const next = x25519.getSharedSecret(k, u)
      u = k
      k = next
      if (i === 1) expect(bytesToHex(k)).toBe('422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079')
    }
    // the same chain on @noble/curves' own x25519 (the RFC gives 1, 1000 and 1,000,000 iterations only)
    let k2 = hexToBytes('0900000000000000000000000000000000000000000000000000000000000000')
    let u2 = k2
    for (let i = 1; i <= 100; i++) {
      const next = nobleEdX25519.getSharedSecret(k2, u2)
      u2 = k2
      k2 = next
    }
    expect(bytesToHex(k)).toBe(bytesToHex(k2))
  })

  test.prop([fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 })], {
    numRuns: 40,
  })('equals @noble/curves/ed25519.js x25519 on random keys and peer values', (sk, peer) => {
    expect(bytesToHex(x25519.getPublicKey(sk))).toBe(bytesToHex(nobleEdX25519.getPublicKey(sk)))
    const ours = (() => {
      try {
        return bytesToHex(x25519.getSharedSecret(sk, peer))
      } catch {
        return 'rejected'
      }
    })()
    const theirs = (() => {
      try {
        return bytesToHex(nobleEdX25519.getSharedSecret(sk, peer))
      } catch {
        return 'rejected'
      }
    })()
    expect(ours).toBe(theirs)
  })

  it('rejects the small-order u coordinates as @noble/curves does', () => {
    const sk = hexToBytes(ALICE.sk)
    const P = 2n ** 255n - 19n
    const le = (n: bigint) => {
      const b = new Uint8Array(32)
      for (let i = 0; i < 32; i++) b[i] = Number((n >> BigInt(8 * i)) & 0xffn)
      return b
    }
    for (const u of [0n, 1n, P - 1n, P, P + 1n]) {
      expect(() => x25519.getSharedSecret(sk, le(u))).toThrow()
      expect(() => nobleEdX25519.getSharedSecret(sk, le(u))).toThrow()
    }
  })

  it("agrees with WebCrypto X25519 through the KEM's two backends", async () => {
    const noble = createDhkemX25519({ backend: 'noble' })
    const auto = createDhkemX25519()
    for (let i = 0; i < 4; i++) {
      const r = await auto.generateKeyPair()
      expect(bytesToHex(noble.getPublicKey(r.secretKey))).toBe(bytesToHex(r.publicKey))
      const { sharedSecret, enc } = await noble.encap(r.publicKey)
      expect(bytesToHex(await auto.decap(enc, r))).toBe(bytesToHex(sharedSecret))
      const back = await auto.encap(r.publicKey)
      expect(bytesToHex(await noble.decap(back.enc, r))).toBe(bytesToHex(back.sharedSecret))
    }
  })
})
