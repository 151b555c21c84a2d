/**
 * Vault keys: symmetric recipients for keys a party holds for itself (envelope version 2, docs/spec/envelope.md §12).
 * @module
 */
import { assertBytes, bytesToHex, describeType, type RandomBytes } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'
import { deriveVault, shareVaultSecret, vaultSecretFromX25519, vaultUnwrap, vaultWrap } from './_internal.js'
import type { EnvelopeOpener } from './_open.js'

/**
 * A symmetric envelope recipient: a 32-byte secret its holder keeps for itself (the patient's vault key, a
 * custodian's own key). Sealing to it costs two SHA-256 HMACs and a 32-byte AES-256-GCM instead of an X25519 key
 * agreement, so bulk sealing pays the asymmetric work once per share, not once per record. The secret never leaves
 * the object: `toJSON` shows only the key id.
 */
export type VaultKey = {
  readonly type: 'vault'
  /** 32 bytes: `HKDF-Expand(vault_prk, "medseal/envelope/v2/vault-key-id", 32)`; names the vault's wraps. */
  readonly keyId: Uint8Array
  /** Wraps a data key for an envelope header with a 32-byte random wrap salt (48 bytes out). @internal */
  wrapKey(header: Uint8Array, wrapSalt: Uint8Array, dataKey: Uint8Array): Uint8Array
  /** Unwraps; throws when the tag does not verify. @internal */
  unwrapKey(header: Uint8Array, wrapSalt: Uint8Array, wrappedKey: Uint8Array): Uint8Array
  /** HPKE-wraps the vault secret to a public key (see `shareVaultKey`). @internal */
  shareSecret(
    recipientPublicKey: Uint8Array,
    randomBytes: RandomBytes | undefined,
  ): Promise<{ enc: Uint8Array; wrappedSecret: Uint8Array }>
  /** `{ type: 'vault', keyId }` (hex): never the secret. */
  toJSON(): { type: 'vault'; keyId: string }
}

/** Parameters of {@link createVaultKey}: a 32-byte secret, or a party whose X25519 secret key it derives from. */
export type CreateVaultKeyParameters =
  | { secret: Uint8Array; party?: undefined }
  | { party: EnvelopeOpener; secret?: undefined }

/** Errors {@link createVaultKey} can throw. */
export type CreateVaultKeyErrorType = InvalidArgumentError

/**
 * Creates a {@link VaultKey} from a 32-byte secret, or from a party (HKDF-SHA256 of its X25519 secret key with the
 * label `medseal/envelope/v2/vault-from-x25519`, so the party's vault key is always the same and nothing new needs
 * storing). Opening with the party then finds its vault wraps as well as its HPKE wraps.
 *
 * @param params - `{ secret }` (32 bytes, copied) or `{ party }` (a Party or `{ encryptionSecretKey, encryptionPublicKey }`)
 * @returns a frozen {@link VaultKey}
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` / `INVALID_LENGTH` for a bad secret or party,
 *   `INVALID_ARGUMENT` when both or neither are given
 * @example
 * ```ts
 * import { createParty, createVaultKey, open, seal } from '@medseal/core'
 * const patient = createParty()
 * const vault = createVaultKey({ party: patient })
 * const { envelope } = await seal({ resourceType: 'Observation', status: 'final' }, { recipients: [vault] })
 * const { value } = await open(envelope, patient)
 * ```
 */
export function createVaultKey(params: CreateVaultKeyParameters): VaultKey {
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'createVaultKey parameters must be { secret } or { party }.', {
      metaMessages: [`Received ${describeType(params)}.`],
    })
  const { secret, party } = params as { secret?: unknown; party?: unknown }
  if ((secret === undefined) === (party === undefined))
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'createVaultKey takes exactly one of secret or party.')
  let ikm: Uint8Array
  if (secret !== undefined) ikm = Uint8Array.from(assertBytes(secret, { length: 32, name: 'secret' }))
  else {
    if (typeof party !== 'object' || party === null)
      throw new InvalidArgumentError('INVALID_TYPE', 'party must be a Party (with its X25519 key pair).', {
        metaMessages: [`Received ${describeType(party)}.`],
      })
    const p = party as Partial<EnvelopeOpener>
    const sk = assertBytes(p.encryptionSecretKey, { length: 32, name: 'party.encryptionSecretKey' })
    const pk = assertBytes(p.encryptionPublicKey, { length: 32, name: 'party.encryptionPublicKey' })
    ikm = vaultSecretFromX25519(sk, pk)
  }
  const { prk, keyId } = deriveVault(ikm)
  return Object.freeze({
    type: 'vault' as const,
    keyId,
    wrapKey: (header: Uint8Array, wrapSalt: Uint8Array, dataKey: Uint8Array) =>
      vaultWrap(prk, header, keyId, wrapSalt, dataKey),
    unwrapKey: (header: Uint8Array, wrapSalt: Uint8Array, wrappedKey: Uint8Array) =>
      vaultUnwrap(prk, header, keyId, wrapSalt, wrappedKey),
    shareSecret: (recipientPublicKey: Uint8Array, randomBytes: RandomBytes | undefined) =>
      shareVaultSecret(ikm, keyId, recipientPublicKey, randomBytes),
    toJSON: () => ({ type: 'vault' as const, keyId: bytesToHex(keyId) }),
  })
}

/** Is `value` a {@link VaultKey} (made by {@link createVaultKey})? @internal */
export function isVaultKey(value: unknown): value is VaultKey {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'vault' &&
    typeof (value as VaultKey).wrapKey === 'function' &&
    typeof (value as VaultKey).unwrapKey === 'function'
  )
}
