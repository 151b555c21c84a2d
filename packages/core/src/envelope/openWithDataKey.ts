/**
 * Advanced: opening with a data key instead of a party.
 * @module
 */
import { assertBytes } from '../bytes/index.js'
import type { EnvelopeError, InvalidArgumentError } from '../errors/base.js'
import { decryptPayload, type EnvelopeInput, parseCanonical, toEnvelope } from './_open.js'
import type { OpenReturnType } from './types.js'

/** Errors {@link openWithDataKey} can throw. */
export type OpenWithDataKeyErrorType = EnvelopeError | InvalidArgumentError

/**
 * **Advanced.** Opens an envelope with its data key (from {@link unwrapDataKey}), e.g. inside a custodian. The key
 * is checked against the envelope's key commitment before decrypting.
 *
 * @param envelope - an {@link Envelope} or its encoded bytes
 * @param dataKey - 32 bytes (not wiped here)
 * @returns `{ value, canonical, contentId, commitment, salt }`, as `open`
 * @throws {@link EnvelopeError} `DECRYPT_FAILED` (wrong key or tampered envelope), the decode errors;
 *   {@link InvalidArgumentError} `INVALID_TYPE` / `INVALID_LENGTH` for a malformed key
 * @example
 * ```ts
 * import { createParty, openWithDataKey, seal, unwrapDataKey } from '@medseal/core'
 * const custodian = createParty()
 * const { envelope } = await seal({ a: 1 }, { recipients: [custodian] })
 * const { value } = await openWithDataKey(envelope, await unwrapDataKey(envelope, custodian))
 * ```
 */
export async function openWithDataKey<T = unknown>(
  envelope: EnvelopeInput,
  dataKey: Uint8Array,
): Promise<OpenReturnType<T>> {
  const env = toEnvelope(envelope)
  assertBytes(dataKey, { length: 32, name: 'dataKey' })
  const opened = await decryptPayload(env, dataKey)
  return Object.freeze({ ...opened, value: parseCanonical(opened.canonical) as T })
}
