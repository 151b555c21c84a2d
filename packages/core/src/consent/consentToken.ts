/**
 * The compact, URL-safe string form of a signed consent: `msc1.` followed by the unpadded base64url of one canonical
 * binary encoding (docs/spec/consent.md §5). The string carries the EIP-712 domain it was signed under, so a
 * verifier can tell a token for another ledger (`CONSENT_WRONG_DOMAIN`) from a forged one.
 * @module
 */
import {
  base64urlToBytes,
  bytesToBase64url,
  bytesToHex0x,
  bytesToUtf8,
  concatBytes,
  hexToBytes,
  utf8ToBytes,
} from '../bytes/index.js'
import type { ConsentError } from '../errors/base.js'
import type { Hex } from '../types.js'
import { assertConsent, assertDomain, assertSignatureHex, malformed } from './_validate.js'
import type { Consent, LedgerDomain, SignedConsent } from './types.js'

/** A signed consent together with the EIP-712 domain (ledger) it was signed for: what a grantee holds. */
export type ConsentToken = SignedConsent & { readonly domain: LedgerDomain }

/** Prefix of the compact form; the digit is the format version. */
export const CONSENT_TOKEN_PREFIX = 'msc1.'
/** Longest compact token accepted (characters). */
export const CONSENT_TOKEN_MAX_LENGTH = 65_536

const DOMAIN_EVM = 1
const DOMAIN_SALT = 2

function u16(n: number): Uint8Array {
  return new Uint8Array([(n >>> 8) & 0xff, n & 0xff])
}

function u64(n: number): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, BigInt(n))
  return out
}

function strings(xs: readonly string[]): Uint8Array {
  const parts: Uint8Array[] = [u16(xs.length)]
  for (const x of xs) {
    const b = utf8ToBytes(x)
    parts.push(new Uint8Array([b.length]), b)
  }
  return concatBytes(...parts)
}

/** The canonical binary form (§5 of the spec). Inputs are already checked. */
function toBytes(token: ConsentToken): Uint8Array {
  const { domain, consent: c } = token
  const domainBytes =
    'salt' in domain
      ? concatBytes(new Uint8Array([DOMAIN_SALT]), hexToBytes(domain.salt))
      : concatBytes(new Uint8Array([DOMAIN_EVM]), u64(domain.chainId), hexToBytes(domain.verifyingContract))
  return concatBytes(
    domainBytes,
    hexToBytes(c.id),
    hexToBytes(c.grantor),
    hexToBytes(c.grantee),
    hexToBytes(c.parent),
    strings(c.resourceTypes),
    u16(c.commitments.length),
    ...c.commitments.map((x) => hexToBytes(x)),
    strings(c.exclude),
    strings(c.actions),
    strings(c.purposes),
    u64(c.notBefore),
    u64(c.expiresAt),
    new Uint8Array([c.delegationDepth]),
    hexToBytes(token.signature),
  )
}

/** A bounds-checked reader; every overrun is `CONSENT_MALFORMED`. */
function reader(bytes: Uint8Array) {
  let at = 0
  const take = (n: number, field: string): Uint8Array => {
    if (at + n > bytes.length) throw malformed(`token ${field}`, 'is truncated')
    const out = bytes.subarray(at, at + n)
    at += n
    return out
  }
  const r = {
    take,
    u8: (field: string) => take(1, field)[0] as number,
    u16: (field: string) => {
      const b = take(2, field)
      return ((b[0] as number) << 8) | (b[1] as number)
    },
    u64: (field: string) => {
      const v = new DataView(take(8, field).slice().buffer).getBigUint64(0)
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw malformed(`token ${field}`, 'a value below 2^53')
      return Number(v)
    },
    hex: (n: number, field: string): Hex => bytesToHex0x(take(n, field)),
    strings: (field: string): string[] => {
      const n = r.u16(field)
      const out: string[] = []
      for (let i = 0; i < n; i++) {
        const len = r.u8(field)
        try {
          out.push(bytesToUtf8(take(len, field)))
        } catch (cause) {
          throw malformed(`token ${field}`, 'UTF-8 text', cause)
        }
      }
      return out
    },
    done: () => at === bytes.length,
  }
  return r
}

