/**
 * Withdrawing break-glass authority: a patient withdraws an emergency policy, an issuer a clinician credential. Each
 * is a `Revocation` of the structure's id signed by its signer and recorded on the ledger under
 * `consentKey(signer, id)`; the break-glass service checks it when a request is accepted and at every use of a grant
 * (security review, issue 12, finding 10; docs/spec/consent.md §8).
 * @module
 */
import { isBytes32 } from '../consent/_validate.js'
import { signRevocation } from '../eip712/structures.js'
import { InvalidArgumentError, type LedgerError } from '../errors/base.js'
import type { Party } from '../identity/types.js'
import { consentKey } from '../ledger/consentKey.js'
import type { LedgerAdapter, RevocationRecord } from '../ledger/types.js'
import type { Hex } from '../types.js'

/** Errors the withdrawal functions can throw. */
export type WithdrawErrorType = InvalidArgumentError | LedgerError

async function withdraw(ledger: LedgerAdapter, party: Party, id: Hex, what: string): Promise<RevocationRecord> {
  if (typeof ledger?.revokeConsent !== 'function') throw new InvalidArgumentError('INVALID_TYPE', 'ledger is required.')
  if (typeof party !== 'object' || party === null || typeof party.signDigest !== 'function')
    throw new InvalidArgumentError('INVALID_TYPE', 'party must be a Party (with its signing key).')
  if (!isBytes32(id)) throw new InvalidArgumentError('INVALID_ARGUMENT', `${what} must be 32 bytes as 0x-hex.`)
  const existing = await ledger.getRevocation(consentKey(party.address, id))
  if (existing) return existing
  return ledger.revokeConsent(
    signRevocation(party, ledger.domain, { consentId: id.toLowerCase() as Hex, grantor: party.address }),
  )
}

/**
 * Withdraws an emergency policy: the patient signs a revocation of its id and the ledger records it. From then on no
 * break-glass request under the policy is accepted and every grant made under it stops working. Idempotent.
 *
 * @param ledger - the ledger the break-glass service uses
 * @param params - `party` (the policy's patient) and `policyId`
 * @returns the revocation as the ledger holds it
 * @throws {@link InvalidArgumentError} for bad parameters; {@link LedgerError} when the ledger fails
 * @example
 * ```ts
 * import { withdrawEmergencyPolicy } from '@medseal/core'
 * await withdrawEmergencyPolicy(ledger, { party: patient, policyId: signedPolicy.policy.id })
 * ```
 */
export async function withdrawEmergencyPolicy(
  ledger: LedgerAdapter,
  params: { readonly party: Party; readonly policyId: Hex },
): Promise<RevocationRecord> {
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'withdrawEmergencyPolicy parameters must be an object.')
  return withdraw(ledger, params.party, params.policyId, 'policyId')
}

/**
 * Withdraws a clinician credential: the issuer signs a revocation of its id and the ledger records it. From then on
 * the credential opens no break-glass access and every grant made with it stops working. Idempotent.
 *
 * @param ledger - the ledger the break-glass service uses
 * @param params - `party` (the credential's issuer) and `credentialId`
 * @returns the revocation as the ledger holds it
 * @throws {@link InvalidArgumentError} for bad parameters; {@link LedgerError} when the ledger fails
 * @example
 * ```ts
 * import { withdrawClinicianCredential } from '@medseal/core'
 * await withdrawClinicianCredential(ledger, { party: hospital, credentialId: signedCredential.credential.id })
 * ```
 */
export async function withdrawClinicianCredential(
  ledger: LedgerAdapter,
  params: { readonly party: Party; readonly credentialId: Hex },
): Promise<RevocationRecord> {
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'withdrawClinicianCredential parameters must be an object.')
  return withdraw(ledger, params.party, params.credentialId, 'credentialId')
}
