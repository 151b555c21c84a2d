/**
 * The envelope wire format, versions 1, 2 and 3 (docs/spec/envelope.md §4, §12.2, §15).
 * @module
 */
import type { EnvelopeError } from '../errors/base.js'
import { assertEnvelope, encodeHeader, isTyped, putUint, RECIPIENT_TYPE, SIZES } from './_internal.js'
import type { Envelope } from './types.js'

/** Errors {@link encodeEnvelope} can throw. */
export type EncodeEnvelopeErrorType = EnvelopeError

/**
 * Serializes an envelope: `header (71) || u16 count || count × entry || u32 length || ciphertext`, all integers
 * big-endian; an entry is `keyId 32 || enc 32 || wrappedKey 48` (version 1) or `type 1 || keyId 32 || enc 32 ||
 * wrappedKey 48` (versions 2 and 3). One envelope has exactly one encoding.
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
  const typed = isTyped(env.version)
  const entry = typed ? SIZES.entryV2 : SIZES.entryV1
  const out = new Uint8Array(header.length + 2 + n * entry + 4 + env.ciphertext.length)
  out.set(header, 0)
  let o = header.length
  putUint(out, o, n, 2)
  o += 2
  for (const r of env.recipients) {
    let p = o
    if (typed) out[p++] = r.type === 'vault' ? RECIPIENT_TYPE.vault : RECIPIENT_TYPE.hpke
    out.set(r.keyId, p)
    out.set(r.enc, p + SIZES.keyId)
    out.set(r.wrappedKey, p + SIZES.keyId + SIZES.enc)
    o += entry
  }
  putUint(out, o, env.ciphertext.length, 4)
  out.set(env.ciphertext, o + 4)
  return out
}
