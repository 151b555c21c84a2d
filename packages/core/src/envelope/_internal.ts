/**
 * Envelope internals shared by seal/open/wrap: the header (the payload's AAD), HPKE wrap info/aad, the key
 * commitment, digests and shape checks. Byte layout: docs/spec/envelope.md.
 * @module
 * @internal
 */
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { equalBytes, isBytes } from '../bytes/index.js'
import { type ContentId, createContentId, JSON_CODEC, SHA2_256_CODE } from '../canonical/contentId.js'
import { EnvelopeError } from '../errors/base.js'
import { bufferSource, getSubtle } from '../hpke/_subtle.js'
import { aes256Gcm } from '../hpke/aead.js'
import type { HpkeSuite } from '../hpke/createHpkeSuite.js'
import { createHpkeSuite } from '../hpke/createHpkeSuite.js'
import { hkdfSha256 } from '../hpke/kdf.js'
import { dhkemX25519HkdfSha256 } from '../hpke/kem.js'
import {
  ENVELOPE_MAGIC,
  ENVELOPE_MAX_CANONICAL_BYTES,
  ENVELOPE_MAX_RECIPIENTS,
  ENVELOPE_SUITE,
  ENVELOPE_VERSION,
  type Envelope,
  type EnvelopeRecipient,
} from './types.js'

const encoder = /* @__PURE__ */ new TextEncoder()

/** `"MSEV"`. @internal */
export const MAGIC: Uint8Array = /* @__PURE__ */ encoder.encode(ENVELOPE_MAGIC)

/** Sizes of envelope v1 fields. @internal */
export const SIZES = {
  id: 16,
  nonce: 12,
  keyCommitment: 32,
  keyId: 32,
  enc: 32,
  wrappedKey: 48,
  dataKey: 32,
  salt: 32,
  tag: 16,
  /** magic 4 + version 1 + suite 6 + id 16 + nonce 12 + key commitment 32 */
  header: 71,
} as const

/** Smallest and largest payload ciphertext: salt + 1..MAX canonical bytes + tag. @internal */
export const MIN_CIPHERTEXT = SIZES.salt + 1 + SIZES.tag
/** @internal */
export const MAX_CIPHERTEXT = SIZES.salt + ENVELOPE_MAX_CANONICAL_BYTES + SIZES.tag

/** Domain-separation labels (ASCII). @internal */
export const LABELS = {
  wrapInfo: /* @__PURE__ */ encoder.encode('medseal/envelope/v1/wrap'),
  keyCommitment: /* @__PURE__ */ encoder.encode('medseal/envelope/v1/key-commitment'),
  keyId: /* @__PURE__ */ encoder.encode('medseal/envelope/v1/key-id'),
} as const

/** The HPKE suite of envelope v1 (base mode). @internal */
export const envelopeSuite: HpkeSuite = /* @__PURE__ */ createHpkeSuite({
  kem: dhkemX25519HkdfSha256,
  kdf: hkdfSha256,
  aead: aes256Gcm,
})

/** Writes `v` big-endian in `n` bytes at `o`. @internal */
export function putUint(out: Uint8Array, o: number, v: number, n: number): void {
  for (let i = n - 1; i >= 0; i--) {
    out[o + i] = v & 0xff
    v = Math.floor(v / 256)
  }
}

/** The 71-byte header: magic, version, suite, id, nonce, key commitment. It is the payload's AAD. @internal */
export function encodeHeader(env: Pick<Envelope, 'version' | 'suite' | 'id' | 'nonce' | 'keyCommitment'>): Uint8Array {
  const out = new Uint8Array(SIZES.header)
  out.set(MAGIC, 0)
  out[4] = env.version
  putUint(out, 5, env.suite.kem, 2)
  putUint(out, 7, env.suite.kdf, 2)
  putUint(out, 9, env.suite.aead, 2)
  out.set(env.id, 11)
  out.set(env.nonce, 27)
  out.set(env.keyCommitment, 39)
  return out
}

/** HPKE `info` of a wrap: label || header[0..27) (magic, version, suite, id): 51 bytes. @internal */
export function wrapInfo(header: Uint8Array): Uint8Array {
  const out = new Uint8Array(LABELS.wrapInfo.length + 27)
  out.set(LABELS.wrapInfo, 0)
  out.set(header.subarray(0, 27), LABELS.wrapInfo.length)
  return out
}

/** HPKE `aad` of a wrap: header || keyId. @internal */
export function wrapAad(header: Uint8Array, keyId: Uint8Array): Uint8Array {
  const out = new Uint8Array(header.length + keyId.length)
  out.set(header, 0)
  out.set(keyId, header.length)
  return out
}

/** `HMAC-SHA256(dataKey, label || id || nonce)`: binds the data key to the envelope (key commitment). @internal */
export function keyCommitment(dataKey: Uint8Array, id: Uint8Array, nonce: Uint8Array): Uint8Array {
  const mac = hmac.create(sha256, dataKey)
  mac.update(LABELS.keyCommitment).update(id).update(nonce)
  return mac.digest()
}

/** Does `dataKey` belong to `env`? @internal */
export function checkDataKey(env: Envelope, dataKey: Uint8Array): boolean {
  return (
    isBytes(dataKey) &&
    dataKey.length === SIZES.dataKey &&
    equalBytes(keyCommitment(dataKey, env.id, env.nonce), env.keyCommitment)
  )
}

/** Payloads at or above this size are hashed by WebCrypto (native, off the main thread in Node). @internal */
const NATIVE_DIGEST_MIN = 16 * 1024

/**
 * The content id of canonical bytes: `createContentId` for small payloads; for large ones the same CIDv1 (json,
 * sha2-256) over a WebCrypto digest (several times faster than pure JS on a 1 MiB payload). @internal
 */
