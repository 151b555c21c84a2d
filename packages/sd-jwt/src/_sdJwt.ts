/**
 * Internal RFC 9901 processing shared by the holder and the verifier: the compact form (§4), disclosures (§4.2) and
 * the strict reconstruction of the claims (§7.1 steps 3–5), recording where each disclosure lands.
 * @module
 * @internal
 */
import { VerificationError } from '@medseal/core'
import { decodeJsonPart, digestOf, isPlainObject, MAX_TOKEN_CHARS, type ParsedJws, parseJws } from './_jose.js'

/** Names no disclosure can carry, at any depth (RFC 9901 §4.2.1; `_sd_alg` is the digest algorithm's claim). */
export const RESERVED_NAMES: ReadonlySet<string> = /* @__PURE__ */ new Set(['_sd', '...', '_sd_alg'])

/**
 * Top-level claims that must stay in the clear (SD-JWT VC §3.2.2, and medseal's binding): a disclosure of one of
 * these names at the payload root is refused. Deeper down they are ordinary names (an Observation's `status`).
 */
export const PLAIN_TOP_LEVEL: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'iss',
  'nbf',
  'exp',
  'iat',
  'cnf',
  'vct',
  'vct#integrity',
  'status',
  'medseal',
])

/** Sets an own data property (a `__proto__` claim stays a claim, never a prototype). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

/** Most disclosures and nesting accepted: bounds work on attacker input. */
export const MAX_DISCLOSURES = 4096
export const MAX_DEPTH = 64

/** One decoded disclosure. */
export type Disclosure = {
  /** The disclosure as sent (base64url). */
  readonly encoded: string
  /** base64url(SHA-256(encoded)). */
  readonly digest: string
  readonly salt: string
  /** The claim name; absent for an array element. */
  readonly name?: string
  readonly value: unknown
}

/** A compact SD-JWT (+KB) split into its parts. */
export type CompactSdJwt = {
  readonly jwt: string
  readonly disclosures: readonly string[]
  /** The key-binding JWT, or undefined when the string ended with `~`. */
  readonly kbJwt: string | undefined
  /** `<jwt>~<d1>~…~<dn>~`: the input of `sd_hash` (RFC 9901 §4.3.1). */
  readonly sdJwtPart: string
}

/** Splits `<jwt>~<d1>~…~<dn>~[<kb>]` (RFC 9901 §4). */
export function splitCompact(text: unknown): CompactSdJwt {
  if (typeof text !== 'string' || text.length === 0)
    throw new VerificationError('SD_JWT_MALFORMED', 'An SD-JWT must be a non-empty string.')
  if (text.length > MAX_TOKEN_CHARS)
    throw new VerificationError('SD_JWT_MALFORMED', 'The SD-JWT is longer than 1 MiB.', {
      metaMessages: [`Received ${text.length} characters.`],
    })
  const parts = text.split('~')
  if (parts.length < 2) throw new VerificationError('SD_JWT_MALFORMED', 'An SD-JWT has at least one `~`.')
  const jwt = parts[0] as string
  const last = parts[parts.length - 1] as string
  const disclosures = parts.slice(1, -1)
  if (disclosures.length > MAX_DISCLOSURES)
    throw new VerificationError('SD_JWT_MALFORMED', `An SD-JWT carries at most ${MAX_DISCLOSURES} disclosures.`)
  if (jwt === '' || disclosures.some((d) => d === ''))
    throw new VerificationError('SD_JWT_MALFORMED', 'An SD-JWT has an empty part between `~` separators.')
  const sdJwtPart = `${parts.slice(0, -1).join('~')}~`
  return { jwt, disclosures, kbJwt: last === '' ? undefined : last, sdJwtPart }
}

/** Decodes one disclosure strictly (RFC 9901 §4.2.1, §4.2.2). */
export function decodeDisclosure(encoded: string): Disclosure {
  const arr = decodeJsonPart(encoded, 'A disclosure')
  if (!Array.isArray(arr) || (arr.length !== 2 && arr.length !== 3) || typeof arr[0] !== 'string')
    throw new VerificationError(
      'SD_JWT_DISCLOSURE_INVALID',
      'A disclosure must be [salt, name, value] or [salt, value] with a string salt.',
    )
  const digest = digestOf(encoded)
  if (arr.length === 2) return { encoded, digest, salt: arr[0], value: arr[1] }
  if (typeof arr[1] !== 'string')
    throw new VerificationError('SD_JWT_DISCLOSURE_INVALID', 'A disclosure claim name must be a string.')
  if (RESERVED_NAMES.has(arr[1]))
    throw new VerificationError('SD_JWT_RESERVED_CLAIM', 'A disclosure names a reserved claim.', {
      metaMessages: [`name: ${arr[1]}`],
    })
  return { encoded, digest, salt: arr[0], name: arr[1], value: arr[2] }
}

import type { ClaimPath } from './types.js'

export type { ClaimPath }

/** RFC 6901 JSON Pointer of a path. */
export const toPointer = (path: ClaimPath): string =>
  path.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('')

/** Where a disclosure landed in the reconstructed claims. */
export type PlacedDisclosure = Disclosure & {
  readonly path: ClaimPath
  /** The digest of the disclosure whose value contains this one (recursive disclosure), if any. */
  readonly parent?: string
}

/** The result of {@link processSdJwt}. */
export type ProcessedSdJwt = {
  readonly jws: ParsedJws
  /** The claims with every sent disclosure in place, `_sd`, `_sd_alg` and undisclosed `...` entries removed. */
  readonly claims: Record<string, unknown>
  /** Every disclosure sent, in payload order, with its path. */
  readonly placed: readonly PlacedDisclosure[]
}

