/**
 * HPKE KDFs (RFC 9180 §7.2): HKDF-SHA256 over `@noble/hashes`.
 * @module
 */
import { expand, extract } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { InvalidArgumentError } from '../errors/base.js'
import type { HpkeKdf } from './types.js'

/**
 * HKDF-SHA256 (RFC 5869), HPKE KDF id `0x0001`, `Nh` = 32.
 *
 * @example
 * ```ts
 * import { createHpkeSuite, dhkemX25519HkdfSha256, hkdfSha256, aes256Gcm } from '@medseal/core'
 * const suite = createHpkeSuite({ kem: dhkemX25519HkdfSha256, kdf: hkdfSha256, aead: aes256Gcm })
 * ```
 */
export const hkdfSha256: HpkeKdf = /* @__PURE__ */ Object.freeze({
  id: 0x0001,
  name: 'HKDF-SHA256',
  hashLength: 32,
  extract(salt: Uint8Array, ikm: Uint8Array): Uint8Array {
    // RFC 5869 §2.2: an empty salt means HashLen zero bytes; HMAC pads either to the block size the same way.
    return extract(sha256, ikm, salt)
  },
  expand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
    if (!Number.isInteger(length) || length < 0 || length > 255 * 32)
      throw new InvalidArgumentError('OUT_OF_RANGE', 'HKDF-SHA256 output length must be an integer in 0..8160.')
    return expand(sha256, prk, info, length)
  },
})
