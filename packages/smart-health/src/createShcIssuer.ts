/**
 * A SMART Health Card issuer: its `iss` URL and an ES256 (P-256) signing key whose `kid` is the key's RFC 7638
 * thumbprint, and the JWKS document it publishes at `<iss>/.well-known/jwks.json`.
 * @module
 */
import { InvalidArgumentError } from '@medseal/core'
import { type EcPublicJwk, signEs256, subtle } from './_webcrypto.js'
import { computeJwkThumbprint } from './computeJwkThumbprint.js'

/** One key of an issuer's JWKS (SMART Health Cards §Protocol Details: `kty`, `kid`, `use`, `alg`, `crv`, `x`, `y`). */
export type ShcJwk = {
  readonly kty: 'EC'
  readonly crv: 'P-256'
  /** base64url of the P-256 point's x coordinate. */
  readonly x: string
  /** base64url of the P-256 point's y coordinate. */
  readonly y: string
  readonly kid: string
  readonly use: 'sig'
  readonly alg: 'ES256'
  /** Present when the key has a revocation list: the list's current `ctr`. */
  readonly crlVersion?: number
}

/** An issuer's JWKS document. */
export type ShcJwks = { readonly keys: readonly ShcJwk[] }

/** A private P-256 JWK (`d` is the secret scalar). */
export type ShcPrivateJwk = Pick<ShcJwk, 'kty' | 'crv' | 'x' | 'y'> & { readonly d: string }

/** Options of {@link createShcIssuer}. */
export type CreateShcIssuerParameters = {
  /** The issuer URL: `https://`, no trailing slash, at most 128 characters (the card's `iss`). */
  readonly iss: string
  /** The signing key. Default: a new non-extractable P-256 key pair from WebCrypto. */
  readonly privateJwk?: ShcPrivateJwk
  /** The key's revocation list version (`crlVersion` in the JWKS), when the issuer publishes a CRL for it. */
  readonly crlVersion?: number
}

/** An issuer, frozen. */
export type ShcIssuer = {
  readonly iss: string
  /** The signing key's RFC 7638 thumbprint. */
  readonly kid: string
  /** The public key as published. */
  readonly publicJwk: ShcJwk
  /** The JWKS document to serve at `<iss>/.well-known/jwks.json` (with CORS allowed for every origin). */
  jwks(): ShcJwks
  /** ES256 over `data` (the JWS signing input); the signature as JWS wants it (64 bytes `r || s`). */
  sign(data: Uint8Array): Promise<Uint8Array>
}

/** Everything {@link createShcIssuer} can throw. */
export type CreateShcIssuerErrorType = InvalidArgumentError

/** SMART Health Cards: `iss` is an https URL without a trailing slash, at most 128 characters. */
export function checkIss(iss: unknown, name = 'iss'): string {
  if (
    typeof iss === 'string' &&
    iss.length <= 128 &&
    /^https:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(iss) &&
    !iss.endsWith('/')
  )
    return iss
  throw new InvalidArgumentError(
    'INVALID_ARGUMENT',
    `${name} must be an https URL without a trailing slash, query or fragment, at most 128 characters.`,
  )
}

/**
 * Creates an issuer from its URL and (optionally) its private key.
 *
 * @param params - `iss`, optional `privateJwk` (default: a fresh key), optional `crlVersion`
 * @returns the issuer: `iss`, `kid`, `publicJwk`, `jwks()`, `sign()`
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_ARGUMENT` for a bad `iss`, `INVALID_KEY` for a bad key
 * @example
 * ```ts
 * import { createShcIssuer } from '@medseal/smart-health'
 * const issuer = await createShcIssuer({ iss: 'https://hospital.example/shc' })
 * console.log(issuer.kid, JSON.stringify(issuer.jwks()))
 * ```
 */
export async function createShcIssuer(params: CreateShcIssuerParameters): Promise<ShcIssuer> {
  const iss = checkIss(params?.iss)
  const { crlVersion } = params
  if (crlVersion !== undefined && (!Number.isSafeInteger(crlVersion) || crlVersion < 1))
    throw new InvalidArgumentError('OUT_OF_RANGE', 'crlVersion must be a positive integer.')
  let privateKey: CryptoKey
  let pub: EcPublicJwk
  if (params.privateJwk) {
    const { x, y, d } = params.privateJwk
    computeJwkThumbprint(params.privateJwk) // checks kty, crv, x, y
    if (typeof d !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(d))
      throw new InvalidArgumentError('INVALID_KEY', 'privateJwk.d must be 43 base64url characters.')
    try {
      privateKey = await subtle().importKey(
        'jwk',
        { kty: 'EC', crv: 'P-256', x, y, d, ext: false },
        { name: 'ECDSA', namedCurve: 'P-256' },
        false,
        ['sign'],
      )
    } catch (cause) {
      throw new InvalidArgumentError('INVALID_KEY', 'privateJwk is not a valid P-256 key pair.', { cause })
    }
    pub = { kty: 'EC', crv: 'P-256', x, y }
  } else {
    const pair = (await subtle().generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair
    privateKey = pair.privateKey
    const jwk = await subtle().exportKey('jwk', pair.publicKey)
    pub = { kty: 'EC', crv: 'P-256', x: jwk.x as string, y: jwk.y as string }
  }
  const kid = computeJwkThumbprint(pub)
  const publicJwk: ShcJwk = Object.freeze({
    ...pub,
    kid,
    use: 'sig',
    alg: 'ES256',
    ...(crlVersion === undefined ? {} : { crlVersion }),
  })
  return Object.freeze({
    iss,
    kid,
    publicJwk,
    jwks: () => Object.freeze({ keys: Object.freeze([publicJwk]) }),
    sign: (data: Uint8Array) => signEs256(privateKey, data),
  })
}
