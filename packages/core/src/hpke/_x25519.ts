/**
 * X25519 (RFC 7748) from `@noble/curves`' `montgomery` factory, the construction its documentation gives, without
 * the fixed-base hook that `@noble/curves/ed25519.js`'s `x25519` adds: that hook computes public keys on the Edwards
 * curve (≈3× faster there) and so brings the whole Edwards and EdDSA code into every bundle that seals. Outputs are
 * identical (the ladder and the Edwards map compute the same `u`); tests compare both on random keys and run the
 * RFC 7748 / RFC 9180 vectors. The WebCrypto `X25519` path, used wherever it exists, does not touch this. Cost on
 * this fallback (measured in Node 20 beside the Edwards-hooked one): a public key ≈5 ms instead of ≈1 ms (hot paths
 * pass the public key along and never recompute it), a shared secret ≈1.3× (inversion by `pow`, not an addition
 * chain).
 * @module
 */

import { pow } from '@noble/curves/abstract/modular.js'
import { montgomery } from '@noble/curves/abstract/montgomery.js'

/** 2^255 − 19 */
const P = /* @__PURE__ */ (() => 2n ** 255n - 19n)()

/** `@noble/curves` X25519 over the Montgomery ladder only. */
export const x25519: ReturnType<typeof montgomery> = /* @__PURE__ */ montgomery({
  P,
  type: 'x25519',
  // Field inversion by Fermat's little theorem; the exponent is public.
  powPminus2: (x: bigint) => pow(x, P - 2n, P),
  // RFC 7748 §5 clamping, in place.
  adjustScalarBytes(bytes: Uint8Array) {
    bytes[0] = (bytes[0] as number) & 248
    bytes[31] = ((bytes[31] as number) & 127) | 64
    return bytes
  },
})
