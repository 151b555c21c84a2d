import { fc, test } from '@fast-check/vitest'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { describe, expect, it } from 'vitest'
import { bytesToHex, bytesToUtf8, concatBytes, equalBytes, utf8ToBytes } from '../bytes/index.js'
import { canonicalize, canonicalizeToBytes } from '../canonical/canonicalize.js'
import { createContentId } from '../canonical/contentId.js'
import { EnvelopeError, InvalidArgumentError, isSdkError } from '../errors/base.js'
import { createParty } from '../identity/createParty.js'
import { testParty } from './_testParties.js'
import { addRecipient } from './addRecipient.js'
import { computeCommitment } from './computeCommitment.js'
import { decodeEnvelope } from './decodeEnvelope.js'
import { encodeEnvelope } from './encodeEnvelope.js'
import { getRecipientKeyId } from './getRecipientKeyId.js'
import { open, openCanonical } from './open.js'
import { openWithDataKey } from './openWithDataKey.js'
import { removeRecipient } from './removeRecipient.js'
import { seal, sealCanonical } from './seal.js'
import { ENVELOPE_MAX_CANONICAL_BYTES, type Envelope } from './types.js'
import { unwrapDataKey } from './unwrapDataKey.js'
import { wrapDataKey } from './wrapDataKey.js'

const observation = {
  resourceType: 'Observation',
  id: 'bp-1',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '85354-9', display: 'Blood pressure panel' }] },
  valueQuantity: { value: 120.5, unit: 'mmHg' },
}

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<{ err: unknown; code: string | undefined }> {
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (err) {
    return { err, code: isSdkError(err) ? err.code : `foreign:${String(err)}` }
  }
  return { err: undefined, code: undefined }
}

async function expectError(p: Promise<unknown> | (() => unknown), cls: Function, code: string) {
  const { err, code: got } = await codeOf(p)
  expect(err).toBeInstanceOf(cls)
  expect(got).toBe(code)
}

/** A deterministic randomBytes (a counter-based stream) for reproducible envelopes. */
function seededRandom(seed: number) {
  let counter = seed
  return (n: number) => {
    const out = new Uint8Array(n)
    for (let i = 0; i < n; i += 32) {
      const block = sha256(utf8ToBytes(`seed ${counter++}`))
      out.set(block.subarray(0, Math.min(32, n - i)), i)
    }
    return out
  }
}

const alice = testParty()
const bob = testParty()
const carol = testParty()

