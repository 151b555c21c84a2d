/**
 * Advanced: the data key of an envelope, for custodians and key release.
 * @module
 */
import type { EnvelopeError, InvalidArgumentError } from '../errors/base.js'
import { assertOpener, type EnvelopeInput, type EnvelopeKeyHolder, toEnvelope, unwrap } from './_open.js'

/** Errors {@link unwrapDataKey} can throw. */
export type UnwrapDataKeyErrorType = EnvelopeError | InvalidArgumentError

/**
 * **Advanced.** Unwraps an envelope's 32-byte data key as `party` and checks it against the envelope's key
 * commitment. Whoever holds it can read the record and wrap it to anyone: keep it in memory only as long as needed
 * and `wipe()` it afterwards (a custodian unwraps, calls {@link wrapDataKey} for the grantee, then wipes).
 *
 * @param envelope - an {@link Envelope} or its encoded bytes
 * @param party - a recipient: a Party (HPKE or its derived vault wrap) or a `VaultKey`
 * @returns the data key (a new buffer the caller owns)
 * @throws {@link EnvelopeError} `NOT_A_RECIPIENT`, `DECRYPT_FAILED`, the decode errors;
 *   {@link InvalidArgumentError} for a bad party
 * @example
 * ```ts
 * import { createParty, seal, unwrapDataKey, wipe } from '@medseal/core'
 * const custodian = createParty()
 * const { envelope } = await seal({ a: 1 }, { recipients: [custodian] })
 * const dataKey = await unwrapDataKey(envelope, custodian)
 * wipe(dataKey)
 * ```
 */
export async function unwrapDataKey(envelope: EnvelopeInput, party: EnvelopeKeyHolder): Promise<Uint8Array> {
  return unwrap(toEnvelope(envelope), assertOpener(party))
}
