/**
 * Break-glass structures: a patient's pre-signed emergency policy and an organization's clinician credential, both
 * EIP-712 typed data under the ledger's domain (docs/spec/consent.md §8).
 * @module
 */
import { bytesToHex0x, randomBytes as defaultRandomBytes, type RandomBytes } from '../bytes/index.js'
import { assertDomain, checksumAddress, isAddress, isBytes32, sameAddress } from '../consent/_validate.js'
import type { LedgerDomain } from '../consent/types.js'
import { recoverTypedDataAddress, signTypedData } from '../eip712/signTypedData.js'
import { ConsentError, type InvalidArgumentError } from '../errors/base.js'
import type { Party, PublicIdentity } from '../identity/types.js'
import type { Address, Hex } from '../types.js'

/** EIP-712 `types` of the break-glass structures. */
export const breakGlassTypes = {
  EmergencyPolicy: [
    { name: 'id', type: 'bytes32' },
    { name: 'patient', type: 'address' },
    { name: 'resourceTypes', type: 'string[]' },
    { name: 'exclude', type: 'string[]' },
    { name: 'issuers', type: 'address[]' },
    { name: 'role', type: 'string' },
    { name: 'maxDuration', type: 'uint64' },
    { name: 'notBefore', type: 'uint64' },
    { name: 'expiresAt', type: 'uint64' },
  ],
  ClinicianCredential: [
    { name: 'id', type: 'bytes32' },
    { name: 'issuer', type: 'address' },
    { name: 'subject', type: 'address' },
    { name: 'role', type: 'string' },
    { name: 'notBefore', type: 'uint64' },
    { name: 'expiresAt', type: 'uint64' },
  ],
} as const

/** Longest emergency access a policy may allow, seconds (24 h). */
export const MAX_EMERGENCY_DURATION = 86_400

/** A patient's emergency policy: which organizations' credentialed clinicians may open what, for how long. */
export type EmergencyPolicy = {
  readonly id: Hex
  /** The patient who signs the policy and owns the records. */
  readonly patient: Address
  /** FHIR resource types an emergency access may open. */
  readonly resourceTypes: readonly string[]
  /** Security labels never opened (e.g. `PSY`, `SUD`). */
  readonly exclude: readonly string[]
  /** Credential issuers (organizations) whose credentials the policy accepts. */
  readonly issuers: readonly Address[]
  /** The role credentials must attest, exactly (e.g. `emergency-physician`). */
  readonly role: string
  /** Longest single emergency access, seconds (1..86400). */
  readonly maxDuration: number
  /** Policy valid from (Unix seconds, ledger time). */
  readonly notBefore: number
  /** Policy valid until (exclusive). */
  readonly expiresAt: number
}

/** An emergency policy with the patient's signature. */
export type SignedEmergencyPolicy = { readonly policy: EmergencyPolicy; readonly signature: Hex }

/** An issuer's statement that `subject` holds `role` between `notBefore` and `expiresAt`. */
export type ClinicianCredential = {
  readonly id: Hex
  readonly issuer: Address
  readonly subject: Address
  readonly role: string
  readonly notBefore: number
  readonly expiresAt: number
}

/** A credential with the issuer's signature. */
export type SignedClinicianCredential = { readonly credential: ClinicianCredential; readonly signature: Hex }

const RE_RESOURCE_TYPE = /^[A-Z][A-Za-z]{0,63}$/
const RE_LABEL = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/
const RE_ROLE = /^[\x21-\x7e]{1,128}$/

/** A `BREAK_GLASS_INVALID` error. @internal */
export function invalid(message: string): ConsentError {
  return new ConsentError('BREAK_GLASS_INVALID', message)
}

