/**
 * ES256 (ECDSA P-256, SHA-256) key pairs from WebCrypto, for SD-JWT issuers, holders and status list signers.
 * @module
 */
import { InvalidArgumentError } from '@medseal/core'

/** What {@link generateEs256Key} returns. */
export type GenerateEs256KeyReturnType = {
  /** Non-extractable private key (sign). */
  readonly privateKey: CryptoKey
  /** Public key (verify). */
  readonly publicKey: CryptoKey
  /** The public key as a JWK (`kty`, `crv`, `x`, `y`): the issuer's published key or the holder's `cnf.jwk`. */
  readonly publicJwk: JsonWebKey
}

/** Everything {@link generateEs256Key} can throw. */
export type GenerateEs256KeyErrorType = InvalidArgumentError

/**
 * Generates a P-256 key pair with WebCrypto (`crypto.subtle.generateKey`); the private key is not extractable.
 *
 * @returns the key pair and the public JWK
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_ARGUMENT` when WebCrypto is not available
 * @example
 * ```ts
 * import { generateEs256Key } from '@medseal/sd-jwt'
 * const holder = await generateEs256Key()
 * holder.publicJwk.crv // 'P-256'
 * ```
 */
export async function generateEs256Key(): Promise<GenerateEs256KeyReturnType> {
  const subtle = globalThis.crypto?.subtle
  if (!subtle) throw new InvalidArgumentError('INVALID_ARGUMENT', 'WebCrypto (crypto.subtle) is not available here.')
  const pair = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair
  const jwk = await subtle.exportKey('jwk', pair.publicKey)
  const publicJwk = Object.freeze({ kty: 'EC', crv: 'P-256', x: jwk.x as string, y: jwk.y as string })
  return Object.freeze({ privateKey: pair.privateKey, publicKey: pair.publicKey, publicJwk })
}
