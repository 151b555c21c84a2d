import { fc, test } from '@fast-check/vitest'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { bytesToHex, utf8ToBytes } from '../bytes/index.js'
import { createAesGcm } from './aead.js'
import { createHpkeSuite } from './createHpkeSuite.js'
import { hkdfSha256 } from './kdf.js'
import { createDhkemX25519, dhkemX25519HkdfSha256, holdRecipientKey } from './kem.js'
import type { HpkeKem } from './types.js'

const info = utf8ToBytes('medseal held key')
const kems: { name: string; kem: HpkeKem }[] = [
  { name: 'auto (WebCrypto where present)', kem: dhkemX25519HkdfSha256 },
  { name: 'noble', kem: createDhkemX25519({ backend: 'noble' }) },
]

afterEach(() => {
  vi.restoreAllMocks()
})

describe.each(kems)('holdRecipientKey, $name KEM', ({ kem }) => {
  const suite = createHpkeSuite({ kem, kdf: hkdfSha256, aead: createAesGcm({ keyLength: 32, backend: 'noble' }) })

  test.prop([fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 64 })], { numRuns: 8 })(
    'decaps exactly as the raw key pair does (base and auth modes), and opens what was sealed to it',
    async (ikm, plaintext) => {
      const r = kem.deriveKeyPair(ikm)
      const held = holdRecipientKey(kem, r.secretKey, r.publicKey)
      const s = await kem.generateKeyPair()
      for (const senderKey of [undefined, s]) {
        const { enc } = await kem.encap(r.publicKey, { senderKey })
        const options = { senderPublicKey: senderKey?.publicKey }
        expect(bytesToHex(await kem.decap(enc, held, options))).toBe(bytesToHex(await kem.decap(enc, r, options)))
      }
      const sealed = await suite.seal({ recipientPublicKey: r.publicKey, info, plaintext })
      const opened = await suite.open({ ...sealed, recipientKey: held, info })
      expect(bytesToHex(opened)).toBe(bytesToHex(plaintext))
    },
  )

  it('still refuses a wrap to another recipient', async () => {
    const r = await kem.generateKeyPair()
    const other = await kem.generateKeyPair()
    const held = holdRecipientKey(kem, r.secretKey, r.publicKey)
    const sealed = await suite.seal({ recipientPublicKey: other.publicKey, info, plaintext: new Uint8Array(32) })
    await expect(suite.open({ ...sealed, recipientKey: held, info })).rejects.toMatchObject({
      code: 'DECRYPT_FAILED',
    })
    // and a small-order peer key is refused as before
    await expect(kem.decap(new Uint8Array(32), held)).rejects.toMatchObject({ code: 'INVALID_KEY' })
  })

  it('reads as copies taken at creation: changing the given or returned bytes changes nothing', async () => {
    const r = await kem.generateKeyPair()
    const sk = Uint8Array.from(r.secretKey)
    const held = holdRecipientKey(kem, sk, r.publicKey)
    sk.fill(1)
    held.secretKey.fill(2)
    held.publicKey?.fill(3)
    expect(bytesToHex(held.secretKey)).toBe(bytesToHex(r.secretKey))
    expect(bytesToHex(held.publicKey as Uint8Array)).toBe(bytesToHex(r.publicKey))
    expect(Object.isFrozen(held)).toBe(true)
    const { enc, sharedSecret } = await kem.encap(r.publicKey)
    expect(bytesToHex(await kem.decap(enc, held))).toBe(bytesToHex(sharedSecret))
  })

  it('checks its arguments', () => {
    expect(() => holdRecipientKey(kem, new Uint8Array(31), new Uint8Array(32))).toThrow(
      expect.objectContaining({ code: 'INVALID_LENGTH' }),
    )
    expect(() => holdRecipientKey(kem, new Uint8Array(32), 'x' as unknown as Uint8Array)).toThrow(
      expect.objectContaining({ code: 'INVALID_TYPE' }),
    )
  })
})

describe('holdRecipientKey over WebCrypto', () => {
  const kem = createDhkemX25519({ backend: 'webcrypto' })

  it('imports the secret key once for any number of decaps (a raw key pair imports it every time)', async () => {
    const r = await kem.generateKeyPair()
    const held = holdRecipientKey(kem, r.secretKey, r.publicKey)
    const encs = await Promise.all(Array.from({ length: 4 }, () => kem.encap(r.publicKey)))
    await kem.decap(encs[0]?.enc as Uint8Array, r) // the KEM's own probe runs before counting
    const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey')
    const privateImports = () => importKey.mock.calls.filter((call) => (call[0] as string) === 'jwk').length
    for (const { enc, sharedSecret } of encs)
      expect(bytesToHex(await kem.decap(enc, held))).toBe(bytesToHex(sharedSecret))
    expect(privateImports()).toBe(1)
    for (const { enc } of encs) await kem.decap(enc, r)
    expect(privateImports()).toBe(1 + encs.length)
  })

  it('a key pair that does not match fails every time with INVALID_KEY (the failure is not remembered)', async () => {
    const r = await kem.generateKeyPair()
    const other = await kem.generateKeyPair()
    const held = holdRecipientKey(kem, r.secretKey, other.publicKey)
    const { enc } = await kem.encap(r.publicKey)
    const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey')
    for (let i = 0; i < 2; i++) await expect(kem.decap(enc, held)).rejects.toMatchObject({ code: 'INVALID_KEY' })
    expect(importKey.mock.calls.filter((call) => (call[0] as string) === 'jwk').length).toBe(2)
  })

  it('a key held for another KEM object is imported the ordinary way, with the same result', async () => {
    const noble = createDhkemX25519({ backend: 'noble' })
    const r = await kem.generateKeyPair()
    const held = holdRecipientKey(noble, r.secretKey, r.publicKey)
    const { enc, sharedSecret } = await kem.encap(r.publicKey)
    const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey')
    expect(bytesToHex(await kem.decap(enc, held))).toBe(bytesToHex(sharedSecret))
    expect(importKey.mock.calls.filter((call) => (call[0] as string) === 'jwk').length).toBe(1)
  })
})
