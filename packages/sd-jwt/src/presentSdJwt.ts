/**
 * The holder's side: a presentation of a subset of an SD-JWT's disclosures, with a key-binding JWT
 * (RFC 9901 §4.3, §7.2).
 * @module
 */
import { describeType, InvalidArgumentError, type VerificationError } from '@medseal/core'
import { digestOf, type Es256Key, importEs256, signJws } from './_jose.js'
import { type PlacedDisclosure, processSdJwt, splitCompact, toPointer } from './_sdJwt.js'

/** Parameters of {@link presentSdJwt}. */
export type PresentSdJwtParameters = {
  /** The SD-JWT as issued (`<jwt>~<d1>~…~<dn>~`), with all its disclosures. */
  readonly sdJwt: string
  /**
   * What to reveal: JSON Pointers of claims (`/fhir/valueQuantity`), or FHIR element names (`code`, `value[x]`),
   * which mean `/fhir/<name>`. The disclosures that contain a revealed one are sent too. Empty reveals nothing.
   */
  readonly reveal: readonly string[]
  /** The holder's private key: the key of the token's `cnf.jwk`. */
  readonly holderKey: Es256Key
  /** The verifier this presentation is for (KB-JWT `aud`). */
  readonly aud: string
  /** The verifier's fresh nonce (KB-JWT `nonce`). */
  readonly nonce: string
  /** Presentation time, Unix seconds (default now). */
  readonly iat?: number
}

/** Everything {@link presentSdJwt} can throw. */
export type PresentSdJwtErrorType = InvalidArgumentError | VerificationError

function matches(d: PlacedDisclosure, entry: string): boolean {
  const pointer = toPointer(d.path)
  if (entry.startsWith('/')) return pointer === entry
  if (d.path.length !== 2 || d.path[0] !== 'fhir' || typeof d.path[1] !== 'string') return false
  if (entry.endsWith('[x]')) {
    const stem = entry.slice(0, -3)
    const name = d.path[1]
    return name.length > stem.length && name.startsWith(stem) && /^[A-Z]/.test(name[stem.length] ?? '')
  }
  return d.path[1] === entry
}

/**
 * Presents the disclosures of `reveal` (and those that contain them) with a key-binding JWT: header `typ: kb+jwt`,
 * payload `iat`, `aud`, `nonce` and `sd_hash` = base64url(SHA-256(`<jwt>~<disclosures>~`)), signed ES256 by the
 * holder. The SD-JWT is parsed strictly first (the same refusals as the verifier, except the issuer signature, which
 * the holder's wallet checks when it receives the token).
 *
 * @param params - see {@link PresentSdJwtParameters}
 * @returns the presentation `<jwt>~<d…>~<kb-jwt>`
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_ARGUMENT` for a reveal entry that matches no disclosure, a bad
 *   `aud`/`nonce`/`iat`, or an SD-JWT that already has a key-binding JWT; `INVALID_KEY`
 * @throws {@link @medseal/core!VerificationError} the parsing codes of {@link verifySdJwt} (`SD_JWT_MALFORMED`, …)
 * @example
 * ```ts
 * import { presentSdJwt } from '@medseal/sd-jwt'
 * const presentation = await presentSdJwt({
 *   sdJwt, reveal: ['code', 'value[x]'], holderKey: patient.privateKey, aud: 'https://clinic.example', nonce,
 * })
 * ```
 */
export async function presentSdJwt(params: PresentSdJwtParameters): Promise<string> {
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'params must be an object.', {
      metaMessages: [`Received ${describeType(params)}.`],
    })
  const { reveal, aud, nonce } = params
  if (!Array.isArray(reveal) || reveal.some((r) => typeof r !== 'string'))
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'reveal must be an array of JSON Pointers or element names.')
  if (typeof aud !== 'string' || aud === '' || typeof nonce !== 'string' || nonce === '')
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'aud and nonce must be non-empty strings.')
  const iat = params.iat ?? Math.floor(Date.now() / 1000)
  if (!Number.isSafeInteger(iat) || iat < 0)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'iat must be Unix seconds.')
  const compact = splitCompact(params.sdJwt)
  if (compact.kbJwt !== undefined)
    throw new InvalidArgumentError(
      'INVALID_ARGUMENT',
      'sdJwt already carries a key-binding JWT; present the issued SD-JWT.',
    )
  const key = await importEs256(params.holderKey, 'sign', 'holderKey')
  const { placed } = processSdJwt(compact)

  const chosen = new Set<string>()
  for (const entry of reveal) {
    const hits = placed.filter((d) => matches(d, entry))
    if (hits.length === 0)
      throw new InvalidArgumentError('INVALID_ARGUMENT', 'A reveal entry matches no disclosure of this SD-JWT.', {
        metaMessages: [`entry: ${entry.slice(0, 64)}`],
      })
    for (const d of hits) chosen.add(d.digest)
  }
  // a revealed disclosure inside another one needs its container (RFC 9901 §7.2 step 2)
  const byDigest = new Map(placed.map((d) => [d.digest, d]))
  for (const digest of [...chosen]) {
    let parent = byDigest.get(digest)?.parent
    while (parent !== undefined) {
      chosen.add(parent)
      parent = byDigest.get(parent)?.parent
    }
  }
  const sent = compact.disclosures.filter((e) => chosen.has(digestOf(e)))
  const sdJwtPart = `${compact.jwt}~${sent.map((d) => `${d}~`).join('')}`
  const kb = await signJws({ typ: 'kb+jwt' }, { iat, aud, nonce, sd_hash: digestOf(sdJwtPart) }, key)
  return `${sdJwtPart}${kb}`
}
