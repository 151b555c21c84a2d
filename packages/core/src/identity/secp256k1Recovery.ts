/**
 * The secp256k1 public-key recovery (Ethereum's `ecrecover`) the SDK's signature checks run on. The default is
 * `@noble/curves` (pure JavaScript, browsers and Node alike); a server that checks many signatures can plug in a
 * faster, well-kept implementation: `createNativeSecp256k1Recovery()` from `@medseal/core/node` (libsecp256k1).
 * @module
 */
import { secp256k1 } from '@noble/curves/secp256k1.js'

/**
 * An implementation of secp256k1 public-key recovery. The SDK calls it only after its own checks of the signature's
 * form (65 bytes, `v` 27 or 28, `r` and `s` in [1, n-1], low-s), so an implementation that also accepts high-s or other
 * forms changes no decision; it recovers, it does not judge. What it returns is checked to be a point on the curve
 * before an address is derived from it.
 *
 * Give one to `createCustodian({ secp256k1 })`, or to the byte-level helpers (`recoverAddress(digest, signature,
 * { secp256k1 })`). Check a new one with `describeSecp256k1RecoveryConformance` from `@medseal/core/testing`, which
 * compares it with the default over random keys and the edge cases.
 *
 * @example
 * ```ts
 * import { createCustodian } from '@medseal/core'
 * import { createNativeSecp256k1Recovery } from '@medseal/core/node'
 * const custodian = createCustodian({ party, ledger, log, secp256k1: createNativeSecp256k1Recovery() })
 * ```
 */
export type Secp256k1Recovery = {
  /** Which implementation: `'noble'` (the default, `@noble/curves`), `'libsecp256k1'` (the native one), … */
  readonly name: string
  /**
   * The public key that made `signature` over `digest`, as 65 bytes `0x04 || x || y`; throws when no key recovers (for
   * example when no curve point has the x-coordinate `r`).
   *
   * @param digest - 32 bytes, used as they are (no hashing)
   * @param signature - 64 bytes `r || s`, already checked: `r`, `s` in [1, n-1], `s` ≤ n/2
   * @param recovery - the recovery id (`v - 27`): 0 or 1
   */
  recoverPublicKey(digest: Uint8Array, signature: Uint8Array, recovery: 0 | 1): Uint8Array
}

/** Options of the signature helpers that recover a signer. */
export type Secp256k1RecoveryOptions = {
  /** The implementation to recover with (default: `@noble/curves`). */
  readonly secp256k1?: Secp256k1Recovery | undefined
}

/** The default recovery, on `@noble/curves`. @internal */
export const _nobleRecovery: Secp256k1Recovery = /* @__PURE__ */ Object.freeze({
  name: 'noble',
  recoverPublicKey(digest: Uint8Array, signature: Uint8Array, recovery: 0 | 1): Uint8Array {
    return secp256k1.Signature.fromBytes(signature, 'compact')
      .addRecoveryBit(recovery)
      .recoverPublicKey(digest)
      .toBytes(false)
  },
})

/** Is `value` shaped like a {@link Secp256k1Recovery}? @internal */
export function _isSecp256k1Recovery(value: unknown): value is Secp256k1Recovery {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Secp256k1Recovery).name === 'string' &&
    typeof (value as Secp256k1Recovery).recoverPublicKey === 'function'
  )
}
