/**
 * The verifier's side of SD-JWT (RFC 9901 §7.1, §7.3) and SD-JWT VC, with medseal's rules: expiry, status and key
 * binding are never optional, and a token bound to a sealed record can be checked against the ledger.
 * @module
 */
import {
  describeType,
  type Hex,
  InvalidArgumentError,
  type LedgerAdapter,
  type LedgerError,
  parseReceipt,
  type Receipt,
  VerificationError,
  type VerifyReceiptReturnType,
  verifyReceipt,
} from '@medseal/core'
import {
  digestOf,
  type Es256Key,
  importEs256,
  isPlainObject,
  parseJws,
  publicJwk,
  verifyJwsSignature,
} from './_jose.js'
import { type ClaimPath, processSdJwt, splitCompact, toPointer } from './_sdJwt.js'
import type { SdJwtStatus } from './types.js'
import { verifyStatusListToken } from './verifyStatusListToken.js'

/** The named policy that accepts a token without a `status` claim. It is reported in the result. */
export type SdJwtStatusPolicy = 'require-status' | 'accept-without-status'

/** Parameters of {@link verifySdJwt}. */
export type VerifySdJwtParameters = {
  /** The presentation: `<jwt>~<d1>~…~<dn>~<kb-jwt>`. */
  readonly presentation: string
  /** The issuer's public key (a P-256 JWK or CryptoKey). */
  readonly issuerKey: Es256Key
  /** The expected `iss`; when given, another one is `SD_JWT_MALFORMED`. */
  readonly iss?: string
  /** Key binding: the `aud` (this verifier) and the `nonce` it handed the holder. Required. */
  readonly keyBinding: {
    readonly aud: string
    readonly nonce: string
    /** Oldest KB-JWT `iat` accepted, seconds before now (default 300). */
    readonly maxAgeSeconds?: number
  }
  /** How to read the token's status; a status that cannot be read is `SD_JWT_STATUS_UNAVAILABLE`. */
  readonly status?: {
    /** Fetches the Status List Token at a URI (inject your fetch; cache as you see fit). */
    readonly fetchStatusList?: (uri: string) => Promise<string>
    /** The status list signer's key (default `issuerKey`). */
    readonly statusListKey?: Es256Key
    /** The ledger a `medseal_ledger` status names. */
    readonly ledger?: LedgerAdapter
  }
  /** `require-status` (default) refuses a token without `status`; `accept-without-status` lets it through, named. */
  readonly statusPolicy?: SdJwtStatusPolicy
  /** Check the `medseal` record binding's receipt on this ledger; a token with no receipt is then refused. */
  readonly anchor?: { readonly ledger: LedgerAdapter }
  /** Accepted header `typ` values (default `dc+sd-jwt` and `vc+sd-jwt`). */
  readonly typ?: readonly string[]
  /** Now, Unix seconds (default the system clock). */
  readonly now?: number
  /** Allowed clock skew, seconds (default 60). */
  readonly skewSeconds?: number
}

/** How the token's status was established. */
export type SdJwtStatusResult =
  | { readonly mechanism: 'status_list'; readonly uri: string; readonly idx: number; readonly status: 0 }
  | { readonly mechanism: 'medseal_ledger'; readonly ledger: string }
  | { readonly mechanism: 'none'; readonly policy: 'accept-without-status' }

/** One disclosed claim. */
export type DisclosedClaim = { readonly pointer: string; readonly path: ClaimPath; readonly value: unknown }

/** What {@link verifySdJwt} returns. */
export type VerifySdJwtReturnType = {
  readonly typ: string
  readonly iss: string | undefined
  readonly vct: string | undefined
  readonly iat: number | undefined
  readonly exp: number
  /** Every claim the verifier may rely on: the issuer's plain claims and the disclosed ones. */
  readonly claims: Record<string, unknown>
  /** The FHIR resource subset (`claims.fhir`), when the token carries one. */
  readonly fhir: Record<string, unknown> | undefined
  /** The disclosed claims with their JSON Pointers. */
  readonly disclosed: readonly DisclosedClaim[]
  /** The holder key (`cnf.jwk`) that signed the key-binding JWT. */
  readonly holderKey: JsonWebKey
  readonly keyBinding: { readonly aud: string; readonly nonce: string; readonly iat: number }
  readonly status: SdJwtStatusResult
  /**
   * The record binding (`medseal` claim), if any: the commitment, the receipt, and where the receipt was verified
   * when `anchor` was given. See docs/spec/sd-jwt-fhir.md §4 for what this proves.
   */
  readonly binding:
    | { readonly commitment: Hex; readonly receipt?: Receipt; readonly anchored?: VerifyReceiptReturnType }
    | undefined
}

