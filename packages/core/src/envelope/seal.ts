/**
 * Sealing: a JSON value (or its canonical bytes) becomes an envelope, a commitment and a content id.
 * @module
 */
import { assertBytes, randomBytes as defaultRandomBytes, describeType, type RandomBytes, wipe } from '../bytes/index.js'
import { canonicalizeToBytes } from '../canonical/canonicalize.js'
import { type EnvelopeError, InvalidArgumentError } from '../errors/base.js'
import type { PublicIdentity } from '../identity/types.js'
import {
  compareBytes,
  deriveSalt,
  encodeHeader,
  envelopeSuite,
  freezeEnvelope,
  isEnvelopeHpke,
  keyCommitment,
  payloadHashes,
  SIZES,
  settleAll,
  wrapAad,
  wrapInfo,
} from './_internal.js'
import { isVaultKey, type VaultKey } from './createVaultKey.js'
import { getRecipientKeyId } from './getRecipientKeyId.js'
import {
  ENVELOPE_MAX_CANONICAL_BYTES,
  ENVELOPE_MAX_RECIPIENTS,
  ENVELOPE_SUITE,
  ENVELOPE_VERSION,
  ENVELOPE_VERSION_DIGEST,
  ENVELOPE_VERSION_VAULT,
  type EnvelopeRecipient,
  type EnvelopeVersion,
  type SealBackend,
  type SealReturnType,
} from './types.js'

/** Anyone an envelope can be sealed to with HPKE: a Party, a PublicIdentity, or just `{ encryptionPublicKey }`. */
export type EnvelopeRecipientInput = Pick<PublicIdentity, 'encryptionPublicKey'>

/** Parameters of {@link seal} and {@link sealCanonical}. */
export type SealParameters = {
  /**
   * 1..1024 recipients (duplicates are merged): public keys get an HPKE wrap of the data key, {@link VaultKey}s a
   * vault wrap (envelope versions 2 and 3).
   */
  recipients: readonly (EnvelopeRecipientInput | VaultKey)[]
  /**
   * Envelope version to write (docs/spec/envelope.md): 1 (HPKE recipients only), 2 (HPKE and vault recipients) or
   * 3 (HPKE and vault; the commitment over the SHA-256 digest of the canonical bytes, so a seal makes two passes
   * over them instead of three: faster for large records, but readable only by readers that know version 3).
   * Default: 2 when a recipient is a vault key, else 1, as before version 3 existed.
   */
  version?: EnvelopeVersion | undefined
  /** Source of randomness (default: `crypto.getRandomValues`). Inject only for deterministic tests. */
  randomBytes?: RandomBytes | undefined
  /**
   * Where the seal's primitives run (default: WebCrypto, `@noble`). In Node, `createNativeSealBackend()` from
   * `@medseal/core/node` runs them all on OpenSSL on the calling thread (the same bytes): for large records and
   * servers, where WebCrypto's thread-pool round trips and input copies cost more than the work.
   */
  backend?: SealBackend | undefined
  /** Maximum nesting depth of the value ({@link seal} only; default 64). */
  maxDepth?: number | undefined
}

/** Errors {@link seal} / {@link sealCanonical} can throw. */
export type SealErrorType = InvalidArgumentError | EnvelopeError

/** A validated recipient: an HPKE public key or a vault key. @internal */
export type PreparedRecipient =
  | { keyId: Uint8Array; publicKey: Uint8Array; vault?: undefined }
  | { keyId: Uint8Array; vault: VaultKey; publicKey?: undefined }

/** Validated, sorted recipients, the envelope version to write and the backend, if any. @internal */
export type PreparedRecipients = {
  list: PreparedRecipient[]
  version: EnvelopeVersion
  backend?: SealBackend | undefined
}

