/**
 * For a recipient of the sealed record: checks that what an SD-JWT disclosed is in that record
 * (docs/spec/sd-jwt-fhir.md §4, the step a verifier without the record cannot take).
 * @module
 */
import {
  bytesToHex0x,
  canonicalizeToBytes,
  type EnvelopeError,
  type EnvelopeInput,
  type EnvelopeOpener,
  equalBytes,
  InvalidArgumentError,
  type LedgerAdapter,
  type LedgerError,
  type LedgerRef,
  open,
  VerificationError,
  verifyReceipt,
} from '@medseal/core'
import type { VerifySdJwtReturnType } from './verifySdJwt.js'

/** Parameters of {@link verifyDisclosuresInRecord}. */
export type VerifyDisclosuresInRecordParameters = {
  /** The result of `verifySdJwt` for the presentation. */
  readonly verified: Pick<VerifySdJwtReturnType, 'binding' | 'fhir'>
  /** The sealed record the token is bound to, and a recipient of it. */
  readonly envelope: EnvelopeInput
  readonly party: EnvelopeOpener
}

/** What {@link verifyDisclosuresInRecord} returns. */
export type VerifyDisclosuresInRecordReturnType = {
  /** The top-level FHIR elements of the token found, equal, in the record (plain and disclosed). */
  readonly elements: readonly string[]
  /** The ledger's reference of the anchor, when the token carries a receipt. */
  readonly anchoredAt: LedgerRef | undefined
}

/** Everything {@link verifyDisclosuresInRecord} can throw. */
export type VerifyDisclosuresInRecordErrorType = VerificationError | InvalidArgumentError | EnvelopeError | LedgerError

/**
 * Opens the sealed record, checks that its commitment is the token's `medseal.commitment` (and its receipt on the
 * ledger, when the token has one), then that every element of the token's `fhir` claim equals the record's element
 * of that name (RFC 8785 canonical JSON, byte for byte). This closes what the binding alone leaves open: the issuer's
 * word that the disclosed values come from that record.
 *
 * @param ledger - the ledger the record was anchored on
 * @param params - see {@link VerifyDisclosuresInRecordParameters}
 * @returns the elements checked and, with a receipt, where the record was anchored
 * @throws {@link @medseal/core!VerificationError} `RECORD_MISMATCH` (another record, or an element that differs from the
 *   record's), the `verifyReceipt` codes; {@link @medseal/core!EnvelopeError} from opening; {@link @medseal/core!InvalidArgumentError}
 *   `INVALID_ARGUMENT` for a token without binding or FHIR claims
 * @example
 * ```ts
 * import { verifyDisclosuresInRecord, verifySdJwt } from '@medseal/sd-jwt'
 * const verified = await verifySdJwt({ presentation, issuerKey, keyBinding: { aud, nonce }, status })
 * const { elements } = await verifyDisclosuresInRecord(ledger, { verified, envelope, party: hospital })
 * ```
 */
export async function verifyDisclosuresInRecord(
  ledger: LedgerAdapter,
  params: VerifyDisclosuresInRecordParameters,
): Promise<VerifyDisclosuresInRecordReturnType> {
  const { verified } = params ?? ({} as VerifyDisclosuresInRecordParameters)
  const binding = verified?.binding
  const fhir = verified?.fhir
  if (binding === undefined || fhir === undefined)
    throw new InvalidArgumentError(
      'INVALID_ARGUMENT',
      'verified must be a verifySdJwt result with medseal and fhir claims.',
    )
  const opened = await open<Record<string, unknown>>(params.envelope, params.party)
  if (bytesToHex0x(opened.commitment) !== binding.commitment)
    throw new VerificationError('RECORD_MISMATCH', 'The token is bound to another record than this envelope.')
  const anchoredAt =
    binding.receipt === undefined
      ? undefined
      : (await verifyReceipt(ledger, { receipt: binding.receipt, commitment: opened.commitment })).anchoredAt
  const record = opened.value
  const elements: string[] = []
  for (const [name, value] of Object.entries(fhir)) {
    const same =
      typeof record === 'object' &&
      record !== null &&
      Object.hasOwn(record, name) &&
      equalBytes(canonicalizeToBytes(value), canonicalizeToBytes(record[name]))
    if (!same)
      throw new VerificationError('RECORD_MISMATCH', 'A disclosed FHIR element is not the sealed record’s.', {
        metaMessages: [`element: ${name.slice(0, 64)}`],
      })
    elements.push(name)
  }
  return Object.freeze({ elements: Object.freeze(elements), anchoredAt })
}
