import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { envelopeExampleV2 } from '../../../../scripts/envelope-example-v2.js'
import { envelopeExampleV3 } from '../../../../scripts/envelope-example-v3.js'
import { bytesToHex, bytesToUtf8, hexToBytes, utf8ToBytes } from '../bytes/index.js'
import { canonicalize } from '../canonical/canonicalize.js'
import { dhkemX25519HkdfSha256 } from '../hpke/kem.js'
import { encodeHeader, wrapAad, wrapInfo } from './_internal.js'
import { specExample } from './_specExample.js'
import { computeCommitment } from './computeCommitment.js'
import { createVaultKey } from './createVaultKey.js'
import { decodeEnvelope } from './decodeEnvelope.js'
import { encodeEnvelope } from './encodeEnvelope.js'
import { getRecipientKeyId } from './getRecipientKeyId.js'
import { open } from './open.js'
import { seal } from './seal.js'

/** The example's randomBytes: byte values 0, 1, 2, … continuing across calls. */
function counterStream() {
  let next = 0
  return (n: number) => Uint8Array.from({ length: n }, () => next++ & 0xff)
}

describe('docs/spec/envelope.md worked example', () => {
  const ex = specExample()

  it('lists every field', () => {
    for (const k of ['recipient_sk', 'value', 'canonical', 'header', 'enc', 'wrapped_key', 'ciphertext', 'envelope'])
      expect(ex[k], k).toBeTruthy()
  })

  it('is exactly what seal produces with the documented randomness', async () => {
    const recipient = dhkemX25519HkdfSha256.deriveKeyPair(new Uint8Array(32).fill(0xa5))
    expect(bytesToHex(recipient.secretKey)).toBe(ex.recipient_sk)
    expect(bytesToHex(recipient.publicKey)).toBe(ex.recipient_pk)
    const value = JSON.parse(ex.value as string)
    expect(canonicalize(value)).toBe(ex.canonical)
    const stream = counterStream()
    const { envelope, commitment, contentId } = await seal(value, {
      recipients: [{ encryptionPublicKey: recipient.publicKey }],
      version: 1,
      randomBytes: stream,
    })
    const replay = counterStream()
    for (const [k, n] of [
      ['data_key', 32],
      ['salt', 32],
      ['envelope_id', 16],
      ['nonce', 12],
      ['ikm_e', 32],
    ] as const)
      expect(bytesToHex(replay(n)), k).toBe(ex[k])
    const header = encodeHeader(envelope)
    const entry = envelope.recipients[0]!
    expect(bytesToHex(envelope.keyCommitment)).toBe(ex.key_commitment)
    expect(bytesToHex(header)).toBe(ex.header)
    expect(bytesToHex(getRecipientKeyId(recipient.publicKey))).toBe(ex.key_id)
    expect(bytesToHex(entry.keyId)).toBe(ex.key_id)
    expect(bytesToHex(wrapInfo(header))).toBe(ex.wrap_info)
    expect(bytesToHex(wrapAad(header, entry.keyId))).toBe(ex.wrap_aad)
    expect(bytesToHex(entry.enc)).toBe(ex.enc)
    expect(bytesToHex(entry.wrappedKey)).toBe(ex.wrapped_key)
    expect(bytesToHex(envelope.ciphertext)).toBe(ex.ciphertext)
    expect(bytesToHex(commitment)).toBe(ex.commitment)
    expect(contentId.toString()).toBe(ex.content_id)
    expect(bytesToHex(encodeEnvelope(envelope))).toBe(ex.envelope)
  })

  it('opens from the documented bytes and secret key', async () => {
    const bytes = hexToBytes(ex.envelope as string)
    const party = {
      encryptionSecretKey: hexToBytes(ex.recipient_sk as string),
      encryptionPublicKey: hexToBytes(ex.recipient_pk as string),
    }
    const opened = await open(decodeEnvelope(bytes), party)
    expect(bytesToUtf8(opened.canonical)).toBe(ex.canonical)
    expect(bytesToHex(opened.salt)).toBe(ex.salt)
    expect(bytesToHex(opened.commitment)).toBe(ex.commitment)
    expect(bytesToHex(computeCommitment(opened.salt, opened.canonical))).toBe(ex.commitment)
    expect(opened.contentId.toString()).toBe(ex.content_id)
  })
})