/**
 * Encodes a signed consent and its domain as a compact URL-safe string (`msc1.` + base64url).
 *
 * @param token - the signed consent and the domain it was signed under
 * @returns the compact string; the same token always gives the same string
 * @throws {@link ConsentError} `CONSENT_MALFORMED` when the token is not a valid consent
 * @example
 * ```ts
 * import { createConsentToken, encodeConsentToken } from '@medseal/core'
 * const text = encodeConsentToken(createConsentToken(patient, ledger.domain, consent))
 * // 'msc1.Av…'
 * ```
 */
export function encodeConsentToken(token: ConsentToken): string {
  const checked = assertConsentToken(token)
  return CONSENT_TOKEN_PREFIX + bytesToBase64url(toBytes(checked))
}

/**
 * Decodes a compact consent token. Anything that is not exactly the canonical encoding of a valid consent (wrong
 * prefix, bad base64url, truncation, trailing bytes, unknown codes, non-canonical forms) is rejected. The signature
 * is NOT checked here: use {@link verifyConsent} or `authorize`.
 *
 * @param text - a string from {@link encodeConsentToken}
 * @returns the token, frozen
 * @throws {@link ConsentError} `CONSENT_MALFORMED`
 * @example
 * ```ts
 * import { decodeConsentToken } from '@medseal/core'
 * const { consent, domain, signature } = decodeConsentToken(text)
 * ```
 */
export function decodeConsentToken(text: string): ConsentToken {
  if (typeof text !== 'string') throw malformed('token', 'a string')
  if (text.length > CONSENT_TOKEN_MAX_LENGTH) throw malformed('token', `at most ${CONSENT_TOKEN_MAX_LENGTH} characters`)
  if (!text.startsWith(CONSENT_TOKEN_PREFIX)) throw malformed('token', `text starting with ${CONSENT_TOKEN_PREFIX}`)
  let bytes: Uint8Array
  try {
    bytes = base64urlToBytes(text.slice(CONSENT_TOKEN_PREFIX.length))
  } catch (cause) {
    throw malformed('token', 'canonical unpadded base64url after the prefix', cause)
  }
  const r = reader(bytes)
  const tag = r.u8('domain')
  let domain: unknown
  if (tag === DOMAIN_EVM) {
    const chainId = r.u64('domain.chainId')
    domain = { name: 'medseal', version: '1', chainId, verifyingContract: r.hex(20, 'domain.verifyingContract') }
  } else if (tag === DOMAIN_SALT) {
    domain = { name: 'medseal', version: '1', salt: r.hex(32, 'domain.salt') }
  } else throw malformed('token domain tag', '1 (EVM) or 2 (salt)')
  const id = r.hex(32, 'id')
  const grantor = r.hex(20, 'grantor')
  const grantee = r.hex(20, 'grantee')
  const parent = r.hex(32, 'parent')
  const resourceTypes = r.strings('resourceTypes')
  const nCommitments = r.u16('commitments')
  const commitments: Hex[] = []
  for (let i = 0; i < nCommitments; i++) commitments.push(r.hex(32, 'commitments'))
  const exclude = r.strings('exclude')
  const actions = r.strings('actions')
  const purposes = r.strings('purposes')
  const notBefore = r.u64('notBefore')
  const expiresAt = r.u64('expiresAt')
  const delegationDepth = r.u8('delegationDepth')
  const signature = r.hex(65, 'signature')
  if (!r.done()) throw malformed('token', 'must end with the signature (it has more bytes)')
  return assertConsentToken({
    domain: domain as LedgerDomain,
    consent: {
      id,
      grantor,
      grantee,
      parent,
      resourceTypes,
      commitments,
      exclude,
      actions,
      purposes,
      notBefore,
      expiresAt,
      delegationDepth,
    } as unknown as Consent,
    signature,
  })
}

/**
 * Checks a token object's shape (domain, consent, signature form) and returns a normalized frozen copy.
 * @throws {@link ConsentError} `CONSENT_MALFORMED`
 * @internal
 */
export function assertConsentToken(value: unknown): ConsentToken {
  if (typeof value !== 'object' || value === null) throw malformed('token', 'an object { domain, consent, signature }')
  const v = value as Record<string, unknown>
  for (const key of Object.keys(v))
    if (key !== 'domain' && key !== 'consent' && key !== 'signature')
      throw malformed('token', 'must have only domain, consent and signature')
  return Object.freeze({
    domain: assertDomain(v.domain),
    consent: assertConsent(v.consent),
    signature: assertSignatureHex(v.signature),
  })
}

/** Errors {@link decodeConsentToken} and {@link encodeConsentToken} can throw. */
export type ConsentTokenErrorType = ConsentError
