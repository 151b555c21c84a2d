/**
 * Opening an envelope as one of its recipients.
 * @module
 */
import { wipe } from '../bytes/index.js'
import type { EnvelopeError, InvalidArgumentError } from '../errors/base.js'
import {
  assertOpener,
  decryptPayload,
  type EnvelopeInput,
  type EnvelopeKeyHolder,
  parseCanonical,
  toEnvelope,
  unwrap,
} from './_open.js'
import type { OpenCanonicalReturnType, OpenReturnType } from './types.js'

export type { EnvelopeInput, EnvelopeKeyHolder, EnvelopeOpener } from './_open.js'

/** Errors {@link open} / {@link openCanonical} can throw. */
export type OpenErrorType = EnvelopeError | InvalidArgumentError

/**
 * Opens an envelope as `party`: finds its wrap by key id, unwraps the data key (HPKE base mode), checks the key
 * commitment, decrypts the payload, and recomputes the commitment and content id.
 *
 * @param envelope - an {@link Envelope} or its encoded bytes
 * @param party - a recipient: a Party, `{ encryptionSecretKey, encryptionPublicKey }` (its HPKE wrap, else the
 *   vault wrap of its derived vault key), or a `VaultKey`
 * @returns `{ value, canonical, contentId, commitment, salt }`; compare `commitment` with the anchored one
 * @throws {@link EnvelopeError} `NOT_A_RECIPIENT`; `DECRYPT_FAILED` (wrong key, or tampered ciphertext, header or
 *   wrap); `ENVELOPE_MALFORMED` / `UNSUPPORTED_VERSION` / `UNSUPPORTED_SUITE` for bad bytes.
 *   {@link InvalidArgumentError} `INVALID_TYPE` / `INVALID_LENGTH` for a bad party.
 * @example
 * ```ts
 * import { createParty, open, seal } from '@medseal/core'
 * const patient = createParty()
 * const { envelope } = await seal({ resourceType: 'Patient', id: 'p1' }, { recipients: [patient] })
 * const { value, commitment } = await open(envelope, patient)
 * ```
 */
export async function open<T = unknown>(envelope: EnvelopeInput, party: EnvelopeKeyHolder): Promise<OpenReturnType<T>> {
  const opened = await openCanonical(envelope, party)
  return Object.freeze({ ...opened, value: parseCanonical(opened.canonical) as T })
}

/**
 * {@link open} without parsing the JSON: the canonical bytes, commitment, content id and salt (for large payloads,
 * or FHIR text whose decimals `JSON.parse` would not keep).
 *
 * @param envelope - an {@link Envelope} or its encoded bytes
 * @param party - a recipient
 * @returns `{ canonical, contentId, commitment, salt }`
 * @throws as {@link open}
 * @example
 * ```ts
 * import { bytesToUtf8, createParty, openCanonical, seal } from '@medseal/core'
 * const patient = createParty()
 * const { envelope } = await seal({ a: 1 }, { recipients: [patient] })
 * bytesToUtf8((await openCanonical(envelope, patient)).canonical) // '{"a":1}'
 * ```
 */
export async function openCanonical(
  envelope: EnvelopeInput,
  party: EnvelopeKeyHolder,
): Promise<OpenCanonicalReturnType> {
  const env = toEnvelope(envelope)
  const dataKey = await unwrap(env, assertOpener(party))
  try {
    return await decryptPayload(env, dataKey)
  } finally {
    wipe(dataKey)
  }
}