/** Validates and sorts the recipients (before any expensive work). @internal */
export function prepareRecipients(params: SealParameters): PreparedRecipients {
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'seal parameters must be an object.', {
      metaMessages: [`Received ${describeType(params)}.`],
    })
  const list = params.recipients
  if (!Array.isArray(list) || list.length === 0)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'recipients must be a non-empty array.')
  if (list.length > ENVELOPE_MAX_RECIPIENTS)
    throw new InvalidArgumentError('OUT_OF_RANGE', `An envelope holds at most ${ENVELOPE_MAX_RECIPIENTS} recipients.`)
  const byId = new Map<string, PreparedRecipient>()
  let vaults = 0
  for (const r of list as unknown[]) {
    if (isVaultKey(r)) {
      vaults++
      byId.set(String.fromCharCode(...r.keyId), { keyId: r.keyId, vault: r })
    } else {
      const keyId = getRecipientKeyId(r as EnvelopeRecipientInput)
      byId.set(String.fromCharCode(...keyId), { keyId, publicKey: (r as EnvelopeRecipientInput).encryptionPublicKey })
    }
  }
  const v = params.version
  if (v !== undefined && v !== ENVELOPE_VERSION && v !== ENVELOPE_VERSION_VAULT && v !== ENVELOPE_VERSION_DIGEST)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'version must be 1, 2 or 3.')
  if (v === ENVELOPE_VERSION && vaults > 0)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'Vault recipients need envelope version 2 or 3.')
  const backend = params.backend
  if (
    backend !== undefined &&
    (typeof backend?.sha256 !== 'function' || typeof backend.hmacSha256 !== 'function' || !isEnvelopeHpke(backend.hpke))
  )
    throw new InvalidArgumentError('INVALID_TYPE', 'backend must be a SealBackend.')
  return {
    list: [...byId.values()].sort((a, b) => compareBytes(a.keyId, b.keyId)),
    version: v ?? (vaults > 0 ? ENVELOPE_VERSION_VAULT : ENVELOPE_VERSION),
    backend,
  }
}

/** Largest `salt || canonical` buffer kept for reuse between seals (4 MiB of payload). */
const SPARE_MAX = 4 * 1024 * 1024 + SIZES.salt
/**
 * One zeroed buffer for `salt || canonical`, reused by the next seal that is not running concurrently: a fresh
 * megabyte per seal costs page faults and garbage collections that showed as a large share of a 1 MiB seal. Every
 * seal wipes what it wrote before giving the buffer back; a seal that finds it taken allocates its own.
 */
let spare: Uint8Array<ArrayBuffer> | undefined

function takePlaintext(length: number): Uint8Array<ArrayBuffer> {
  const b = spare
  if (b !== undefined && b.length >= length) {
    spare = undefined
    return b.subarray(0, length)
  }
  return new Uint8Array(length)
}

/** Takes back a wiped buffer from {@link takePlaintext} (keeps the larger one, up to `SPARE_MAX`). */
function giveBackPlaintext(wiped: Uint8Array<ArrayBuffer>): void {
  const whole = wiped.buffer
  if (whole.byteLength <= SPARE_MAX && (spare === undefined || spare.length < whole.byteLength))
    spare = new Uint8Array(whole)
}

