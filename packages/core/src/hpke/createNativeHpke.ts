/**
 * The envelope's HPKE suite — DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM — on Node's OpenSSL through
 * `node:crypto`, computed synchronously on the calling thread: for servers (a custodian wraps and unwraps a data key
 * per key release). Same algorithms and bytes as the default suite (RFC 9180); only the implementation differs.
 * Exported from `@medseal/core/node`; browsers keep the default (WebCrypto / `@noble`).
 * @module
 */
import { expand as nobleExpand } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { assertBytes, base64urlToBytes, bytesToBase64url, bytesToHex, hexToBytes } from '../bytes/index.js'
import { EnvelopeError, InvalidArgumentError } from '../errors/base.js'
import { createBoundedMemo } from '../identity/_boundedMemo.js'
import { concat, label, labeledExpand, labeledExtract } from './_labeled.js'
import { x25519 } from './_x25519.js'
import { aes256Gcm, makeAead } from './aead.js'
import { createHpkeSuite, type HpkeSuite } from './createHpkeSuite.js'
import { hkdfSha256 } from './kdf.js'
import { type DhKey, dhkemX25519HkdfSha256, makeDhkem } from './kem.js'
import type { HpkeAead, HpkeAeadKey, HpkeKdf } from './types.js'

/** What {@link createNativeHpke} can throw: nothing (it returns the default suite instead). */
export type CreateNativeHpkeErrorType = never

/** The parts of `node:crypto` used here (core's build has no Node types). */
type KeyObject = { export(options: { format: 'jwk' }): { x?: string } }
type Jwk = { kty: 'OKP'; crv: 'X25519'; x: string; d?: string }
type Cipher = {
  setAAD(aad: Uint8Array): unknown
  update(data: Uint8Array): Uint8Array
  final(): Uint8Array
}
type NodeCrypto = {
  generateKeyPairSync(type: 'x25519'): { publicKey: KeyObject; privateKey: KeyObject }
  createPublicKey(key: { key: Jwk; format: 'jwk' } | KeyObject): KeyObject
  createPrivateKey(key: { key: Jwk; format: 'jwk' }): KeyObject
  diffieHellman(keys: { privateKey: KeyObject; publicKey: KeyObject }): Uint8Array
  createHmac(algorithm: 'sha256', key: Uint8Array): { update(data: Uint8Array): unknown; digest(): Uint8Array }
  createCipheriv(
    algorithm: 'aes-256-gcm',
    key: Uint8Array,
    iv: Uint8Array,
    options: { authTagLength: 16 },
  ): Cipher & { getAuthTag(): Uint8Array }
  createDecipheriv(
    algorithm: 'aes-256-gcm',
    key: Uint8Array,
    iv: Uint8Array,
    options: { authTagLength: 16 },
  ): Cipher & { setAuthTag(tag: Uint8Array): unknown }
}

function loadNodeCrypto(): NodeCrypto | undefined {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process
    const c = proc?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined
    return typeof c?.diffieHellman === 'function' && typeof c.generateKeyPairSync === 'function' ? c : undefined
  } catch {
    return undefined
  }
}

/** A copy in memory the SDK owns (`Uint8Array`, not a pooled `Buffer`); the source is wiped. */
function own(buffer: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(buffer)
  buffer.fill(0)
  return out
}

const invalidKey = (what: string, cause?: unknown) =>
  new InvalidArgumentError('INVALID_KEY', `${what} is not a valid key for this KEM.`, {
    ...(cause === undefined ? {} : { cause }),
  })

const decryptFailed = (cause?: unknown) =>
  new EnvelopeError('DECRYPT_FAILED', 'Decryption failed: wrong key, or tampered ciphertext, nonce or AAD.', {
    ...(cause === undefined ? {} : { cause }),
  })

const L_SK = /* @__PURE__ */ label('sk')
const EMPTY = /* @__PURE__ */ new Uint8Array(0)