describe('seal / open', () => {
  test.prop([fc.jsonValue({ maxDepth: 4 })], { numRuns: 40 })('round-trips any JSON value', async (value) => {
    const { envelope, commitment, contentId } = await seal(value, { recipients: [alice] })
    const opened = await open(envelope, alice)
    const canonical = canonicalizeToBytes(value)
    expect(bytesToHex(opened.canonical)).toBe(bytesToHex(canonical))
    expect(canonicalize(opened.value)).toBe(canonicalize(value))
    expect(equalBytes(opened.commitment, commitment)).toBe(true)
    expect(opened.contentId.equals(contentId)).toBe(true)
    // through bytes too
    const again = await open(encodeEnvelope(envelope), alice)
    expect(bytesToHex(again.canonical)).toBe(bytesToHex(canonical))
  })

  it('commitment by the version formula (v3: over SHA-256(canonical)); contentId = CIDv1(json, sha2-256)', async () => {
    const { envelope, commitment, contentId } = await seal(observation, { recipients: [alice], version: 3 })
    const opened = await open(envelope, alice)
    expect(opened.salt.length).toBe(32)
    expect(envelope.version).toBe(3)
    expect(opened.version).toBe(3)
    const label = utf8ToBytes('medseal/envelope/v3/commitment')
    const v3 = hmac(sha256, new Uint8Array([...opened.salt, ...label]), sha256(opened.canonical))
    expect(bytesToHex(v3)).toBe(bytesToHex(commitment))
    expect(bytesToHex(computeCommitment(opened.salt, opened.canonical, { version: 3 }))).toBe(bytesToHex(commitment))
    // versions 1 and 2: HMAC-SHA256(salt, canonical)
    for (const version of [1, 2] as const) {
      const old = await seal(observation, { recipients: [alice], version })
      const o = await open(old.envelope, alice)
      expect(o.version).toBe(version)
      expect(bytesToHex(hmac(sha256, o.salt, o.canonical))).toBe(bytesToHex(old.commitment))
      expect(bytesToHex(computeCommitment(o.salt, o.canonical, { version }))).toBe(bytesToHex(old.commitment))
      expect(bytesToHex(computeCommitment(o.salt, o.canonical))).toBe(bytesToHex(old.commitment))
      expect(old.contentId.toString()).toBe(contentId.toString())
    }
    const expected = CID.createV1(0x0200, Digest.create(0x12, sha256(canonicalizeToBytes(observation))))
    expect(contentId.toString()).toBe(expected.toString())
    expect(contentId.toString().startsWith('bagaaiera')).toBe(true)
    expect(opened.value).toEqual(observation)
    // the salt is fresh per seal: same content, different commitments
    const second = await seal(observation, { recipients: [alice] })
    expect(bytesToHex(second.commitment)).not.toBe(bytesToHex(commitment))
    expect(second.contentId.toString()).toBe(contentId.toString())
  })

  it('seals of mixed sizes, one after another and at once, each open to exactly their own bytes (reused buffer)', async () => {
    const payload = (n: number, fill: number) => utf8ToBytes(`"${String.fromCharCode(fill).repeat(n)}"`)
    const sizes = [60_000, 900, 60_000, 17_000, 40, 120_000, 5_000] as const
    const check = async (bytes: Uint8Array) => {
      const { envelope, commitment, contentId } = await sealCanonical(bytes, { recipients: [alice], version: 3 })
      const opened = await openCanonical(envelope, alice)
      expect(bytesToHex(opened.canonical)).toBe(bytesToHex(bytes))
      expect(bytesToHex(computeCommitment(opened.salt, bytes, { version: 3 }))).toBe(bytesToHex(commitment))
      expect(contentId.toString()).toBe(createContentId(bytes).toString())
    }
    for (const [i, n] of sizes.entries()) await check(payload(n, 97 + i))
    await Promise.all(sizes.map((n, i) => check(payload(n, 65 + i))))
  })

  it('large payloads (native digest path) round-trip and agree with the sync commitment', async () => {
    const big = { resourceType: 'Binary', data: 'x'.repeat(200_000) }
    const { envelope, commitment } = await seal(big, { recipients: [alice], version: 3 })
    const opened = await openCanonical(envelope, alice)
    expect(bytesToHex(computeCommitment(opened.salt, opened.canonical, { version: 3 }))).toBe(bytesToHex(commitment))
    expect(bytesToUtf8(opened.canonical)).toBe(canonicalize(big))
    expect(opened.contentId.toString()).toBe(createContentId(opened.canonical).toString())
  })

  it('is deterministic under an injected randomBytes, and never shows the salt or data key outside the ciphertext', async () => {
    const a = await seal(observation, { recipients: [alice, bob], randomBytes: seededRandom(1) })
    const b = await seal(observation, { recipients: [alice, bob], randomBytes: seededRandom(1) })
    expect(bytesToHex(encodeEnvelope(a.envelope))).toBe(bytesToHex(encodeEnvelope(b.envelope)))
    const r = seededRandom(1)
    const dataKey = r(32)
    const salt = r(32)
    const hex = bytesToHex(encodeEnvelope(a.envelope))
    expect(hex.includes(bytesToHex(salt))).toBe(false)
    expect(hex.includes(bytesToHex(dataKey))).toBe(false)
  })

  it('every recipient opens; recipients are merged and sorted by key id', async () => {
    const { envelope } = await seal(observation, { recipients: [alice, bob, carol, bob] })
    expect(envelope.recipients.length).toBe(3)
    const ids = envelope.recipients.map((r) => bytesToHex(r.keyId))
    expect([...ids].sort()).toEqual(ids)
    for (const p of [alice, bob, carol]) expect((await open(envelope, p)).value).toEqual(observation)
    await expectError(open(envelope, testParty()), EnvelopeError, 'NOT_A_RECIPIENT')
  })

  it('sealCanonical seals the given bytes as they are (e.g. FHIR decimals kept)', async () => {
    const text = '{"resourceType":"Observation","valueQuantity":{"value":1.50}}'
    const { envelope, commitment } = await sealCanonical(utf8ToBytes(text), { recipients: [alice] })
    const opened = await open(envelope, alice)
    expect(bytesToUtf8(opened.canonical)).toBe(text)
    expect(bytesToHex(opened.commitment)).toBe(bytesToHex(commitment))
  })
})

