/**
 * Shared steps of opening: input coercion, unwrapping, decrypting.
 * @module
 * @internal
 */
import { assertBytes, bytesToUtf8, describeType, equalBytes, isBytes, wipe } from '../bytes/index.js'
import { EnvelopeError, InvalidArgumentError, isSdkError } from '../errors/base.js'
import { aes256Gcm } from '../hpke/aead.js'
import type { HpkeSuite } from '../hpke/createHpkeSuite.js'
import { holdRecipientKey } from '../hpke/kem.js'
import type { HpkeRecipientKey } from '../hpke/types.js'
import type { Party } from '../identity/types.js'
import {
  assertEnvelope,
  checkDataKey,
  deriveSalt,
  deriveVault,
  encodeHeader,
  envelopeSuite,
  malformed,
  payloadHashes,
  SIZES,
  vaultSecretFromX25519,
  vaultUnwrap,
  wrapAad,
  wrapInfo,
} from './_internal.js'
import { isVaultKey, type VaultKey } from './createVaultKey.js'
import { decodeEnvelopeInternal } from './decodeEnvelope.js'
import { getRecipientKeyId } from './getRecipientKeyId.js'
import {
  ENVELOPE_VERSION_DIGEST,
  type Envelope,
  type EnvelopeRecipient,
  type EnvelopeVersion,
  type OpenCanonicalReturnType,
} from './types.js'

/** The keys an opener needs: a Party, or anything with its X25519 key pair. */
export type EnvelopeOpener = Pick<Party, 'encryptionSecretKey' | 'encryptionPublicKey'>

/** Who can unwrap a data key: a party (its HPKE wrap, or the vault wrap of its derived vault key) or a vault key. */
export type EnvelopeKeyHolder = EnvelopeOpener | VaultKey

/** An envelope object, or its encoded bytes. */
export type EnvelopeInput = Envelope | Uint8Array

/**
 * An envelope object from either form. Decoded bytes are views into `input` unless `copy` (for envelopes that are
 * returned to the caller, which must not alias the caller's buffer). @internal
 */
export function toEnvelope(input: EnvelopeInput, copy = false): Envelope {
  return isBytes(input) ? decodeEnvelopeInternal(input, copy) : assertEnvelope(input)
}

/** @internal */
export function decryptFailed(cause?: unknown): EnvelopeError {
  return new EnvelopeError('DECRYPT_FAILED', 'Could not open the envelope: wrong key, or tampered envelope.', {
    ...(cause === undefined ? {} : { cause }),
  })
}

/** @internal */
export function assertOpener(opener: unknown, name = 'party'): EnvelopeKeyHolder {
  if (isVaultKey(opener)) return opener
  if (typeof opener !== 'object' || opener === null)
    throw new InvalidArgumentError('INVALID_TYPE', `${name} must be a Party (with its X25519 key pair).`, {
      metaMessages: [`Received ${describeType(opener)}.`],
    })
  const o = opener as Partial<EnvelopeOpener>
  assertBytes(o.encryptionSecretKey, { length: 32, name: `${name}.encryptionSecretKey` })
  assertBytes(o.encryptionPublicKey, { length: 32, name: `${name}.encryptionPublicKey` })
  return o as EnvelopeOpener
}

/** Openers made by {@link holdOpener}: their held HPKE recipient keys and the suite that opens with them. */
const HELD = /* @__PURE__ */ new WeakMap<object, { key: HpkeRecipientKey; suite: HpkeSuite }>()

/**
 * An opener with `opener`'s X25519 key pair whose secret key is imported into the platform once (a non-extractable
 * WebCrypto key, or a native key with `hpke` from `createNativeHpke`, kept in a closure) and reused by every unwrap
 * with it: for a long-lived holder such as a custodian. It reads as an {@link EnvelopeOpener} whose keys are copies
 * taken now. `hpke` must be the envelope's suite (checked by the caller). @internal
 */
export function holdOpener(opener: EnvelopeOpener, hpke: HpkeSuite = envelopeSuite): EnvelopeOpener {
  const o = assertOpener(opener) as EnvelopeOpener
  const key = holdRecipientKey(hpke.kem, o.encryptionSecretKey, o.encryptionPublicKey)
  const held = Object.freeze({
    get encryptionSecretKey() {
      return key.secretKey
    },
    get encryptionPublicKey() {
      return key.publicKey as Uint8Array
    },
  })
  HELD.set(held, { key, suite: hpke })
  return held
}

const findEntry = (env: Envelope, keyId: Uint8Array, type: 'hpke' | 'vault') =>
  env.recipients.find((r) => (r.type ?? 'hpke') === type && equalBytes(r.keyId, keyId))

const notARecipient = () => new EnvelopeError('NOT_A_RECIPIENT', 'This party is not a recipient of the envelope.')

