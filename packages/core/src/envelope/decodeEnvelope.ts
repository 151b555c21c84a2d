/**
 * Strict parsing of the envelope wire format, versions 1, 2 and 3.
 * @module
 */
import { assertBytes } from '../bytes/index.js'
import type { EnvelopeError, InvalidArgumentError } from '../errors/base.js'
import {
  assertSuite,
  ciphertextBounds,
  compareBytes,
  freezeEnvelope,
  isTyped,
  MAGIC,
  malformed,
  RECIPIENT_TYPE,
  SIZES,
  unsupportedVersion,
} from './_internal.js'
import {
  ENVELOPE_MAX_RECIPIENTS,
  ENVELOPE_VERSION,
  ENVELOPE_VERSION_DIGEST,
  ENVELOPE_VERSION_VAULT,
  type Envelope,
  type EnvelopeRecipient,
} from './types.js'

/** Errors {@link decodeEnvelope} can throw. */
export type DecodeEnvelopeErrorType = EnvelopeError | InvalidArgumentError

const readUint = (b: Uint8Array, o: number, n: number): number => {
  let v = 0
  for (let i = 0; i < n; i++) v = v * 256 + (b[o + i] as number)
  return v
}

/**
 * Parses encoded envelope bytes. Strict: every length is checked, recipients must be sorted by key id with no
 * duplicates, and nothing may follow the ciphertext, so each envelope has one encoding. Authenticity is checked
 * later, by `open` (a tampered but well-formed envelope decodes, then fails with `DECRYPT_FAILED`).
 *
 * @param bytes - from {@link encodeEnvelope}
 * @returns a frozen {@link Envelope} (its byte fields are copies)
 * @throws {@link EnvelopeError} `ENVELOPE_MALFORMED` (wrong magic, truncated, re-ordered, extra bytes, limits,
 *   unknown recipient type), `UNSUPPORTED_VERSION` (a version other than 1, 2 or 3), `UNSUPPORTED_SUITE` (other HPKE
 *   suite ids);
 *   {@link InvalidArgumentError} `INVALID_TYPE` for a non-Uint8Array
 * @example
 * ```ts
 * import { decodeEnvelope, isSdkError } from '@medseal/core'
 * try { decodeEnvelope(new Uint8Array([1, 2, 3])) } catch (e) { isSdkError(e, 'ENVELOPE_MALFORMED') } // true
 * ```
 */
export function decodeEnvelope(bytes: Uint8Array): Envelope {
  return decodeEnvelopeInternal(bytes, true)
}

/**
 * {@link decodeEnvelope}; with `copy: false` the byte fields are views into `bytes` (for `open`, which uses the
 * envelope only while it runs and must not copy a large ciphertext). @internal
 */
export function decodeEnvelopeInternal(bytes: Uint8Array, copy: boolean): Envelope {
  assertBytes(bytes, { name: 'envelope bytes' })
  const b = bytes
  if (b.length < 5) throw malformed('too short')
  for (let i = 0; i < 4; i++) if (b[i] !== MAGIC[i]) throw malformed('not a medseal envelope (magic)')
  const version = b[4] as number
  if (version !== ENVELOPE_VERSION && version !== ENVELOPE_VERSION_VAULT && version !== ENVELOPE_VERSION_DIGEST)
    throw unsupportedVersion(version)
  if (b.length < SIZES.header + 2) throw malformed('truncated header')
  const suite = { kem: readUint(b, 5, 2), kdf: readUint(b, 7, 2), aead: readUint(b, 9, 2) }
  assertSuite(suite)
  const cut = (from: number, to: number) => (copy ? b.slice(from, to) : b.subarray(from, to))
  const id = cut(11, 27)
  const nonce = cut(27, 39)
  const keyCommitment = cut(39, 71)
  let o = SIZES.header
  const count = readUint(b, o, 2)
  o += 2
  if (count > ENVELOPE_MAX_RECIPIENTS) throw malformed(`more than ${ENVELOPE_MAX_RECIPIENTS} recipients`)
  const typed = isTyped(version)
  const entry = typed ? SIZES.entryV2 : SIZES.entryV1
  if (b.length < o + count * entry + 4) throw malformed('truncated recipient list')
  const recipients: EnvelopeRecipient[] = []
  let prev: Uint8Array | undefined
  for (let i = 0; i < count; i++) {
    let p = o
    let type: 'hpke' | 'vault' | undefined
    if (typed) {
      const t = b[p++]
      if (t === RECIPIENT_TYPE.hpke) type = 'hpke'
      else if (t === RECIPIENT_TYPE.vault) type = 'vault'
      else throw malformed(`recipient ${i}: the type byte must be 1 (hpke) or 2 (vault)`)
    }
    const keyId = cut(p, p + SIZES.keyId)
    if (prev && compareBytes(prev, keyId) >= 0)
      throw malformed('the recipients must be sorted by keyId, without duplicates')
    prev = keyId
    const enc = cut(p + SIZES.keyId, p + SIZES.keyId + SIZES.enc)
    const wrappedKey = cut(p + SIZES.keyId + SIZES.enc, o + entry)
    recipients.push(type === 'vault' ? { type, keyId, enc, wrappedKey } : { keyId, enc, wrappedKey })
    o += entry
  }
  const length = readUint(b, o, 4)
  o += 4
  const [min, max] = ciphertextBounds(version)
  if (length < min || length > max) throw malformed(`the ciphertext length must be ${min} to ${max} bytes`)
  if (b.length < o + length) throw malformed('truncated ciphertext')
  if (b.length > o + length) throw malformed('trailing bytes after the ciphertext')
  return freezeEnvelope({ version, suite, id, nonce, keyCommitment, recipients, ciphertext: cut(o, o + length) })
}
