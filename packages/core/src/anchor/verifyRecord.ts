/**
 * Record verification: from a sealed record (or its canonical bytes and salt) and its receipt to the ledger.
 * @module
 */
import { describeType } from '../bytes/index.js'
import { computeCommitment } from '../envelope/computeCommitment.js'
import { type EnvelopeInput, type EnvelopeOpener, openCanonical } from '../envelope/open.js'
import type { EnvelopeVersion } from '../envelope/types.js'
import { type EnvelopeError, InvalidArgumentError } from '../errors/base.js'
import type { AnchorKind, LedgerAdapter } from '../ledger/types.js'
import type { Receipt } from './receipt.js'
import { type VerifyReceiptErrorType, type VerifyReceiptReturnType, verifyReceipt } from './verifyReceipt.js'

/** Parameters of {@link verifyRecord}: the receipt and either the envelope with a recipient, or the opened record. */
export type VerifyRecordParameters =
  | {
      readonly receipt: Receipt | string
      /** The sealed record (object or encoded bytes). */
      readonly envelope: EnvelopeInput
      /** A recipient of the envelope. */
      readonly party: EnvelopeOpener
      readonly kind?: AnchorKind
    }
  | {
      readonly receipt: Receipt | string
      /** The record's canonical bytes, as sealed. */
      readonly canonicalBytes: Uint8Array
      /** The record's 32-byte salt (from `open`). */
      readonly salt: Uint8Array
      /**
       * The version of the envelope the record was sealed in (from `open`), which says how the commitment is computed
       * (`computeCommitment`): 1 and 2 (the default) or 3. Seals write version 3 only when asked (`version: 3`), so
       * pass the version `open` returns.
       */
      readonly version?: EnvelopeVersion | undefined
      readonly kind?: AnchorKind
    }

/** Everything {@link verifyRecord} can throw. */
export type VerifyRecordErrorType = VerifyReceiptErrorType | EnvelopeError

/**
 * Verifies a record against its receipt and the ledger: recomputes the record's commitment (`computeCommitment`
 * with the record's envelope version, opening the envelope first when given one), then runs
 * {@link verifyReceipt}. A changed record fails with `RECORD_MISMATCH` (or, inside an envelope, with
 * `DECRYPT_FAILED`, since AES-GCM authenticates the content).
 *
 * @param ledger - the ledger the record was anchored on
 * @param params - see {@link VerifyRecordParameters}
 * @returns as {@link verifyReceipt}: the ledger's reference and time of the anchor
 * @throws {@link VerificationError} `RECORD_MISMATCH`, `RECEIPT_MALFORMED`, `LEDGER_MISMATCH`, `PROOF_INVALID`,
 *   `ANCHOR_NOT_FOUND`, `ANCHOR_MISMATCH`; {@link EnvelopeError} from opening; {@link InvalidArgumentError}
 * @example
 * ```ts
 * import { verifyRecord } from '@medseal/core'
 * const { anchoredAt } = await verifyRecord(ledger, { receipt, envelope, party: patient })
 * ```
 */
export async function verifyRecord(
  ledger: LedgerAdapter,
  params: VerifyRecordParameters,
): Promise<VerifyReceiptReturnType> {
  if (typeof params !== 'object' || params === null) {
    throw new InvalidArgumentError('INVALID_TYPE', 'params must be an object.', {
      metaMessages: [`Received ${describeType(params)}.`],
    })
  }
  let commitment: Uint8Array
  if ('envelope' in params && params.envelope !== undefined) {
    commitment = (await openCanonical(params.envelope, params.party)).commitment
  } else if ('canonicalBytes' in params && params.canonicalBytes !== undefined) {
    commitment = computeCommitment(params.salt, params.canonicalBytes, { version: params.version })
  } else {
    throw new InvalidArgumentError(
      'INVALID_ARGUMENT',
      'Give either { envelope, party } or { canonicalBytes, salt, version }.',
    )
  }
  return verifyReceipt(ledger, {
    receipt: params.receipt,
    commitment,
    ...(params.kind === undefined ? {} : { kind: params.kind }),
  })
}
