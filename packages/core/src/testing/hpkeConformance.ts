/**
 * The envelope-HPKE conformance suite: another implementation of the envelope's HPKE suite (DHKEM(X25519,
 * HKDF-SHA256), HKDF-SHA256, AES-256-GCM) — the native one of `@medseal/core/node`, or an integrator's own — must
 * compute exactly the bytes the default computes, open what the default seals and the reverse, and refuse what the
 * default refuses (small-order keys, a secret key that is not its public key's, a tampered ciphertext).
 *
 * Inputs are pseudo-random but fixed (derived from SHA-256 of a counter), so a failure names a case that repeats.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, concatBytes, utf8ToBytes } from '../bytes/index.js'
import { envelopeSuite, isEnvelopeHpke } from '../envelope/_internal.js'
import type { HpkeSuite } from '../hpke/createHpkeSuite.js'
import { describe, expect, it } from './_vitest.js'

/** Options of {@link describeHpkeConformance}. */
export type HpkeConformanceOptions = {
  /** Cases per property (default 32). */
  readonly cases?: number
}

/** `n` pseudo-random bytes for case `i` of a stream. */
function draw(stream: string, i: number, n: number): Uint8Array {
  const blocks: Uint8Array[] = []
  for (let j = 0; j * 32 < n; j++) blocks.push(sha256(utf8ToBytes(`medseal hpke conformance ${stream} ${i} ${j}`)))
  return concatBytes(...blocks).slice(0, n)
}

/** A randomBytes that gives `bytes` once. */
const once = (bytes: Uint8Array) => {
  let used = false
  return (n: number) => {
    if (used || n !== bytes.length) throw new Error('unexpected randomBytes call')
    used = true
    return bytes.slice()
  }
}

// X25519 public keys of small order (RFC 7748 §5 and the curve's low-order points): DH with any of them is all-zero
const SMALL_ORDER = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
]

/** The error code a promise rejects with (or `'resolved'`). */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'resolved'
  } catch (err) {
    return (err as { code?: string }).code ?? String(err)
  }
}

/**
 * Runs the conformance suite on `hpke` (call it from a vitest test file).
 *
 * @param name - shown in the test names
 * @param hpke - the implementation under test
 * @param options - `cases` per property (default 32)
 * @example
 * ```ts
 * import { createNativeHpke } from '@medseal/core/node'
 * import { describeHpkeConformance } from '@medseal/core/testing'
 * describeHpkeConformance('node:crypto', createNativeHpke())
 * ```
 */
