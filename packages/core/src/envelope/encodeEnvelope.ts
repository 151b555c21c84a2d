/**
 * The envelope wire format, version 1 (docs/spec/envelope.md §Wire format).
 * @module
 */
import type { EnvelopeError } from '../errors/base.js'
import { assertEnvelope, encodeHeader, putUint, SIZES } from './_internal.js'
import type { Envelope } from './types.js'

/** Errors {@link encodeEnvelope} can throw. */
export type EncodeEnvelopeErrorType = EnvelopeError

/**
 * Serializes an envelope: `header (71) || u16 count || count × (keyId 32 || enc 32 || wrappedKey 48) || u32 length ||
 * ciphertext`, all integers big-endian. One envelope has exactly one encoding.
 *
 * @param envelope - from `seal`, `addRecipient`, `removeRecipient` or `decodeEnvelope`
 * @returns the bytes (store them, send them, wrap them in a FHIR `Binary`)
 * @throws {@link EnvelopeError} `ENVELOPE_MALFORMED` / `UNSUPPORTED_VERSION` / `UNSUPPORTED_SUITE` for an object that
 *   is not a valid envelope
 * @example
 * ```ts
 * import { createParty, decodeEnvelope, encodeEnvelope, seal } from '@medseal/core'
 * const patient = createParty()
 * const { envelope } = await seal({ resourceType: 'Patient' }, { recipients: [patient] })
 * const bytes = encodeEnvelope(envelope)
 * decodeEnvelope(bytes) // an equal envelope
 * ```
 */
export function encodeEnvelope(envelope: Envelope): Uint8Array<ArrayBuffer> {
  const env = assertEnvelope(envelope)
  const header = encodeHeader(env)
  const n = env.recipients.length
  const entry = SIZES.keyId + SIZES.enc + SIZES.wrappedKey
  const out = new Uint8Array(header.length + 2 + n * entry + 4 + env.ciphertext.length)
  out.set(header, 0)
  let o = header.length
  putUint(out, o, n, 2)
  o += 2
  for (const r of env.recipients) {
    out.set(r.keyId, o)
    out.set(r.enc, o + SIZES.keyId)
    out.set(r.wrappedKey, o + SIZES.keyId + SIZES.enc)
    o += entry
  }
  putUint(out, o, env.ciphertext.length, 4)
  out.set(env.ciphertext, o + 4)
  return out
}
