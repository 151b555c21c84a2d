/**
 * Erasure by crypto-shredding: destroy a record's data key and salt wherever the SDK holds them, then anchor a
 * signed tombstone (a shred receipt) on the ledger. What erasure cannot promise is in docs/spec/consent.md §10.
 * @module
 */
import { bytesToHex0x, isBytes, wipe } from '../bytes/index.js'
import { checksumAddress, isAddress, isBytes32, sameAddress } from '../consent/_validate.js'
import type { Custodian } from '../custodian/createCustodian.js'
import { signTombstone } from '../eip712/structures.js'
import { type EnvelopeInput, open } from '../envelope/open.js'
import type { Envelope, OpenReturnType } from '../envelope/types.js'
import { EnvelopeError, InvalidArgumentError, isSdkError, LedgerError } from '../errors/base.js'
import type { Party, PublicIdentity } from '../identity/types.js'
import type { LedgerAdapter, TombstoneRecord } from '../ledger/types.js'
import type { Address, Hex } from '../types.js'

/** What {@link shredRecord} works with. */
export type ShredRecordDependencies = {
  /** Where the tombstone is recorded. */
  readonly ledger: LedgerAdapter
  /** The custodian holding the record's wraps, if any. */
  readonly custodian?: Custodian
}

/** Parameters of {@link shredRecord}. */
export type ShredRecordParameters = {
  /** The record's owner (the patient): signs the tombstone. */
  readonly owner: Party
  /** The record's commitment. */
  readonly commitment: Hex | Uint8Array
  /**
   * Envelopes of the record the caller holds (the patient's copies). Their wraps, key commitment and ciphertext (which
   * holds the salt) are overwritten IN PLACE: afterwards nobody can open them.
   */
  readonly envelopes?: readonly Envelope[]
}

/** What {@link shredRecord} returns. */
export type ShredRecordReturnType = {
  /** The tombstone as the ledger holds it: the shred receipt. */
  readonly tombstone: TombstoneRecord
  /** How many envelopes were wiped in place. */
  readonly wipedEnvelopes: number
}

/** Errors {@link shredRecord} can throw. */
export type ShredRecordErrorType = InvalidArgumentError | LedgerError

/**
 * Erases a record: a tombstone signed by the owner is recorded on the ledger FIRST (keyed by `(commitment, owner)`,
 * so nobody else's tombstone can stand in the way; idempotent), then the custodian destroys its wraps and copy and the
 * given envelopes are wiped in place. If the ledger write fails nothing has been destroyed and the call can simply be
 * retried; once the tombstone is on the ledger every custodian and `openUnlessShredded` refuses the record, and a
 * retry finishes the destruction. There is never a state with keys destroyed and no shred receipt to show for it.
 *
 * @param deps - `ledger`, optional `custodian`
 * @param params - `owner`, `commitment`, optional `envelopes`
 * @returns the tombstone record and the number of envelopes wiped
 * @throws {@link InvalidArgumentError} for bad parameters
 * @throws {@link LedgerError} when the ledger refuses or cannot be reached (`LEDGER_UNAVAILABLE`, `LEDGER_REJECTED`,
 *   `LEDGER_TIMEOUT`, or `LEDGER_WRITE_FAILED` for any other failure): nothing was destroyed, retry
 * @example
 * ```ts
 * import { shredRecord } from '@medseal/core'
 * const { tombstone } = await shredRecord({ ledger, custodian }, { owner: patient, commitment, envelopes: [envelope] })
 * ```
 */
export async function shredRecord(
  deps: ShredRecordDependencies,
  params: ShredRecordParameters,
): Promise<ShredRecordReturnType> {
  if (typeof deps !== 'object' || deps === null || typeof deps.ledger?.recordTombstone !== 'function')
    throw new InvalidArgumentError('INVALID_TYPE', 'deps must be { ledger, custodian? }.')
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'shredRecord parameters must be an object.')
  const { owner } = params
  if (typeof owner?.signDigest !== 'function')
    throw new InvalidArgumentError('INVALID_TYPE', 'owner must be a Party (it signs the tombstone).')
  const commitment = (isBytes(params.commitment) ? bytesToHex0x(params.commitment) : params.commitment) as Hex
  if (!isBytes32(commitment)) throw new InvalidArgumentError('INVALID_ARGUMENT', 'commitment must be 32 bytes.')
  const envelopes = params.envelopes ?? []
  if (!Array.isArray(envelopes)) throw new InvalidArgumentError('INVALID_TYPE', 'envelopes must be an array.')
  const entry = await deps.custodian?.getEntry(commitment)
  if (entry && !sameAddress(entry.owner, owner.address))
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'Only the record’s owner can erase it.')

  const signed = signTombstone(owner, deps.ledger.domain, {
    commitment: commitment.toLowerCase() as Hex,
    owner: owner.address,
  })
  // 1. The shred receipt first: if this fails, nothing is destroyed yet.
  let tombstone: TombstoneRecord
  try {
    tombstone = await deps.ledger.recordTombstone(signed)
  } catch (cause) {
    if (isSdkError(cause)) throw cause
    throw new LedgerError('LEDGER_WRITE_FAILED', 'The tombstone could not be recorded; nothing was destroyed: retry.', {
      cause,
    })
  }
  // 2. Then the keys (the custodian checks the ledger for the owner's tombstone before it destroys anything).
  await deps.custodian?.shred(commitment)
  for (const env of envelopes) {
    for (const r of env.recipients) wipe(r.wrappedKey, r.enc)
    wipe(env.ciphertext, env.keyCommitment)
  }
  return Object.freeze({ tombstone, wipedEnvelopes: envelopes.length })
}

/**
 * Opens an envelope unless the ledger holds a tombstone signed by the record's owner for its commitment.
 *
 * @param ledger - the ledger tombstones are recorded on
 * @param params - `envelope`, `commitment` (as anchored), the opening `party`, and the record's `owner` (required:
 *   only the owner's tombstone erases a record; a stranger's tombstone for the same commitment is ignored)
 * @returns what `open` returns
 * @throws {@link EnvelopeError} `RECORD_SHREDDED` when the record was erased; otherwise `open`'s errors
 * @example
 * ```ts
 * import { openUnlessShredded } from '@medseal/core'
 * const { value } = await openUnlessShredded(ledger, { envelope, commitment, party: patient, owner: patient.address })
 * ```
 */
export async function openUnlessShredded<T = unknown>(
  ledger: LedgerAdapter,
  params: {
    readonly envelope: EnvelopeInput
    readonly commitment: Hex | Uint8Array
    readonly party: Party
    /** The record's owner: only a tombstone signed by the owner counts. */
    readonly owner: Address | Pick<PublicIdentity, 'address'>
  },
): Promise<OpenReturnType<T>> {
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'openUnlessShredded parameters must be an object.')
  const commitment = (isBytes(params.commitment) ? bytesToHex0x(params.commitment) : params.commitment) as Hex
  if (!isBytes32(commitment)) throw new InvalidArgumentError('INVALID_ARGUMENT', 'commitment must be 32 bytes.')
  const owner = typeof params.owner === 'object' && params.owner !== null ? params.owner.address : params.owner
  if (!isAddress(owner))
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'owner (the record’s owner address) is required.')
  const tombstone = await ledger.getTombstone(commitment.toLowerCase() as Hex, checksumAddress(owner))
  // A ledger answering with someone else's tombstone is not trusted to have checked the key.
  if (tombstone && sameAddress(tombstone.tombstone.owner, owner))
    throw new EnvelopeError('RECORD_SHREDDED', 'This record was erased.')
  return open<T>(params.envelope, params.party)
}
