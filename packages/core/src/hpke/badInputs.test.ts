import { describe, expect, it } from 'vitest'
import { isSdkError } from '../errors/base.js'
import { badBytesInputs } from '../testing/badInputs.js'
import { aes256Gcm, createAesGcm } from './aead.js'
import { createHpkeSuite } from './createHpkeSuite.js'
import { hkdfSha256 } from './kdf.js'
import { dhkemX25519HkdfSha256 } from './kem.js'

async function codeOf(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn()
  } catch (e) {
    return isSdkError(e) ? e.code : `foreign: ${String(e)}`
  }
  return undefined
}

describe('HPKE functions reject every non-Uint8Array with INVALID_TYPE', async () => {
  const suite = createHpkeSuite({ kem: dhkemX25519HkdfSha256, kdf: hkdfSha256, aead: aes256Gcm })
  const r = await suite.kem.generateKeyPair()
  const sealed = await suite.seal({ recipientPublicKey: r.publicKey, plaintext: new Uint8Array(3) })
  const k = new Uint8Array(32)
  const n = new Uint8Array(12)
  const e = new Uint8Array(0)
  const noble = createAesGcm({ keyLength: 32, backend: 'noble' })
  const calls: [string, (bad: unknown) => unknown][] = [
    ['seal recipientPublicKey', (b) => suite.seal({ recipientPublicKey: b as Uint8Array, plaintext: e })],
    ['seal plaintext', (b) => suite.seal({ recipientPublicKey: r.publicKey, plaintext: b as Uint8Array })],
    ['seal info', (b) => suite.seal({ recipientPublicKey: r.publicKey, plaintext: e, info: b as Uint8Array })],
    ['seal aad', (b) => suite.seal({ recipientPublicKey: r.publicKey, plaintext: e, aad: b as Uint8Array })],
    ['open enc', (b) => suite.open({ ...sealed, enc: b as Uint8Array, recipientKey: r })],
    ['open ciphertext', (b) => suite.open({ ...sealed, ciphertext: b as Uint8Array, recipientKey: r })],
    ['open secretKey', (b) => suite.open({ ...sealed, recipientKey: { secretKey: b as Uint8Array } })],
    ['deriveKeyPair', (b) => suite.kem.deriveKeyPair(b as Uint8Array)],
    ['getPublicKey', (b) => suite.kem.getPublicKey(b as Uint8Array)],
    ['aead key', (b) => aes256Gcm.seal(b as Uint8Array, n, e, e)],
    ['aead nonce', (b) => aes256Gcm.seal(k, b as Uint8Array, e, e)],
    ['aead aad', (b) => aes256Gcm.seal(k, n, b as Uint8Array, e)],
    ['aead plaintext', (b) => aes256Gcm.seal(k, n, e, b as Uint8Array)],
    ['aead ciphertext (noble)', (b) => noble.open(k, n, e, b as Uint8Array)],
  ]
  // `info` and `aad` are optional: `undefined` means empty there
  const optional = new Set(['seal info', 'seal aad'])
  for (const [name, call] of calls) {
    const inputs = badBytesInputs.filter((x) => !(optional.has(name) && x.label === 'undefined'))
    it.each(inputs)(`${name}: $label`, async ({ label, make }) => {
      expect(await codeOf(() => call(make())), label).toBe('INVALID_TYPE')
    })
  }
})
