/**
 * Content ids: a CIDv1 (multiformats) with the `json` codec (0x0200) and a sha2-256 multihash (0x12) of a record's
 * RFC 8785 canonical bytes. Computed synchronously (the sha2-256 digest comes from `@noble/hashes`, not the async
 * WebCrypto hasher multiformats uses in browsers), so the same bytes give the same id everywhere.
 *
 * Content ids name canonical PHI bytes: they are for addressing sealed records inside the envelope and between
 * trusted parties, never for a ledger (ledgers only ever see salted commitments).
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { assertBytes, describeType, equalBytes } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'
import { type CanonicalizeOptions, canonicalizeToBytes } from './canonicalize.js'

/**
 * The multicodec code of JSON (`json`, 0x0200).
 * @example
 * ```ts
 * import { JSON_CODEC, contentIdOf } from '@medseal/core'
 * contentIdOf({ a: 1 }).code === JSON_CODEC // true
 * ```
 */
export const JSON_CODEC = 0x0200
/**
 * The multihash code of sha2-256 (0x12).
 * @example
 * ```ts
 * import { SHA2_256_CODE, contentIdOf } from '@medseal/core'
 * contentIdOf({ a: 1 }).multihash.code === SHA2_256_CODE // true
 * ```
 */
export const SHA2_256_CODE = 0x12

/** A medseal content id: CIDv1, `json` codec, sha2-256. Its string form is base32 (`b…`). */
export type ContentId = CID<unknown, typeof JSON_CODEC, typeof SHA2_256_CODE, 1>

/** Everything the content-id functions can throw. */
export type ContentIdErrorType = InvalidArgumentError

/** Longest content-id string accepted by {@link parseContentId} (a base32 CIDv1 sha2-256 is 61 characters). */
const MAX_CID_STRING_LENGTH = 128

/**
 * The content id of canonical bytes (from {@link canonicalizeToBytes}). The bytes are hashed as given: pass
 * canonical bytes, or two encodings of one value get two ids.
 *
 * @param canonicalBytes - RFC 8785 canonical UTF-8 bytes
 * @returns the CIDv1 (`json`, sha2-256); `.toString()` gives `bagaaiera…`
 * @throws {@link InvalidArgumentError} `INVALID_TYPE`
 * @example
 * ```ts
 * import { canonicalizeToBytes, createContentId } from '@medseal/core'
 * const cid = createContentId(canonicalizeToBytes({ resourceType: 'Patient', id: 'p1' }))
 * cid.toString() // 'bagaaieraoowplr5wnq5hgpsxj262mbpihxgopiiz2xlqas5jawxi4cengj6a'
 * ```
 */
export function createContentId(canonicalBytes: Uint8Array): ContentId {
  assertBytes(canonicalBytes, { name: 'canonicalBytes' })
  return CID.createV1(JSON_CODEC, Digest.create(SHA2_256_CODE, sha256(canonicalBytes))) as ContentId
}

/**
 * The content id of a JSON value: `createContentId(canonicalizeToBytes(value, options))`.
 *
 * @param value - a JSON value (see `canonicalize`)
 * @param options - canonicalization bounds
 * @returns the content id
 * @throws {@link InvalidArgumentError} as `canonicalize`
 * @example
 * ```ts
 * import { contentIdOf } from '@medseal/core'
 * contentIdOf({ b: 1, a: 2 }).equals(contentIdOf({ a: 2, b: 1 })) // true
 * ```
 */
export function contentIdOf(value: unknown, options?: CanonicalizeOptions): ContentId {
  return createContentId(canonicalizeToBytes(value, options))
}

/**
 * Parses a content id from its string form (any multibase multiformats decodes by default: base32 `b…` or
 * base58btc `z…`), or checks a CID object, and insists on CIDv1 + `json` + a 32-byte sha2-256 digest.
 *
 * @param value - the content id string (or a CID)
 * @returns the content id
 * @throws {@link InvalidArgumentError} `INVALID_TYPE`, `INVALID_ENCODING` (not a CID), `INVALID_ARGUMENT` (a CID of
 *   another version, codec or hash)
 * @example
 * ```ts
 * import { parseContentId } from '@medseal/core'
 * const cid = parseContentId('bagaaieraoowplr5wnq5hgpsxj262mbpihxgopiiz2xlqas5jawxi4cengj6a')
 * ```
 */
export function parseContentId(value: string | CID): ContentId {
  let cid: CID | null
  if (typeof value === 'string') {
    if (value.length === 0 || value.length > MAX_CID_STRING_LENGTH)
      throw new InvalidArgumentError('INVALID_ENCODING', 'A content id string has 1 to 128 characters.')
    try {
      cid = CID.parse(value)
    } catch (cause) {
      throw new InvalidArgumentError('INVALID_ENCODING', 'The string is not a CID.', { cause })
    }
  } else {
    cid = CID.asCID(value)
    if (cid === null)
      throw new InvalidArgumentError('INVALID_TYPE', 'A content id must be a CID string or a CID.', {
        metaMessages: [`Received ${describeType(value)}.`],
      })
  }
  if (cid.version !== 1 || cid.code !== JSON_CODEC)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'A content id is a CIDv1 with the json codec (0x0200).')
  if (cid.multihash.code !== SHA2_256_CODE || cid.multihash.size !== 32)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'A content id uses a 32-byte sha2-256 multihash (0x12).')
  return cid as ContentId
}

/**
 * Does `contentId` name exactly these bytes? Never throws for well-formed input; a different hash gives `false`.
 *
 * @param contentId - a content id (string or CID)
 * @param canonicalBytes - the bytes to check
 * @returns whether sha2-256 of the bytes is the id's digest
 * @throws {@link InvalidArgumentError} for a malformed content id or non-bytes
 * @example
 * ```ts
 * import { verifyContentId } from '@medseal/core'
 * verifyContentId(cid, bytes) // true
 * ```
 */
export function verifyContentId(contentId: string | CID, canonicalBytes: Uint8Array): boolean {
  const cid = parseContentId(contentId)
  assertBytes(canonicalBytes, { name: 'canonicalBytes' })
  return equalBytes(cid.multihash.digest, sha256(canonicalBytes))
}
