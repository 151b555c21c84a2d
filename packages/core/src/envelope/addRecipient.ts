/**
 * Sharing a sealed record with one more party, without re-encrypting it.
 * @module
 */
import { type RandomBytes, wipe } from '../bytes/index.js'
import { type EnvelopeError, InvalidArgumentError } from '../errors/base.js'
import { compareBytes, freezeEnvelope } from './_internal.js'
import { assertOpener, type EnvelopeInput, type EnvelopeKeyHolder, toEnvelope, unwrap } from './_open.js'
import { isVaultKey, type VaultKey } from './createVaultKey.js'
import { getRecipientKeyId } from './getRecipientKeyId.js'
import type { EnvelopeRecipientInput } from './seal.js'
import { ENVELOPE_MAX_RECIPIENTS, type Envelope } from './types.js'
import { wrapDataKey } from './wrapDataKey.js'

/** Parameters of {@link addRecipient}. */
export type AddRecipientParameters = {
  /** A current recipient, who unwraps the data key. */
  opener: EnvelopeKeyHolder
  /**
   * The new recipient: a Party, PublicIdentity or `{ encryptionPublicKey }`, or a `VaultKey` (version 2 and 3
   * envelopes).
   */
  recipient: EnvelopeRecipientInput | VaultKey
  /** Tests only. */
  randomBytes?: RandomBytes | undefined
}

/** Errors {@link addRecipient} can throw. */
export type AddRecipientErrorType = EnvelopeError | InvalidArgumentError

/**
 * Returns a new envelope that `recipient` can open too: `opener` unwraps the data key and wraps it to `recipient`.
 * The ciphertext, header, commitment and content id do not change. Adding a party who is already a recipient
 * returns the envelope unchanged.
 *
 * @param envelope - an {@link Envelope} or its encoded bytes
 * @param params - `opener`, `recipient`
 * @returns the new {@link Envelope}
 * @throws {@link EnvelopeError} `NOT_A_RECIPIENT` (opener), `DECRYPT_FAILED`, decode errors;
 *   {@link InvalidArgumentError} `OUT_OF_RANGE` beyond 1024 recipients, bad keys, `INVALID_ARGUMENT` for a vault
 *   recipient on a version 1 envelope
 * @example
 * ```ts
 * import { addRecipient, createParty, open, seal } from '@medseal/core'
 * const [patient, doctor] = [createParty(), createParty()]
 * const { envelope } = await seal({ a: 1 }, { recipients: [patient] })
 * const shared = await addRecipient(envelope, { opener: patient, recipient: doctor })
 * await open(shared, doctor)
 * ```
 */
export async function addRecipient(envelope: EnvelopeInput, params: AddRecipientParameters): Promise<Envelope> {
  const env = toEnvelope(envelope, true)
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'addRecipient parameters must be { opener, recipient }.')
  const opener = assertOpener(params.opener, 'opener')
  const keyId = isVaultKey(params.recipient) ? params.recipient.keyId : getRecipientKeyId(params.recipient)
  if (env.recipients.some((r) => compareBytes(r.keyId, keyId) === 0)) return env
  if (env.recipients.length >= ENVELOPE_MAX_RECIPIENTS)
    throw new InvalidArgumentError('OUT_OF_RANGE', `An envelope holds at most ${ENVELOPE_MAX_RECIPIENTS} recipients.`)
  const dataKey = await unwrap(env, opener)
  try {
    const entry = await wrapDataKey(env, dataKey, params.recipient, { randomBytes: params.randomBytes })
    const recipients = [...env.recipients, entry].sort((a, b) => compareBytes(a.keyId, b.keyId))
    return freezeEnvelope({ ...env, recipients })
  } finally {
    wipe(dataKey)
  }
}
