/**
 * WebCrypto helpers shared by cards and links: ES256 (ECDSA P-256 with SHA-256, IEEE P1363 `r || s` signatures as
 * JWS wants, RFC 7518 §3.4) and AES-256-GCM (RFC 7518 §5.3).
 * @module
 * @internal
 */
import { toArrayBufferBacked } from '@medseal/core'

const ES256_IMPORT = { name: 'ECDSA', namedCurve: 'P-256' } as const
const ES256_SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const

/** A P-256 public JWK as SMART Health Cards publish it. */
export type EcPublicJwk = {
  readonly kty: 'EC'
  readonly crv: 'P-256'
  readonly x: string
  readonly y: string
}

/** @internal */
export function subtle(): SubtleCrypto {
  return globalThis.crypto.subtle
}

/** @internal */
export async function importEs256Public(jwk: EcPublicJwk): Promise<CryptoKey> {
  return subtle().importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, ext: true }, ES256_IMPORT, false, [
    'verify',
  ])
}

/** @internal */
export async function signEs256(key: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().sign(ES256_SIGN, key, toArrayBufferBacked(data)))
}

/** @internal */
export async function verifyEs256(key: CryptoKey, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  if (signature.length !== 64) return false
  return subtle().verify(ES256_SIGN, key, toArrayBufferBacked(signature), toArrayBufferBacked(data))
}
