/**
 * Receiving a vault key shared with `shareVaultKey`.
 * @module
 */
import { assertBytes, describeType, equalBytes, wipe } from '../bytes/index.js'
import { EnvelopeError, InvalidArgumentError, isSdkError } from '../errors/base.js'
import { openSharedVaultSecret } from './_internal.js'
import { assertOpener, type EnvelopeOpener } from './_open.js'
import { createVaultKey, isVaultKey, type VaultKey } from './createVaultKey.js'
import type { SharedVaultKey } from './shareVaultKey.js'

/** Errors {@link receiveVaultKey} can throw. */
export type ReceiveVaultKeyErrorType = EnvelopeError | InvalidArgumentError

/**
 * Opens a {@link SharedVaultKey} with the recipient's X25519 key pair and rebuilds the {@link VaultKey}; its key id
 * must match the one the share names.
 *
 * @param shared - from `shareVaultKey` (`keyId` 32, `enc` 32, `wrappedSecret` 48 bytes)
 * @param party - the recipient (a Party, or `{ encryptionSecretKey, encryptionPublicKey }`)
 * @returns the {@link VaultKey}
 * @throws {@link EnvelopeError} `DECRYPT_FAILED` (not for this party, or tampered); {@link InvalidArgumentError}
 *   `INVALID_TYPE` / `INVALID_LENGTH` for malformed input
 * @example
 * ```ts
 * import { createParty, createVaultKey, randomBytes, receiveVaultKey, shareVaultKey } from '@medseal/core'
 * const custodian = createParty()
 * const shared = await shareVaultKey(createVaultKey({ secret: randomBytes(32) }), custodian)
 * const vault = await receiveVaultKey(shared, custodian)
 * ```
 */
export async function receiveVaultKey(shared: SharedVaultKey, party: EnvelopeOpener): Promise<VaultKey> {
  if (typeof shared !== 'object' || shared === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'shared must be { keyId, enc, wrappedSecret }.', {
      metaMessages: [`Received ${describeType(shared)}.`],
    })
  const keyId = assertBytes(shared.keyId, { length: 32, name: 'shared.keyId' })
  const enc = assertBytes(shared.enc, { length: 32, name: 'shared.enc' })
  const wrapped = assertBytes(shared.wrappedSecret, { length: 48, name: 'shared.wrappedSecret' })
  const opener = assertOpener(party)
  if (isVaultKey(opener)) throw new InvalidArgumentError('INVALID_TYPE', 'party must be a Party, not a VaultKey.')
  let secret: Uint8Array
  try {
    secret = await openSharedVaultSecret(keyId, enc, wrapped, {
      secretKey: opener.encryptionSecretKey,
      publicKey: opener.encryptionPublicKey,
    })
  } catch (cause) {
    if (isSdkError(cause, 'DECRYPT_FAILED') || isSdkError(cause, 'INVALID_KEY'))
      throw new EnvelopeError('DECRYPT_FAILED', 'Could not open the shared vault key: wrong party, or tampered.', {
        cause,
      })
    throw cause
  }
  try {
    const vault = createVaultKey({ secret })
    if (!equalBytes(vault.keyId, keyId))
      throw new EnvelopeError('DECRYPT_FAILED', 'Could not open the shared vault key: wrong party, or tampered.')
    return vault
  } finally {
    wipe(secret)
  }
}
