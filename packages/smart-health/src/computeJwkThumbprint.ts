/**
 * RFC 7638 JWK thumbprints, which SMART Health Cards use as the `kid` of every issuer key.
 * @module
 */
import { bytesToBase64url, InvalidArgumentError, utf8ToBytes } from '@medseal/core'
import { sha256 } from '@noble/hashes/sha2.js'

/** Everything {@link computeJwkThumbprint} can throw. */
export type ComputeJwkThumbprintErrorType = InvalidArgumentError

const B64URL = /^[A-Za-z0-9_-]+$/

/**
 * The RFC 7638 SHA-256 thumbprint of an EC P-256 public key, base64url: SHA-256 over the JSON object of the
 * required members only (`crv`, `kty`, `x`, `y`), in lexicographic order, without whitespace (RFC 7638 §3.2-3.3).
 *
 * @param jwk - the public key (`kty: 'EC'`, `crv: 'P-256'`, base64url `x` and `y`; other members are ignored)
 * @returns the thumbprint, 43 base64url characters
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_KEY` when the key is not an EC P-256 JWK
 * @example
 * ```ts
 * import { computeJwkThumbprint } from '@medseal/smart-health'
 * const kid = computeJwkThumbprint({ kty: 'EC', crv: 'P-256', x: '11XvRWy1I2S0EyJlyf_bWfw_TQ5CJJNLw78bHXNxcgw', y: 'eZXwxvO1hvCY0KucrPfKo7yAyMT6Ajc3N7OkAB6VYy8' })
 * // '3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s'
 * ```
 */
export function computeJwkThumbprint(jwk: {
  readonly kty?: unknown
  readonly crv?: unknown
  readonly x?: unknown
  readonly y?: unknown
}): string {
  const { kty, crv, x, y } = (jwk ?? {}) as Record<string, unknown>
  if (
    kty !== 'EC' ||
    crv !== 'P-256' ||
    typeof x !== 'string' ||
    typeof y !== 'string' ||
    x.length !== 43 ||
    y.length !== 43 ||
    !B64URL.test(x) ||
    !B64URL.test(y)
  ) {
    throw new InvalidArgumentError('INVALID_KEY', 'jwk must be an EC P-256 public key with base64url x and y.')
  }
  // RFC 7638 §3.3: members in lexicographic order, no whitespace; every value here is base64url or ASCII
  return bytesToBase64url(sha256(utf8ToBytes(`{"crv":"P-256","kty":"EC","x":"${x}","y":"${y}"}`)))
}