/** Everything {@link verifySdJwt} can throw. */
export type VerifySdJwtErrorType = VerificationError | InvalidArgumentError | LedgerError

const malformed = (message: string) => new VerificationError('SD_JWT_MALFORMED', message)
const kbInvalid = (message: string) => new VerificationError('SD_JWT_KB_INVALID', message)
/** The reconstructed value at `path` (disclosed values with their own nested disclosures in place). */
function valueAt(root: unknown, path: ClaimPath): unknown {
  let v = root
  for (const seg of path) v = (v as Record<string | number, unknown>)[seg]
  return v
}
const isTime = (t: unknown): t is number => typeof t === 'number' && Number.isFinite(t)

function parseStatus(value: unknown): SdJwtStatus {
  if (isPlainObject(value)) {
    const sl = value.status_list
    if (isPlainObject(sl)) {
      if (!Number.isSafeInteger(sl.idx) || (sl.idx as number) < 0 || typeof sl.uri !== 'string')
        throw malformed('status.status_list must have a non-negative integer idx and a uri.')
      return { status_list: { idx: sl.idx as number, uri: sl.uri } }
    }
    const led = value.medseal_ledger
    if (isPlainObject(led)) {
      if (
        typeof led.ledger !== 'string' ||
        typeof led.owner !== 'string' ||
        !/^0x[0-9a-fA-F]{40}$/.test(led.owner) ||
        (led.consent !== undefined && (typeof led.consent !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(led.consent)))
      )
        throw malformed('status.medseal_ledger must have a ledger, an owner address and an optional consent key.')
      return {
        medseal_ledger: {
          ledger: led.ledger,
          owner: led.owner as Hex,
          ...(led.consent === undefined ? {} : { consent: led.consent as Hex }),
        },
      }
    }
  }
  throw new VerificationError('SD_JWT_STATUS_UNAVAILABLE', 'The token names a status mechanism medseal cannot read.')
}

async function checkStatus(
  status: SdJwtStatus,
  params: VerifySdJwtParameters,
  commitment: Hex | undefined,
  now: number,
): Promise<SdJwtStatusResult> {
  if ('status_list' in status) {
    const { idx, uri } = status.status_list
    const fetchList = params.status?.fetchStatusList
    if (fetchList === undefined)
      throw new VerificationError('SD_JWT_STATUS_UNAVAILABLE', 'The token has a status list and no fetcher was given.')
    let token: string
    try {
      token = await fetchList(uri)
    } catch (cause) {
      throw new VerificationError('SD_JWT_STATUS_UNAVAILABLE', 'The status list could not be fetched.', { cause })
    }
    const { status: value } = await verifyStatusListToken({
      token,
      key: params.status?.statusListKey ?? params.issuerKey,
      uri,
      idx,
      now,
      ...(params.skewSeconds === undefined ? {} : { skewSeconds: params.skewSeconds }),
    })
    if (value !== 0)
      throw new VerificationError('SD_JWT_REVOKED', 'The token is not valid per its status list.', {
        metaMessages: [`status ${value} (${value === 1 ? 'invalid' : value === 2 ? 'suspended' : 'other'})`],
      })
    return { mechanism: 'status_list', uri, idx, status: 0 }
  }
  const { ledger: ledgerId, owner, consent } = status.medseal_ledger
  const ledger = params.status?.ledger
  if (ledger === undefined || ledger.ledgerId !== ledgerId)
    throw new VerificationError(
      'SD_JWT_STATUS_UNAVAILABLE',
      'The token has a ledger status and that ledger was not given.',
    )
  if (commitment === undefined)
    throw malformed('A medseal_ledger status needs the medseal record binding (its commitment).')
  if ((await ledger.getTombstone(commitment, owner)) !== undefined)
    throw new VerificationError('SD_JWT_REVOKED', 'The record this token is bound to was erased (tombstone).')
  if (consent !== undefined && (await ledger.getRevocation(consent)) !== undefined)
    throw new VerificationError('SD_JWT_REVOKED', 'The consent this token is bound to was revoked.')
  return { mechanism: 'medseal_ledger', ledger: ledgerId }
}

