/**
 * Envelope internals shared by seal/open/wrap: the header (the payload's AAD), HPKE wrap info/aad, the key
 * commitment, digests and shape checks. Byte layout: docs/spec/envelope.md.
 * @module
 * @internal
 */
import { gcm } from '@noble/ciphers/aes.js'
import { expand, extract } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { equalBytes, isBytes, type RandomBytes } from '../bytes/index.js'
import { type ContentId, createContentId, JSON_CODEC, SHA2_256_CODE } from '../canonical/contentId.js'
import { EnvelopeError } from '../errors/base.js'
import { concat } from '../hpke/_labeled.js'
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
  ENVELOPE_VERSION_DIGEST,
  ENVELOPE_VERSION_VAULT,
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
  /** v1 entry: keyId 32 + enc 32 + wrappedKey 48 */
  entryV1: 112,
  /** v2 entry: type 1 + keyId 32 + enc (HPKE) or wrap salt (vault) 32 + wrappedKey 48 */
  entryV2: 113,
} as const

/** Recipient type bytes of envelope v2 and v3 entries. @internal */
export const RECIPIENT_TYPE = { hpke: 0x01, vault: 0x02 } as const

/**
 * Smallest and largest payload ciphertext of a version: [salt +] 1..MAX canonical bytes + tag (versions 1 and 2 carry
 * the salt in the payload; version 3 derives it from the data key). @internal
 */
export function ciphertextBounds(version: number): [min: number, max: number] {
  const salt = version === ENVELOPE_VERSION_DIGEST ? 0 : SIZES.salt
  return [salt + 1 + SIZES.tag, salt + ENVELOPE_MAX_CANONICAL_BYTES + SIZES.tag]
}

/** Domain-separation labels (ASCII). @internal */
export const LABELS = {
  wrapInfo: /* @__PURE__ */ encoder.encode('medseal/envelope/v1/wrap'),
  keyCommitment: /* @__PURE__ */ encoder.encode('medseal/envelope/v1/key-commitment'),
  keyId: /* @__PURE__ */ encoder.encode('medseal/envelope/v1/key-id'),
} as const

// The version 2 vault labels are separate constants (not LABELS members) so that a bundle drops the ones it does not
// use: the seal + open entry needs no share label.
const VAULT_LABEL = /* @__PURE__ */ encoder.encode('medseal/envelope/v2/vault')
const VAULT_KEY_ID_LABEL = /* @__PURE__ */ encoder.encode('medseal/envelope/v2/vault-key-id')
const VAULT_WRAP_LABEL = /* @__PURE__ */ encoder.encode('medseal/envelope/v2/vault-wrap')
const VAULT_FROM_X25519_LABEL = /* @__PURE__ */ encoder.encode('medseal/envelope/v2/vault-from-x25519')
const VAULT_SHARE_LABEL = /* @__PURE__ */ encoder.encode('medseal/envelope/v2/vault-share')

/** The label of the version 3 salt, derived from the data key. */
const SALT_V3_LABEL = /* @__PURE__ */ encoder.encode('medseal/envelope/v3/salt')

/**
 * The version 3 salt: `HMAC-SHA256(data_key, "medseal/envelope/v3/salt" || envelope_id || nonce)`. It is not stored:
 * whoever holds the data key derives it, as whoever held it could decrypt a version 1/2 salt. @internal
 */
export function deriveSalt(dataKey: Uint8Array, id: Uint8Array, nonce: Uint8Array): Uint8Array {
  return hmac.create(sha256, dataKey).update(SALT_V3_LABEL).update(id).update(nonce).digest()
}

/** The version 3 commitment's label: the last 30 bytes of its 62-byte HMAC key `salt || label`. */
const COMMITMENT_V3_LABEL = /* @__PURE__ */ encoder.encode('medseal/envelope/v3/commitment')

/**
 * The version 3 commitment from the SHA-256 digest of the canonical bytes:
 * `HMAC-SHA256(key = salt || "medseal/envelope/v3/commitment", msg = digest)`. The 62-byte key is padded with two
 * zero bytes to HMAC's 64-byte block, a version 1/2 key (the 32-byte salt) with 32, so no key of one formula is a
 * key of the other. @internal
 */
export function commitmentOfDigest(salt: Uint8Array, digest: Uint8Array): Uint8Array {
  const key = concat(salt, COMMITMENT_V3_LABEL)
  try {
    return hmac(sha256, key, digest)
  } finally {
    key.fill(0)
  }
}

/** Is this a version whose entries start with a type byte (2 and 3)? @internal */
export const isTyped = (version: number): boolean => version !== ENVELOPE_VERSION

/** The 12-byte all-zero AES-GCM nonce of a vault wrap (each wrap key encrypts exactly one message). */
const ZERO_NONCE = /* @__PURE__ */ new Uint8Array(12)

/**
 * `vault_prk = HKDF-Extract(salt = "medseal/envelope/v2/vault", IKM = vault_secret)` and
 * `key_id = HKDF-Expand(vault_prk, "medseal/envelope/v2/vault-key-id", 32)` (RFC 5869). @internal
 */
