/**
 * Patient-side key release: the patient's own client re-wraps the data keys of the records a consent covers to the
 * grantee. No content is re-encrypted; the ledger must agree the consent is in force (docs/spec/consent.md §9).
 * @module
 */

import { bytesToHex0x, isBytes } from '../bytes/index.js'
import { isAddress, isBytes32, sameAddress } from '../consent/_validate.js'
import { type AuthorizeDenyReason, authorize } from '../consent/authorize.js'
import { createConsentCache } from '../consent/consentCache.js'
import { addRecipient } from '../envelope/addRecipient.js'
import type { Envelope } from '../envelope/types.js'
import { ConsentError, type EnvelopeError, InvalidArgumentError, type LedgerError } from '../errors/base.js'
import type { Party, PublicIdentity } from '../identity/types.js'
import { consentKey } from '../ledger/consentKey.js'
import type { LedgerAdapter } from '../ledger/types.js'
import type { Hex } from '../types.js'

/** One of the patient's records, as their client knows it. */
export type ShareableRecord = {
  readonly envelope: Envelope
  readonly commitment: Hex | Uint8Array
  readonly resourceType: string
  readonly labels?: readonly string[]
}

/** Parameters of {@link shareRecords}. */
export type ShareRecordsParameters = {
  /** The patient (a recipient of every envelope). */
  readonly party: Party
  /** The consent to share under (registered on the ledger, granted by `party`). */
  readonly consentId: Hex
  /** The grantee's public identity: its address must be the consent's grantee. */
  readonly grantee: PublicIdentity
  /** The records to consider; only those the consent covers are shared. */
  readonly records: readonly ShareableRecord[]
  /** The host clock in Unix milliseconds (default `Date.now`), passed to `authorize` with the ledger's time. */
  readonly now?: () => number
}

/** What {@link shareRecords} returns. */
export type ShareRecordsReturnType = {
  /** Envelopes the grantee can now open (the same ciphertext, one more wrap). */
  readonly shared: readonly { readonly commitment: Hex; readonly envelope: Envelope }[]
  /** Records left out, and why. */
  readonly skipped: readonly { readonly commitment: Hex; readonly reason: AuthorizeDenyReason }[]
}

/** Errors {@link shareRecords} can throw. */
export type ShareRecordsErrorType = ConsentError | EnvelopeError | InvalidArgumentError | LedgerError

/**
 * Shares the records a consent covers by adding the grantee as a recipient of each envelope (HPKE re-wrap of the
 * data key; ciphertext unchanged). Each record is decided with `authorize` (for `read`, under the consent's first
 * purpose, at ledger time, with the patient as owner); records it refuses are skipped with their reason.
 *
 * @param ledger - the ledger the consent is registered on
 * @param params - `party` (patient, the consent's grantor), `consentId`, `grantee`, `records`
 * @returns `{ shared, skipped }`
 * @throws {@link ConsentError} `CONSENT_NOT_FOUND` (no consent with this id granted by `party`), `CONSENT_GRANTEE`
 *   (the grantee identity is not the consent's), or the consent's reason when it is not in force (e.g. `CONSENT_REVOKED`)
 * @example
 * ```ts
 * import { shareRecords } from '@medseal/core'
 * const { shared } = await shareRecords(ledger, { party: patient, consentId, grantee: doctor.toPublic(), records })
 * ```
 */
export async function shareRecords(
  ledger: LedgerAdapter,
  params: ShareRecordsParameters,
): Promise<ShareRecordsReturnType> {
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'shareRecords parameters must be an object.')
  const { party, consentId, grantee, records } = params
  if (!isBytes32(consentId)) throw new InvalidArgumentError('INVALID_ARGUMENT', 'consentId must be 32 bytes hex.')
  if (!Array.isArray(records)) throw new InvalidArgumentError('INVALID_TYPE', 'records must be an array.')
  if (typeof party !== 'object' || party === null || !isAddress(party.address))
    throw new InvalidArgumentError('INVALID_TYPE', 'party must be a Party.')
  // Consents are keyed by (grantor, id): the patient shares under their own grants only.
  const record = await ledger.getConsent(consentKey(party.address, consentId))
  if (!record)
    throw new ConsentError('CONSENT_NOT_FOUND', 'The ledger holds no consent with this id granted by this party.')
  if (!sameAddress(record.consent.grantor, party.address))
    throw new ConsentError('ACCESS_DENIED', 'Only the grantor shares records under a consent.')
  if (!sameAddress(record.consent.grantee, grantee.address))
    throw new ConsentError('CONSENT_GRANTEE', 'The grantee identity is not the consent’s grantee.')
  const purpose = record.consent.purposes[0] as string
  // One signature check for the consent (and each link of its chain) across the whole batch.
  const cache = createConsentCache({ maxEntries: 300 })
  const shared: { commitment: Hex; envelope: Envelope }[] = []
  const skipped: { commitment: Hex; reason: AuthorizeDenyReason }[] = []
  for (const r of records) {
    const commitment = (isBytes(r.commitment) ? bytesToHex0x(r.commitment) : r.commitment).toLowerCase() as Hex
    const decision = await authorize(
      ledger,
      {
        consentId,
        grantor: party.address,
        grantee: grantee.address,
        action: 'read',
        purpose,
        record: {
          commitment,
          resourceType: r.resourceType,
          labels: r.labels ?? [],
          owner: party.address,
        },
      },
      params.now ? { now: params.now, cache } : { cache },
    )
    if (decision.allowed) {
      shared.push({ commitment, envelope: await addRecipient(r.envelope, { opener: party, recipient: grantee }) })
      continue
    }
    const reason = decision.reason as AuthorizeDenyReason
    // A consent that is not in force shares nothing: say so instead of skipping everything silently.
    if (reason !== 'CONSENT_SCOPE' && reason !== 'CONSENT_EXCLUDED')
      throw new ConsentError(reason, `The consent does not allow sharing: ${reason}.`)
    skipped.push({ commitment, reason })
  }
  return Object.freeze({ shared: Object.freeze(shared), skipped: Object.freeze(skipped) })
}
