/**
 * Advanced: a new recipient wrap from a data key the caller already holds.
 * @module
 */
import { assertBytes, randomBytes as defaultRandomBytes, type RandomBytes, wipe } from '../bytes/index.js'
import { type EnvelopeError, InvalidArgumentError } from '../errors/base.js'
import type { HpkeSuite } from '../hpke/createHpkeSuite.js'
import {
  checkDataKey,
  encodeHeader,
  envelopeSuite,
  isEnvelopeHpke,
  isTyped,
  SIZES,
  wrapAad,
  wrapInfo,
} from './_internal.js'
import { type EnvelopeInput, toEnvelope } from './_open.js'
import { isVaultKey, type VaultKey } from './createVaultKey.js'
import { getRecipientKeyId } from './getRecipientKeyId.js'
import type { EnvelopeRecipientInput } from './seal.js'
import type { EnvelopeRecipient } from './types.js'

/** Errors {@link wrapDataKey} can throw. */
export type WrapDataKeyErrorType = InvalidArgumentError | EnvelopeError

/**
 * **Advanced.** Wraps `dataKey` (from {@link unwrapDataKey}) to `recipient` for this envelope: an
 * {@link EnvelopeRecipient} entry, bound to this envelope's header (it cannot be moved to another envelope). The key
 * is checked against the envelope's key commitment first, so a wrong key is never handed out. Use
 * `addRecipient` to get a whole new envelope; a custodian may instead store or send just the entry.
 *
 * @param envelope - an {@link Envelope} or its encoded bytes
 * @param dataKey - the envelope's 32-byte data key (not wiped here)
 * @param recipient - a Party, PublicIdentity or `{ encryptionPublicKey }` (HPKE), or a `VaultKey` (versions 2 and 3)
 * @param options - `hpke`: the envelope suite's implementation (default the SDK's; a server may give `createNativeHpke()`
 *   from `@medseal/core/node`); `randomBytes` (tests only)
 * @returns the recipient entry `{ keyId, enc, wrappedKey }`
 * @throws {@link InvalidArgumentError} `INVALID_KEY` when `dataKey` is not this envelope's; `INVALID_TYPE` /
 *   `INVALID_LENGTH` for a malformed data key or recipient key; `INVALID_ARGUMENT` for a vault recipient on a
 *   version 1 envelope, or an `hpke` suite that is not the envelope's (X25519, HKDF-SHA256, AES-256-GCM)
 * @example
 * ```ts
 * import { createParty, seal, unwrapDataKey, wipe, wrapDataKey } from '@medseal/core'
 * const [custodian, doctor] = [createParty(), createParty()]
 * const { envelope } = await seal({ a: 1 }, { recipients: [custodian] })
 * const dataKey = await unwrapDataKey(envelope, custodian)
 * const entry = await wrapDataKey(envelope, dataKey, doctor)
 * wipe(dataKey)
 * ```
 */
export async function wrapDataKey(
  envelope: EnvelopeInput,
  dataKey: Uint8Array,
  recipient: EnvelopeRecipientInput | VaultKey,
  options: { randomBytes?: RandomBytes | undefined; hpke?: HpkeSuite | undefined } = {},
): Promise<EnvelopeRecipient> {
  const suite = options.hpke ?? envelopeSuite
  if (!isEnvelopeHpke(suite))
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'hpke must be the envelope’s HPKE suite (createNativeHpke).')
  const env = toEnvelope(envelope)
  assertBytes(dataKey, { length: 32, name: 'dataKey' })
  if (!checkDataKey(env, dataKey))
    throw new InvalidArgumentError('INVALID_KEY', 'dataKey is not the data key of this envelope.')
  const header = encodeHeader(env)
  const key = Uint8Array.from(dataKey)
  if (isVaultKey(recipient)) {
    if (!isTyped(env.version))
      throw new InvalidArgumentError('INVALID_ARGUMENT', 'Vault recipients need envelope version 2 or 3.')
    const rnd = options.randomBytes ?? defaultRandomBytes
    const wrapSalt = assertBytes(rnd(SIZES.enc), { length: SIZES.enc, name: 'randomBytes(32)' }).slice()
    try {
      const wrappedKey = recipient.wrapKey(header, wrapSalt, key)
      return Object.freeze({ type: 'vault', keyId: recipient.keyId, enc: wrapSalt, wrappedKey })
    } finally {
      wipe(key)
    }
  }
  try {
    return await _wrapCheckedDataKey(suite, header, key, recipient.encryptionPublicKey, getRecipientKeyId(recipient), {
      randomBytes: options.randomBytes,
    })
  } finally {
    wipe(key)
  }
}

/**
 * The HPKE wrap of a data key already checked against the envelope whose `header` (`encodeHeader`) is given, to
 * `publicKey`, whose recipient key id is `keyId` (kept in the result: the caller passes a copy it gives away). No
 * checks: for callers that made them (a custodian unwrapped and checked this data key a moment ago); the suite checks
 * the public key. @internal
 */
export async function _wrapCheckedDataKey(
  suite: HpkeSuite,
  header: Uint8Array,
  dataKey: Uint8Array,
  publicKey: Uint8Array,
  keyId: Uint8Array,
  options?: { randomBytes?: RandomBytes | undefined },
): Promise<EnvelopeRecipient> {
  const { enc, ciphertext } = await suite.seal({
    recipientPublicKey: publicKey,
    info: wrapInfo(header),
    aad: wrapAad(header, keyId),
    plaintext: dataKey,
    randomBytes: options?.randomBytes,
  })
  return Object.freeze({ keyId, enc, wrappedKey: ciphertext })
}
