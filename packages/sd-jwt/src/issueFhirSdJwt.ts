/**
 * Issuance of an SD-JWT VC whose selectively disclosable claims are the elements of a FHIR resource, bound to the
 * sealed record it was read from (docs/spec/sd-jwt-fhir.md §2–§4).
 * @module
 */
import {
  bytesToBase64url,
  randomBytes as defaultRandomBytes,
  describeType,
  type Hex,
  InvalidArgumentError,
  parseReceipt,
  type RandomBytes,
  type VerificationError,
} from '@medseal/core'
import { b64json, digestOf, type Es256Key, importEs256, publicJwk, signJws } from './_jose.js'
import { setOwn, toPointer } from './_sdJwt.js'
import type { SdJwtRecordBinding, SdJwtStatus } from './types.js'

/** The `vct` medseal uses when the caller names none. */
export const FHIR_SD_JWT_VCT = 'https://medseal.dev/vct/fhir-resource/v1'

/** Parameters of {@link issueFhirSdJwt}. */
export type IssueFhirSdJwtParameters = {
  /** The issuer: its ES256 private key (CryptoKey or JWK with `d`), its `iss` identifier, and an optional `kid`. */
  readonly issuer: { readonly key: Es256Key; readonly iss: string; readonly kid?: string }
  /** The FHIR resource (JSON), as opened from the sealed record. Not mutated. */
  readonly resource: { readonly resourceType: string } & Record<string, unknown>
  /**
   * Top-level FHIR elements made selectively disclosable, one disclosure each. A choice element is written with
   * `[x]` (`value[x]`, `effective[x]`) and matches the one the resource has (`valueQuantity`, …). Elements listed
   * but absent from the resource are skipped.
   */
  readonly disclose: readonly string[]
  /** Top-level FHIR elements always visible (besides `resourceType`, which always is). Default none. */
  readonly plain?: readonly string[]
  /** The holder's public P-256 JWK (`cnf.jwk`): only its key can sign the key-binding JWT of a presentation. */
  readonly holder: JsonWebKey
  /** The sealed record: its commitment (0x hex) and, if anchored, its receipt. */
  readonly binding: SdJwtRecordBinding
  /** The status mechanism; a verifier refuses a token without one unless its caller opts out by name. */
  readonly status?: SdJwtStatus
  /** Expiry, Unix seconds. Required: medseal never issues a token that holds forever. */
  readonly exp: number
  /** Issued at, Unix seconds (default now). */
  readonly iat?: number
  /** Not before, Unix seconds. */
  readonly nbf?: number
  /** SD-JWT VC type (default {@link FHIR_SD_JWT_VCT}). */
  readonly vct?: string
  /** JOSE `typ` (default `dc+sd-jwt`, the current SD-JWT VC media type; `vc+sd-jwt` for older verifiers). */
  readonly typ?: 'dc+sd-jwt' | 'vc+sd-jwt'
  /** Decoy digests added to the resource's `_sd` (RFC 9901 §4.2.5), hiding how many elements it has. Default 2. */
  readonly decoys?: number
  /** Randomness for salts and decoys (default `crypto.getRandomValues`). */
  readonly randomBytes?: RandomBytes
}

/** One disclosure the issuer made, for the holder's records. */
export type IssuedDisclosure = {
  /** JSON Pointer of the claim (`/fhir/valueQuantity`). */
  readonly pointer: string
  /** base64url(SHA-256(disclosure)). */
  readonly digest: string
  /** The disclosure itself (base64url of `[salt, name, value]`). */
  readonly encoded: string
}

/** What {@link issueFhirSdJwt} returns. */
export type IssueFhirSdJwtReturnType = {
  /** The SD-JWT with every disclosure: `<jwt>~<d1>~…~<dn>~`, for the holder. */
  readonly sdJwt: string
  readonly disclosures: readonly IssuedDisclosure[]
}

/** Everything {@link issueFhirSdJwt} can throw. */
export type IssueFhirSdJwtErrorType = InvalidArgumentError | VerificationError

const HEX32 = /^0x[0-9a-fA-F]{64}$/
const SALT_BYTES = 16 // 128 bits (RFC 9901 §9.3)
const MAX_DECOYS = 64