export function describeHpkeConformance(name: string, hpke: HpkeSuite, options: HpkeConformanceOptions = {}): void {
  const cases = options.cases ?? 32
  const reference = envelopeSuite
  const hex = bytesToHex

  describe(`envelope HPKE conformance: ${name}`, () => {
    it('implements the envelope suite (same KEM, KDF and AEAD ids and sizes)', () => {
      expect(isEnvelopeHpke(hpke)).toBe(true)
      expect(hex(hpke.suiteId)).toBe(hex(reference.suiteId))
      for (const k of ['encLength', 'publicKeyLength', 'secretKeyLength', 'sharedSecretLength'] as const)
        expect(hpke.kem[k]).toBe(reference.kem[k])
      expect([hpke.aead.keyLength, hpke.aead.nonceLength, hpke.aead.tagLength]).toEqual([32, 12, 16])
      expect(hpke.kdf.hashLength).toBe(32)
    })

    it('HKDF extract and expand give the default’s bytes (lengths 0 to 64)', () => {
      for (let i = 0; i < cases; i++) {
        const salt = draw('salt', i, i % 3 === 0 ? 0 : (i * 7) % 80)
        const ikm = draw('ikm', i, (i * 13) % 100)
        const prk = hpke.kdf.extract(salt, ikm)
        expect(hex(prk)).toBe(hex(reference.kdf.extract(salt, ikm)))
        const info = draw('info', i, (i * 5) % 60)
        for (const length of [0, 1, 12, 31, 32, 33, 64])
          expect(hex(hpke.kdf.expand(prk, info, length))).toBe(hex(reference.kdf.expand(prk, info, length)))
      }
    })

    it('the KEM derives the default’s key pairs and, with the same ephemeral key, the same enc and secret', async () => {
      for (let i = 0; i < cases; i++) {
        const ikm = draw('ikmR', i, 32)
        const r = hpke.kem.deriveKeyPair(ikm)
        expect(hex(r.publicKey)).toBe(hex(reference.kem.deriveKeyPair(ikm).publicKey))
        const e = draw('ikmE', i, 32)
        const mine = await hpke.kem.encap(r.publicKey, { randomBytes: once(e) })
        const theirs = await reference.kem.encap(r.publicKey, { randomBytes: once(e) })
        expect([hex(mine.enc), hex(mine.sharedSecret)]).toEqual([hex(theirs.enc), hex(theirs.sharedSecret)])
        expect(hex(await hpke.kem.decap(mine.enc, r))).toBe(hex(theirs.sharedSecret))
      }
    })

    it('seals what the default opens and opens what the default seals (fresh ephemeral keys)', async () => {
      for (let i = 0; i < cases; i++) {
        const r = hpke.kem.deriveKeyPair(draw('recipient', i, 32))
        const info = draw('info', i, i % 40)
        const aad = draw('aad', i, (i * 3) % 50)
        const plaintext = draw('pt', i, (i * 97) % 1500)
        const a = await hpke.seal({ recipientPublicKey: r.publicKey, info, aad, plaintext })
        expect(hex(await reference.open({ enc: a.enc, recipientKey: r, info, aad, ciphertext: a.ciphertext }))).toBe(
          hex(plaintext),
        )
        const b = await reference.seal({ recipientPublicKey: r.publicKey, info, aad, plaintext })
        expect(hex(await hpke.open({ enc: b.enc, recipientKey: r, info, aad, ciphertext: b.ciphertext }))).toBe(
          hex(plaintext),
        )
      }
    })

    it('the AEAD gives the default’s ciphertexts, and refuses any flipped byte with DECRYPT_FAILED', async () => {
      for (let i = 0; i < cases; i++) {
        const key = draw('key', i, 32)
        const nonce = draw('nonce', i, 12)
        const aad = draw('aad', i, i % 20)
        const pt = draw('pt', i, (i * 31) % 2000)
        const ct = await hpke.aead.seal(key, nonce, aad, pt)
        expect(hex(ct)).toBe(hex(await reference.aead.seal(key, nonce, aad, pt)))
        const bad = ct.slice()
        const at = (i * 17) % bad.length
        bad[at] = (bad[at] as number) ^ 0x01
        expect(await outcome(hpke.aead.open(key, nonce, aad, bad))).toBe('DECRYPT_FAILED')
        expect(await outcome(hpke.aead.open(key, nonce, concatBytes(aad, Uint8Array.of(0)), ct))).toBe('DECRYPT_FAILED')
      }
    })

    it('refuses small-order X25519 keys with INVALID_KEY, as enc and as a recipient key', async () => {
      const r = hpke.kem.deriveKeyPair(draw('recipient', 0, 32))
      for (const h of SMALL_ORDER) {
        const point = Uint8Array.from(h.match(/../g) ?? [], (b) => Number.parseInt(b, 16))
        expect(await outcome(hpke.kem.decap(point, r)), h).toBe('INVALID_KEY')
        expect(await outcome(hpke.kem.encap(point)), h).toBe('INVALID_KEY')
      }
    })

    it('refuses a secret key given with another key’s public key (as WebCrypto’s import does)', async () => {
      const r = hpke.kem.deriveKeyPair(draw('recipient', 1, 32))
      const other = hpke.kem.deriveKeyPair(draw('recipient', 2, 32))
      const { enc } = await reference.kem.encap(r.publicKey)
      const wrong = { secretKey: r.secretKey, publicKey: other.publicKey }
      expect(await outcome(hpke.kem.decap(enc, wrong))).toBe('INVALID_KEY')
    })
  })
}
