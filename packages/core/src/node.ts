/**
 * `@medseal/core/node`: what only Node can run — libsecp256k1 signature recovery for servers
 * ({@link createNativeSecp256k1Recovery}), the envelope's HPKE suite on OpenSSL ({@link createNativeHpke}) and a
 * seal backend on OpenSSL ({@link createNativeSealBackend}).
 * @module @medseal/core/node
 */
export type { CreateNativeSealBackendErrorType } from './envelope/createNativeSealBackend.js'
export { createNativeSealBackend } from './envelope/createNativeSealBackend.js'
export type { CreateNativeHpkeErrorType } from './hpke/createNativeHpke.js'
export { createNativeHpke } from './hpke/createNativeHpke.js'
export type { CreateNativeSecp256k1RecoveryErrorType } from './identity/createNativeSecp256k1Recovery.js'
export { createNativeSecp256k1Recovery } from './identity/createNativeSecp256k1Recovery.js'
