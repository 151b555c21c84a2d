/**
 * HPKE AEADs (RFC 9180 §7.3): AES-128-GCM, AES-256-GCM (WebCrypto, with `@noble/ciphers` as the fallback) and
 * ChaCha20-Poly1305 (`@noble/ciphers`).
 * @module
 */
import { gcm } from '@noble/ciphers/aes.js'
import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { assertBytes } from '../bytes/index.js'
import { EnvelopeError, InvalidArgumentError } from '../errors/base.js'
import { bufferSource, getSubtle } from './_subtle.js'
import type { HpkeAead, HpkeAeadKey } from './types.js'

/** Which implementation runs a primitive: `'auto'` picks WebCrypto when present, else the pure-JS one. */
export type CryptoBackend = 'auto' | 'webcrypto' | 'noble'

/** Parameters of {@link createAesGcm}. */
export type CreateAesGcmParameters = {
  /** 16 (AES-128-GCM, id 0x0001) or 32 (AES-256-GCM, id 0x0002). */
  keyLength: 16 | 32
  /** Defaults to `'auto'` (WebCrypto when present, else `@noble/ciphers`). */
  backend?: CryptoBackend | undefined
}

/** Errors {@link createAesGcm} and the AEADs' methods can throw. */
export type AeadErrorType = InvalidArgumentError | EnvelopeError

const decryptFailed = (cause?: unknown) =>
  new EnvelopeError('DECRYPT_FAILED', 'Decryption failed: wrong key, or tampered ciphertext, nonce or AAD.', {
    ...(cause === undefined ? {} : { cause }),
  })

type SyncCipher = (
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
) => {
  encrypt(pt: Uint8Array): Uint8Array
  decrypt(ct: Uint8Array): Uint8Array
}

function nobleKey(cipher: SyncCipher, key: Uint8Array): HpkeAeadKey {
  const k = Uint8Array.from(key)
  return Object.freeze({
    async seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array) {
      return cipher(k, nonce, aad).encrypt(plaintext) as Uint8Array<ArrayBuffer>
    },
    async open(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array) {
      try {
        return cipher(k, nonce, aad).decrypt(ciphertext) as Uint8Array<ArrayBuffer>
      } catch (cause) {
        throw decryptFailed(cause)
      }
    },
  })
}

async function webCryptoKey(subtle: SubtleCrypto, key: Uint8Array): Promise<HpkeAeadKey> {
  const cryptoKey = await subtle.importKey('raw', bufferSource(key), 'AES-GCM', false, ['encrypt', 'decrypt'])
  return Object.freeze({
    async seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array) {
      const params = { name: 'AES-GCM', iv: bufferSource(nonce), additionalData: bufferSource(aad), tagLength: 128 }
      return new Uint8Array(await subtle.encrypt(params, cryptoKey, bufferSource(plaintext)))
    },
    async open(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array) {
      const params = { name: 'AES-GCM', iv: bufferSource(nonce), additionalData: bufferSource(aad), tagLength: 128 }
      try {
        return new Uint8Array(await subtle.decrypt(params, cryptoKey, bufferSource(ciphertext)))
      } catch (cause) {
        throw decryptFailed(cause)
      }
    },
  })
}

/**
 * Below this many bytes, the `'auto'` backend runs AES-GCM in pure JS: for a 32-byte key wrap or a small resource a
 * WebCrypto import + encrypt costs more (two asynchronous round trips) than the whole computation.
 */
const SMALL_MESSAGE = 1024

/** `'auto'`: `@noble/ciphers` for small messages, WebCrypto (imported on first use) for large ones. */
function hybridKey(subtle: SubtleCrypto, key: Uint8Array): HpkeAeadKey {
  const small = nobleKey(gcm as SyncCipher, key)
  const copy = Uint8Array.from(key)
  let large: Promise<HpkeAeadKey> | undefined
  const native = () => {
    large ??= webCryptoKey(subtle, copy)
    return large
  }
  return Object.freeze({
    async seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array) {
      return plaintext.length < SMALL_MESSAGE
        ? small.seal(nonce, aad, plaintext)
        : (await native()).seal(nonce, aad, plaintext)
    },
    async open(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array) {
      return ciphertext.length < SMALL_MESSAGE
        ? small.open(nonce, aad, ciphertext)
        : (await native()).open(nonce, aad, ciphertext)
    },
  })
}

