/**
 * Test helper: recipients with X25519 key pairs (the envelope needs nothing else of a Party).
 * @module
 * @internal
 */
import { randomBytes } from '../bytes/index.js'
import { dhkemX25519HkdfSha256 } from '../hpke/kem.js'
import type { EnvelopeOpener } from './_open.js'

/** A recipient with a fresh X25519 key pair (or one derived from `ikm`). @internal */
export function testParty(ikm: Uint8Array = randomBytes(32)): EnvelopeOpener {
  const { secretKey, publicKey } = dhkemX25519HkdfSha256.deriveKeyPair(ikm)
  return Object.freeze({ encryptionSecretKey: secretKey, encryptionPublicKey: publicKey })
}