export async function contentIdAsync(canonical: Uint8Array): Promise<ContentId> {
  const subtle = canonical.length >= NATIVE_DIGEST_MIN ? getSubtle() : undefined
  if (!subtle) return createContentId(canonical)
  const digest = new Uint8Array(await subtle.digest('SHA-256', bufferSource(canonical)))
  return CID.createV1(JSON_CODEC, Digest.create(SHA2_256_CODE, digest)) as ContentId
}

/** HMAC-SHA256 of `bytes` under `key`, WebCrypto for large inputs. @internal */
export async function hmacSha256Async(key: Uint8Array, bytes: Uint8Array): Promise<Uint8Array> {
  const subtle = bytes.length >= NATIVE_DIGEST_MIN ? getSubtle() : undefined
  if (!subtle) return hmac(sha256, key, bytes)
  const k = await subtle.importKey('raw', bufferSource(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return new Uint8Array(await subtle.sign('HMAC', k, bufferSource(bytes)))
}

/**
 * `Promise.all` that waits for every promise to settle before it rejects (with the first failure), so no operation
 * still reads a buffer that the caller's `finally` is about to wipe. @internal
 */
export async function settleAll<T extends readonly unknown[]>(
  promises: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(promises)
  for (const s of settled) if (s.status === 'rejected') throw s.reason
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> }
}

/** A malformed-envelope error (never echoes content). @internal */
export function malformed(what: string): EnvelopeError {
  return new EnvelopeError('ENVELOPE_MALFORMED', `Malformed envelope: ${what}.`)
}

/** Compares two byte strings as unsigned big-endian numbers (-1, 0, 1). @internal */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number)
    if (d !== 0) return d < 0 ? -1 : 1
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
}

const bytesOf = (v: unknown, length: number, what: string): Uint8Array => {
  if (isBytes(v) && v.length === length) return v
  throw malformed(`${what} must be ${length} bytes`)
}

/**
 * Checks an envelope object's shape (for objects not made by `decodeEnvelope` / `seal`): version, suite, field
 * sizes, recipients sorted and unique, size limits. @internal
 */
export function assertEnvelope(value: unknown): Envelope {
  if (typeof value !== 'object' || value === null) throw malformed('envelope must be an object')
  const env = value as Partial<Envelope>
  if (env.version !== ENVELOPE_VERSION) {
    if (typeof env.version !== 'number') throw malformed('envelope.version must be a number')
    throw new EnvelopeError('UNSUPPORTED_VERSION', 'Unsupported envelope version.', {
      metaMessages: [`This SDK reads version ${ENVELOPE_VERSION}; the envelope says ${env.version}.`],
    })
  }
  assertSuite(env.suite)
  bytesOf(env.id, SIZES.id, 'envelope.id')
  bytesOf(env.nonce, SIZES.nonce, 'envelope.nonce')
  bytesOf(env.keyCommitment, SIZES.keyCommitment, 'envelope.keyCommitment')
  const recipients = env.recipients
  if (!Array.isArray(recipients) || recipients.length > ENVELOPE_MAX_RECIPIENTS)
    throw malformed(`envelope.recipients must be an array of at most ${ENVELOPE_MAX_RECIPIENTS}`)
  let prev: Uint8Array | undefined
  for (const [i, r] of (recipients as unknown[]).entries()) {
    if (typeof r !== 'object' || r === null) throw malformed(`envelope.recipients[${i}] must be an object`)
    const e = r as Partial<EnvelopeRecipient>
    const keyId = bytesOf(e.keyId, SIZES.keyId, `envelope.recipients[${i}].keyId`)
    bytesOf(e.enc, SIZES.enc, `envelope.recipients[${i}].enc`)
    bytesOf(e.wrappedKey, SIZES.wrappedKey, `envelope.recipients[${i}].wrappedKey`)
    if (prev && compareBytes(prev, keyId) >= 0)
      throw malformed('envelope.recipients must be sorted by keyId, without duplicates')
    prev = keyId
  }
  const ct = env.ciphertext
  if (!isBytes(ct) || ct.length < MIN_CIPHERTEXT || ct.length > MAX_CIPHERTEXT)
    throw malformed(`envelope.ciphertext must be ${MIN_CIPHERTEXT} to ${MAX_CIPHERTEXT} bytes`)
  return env as Envelope
}

/** Throws `UNSUPPORTED_SUITE` unless `suite` is envelope v1's. @internal */
export function assertSuite(suite: unknown): void {
  const s = suite as Partial<{ kem: number; kdf: number; aead: number }> | null | undefined
  if (s?.kem === ENVELOPE_SUITE.kem && s.kdf === ENVELOPE_SUITE.kdf && s.aead === ENVELOPE_SUITE.aead) return
  throw new EnvelopeError('UNSUPPORTED_SUITE', 'Unsupported envelope cipher suite.', {
    metaMessages: [
      'Envelope v1 supports HPKE DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM (0x0020/0x0001/0x0002).',
    ],
  })
}

/** A frozen envelope object (deeply: its entries too). @internal */
export function freezeEnvelope(env: Envelope): Envelope {
  return Object.freeze({
    version: env.version,
    suite: Object.freeze({ kem: env.suite.kem, kdf: env.suite.kdf, aead: env.suite.aead }),
    id: env.id,
    nonce: env.nonce,
    keyCommitment: env.keyCommitment,
    recipients: Object.freeze(
      env.recipients.map((r) => Object.freeze({ keyId: r.keyId, enc: r.enc, wrappedKey: r.wrappedKey })),
    ),
    ciphertext: env.ciphertext,
  })
}