/**
 * Verifies an SD-JWT presentation, in this order (each refusal a named code):
 * 1. the compact form, issuer JWT header (`alg: ES256`, `typ` in `typ`) and signature by `issuerKey`
 *    (`SD_JWT_MALFORMED`, `SD_JWT_UNSUPPORTED_ALG`, `SD_JWT_SIGNATURE_INVALID`);
 * 2. the disclosures (RFC 9901 §7.1: `SD_JWT_DISCLOSURE_*`, `SD_JWT_DIGEST_DUPLICATE`, `SD_JWT_RESERVED_CLAIM`);
 * 3. `exp` present (`SD_JWT_EXPIRY_MISSING`) and not past (`SD_JWT_EXPIRED`); `nbf`/`iat` not in the future
 *    (`SD_JWT_NOT_YET_VALID`);
 * 4. the key-binding JWT: present, `typ: kb+jwt`, signed by `cnf.jwk`, this `aud` and `nonce`, recent `iat`, and
 *    `sd_hash` over exactly the disclosures sent (`SD_JWT_KB_INVALID`);
 * 5. status: a status list entry of 0 or no tombstone / consent revocation on the ledger (`SD_JWT_REVOKED`,
 *    `SD_JWT_STATUS_UNAVAILABLE`); no `status` at all is `SD_JWT_STATUS_MISSING` unless `statusPolicy` is
 *    `accept-without-status`, which the result then names;
 * 6. with `anchor`, the `medseal` binding's receipt against the ledger (core `verifyReceipt` codes).
 *
 * @param params - see {@link VerifySdJwtParameters}
 * @returns the verified claims, the disclosed subset, and how status and binding were established
 * @throws {@link @medseal/core!VerificationError} the codes above; {@link @medseal/core!InvalidArgumentError} for bad parameters or keys;
 *   {@link @medseal/core!LedgerError} when a ledger cannot be read
 * @example
 * ```ts
 * import { verifySdJwt } from '@medseal/sd-jwt'
 * const { fhir, status } = await verifySdJwt({
 *   presentation,
 *   issuerKey: hospitalJwk,
 *   keyBinding: { aud: 'https://clinic.example', nonce },
 *   status: { fetchStatusList: (uri) => fetch(uri).then((r) => r.text()) },
 * })
 * fhir?.valueQuantity // the disclosed value
 * ```
 */
