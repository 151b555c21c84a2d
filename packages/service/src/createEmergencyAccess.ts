/**
 * A clinician's signed break-glass request, made where the clinician's key is (their browser), to send to a service's
 * `POST /v1/break-glass`. The same typed data the in-process `BreakGlass.breakGlass` signs.
 * @module
 */
import {
  bytesToHex0x,
  type ConsentError,
  emergencyAccessTypes,
  type Hex,
  InvalidArgumentError,
  type LedgerDomain,
  type Party,
  randomBytes,
  type SignedClinicianCredential,
  type SignedEmergencyAccess,
  type SignedEmergencyPolicy,
  signTypedData,
} from '@medseal/core'

/** Parameters of {@link createEmergencyAccess}. */
export type CreateEmergencyAccessParameters = {
  readonly policy: SignedEmergencyPolicy
  readonly credential: SignedClinicianCredential
  /** Required, non-empty: why the glass is broken. Never PHI. */
  readonly reason: string
  /** Ledger time now (Unix seconds): `await ledger.getTime()`. */
  readonly issuedAt: number
  /** Seconds wanted (default: the policy's `maxDuration`). */
  readonly durationSeconds?: number
  /** Resource types wanted (default: all of the policy's). */
  readonly resourceTypes?: readonly string[]
  /** The break-glass service it is for: `(await custodian.health()).breakGlassService`. Another service refuses it. */
  readonly service: Hex
}

/** Errors {@link createEmergencyAccess} throws; the service checks the rest (`BREAK_GLASS_INVALID`). */
export type CreateEmergencyAccessErrorType = InvalidArgumentError | ConsentError

/**
 * Signs a break-glass request as `clinician` under the ledger's domain.
 *
 * @param clinician - the clinician's party (signs)
 * @param domain - the ledger's EIP-712 domain
 * @param params - {@link CreateEmergencyAccessParameters}
 * @returns the signed request: `{ access, signature }`
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_TYPE` for a missing policy, credential or party
 * @example
 * ```ts
 * import { createEmergencyAccess } from '@medseal/service'
 * const access = createEmergencyAccess(clinician, ledger.domain, { policy, credential, reason: 'Unconscious on arrival', issuedAt: await ledger.getTime(), service: (await custodian.health()).breakGlassService })
 * const grant = await custodian.acceptBreakGlass({ access, policy, credential })
 * ```
 */
export function createEmergencyAccess(
  clinician: Party,
  domain: LedgerDomain,
  params: CreateEmergencyAccessParameters,
): SignedEmergencyAccess {
  if (typeof clinician?.signDigest !== 'function')
    throw new InvalidArgumentError('INVALID_TYPE', 'clinician must be a Party.')
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'createEmergencyAccess parameters must be an object.')
  const { policy, credential } = params
  if (typeof policy?.policy !== 'object' || typeof credential?.credential !== 'object')
    throw new InvalidArgumentError('INVALID_TYPE', 'policy and credential must be signed (as issued).')
  const access = {
    id: bytesToHex0x(randomBytes(32)),
    policyId: policy.policy.id,
    credentialId: credential.credential.id,
    clinician: clinician.address,
    resourceTypes: [...(params.resourceTypes ?? policy.policy.resourceTypes)],
    duration: params.durationSeconds ?? policy.policy.maxDuration,
    reason: params.reason,
    issuedAt: params.issuedAt,
    service: params.service,
  }
  const signature = signTypedData(clinician, {
    domain,
    types: emergencyAccessTypes,
    primaryType: 'EmergencyAccess',
    message: access,
  })
  return Object.freeze({ access: Object.freeze(access), signature })
}