describe('recipients', () => {
  it('works with real parties (createParty): seal to public identities, open with the Party', async () => {
    const patient = createParty()
    const doctor = createParty()
    const { envelope, contentId } = await seal(observation, { recipients: [patient.toPublic(), doctor.toPublic()] })
    expect(contentId.toString()).toBe(createContentId(canonicalizeToBytes(observation)).toString())
    expect((await open(envelope, patient)).value).toEqual(observation)
    const shared = await addRecipient(envelope, { opener: doctor, recipient: createParty().toPublic() })
    expect((await open(encodeEnvelope(shared), doctor)).value).toEqual(observation)
    await expectError(open(envelope, createParty()), EnvelopeError, 'NOT_A_RECIPIENT')
  })

  it('addRecipient re-wraps without touching the ciphertext; removeRecipient drops a wrap', async () => {
    const { envelope } = await seal(observation, { recipients: [alice] })
    const shared = await addRecipient(envelope, { opener: alice, recipient: bob })
    expect(shared.recipients.length).toBe(2)
    expect(equalBytes(shared.ciphertext, envelope.ciphertext)).toBe(true)
    expect(equalBytes(shared.nonce, envelope.nonce)).toBe(true)
    expect((await open(shared, bob)).value).toEqual(observation)
    expect(await addRecipient(shared, { opener: alice, recipient: bob })).toBe(shared)
    // from bytes: the new envelope does not alias the caller's buffer
    const bytes = encodeEnvelope(envelope)
    const fromBytes = await addRecipient(bytes, { opener: alice, recipient: carol })
    bytes.fill(0)
    expect((await open(fromBytes, carol)).value).toEqual(observation)
    await expectError(addRecipient(envelope, { opener: bob, recipient: carol }), EnvelopeError, 'NOT_A_RECIPIENT')
    const revoked = removeRecipient(shared, getRecipientKeyId(bob))
    await expectError(open(revoked, bob), EnvelopeError, 'NOT_A_RECIPIENT')
    expect((await open(revoked, alice)).value).toEqual(observation)
    expect(bytesToHex(encodeEnvelope(removeRecipient(shared, bob)))).toBe(bytesToHex(encodeEnvelope(revoked)))
    await expectError(() => removeRecipient(revoked, bob), EnvelopeError, 'NOT_A_RECIPIENT')
    await expectError(() => removeRecipient(revoked, new Uint8Array(5)), InvalidArgumentError, 'INVALID_LENGTH')
    // shredding every wrap leaves an envelope nobody can open; it still encodes and decodes
    const shredded = removeRecipient(revoked, alice)
    expect(decodeEnvelope(encodeEnvelope(shredded)).recipients.length).toBe(0)
    await expectError(open(encodeEnvelope(shredded), alice), EnvelopeError, 'NOT_A_RECIPIENT')
  })

  it('custodian flow: unwrapDataKey, wrapDataKey, openWithDataKey', async () => {
    const custodian = testParty()
    const { envelope } = await seal(observation, { recipients: [alice, custodian] })
    const dataKey = await unwrapDataKey(envelope, custodian)
    expect(dataKey.length).toBe(32)
    const entry = await wrapDataKey(envelope, dataKey, bob)
    expect(bytesToHex(entry.keyId)).toBe(bytesToHex(getRecipientKeyId(bob)))
    const withBob: Envelope = {
      ...envelope,
      recipients: [...envelope.recipients, entry].sort((a, b) => (bytesToHex(a.keyId) < bytesToHex(b.keyId) ? -1 : 1)),
    }
    expect((await open(withBob, bob)).value).toEqual(observation)
    expect((await openWithDataKey(envelope, dataKey)).value).toEqual(observation)
    const wrong = dataKey.slice()
    wrong[0] = (wrong[0] as number) ^ 1
    await expectError(openWithDataKey(envelope, wrong), EnvelopeError, 'DECRYPT_FAILED')
    await expectError(wrapDataKey(envelope, wrong, bob), InvalidArgumentError, 'INVALID_KEY')
    await expectError(openWithDataKey(envelope, new Uint8Array(16)), InvalidArgumentError, 'INVALID_LENGTH')
  })

  it('a wrap cannot be moved to another envelope (bound to its header)', async () => {
    const a = await seal(observation, { recipients: [alice] })
    const b = await seal(observation, { recipients: [alice, bob] })
    const aliceInA = a.envelope.recipients[0]!
    const forged: Envelope = {
      ...b.envelope,
      recipients: b.envelope.recipients.map((r) => (equalBytes(r.keyId, aliceInA.keyId) ? aliceInA : r)),
    }
    await expectError(open(forged, alice), EnvelopeError, 'DECRYPT_FAILED')
    // and a wrap cannot be relabelled for another key id
    const relabelled: Envelope = {
      ...b.envelope,
      recipients: [...b.envelope.recipients].map((r, i, all) => ({
        ...r,
        keyId: all[i]!.keyId,
        enc: all[1 - i]!.enc,
        wrappedKey: all[1 - i]!.wrappedKey,
      })),
    }
    await expectError(open(relabelled, alice), EnvelopeError, 'DECRYPT_FAILED')
  })
})

