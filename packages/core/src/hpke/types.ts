/**
 * Plug-in interfaces of RFC 9180 HPKE: a KEM, a KDF and an AEAD, each a frozen plain object with its registry id
 * and sizes (RFC 9180 §7).
 * @module
 */
import type { RandomBytes } from '../bytes/index.js'

/** An HPKE key pair in serialized form (RFC 9180 §7.1.1 `SerializePublicKey` / `SerializePrivateKey`). */
export type HpkeKeyPair = {
  /** `Nsk` bytes. Never log it. */
  readonly secretKey: Uint8Array
  /** `Npk` bytes. */
  readonly publicKey: Uint8Array
}

/** What a recipient needs to decapsulate: its secret key and, to skip recomputing it, its public key. */
export type HpkeRecipientKey = {
  /** `Nsk` bytes. */
  readonly secretKey: Uint8Array
  /** `Npk` bytes; derived from `secretKey` when absent (slower). Must belong to `secretKey`. */
  readonly publicKey?: Uint8Array | undefined
}

/** A key derivation function (RFC 9180 §7.2). */
export type HpkeKdf = {
  /** Registry id, e.g. `0x0001` for HKDF-SHA256. */
  readonly id: number
  /** Registry name, e.g. `'HKDF-SHA256'`. */
  readonly name: string
  /** `Nh`: output size of `extract`, in bytes. */
  readonly hashLength: number
  /** `Extract(salt, ikm)`. */
  extract(salt: Uint8Array, ikm: Uint8Array): Uint8Array
  /** `Expand(prk, info, L)`. */
  expand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array
}

/** An AEAD key, imported once (a WebCrypto `CryptoKey` or a pure-JS cipher), used for many messages. */
export type HpkeAeadKey = {
  /** `Seal(key, nonce, aad, pt)`: returns `ciphertext || tag`. */
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array<ArrayBuffer>>
  /** `Open(key, nonce, aad, ct)`: throws `DECRYPT_FAILED` when the tag does not verify. */
  open(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array<ArrayBuffer>>
}

/** An authenticated cipher (RFC 9180 §7.3). */
export type HpkeAead = {
  /** Registry id, e.g. `0x0002` for AES-256-GCM. */
  readonly id: number
  /** Registry name, e.g. `'AES-256-GCM'`. */
  readonly name: string
  /** `Nk`: key size in bytes. */
  readonly keyLength: number
  /** `Nn`: nonce size in bytes. */
  readonly nonceLength: number
  /** `Nt`: tag size in bytes. */
  readonly tagLength: number
  /**
   * Which implementation runs it: `'webcrypto'`, `'noble'` (pure JS), `'auto'` (either), or `'native'` (Node's
   * OpenSSL, synchronously: `createNativeHpke` from `@medseal/core/node`).
   */
  readonly backend: 'webcrypto' | 'noble' | 'auto' | 'native'
  /** Imports `key` once for several messages. */
  importKey(key: Uint8Array): Promise<HpkeAeadKey>
  /** One-shot `Seal(key, nonce, aad, pt)`. */
  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array<ArrayBuffer>>
  /** One-shot `Open(key, nonce, aad, ct)`. */
  open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array<ArrayBuffer>>
}

/** Result of `Encap` / `AuthEncap` (RFC 9180 §4.1). */
export type HpkeEncapResult = {
  /** `Nsecret` bytes: the KEM shared secret. Wipe it after the key schedule. */
  readonly sharedSecret: Uint8Array
  /** `Nenc` bytes: the encapsulated key, sent to the recipient. */
  readonly enc: Uint8Array
}

/** A key encapsulation mechanism (RFC 9180 §4.1, §7.1). */
export type HpkeKem = {
  /** Registry id, e.g. `0x0020` for DHKEM(X25519, HKDF-SHA256). */
  readonly id: number
  /** Registry name. */
  readonly name: string
  /** `Nsecret`. */
  readonly sharedSecretLength: number
  /** `Nenc`. */
  readonly encLength: number
  /** `Npk`. */
  readonly publicKeyLength: number
  /** `Nsk`. */
  readonly secretKeyLength: number
  /** Which implementation runs the group operations (`'native'`: Node's OpenSSL, `@medseal/core/node`). */
  readonly backend: 'webcrypto' | 'noble' | 'auto' | 'native'
  /** `GenerateKeyPair()`; with `randomBytes`, `DeriveKeyPair(randomBytes(Nsk))` (deterministic tests). */
  generateKeyPair(options?: { randomBytes?: RandomBytes }): Promise<HpkeKeyPair>
  /** `DeriveKeyPair(ikm)` (RFC 9180 §7.1.3). */
  deriveKeyPair(ikm: Uint8Array): HpkeKeyPair
  /** `pk(sk)`, serialized. */
  getPublicKey(secretKey: Uint8Array): Uint8Array
  /** `Encap(pkR)`, or `AuthEncap(pkR, skS)` with `senderKey`. */
  encap(
    recipientPublicKey: Uint8Array,
    options?: { senderKey?: HpkeKeyPair | undefined; randomBytes?: RandomBytes | undefined },
  ): Promise<HpkeEncapResult>
  /** `Decap(enc, skR)`, or `AuthDecap(enc, skR, pkS)` with `senderPublicKey`. */
  decap(
    enc: Uint8Array,
    recipientKey: HpkeRecipientKey,
    options?: { senderPublicKey?: Uint8Array | undefined },
  ): Promise<Uint8Array>
}