function nativeHkdf(c: NodeCrypto): HpkeKdf {
  const hmac = (key: Uint8Array, ...parts: Uint8Array[]) => {
    const h = c.createHmac('sha256', key)
    for (const p of parts) h.update(p)
    return own(h.digest())
  }
  return Object.freeze({
    id: hkdfSha256.id,
    name: hkdfSha256.name,
    hashLength: 32,
    // RFC 5869 §2.2: Extract is HMAC-Hash(salt, IKM); an empty salt and HashLen zeros are the same HMAC key
    extract: (salt: Uint8Array, ikm: Uint8Array) => hmac(salt, ikm),
    expand(prk: Uint8Array, info: Uint8Array, length: number) {
      if (!Number.isInteger(length) || length < 0 || length > 255 * 32)
        throw new InvalidArgumentError('OUT_OF_RANGE', 'HKDF-SHA256 output length must be an integer in 0..8160.')
      // RFC 5869 §2.3: for L <= HashLen, OKM is the first L bytes of T(1) = HMAC-Hash(PRK, info || 0x01). Every
      // length HPKE and the envelope use is one block; longer outputs go to @noble/hashes.
      if (length > 32) return nobleExpand(sha256, prk, info, length)
      const t1 = hmac(prk, info, Uint8Array.of(1))
      const out = t1.slice(0, length)
      t1.fill(0)
      return out
    },
  })
}

/** Plaintexts are encrypted in parts of this size, each written into the one result buffer as it comes. */
const GCM_PART = 64 * 1024

/**
 * Node's `Buffer.allocUnsafeSlow` (an unpooled buffer that is not zero-filled), where present. For a large result
 * that is then overwritten in full, it saves the zero-filling and the page faults a fresh `Uint8Array` costs
 * (measured: ~0.1 ms of a 1 MiB seal's ~0.6 ms AES pass).
 */
const allocUnsafeSlow = (globalThis as { Buffer?: { allocUnsafeSlow?(size: number): Uint8Array } }).Buffer
  ?.allocUnsafeSlow

/** A `Uint8Array` of `size` bytes that the caller overwrites in full before anyone reads it. */
function resultBuffer(size: number): Uint8Array<ArrayBuffer> {
  if (size < GCM_PART || typeof allocUnsafeSlow !== 'function') return new Uint8Array(size)
  const b = allocUnsafeSlow(size)
  // a plain Uint8Array over the Buffer's own ArrayBuffer (unpooled: offset 0, exactly `size` bytes)
  return new Uint8Array(b.buffer as ArrayBuffer, b.byteOffset, size)
}

