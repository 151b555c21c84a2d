/**
 * Handing a vault key to another party once (HPKE), so both can seal and open its wraps without per-record
 * asymmetric work.
 * @module
 */
import type { RandomBytes } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'
import { isVaultKey, type VaultKey } from './createVaultKey.js'
import { getRecipientKeyId } from './getRecipientKeyId.js'
import type { EnvelopeRecipientInput } from './seal.js'

/** A vault secret wrapped to one public key (112 bytes in all). Safe to store or send: only the recipient opens it. */
export type SharedVaultKey = {
  /** 32 bytes: the shared vault key's `keyId`. */
  readonly keyId: Uint8Array
  /** 32 bytes: HPKE `enc`. */
  readonly enc: Uint8Array
  /** 48 bytes: the HPKE ciphertext of the 32-byte vault secret. */
  readonly wrappedSecret: Uint8Array
}

/** Errors {@link shareVaultKey} can throw. */
export type ShareVaultKeyErrorType = InvalidArgumentError

/**
 * Wraps a vault key's secret to `recipient` with HPKE (base mode, DHKEM(X25519), `info`
 * `"medseal/envelope/v2/vault-share"`, `aad` = vault key id || recipient key id): the one asymmetric operation of
 * a share. Typical use: a patient app creates a fresh vault key for its custodian (`createVaultKey({ secret:
 * randomBytes(32) })`), shares it once, and then seals every record to that key and to its own vault key. Never
 * share a party-derived vault key (`createVaultKey({ party })`): whoever receives it opens every record sealed to it.
 *
 * @param vault - the {@link VaultKey} to share
 * @param recipient - a Party, PublicIdentity or `{ encryptionPublicKey }`
 * @param options - `randomBytes` (tests only)
 * @returns a {@link SharedVaultKey}; the recipient calls `receiveVaultKey`
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` for a non-vault key, `INVALID_TYPE` / `INVALID_LENGTH` /
 *   `INVALID_KEY` for a bad recipient key
 * @example
 * ```ts
 * import { createParty, createVaultKey, randomBytes, receiveVaultKey, shareVaultKey } from '@medseal/core'
 * const custodian = createParty()
 * const channel = createVaultKey({ secret: randomBytes(32) })
 * const shared = await shareVaultKey(channel, custodian)
 * const received = await receiveVaultKey(shared, custodian) // same keyId as channel
 * ```
 */
export async function shareVaultKey(
  vault: VaultKey,
  recipient: EnvelopeRecipientInput,
  options: { randomBytes?: RandomBytes | undefined } = {},
): Promise<SharedVaultKey> {
  if (!isVaultKey(vault)) throw new InvalidArgumentError('INVALID_TYPE', 'vault must be a VaultKey (createVaultKey).')
  getRecipientKeyId(recipient) // checks the key's type and length
  const { enc, wrappedSecret } = await vault.shareSecret(recipient.encryptionPublicKey, options.randomBytes)
  return Object.freeze({ keyId: vault.keyId.slice(), enc, wrappedSecret })
}