/**
 * Parses the issuer-signed JWT (no signature check here) and rebuilds the claims from the disclosures, refusing:
 * a repeated disclosure (`SD_JWT_DISCLOSURE_REUSED`), a repeated digest (`SD_JWT_DIGEST_DUPLICATE`), a disclosure of
 * the wrong form for its place or one that overwrites a claim (`SD_JWT_DISCLOSURE_INVALID`), a reserved name or a
 * `...` object with other keys (`SD_JWT_RESERVED_CLAIM`), an `_sd_alg` other than `sha-256`
 * (`SD_JWT_UNSUPPORTED_ALG`), and a disclosure no digest refers to (`SD_JWT_DISCLOSURE_UNREFERENCED`). Digests with
 * no disclosure (decoys or undisclosed claims) are dropped silently, as RFC 9901 §7.1 requires.
 */
export function processSdJwt(compact: CompactSdJwt): ProcessedSdJwt {
  const jws = parseJws(compact.jwt, 'The issuer-signed JWT')
  const alg = jws.payload._sd_alg
  if (alg !== undefined && alg !== 'sha-256')
    throw new VerificationError('SD_JWT_UNSUPPORTED_ALG', 'Only `_sd_alg: sha-256` is supported.', {
      metaMessages: [`_sd_alg: ${typeof alg === 'string' ? alg.slice(0, 32) : typeof alg}`],
    })
  const byDigest = new Map<string, Disclosure>()
  const sent = new Set<string>()
  for (const encoded of compact.disclosures) {
    if (sent.has(encoded)) throw new VerificationError('SD_JWT_DISCLOSURE_REUSED', 'The same disclosure is sent twice.')
    sent.add(encoded)
    const d = decodeDisclosure(encoded)
    byDigest.set(d.digest, d)
  }
  const seen = new Set<string>()
  const placed: PlacedDisclosure[] = []

  const take = (digest: unknown): Disclosure | undefined => {
    if (typeof digest !== 'string')
      throw new VerificationError('SD_JWT_MALFORMED', 'A disclosure digest must be a string.')
    if (seen.has(digest))
      throw new VerificationError('SD_JWT_DIGEST_DUPLICATE', 'A disclosure digest appears more than once.')
    seen.add(digest)
    return byDigest.get(digest)
  }

  const walk = (value: unknown, path: ClaimPath, parent: string | undefined, depth: number): unknown => {
    if (depth > MAX_DEPTH) throw new VerificationError('SD_JWT_MALFORMED', `Claims nest deeper than ${MAX_DEPTH}.`)
    if (Array.isArray(value)) {
      const out: unknown[] = []
      for (const item of value) {
        if (isPlainObject(item) && '...' in item) {
          if (Object.keys(item).length !== 1)
            throw new VerificationError('SD_JWT_RESERVED_CLAIM', 'An array entry with `...` must have no other key.')
          const d = take(item['...'])
          if (d === undefined) continue
          if (d.name !== undefined)
            throw new VerificationError(
              'SD_JWT_DISCLOSURE_INVALID',
              'An array entry refers to an object-property disclosure.',
            )
          const at = [...path, out.length]
          placed.push({ ...d, path: at, ...(parent === undefined ? {} : { parent }) })
          out.push(walk(d.value, at, d.digest, depth + 1))
        } else out.push(walk(item, [...path, out.length], parent, depth + 1))
      }
      return out
    }
    if (!isPlainObject(value)) return value
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      if (k === '_sd' || (k === '_sd_alg' && depth === 0)) continue
      if (k === '...') throw new VerificationError('SD_JWT_RESERVED_CLAIM', '`...` is only allowed in array entries.')
      setOwn(out, k, walk(v, [...path, k], parent, depth + 1))
    }
    if ('_sd' in value) {
      const list = value._sd
      if (!Array.isArray(list)) throw new VerificationError('SD_JWT_MALFORMED', '`_sd` must be an array of digests.')
      for (const digest of list) {
        const d = take(digest)
        if (d === undefined) continue
        if (d.name === undefined)
          throw new VerificationError('SD_JWT_DISCLOSURE_INVALID', '`_sd` refers to an array-element disclosure.')
        if (depth === 0 && PLAIN_TOP_LEVEL.has(d.name))
          throw new VerificationError('SD_JWT_RESERVED_CLAIM', 'A disclosure names a claim that must stay plain.', {
            metaMessages: [`name: ${d.name}`],
          })
        if (Object.hasOwn(out, d.name))
          throw new VerificationError('SD_JWT_DISCLOSURE_INVALID', 'A disclosure overwrites a claim already present.', {
            metaMessages: [`name: ${d.name}`],
          })
        const at = [...path, d.name]
        placed.push({ ...d, path: at, ...(parent === undefined ? {} : { parent }) })
        setOwn(out, d.name, walk(d.value, at, d.digest, depth + 1))
      }
    }
    return out
  }

  const claims = walk(jws.payload, [], undefined, 0) as Record<string, unknown>
  if (placed.length !== byDigest.size)
    throw new VerificationError(
      'SD_JWT_DISCLOSURE_UNREFERENCED',
      'A disclosure is not referenced by the SD-JWT it is sent with.',
      { metaMessages: [`${byDigest.size - placed.length} of ${byDigest.size} disclosures unreferenced.`] },
    )
  return { jws, claims, placed }
}
