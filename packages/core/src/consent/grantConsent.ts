/**
 * One call for the common case: create, sign and register a consent on a ledger.
 * @module
 */
import type { ConsentError, InvalidArgumentError, LedgerError } from '../errors/base.js'
import type { Party } from '../identity/types.js'
import type { ConsentRecord, LedgerAdapter } from '../ledger/types.js'
import type { ConsentToken } from './consentToken.js'
import { type CreateConsentParameters, createConsent } from './createConsent.js'
import { createConsentToken } from './verifyConsent.js'

/** Parameters of {@link grantConsent}: those of `createConsent`, with the signing `party` as grantor. */
export type GrantConsentParameters = Omit<CreateConsentParameters, 'grantor' | 'notBefore'> & {
  /** The grantor, who signs. */
  readonly party: Party
  /** Valid from; default: the ledger's current time. */
  readonly notBefore?: number
}

/** What {@link grantConsent} returns. */
export type GrantConsentReturnType = {
  /** The signed token to hand to the grantee (compact form: `encodeConsentToken(token)`). */
  readonly token: ConsentToken
  /** The ledger's record of the registration. */
  readonly record: ConsentRecord
}

/** Errors {@link grantConsent} can throw. */
export type GrantConsentErrorType = ConsentError | InvalidArgumentError | LedgerError

/**
 * Creates a consent with `party` as grantor (from the ledger's time by default), signs it under the ledger's domain
 * and registers it.
 *
 * @param ledger - where to register
 * @param params - the grant (see `createConsent`) and the signing `party`
 * @returns `{ token, record }`
 * @throws {@link ConsentError} `CONSENT_MALFORMED`; `CONSENT_REPLAYED` when another consent has this id
 * @throws {@link LedgerError} when the ledger fails
 * @example
 * ```ts
 * import { grantConsent } from '@medseal/core'
 * const { token } = await grantConsent(ledger, {
 *   party: patient, grantee: doctor, resourceTypes: ['Observation'],
 *   actions: ['read'], purposes: ['TREAT'], durationSeconds: 3600,
 * })
 * ```
 */
export async function grantConsent(
  ledger: LedgerAdapter,
  params: GrantConsentParameters,
): Promise<GrantConsentReturnType> {
  const { party, ...rest } = params
  const notBefore = params.notBefore ?? (await ledger.getTime())
  const consent = createConsent({ ...rest, grantor: party, notBefore } as CreateConsentParameters)
  const token = createConsentToken(party, ledger.domain, consent)
  const record = await ledger.registerConsent({ consent: token.consent, signature: token.signature })
  return Object.freeze({ token, record })
}