const addr = (v: unknown, name: string): Address => {
  if (!isAddress(v)) throw invalid(`${name} must be a 20-byte hex address (mixed case: a valid EIP-55 checksum).`)
  return checksumAddress(v)
}
const time = (v: unknown, name: string): number => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw invalid(`${name} must be Unix seconds (a non-negative safe integer).`)
  return v
}
const strings = (v: unknown, name: string, re: RegExp, nonEmpty: boolean): readonly string[] => {
  if (!Array.isArray(v) || v.length > 64 || (nonEmpty && v.length === 0) || new Set(v).size !== v.length)
    throw invalid(`${name} must be a list of distinct codes${nonEmpty ? ' (not empty)' : ''}.`)
  for (const [i, s] of v.entries())
    if (typeof s !== 'string' || !re.test(s)) throw invalid(`${name}[${i}] must be a code of the expected form.`)
  return Object.freeze([...v])
}
const exactKeys = (v: Record<string, unknown>, keys: readonly { name: string }[], what: string) => {
  const names = keys.map((k) => k.name)
  for (const k of Object.keys(v))
    if (!names.includes(k)) throw invalid(`${what} must have only the fields ${names.join(', ')} (it has another).`)
  for (const k of names) if (!(k in v)) throw invalid(`${what}.${k} is missing.`)
}

/** Checks an emergency policy's shape and values; returns a normalized frozen copy. @internal */
export function assertEmergencyPolicy(value: unknown): EmergencyPolicy {
  if (typeof value !== 'object' || value === null) throw invalid('policy must be an object.')
  const v = value as Record<string, unknown>
  exactKeys(v, breakGlassTypes.EmergencyPolicy, 'policy')
  if (!isBytes32(v.id) || /^0x0{64}$/.test(v.id)) throw invalid('policy.id must be 32 non-zero bytes.')
  const issuers = v.issuers
  if (!Array.isArray(issuers) || issuers.length === 0 || issuers.length > 64)
    throw invalid('policy.issuers must list 1..64 issuers.')
  const maxDuration = time(v.maxDuration, 'policy.maxDuration')
  if (maxDuration < 1 || maxDuration > MAX_EMERGENCY_DURATION)
    throw invalid(`policy.maxDuration must be 1..${MAX_EMERGENCY_DURATION} seconds.`)
  const notBefore = time(v.notBefore, 'policy.notBefore')
  const expiresAt = time(v.expiresAt, 'policy.expiresAt')
  if (expiresAt <= notBefore) throw invalid('policy.expiresAt must be after policy.notBefore.')
  if (typeof v.role !== 'string' || !RE_ROLE.test(v.role)) throw invalid('policy.role must be 1..128 printable ASCII.')
  return Object.freeze({
    id: v.id.toLowerCase() as Hex,
    patient: addr(v.patient, 'policy.patient'),
    resourceTypes: strings(v.resourceTypes, 'policy.resourceTypes', RE_RESOURCE_TYPE, true),
    exclude: strings(v.exclude, 'policy.exclude', RE_LABEL, false),
    issuers: Object.freeze(issuers.map((i, n) => addr(i, `policy.issuers[${n}]`))),
    role: v.role,
    maxDuration,
    notBefore,
    expiresAt,
  })
}

/** Checks a credential's shape and values; returns a normalized frozen copy. @internal */
export function assertClinicianCredential(value: unknown): ClinicianCredential {
  if (typeof value !== 'object' || value === null) throw invalid('credential must be an object.')
  const v = value as Record<string, unknown>
  exactKeys(v, breakGlassTypes.ClinicianCredential, 'credential')
  if (!isBytes32(v.id) || /^0x0{64}$/.test(v.id)) throw invalid('credential.id must be 32 non-zero bytes.')
  if (typeof v.role !== 'string' || !RE_ROLE.test(v.role)) throw invalid('credential.role must be printable ASCII.')
  const notBefore = time(v.notBefore, 'credential.notBefore')
  const expiresAt = time(v.expiresAt, 'credential.expiresAt')
  if (expiresAt <= notBefore) throw invalid('credential.expiresAt must be after notBefore.')
  return Object.freeze({
    id: v.id.toLowerCase() as Hex,
    issuer: addr(v.issuer, 'credential.issuer'),
    subject: addr(v.subject, 'credential.subject'),
    role: v.role,
    notBefore,
    expiresAt,
  })
}

