/**
 * Verifying a SMART Health Card: the compact JWS (from a QR text, chunks or a file), its ES256 signature against the
 * issuer's JWKS (fetched through the caller's `fetch`, kept in the caller's {@link createShcKeyCache}), `nbf` and
 * `exp`, revocation by `rid` against the key's revocation list, and the FHIR Bundle (valid FHIR R4, entries named
 * `resource:N`, references between them resolving).
 * @module
 */
import { base64urlToBytes, bytesToUtf8, inflateBytes, utf8ToBytes } from '@medseal/core'
import { isValidOutcome, validateResource } from '@medseal/fhir'
import { importEs256Public, verifyEs256 } from './_webcrypto.js'
import { computeJwkThumbprint } from './computeJwkThumbprint.js'
import type { ShcJwk } from './createShcIssuer.js'
import type { ShcKeyCache } from './createShcKeyCache.js'
import { SmartHealthError } from './errors.js'
import { decodeHealthCardQr } from './healthCardQr.js'
import { HEALTH_CARD_TYPE, type HealthCardPayload } from './issueHealthCard.js'
import type { FhirResourceJson } from './minimizeBundle.js'
import { isRevokedBy, type ShcCrl } from './revocation.js'

/** What {@link verifyHealthCard} needs. */
export type VerifyHealthCardDeps = {
  /** Fetches the issuer's JWKS and revocation lists (`globalThis.fetch`, or a test's). */
  readonly fetch: (url: string) => Promise<Response>
  /** Keeps fetched documents between cards. Default: none (every card fetches). */
  readonly cache?: ShcKeyCache
  /** The issuers (`iss`) to accept. Default: any https issuer (the result names it: check it against a directory). */
  readonly trustedIssuers?: readonly string[]
  /** Host clock, Unix milliseconds. Default `Date.now`. */
  readonly now?: () => number
  /** Clock skew allowed for `nbf` and `exp`, seconds. Default 60. */
  readonly clockToleranceSeconds?: number
}

/** Parameters of {@link verifyHealthCard}. */
export type VerifyHealthCardParameters = {
  /** A compact JWS, an `shc:/` QR text, or the texts of a chunked QR card. */
  readonly card: string | readonly string[]
}

/** A verified card. */
export type VerifyHealthCardReturnType = {
  readonly jws: string
  readonly issuer: { readonly iss: string; readonly kid: string }
  /** The Patient of the Bundle (its display name as given in the card, and birth date). */
  readonly patient: { readonly name: string; readonly birthDate?: string; readonly resource: FhirResourceJson }
  /** Every resource of the Bundle in order (the Patient included). */
  readonly resources: readonly FhirResourceJson[]
  /** `vc.type`. */
  readonly types: readonly string[]
  readonly nbf: number
  readonly exp?: number
  readonly rid?: string
  readonly payload: HealthCardPayload
}

/** Everything {@link verifyHealthCard} can throw. */
export type VerifyHealthCardErrorType = SmartHealthError

const MAX_PAYLOAD = 1024 * 1024
const MAX_DOC = 256 * 1024