/** AES-256-GCM on node:crypto, synchronous: `seal` returns `ciphertext ‖ tag`; `open` throws DECRYPT_FAILED. @internal */
export function _nativeAesGcm(c: NodeCrypto = loadNodeCrypto() as NodeCrypto) {
  return {
    seal(k: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array<ArrayBuffer> {
      const cipher = c.createCipheriv('aes-256-gcm', k, nonce, { authTagLength: 16 })
      cipher.setAAD(aad)
      const n = plaintext.length
      const out = resultBuffer(n + 16)
      // GCM is a stream mode: every part comes back as long as it went in, so the parts fill `out[0..n)` exactly
      // and `final` adds nothing. Checked all the same, so that no byte of `out` is ever left unwritten.
      let at = 0
      for (let from = 0; from < n; from += GCM_PART) {
        const part = cipher.update(plaintext.subarray(from, Math.min(n, from + GCM_PART)))
        if (at + part.length > n) break
        out.set(part, at)
        at += part.length
      }
      const last = cipher.final()
      if (at + last.length !== n) {
        out.fill(0)
        throw new EnvelopeError(
          'UNSUPPORTED_SUITE',
          "node:crypto's AES-256-GCM returned a ciphertext of another length than its plaintext: use the default suite.",
        )
      }
      out.set(last, at)
      out.set(cipher.getAuthTag(), n)
      return out
    },
    open(k: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array<ArrayBuffer> {
      const n = ciphertext.length - 16
      if (n < 0) throw decryptFailed()
      const decipher = c.createDecipheriv('aes-256-gcm', k, nonce, { authTagLength: 16 })
      decipher.setAAD(aad)
      decipher.setAuthTag(ciphertext.subarray(n))
      const body = decipher.update(ciphertext.subarray(0, n))
      let last: Uint8Array
      try {
        last = decipher.final()
      } catch (cause) {
        body.fill(0)
        throw decryptFailed(cause)
      }
      const out = new Uint8Array(body.length + last.length)
      out.set(body)
      out.set(last, body.length)
      body.fill(0)
      return out
    },
  }
}

function nativeAes256Gcm(gcm: ReturnType<typeof _nativeAesGcm>): HpkeAead {
  const key = (raw: Uint8Array): HpkeAeadKey => {
    const k = Uint8Array.from(raw)
    return Object.freeze({
      async seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array) {
        return gcm.seal(k, nonce, aad, plaintext)
      },
      async open(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array) {
        return gcm.open(k, nonce, aad, ciphertext)
      },
    })
  }
  return makeAead({
    id: aes256Gcm.id,
    name: aes256Gcm.name,
    keyLength: 32,
    backend: 'native',
    importKey: async (raw) => key(raw),
  })
}

/**
 * Most peer public keys held as OpenSSL key objects per suite: a custodian meets the same ones again and again (the
 * `enc` of a stored record's wrap on every release of it, a requester's key on every request), and importing one
 * costs about a quarter of a DH. Public keys only, keyed by their exact bytes; bounded.
 */
const PEER_KEYS = 1024

function nativeKem(c: NodeCrypto, kdf: HpkeKdf) {
  const publicJwk = (publicKey: Uint8Array): Jwk => ({ kty: 'OKP', crv: 'X25519', x: bytesToBase64url(publicKey) })
  const peers = createBoundedMemo(
    (x: string) => c.createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x }, format: 'jwk' }),
    PEER_KEYS,
  )
  const dhWith = (privateKey: KeyObject): DhKey => ({
    async dh(peer: Uint8Array) {
      let out: Uint8Array<ArrayBuffer>
      try {
        // OpenSSL refuses an all-zero result (a small-order peer key, RFC 9180 §7.1.4) with an error
        out = own(c.diffieHellman({ privateKey, publicKey: peers.get(bytesToBase64url(peer)) }))
      } catch (cause) {
        throw invalidKey('A public key', cause)
      }
      let acc = 0
      for (const b of out) acc |= b
      if (acc === 0) throw invalidKey('A public key')
      return out
    },
  })
  return makeDhkem({
    id: dhkemX25519HkdfSha256.id,
    name: dhkemX25519HkdfSha256.name,
    publicKeyLength: 32,
    secretKeyLength: 32,
    backend: 'native',
    kdf,
    deriveSecretKey: (dkpPrk, suiteId) => labeledExpand(kdf, suiteId, dkpPrk, L_SK, EMPTY, 32),
    getPublicKey: (sk) => x25519.getPublicKey(sk),
    checkPublicKey() {},
    async generateKeyPair() {
      return dhkemX25519HkdfSha256.generateKeyPair()
    },
    async generateEphemeral() {
      const { publicKey, privateKey } = c.generateKeyPairSync('x25519')
      return { publicKey: base64urlToBytes(publicKey.export({ format: 'jwk' }).x ?? ''), ...dhWith(privateKey) }
    },
    async importSecretKey(secretKey, publicKey) {
      let privateKey: KeyObject
      let x: string | undefined
      try {
        const jwk = { ...publicJwk(publicKey), d: bytesToBase64url(secretKey) }
        privateKey = c.createPrivateKey({ key: jwk, format: 'jwk' })
        // OpenSSL takes `d` and ignores `x`: the pair is checked here, as WebCrypto's import checks it
        x = c.createPublicKey(privateKey).export({ format: 'jwk' }).x
      } catch (cause) {
        throw invalidKey('The secret key (or its public key)', cause)
      }
      if (x !== bytesToBase64url(publicKey)) throw invalidKey('The secret key (or its public key)')
      return dhWith(privateKey)
    },
  })
}

const L_PSK_ID_HASH = /* @__PURE__ */ label('psk_id_hash')
const L_INFO_HASH = /* @__PURE__ */ label('info_hash')
const L_SECRET = /* @__PURE__ */ label('secret')
const L_KEY = /* @__PURE__ */ label('key')
const L_BASE_NONCE = /* @__PURE__ */ label('base_nonce')

