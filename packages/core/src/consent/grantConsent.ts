/**
 * One call for the common case: create, sign and register a consent on a ledger.
 * @module
 */
import type { ConsentError, InvalidArgumentError, LedgerError } from '../errors/base.js'
import { InvalidArgumentError as InvalidArgument } from '../errors/base.js'
import type { Party } from '../identity/types.js'
import type { ConsentRecord, LedgerAdapter } from '../ledger/types.js'
import type { ConsentToken } from './consentToken.js'
import { type CreateConsentParameters, createConsent } from './createConsent.js'
import { createConsentToken } from './verifyConsent.js'

/** Parameters of {@link grantConsent}: those of `createConsent`, with the signing `party` as grantor. */
export type GrantConsentParameters = Omit<CreateConsentParameters, 'grantor' | 'notBefore'> & {
  /** The grantor, who signs. */
  readonly party: Party
  /**
   * Valid from; default: now by both clocks, the earlier of the ledger's time and the host clock, so that the grant
   * is in force at once for `authorize`, which requires both clocks to be inside the window.
   */
  readonly notBefore?: number
  /** The host clock in Unix milliseconds, for the default `notBefore` (default `Date.now`). */
  readonly now?: () => number
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
 * Creates a consent with `party` as grantor (valid from now by default), signs it under the ledger's domain and
 * registers it under `consentKey(party.address, id)`.
 *
 * @param ledger - where to register
 * @param params - the grant (see `createConsent`) and the signing `party`
 * @returns `{ token, record }`
 * @throws {@link ConsentError} `CONSENT_MALFORMED`; `CONSENT_REPLAYED` when the grantor already registered another
 *   consent under this id
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
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgument('INVALID_TYPE', 'grantConsent parameters must be an object.')
  const { party, now, ...rest } = params
  if (now !== undefined && typeof now !== 'function')
    throw new InvalidArgument('INVALID_TYPE', 'now must be a function.')
  const notBefore = params.notBefore ?? Math.min(await ledger.getTime(), Math.floor((now ?? Date.now)() / 1000))
  const consent = createConsent({ ...rest, grantor: party, notBefore } as CreateConsentParameters)
  const token = createConsentToken(party, ledger.domain, consent)
  const record = await ledger.registerConsent({ consent: token.consent, signature: token.signature })
  return Object.freeze({ token, record })
}
