/**
 * The custodian's memory of stored envelopes that already passed the full check (unwrapped, decrypted, the
 * commitment recomputed) in this process, so that a release of an unchanged record skips the decryption and the
 * re-hash of its payload. Keyed by SHA-256 over the record's commitment, the envelope's header (version, suite, id,
 * nonce, key commitment) and its ciphertext: a stored envelope altered in any of them hashes differently and gets the
 * full check again. The custodian's own wrap is not in the key: it is unwrapped, and checked against the key
 * commitment, on every release. Holds only these digests (never a key) and at most `max` of them (least recently used
 * go first).
 * @module
 * @internal
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '../bytes/index.js'
import { encodeHeader } from '../envelope/_internal.js'
import type { Envelope } from '../envelope/types.js'
import { bufferSource, getSubtle } from '../hpke/_subtle.js'
import type { Hex } from '../types.js'

/** How many checked envelopes a custodian remembers by default. @internal */
export const CHECKED_ENVELOPES_MAX = 10_000

const LABEL = /* @__PURE__ */ utf8ToBytes('medseal custodian: stored envelope checked v1\0')
/** Payloads at or above this size are hashed by WebCrypto (native). */
const NATIVE_DIGEST_MIN = 16 * 1024

/** The memory: `digest(commitment, envelope)` then `has` / `add`. @internal */
export type CheckedEnvelopes = {
  /** The key of a stored envelope (a digest of what the full check covers). */
  digest(commitment: Hex, envelope: Envelope): Promise<string>
  has(key: string): boolean
  add(key: string): void
}

/** A new, empty memory of at most `max` envelopes. @internal */
export function createCheckedEnvelopes(max = CHECKED_ENVELOPES_MAX): CheckedEnvelopes {
  const seen = new Set<string>()
  return Object.freeze({
    async digest(commitment: Hex, envelope: Envelope): Promise<string> {
      const bytes = concatBytes(LABEL, hexToBytes(commitment), encodeHeader(envelope), envelope.ciphertext)
      const subtle = bytes.length >= NATIVE_DIGEST_MIN ? getSubtle() : undefined
      return bytesToHex(subtle ? new Uint8Array(await subtle.digest('SHA-256', bufferSource(bytes))) : sha256(bytes))
    },
    has(key: string): boolean {
      if (!seen.has(key)) return false
      // most recently used last
      seen.delete(key)
      seen.add(key)
      return true
    },
    add(key: string): void {
      seen.add(key)
      if (seen.size > max) seen.delete(seen.values().next().value as string)
    },
  })
}
