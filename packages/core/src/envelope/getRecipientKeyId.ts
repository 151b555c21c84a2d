/**
 * Recipient key ids: how an envelope names the X25519 key a wrap is for, without the key itself.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { assertBytes, isBytes } from '../bytes/index.js'
import type { InvalidArgumentError } from '../errors/base.js'
import type { PublicIdentity } from '../identity/types.js'
import { LABELS } from './_internal.js'

/** Errors {@link getRecipientKeyId} can throw. */
export type GetRecipientKeyIdErrorType = InvalidArgumentError

/**
 * The 32-byte recipient key id of an X25519 public key:
 * `SHA-256("medseal/envelope/v1/key-id" || 0x0020 || publicKey)` (the KEM id keeps ids of other suites apart).
 *
 * @param recipient - a 32-byte X25519 public key, or a {@link PublicIdentity} / Party (its `encryptionPublicKey`)
 * @returns 32 bytes
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` / `INVALID_LENGTH` for anything but a 32-byte key
 * @example
 * ```ts
 * import { bytesToHex, getRecipientKeyId } from '@medseal/core'
 * bytesToHex(getRecipientKeyId(new Uint8Array(32).fill(9))).length // 64
 * ```
 */
export function getRecipientKeyId(recipient: Uint8Array | Pick<PublicIdentity, 'encryptionPublicKey'>): Uint8Array {
  const pk = isBytes(recipient)
    ? recipient
    : (recipient as { encryptionPublicKey?: unknown } | null | undefined)?.encryptionPublicKey
  assertBytes(pk, { length: 32, name: 'encryptionPublicKey' })
  return sha256
    .create()
    .update(LABELS.keyId)
    .update(Uint8Array.of(0x00, 0x20))
    .update(pk as Uint8Array)
    .digest()
}
