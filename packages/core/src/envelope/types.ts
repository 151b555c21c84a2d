/**
 * The sealed-record envelope: types, wire constants and limits (docs/spec/envelope.md).
 * @module
 */
import type { ContentId } from '../canonical/contentId.js'
import type { HpkeSuite } from '../hpke/createHpkeSuite.js'

/**
 * Envelope format version 1: HPKE recipients only. `seal` writes it when every recipient is a public key, so those
 * envelopes stay byte-for-byte what version 1 readers accept.
 * @example
 * ```ts
 * import { ENVELOPE_VERSION } from '@medseal/core'
 * ENVELOPE_VERSION // 1
 * ```
 */
export const ENVELOPE_VERSION = 1

/**
 * Envelope format version 2: each recipient entry starts with a type byte, HPKE (`0x01`) or vault (`0x02`, a data
 * key wrapped under a symmetric key its holder keeps for itself: see `createVaultKey`). `seal` writes it when a
 * recipient is a vault key (or when asked with `version: 2`). This SDK reads both versions.
 * @example
 * ```ts
 * import { ENVELOPE_VERSION_VAULT } from '@medseal/core'
 * ENVELOPE_VERSION_VAULT // 2
 * ```
 */
export const ENVELOPE_VERSION_VAULT = 2

/**
 * Envelope format version 3, what `seal` writes when given `version: 3`: the layout of version 2 (typed recipients, HPKE and
 * vault); the payload is the canonical bytes alone, the salt is derived from the data key, and the commitment is
 * computed over the SHA-256 digest of the canonical bytes that the content id already needs
 * (`HMAC-SHA256(key = salt || "medseal/envelope/v3/commitment", msg = SHA-256(canonical))`). A seal makes two passes
 * over the bytes (AES-256-GCM and SHA-256, side by side) instead of three, and copies nothing. This SDK reads
 * versions 1, 2 and 3.
 * @example
 * ```ts
 * import { ENVELOPE_VERSION_DIGEST } from '@medseal/core'
 * ENVELOPE_VERSION_DIGEST // 3
 * ```
 */
export const ENVELOPE_VERSION_DIGEST = 3

/** An envelope format version this SDK writes and reads: 1, 2 or 3. */
export type EnvelopeVersion = 1 | 2 | 3

/**
 * The four ASCII characters every encoded envelope starts with (bytes `4d 53 45 56`).
 * @example
 * ```ts
 * import { ENVELOPE_MAGIC } from '@medseal/core'
 * const looksLikeEnvelope = (b: Uint8Array) => new TextDecoder().decode(b.subarray(0, 4)) === ENVELOPE_MAGIC
 * ```
 */
export const ENVELOPE_MAGIC = 'MSEV'

/**
 * Most recipients one envelope may carry.
 * @example
 * ```ts
 * import { ENVELOPE_MAX_RECIPIENTS } from '@medseal/core'
 * ENVELOPE_MAX_RECIPIENTS // 1024
 * ```
 */
export const ENVELOPE_MAX_RECIPIENTS = 1024

/**
 * Largest canonical payload (the sealed JSON's bytes, without the salt): 64 MiB.
 * @example
 * ```ts
 * import { ENVELOPE_MAX_CANONICAL_BYTES } from '@medseal/core'
 * ENVELOPE_MAX_CANONICAL_BYTES // 67108864
 * ```
 */
export const ENVELOPE_MAX_CANONICAL_BYTES: number = 64 * 1024 * 1024

/**
 * The HPKE suite ids of envelope version 1: DHKEM(X25519, HKDF-SHA256) `0x0020`, HKDF-SHA256 `0x0001`,
 * AES-256-GCM `0x0002` (AES-256-GCM also encrypts the payload).
 * @example
 * ```ts
 * import { ENVELOPE_SUITE } from '@medseal/core'
 * ENVELOPE_SUITE.kem // 0x0020
 * ```
 */
export const ENVELOPE_SUITE: EnvelopeSuite = /* @__PURE__ */ Object.freeze({ kem: 0x0020, kdf: 0x0001, aead: 0x0002 })

/** HPKE suite ids (RFC 9180 §7) named in an envelope's header. */
export type EnvelopeSuite = {
  readonly kem: number
  readonly kdf: number
  readonly aead: number
}

/** One recipient's wrap of the data key. */
export type EnvelopeRecipient = {
  /**
   * How the data key is wrapped: `'hpke'` (the default when absent; the only type of version 1) or `'vault'`
   * (versions 2 and 3: AES-256-GCM under a key derived from a secret the recipient keeps for itself).
   */
  readonly type?: 'hpke' | 'vault' | undefined
  /** 32 bytes: {@link getRecipientKeyId} of the recipient's X25519 public key, or a vault key's `keyId`. */
  readonly keyId: Uint8Array
  /** HPKE `enc` (32 bytes for X25519); for a vault wrap, its 32-byte random wrap salt. */
  readonly enc: Uint8Array
  /** The wrapped 32-byte data key: 48 bytes (key + GCM tag). */
  readonly wrappedKey: Uint8Array
}