/**
 * Most `info_hash` values one suite remembers (RFC 9180 §5.1: `LabeledExtract("", "info_hash", info)`). The hash of
 * public bytes (an envelope's wrap info is a label and its public header), fixed for a given `info`: a custodian that
 * unwraps and wraps the same records again and again computes each once. Infos longer than
 * {@link INFO_HASH_MAX_INPUT} bytes are hashed every time. @internal
 */
export const INFO_HASHES_MAX = 1024
/** The longest `info` whose hash is remembered, bytes. @internal */
export const INFO_HASH_MAX_INPUT = 256

/**
 * The suite with single-shot `seal` / `open` (RFC 9180 §6.1) in base mode computed directly: the AEAD key and base
 * nonce only (no exporter secret, no sequence-numbered context: a single-shot context encrypts or decrypts once, at
 * sequence 0, whose nonce is the base nonce), `psk_id_hash` (of the empty psk id) once per suite, `info_hash` from a
 * bounded memo, AES-GCM synchronously. The same bytes and errors as the generic path, which every other mode (a psk,
 * a sender key) still takes. @internal
 */
export function _withSingleShot(suite: HpkeSuite, gcm: ReturnType<typeof _nativeAesGcm>): HpkeSuite {
  const { kem, kdf, suiteId } = suite
  const pskIdHash = labeledExtract(kdf, suiteId, EMPTY, L_PSK_ID_HASH, EMPTY)
  const infoHashes = createBoundedMemo(
    (hex: string) => labeledExtract(kdf, suiteId, EMPTY, L_INFO_HASH, hexToBytes(hex)),
    INFO_HASHES_MAX,
  )
  const infoHash = (info: Uint8Array) =>
    info.length > INFO_HASH_MAX_INPUT
      ? labeledExtract(kdf, suiteId, EMPTY, L_INFO_HASH, info)
      : infoHashes.get(bytesToHex(info))
  /** KeySchedule (base mode, empty psk): the key and base nonce; the shared secret and the secret are wiped. */
  const schedule = (sharedSecret: Uint8Array, info: Uint8Array) => {
    const context = concat(Uint8Array.of(0), pskIdHash, infoHash(info))
    const secret = labeledExtract(kdf, suiteId, sharedSecret, L_SECRET, EMPTY)
    sharedSecret.fill(0)
    const key = labeledExpand(kdf, suiteId, secret, L_KEY, context, 32)
    const baseNonce = labeledExpand(kdf, suiteId, secret, L_BASE_NONCE, context, 12)
    secret.fill(0)
    return { key, baseNonce }
  }
  const bytesOr = (value: Uint8Array | undefined, name: string) =>
    value === undefined ? EMPTY : assertBytes(value, { name })
  type SealParameters = Parameters<HpkeSuite['seal']>[0]
  type OpenParameters = Parameters<HpkeSuite['open']>[0]
  const generic = (p: object | null) =>
    typeof p !== 'object' ||
    p === null ||
    (p as SealParameters).psk !== undefined ||
    (p as SealParameters).pskId !== undefined
  return Object.freeze({
    ...suite,
    async seal(p: SealParameters) {
      if (generic(p) || p.senderKey !== undefined) return suite.seal(p)
      const plaintext = assertBytes(p.plaintext, { name: 'plaintext' })
      const aad = bytesOr(p.aad, 'aad')
      const info = bytesOr(p.info, 'info')
      const { sharedSecret, enc } = await kem.encap(p.recipientPublicKey, { randomBytes: p.randomBytes })
      const { key, baseNonce } = schedule(sharedSecret, info)
      try {
        return { enc, ciphertext: gcm.seal(key, baseNonce, aad, plaintext) }
      } finally {
        key.fill(0)
        baseNonce.fill(0)
      }
    },
    async open(p: OpenParameters) {
      if (generic(p) || p.senderPublicKey !== undefined) return suite.open(p)
      const ciphertext = assertBytes(p.ciphertext, { name: 'ciphertext' })
      const aad = bytesOr(p.aad, 'aad')
      const info = bytesOr(p.info, 'info')
      if (typeof p.recipientKey !== 'object' || p.recipientKey === null)
        throw new InvalidArgumentError('INVALID_TYPE', 'recipientKey must be { secretKey, publicKey? }.')
      const sharedSecret = await kem.decap(assertBytes(p.enc, { name: 'enc' }), p.recipientKey)
      const { key, baseNonce } = schedule(sharedSecret, info)
      try {
        return gcm.open(key, baseNonce, aad, ciphertext)
      } finally {
        key.fill(0)
        baseNonce.fill(0)
      }
    },
  })
}

