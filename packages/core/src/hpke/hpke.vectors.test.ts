import cases from '@vectors/hpke/rfc9180-test-vectors.json'
import { describe, expect, it } from 'vitest'
import { bytesToHex, hexToBytes } from '../bytes/index.js'
import { keySchedule } from './_context.js'
import { aes128Gcm, aes256Gcm, chacha20Poly1305, createAesGcm } from './aead.js'
import { createHpkeSuite } from './createHpkeSuite.js'
import { hkdfSha256 } from './kdf.js'
import { createDhkemX25519, dhkemP256HkdfSha256 } from './kem.js'
import type { HpkeAead, HpkeKem } from './types.js'

type Vector = {
  mode: number
  kem_id: number
  kdf_id: number
  aead_id: number
  info: string
  ikmR: string
  ikmE: string
  ikmS?: string
  skRm: string
  skEm: string
  skSm?: string
  pkRm: string
  pkEm: string
  pkSm?: string
  psk?: string
  psk_id?: string
  enc: string
  shared_secret: string
  key_schedule_context: string
  secret: string
  key: string
  base_nonce: string
  exporter_secret: string
  encryptions: { aad: string; ct: string; nonce: string; pt: string }[]
  exports: { exporter_context: string; L: number; exported_value: string }[]
}

const h = hexToBytes
const x = bytesToHex
const MODES = ['base', 'psk', 'auth', 'auth_psk']

const backends: { name: string; kems: Record<number, HpkeKem>; aeads: Record<number, HpkeAead> }[] = [
  {
    // fails (INVALID_ARGUMENT) where WebCrypto X25519 is missing: Node 20 and current Chromium have it
    name: 'WebCrypto (forced)',
    kems: { 32: createDhkemX25519({ backend: 'webcrypto' }), 16: dhkemP256HkdfSha256 },
    aeads: {
      1: createAesGcm({ keyLength: 16, backend: 'webcrypto' }),
      2: createAesGcm({ keyLength: 32, backend: 'webcrypto' }),
      3: chacha20Poly1305,
    },
  },
  {
    name: 'auto (WebCrypto where present)',
    kems: { 32: createDhkemX25519(), 16: dhkemP256HkdfSha256 },
    aeads: { 1: aes128Gcm, 2: aes256Gcm, 3: chacha20Poly1305 },
  },
  {
    name: 'noble',
    kems: { 32: createDhkemX25519({ backend: 'noble' }), 16: dhkemP256HkdfSha256 },
    aeads: {
      1: createAesGcm({ keyLength: 16, backend: 'noble' }),
      2: createAesGcm({ keyLength: 32, backend: 'noble' }),
      3: chacha20Poly1305,
    },
  },
]

/** A randomBytes that returns `ikm` once (so encap derives the vector's ephemeral key). */
const fixedRandom = (ikm: Uint8Array) => {
  let used = false
  return (n: number) => {
    if (used || n !== ikm.length) throw new Error('unexpected randomBytes call')
    used = true
    return Uint8Array.from(ikm)
  }
}