const bad = (message: string, received?: unknown) =>
  new InvalidArgumentError(
    'INVALID_ARGUMENT',
    message,
    received === undefined ? {} : { metaMessages: [`Received ${describeType(received)}.`] },
  )

const isTime = (t: unknown): t is number => typeof t === 'number' && Number.isSafeInteger(t) && t >= 0

/** The resource's element names an entry of `disclose`/`plain` selects (`value[x]` → `valueQuantity`). */
function select(resource: Record<string, unknown>, entry: string): string[] {
  if (entry.endsWith('[x]')) {
    const stem = entry.slice(0, -3)
    return Object.keys(resource).filter(
      (k) => k.length > stem.length && k.startsWith(stem) && /^[A-Z]/.test(k[stem.length] ?? ''),
    )
  }
  return Object.hasOwn(resource, entry) ? [entry] : []
}

function checkStatus(status: unknown): SdJwtStatus {
  const s = status as Record<string, Record<string, unknown>>
  if (typeof s === 'object' && s !== null && Object.keys(s).length === 1) {
    const list = s.status_list
    if (list && Number.isSafeInteger(list.idx) && (list.idx as number) >= 0 && typeof list.uri === 'string')
      return { status_list: { idx: list.idx as number, uri: list.uri } }
    const led = s.medseal_ledger
    if (
      led &&
      typeof led.ledger === 'string' &&
      typeof led.owner === 'string' &&
      /^0x[0-9a-fA-F]{40}$/.test(led.owner)
    ) {
      if (led.consent !== undefined && !(typeof led.consent === 'string' && HEX32.test(led.consent)))
        throw bad('status.medseal_ledger.consent must be a 0x 32-byte consent key.', led.consent)
      return { medseal_ledger: { ...led } as never }
    }
  }
  throw bad('status must be { status_list: { idx, uri } } or { medseal_ledger: { ledger, owner, consent? } }.', status)
}

/**
 * Issues an SD-JWT VC (RFC 9901, SD-JWT VC) over a FHIR resource: `resourceType` and the `plain` elements are visible,
 * each `disclose` element is one disclosure (salt of 128 bits from `crypto.getRandomValues`), the others are not in
 * the token at all. The `medseal` claim binds the token to the sealed record (its commitment and receipt), `cnf` to
 * the holder's key, `status` to its revocation mechanism. ES256 over WebCrypto; SHA-256 digests.
 *
 * @param params - see {@link IssueFhirSdJwtParameters}
 * @returns the SD-JWT with all disclosures, and each disclosure's JSON Pointer
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_ARGUMENT` for a bad resource, element list, time, status or binding;
 *   `INVALID_KEY` for a key that is not P-256
 * @throws {@link @medseal/core!VerificationError} `RECEIPT_MALFORMED` for a malformed `binding.receipt`
 * @example
 * ```ts
 * import { generateEs256Key, issueFhirSdJwt } from '@medseal/sd-jwt'
 * const hospital = await generateEs256Key()
 * const patient = await generateEs256Key()
 * const { sdJwt } = await issueFhirSdJwt({
 *   issuer: { key: hospital.privateKey, iss: 'https://hospital.example' },
 *   resource: observation,
 *   disclose: ['code', 'value[x]', 'effective[x]'],
 *   plain: ['status'],
 *   holder: patient.publicJwk,
 *   binding: { commitment, receipt },
 *   status: { status_list: { idx: 7, uri: 'https://hospital.example/status/1' } },
 *   exp: Math.floor(Date.now() / 1000) + 86_400,
 * })
 * ```
 */