/** Seals canonical bytes the caller vouches for. @internal */
export async function sealPrepared(
  canonical: Uint8Array,
  prepared: PreparedRecipients,
  injected: RandomBytes | undefined,
): Promise<SealReturnType> {
  const rnd = injected ?? defaultRandomBytes
  // Order of randomness (fixed, so a worked example is reproducible): data key, salt (versions 1 and 2 only), id,
  // nonce, then per recipient in keyId order: a 32-byte vault wrap salt, or (only when `randomBytes` is injected) a
  // 32-byte HPKE ephemeral ikm.
  // `n` checked bytes from the source; a copy when the envelope keeps them (the source may reuse its buffer)
  const draw = (n: number, copy?: boolean): Uint8Array => {
    const b = assertBytes(rnd(n), { length: n, name: `randomBytes(${n})` })
    return copy ? b.slice() : b
  }
  const v3 = prepared.version === ENVELOPE_VERSION_DIGEST
  const { backend } = prepared
  const suite = backend?.hpke ?? envelopeSuite
  const dataKey = draw(SIZES.dataKey)
  // Versions 1 and 2 draw the salt and encrypt `salt || canonical`, a copy of the payload; version 3 derives the salt
  // from the data key and encrypts the canonical bytes as given.
  let salt = v3 ? undefined : draw(SIZES.salt)
  const plaintext = v3 ? undefined : takePlaintext(SIZES.salt + canonical.length)
  try {
    const id = draw(SIZES.id, true)
    const nonce = draw(SIZES.nonce, true)
    salt ??= deriveSalt(dataKey, id, nonce)
    const head = {
      version: prepared.version,
      suite: ENVELOPE_SUITE,
      id,
      nonce,
      keyCommitment: keyCommitment(dataKey, id, nonce),
    }
    const header = encodeHeader(head)
    let info: Uint8Array | undefined
    const wrapOne = async (r: PreparedRecipient): Promise<EnvelopeRecipient> => {
      if (r.vault) {
        const wrapSalt = draw(SIZES.enc, true)
        return { type: 'vault', keyId: r.keyId, enc: wrapSalt, wrappedKey: r.vault.wrapKey(header, wrapSalt, dataKey) }
      }
      info ??= wrapInfo(header)
      const { enc, ciphertext } = await suite.seal({
        recipientPublicKey: r.publicKey,
        info,
        aad: wrapAad(header, r.keyId),
        plaintext: dataKey,
        randomBytes: injected,
      })
      return { keyId: r.keyId, enc, wrappedKey: ciphertext }
    }
    const wrapAll = async (): Promise<EnvelopeRecipient[]> => {
      if (injected || prepared.list.every((r) => r.vault)) {
        const entries: EnvelopeRecipient[] = []
        for (const r of prepared.list) entries.push(await wrapOne(r))
        return entries
      }
      return settleAll(prepared.list.map(wrapOne))
    }
    plaintext?.set(salt, 0)
    plaintext?.set(canonical, SIZES.salt)
    // The payload passes do not depend on the key wraps, so they all start at once and the wraps' asynchronous
    // X25519 work overlaps them. WebCrypto runs large passes off the main thread: the hashes on one thread and
    // AES-256-GCM on another. Version 3 hashes the canonical bytes once (SHA-256, for the commitment and the content
    // id), so a seal is two passes side by side; versions 1 and 2 run the HMAC-SHA256 commitment then the SHA-256
    // one after the other, so that on two cores the AES pass keeps a core to itself. A backend's passes (e.g.
    // node:crypto) may run on the calling thread as they are called: so the hashes start first (a backend can hand
    // them to another thread), then the wraps (their key generation can go to the thread pool), then the AES pass.
    // None of them draws randomness before its first await except the wraps, which draw last: the order of draws
    // above is unchanged.
    const hashes = payloadHashes(prepared.version, salt, canonical, true, backend)
    const wraps = wrapAll()
    const [[commitment, contentId], entries, ciphertext] = await settleAll([
      hashes,
      wraps,
      (async () => suite.aead.seal(dataKey, nonce, header, plaintext ?? canonical))(),
    ] as const)
    return Object.freeze({
      envelope: freezeEnvelope({ ...head, recipients: entries, ciphertext }),
      commitment,
      contentId,
    })
  } finally {
    wipe(dataKey)
    if (salt) wipe(salt)
    if (plaintext) {
      wipe(plaintext)
      giveBackPlaintext(plaintext)
    }
  }
}

