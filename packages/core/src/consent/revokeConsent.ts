/**
 * Revocation: the grantor signs a `Revocation` and the ledger records it; from then on `authorize` refuses the grant
 * and every grant delegated from it.
 * @module
 */
import { signRevocation } from '../eip712/structures.js'
import { ConsentError, InvalidArgumentError, type LedgerError } from '../errors/base.js'
import type { Party } from '../identity/types.js'
import type { LedgerAdapter, RevocationRecord } from '../ledger/types.js'
import type { Hex } from '../types.js'
import { isBytes32, sameAddress } from './_validate.js'

/** Parameters of {@link revokeConsent}. */
export type RevokeConsentParameters = {
  /** The grantor of the consent (only they can revoke it). */
  readonly party: Party
  /** Id of the consent to revoke. */
  readonly consentId: Hex
}

/** Errors {@link revokeConsent} can throw. */
export type RevokeConsentErrorType = ConsentError | InvalidArgumentError | LedgerError

/**
 * Revokes a consent: signs a `Revocation { consentId, grantor }` with the grantor's key and records it on the ledger.
 * Idempotent (revoking twice returns the first revocation). Grants delegated from it stop working too, because
 * `authorize` walks the whole chain.
 *
 * @param ledger - the ledger the consent is registered on
 * @param params - `party` (the grantor) and `consentId`
 * @returns the revocation as the ledger holds it (with its ledger reference)
 * @throws {@link ConsentError} `CONSENT_NOT_FOUND` (not registered), `ACCESS_DENIED` (`party` is not the grantor)
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
  const record = await ledger.getConsent(consentId)
  if (!record) throw new ConsentError('CONSENT_NOT_FOUND', 'No consent with this id is registered on the ledger.')
  if (!sameAddress(record.consent.grantor, party.address))
    throw new ConsentError('ACCESS_DENIED', 'Only the grantor of a consent can revoke it.')
  if (record.revocation) return record.revocation
  const signed = signRevocation(party, ledger.domain, {
    consentId: record.consent.id,
    grantor: record.consent.grantor,
  })
  return ledger.revokeConsent(signed)
}