export async function verifySdJwt(params: VerifySdJwtParameters): Promise<VerifySdJwtReturnType> {
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'params must be an object.', {
      metaMessages: [`Received ${describeType(params)}.`],
    })
  const kbOpts = params.keyBinding
  if (
    typeof kbOpts !== 'object' ||
    kbOpts === null ||
    typeof kbOpts.aud !== 'string' ||
    typeof kbOpts.nonce !== 'string'
  )
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'keyBinding must be { aud, nonce }: key binding is required.')
  const policy = params.statusPolicy ?? 'require-status'
  if (policy !== 'require-status' && policy !== 'accept-without-status')
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'statusPolicy must be require-status or accept-without-status.')
  const now = params.now ?? Math.floor(Date.now() / 1000)
  const skew = params.skewSeconds ?? 60
  const maxAge = kbOpts.maxAgeSeconds ?? 300
  if (!isTime(now) || !Number.isSafeInteger(skew) || skew < 0 || !Number.isSafeInteger(maxAge) || maxAge < 0)
    throw new InvalidArgumentError(
      'INVALID_ARGUMENT',
      'now, skewSeconds and maxAgeSeconds must be non-negative numbers.',
    )
  const issuerKey = await importEs256(params.issuerKey, 'verify', 'issuerKey')

  // 1. issuer-signed JWT
  const compact = splitCompact(params.presentation)
  const issuerJws = parseJws(compact.jwt, 'The issuer-signed JWT')
  const typ = issuerJws.header.typ
  const accepted = params.typ ?? ['dc+sd-jwt', 'vc+sd-jwt']
  if (typeof typ !== 'string' || !accepted.includes(typ))
    throw malformed(`The SD-JWT typ must be one of ${accepted.join(', ')}.`)
  if (!(await verifyJwsSignature(issuerJws, issuerKey)))
    throw new VerificationError('SD_JWT_SIGNATURE_INVALID', 'The issuer signature does not verify.')
  // 2. disclosures
  const { claims, placed } = processSdJwt(compact)
  const p = issuerJws.payload
  if (params.iss !== undefined && p.iss !== params.iss) throw malformed('The SD-JWT iss is not the expected issuer.')
  if (p.iss !== undefined && typeof p.iss !== 'string') throw malformed('iss must be a string.')
  if (p.vct !== undefined && typeof p.vct !== 'string') throw malformed('vct must be a string.')
  if ((typ === 'dc+sd-jwt' || typ === 'vc+sd-jwt') && typeof p.vct !== 'string')
    throw malformed('An SD-JWT VC must have a vct.')
  // 3. validity
  if (p.exp === undefined) throw new VerificationError('SD_JWT_EXPIRY_MISSING', 'The SD-JWT has no exp.')
  if (!isTime(p.exp)) throw malformed('exp must be a number.')
  if (now >= p.exp + skew) throw new VerificationError('SD_JWT_EXPIRED', 'The SD-JWT has expired.')
  for (const name of ['nbf', 'iat'] as const) {
    const t = p[name]
    if (t === undefined) continue
    if (!isTime(t)) throw malformed(`${name} must be a number.`)
    if (t > now + skew) throw new VerificationError('SD_JWT_NOT_YET_VALID', `The SD-JWT ${name} is in the future.`)
  }
  // 4. key binding
  const cnf = p.cnf
  if (!isPlainObject(cnf) || !isPlainObject(cnf.jwk)) throw kbInvalid('The SD-JWT has no cnf.jwk holder key.')
  let holderJwk: JsonWebKey
  try {
    holderJwk = publicJwk(cnf.jwk, 'cnf.jwk')
  } catch {
    throw kbInvalid('The SD-JWT cnf.jwk is not a P-256 public key.')
  }
  if (compact.kbJwt === undefined) throw kbInvalid('The presentation has no key-binding JWT.')
  const kb = parseJws(compact.kbJwt, 'The key-binding JWT')
  if (kb.header.typ !== 'kb+jwt') throw kbInvalid('The key-binding JWT typ is not kb+jwt.')
  let holderKey: CryptoKey
  try {
    holderKey = await importEs256(holderJwk, 'verify', 'cnf.jwk')
  } catch {
    throw kbInvalid('The SD-JWT cnf.jwk is not a P-256 public key.')
  }
  if (!(await verifyJwsSignature(kb, holderKey))) throw kbInvalid('The key-binding JWT is not signed by cnf.jwk.')
  const kp = kb.payload
  if (kp.aud !== kbOpts.aud) throw kbInvalid('The key-binding JWT is for another audience.')
  if (kp.nonce !== kbOpts.nonce) throw kbInvalid('The key-binding JWT nonce is not this verifier’s.')
  if (!isTime(kp.iat)) throw kbInvalid('The key-binding JWT has no iat.')
  if (kp.iat > now + skew)
    throw new VerificationError('SD_JWT_NOT_YET_VALID', 'The key-binding JWT iat is in the future.')
  if (kp.iat < now - maxAge - skew) throw kbInvalid('The key-binding JWT is older than maxAgeSeconds.')
  if (kp.sd_hash !== digestOf(compact.sdJwtPart))
    throw kbInvalid('The key-binding JWT sd_hash is not over the disclosures sent.')

  // the record binding (plain claim `medseal`)
  let binding: VerifySdJwtReturnType['binding']
  if (p.medseal !== undefined) {
    const m = p.medseal
    if (!isPlainObject(m) || typeof m.commitment !== 'string' || !/^0x[0-9a-f]{64}$/.test(m.commitment))
      throw malformed('The medseal claim must carry the record commitment as lower-case 0x hex.')
    const receipt = m.receipt === undefined ? undefined : parseReceipt(m.receipt)
    if (receipt !== undefined && receipt.commitment !== m.commitment)
      throw malformed('The medseal receipt is for another commitment.')
    binding = { commitment: m.commitment as Hex, ...(receipt === undefined ? {} : { receipt }) }
  }
  // 5. status
  let status: SdJwtStatusResult
  if (p.status === undefined) {
    if (policy !== 'accept-without-status')
      throw new VerificationError('SD_JWT_STATUS_MISSING', 'The SD-JWT has no status and no policy accepts that.')
    status = { mechanism: 'none', policy: 'accept-without-status' }
  } else status = await checkStatus(parseStatus(p.status), params, binding?.commitment, now)
  // 6. anchor
  if (params.anchor !== undefined) {
    if (binding?.receipt === undefined)
      throw new VerificationError('ANCHOR_NOT_FOUND', 'The SD-JWT carries no anchor receipt for its record.')
    const anchored = await verifyReceipt(params.anchor.ledger, {
      receipt: binding.receipt,
      commitment: binding.commitment,
    })
    binding = { ...binding, anchored }
  }

  const fhir = isPlainObject(claims.fhir) ? claims.fhir : undefined
  return Object.freeze({
    typ,
    iss: p.iss as string | undefined,
    vct: p.vct as string | undefined,
    iat: isTime(p.iat) ? p.iat : undefined,
    exp: p.exp,
    claims,
    fhir,
    disclosed: Object.freeze(
      placed.map((d) => ({ pointer: toPointer(d.path), path: d.path, value: valueAt(claims, d.path) })),
    ),
    holderKey: holderJwk,
    keyBinding: { aud: kbOpts.aud, nonce: kbOpts.nonce, iat: kp.iat },
    status,
    binding,
  })
}