/**
 * Seals a JSON value to its recipients (DESIGN "Sealed record"): canonical bytes (RFC 8785), a fresh 32-byte data
 * key, AES-256-GCM with the header as AAD, one HPKE (RFC 9180 base mode) wrap of the data key per public-key
 * recipient and one vault wrap per {@link VaultKey}, a salted commitment and the content id CIDv1(json, sha2-256).
 * Envelope version 3 (`version: 3`) encrypts the canonical bytes, derives the 32-byte salt from the data key and
 * computes the commitment as `HMAC-SHA256(key = salt || "medseal/envelope/v3/commitment", msg = SHA-256(canonical))`,
 * from the digest the content id needs; versions 1 and 2 draw a random salt, encrypt `salt || canonical` and commit
 * with `HMAC-SHA256(salt, canonical)`. Either way only the data key's holders can learn the salt. Byte layout:
 * docs/spec/envelope.md.
 *
 * @param value - a JSON value (a FHIR resource); see `canonicalize` for what counts as JSON
 * @param params - `recipients` (1..1024), optional `version` (1, 2 or 3; default 1, or 2 with a vault key), `randomBytes` (tests),
 *   `maxDepth`
 * @returns `{ envelope, commitment, contentId }`: anchor only the commitment
 * @throws {@link InvalidArgumentError} the canonicalize errors for a non-JSON value (`INVALID_TYPE`,
 *   `INVALID_ENCODING`, `INPUT_TOO_DEEP`, `INPUT_TOO_LARGE` above 64 MiB), `INVALID_ARGUMENT` / `OUT_OF_RANGE` for
 *   the recipient list, `INVALID_LENGTH` for a bad public key, `INVALID_KEY` for a small-order one,
 *   `INVALID_ARGUMENT` for `version: 1` with a vault recipient
 * @example
 * ```ts
 * import { createParty, open, seal } from '@medseal/core'
 * const patient = createParty()
 * const { envelope, commitment } = await seal({ resourceType: 'Observation', status: 'final' }, { recipients: [patient] })
 * const { value } = await open(envelope, patient)
 * ```
 */
export async function seal(value: unknown, params: SealParameters): Promise<SealReturnType> {
  const prepared = prepareRecipients(params)
  const canonical = canonicalizeToBytes(value, {
    maxBytes: ENVELOPE_MAX_CANONICAL_BYTES,
    ...(params.maxDepth === undefined ? {} : { maxDepth: params.maxDepth }),
  })
  return sealPrepared(canonical, prepared, params.randomBytes)
}

/**
 * Seals bytes that are already canonical (e.g. from `@medseal/fhir`'s `canonicalizeResource`, which keeps FHIR
 * decimal precision). They are sealed as given: the caller vouches that they are canonical UTF-8 JSON (`open` parses
 * them back). Same output as {@link seal}.
 *
 * @param canonicalBytes - 1 byte .. 64 MiB of canonical JSON
 * @param params - as {@link seal}
 * @returns `{ envelope, commitment, contentId }`
 * @throws {@link InvalidArgumentError} `INVALID_TYPE`, `INVALID_LENGTH` (empty), `INPUT_TOO_LARGE`, and the
 *   recipient errors of {@link seal}
 * @example
 * ```ts
 * import { canonicalizeToBytes, createParty, sealCanonical } from '@medseal/core'
 * const patient = createParty()
 * const bytes = canonicalizeToBytes({ resourceType: 'Patient', id: 'p1' })
 * const { envelope } = await sealCanonical(bytes, { recipients: [patient] })
 * ```
 */
export async function sealCanonical(canonicalBytes: Uint8Array, params: SealParameters): Promise<SealReturnType> {
  assertBytes(canonicalBytes, { name: 'canonicalBytes' })
  if (canonicalBytes.length === 0) throw new InvalidArgumentError('INVALID_LENGTH', 'canonicalBytes must not be empty.')
  if (canonicalBytes.length > ENVELOPE_MAX_CANONICAL_BYTES)
    throw new InvalidArgumentError('INPUT_TOO_LARGE', 'An envelope holds at most 64 MiB of canonical bytes.', {
      metaMessages: [`Received ${canonicalBytes.length} bytes.`],
    })
  return sealPrepared(canonicalBytes, prepareRecipients(params), params.randomBytes)
}
