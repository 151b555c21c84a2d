/**
 * `@medseal/core/node`: what only Node can run — libsecp256k1 signature recovery for servers
 * ({@link createNativeSecp256k1Recovery}).
 * @module @medseal/core/node
 */
export type { CreateNativeSecp256k1RecoveryErrorType } from './identity/createNativeSecp256k1Recovery.js'
export { createNativeSecp256k1Recovery } from './identity/createNativeSecp256k1Recovery.js'
