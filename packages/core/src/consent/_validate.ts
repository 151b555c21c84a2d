/**
 * Strict shape and value checks of consent structures, shared by `createConsent`, `verifyConsent`, the compact
 * token codec and `authorize`. Everything that arrives from a ledger or a token string goes through here first.
 * @internal
 * @module
 */
import { ConsentError } from '../errors/base.js'
import { isAddress, toChecksumAddress } from '../identity/address.js'
import { consentKey } from '../ledger/consentKey.js'
import type { Address, Hex } from '../types.js'
import { isPurposeOfUse } from './purposeOfUse.js'
import type { Consent, ConsentAction, LedgerDomain } from './types.js'

/** The actions a consent can carry. */
export const CONSENT_ACTIONS: readonly ConsentAction[] = Object.freeze(['read', 'search', 'vread', 'write', 'delegate'])

/** `0x` followed by 64 zero digits: the `parent` of a grant made directly by the patient. */
export const ZERO_BYTES32: Hex = `0x${'0'.repeat(64)}`

/** Largest lists a consent may carry (keeps tokens, ledger writes and the EVM contract's gas bounded). */
export const CONSENT_LIMITS = Object.freeze({
  resourceTypes: 64,
  commitments: 1024,
  exclude: 64,
  actions: 5,
  purposes: 64,
  stringLength: 64,
})

const MAX_UINT64_SAFE = Number.MAX_SAFE_INTEGER
const RE_BYTES32 = /^0x[0-9a-fA-F]{64}$/
/** FHIR R4 resource type names: an upper-case letter, then letters (e.g. `Observation`, `MedicationRequest`). */
const RE_RESOURCE_TYPE = /^[A-Z][A-Za-z]{0,63}$/
/** Security label codes (HL7 v3 ActCode / Confidentiality / ObservationValue codes such as `PSY`, `HIV`, `R`). */
const RE_LABEL = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/

/** The fields of a `Consent`, in EIP-712 order. @internal */
export const CONSENT_KEYS = [
  'id',
  'grantor',
  'grantee',
  'parent',
  'resourceTypes',
  'commitments',
  'exclude',
  'actions',
  'purposes',
  'notBefore',
  'expiresAt',
  'delegationDepth',
] as const

/**
 * A `CONSENT_MALFORMED` error whose message names the field (a path like `consent.expiresAt`) and the reason, never
 * the value: `${field} must be ${expected}.`, or `${field} ${expected}.` when `expected` is already a predicate
 * (starting with `must`, `is` or `has`).
 */
export function malformed(field: string, expected: string, cause?: unknown): ConsentError {
  const reason = /^(must|is|has) /.test(expected) ? expected : `must be ${expected}`
  return new ConsentError('CONSENT_MALFORMED', `${field} ${reason}.`, {
    metaMessages: [`Field: ${field}`],
    ...(cause === undefined ? {} : { cause }),
  })
}

/** Is `value` a 0x-prefixed 32-byte hex string (any case)? */
export function isBytes32(value: unknown): value is Hex {
  return typeof value === 'string' && RE_BYTES32.test(value)
}

/** Same address? Case-insensitive (EIP-55 only changes letter case). */
export function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

// One definition of an address for the whole SDK: identity's (a mixed-case address must carry a valid EIP-55
// checksum), re-exported under the names the consent modules use.
export { isAddress, toChecksumAddress as checksumAddress }

function address(value: unknown, field: string): Address {
  if (!isAddress(value)) throw malformed(field, 'a 0x-prefixed 20-byte hex address')
  if (/^0x0{40}$/.test(value)) throw malformed(field, 'a non-zero address')
  return toChecksumAddress(value)
}

function bytes32(value: unknown, field: string): Hex {
  if (!isBytes32(value)) throw malformed(field, 'a 0x-prefixed 32-byte hex string')
  return value.toLowerCase() as Hex
}

function list<T>(value: unknown, field: string, max: number, item: (v: unknown, f: string) => T): readonly T[] {
  if (!Array.isArray(value)) throw malformed(field, 'an array')
  if (value.length > max) throw malformed(field, `a list of at most ${max} entries`)
  const out: T[] = []
  const seen = new Set<unknown>()
  for (let i = 0; i < value.length; i++) {
    const v = item(value[i], `${field}[${i}]`)
    if (seen.has(v)) throw malformed(field, 'a list without duplicate entries')
    seen.add(v)
    out.push(v)
  }
  return Object.freeze(out)
}

function matching(re: RegExp, what: string) {
  return (v: unknown, f: string): string => {
    if (typeof v !== 'string' || !re.test(v)) throw malformed(f, what)
    return v
  }
}

/**
 * An unsigned integer field given as a JS number or, as viem's EIP-712 types write uint64/uint8, a bigint; in
 * `0..max` either way, returned as a number (docs/spec/consent.md §2.1, §3).
 */
export function uintField(value: unknown, max: number): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 && value <= max ? value : undefined
  if (typeof value === 'bigint') return value >= 0n && value <= BigInt(max) ? Number(value) : undefined
  return undefined
}

function timestamp(value: unknown, field: string): number {
  const n = uintField(value, MAX_UINT64_SAFE)
  if (n === undefined)
    throw malformed(field, 'a Unix time in seconds (a non-negative integer below 2^53, number or bigint)')
  return n
}

/**
 * Checks a consent's shape and values and returns a normalized, frozen copy (checksummed addresses, lower-case
 * hex). Unknown keys, missing keys, unknown actions or purposes, duplicates, an empty scope and an empty or
 * inverted window are all `CONSENT_MALFORMED`.
 */