/** A sealed record. Immutable: `addRecipient`/`removeRecipient` return new envelopes. */
export type Envelope = {
  /**
   * Format version: 1 (HPKE recipients only), 2 (typed recipients: HPKE and vault) or 3 (as 2, with the commitment
   * over the SHA-256 digest of the canonical bytes).
   */
  readonly version: number
  /** HPKE suite of the wraps (and AEAD of the payload). */
  readonly suite: EnvelopeSuite
  /** 16 random bytes naming this envelope; bound into every wrap. */
  readonly id: Uint8Array
  /** 12-byte AES-GCM nonce of the payload. */
  readonly nonce: Uint8Array
  /** 32 bytes: HMAC-SHA256 of the data key over the id and nonce (makes the envelope key-committing). */
  readonly keyCommitment: Uint8Array
  /** Wraps of the data key, sorted by `keyId` (strictly ascending, so no duplicates). */
  readonly recipients: readonly EnvelopeRecipient[]
  /**
   * AES-256-GCM with the header as AAD, `ciphertext || tag`, of `salt || canonical bytes` (versions 1 and 2) or of the
   * canonical bytes (version 3).
   */
  readonly ciphertext: Uint8Array
}

/**
 * Another implementation of the primitives a seal runs (`seal`'s `backend`): the envelope's HPKE suite, whose
 * AES-256-GCM also encrypts the payload, and SHA-256 / HMAC-SHA256 for the content id and the commitment.
 * The bytes sealed are the same as with the default (WebCrypto / `@noble`); only where and how the work runs differs.
 * `createNativeSealBackend()` from `@medseal/core/node` makes one on Node's OpenSSL.
 * @example
 * ```ts
 * import { canonicalizeToBytes, createParty, sealCanonical } from '@medseal/core'
 * import { createNativeSealBackend } from '@medseal/core/node'
 * const backend = createNativeSealBackend() // undefined where node:crypto is missing: seal's default then
 * const patient = createParty()
 * const bytes = canonicalizeToBytes({ resourceType: 'Binary', data: 'AAAA' })
 * const { envelope } = await sealCanonical(bytes, { recipients: [patient], version: 3, backend })
 * ```
 */
export type SealBackend = {
  /** The envelope's HPKE suite (X25519, HKDF-SHA256, AES-256-GCM), e.g. `createNativeHpke()`. */
  readonly hpke: HpkeSuite
  /** SHA-256 of `bytes`: the 32-byte digest (or a promise of it). */
  readonly sha256: (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array>
  /** HMAC-SHA256 of `bytes` under `key` (versions 1 and 2's commitment): the 32-byte tag (or a promise of it). */
  readonly hmacSha256: (key: Uint8Array, bytes: Uint8Array) => Uint8Array | Promise<Uint8Array>
}

/** What sealing returns. */
export type SealReturnType = {
  /** The sealed record. Store it or encode it with `encodeEnvelope`. */
  readonly envelope: Envelope
  /** 32 bytes: `computeCommitment(salt, canonical, { version })`. The only value that may go on a ledger. */
  readonly commitment: Uint8Array
  /** CIDv1 (json codec, sha2-256) of the canonical bytes. A plain content hash: never put it on a ledger. */
  readonly contentId: ContentId
}

/** What opening returns (without the parsed value: see `open`). */
export type OpenCanonicalReturnType = {
  /**
   * The canonical bytes that were sealed (a view; in versions 1 and 2 its `buffer` also holds 32 zeroed bytes where
   * the salt was).
   */
  readonly canonical: Uint8Array
  /** CIDv1 (json, sha2-256) of `canonical`. */
  readonly contentId: ContentId
  /** `computeCommitment(salt, canonical, { version })`: compare it with the anchored one. */
  readonly commitment: Uint8Array
  /**
   * The envelope's format version, which says how the commitment is computed from `salt` and `canonical`: keep it
   * with the salt for `verifyRecord({ canonicalBytes, salt, version })`.
   */
  readonly version: EnvelopeVersion
  /**
   * The 32-byte salt of the commitment (secret: it unlinks the commitment): from inside the ciphertext (versions 1
   * and 2) or derived from the data key (version 3).
   */
  readonly salt: Uint8Array
}

/** What `open` returns. */
export type OpenReturnType<T = unknown> = OpenCanonicalReturnType & {
  /** The sealed JSON value, parsed from `canonical`. */
  readonly value: T
}
