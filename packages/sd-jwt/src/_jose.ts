/**
 * Internal JOSE helpers: compact JWS with ES256 over WebCrypto (P-256, IEEE P1363 r‖s signatures, RFC 7518 §3.4),
 * strict base64url JSON, and SHA-256 digests (RFC 9901 §4.2.3). No primitive is written here.
 * @module
 * @internal
 */
import {
  base64urlToBytes,
  bytesToBase64url,
  bytesToUtf8,
  describeType,
  InvalidArgumentError,
  toArrayBufferBacked,
  utf8ToBytes,
  VerificationError,
} from '@medseal/core'
import { sha256 } from '@noble/hashes/sha2.js'

import type { Es256Key } from './types.js'

export type { Es256Key }

const ALG = { name: 'ECDSA', namedCurve: 'P-256' } as const
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const

/** Largest compact token accepted, in characters (1 MiB): bounds parsing of attacker input. */
export const MAX_TOKEN_CHARS = 1 << 20

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle
  if (!s) throw new InvalidArgumentError('INVALID_ARGUMENT', 'WebCrypto (crypto.subtle) is not available here.')
  return s
}

const isCryptoKey = (k: unknown): k is CryptoKey =>
  typeof CryptoKey !== 'undefined' ? k instanceof CryptoKey : typeof k === 'object' && k !== null && 'algorithm' in k

/** The public members of a P-256 JWK, checked (no `d`). */
export function publicJwk(jwk: unknown, name: string): JsonWebKey {
  const k = jwk as JsonWebKey
  if (
    typeof k !== 'object' ||
    k === null ||
    k.kty !== 'EC' ||
    k.crv !== 'P-256' ||
    typeof k.x !== 'string' ||
    typeof k.y !== 'string'
  ) {
    throw new InvalidArgumentError('INVALID_KEY', `${name} must be a P-256 EC JWK (kty EC, crv P-256, x, y).`, {
      metaMessages: [`Received ${describeType(jwk)}.`],
    })
  }
  return { kty: 'EC', crv: 'P-256', x: k.x, y: k.y }
}

/** Imports `key` for `usage`; a JWK keeps only the members that usage needs. */
export async function importEs256(key: Es256Key, usage: 'sign' | 'verify', name: string): Promise<CryptoKey> {
  if (isCryptoKey(key)) {
    const a = key.algorithm as EcKeyAlgorithm
    if (a.name !== 'ECDSA' || a.namedCurve !== 'P-256' || !key.usages.includes(usage))
      throw new InvalidArgumentError('INVALID_KEY', `${name} must be an ECDSA P-256 CryptoKey usable to ${usage}.`)
    return key
  }
  const pub = publicJwk(key, name)
  if (usage === 'sign') {
    if (typeof key.d !== 'string') throw new InvalidArgumentError('INVALID_KEY', `${name} must be a private JWK (d).`)
    try {
      return await subtle().importKey('jwk', { ...pub, d: key.d }, ALG, false, ['sign'])
    } catch (cause) {
      throw new InvalidArgumentError('INVALID_KEY', `${name} is not a valid P-256 private key.`, { cause })
    }
  }
  try {
    return await subtle().importKey('jwk', pub, ALG, true, ['verify'])
  } catch (cause) {
    throw new InvalidArgumentError('INVALID_KEY', `${name} is not a valid P-256 public key.`, { cause })
  }
}

/** base64url(UTF-8(JSON)). */
export const b64json = (value: unknown): string => bytesToBase64url(utf8ToBytes(JSON.stringify(value)))

/** base64url(SHA-256(ASCII(text))): RFC 9901 §4.2.3 digests and §4.3.1 `sd_hash`. */
export const digestOf = (text: string): string => bytesToBase64url(sha256(utf8ToBytes(text)))

/** Decodes a base64url JSON object part; anything else is `code` with `what` named. */
export function decodeJsonPart(part: string, what: string, code: 'SD_JWT_MALFORMED' = 'SD_JWT_MALFORMED'): unknown {
  let text: string
  try {
    text = bytesToUtf8(base64urlToBytes(part))
  } catch (cause) {
    throw new VerificationError(code, `${what} is not base64url UTF-8.`, { cause })
  }
  try {
    return JSON.parse(text)
  } catch (cause) {
    throw new VerificationError(code, `${what} is not JSON.`, { cause })
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** A compact JWS split into its checked parts. */
export type ParsedJws = {
  readonly header: Record<string, unknown>
  readonly payload: Record<string, unknown>
  readonly signingInput: string
  readonly signature: Uint8Array
}

/** Parses a compact JWS (no signature check): three base64url parts, JSON object header and payload, ES256. */
export function parseJws(jws: string, what: string): ParsedJws {
  const parts = jws.split('.')
  if (parts.length !== 3) throw new VerificationError('SD_JWT_MALFORMED', `${what} is not a compact JWS.`)
  const [h, p, s] = parts as [string, string, string]
  const header = decodeJsonPart(h, `${what} header`)
  const payload = decodeJsonPart(p, `${what} payload`)
  if (!isPlainObject(header) || !isPlainObject(payload))
    throw new VerificationError('SD_JWT_MALFORMED', `${what} header and payload must be JSON objects.`)
  if (header.alg !== 'ES256')
    throw new VerificationError('SD_JWT_UNSUPPORTED_ALG', `${what} must be signed with ES256.`, {
      metaMessages: [`alg: ${typeof header.alg === 'string' ? header.alg.slice(0, 16) : describeType(header.alg)}`],
    })
  if ('crit' in header)
    throw new VerificationError('SD_JWT_MALFORMED', `${what} has a crit header medseal does not know.`)
  let signature: Uint8Array
  try {
    signature = base64urlToBytes(s)
  } catch (cause) {
    throw new VerificationError('SD_JWT_MALFORMED', `${what} signature is not base64url.`, { cause })
  }
  return { header, payload, signingInput: `${h}.${p}`, signature }
}

/** ES256-signs `header.payload`, returning the compact JWS. */
export async function signJws(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: CryptoKey,
): Promise<string> {
  const input = `${b64json({ ...header, alg: 'ES256' })}.${b64json(payload)}`
  const sig = new Uint8Array(await subtle().sign(SIGN, key, utf8ToBytes(input)))
  return `${input}.${bytesToBase64url(sig)}`
}

/** True when `jws` carries a valid ES256 signature by `key` (false for a wrong or malformed signature). */
export async function verifyJwsSignature(jws: ParsedJws, key: CryptoKey): Promise<boolean> {
  if (jws.signature.length !== 64) return false
  return subtle().verify(SIGN, key, toArrayBufferBacked(jws.signature), utf8ToBytes(jws.signingInput))
}

export { isPlainObject }
