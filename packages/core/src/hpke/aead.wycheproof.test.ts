import wycheproof from '@vectors/wycheproof/aes_gcm_test.json'
import { describe, expect, it } from 'vitest'
import { bytesToHex, concatBytes, hexToBytes } from '../bytes/index.js'
import { EnvelopeError, InvalidArgumentError } from '../errors/base.js'
import { createAesGcm } from './aead.js'

const h = hexToBytes
const backends = ['webcrypto', 'noble', 'auto'] as const

describe.each(backends)('Wycheproof AES-GCM through the %s AEAD wrapper', (backend) => {
  const aeads = { 128: createAesGcm({ keyLength: 16, backend }), 256: createAesGcm({ keyLength: 32, backend }) }
  const groups = wycheproof.testGroups
  const supported = groups.flatMap((g) =>
    g.ivSize === 96 && g.tagSize === 128 && (g.keySize === 128 || g.keySize === 256)
      ? g.tests.map((t) => ({ ...t, keySize: g.keySize as 128 | 256 }))
      : [],
  )
  const unsupported = groups.flatMap((g) =>
    g.ivSize === 96 && g.tagSize === 128 && (g.keySize === 128 || g.keySize === 256)
      ? []
      : g.tests.map((t) => ({ ...t, keySize: g.keySize, ivSize: g.ivSize })),
  )

  it('has both valid and invalid cases for 96-bit nonces', () => {
    expect(supported.filter((t) => t.result === 'valid').length).toBeGreaterThan(40)
    expect(supported.filter((t) => t.result === 'invalid').length).toBeGreaterThan(30)
  })

  it.each(supported.map((t) => ({ ...t, label: `tc ${t.tcId} ${t.result} ${t.comment}` })))('$label', async (t) => {
    const aead = aeads[t.keySize]
    const ctTag = concatBytes(h(t.ct), h(t.tag))
    if (t.result === 'valid') {
      expect(bytesToHex(await aead.seal(h(t.key), h(t.iv), h(t.aad), h(t.msg)))).toBe(t.ct + t.tag)
      expect(bytesToHex(await aead.open(h(t.key), h(t.iv), h(t.aad), ctTag))).toBe(t.msg)
    } else {
      const err = await aead.open(h(t.key), h(t.iv), h(t.aad), ctTag).catch((e) => e)
      expect(err).toBeInstanceOf(EnvelopeError)
      expect(err.code).toBe('DECRYPT_FAILED')
    }
  })

  it('rejects nonce sizes other than 96 bits and AES-192 keys up front (INVALID_LENGTH)', async () => {
    expect(unsupported.length).toBeGreaterThan(0)
    for (const t of unsupported) {
      const aead = t.keySize === 128 ? aeads[128] : aeads[256]
      const err = await aead.open(h(t.key), h(t.iv), h(t.aad), concatBytes(h(t.ct), h(t.tag))).catch((e) => e)
      expect(err).toBeInstanceOf(InvalidArgumentError)
      expect(err.code).toBe('INVALID_LENGTH')
    }
  })
})
