/** RFC 9180 HPKE: suites, KEMs, KDFs, AEADs. @module */
export type { AeadErrorType, CreateAesGcmParameters, CryptoBackend } from './aead.js'
export { aes128Gcm, aes256Gcm, chacha20Poly1305, createAesGcm } from './aead.js'
export type {
  CreateHpkeSuiteParameters,
  HpkeErrorType,
  HpkeRecipientContext,
  HpkeRecipientParameters,
  HpkeSenderContext,
  HpkeSenderParameters,
  HpkeSuite,
} from './createHpkeSuite.js'
export { createHpkeSuite } from './createHpkeSuite.js'
export { hkdfSha256 } from './kdf.js'
export type { CreateDhkemX25519Parameters, KemErrorType } from './kem.js'
export { createDhkemX25519, dhkemP256HkdfSha256, dhkemX25519HkdfSha256 } from './kem.js'
export type {
  HpkeAead,
  HpkeAeadKey,
  HpkeEncapResult,
  HpkeKdf,
  HpkeKem,
  HpkeKeyPair,
  HpkeRecipientKey,
} from './types.js'