const fail = (code: ConstructorParameters<typeof SmartHealthError>[0], message: string, cause?: unknown) =>
  new SmartHealthError(code, message, cause === undefined ? {} : { cause })

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(bytesToUtf8(bytes))
  } catch (cause) {
    throw fail('SHC_MALFORMED', `The card's ${what} is not JSON.`, cause)
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

async function fetchDocument(deps: VerifyHealthCardDeps, url: string, nowMs: number, fresh: boolean): Promise<unknown> {
  if (!fresh) {
    const hit = deps.cache?.get(url, nowMs)
    if (hit !== undefined) return hit
  }
  let doc: unknown
  try {
    const res = await deps.fetch(url)
    if (!res.ok) throw new Error(`HTTP ${res.status}`)
    const text = await res.text()
    if (text.length > MAX_DOC) throw new Error('document too large')
    doc = JSON.parse(text)
  } catch (cause) {
    throw fail('SHC_JWKS_UNAVAILABLE', 'An issuer document could not be fetched.', cause)
  }
  deps.cache?.set(url, doc, nowMs)
  return doc
}

function findKey(jwks: unknown, kid: string): ShcJwk | undefined {
  if (!isObject(jwks) || !Array.isArray(jwks.keys))
    throw fail('SHC_JWKS_UNAVAILABLE', "The issuer's JWKS is not a {keys: [...]} document.")
  for (const key of jwks.keys) {
    if (!isObject(key) || key.kid !== kid || key.kty !== 'EC' || key.crv !== 'P-256') continue
    if (key.alg !== undefined && key.alg !== 'ES256') continue
    if (key.use !== undefined && key.use !== 'sig') continue
    try {
      // SMART Health Cards: kid SHALL be the key's RFC 7638 thumbprint
      if (computeJwkThumbprint(key) !== kid) continue
    } catch {
      continue
    }
    return key as unknown as ShcJwk
  }
  return undefined
}

/** The Bundle's own rules (entries named `resource:N`), then FHIR R4 structure with `resource:N` mapped to urns. */
function checkBundle(bundle: unknown): FhirResourceJson[] {
  // Cards are usually a `collection`; the IG's own examples include a `document` (an IPS), so any type is read.
  if (
    !isObject(bundle) ||
    bundle.resourceType !== 'Bundle' ||
    typeof bundle.type !== 'string' ||
    !Array.isArray(bundle.entry)
  )
    throw fail('SHC_BUNDLE_INVALID', 'The card does not hold a FHIR Bundle with entries.')
  const entries = bundle.entry as unknown[]
  const names = new Map<string, string>()
  const resources: FhirResourceJson[] = []
  for (const [i, e] of entries.entries()) {
    if (!isObject(e) || !isObject(e.resource) || typeof e.resource.resourceType !== 'string')
      throw fail('SHC_BUNDLE_INVALID', `Bundle.entry[${i}] has no resource.`)
    if (typeof e.fullUrl !== 'string' || !/^resource:\d+$/.test(e.fullUrl) || names.has(e.fullUrl))
      throw fail('SHC_BUNDLE_INVALID', `Bundle.entry[${i}].fullUrl must be a unique resource:N.`)
    names.set(e.fullUrl, `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)
    resources.push(e.resource as FhirResourceJson)
  }
  let dangling = false
  const mapped = JSON.parse(JSON.stringify(bundle), (key, value) => {
    if ((key === 'reference' || key === 'fullUrl') && typeof value === 'string' && value.startsWith('resource:')) {
      const urn = names.get(value)
      if (urn === undefined) dangling = true
      return urn ?? value
    }
    return value
  })
  if (dangling) throw fail('SHC_BUNDLE_INVALID', 'A resource:N reference names no entry of the Bundle.')
  const outcome = validateResource(mapped)
  if (!isValidOutcome(outcome)) {
    const where = outcome.issue
      .filter((i) => i.severity === 'error' || i.severity === 'fatal')
      .slice(0, 5)
      .map((i) => `${i.expression?.[0] ?? 'Bundle'}: ${i.diagnostics ?? i.code}`)
    throw new SmartHealthError('SHC_BUNDLE_INVALID', "The card's Bundle is not valid FHIR R4.", { metaMessages: where })
  }
  return resources
}

function patientName(patient: FhirResourceJson): string {
  const names = Array.isArray(patient.name) ? (patient.name as Record<string, unknown>[]) : []
  const n = names[0]
  if (!isObject(n)) return ''
  if (typeof n.text === 'string') return n.text
  const given = Array.isArray(n.given) ? n.given.filter((g) => typeof g === 'string') : []
  return [...given, typeof n.family === 'string' ? n.family : ''].filter(Boolean).join(' ')
}

/**
 * Verifies a SMART Health Card.
 *
 * @param deps - `fetch`, optional `cache`, `trustedIssuers`, `now`, `clockToleranceSeconds`
 * @param params - `card`: the JWS, an `shc:/` text or chunk texts
 * @returns the issuer, the patient, the resources, the card's types and times
 * @throws {@link SmartHealthError} `SHC_MALFORMED`, `SHC_UNSUPPORTED`, `SHC_ISSUER_UNTRUSTED`, `SHC_JWKS_UNAVAILABLE`,
 *   `SHC_KEY_NOT_FOUND`, `SHC_SIGNATURE_INVALID`, `SHC_NOT_YET_VALID`, `SHC_EXPIRED`, `SHC_REVOKED`,
 *   `SHC_BUNDLE_INVALID`
 * @example
 * ```ts
 * import { createShcKeyCache, verifyHealthCard } from '@medseal/smart-health'
 * const cache = createShcKeyCache()
 * const card = await verifyHealthCard({ fetch, cache }, { card: 'shc:/5676290952432060346029243740446031222959532654603460292540772804336028702864716745222809286133314564376531415906402203064504590856435503414245413640370636654171372412363803043756220467374075323239254334433260573601064529296175327524284350766860071261076269573833212863332821207743252034616972383…' })
 * console.log(card.issuer.iss, card.patient.name, card.resources.map((r) => r.resourceType))
 * ```
 */
export async function verifyHealthCard(
  deps: VerifyHealthCardDeps,
  params: VerifyHealthCardParameters,
): Promise<VerifyHealthCardReturnType> {
  if (typeof deps?.fetch !== 'function') throw fail('SHC_JWKS_UNAVAILABLE', 'deps.fetch must be a function.')
  const nowMs = (deps.now ?? Date.now)()
  const tolerance = deps.clockToleranceSeconds ?? 60
  const { card } = params ?? {}
  const jws = typeof card === 'string' && !/^shc:\//i.test(card.trim()) ? card.trim() : decodeHealthCardQr(card)

  // Compact JWS (RFC 7515 §7.1)
  const parts = jws.split('.')
  if (parts.length !== 3 || jws.length > 64 * 1024) throw fail('SHC_MALFORMED', 'The card is not a compact JWS.')
  const [h, p, s] = parts as [string, string, string]
  let headerBytes: Uint8Array
  let payloadBytes: Uint8Array
  let signature: Uint8Array
  try {
    headerBytes = base64urlToBytes(h)
    payloadBytes = base64urlToBytes(p)
    signature = base64urlToBytes(s)
  } catch (cause) {
    throw fail('SHC_MALFORMED', 'The card is not base64url.', cause)
  }
  const header = parseJson(headerBytes, 'header')
  if (!isObject(header) || typeof header.kid !== 'string' || header.kid.length === 0)
    throw fail('SHC_MALFORMED', "The card's header has no kid.")
  if (header.alg !== 'ES256' || header.zip !== 'DEF' || header.crit !== undefined)
    throw fail('SHC_UNSUPPORTED', 'A health card is signed with ES256 over a DEFLATE payload (alg ES256, zip DEF).')
  const kid = header.kid

  const inflated = await inflateBytes({ bytes: payloadBytes, format: 'deflate-raw', maxBytes: MAX_PAYLOAD }).catch(
    (cause: unknown) => {
      throw fail('SHC_MALFORMED', 'The payload is not raw DEFLATE data within the size bound.', cause)
    },
  )
  const payload = parseJson(inflated, 'payload')
  if (!isObject(payload) || typeof payload.iss !== 'string' || typeof payload.nbf !== 'number' || !isObject(payload.vc))
    throw fail('SHC_MALFORMED', "The card's payload has no iss, nbf or vc.")
  const iss = payload.iss
  if (deps.trustedIssuers ? !deps.trustedIssuers.includes(iss) : !/^https:\/\/[^\s]+$/.test(iss) || iss.endsWith('/'))
    throw fail('SHC_ISSUER_UNTRUSTED', "The card's issuer is not trusted.")

  // The issuer's key (SMART Health Cards: <iss>/.well-known/jwks.json); refetch once when the kid is new.
  const jwksUrl = `${iss}/.well-known/jwks.json`
  let key = findKey(await fetchDocument(deps, jwksUrl, nowMs, false), kid)
  if (!key && deps.cache) key = findKey(await fetchDocument(deps, jwksUrl, nowMs, true), kid)
  if (!key) throw fail('SHC_KEY_NOT_FOUND', "The issuer's JWKS has no ES256 P-256 key with the card's kid.")
  let publicKey: CryptoKey
  try {
    publicKey = await importEs256Public(key)
  } catch (cause) {
    throw fail('SHC_KEY_NOT_FOUND', "The issuer's key is not a valid P-256 point.", cause)
  }
  if (!(await verifyEs256(publicKey, signature, utf8ToBytes(`${h}.${p}`))))
    throw fail('SHC_SIGNATURE_INVALID', "The card's signature does not verify with the issuer's key.")

  // Times
  const nowS = nowMs / 1000
  const nbf = payload.nbf
  const exp = payload.exp
  if (exp !== undefined && typeof exp !== 'number') throw fail('SHC_MALFORMED', "The card's exp is not a number.")
  if (nbf > nowS + tolerance) throw fail('SHC_NOT_YET_VALID', 'The card is not valid yet (nbf).')
  if (exp !== undefined && exp <= nowS - tolerance) throw fail('SHC_EXPIRED', 'The card has expired (exp).')

  // vc
  const vc = payload.vc
  const types = vc.type
  if (!Array.isArray(types) || !types.includes(HEALTH_CARD_TYPE) || types.some((t) => typeof t !== 'string'))
    throw fail('SHC_MALFORMED', `The card's vc.type does not include ${HEALTH_CARD_TYPE}.`)
  const rid = vc.rid
  if (rid !== undefined && (typeof rid !== 'string' || !/^[A-Za-z0-9_-]{1,24}$/.test(rid)))
    throw fail('SHC_MALFORMED', "The card's rid is not 1 to 24 base64url characters.")

  // Revocation (SMART Health Cards §Revocation): the key's list, refetched when the JWKS announces a newer version
  if (rid !== undefined && key.crlVersion !== undefined) {
    const crlUrl = `${iss}/.well-known/crl/${kid}.json`
    let crl = await fetchDocument(deps, crlUrl, nowMs, false)
    // `ctr` is a number in published lists, a string in the specification's template: read both
    if (isObject(crl) && Number(crl.ctr) < key.crlVersion) crl = await fetchDocument(deps, crlUrl, nowMs, true)
    if (
      !isObject(crl) ||
      crl.kid !== kid ||
      crl.method !== 'rid' ||
      !Array.isArray(crl.rids) ||
      crl.rids.some((r) => typeof r !== 'string')
    )
      throw fail('SHC_JWKS_UNAVAILABLE', "The key's revocation list is not a valid rid list for it.")
    if (isRevokedBy(crl as unknown as ShcCrl, rid, nbf)) throw fail('SHC_REVOKED', 'The card has been revoked.')
  }

  const subject = vc.credentialSubject
  if (!isObject(subject) || typeof subject.fhirVersion !== 'string' || !subject.fhirVersion.startsWith('4.'))
    throw fail('SHC_BUNDLE_INVALID', 'The card does not hold FHIR R4 (credentialSubject.fhirVersion 4.x).')
  const resources = checkBundle(subject.fhirBundle)
  const patient = resources.find((r) => r.resourceType === 'Patient')
  if (!patient) throw fail('SHC_BUNDLE_INVALID', 'The card names no Patient.')

  return Object.freeze({
    jws,
    issuer: Object.freeze({ iss, kid }),
    patient: Object.freeze({
      name: patientName(patient),
      ...(typeof patient.birthDate === 'string' ? { birthDate: patient.birthDate } : {}),
      resource: patient,
    }),
    resources: Object.freeze(resources),
    types: Object.freeze([...types] as string[]),
    nbf,
    ...(exp === undefined ? {} : { exp }),
    ...(rid === undefined ? {} : { rid }),
    payload: payload as unknown as HealthCardPayload,
  })
}
