/**
 * The clinician app's model, with no DOM: reads what a patient shared (a share link) by asking the records service
 * for each record's key with a signed key request, then opening the envelope with the clinician's own key.
 * @module
 */
import { createKeyRequest, decodeConsentToken, type Hex, open, type Party } from '@medseal/core'
import type { ServiceConnection } from './connection.js'
import { type Explanation, explain } from './explain.js'
import type { Share } from './share.js'
import { type Summary, summarize } from './summaries.js'

/** The outcome of opening one shared record. */
export type ReadOutcome =
  | { readonly ok: true; readonly commitment: Hex; readonly summary: Summary; readonly resourceType: string }
  | { readonly ok: false; readonly commitment: Hex; readonly error: Explanation }

/**
 * Opens one shared record: a key request signed by `clinician` under the share's consent, the key released by the
 * custodian (which logs the decision first), the envelope opened here. A refusal is returned, not thrown.
 *
 * @param service - the records service named by the share
 * @param params - the clinician's party, the share and the record's commitment
 * @returns the record's readable summary, or the refusal explained
 * @example
 * ```ts
 * const outcome = await readShared(service, { clinician, share, commitment: share.records[0] })
 * ```
 */
export async function readShared(
  service: ServiceConnection,
  params: { clinician: Party; share: Share; commitment: Hex },
): Promise<ReadOutcome> {
  const { clinician, share, commitment } = params
  try {
    const { consent } = decodeConsentToken(share.consent)
    const request = createKeyRequest(clinician, service.ledger.domain, {
      consentId: consent.id,
      grantor: consent.grantor,
      commitment,
      action: 'read',
      purpose: 'TREAT',
      issuedAt: await service.ledger.getTime(),
      custodian: service.custodian.identity,
    })
    const { envelope } = await service.custodian.releaseKey(request)
    const { value } = await open<Record<string, unknown>>(envelope, clinician)
    return { ok: true, commitment, summary: summarize(value), resourceType: String(value.resourceType) }
  } catch (err) {
    return { ok: false, commitment, error: explain(err) }
  }
}
