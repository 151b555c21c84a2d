/**
 * Dropping a recipient's wrap.
 * @module
 */
import { isBytes } from '../bytes/index.js'
import { EnvelopeError, type InvalidArgumentError } from '../errors/base.js'
import { compareBytes, freezeEnvelope } from './_internal.js'
import { type EnvelopeInput, toEnvelope } from './_open.js'
import { isVaultKey, type VaultKey } from './createVaultKey.js'
import { getRecipientKeyId } from './getRecipientKeyId.js'
import type { EnvelopeRecipientInput } from './seal.js'
import type { Envelope } from './types.js'

/** Errors {@link removeRecipient} can throw. */
export type RemoveRecipientErrorType = EnvelopeError | InvalidArgumentError

/**
 * Returns a new envelope without the wrap of one recipient. This stops that recipient from opening *this copy*; it
 * cannot take back a data key the recipient already unwrapped (rotate keys by sealing a new version for that). Removing
 * every wrap leaves an envelope nobody can open (crypto-shredding of this copy).
 *
 * @param envelope - an {@link Envelope} or its encoded bytes
 * @param recipient - the 32-byte recipient key id (`getRecipientKeyId`, or a vault key's `keyId`), a party /
 *   `{ encryptionPublicKey }` (its HPKE wrap), or a `VaultKey`
 * @returns the new {@link Envelope}
 * @throws {@link EnvelopeError} `NOT_A_RECIPIENT` when there is no such wrap, decode errors;
 *   {@link InvalidArgumentError} for a malformed key id
 * @example
 * ```ts
 * import { createParty, getRecipientKeyId, removeRecipient, seal } from '@medseal/core'
 * const [patient, doctor] = [createParty(), createParty()]
 * const { envelope } = await seal({ a: 1 }, { recipients: [patient, doctor] })
 * const revoked = removeRecipient(envelope, getRecipientKeyId(doctor))
 * ```
 */
export function removeRecipient(
  envelope: EnvelopeInput,
  recipient: Uint8Array | EnvelopeRecipientInput | VaultKey,
): Envelope {
  const env = toEnvelope(envelope, true)
  const keyId = isBytes(recipient) ? recipient : isVaultKey(recipient) ? recipient.keyId : getRecipientKeyId(recipient)
  if (keyId.length !== 32) getRecipientKeyId(keyId) // throws INVALID_LENGTH with the usual message
  const recipients = env.recipients.filter((r) => compareBytes(r.keyId, keyId) !== 0)
  if (recipients.length === env.recipients.length)
    throw new EnvelopeError('NOT_A_RECIPIENT', 'No wrap for this recipient in the envelope.')
  return freezeEnvelope({ ...env, recipients })
}