describe('tamper detection', () => {
  it('any single-byte change to an encoded envelope is detected (every position)', async () => {
    const { envelope } = await seal({ resourceType: 'Patient', id: 'p1' }, { recipients: [alice] })
    const bytes = encodeEnvelope(envelope)
    const allowed = new Set([
      'ENVELOPE_MALFORMED',
      'UNSUPPORTED_VERSION',
      'UNSUPPORTED_SUITE',
      'DECRYPT_FAILED',
      'NOT_A_RECIPIENT',
    ])
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: bytes.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (i, x) => {
          const t = bytes.slice()
          t[i] = (t[i] as number) ^ x
          const { code } = await codeOf(open(t, alice))
          expect(allowed.has(code ?? 'none')).toBe(true)
        },
      ),
      { numRuns: 150 },
    )
    for (let i = 0; i < bytes.length; i++) {
      const t = bytes.slice()
      t[i] = (t[i] as number) ^ 0x01
      const { code } = await codeOf(open(t, alice))
      expect(allowed.has(code ?? 'none'), `byte ${i}`).toBe(true)
    }
  })

  it('with several recipients, a change is detected by the decoder or by the recipient it touches', async () => {
    const { envelope } = await seal({ a: 1 }, { recipients: [alice, bob] })
    const bytes = encodeEnvelope(envelope)
    for (let i = 0; i < bytes.length; i++) {
      const t = bytes.slice()
      t[i] = (t[i] as number) ^ 0x80
      const a = await codeOf(open(t, alice))
      const b = await codeOf(open(t, bob))
      expect(a.code !== undefined || b.code !== undefined, `byte ${i}`).toBe(true)
    }
  })

  it('truncation, extra bytes and re-ordered recipients are ENVELOPE_MALFORMED', async () => {
    const { envelope } = await seal({ a: 1 }, { recipients: [alice, bob] })
    const bytes = encodeEnvelope(envelope)
    for (let n = 0; n < bytes.length; n++)
      await expectError(() => decodeEnvelope(bytes.subarray(0, n)), EnvelopeError, 'ENVELOPE_MALFORMED')
    await expectError(() => decodeEnvelope(concatBytes(bytes, new Uint8Array(1))), EnvelopeError, 'ENVELOPE_MALFORMED')
    const swapped = bytes.slice()
    swapped.set(bytes.subarray(73, 73 + 112), 73 + 112)
    swapped.set(bytes.subarray(73 + 112, 73 + 224), 73)
    await expectError(() => decodeEnvelope(swapped), EnvelopeError, 'ENVELOPE_MALFORMED')
    const dup = bytes.slice()
    dup.set(bytes.subarray(73, 73 + 112), 73 + 112)
    await expectError(() => decodeEnvelope(dup), EnvelopeError, 'ENVELOPE_MALFORMED')
    const tooMany = bytes.slice()
    tooMany[71] = 0x04
    tooMany[72] = 0x01 // 1025
    await expectError(() => decodeEnvelope(tooMany), EnvelopeError, 'ENVELOPE_MALFORMED')
    const magic = bytes.slice()
    magic[0] = 0
    await expectError(() => decodeEnvelope(magic), EnvelopeError, 'ENVELOPE_MALFORMED')
    await expectError(
      () => encodeEnvelope({ ...envelope, recipients: [...envelope.recipients].reverse() }),
      EnvelopeError,
      'ENVELOPE_MALFORMED',
    )
    await expectError(() => encodeEnvelope({ ...envelope, id: new Uint8Array(3) }), EnvelopeError, 'ENVELOPE_MALFORMED')
    await expectError(() => encodeEnvelope(null as unknown as Envelope), EnvelopeError, 'ENVELOPE_MALFORMED')
    await expectError(() => decodeEnvelope('x' as unknown as Uint8Array), InvalidArgumentError, 'INVALID_TYPE')
  })

  it('unknown version → UNSUPPORTED_VERSION, unknown suite → UNSUPPORTED_SUITE', async () => {
    const { envelope } = await seal({ a: 1 }, { recipients: [alice], version: 1 })
    const bytes = encodeEnvelope(envelope)
    for (const version of [0, 4, 255]) {
      const other = bytes.slice()
      other[4] = version
      await expectError(() => decodeEnvelope(other), EnvelopeError, 'UNSUPPORTED_VERSION')
      await expectError(open({ ...envelope, version }, alice), EnvelopeError, 'UNSUPPORTED_VERSION')
    }
    // a version 1 body relabelled version 2 no longer parses (v2 entries are 113 bytes) or opens (the header is AAD)
    const relabelled = bytes.slice()
    relabelled[4] = 2
    await expectError(() => decodeEnvelope(relabelled), EnvelopeError, 'ENVELOPE_MALFORMED')
    await expectError(open({ ...envelope, version: 2 }, alice), EnvelopeError, 'DECRYPT_FAILED')
    for (const offset of [6, 8, 10]) {
      const s = bytes.slice()
      s[offset] = (s[offset] as number) ^ 0x03
      await expectError(() => decodeEnvelope(s), EnvelopeError, 'UNSUPPORTED_SUITE')
    }
    await expectError(
      open({ ...envelope, suite: { kem: 0x10, kdf: 1, aead: 2 } }, alice),
      EnvelopeError,
      'UNSUPPORTED_SUITE',
    )
  })

  it('tampered ciphertext, header field, wrap, or the wrong key → DECRYPT_FAILED', async () => {
    const { envelope } = await seal(observation, { recipients: [alice] })
    const flip = (b: Uint8Array, i = 0) => {
      const c = b.slice()
      c[i] = (c[i] as number) ^ 1
      return c
    }
    const r = envelope.recipients[0]!
    const cases: Envelope[] = [
      { ...envelope, ciphertext: flip(envelope.ciphertext, 40) },
      { ...envelope, nonce: flip(envelope.nonce) },
      { ...envelope, id: flip(envelope.id) },
      { ...envelope, keyCommitment: flip(envelope.keyCommitment) },
      { ...envelope, recipients: [{ ...r, wrappedKey: flip(r.wrappedKey) }] },
      { ...envelope, recipients: [{ ...r, enc: flip(r.enc) }] },
      { ...envelope, recipients: [{ ...r, enc: new Uint8Array(32) }] }, // small-order point
    ]
    for (const c of cases) await expectError(open(c, alice), EnvelopeError, 'DECRYPT_FAILED')
    // a party with alice's public key but another secret key
    const impostor = { encryptionPublicKey: alice.encryptionPublicKey, encryptionSecretKey: bob.encryptionSecretKey }
    await expectError(open(envelope, impostor), EnvelopeError, 'DECRYPT_FAILED')
  })

  it('a payload that is not JSON (sealCanonical misuse) opens canonically but not as a value: ENVELOPE_MALFORMED', async () => {
    const { envelope } = await sealCanonical(utf8ToBytes('not json'), { recipients: [alice] })
    expect(bytesToUtf8((await openCanonical(envelope, alice)).canonical)).toBe('not json')
    await expectError(open(envelope, alice), EnvelopeError, 'ENVELOPE_MALFORMED')
  })
})