export function assertConsent(value: unknown): Consent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed('consent', 'a plain object')
  const v = value as Record<string, unknown>
  for (const key of Object.keys(v))
    if (!(CONSENT_KEYS as readonly string[]).includes(key))
      throw malformed('consent', `must have only the fields ${CONSENT_KEYS.join(', ')} (it has another)`)
  for (const key of CONSENT_KEYS) if (!(key in v)) throw malformed(`consent.${key}`, 'is missing')

  const id = bytes32(v.id, 'consent.id')
  if (id === ZERO_BYTES32) throw malformed('consent.id', 'a non-zero 32-byte id')
  const grantor = address(v.grantor, 'consent.grantor')
  const grantee = address(v.grantee, 'consent.grantee')
  if (grantor === grantee) throw malformed('consent.grantee', 'a party other than consent.grantor')
  const parent = bytes32(v.parent, 'consent.parent')
  // `parent` is the parent's ConsentKey: never this consent's own id or key.
  if (parent === id || parent === consentKey(grantor, id))
    throw malformed('consent.parent', 'the key of another consent (not this one’s id or key)')
  const resourceTypes = list(
    v.resourceTypes,
    'consent.resourceTypes',
    CONSENT_LIMITS.resourceTypes,
    matching(RE_RESOURCE_TYPE, 'a FHIR resource type name'),
  )
  const commitments = list(v.commitments, 'consent.commitments', CONSENT_LIMITS.commitments, bytes32)
  if (resourceTypes.length === 0 && commitments.length === 0)
    throw malformed('consent.resourceTypes', 'non-empty when consent.commitments is empty (nothing is in scope)')
  const exclude = list(
    v.exclude,
    'consent.exclude',
    CONSENT_LIMITS.exclude,
    matching(RE_LABEL, 'a security label code'),
  )
  const actions = list(v.actions, 'consent.actions', CONSENT_LIMITS.actions, (a, f) => {
    if (!(CONSENT_ACTIONS as readonly unknown[]).includes(a)) throw malformed(f, `one of ${CONSENT_ACTIONS.join(', ')}`)
    return a as ConsentAction
  })
  if (actions.length === 0) throw malformed('consent.actions', 'a non-empty list')
  const purposes = list(v.purposes, 'consent.purposes', CONSENT_LIMITS.purposes, (p, f) => {
    if (!isPurposeOfUse(p)) throw malformed(f, 'an HL7 v3 PurposeOfUse code (e.g. TREAT, ETREAT, HPAYMT)')
    return p
  })
  if (purposes.length === 0) throw malformed('consent.purposes', 'a non-empty list')
  const notBefore = timestamp(v.notBefore, 'consent.notBefore')
  const expiresAt = timestamp(v.expiresAt, 'consent.expiresAt')
  if (expiresAt <= notBefore) throw malformed('consent.expiresAt', 'after consent.notBefore')
  const depth = uintField(v.delegationDepth, 255)
  if (depth === undefined) throw malformed('consent.delegationDepth', 'an integer 0..255 (number or bigint)')

  return Object.freeze({
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
    delegationDepth: depth,
  })
}

/** Checks a signature's form: 65 bytes as 0x-hex. */
export function assertSignatureHex(value: unknown, field = 'signature'): Hex {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{130}$/.test(value))
    throw malformed(field, '65 bytes as 0x-hex (r || s || v)')
  return value.toLowerCase() as Hex
}

/** Checks and normalizes a medseal EIP-712 domain (name `medseal`, version `1`, EVM or salted form). */
export function assertDomain(value: unknown, field = 'domain'): LedgerDomain {
  if (typeof value !== 'object' || value === null) throw malformed(field, 'an EIP-712 domain object')
  const d = value as Record<string, unknown>
  if (d.name !== 'medseal' || d.version !== '1') throw malformed(field, "a domain with name 'medseal' and version '1'")
  const keys = Object.keys(d).sort().join(',')
  if (keys === 'chainId,name,verifyingContract,version') {
    const chainId = uintField(d.chainId, Number.MAX_SAFE_INTEGER)
    if (chainId === undefined || chainId === 0)
      throw malformed(`${field}.chainId`, 'a positive integer below 2^53 (number or bigint)')
    if (!isAddress(d.verifyingContract)) throw malformed(`${field}.verifyingContract`, 'an address')
    return Object.freeze({
      name: 'medseal',
      version: '1',
      chainId,
      verifyingContract: toChecksumAddress(d.verifyingContract),
    })
  }
  if (keys === 'name,salt,version') {
    if (!isBytes32(d.salt)) throw malformed(`${field}.salt`, 'a 32-byte hex salt')
    return Object.freeze({ name: 'medseal', version: '1', salt: d.salt.toLowerCase() as Hex })
  }
  throw malformed(field, '{ name, version, chainId, verifyingContract } or { name, version, salt }')
}

/** Do two domains name the same ledger? */
export function sameDomain(a: LedgerDomain, b: LedgerDomain): boolean {
  if ('salt' in a) return 'salt' in b && a.salt.toLowerCase() === b.salt.toLowerCase()
  return (
    'chainId' in b &&
    a.chainId === b.chainId &&
    a.verifyingContract.toLowerCase() === b.verifyingContract.toLowerCase() &&
    a.name === b.name &&
    a.version === b.version
  )
}