// Known answers checked once per created suite, so that a runtime whose crypto loads but computes otherwise is never
// used: X25519 (RFC 7748 §6.1), HKDF-SHA256 (RFC 5869 A.1, one block) and AES-256-GCM (as @noble/ciphers computes).
const KAT = {
  aliceSk: '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a',
  alicePk: '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
  bobPk: 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f',
  shared: '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742',
  prk: '077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5',
  okm: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf',
  sealed: '238082932a797059f859207b9f59a3190489f299',
} as const

function passesKnownAnswers(c: NodeCrypto, kdf: HpkeKdf): boolean {
  try {
    const jwk: Jwk = { kty: 'OKP', crv: 'X25519', x: bytesToBase64url(hexToBytes(KAT.alicePk)) }
    const privateKey = c.createPrivateKey({
      key: { ...jwk, d: bytesToBase64url(hexToBytes(KAT.aliceSk)) },
      format: 'jwk',
    })
    const bob = c.createPublicKey({ key: { ...jwk, x: bytesToBase64url(hexToBytes(KAT.bobPk)) }, format: 'jwk' })
    if (bytesToHex(own(c.diffieHellman({ privateKey, publicKey: bob }))) !== KAT.shared) return false
    const prk = kdf.extract(hexToBytes('000102030405060708090a0b0c'), hexToBytes('0b'.repeat(22)))
    if (bytesToHex(prk) !== KAT.prk) return false
    if (bytesToHex(kdf.expand(prk, hexToBytes('f0f1f2f3f4f5f6f7f8f9'), 32)) !== KAT.okm) return false
    const cipher = c.createCipheriv('aes-256-gcm', new Uint8Array(32).fill(7), new Uint8Array(12).fill(9), {
      authTagLength: 16,
    })
    cipher.setAAD(Uint8Array.of(1, 2, 3))
    const sealed = [cipher.update(Uint8Array.of(4, 5, 6, 7)), cipher.final(), cipher.getAuthTag()]
    return sealed.map((b) => bytesToHex(new Uint8Array(b))).join('') === KAT.sealed
  } catch {
    return false
  }
}

/**
 * The envelope's HPKE suite (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM) on Node's `node:crypto`: X25519
 * key generation and DH, HMAC-SHA256 and AES-256-GCM run in OpenSSL on the calling thread, instead of WebCrypto's
 * thread pool (a round trip per operation, and a `CryptoKey` per key) and `@noble`'s JavaScript. For servers: a
 * custodian gives it as `createCustodian({ hpke })`. The bytes are those of the default suite (RFC 9180); checks are
 * the same (a small-order X25519 key is `INVALID_KEY`, a secret key must match its public key, a failed tag is
 * `DECRYPT_FAILED`). Where `node:crypto` (with X25519) is not available, or fails a known-answer check, it returns
 * the SDK's default suite, whose `kem.backend` is not `'native'`.
 *
 * @returns a frozen {@link HpkeSuite} (`kem.backend === 'native'` when native)
 * @example
 * ```ts
 * import { createNativeHpke } from '@medseal/core/node'
 * const hpke = createNativeHpke()
 * const custodian = createCustodian({ party: vendor, ledger, log, hpke })
 * ```
 */
export function createNativeHpke(): HpkeSuite {
  const c = loadNodeCrypto()
  if (c) {
    const kdf = nativeHkdf(c)
    if (passesKnownAnswers(c, kdf)) {
      const gcm = _nativeAesGcm(c)
      return _withSingleShot(createHpkeSuite({ kem: nativeKem(c, kdf), kdf, aead: nativeAes256Gcm(gcm) }), gcm)
    }
  }
  return createHpkeSuite({ kem: dhkemX25519HkdfSha256, kdf: hkdfSha256, aead: aes256Gcm })
}