describe('docs/spec/envelope.md worked example, version 2', () => {
  it('is exactly what scripts/envelope-example-v2.ts prints from the real code', async () => {
    const printed: Record<string, string> = {}
    for (const line of (await envelopeExampleV2()).split('\n')) {
      const m = /^(\w+)\s+= (.*)$/.exec(line)
      if (m) printed[m[1] as string] = m[2] as string
    }
    expect(Object.keys(printed).length).toBeGreaterThan(15)
    expect(specExample('v2')).toEqual(printed)
  })

  it('opens from the documented bytes with the vault secret and with the HPKE key pair', async () => {
    const ex = specExample('v2')
    const bytes = hexToBytes(ex.envelope as string)
    const env = decodeEnvelope(bytes)
    expect(env.version).toBe(2)
    for (const who of [
      createVaultKey({ secret: hexToBytes(ex.vault_secret as string) }),
      {
        encryptionSecretKey: hexToBytes(ex.recipient_sk as string),
        encryptionPublicKey: hexToBytes(ex.recipient_pk as string),
      },
    ]) {
      const opened = await open(bytes, who)
      expect(bytesToUtf8(opened.canonical)).toBe(ex.canonical)
      expect(bytesToHex(opened.commitment)).toBe(ex.commitment)
    }
  })
})

describe('docs/spec/envelope.md worked example, version 3', () => {
  it('is exactly what scripts/envelope-example-v3.ts prints from the real code', async () => {
    const printed: Record<string, string> = {}
    for (const line of (await envelopeExampleV3()).split('\n')) {
      const m = /^(\w+)\s+= (.*)$/.exec(line)
      if (m) printed[m[1] as string] = m[2] as string
    }
    expect(Object.keys(printed).length).toBeGreaterThan(18)
    expect(specExample('v3')).toEqual(printed)
  })

  it('recomputes the key commitment, the salt and the commitment by §15.2 from the documented data key', () => {
    const ex = specExample('v3')
    const v2 = specExample('v2')
    const dataKey = hexToBytes(ex.data_key as string)
    const idNonce = hexToBytes(`${ex.envelope_id}${ex.nonce}`)
    expect(ex.envelope_id).toBe('202122232425262728292a2b2c2d2e2f')
    expect(ex.nonce).toBe('303132333435363738393a3b')
    const label = (l: string) => utf8ToBytes(`medseal/envelope/${l}`)
    expect(bytesToHex(hmac(sha256, dataKey, new Uint8Array([...label('v1/key-commitment'), ...idNonce])))).toBe(
      ex.key_commitment,
    )
    const salt = hmac(sha256, dataKey, new Uint8Array([...label('v3/salt'), ...idNonce]))
    expect(bytesToHex(salt)).toBe(ex.salt)
    const canonical = utf8ToBytes(ex.canonical as string)
    const digest = sha256(canonical)
    expect(bytesToHex(digest)).toBe(ex.digest)
    const key = new Uint8Array([...salt, ...label('v3/commitment')])
    expect(key.length).toBe(62)
    expect(bytesToHex(key)).toBe(ex.commitment_key)
    expect(bytesToHex(hmac(sha256, key, digest))).toBe(ex.commitment)
    expect(bytesToHex(computeCommitment(salt, canonical, { version: 3 }))).toBe(ex.commitment)
    expect(ex.content_id).toBe(v2.content_id)
    // no salt in the payload: 32 bytes shorter than version 2's
    expect((ex.ciphertext as string).length / 2).toBe(canonical.length + 16)
    expect((ex.envelope as string).length).toBe((v2.envelope as string).length - 64)
    expect((ex.header as string).slice(8, 10)).toBe('03')
  })

  it('opens from the documented bytes with the vault secret and with the HPKE key pair', async () => {
    const ex = specExample('v3')
    const bytes = hexToBytes(ex.envelope as string)
    expect(decodeEnvelope(bytes).version).toBe(3)
    for (const who of [
      createVaultKey({ secret: hexToBytes(ex.vault_secret as string) }),
      {
        encryptionSecretKey: hexToBytes(ex.recipient_sk as string),
        encryptionPublicKey: hexToBytes(ex.recipient_pk as string),
      },
    ]) {
      const opened = await open(bytes, who)
      expect(bytesToUtf8(opened.canonical)).toBe(ex.canonical)
      expect(bytesToHex(opened.salt)).toBe(ex.salt)
      expect(opened.version).toBe(3)
      expect(bytesToHex(opened.commitment)).toBe(ex.commitment)
      expect(opened.contentId.toString()).toBe(ex.content_id)
    }
  })
})