export function deriveVault(secret: Uint8Array): { prk: Uint8Array; keyId: Uint8Array } {
  const prk = extract(sha256, secret, VAULT_LABEL)
  return { prk, keyId: expand(sha256, prk, VAULT_KEY_ID_LABEL, 32) }
}

/** `vault_secret = HKDF-SHA256(IKM = x25519_sk, salt = "medseal/envelope/v2/vault-from-x25519", info = x25519_pk, 32)`. @internal */
export function vaultSecretFromX25519(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  return expand(sha256, extract(sha256, secretKey, VAULT_FROM_X25519_LABEL), publicKey, 32)
}

/**
 * `wrap_key = HKDF-Expand(vault_prk, "medseal/envelope/v2/vault-wrap" || header[0..27) || key_id || wrap_salt, 32)`:
 * fresh for every wrap (the 32-byte `wrap_salt` is random), so the wrap may use an all-zero nonce. @internal
 */
function vaultWrapKey(prk: Uint8Array, header: Uint8Array, keyId: Uint8Array, wrapSalt: Uint8Array): Uint8Array {
  return expand(sha256, prk, concat(VAULT_WRAP_LABEL, header.subarray(0, 27), keyId, wrapSalt), 32)
}

/** A vault wrap: `AES-256-GCM(wrap_key, 12 × 0x00, aad = header || key_id, data_key)`, 48 bytes. @internal */
export function vaultWrap(
  prk: Uint8Array,
  header: Uint8Array,
  keyId: Uint8Array,
  wrapSalt: Uint8Array,
  dataKey: Uint8Array,
): Uint8Array {
  const key = vaultWrapKey(prk, header, keyId, wrapSalt)
  try {
    return gcm(key, ZERO_NONCE, wrapAad(header, keyId)).encrypt(dataKey)
  } finally {
    key.fill(0)
  }
}

/**
 * HPKE base-mode wrap of a vault secret to `pkR`: `info = "medseal/envelope/v2/vault-share"`,
 * `aad = vault key_id || key_id(pkR)`. @internal
 */
export async function shareVaultSecret(
  secret: Uint8Array,
  vaultKeyId: Uint8Array,
  recipientPublicKey: Uint8Array,
  randomBytes: RandomBytes | undefined,
): Promise<{ enc: Uint8Array; wrappedSecret: Uint8Array }> {
  const aad = concat(vaultKeyId, recipientKeyIdOf(recipientPublicKey))
  const { enc, ciphertext } = await envelopeSuite.seal({
    recipientPublicKey,
    info: VAULT_SHARE_LABEL,
    aad,
    plaintext: secret,
    randomBytes,
  })
  return { enc, wrappedSecret: ciphertext }
}

/** Opens {@link shareVaultSecret}'s output (throws `DECRYPT_FAILED` / `INVALID_KEY` from HPKE). @internal */
export async function openSharedVaultSecret(
  vaultKeyId: Uint8Array,
  enc: Uint8Array,
  wrappedSecret: Uint8Array,
  recipientKey: { secretKey: Uint8Array; publicKey: Uint8Array },
): Promise<Uint8Array> {
  const aad = concat(vaultKeyId, recipientKeyIdOf(recipientKey.publicKey))
  return envelopeSuite.open({ enc, recipientKey, info: VAULT_SHARE_LABEL, aad, ciphertext: wrappedSecret })
}

/** `key_id(pkR)` (same as `getRecipientKeyId`, without its argument checks). @internal */
export function recipientKeyIdOf(publicKey: Uint8Array): Uint8Array {
  return sha256.create().update(LABELS.keyId).update(Uint8Array.of(0x00, 0x20)).update(publicKey).digest()
}

/** Opens a vault wrap; throws (any error) when the tag does not verify. @internal */
export function vaultUnwrap(
  prk: Uint8Array,
  header: Uint8Array,
  keyId: Uint8Array,
  wrapSalt: Uint8Array,
  wrappedKey: Uint8Array,
): Uint8Array {
  const key = vaultWrapKey(prk, header, keyId, wrapSalt)
  try {
    return gcm(key, ZERO_NONCE, wrapAad(header, keyId)).decrypt(wrappedKey)
  } finally {
    key.fill(0)
  }
}

/** The HPKE suite of envelope v1 (base mode). @internal */
export const envelopeSuite: HpkeSuite = /* @__PURE__ */ createHpkeSuite({
  kem: dhkemX25519HkdfSha256,
  kdf: hkdfSha256,
  aead: aes256Gcm,
})

/**
 * Is `suite` an implementation of the envelope's suite (same KEM, KDF and AEAD ids, with `seal` and `open`)? A server
 * may give another implementation of it (`createNativeHpke`). @internal
 */
export function isEnvelopeHpke(suite: unknown): suite is HpkeSuite {
  if (suite === envelopeSuite) return true
  const s = suite as Partial<HpkeSuite> | null
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.seal === 'function' &&
    typeof s.open === 'function' &&
    s.kem?.id === envelopeSuite.kem.id &&
    s.kdf?.id === envelopeSuite.kdf.id &&
    s.aead?.id === envelopeSuite.aead.id
  )
}

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
  return concat(LABELS.wrapInfo, header.subarray(0, 27))
}