export async function issueFhirSdJwt(params: IssueFhirSdJwtParameters): Promise<IssueFhirSdJwtReturnType> {
  if (typeof params !== 'object' || params === null) throw bad('params must be an object.', params)
  const { resource, issuer } = params
  if (
    typeof resource !== 'object' ||
    resource === null ||
    Array.isArray(resource) ||
    typeof resource.resourceType !== 'string'
  )
    throw bad('resource must be a FHIR resource (an object with a resourceType).', resource)
  if (typeof issuer !== 'object' || issuer === null || typeof issuer.iss !== 'string' || issuer.iss === '')
    throw bad('issuer must be { key, iss, kid? } with a non-empty iss.', issuer)
  if (!Array.isArray(params.disclose) || params.disclose.some((e) => typeof e !== 'string'))
    throw bad('disclose must be an array of FHIR element names.', params.disclose)
  const plainList = params.plain ?? []
  if (!Array.isArray(plainList) || plainList.some((e) => typeof e !== 'string'))
    throw bad('plain must be an array of FHIR element names.', plainList)
  if (!isTime(params.exp)) throw bad('exp must be Unix seconds (a non-negative integer).', params.exp)
  const iat = params.iat ?? Math.floor(Date.now() / 1000)
  if (!isTime(iat)) throw bad('iat must be Unix seconds.', iat)
  if (params.exp <= iat) throw bad('exp must be after iat.')
  if (params.nbf !== undefined && !isTime(params.nbf)) throw bad('nbf must be Unix seconds.', params.nbf)
  const binding = params.binding
  if (
    typeof binding !== 'object' ||
    binding === null ||
    typeof binding.commitment !== 'string' ||
    !HEX32.test(binding.commitment)
  )
    throw bad('binding.commitment must be the record commitment as 0x 32-byte hex.', binding)
  let receipt: unknown
  if (binding.receipt !== undefined) {
    const r = parseReceipt(binding.receipt)
    if (r.commitment.toLowerCase() !== binding.commitment.toLowerCase())
      throw bad('binding.receipt is the receipt of another commitment.')
    receipt = r
  }
  const status = params.status === undefined ? undefined : checkStatus(params.status)
  const decoys = params.decoys ?? 2
  if (!Number.isSafeInteger(decoys) || decoys < 0 || decoys > MAX_DECOYS)
    throw bad(`decoys must be an integer from 0 to ${MAX_DECOYS}.`, decoys)
  const typ = params.typ ?? 'dc+sd-jwt'
  if (typ !== 'dc+sd-jwt' && typ !== 'vc+sd-jwt') throw bad('typ must be dc+sd-jwt or vc+sd-jwt.', typ)
  const rnd = params.randomBytes ?? defaultRandomBytes
  const holder = publicJwk(params.holder, 'holder')
  const key = await importEs256(issuer.key, 'sign', 'issuer.key')

  const res = resource as Record<string, unknown>
  const disclosed = new Set(params.disclose.flatMap((e) => select(res, e)))
  const plain = new Set(plainList.flatMap((e) => select(res, e)))
  for (const name of [...disclosed, ...plain]) {
    if (name === 'resourceType') throw bad('resourceType is always plain; do not list it.')
    if (name.startsWith('_sd') || name === '...') throw bad('FHIR element names cannot start with _sd.')
  }
  for (const name of disclosed) if (plain.has(name)) throw bad('An element cannot be both plain and disclosed.')

  const fhir: Record<string, unknown> = { resourceType: resource.resourceType }
  for (const name of Object.keys(res)) if (plain.has(name)) setOwn(fhir, name, res[name])
  const disclosures: IssuedDisclosure[] = []
  const digests: string[] = []
  for (const name of Object.keys(res)) {
    if (!disclosed.has(name)) continue
    const encoded = b64json([bytesToBase64url(rnd(SALT_BYTES)), name, res[name]])
    const digest = digestOf(encoded)
    disclosures.push({ pointer: toPointer(['fhir', name]), digest, encoded })
    digests.push(digest)
  }
  for (let i = 0; i < decoys; i++) digests.push(digestOf(bytesToBase64url(rnd(SALT_BYTES))))
  // RFC 9901 §4.2.4.1: the order of digests must not reveal the order of the claims
  if (digests.length > 0) fhir._sd = digests.sort()

  const payload: Record<string, unknown> = {
    iss: issuer.iss,
    iat,
    ...(params.nbf === undefined ? {} : { nbf: params.nbf }),
    exp: params.exp,
    vct: params.vct ?? FHIR_SD_JWT_VCT,
    cnf: { jwk: holder },
    ...(status === undefined ? {} : { status }),
    medseal: { commitment: binding.commitment.toLowerCase() as Hex, ...(receipt === undefined ? {} : { receipt }) },
    fhir,
    _sd_alg: 'sha-256',
  }
  const header = { typ, ...(issuer.kid === undefined ? {} : { kid: issuer.kid }) }
  const jwt = await signJws(header, payload, key)
  return Object.freeze({
    sdJwt: `${jwt}~${disclosures.map((d) => `${d.encoded}~`).join('')}`,
    disclosures: Object.freeze(disclosures),
  })
}
