/**
 * The consent most key-release tests start from: a patient lets a doctor read Observations for treatment.
 * @module
 */
import { type GrantConsentParameters, type GrantConsentReturnType, grantConsent } from '../consent/grantConsent.js'
import type { LedgerAdapter } from '../ledger/types.js'

/**
 * Parameters of {@link grantReadConsent}: the grantor `party` and the `grantee`; anything else of `grantConsent`
 * replaces the default it names.
 */
export type GrantReadConsentParameters = Pick<GrantConsentParameters, 'party' | 'grantee'> &
  Partial<Omit<GrantConsentParameters, 'party' | 'grantee'>>

/**
 * Grants `grantee` the consent tests mostly need: `read` of `Observation` records for `TREAT`, for 3,600 seconds
 * from now (by both clocks, as `grantConsent` does). Any other field of `grantConsent` given replaces its default
 * (`commitments` instead of the resource type, `expiresAt` instead of the duration).
 *
 * @param ledger - where to register the consent
 * @param params - the grantor `party`, the `grantee`, and any field of `grantConsent` to change
 * @returns what `grantConsent` returns: `{ token, record }`
 * @throws what `grantConsent` throws
 * @example
 * ```ts
 * import { createParty } from '@medseal/core'
 * import { createMemoryLedger } from '@medseal/adapter-memory'
 * import { grantReadConsent } from '@medseal/core/testing'
 * const [patient, doctor] = [createParty(), createParty()]
 * const { token } = await grantReadConsent(createMemoryLedger(), { party: patient, grantee: doctor })
 * // token.consent.actions → ['read']; token.consent.resourceTypes → ['Observation']
 * ```
 */
export function grantReadConsent(
  ledger: LedgerAdapter,
  params: GrantReadConsentParameters,
): Promise<GrantConsentReturnType> {
  const scope = params.resourceTypes === undefined && params.commitments === undefined
  const duration = params.durationSeconds === undefined && params.expiresAt === undefined
  return grantConsent(ledger, {
    actions: ['read'],
    purposes: ['TREAT'],
    ...(scope ? { resourceTypes: ['Observation'] } : {}),
    ...(duration ? { durationSeconds: 3600 } : {}),
    ...params,
  })
}