const policyTypedData = (domain: LedgerDomain, policy: EmergencyPolicy) => ({
  domain,
  types: { EmergencyPolicy: breakGlassTypes.EmergencyPolicy },
  primaryType: 'EmergencyPolicy',
  message: policy,
})
const credentialTypedData = (domain: LedgerDomain, credential: ClinicianCredential) => ({
  domain,
  types: { ClinicianCredential: breakGlassTypes.ClinicianCredential },
  primaryType: 'ClinicianCredential',
  message: credential,
})

/** Parameters of {@link createEmergencyPolicy}. */
export type CreateEmergencyPolicyParameters = Omit<EmergencyPolicy, 'id' | 'patient' | 'exclude' | 'issuers'> & {
  readonly patient: Address | Pick<PublicIdentity, 'address'>
  readonly issuers: readonly (Address | Pick<PublicIdentity, 'address'>)[]
  readonly exclude?: readonly string[]
  readonly id?: Hex
  readonly randomBytes?: RandomBytes
}

const addressOf = (v: unknown) => (typeof v === 'object' && v !== null ? (v as { address: unknown }).address : v)

/**
 * Creates an emergency policy (unsigned) with a random id.
 *
 * @param params - patient, resource types, accepted issuers and role, max duration, validity window
 * @returns the checked, frozen policy
 * @throws {@link ConsentError} `BREAK_GLASS_INVALID` for bad values
 * @example
 * ```ts
 * import { createEmergencyPolicy } from '@medseal/core'
 * const policy = createEmergencyPolicy({
 *   patient, resourceTypes: ['AllergyIntolerance', 'MedicationStatement'], issuers: [hospital],
 *   role: 'emergency-physician', maxDuration: 3600, notBefore: now, expiresAt: now + 365 * 86400,
 * })
 * ```
 */
export function createEmergencyPolicy(params: CreateEmergencyPolicyParameters): EmergencyPolicy {
  const random = params.randomBytes ?? defaultRandomBytes
  return assertEmergencyPolicy({
    id: params.id ?? bytesToHex0x(random(32)),
    patient: addressOf(params.patient),
    resourceTypes: params.resourceTypes,
    exclude: params.exclude ?? [],
    issuers: Array.isArray(params.issuers) ? params.issuers.map(addressOf) : params.issuers,
    role: params.role,
    maxDuration: params.maxDuration,
    notBefore: params.notBefore,
    expiresAt: params.expiresAt,
  })
}

/**
 * Signs an emergency policy as the patient for a ledger's domain.
 *
 * @param party - the patient (`policy.patient`)
 * @param domain - `ledger.domain`
 * @param policy - from {@link createEmergencyPolicy}
 * @returns the signed policy
 * @throws {@link ConsentError} `BREAK_GLASS_INVALID` when `party` is not the policy's patient
 * @example
 * ```ts
 * import { signEmergencyPolicy } from '@medseal/core'
 * const signedPolicy = signEmergencyPolicy(patient, ledger.domain, policy)
 * ```
 */
export function signEmergencyPolicy(
  party: Party,
  domain: LedgerDomain,
  policy: EmergencyPolicy,
): SignedEmergencyPolicy {
  const p = assertEmergencyPolicy(policy)
  if (!sameAddress(party.address, p.patient)) throw invalid('Only the patient can sign their emergency policy.')
  return Object.freeze({ policy: p, signature: signTypedData(party, policyTypedData(assertDomain(domain), p)) })
}

/** Parameters of {@link createClinicianCredential}. */
export type CreateClinicianCredentialParameters = {
  readonly issuer: Address | Pick<PublicIdentity, 'address'>
  readonly subject: Address | Pick<PublicIdentity, 'address'>
  readonly role: string
  readonly notBefore: number
  readonly expiresAt: number
  readonly id?: Hex
  readonly randomBytes?: RandomBytes
}

/**
 * Creates a clinician credential (unsigned): `issuer` states that `subject` holds `role`.
 *
 * @param params - issuer, subject, role, window
 * @returns the checked, frozen credential
 * @throws {@link ConsentError} `BREAK_GLASS_INVALID` for bad values
 * @example
 * ```ts
 * import { createClinicianCredential } from '@medseal/core'
 * const credential = createClinicianCredential({
 *   issuer: hospital, subject: clinician, role: 'emergency-physician', notBefore: now, expiresAt: now + 86400 * 365,
 * })
 * ```
 */
