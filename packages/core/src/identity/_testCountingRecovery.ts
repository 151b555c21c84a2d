/** A test helper: the default secp256k1 recovery, counting its calls (not built into the package). @internal */
import { _nobleRecovery, type Secp256k1Recovery } from './secp256k1Recovery.js'

/** The default recovery (`@noble/curves`), counting its calls in `calls`. */
export function countingRecovery(): Secp256k1Recovery & { calls: number } {
  const impl = {
    name: 'counting',
    calls: 0,
    recoverPublicKey(digest: Uint8Array, signature: Uint8Array, recovery: 0 | 1) {
      impl.calls++
      return _nobleRecovery.recoverPublicKey(digest, signature, recovery)
    },
  }
  return impl
}
