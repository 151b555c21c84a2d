/**
 * Revocation: the grantor signs a `Revocation` and the ledger records it; from then on `authorize` refuses the grant
 * and every grant delegated from it.
 * @module
 */
import { signRevocation } from '../eip712/structures.js'
import { type ConsentError, InvalidArgumentError, type LedgerError } from '../errors/base.js'
import type { Party } from '../identity/types.js'
import { consentKey } from '../ledger/consentKey.js'
import type { LedgerAdapter, RevocationRecord } from '../ledger/types.js'
import type { Hex } from '../types.js'
import { isBytes32 } from './_validate.js'

/** Parameters of {@link revokeConsent}. */
export type RevokeConsentParameters = {
  /** Who signed what is revoked (a consent's grantor, an emergency policy's patient, a credential's issuer). */
  readonly party: Party
  /** Id of the consent (or policy, or credential) to revoke. */
  readonly consentId: Hex
}

/** Errors {@link revokeConsent} can throw. */
export type RevokeConsentErrorType = ConsentError | InvalidArgumentError | LedgerError

/**
 * Revokes a consent: signs a `Revocation { consentId, grantor: party.address }` with the party's key and records it
 * on the ledger under `consentKey(party.address, consentId)`. Idempotent (revoking twice returns the first
 * revocation). Grants delegated from it stop working too, because `authorize` walks the whole chain.
 *
 * Ledgers key consents by `(grantor, id)`, so a party can only ever revoke its own grants: the revocation names the
 * signer's own id, whether or not a consent is registered under it yet (a grantor can withdraw a token it signed
 * before anyone registered it, or an emergency policy or clinician credential, which are never registered). A
 * revocation signed by someone else for the same id lands under their own key and touches nothing of the grantor's.
 *
 * @param ledger - the ledger the consent is (or would be) registered on
 * @param params - `party` (the grantor) and `consentId`
 * @returns the revocation as the ledger holds it (with its ledger reference)
 * @throws {@link InvalidArgumentError} for a malformed id or a party without a signing key
 * @throws {@link LedgerError} when the ledger fails
 * @example
 * ```ts
 * import { revokeConsent } from '@medseal/core'
 * await revokeConsent(ledger, { party: patient, consentId: token.consent.id })
 * ```
 */
export async function revokeConsent(ledger: LedgerAdapter, params: RevokeConsentParameters): Promise<RevocationRecord> {
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'revokeConsent parameters must be an object.')
  const { party, consentId } = params
  if (!isBytes32(consentId)) throw new InvalidArgumentError('INVALID_ARGUMENT', 'consentId must be 32 bytes as 0x-hex.')
  if (typeof party !== 'object' || party === null || typeof party.signDigest !== 'function')
    throw new InvalidArgumentError('INVALID_TYPE', 'party must be a Party (with its signing key).')
  const id = consentId.toLowerCase() as Hex
  const existing = await ledger.getRevocation(consentKey(party.address, id))
  if (existing) return existing
  return ledger.revokeConsent(signRevocation(party, ledger.domain, { consentId: id, grantor: party.address }))
}