/** An AEAD plug-in over an `importKey`, with the argument checks every AEAD makes. @internal */
export function makeAead(spec: {
  id: number
  name: string
  keyLength: number
  backend: CryptoBackend | 'native'
  importKey: (key: Uint8Array) => Promise<HpkeAeadKey>
}): HpkeAead {
  const { keyLength, name } = spec
  const checkKey = (key: Uint8Array) => assertBytes(key, { length: keyLength, name: `${name} key` })
  const checkNonce = (nonce: Uint8Array) => assertBytes(nonce, { length: 12, name: `${name} nonce` })
  const checkAad = (aad: Uint8Array) => assertBytes(aad, { name: `${name} aad` })
  const wrappedImport = (key: Uint8Array): Promise<HpkeAeadKey> => spec.importKey(checkKey(key)).then(guardKey)
  const guardKey = (inner: HpkeAeadKey): HpkeAeadKey =>
    Object.freeze({
      seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array) {
        checkNonce(nonce)
        checkAad(aad)
        assertBytes(plaintext, { name: 'plaintext' })
        return inner.seal(nonce, aad, plaintext)
      },
      async open(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array) {
        checkNonce(nonce)
        checkAad(aad)
        assertBytes(ciphertext, { name: 'ciphertext' })
        if (ciphertext.length < 16) throw decryptFailed()
        return inner.open(nonce, aad, ciphertext)
      },
    })
  return Object.freeze({
    id: spec.id,
    name,
    keyLength,
    nonceLength: 12,
    tagLength: 16,
    backend: spec.backend,
    importKey: wrappedImport,
    async seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array) {
      return (await wrappedImport(key)).seal(nonce, aad, plaintext)
    },
    async open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array) {
      return (await wrappedImport(key)).open(nonce, aad, ciphertext)
    },
  })
}

/**
 * An AES-GCM AEAD (RFC 9180 §7.3: `Nk` = 16 or 32, `Nn` = 12, `Nt` = 16). WebCrypto runs it natively in browsers
 * and Node; `@noble/ciphers` `gcm` is the fallback (or forced with `backend: 'noble'`). With `backend: 'auto'`,
 * messages under 1 KiB (key wraps, small resources) run in `@noble/ciphers`, where a WebCrypto round trip would
 * cost more than the work; larger ones run in WebCrypto.
 *
 * @param params - `keyLength` 16 or 32; `backend` (default `'auto'`)
 * @returns a frozen {@link HpkeAead}
 * @throws {@link InvalidArgumentError} `INVALID_ARGUMENT` for another key length, or `backend: 'webcrypto'` where
 *   WebCrypto is absent. Its methods throw `INVALID_LENGTH` for a wrong key or nonce size and
 *   {@link EnvelopeError} `DECRYPT_FAILED` when a tag does not verify.
 * @example
 * ```ts
 * import { createAesGcm } from '@medseal/core'
 * const aead = createAesGcm({ keyLength: 32, backend: 'noble' })
 * const ct = await aead.seal(new Uint8Array(32), new Uint8Array(12), new Uint8Array(0), new Uint8Array([1, 2]))
 * ```
 */
export function createAesGcm(params: CreateAesGcmParameters): HpkeAead {
  const keyLength = params?.keyLength
  if (keyLength !== 16 && keyLength !== 32)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'AES-GCM keyLength must be 16 or 32.')
  const backend = params.backend ?? 'auto'
  if (backend !== 'auto' && backend !== 'webcrypto' && backend !== 'noble')
    throw new InvalidArgumentError('INVALID_ARGUMENT', "backend must be 'auto', 'webcrypto' or 'noble'.")
  if (backend === 'webcrypto' && !getSubtle())
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'WebCrypto (crypto.subtle) is not available here.')
  return makeAead({
    id: keyLength === 16 ? 0x0001 : 0x0002,
    name: keyLength === 16 ? 'AES-128-GCM' : 'AES-256-GCM',
    keyLength,
    backend,
    async importKey(key) {
      const subtle = backend === 'noble' ? undefined : getSubtle()
      if (!subtle) return nobleKey(gcm as SyncCipher, key)
      return backend === 'webcrypto' ? webCryptoKey(subtle, key) : hybridKey(subtle, key)
    },
  })
}

/**
 * AES-128-GCM (HPKE AEAD id `0x0001`), WebCrypto with a `@noble/ciphers` fallback.
 * @example
 * ```ts
 * import { aes128Gcm } from '@medseal/core'
 * aes128Gcm.keyLength // 16
 * ```
 */
export const aes128Gcm: HpkeAead = /* @__PURE__ */ createAesGcm({ keyLength: 16 })

/**
 * AES-256-GCM (HPKE AEAD id `0x0002`), WebCrypto with a `@noble/ciphers` fallback. medseal's envelope AEAD.
 * @example
 * ```ts
 * import { aes256Gcm } from '@medseal/core'
 * aes256Gcm.id // 2
 * ```
 */
export const aes256Gcm: HpkeAead = /* @__PURE__ */ createAesGcm({ keyLength: 32 })

/**
 * ChaCha20-Poly1305 (RFC 8439; HPKE AEAD id `0x0003`), pure JS from `@noble/ciphers` (WebCrypto has none).
 * @example
 * ```ts
 * import { chacha20Poly1305 } from '@medseal/core'
 * chacha20Poly1305.nonceLength // 12
 * ```
 */
export const chacha20Poly1305: HpkeAead = /* @__PURE__ */ makeAead({
  id: 0x0003,
  name: 'ChaCha20-Poly1305',
  keyLength: 32,
  backend: 'noble',
  async importKey(key) {
    return nobleKey(chacha20poly1305 as SyncCipher, key)
  },
})
