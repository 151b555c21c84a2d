/**
 * Builds a consent grant: a random 32-byte id, checked codes, actions and validity window.
 * @module
 */
import { bytesToHex0x, randomBytes as defaultRandomBytes, isBytes, type RandomBytes } from '../bytes/index.js'
import type { ConsentError, InvalidArgumentError } from '../errors/base.js'
import { InvalidArgumentError as InvalidArgument } from '../errors/base.js'
import type { PublicIdentity } from '../identity/types.js'
import { consentKey } from '../ledger/consentKey.js'
import type { Address, Hex } from '../types.js'
import { assertConsent, ZERO_BYTES32 } from './_validate.js'
import type { Consent, ConsentAction } from './types.js'

/** Parameters of {@link createConsent}. Give exactly one of `expiresAt` and `durationSeconds`. */
export type CreateConsentParameters = {
  /** Who grants: the patient, or for a re-grant the grantee of `parent`. */
  readonly grantor: Address | Pick<PublicIdentity, 'address'>
  /** Who is granted. */
  readonly grantee: Address | Pick<PublicIdentity, 'address'>
  /** FHIR resource types in scope. */
  readonly resourceTypes?: readonly string[]
  /** Specific records in scope, by commitment (32 bytes, hex or bytes). */
  readonly commitments?: readonly (Hex | Uint8Array)[]
  /** Security labels never in scope (e.g. `PSY`, `HIV`, `SUD`, `ETH`). */
  readonly exclude?: readonly string[]
  /** Allowed actions (`read`, `search`, `vread`, `write`, `delegate`). */
  readonly actions: readonly ConsentAction[]
  /** HL7 v3 PurposeOfUse codes. */
  readonly purposes: readonly string[]
  /** Valid from, Unix seconds (use the ledger's time: `await ledger.getTime()`). */
  readonly notBefore: number
  /** Valid until, Unix seconds, exclusive. */
  readonly expiresAt?: number
  /** Validity in seconds from `notBefore` (instead of `expiresAt`). */
  readonly durationSeconds?: number
  /**
   * The grant this one re-grants (delegation): the parent consent itself (e.g. `token.consent`), of which its
   * `grantor` and `id` are used. The new consent's `parent` field is the parent's ledger key,
   * `consentKey(parent.grantor, parent.id)`. Omit for a grant from the patient.
   */
  readonly parent?: Pick<Consent, 'grantor' | 'id'>
  /**
   * The parent's ledger key as it is stored in a consent (`Consent.parent`), instead of `parent`: for imports of a
   * consent that already names its parent (e.g. from a FHIR `Consent`). Give at most one of `parent` and `parentKey`.
   */
  readonly parentKey?: Hex
  /** How many further re-grants the grantee may make (default 0). */
  readonly delegationDepth?: number
  /** Explicit id (tests, imports); by default 32 random bytes. */
  readonly id?: Hex
  /** Randomness source for the id (deterministic tests). */
  readonly randomBytes?: RandomBytes
}

/** What {@link createConsent} returns: a checked, frozen consent, not yet signed. */
export type CreateConsentReturnType = Consent

/** Errors {@link createConsent} can throw. */
export type CreateConsentErrorType = ConsentError | InvalidArgumentError

function addressOf(value: Address | Pick<PublicIdentity, 'address'>): unknown {
  return typeof value === 'object' && value !== null ? value.address : value
}

function parentOf(params: CreateConsentParameters): unknown {
  if (params.parent !== undefined && params.parentKey !== undefined)
    throw new InvalidArgument('INVALID_ARGUMENT', 'Give at most one of parent and parentKey.')
  if (params.parentKey !== undefined) return params.parentKey
  if (params.parent === undefined) return ZERO_BYTES32
  const p = params.parent as { grantor?: unknown; id?: unknown } | null
  if (typeof p !== 'object' || p === null)
    throw new InvalidArgument('INVALID_TYPE', 'parent must be the parent consent ({ grantor, id }).')
  return consentKey(p.grantor as Address, p.id as Hex)
}

/**
 * Creates a consent grant (unsigned): a fresh random 32-byte id, deduplicated lists, and the validity window checked.
 * Sign it with {@link createConsentToken} (or `signConsent`) and register it with `ledger.registerConsent`.
 *
 * @param params - grantor, grantee, scope, actions, purposes and window
 * @returns the consent, frozen, with checksummed addresses
 * @throws {@link ConsentError} `CONSENT_MALFORMED` for unknown actions or purposes, an empty scope, a bad window
 * @throws {@link InvalidArgumentError} `INVALID_ARGUMENT` when both or neither of `expiresAt`/`durationSeconds`
 *   are given, when `parent` is not a consent's `{ grantor, id }`, or when both `parent` and `parentKey` are given
 * @example
 * ```ts
 * import { createConsent, createParty } from '@medseal/core'
 * const patient = createParty()
 * const doctor = createParty()
 * const consent = createConsent({
 *   grantor: patient, grantee: doctor, resourceTypes: ['Observation'],
 *   actions: ['read', 'delegate'], purposes: ['TREAT'], notBefore: 1_700_000_000, durationSeconds: 3600,
 *   delegationDepth: 1,
 * })
 * // the doctor re-grants part of it to a nurse: `parent` becomes consentKey(patient.address, consent.id)
 * const nurse = createParty()
 * const regrant = createConsent({
 *   grantor: doctor, grantee: nurse, parent: consent, resourceTypes: ['Observation'],
 *   actions: ['read'], purposes: ['TREAT'], notBefore: 1_700_000_000, durationSeconds: 600,
 * })
 * ```
 */
export function createConsent(params: CreateConsentParameters): CreateConsentReturnType {
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgument('INVALID_TYPE', 'createConsent parameters must be an object.')
  const hasExpiry = params.expiresAt !== undefined
  const hasDuration = params.durationSeconds !== undefined
  if (hasExpiry === hasDuration)
    throw new InvalidArgument('INVALID_ARGUMENT', 'Give exactly one of expiresAt and durationSeconds.')
  if (hasDuration) {
    const d = params.durationSeconds as number
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d <= 0)
      throw new InvalidArgument('OUT_OF_RANGE', 'durationSeconds must be a positive integer.')
  }
  const expiresAt = hasExpiry ? params.expiresAt : (params.notBefore as number) + (params.durationSeconds as number)
  const random = params.randomBytes ?? defaultRandomBytes
  const dedupe = <T>(xs: readonly T[] | undefined): T[] => (Array.isArray(xs) ? [...new Set(xs)] : (xs as T[]))
  const commitments = Array.isArray(params.commitments)
    ? dedupe(
        params.commitments.map((c) =>
          isBytes(c) && c.length === 32 ? bytesToHex0x(c) : typeof c === 'string' ? c.toLowerCase() : c,
        ),
      )
    : (params.commitments ?? [])
  return assertConsent({
    id: params.id ?? bytesToHex0x(random(32)),
    grantor: addressOf(params.grantor),
    grantee: addressOf(params.grantee),
    parent: parentOf(params),
    resourceTypes: dedupe(params.resourceTypes ?? []),
    commitments,
    exclude: dedupe(params.exclude ?? []),
    actions: dedupe(params.actions),
    purposes: dedupe(params.purposes),
    notBefore: params.notBefore,
    expiresAt,
    delegationDepth: params.delegationDepth ?? 0,
  })
}
