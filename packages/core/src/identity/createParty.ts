/**
 * Parties: one 32-byte seed, two keys. The secp256k1 signing key and the X25519 encryption key are derived from
 * the seed with HKDF-SHA256 under distinct, versioned labels, so neither key reveals the other and a future format
 * can add keys without changing these.
 *
 * Derivation (normative, `docs`-stable):
 * - secp256k1: `mapHashToField(HKDF-SHA256(ikm = seed, salt = "medseal/v1/party", info = "medseal/v1/secp256k1",
 *   L = 48), n)` (noble's bias-free reduction into [1, n-1]: 48 bytes for a 32-byte scalar);
 * - X25519: `HKDF-SHA256(ikm = seed, salt = "medseal/v1/party", info = "medseal/v1/x25519", L = 32)` (clamped by
 *   X25519 itself, RFC 7748);
 * - Ed25519 (signed notes, C2SP checkpoints): the RFC 8032 32-byte secret key is
 *   `HKDF-SHA256(ikm = seed, salt = "medseal/v1/party", info = "medseal/v1/ed25519-note", L = 32)`.
 *
 * The same rules, with a worked example checked by a test, are in docs/spec/identity.md.
 * @module
 */
import { mapHashToField } from '@noble/curves/abstract/modular.js'
import { ed25519, x25519 } from '@noble/curves/ed25519.js'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { assertBytes, randomBytes as defaultRandomBytes, describeType, type RandomBytes, wipe } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'
import { publicKeyToAddress } from './address.js'
import { toDidKey } from './did.js'
import { exportIdentity, type PublicIdentityJson } from './identityJson.js'
import { signDigestWithKey } from './signature.js'
import type { Party, PublicIdentity } from './types.js'

/** Parameters of {@link createParty}. */
export type CreatePartyParameters = {
  /** 32-byte seed to derive the keys from (copied). Omit for a fresh random party. */
  readonly seed?: Uint8Array | undefined
  /** Source of randomness for a fresh seed (tests inject a deterministic one). */
  readonly randomBytes?: RandomBytes | undefined
}

/** Everything {@link createParty} can throw. */
export type CreatePartyErrorType = InvalidArgumentError

const SEED_LENGTH = 32
const encoder = /* @__PURE__ */ new TextEncoder()
const SALT = /* @__PURE__ */ encoder.encode('medseal/v1/party')
const INFO_SECP256K1 = /* @__PURE__ */ encoder.encode('medseal/v1/secp256k1')
const INFO_X25519 = /* @__PURE__ */ encoder.encode('medseal/v1/x25519')
const INFO_ED25519 = /* @__PURE__ */ encoder.encode('medseal/v1/ed25519-note')
const CURVE_N = /* @__PURE__ */ secp256k1.Point.CURVE().n
const INSPECT = /* @__PURE__ */ Symbol.for('nodejs.util.inspect.custom')

/** Derives the three secret keys of a seed. @internal */
export function deriveKeys(seed: Uint8Array): {
  signingSecretKey: Uint8Array
  encryptionSecretKey: Uint8Array
  noteSecretKey: Uint8Array
} {
  const okm = hkdf(sha256, seed, SALT, INFO_SECP256K1, 48)
  const signingSecretKey = mapHashToField(okm, CURVE_N)
  wipe(okm)
  const encryptionSecretKey = hkdf(sha256, seed, SALT, INFO_X25519, 32)
  const noteSecretKey = hkdf(sha256, seed, SALT, INFO_ED25519, 32)
  return { signingSecretKey, encryptionSecretKey, noteSecretKey }
}

function publicOf(p: {
  did: string
  address: PublicIdentity['address']
  signingPublicKey: Uint8Array
  encryptionPublicKey: Uint8Array
}): PublicIdentity {
  return Object.freeze({
    did: p.did,
    address: p.address,
    signingPublicKey: p.signingPublicKey.slice(),
    encryptionPublicKey: p.encryptionPublicKey.slice(),
  })
}

/**
 * Creates a party from a 32-byte seed (or a fresh random one): a secp256k1 signing key (its signatures verify on
 * EVM chains with `ecrecover`), an X25519 encryption key (HPKE), an Ed25519 key for signed notes (C2SP checkpoints,
 * reachable only through `signNote`), a `did:key` and an Ethereum address.
 *
 * The returned object is frozen. Secret keys never show in `JSON.stringify` (which gives {@link exportIdentity}'s JSON),
 * `String(party)`, Node's `util.inspect` or object spread: the X25519 secret is a non-enumerable getter returning a
 * copy, the signing key is reachable only through `signDigest`, and the seed only through `exportSeed()`.
 *
 * @param params - optional `seed` (32 bytes) and `randomBytes`
 * @returns the party
 * @throws {@link InvalidArgumentError} `INVALID_TYPE`, `INVALID_LENGTH` (seed not 32 bytes)
 * @example
 * ```ts
 * import { createParty } from '@medseal/core'
 * const patient = createParty()
 * const restored = createParty({ seed: patient.exportSeed() })
 * restored.address === patient.address // true
 * ```
 */
export function createParty(params: CreatePartyParameters = {}): Party {
  if (typeof params !== 'object' || params === null || Array.isArray(params))
    throw new InvalidArgumentError('INVALID_TYPE', 'params must be a plain object.', {
      metaMessages: [`Received ${describeType(params)}.`],
    })
  const rng = params.randomBytes ?? defaultRandomBytes
  if (typeof rng !== 'function') throw new InvalidArgumentError('INVALID_TYPE', 'randomBytes must be a function.')
  const seed =
    params.seed === undefined
      ? assertBytes(rng(SEED_LENGTH), { name: 'randomBytes output', length: SEED_LENGTH }).slice()
      : assertBytes(params.seed, { name: 'seed', length: SEED_LENGTH }).slice()

  const { signingSecretKey, encryptionSecretKey, noteSecretKey } = deriveKeys(seed)
  const notePublicKey = ed25519.getPublicKey(noteSecretKey)
  const signingPublicKey = secp256k1.getPublicKey(signingSecretKey, true)
  const encryptionPublicKey = x25519.getPublicKey(encryptionSecretKey)
  const address = publicKeyToAddress(signingPublicKey)
  const did = toDidKey(signingPublicKey)
  const pub = { did, address, signingPublicKey, encryptionPublicKey }

  const party = {
    did,
    address,
    get signingPublicKey(): Uint8Array {
      return signingPublicKey.slice()
    },
    get encryptionPublicKey(): Uint8Array {
      return encryptionPublicKey.slice()
    },
    get notePublicKey(): Uint8Array {
      return notePublicKey.slice()
    },
    signNote(text: Uint8Array): Uint8Array {
      // RFC 8032 Ed25519 over the note text (C2SP signed-note, signature type 0x01); deterministic.
      return ed25519.sign(assertBytes(text, { name: 'text' }), noteSecretKey)
    },
    signDigest(digest: Uint8Array): Uint8Array {
      return signDigestWithKey(signingSecretKey, digest)
    },
    exportSeed(): Uint8Array {
      return seed.slice()
    },
    toPublic(): PublicIdentity {
      return publicOf(pub)
    },
    toJSON(): PublicIdentityJson {
      return exportIdentity(pub)
    },
    toString(): string {
      return `Party(${did})`
    },
  }
  Object.defineProperty(party, 'encryptionSecretKey', {
    enumerable: false,
    get: () => encryptionSecretKey.slice(),
  })
  Object.defineProperty(party, INSPECT, {
    enumerable: false,
    value: () => `Party { did: '${did}', address: '${address}' }`,
  })
  return Object.freeze(party) as unknown as Party
}