describe('input errors (never half-written, never echoing keys)', () => {
  it('non-JSON values and depth: the canonicalize errors', async () => {
    await expectError(seal({ a: undefined }, { recipients: [alice] }), InvalidArgumentError, 'INVALID_TYPE')
    await expectError(seal({ d: new Date(0) }, { recipients: [alice] }), InvalidArgumentError, 'INVALID_TYPE')
    await expectError(seal(Number.NaN, { recipients: [alice] }), InvalidArgumentError, 'INVALID_TYPE')
    await expectError(seal('\ud800', { recipients: [alice] }), InvalidArgumentError, 'INVALID_ENCODING')
    let deep: unknown = 1
    for (let i = 0; i < 100; i++) deep = [deep]
    await expectError(seal(deep, { recipients: [alice] }), InvalidArgumentError, 'INPUT_TOO_DEEP')
    await expectError(seal([[[1]]], { recipients: [alice], maxDepth: 2 }), InvalidArgumentError, 'INPUT_TOO_DEEP')
  })

  it('size bounds: more than 64 MiB is INPUT_TOO_LARGE, empty is INVALID_LENGTH', async () => {
    await expectError(
      sealCanonical(new Uint8Array(ENVELOPE_MAX_CANONICAL_BYTES + 1), { recipients: [alice] }),
      InvalidArgumentError,
      'INPUT_TOO_LARGE',
    )
    await expectError(sealCanonical(new Uint8Array(0), { recipients: [alice] }), InvalidArgumentError, 'INVALID_LENGTH')
  })

  it('recipient list and keys', async () => {
    await expectError(seal(1, { recipients: [] }), InvalidArgumentError, 'INVALID_ARGUMENT')
    await expectError(seal(1, null as never), InvalidArgumentError, 'INVALID_TYPE')
    const many = Array.from({ length: 1025 }, (_, i) => ({ encryptionPublicKey: new Uint8Array(32).fill(i & 0xff) }))
    await expectError(seal(1, { recipients: many }), InvalidArgumentError, 'OUT_OF_RANGE')
    await expectError(
      seal(1, { recipients: [{ encryptionPublicKey: new Uint8Array(31) }] }),
      InvalidArgumentError,
      'INVALID_LENGTH',
    )
    await expectError(seal(1, { recipients: [{} as never] }), InvalidArgumentError, 'INVALID_TYPE')
    await expectError(
      seal(1, { recipients: [{ encryptionPublicKey: new Uint8Array(32) }] }),
      InvalidArgumentError,
      'INVALID_KEY',
    )
    const { envelope } = await seal(1, { recipients: [alice] })
    await expectError(open(envelope, {} as never), InvalidArgumentError, 'INVALID_TYPE')
    await expectError(open(envelope, null as never), InvalidArgumentError, 'INVALID_TYPE')
    await expectError(addRecipient(envelope, null as never), InvalidArgumentError, 'INVALID_TYPE')
    // a full envelope (1024 wraps) takes no more, and the limit is checked before anything is unwrapped
    const full: Envelope = {
      ...envelope,
      recipients: Array.from({ length: 1024 }, (_, i) => ({
        keyId: Uint8Array.from({ length: 32 }, (_, j) => (j === 0 ? i >> 8 : j === 1 ? i & 0xff : 0)),
        enc: new Uint8Array(32),
        wrappedKey: new Uint8Array(48),
      })),
    }
    expect(decodeEnvelope(encodeEnvelope(full)).recipients.length).toBe(1024)
    await expectError(addRecipient(full, { opener: alice, recipient: bob }), InvalidArgumentError, 'OUT_OF_RANGE')
  })

  it('error messages carry no key material', async () => {
    const { envelope } = await seal(observation, { recipients: [alice] })
    const { err } = await codeOf(open(envelope, { ...alice, encryptionSecretKey: bob.encryptionSecretKey }))
    const text = `${(err as Error).message} ${JSON.stringify(err)}`
    for (const secret of [alice.encryptionSecretKey, bob.encryptionSecretKey])
      expect(text.includes(bytesToHex(secret))).toBe(false)
    expect((err as Error).message).toMatchInlineSnapshot(`
      "Could not open the envelope: wrong key, or tampered envelope.
      Docs: https://medseal.dev/docs/errors/decrypt-failed
      Code: DECRYPT_FAILED
      Version: @medseal/core@0.1.0"
    `)
  })
})