export function createClinicianCredential(params: CreateClinicianCredentialParameters): ClinicianCredential {
  const random = params.randomBytes ?? defaultRandomBytes
  return assertClinicianCredential({
    id: params.id ?? bytesToHex0x(random(32)),
    issuer: addressOf(params.issuer),
    subject: addressOf(params.subject),
    role: params.role,
    notBefore: params.notBefore,
    expiresAt: params.expiresAt,
  })
}

/**
 * Signs a clinician credential as its issuer for a ledger's domain.
 *
 * @param party - the issuing organization (`credential.issuer`)
 * @param domain - `ledger.domain`
 * @param credential - from {@link createClinicianCredential}
 * @returns the signed credential
 * @throws {@link ConsentError} `BREAK_GLASS_INVALID` when `party` is not the issuer
 * @example
 * ```ts
 * import { signClinicianCredential } from '@medseal/core'
 * const signedCredential = signClinicianCredential(hospital, ledger.domain, credential)
 * ```
 */
export function signClinicianCredential(
  party: Party,
  domain: LedgerDomain,
  credential: ClinicianCredential,
): SignedClinicianCredential {
  const c = assertClinicianCredential(credential)
  if (!sameAddress(party.address, c.issuer)) throw invalid('Only the issuer can sign a credential.')
  return Object.freeze({ credential: c, signature: signTypedData(party, credentialTypedData(assertDomain(domain), c)) })
}

function signer(typedData: Parameters<typeof recoverTypedDataAddress>[0], signature: unknown): Address | undefined {
  if (typeof signature !== 'string' || !/^0x[0-9a-fA-F]{130}$/.test(signature)) return undefined
  try {
    return recoverTypedDataAddress(typedData, signature as Hex)
  } catch {
    return undefined
  }
}

/**
 * Verifies a signed emergency policy under a domain: shape, values and the patient's signature.
 *
 * @param domain - `ledger.domain`
 * @param signed - the signed policy
 * @returns the policy (normalized)
 * @throws {@link ConsentError} `BREAK_GLASS_INVALID`
 * @example
 * ```ts
 * import { verifyEmergencyPolicy } from '@medseal/core'
 * const policy = verifyEmergencyPolicy(ledger.domain, signedPolicy)
 * ```
 */
export function verifyEmergencyPolicy(domain: LedgerDomain, signed: SignedEmergencyPolicy): EmergencyPolicy {
  if (typeof signed !== 'object' || signed === null) throw invalid('signed policy must be an object.')
  const p = assertEmergencyPolicy(signed.policy)
  const who = signer(policyTypedData(assertDomain(domain), p), signed.signature)
  if (!who || !sameAddress(who, p.patient)) throw invalid('Emergency policy is not signed by its patient.')
  return p
}

/**
 * Verifies a signed clinician credential under a domain: shape, values and the issuer's signature.
 *
 * @param domain - `ledger.domain`
 * @param signed - the signed credential
 * @returns the credential (normalized)
 * @throws {@link ConsentError} `BREAK_GLASS_INVALID`
 * @example
 * ```ts
 * import { verifyClinicianCredential } from '@medseal/core'
 * const credential = verifyClinicianCredential(ledger.domain, signedCredential)
 * ```
 */
export function verifyClinicianCredential(
  domain: LedgerDomain,
  signed: SignedClinicianCredential,
): ClinicianCredential {
  if (typeof signed !== 'object' || signed === null) throw invalid('signed credential must be an object.')
  const c = assertClinicianCredential(signed.credential)
  const who = signer(credentialTypedData(assertDomain(domain), c), signed.signature)
  if (!who || !sameAddress(who, c.issuer)) throw invalid('Credential is not signed by its issuer.')
  return c
}

/** Errors of the break-glass structure functions. */
export type EmergencyPolicyErrorType = ConsentError | InvalidArgumentError