describe.each(backends)('RFC 9180 test vectors, $name backend', ({ kems, aeads }) => {
  const vectors = cases as Vector[]
  it('covers every KEM, AEAD and mode in the file', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(17)
    expect(new Set(vectors.map((v) => v.mode))).toEqual(new Set([0, 1, 2, 3]))
  })
  it.each(vectors.map((v) => ({ ...v, label: `${MODES[v.mode]} kem=0x${v.kem_id.toString(16)} aead=${v.aead_id}` })))(
    '$label',
    async (v) => {
      expect(v.kdf_id).toBe(1)
      const kem = kems[v.kem_id]!
      const aead = aeads[v.aead_id]!
      const suite = createHpkeSuite({ kem, kdf: hkdfSha256, aead })
      // DeriveKeyPair (§7.1.3)
      const kpR = kem.deriveKeyPair(h(v.ikmR))
      expect(x(kpR.secretKey)).toBe(v.skRm)
      expect(x(kpR.publicKey)).toBe(v.pkRm)
      const kpE = kem.deriveKeyPair(h(v.ikmE))
      expect(x(kpE.secretKey)).toBe(v.skEm)
      expect(x(kpE.publicKey)).toBe(v.pkEm)
      const kpS = v.ikmS ? kem.deriveKeyPair(h(v.ikmS)) : undefined
      if (kpS) {
        expect(x(kpS.secretKey)).toBe(v.skSm)
        expect(x(kpS.publicKey)).toBe(v.pkSm)
      }
      // Encap / AuthEncap with the vector's ephemeral key
      const { sharedSecret, enc } = await kem.encap(kpR.publicKey, {
        senderKey: kpS,
        randomBytes: fixedRandom(h(v.ikmE)),
      })
      expect(x(enc)).toBe(v.enc)
      expect(x(sharedSecret)).toBe(v.shared_secret)
      // Decap / AuthDecap, with and without the recipient's public key
      const decapped = await kem.decap(h(v.enc), kpR, { senderPublicKey: kpS?.publicKey })
      expect(x(decapped)).toBe(v.shared_secret)
      const decapped2 = await kem.decap(h(v.enc), { secretKey: kpR.secretKey }, { senderPublicKey: kpS?.publicKey })
      expect(x(decapped2)).toBe(v.shared_secret)
      // Key schedule intermediates (§5.1)
      const psk = h(v.psk ?? '')
      const pskId = h(v.psk_id ?? '')
      const ks = keySchedule(
        { kdf: hkdfSha256, aead, suiteId: suite.suiteId },
        v.mode,
        h(v.shared_secret),
        h(v.info),
        psk,
        pskId,
      )
      expect(x(ks.keyScheduleContext)).toBe(v.key_schedule_context)
      expect(x(ks.secret)).toBe(v.secret)
      expect(x(ks.key)).toBe(v.key)
      expect(x(ks.baseNonce)).toBe(v.base_nonce)
      expect(x(ks.exporterSecret)).toBe(v.exporter_secret)
      // Full setup through the public API, then every encryption in sequence and every export
      const modeInputs = v.psk ? { psk, pskId } : {}
      const sender = await suite.setupSender({
        recipientPublicKey: kpR.publicKey,
        info: h(v.info),
        senderKey: kpS,
        randomBytes: fixedRandom(h(v.ikmE)),
        ...modeInputs,
      })
      expect(x(sender.enc)).toBe(v.enc)
      const recipient = await suite.setupRecipient({
        enc: h(v.enc),
        recipientKey: kpR,
        info: h(v.info),
        senderPublicKey: kpS?.publicKey,
        ...modeInputs,
      })
      for (const e of v.encryptions) {
        expect(x(await sender.context.seal(h(e.pt), h(e.aad)))).toBe(e.ct)
        expect(x(await recipient.open(h(e.ct), h(e.aad)))).toBe(e.pt)
      }
      for (const e of v.exports) {
        expect(x(sender.context.export(h(e.exporter_context), e.L))).toBe(e.exported_value)
        expect(x(recipient.export(h(e.exporter_context), e.L))).toBe(e.exported_value)
      }
      // Single-shot API (§6) agrees with the first encryption and export
      const first = v.encryptions[0]!
      const single = await suite.seal({
        recipientPublicKey: kpR.publicKey,
        info: h(v.info),
        aad: h(first.aad),
        plaintext: h(first.pt),
        senderKey: kpS,
        randomBytes: fixedRandom(h(v.ikmE)),
        ...modeInputs,
      })
      expect(x(single.ciphertext)).toBe(first.ct)
      const opened = await suite.open({
        enc: single.enc,
        recipientKey: kpR,
        info: h(v.info),
        aad: h(first.aad),
        ciphertext: single.ciphertext,
        senderPublicKey: kpS?.publicKey,
        ...modeInputs,
      })
      expect(x(opened)).toBe(first.pt)
      const exp = v.exports[0]!
      const received = await suite.receiveExport({
        enc: h(v.enc),
        recipientKey: kpR,
        info: h(v.info),
        exporterContext: h(exp.exporter_context),
        length: exp.L,
        senderPublicKey: kpS?.publicKey,
        ...modeInputs,
      })
      expect(x(received)).toBe(exp.exported_value)
    },
  )
})