/** HPKE `aad` of a wrap: header || keyId. @internal */
export function wrapAad(header: Uint8Array, keyId: Uint8Array): Uint8Array {
  return concat(header, keyId)
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

/** SHA-256 of `bytes`: WebCrypto (native, off the main thread in Node) for large inputs, else pure JS. @internal */
export async function sha256Async(bytes: Uint8Array): Promise<Uint8Array> {
  const subtle = bytes.length >= NATIVE_DIGEST_MIN ? getSubtle() : undefined
  return subtle ? new Uint8Array(await subtle.digest('SHA-256', bufferSource(bytes))) : sha256(bytes)
}

/** CIDv1 (json, sha2-256) from a SHA-256 digest. @internal */
const contentIdOfDigest = (digest: Uint8Array): ContentId =>
  CID.createV1(JSON_CODEC, Digest.create(SHA2_256_CODE, digest)) as ContentId

/**
 * The content id of canonical bytes: `createContentId` for small payloads; for large ones the same CIDv1 (json,
 * sha2-256) over a WebCrypto digest (several times faster than pure JS on a 1 MiB payload). @internal
 */
export async function contentIdAsync(canonical: Uint8Array): Promise<ContentId> {
  return canonical.length >= NATIVE_DIGEST_MIN
    ? contentIdOfDigest(await sha256Async(canonical))
    : createContentId(canonical)
}

/** The payload hashes of a seal or an open: WebCrypto for large inputs, else pure JS (`@noble`), or a backend's. */
type PayloadHashers = {
  sha256(bytes: Uint8Array): Uint8Array | Promise<Uint8Array>
  hmacSha256(key: Uint8Array, bytes: Uint8Array): Uint8Array | Promise<Uint8Array>
}

/**
 * The commitment and content id of a payload, by the formula of the envelope's `version` (docs/spec/envelope.md
 * §5 and §15): version 3 hashes the canonical bytes once (SHA-256) for both; versions 1 and 2 make a second pass,
 * HMAC-SHA256 under the salt. With `serial`, the two passes of versions 1 and 2 run one after the other (a seal
 * keeps the other core for AES-GCM). `hashers`: a seal's backend (e.g. node:crypto on the calling thread). @internal
 */
export async function payloadHashes(
  version: number,
  salt: Uint8Array,
  canonical: Uint8Array,
  serial?: boolean,
  hashers: PayloadHashers = { sha256: sha256Async, hmacSha256: hmacSha256Async },
): Promise<[Uint8Array, ContentId]> {
  if (version === ENVELOPE_VERSION_DIGEST) {
    const digest = await hashers.sha256(canonical)
    return [commitmentOfDigest(salt, digest), contentIdOfDigest(digest)]
  }
  if (serial) return [await hashers.hmacSha256(salt, canonical), contentIdOfDigest(await hashers.sha256(canonical))]
  return settleAll([hmacSha256Async(salt, canonical), contentIdAsync(canonical)] as const)
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
  if (
    env.version !== ENVELOPE_VERSION &&
    env.version !== ENVELOPE_VERSION_VAULT &&
    env.version !== ENVELOPE_VERSION_DIGEST
  ) {
    if (typeof env.version !== 'number') throw malformed('envelope.version must be a number')
    throw unsupportedVersion(env.version)
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
    if (e.type !== undefined && e.type !== 'hpke' && (e.type !== 'vault' || !isTyped(env.version)))
      throw malformed(`envelope.recipients[${i}].type must be "hpke" (or "vault" in a version 2 or 3 envelope)`)
    if (prev && compareBytes(prev, keyId) >= 0)
      throw malformed('envelope.recipients must be sorted by keyId, without duplicates')
    prev = keyId
  }
  const ct = env.ciphertext
  const [min, max] = ciphertextBounds(env.version)
  if (!isBytes(ct) || ct.length < min || ct.length > max)
    throw malformed(`envelope.ciphertext must be ${min} to ${max} bytes`)
  return env as Envelope
}

/** `UNSUPPORTED_VERSION` for a version this SDK does not read. @internal */
export function unsupportedVersion(version: number): EnvelopeError {
  return new EnvelopeError('UNSUPPORTED_VERSION', 'Unsupported envelope version.', {
    metaMessages: [
      `This SDK reads versions ${ENVELOPE_VERSION}, ${ENVELOPE_VERSION_VAULT} and ${ENVELOPE_VERSION_DIGEST}; ` +
        `the envelope says ${version}.`,
    ],
  })
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
      env.recipients.map((r) =>
        Object.freeze(
          r.type === 'vault'
            ? { type: 'vault' as const, keyId: r.keyId, enc: r.enc, wrappedKey: r.wrappedKey }
            : { keyId: r.keyId, enc: r.enc, wrappedKey: r.wrappedKey },
        ),
      ),
    ),
    ciphertext: env.ciphertext,
  })
}