/** Unwraps a vault entry with `unwrapKey` (a `VaultKey`'s) and checks the key commitment. @internal */
function unwrapVault(env: Envelope, unwrapKey: VaultKey['unwrapKey'], entry: EnvelopeRecipient): Uint8Array {
  let dataKey: Uint8Array
  try {
    dataKey = unwrapKey(encodeHeader(env), entry.enc, entry.wrappedKey)
  } catch (cause) {
    throw decryptFailed(cause)
  }
  if (!checkDataKey(env, dataKey)) {
    wipe(dataKey)
    throw decryptFailed()
  }
  return dataKey
}

/**
 * Unwraps the data key for `opener` and checks it against the key commitment. A party opens its HPKE wrap or,
 * failing that, the vault wrap of its derived vault key (`createVaultKey({ party })`). @internal
 */
export async function unwrap(env: Envelope, opener: EnvelopeKeyHolder): Promise<Uint8Array> {
  if (isVaultKey(opener)) {
    const entry = findEntry(env, opener.keyId, 'vault')
    if (!entry) throw notARecipient()
    return unwrapVault(env, opener.unwrapKey, entry)
  }
  const keyId = getRecipientKeyId(opener.encryptionPublicKey)
  const entry = findEntry(env, keyId, 'hpke')
  if (!entry) {
    if (env.recipients.some((r) => r.type === 'vault')) {
      // the party's own vault key, `createVaultKey({ party })`, derived here without the rest of a VaultKey (keeps
      // the seal + open bundle small); its secrets are wiped once the entry is opened
      const secret = vaultSecretFromX25519(opener.encryptionSecretKey, opener.encryptionPublicKey)
      const vault = deriveVault(secret)
      try {
        const own = findEntry(env, vault.keyId, 'vault')
        if (own) return unwrapVault(env, (h, s, w) => vaultUnwrap(vault.prk, h, vault.keyId, s, w), own)
      } finally {
        wipe(secret)
        wipe(vault.prk)
      }
    }
    throw notARecipient()
  }
  const header = encodeHeader(env)
  const held = HELD.get(opener)
  let dataKey: Uint8Array
  try {
    dataKey = await (held?.suite ?? envelopeSuite).open({
      enc: entry.enc,
      recipientKey: held?.key ?? {
        secretKey: opener.encryptionSecretKey,
        publicKey: opener.encryptionPublicKey,
      },
      info: wrapInfo(header),
      aad: wrapAad(header, keyId),
      ciphertext: entry.wrappedKey,
    })
  } catch (cause) {
    // a tampered `enc` can be a small-order point (INVALID_KEY): to the caller it is one more tampered envelope
    if (isSdkError(cause, 'DECRYPT_FAILED') || isSdkError(cause, 'INVALID_KEY')) throw decryptFailed(cause)
    throw cause
  }
  if (!checkDataKey(env, dataKey)) {
    wipe(dataKey)
    throw decryptFailed()
  }
  return dataKey
}

/** Decrypts the payload with a checked data key; splits salt and canonical bytes. @internal */
export async function decryptPayload(env: Envelope, dataKey: Uint8Array): Promise<OpenCanonicalReturnType> {
  if (!checkDataKey(env, dataKey)) throw decryptFailed()
  const header = encodeHeader(env)
  let plaintext: Uint8Array
  try {
    plaintext = await aes256Gcm.open(dataKey, env.nonce, header, env.ciphertext)
  } catch (cause) {
    throw decryptFailed(cause)
  }
  // version 3: the payload is the canonical bytes and the salt comes from the data key; versions 1 and 2: `salt ||
  // canonical`, the canonical bytes returned as a view (no copy of a large payload) and the salt prefix wiped below
  const saltBytes = env.version === ENVELOPE_VERSION_DIGEST ? 0 : SIZES.salt
  try {
    if (plaintext.length <= saltBytes) throw malformed('empty payload')
    const salt = saltBytes ? plaintext.slice(0, saltBytes) : deriveSalt(dataKey, env.id, env.nonce)
    const canonical = plaintext.subarray(saltBytes)
    const [commitment, contentId] = await payloadHashes(env.version, salt, canonical)
    return Object.freeze({ canonical, contentId, commitment, salt, version: env.version as EnvelopeVersion })
  } finally {
    wipe(plaintext.subarray(0, saltBytes))
  }
}

/** Parses the canonical JSON back into a value. @internal */
export function parseCanonical(canonical: Uint8Array): unknown {
  try {
    return JSON.parse(bytesToUtf8(canonical))
  } catch (cause) {
    throw new EnvelopeError('ENVELOPE_MALFORMED', 'Malformed envelope: the payload is not UTF-8 JSON.', { cause })
  }
}
