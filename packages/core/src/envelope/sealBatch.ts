/**
 * Bulk sealing: many records to the same recipients, each in its own envelope under its own data key.
 * @module
 */
import { gcm } from '@noble/ciphers/aes.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { assertBytes, randomBytes as defaultRandomBytes, type RandomBytes, wipe } from '../bytes/index.js'
import { canonicalizeToBytes } from '../canonical/canonicalize.js'
import { type ContentId, JSON_CODEC, SHA2_256_CODE } from '../canonical/contentId.js'
import { type EnvelopeError, InvalidArgumentError } from '../errors/base.js'
import { encodeHeader, freezeEnvelope, LABELS, SIZES } from './_internal.js'
import { type PreparedRecipients, prepareRecipients, type SealParameters, sealPrepared } from './seal.js'
import {
  ENVELOPE_MAX_CANONICAL_BYTES,
  ENVELOPE_SUITE,
  ENVELOPE_VERSION_VAULT,
  type EnvelopeRecipient,
  type SealReturnType,
} from './types.js'

/** Parameters of {@link sealBatch}: those of `seal`, and whether the items are already canonical bytes. */
export type SealBatchParameters = SealParameters & {
  /** `true`: every item is canonical JSON bytes the caller vouches for (as `sealCanonical`). Default `false`. */
  canonical?: boolean | undefined
}

/** Errors {@link sealBatch} can throw. */
export type SealBatchErrorType = InvalidArgumentError | EnvelopeError

/** Most items one {@link sealBatch} call takes (bounds the memory one call holds). @internal */
export const MAX_BATCH = 65_536

/** Checks the item list and returns each item's canonical bytes (before any record is sealed). @internal */
export function toPayloads(items: readonly unknown[], params: SealBatchParameters): Uint8Array[] {
  if (!Array.isArray(items) || items.length === 0)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'items must be a non-empty array.')
  if (items.length > MAX_BATCH)
    throw new InvalidArgumentError('OUT_OF_RANGE', `A batch holds at most ${MAX_BATCH} items.`, {
      metaMessages: [`Received ${items.length} items.`],
    })
  const canonical = params?.canonical === true
  const opts = {
    maxBytes: ENVELOPE_MAX_CANONICAL_BYTES,
    ...(params?.maxDepth === undefined ? {} : { maxDepth: params.maxDepth }),
  }
  return items.map((item, i) => {
    if (!canonical) return canonicalizeToBytes(item, opts)
    const bytes = assertBytes(item, { name: `items[${i}]` })
    if (bytes.length === 0 || bytes.length > ENVELOPE_MAX_CANONICAL_BYTES)
      throw new InvalidArgumentError(
        bytes.length === 0 ? 'INVALID_LENGTH' : 'INPUT_TOO_LARGE',
        'Each item must hold 1 byte to 64 MiB of canonical bytes.',
        { metaMessages: [`items[${i}] has ${bytes.length} bytes.`] },
      )
    return bytes
  })
}

/**
 * Seals each item to the same recipients: the same output as calling `seal` (or `sealCanonical`) once per item,
 * in order, with the recipients validated and sorted once. Every record keeps its own data key, salt and
 * commitment, so each stays individually shareable (`addRecipient`), re-wrappable and crypto-shreddable. With
 * vault recipients (`createVaultKey`) no per-record asymmetric work remains; with public-key recipients each
 * record still pays one HPKE wrap per recipient. To use every core, split the items over a `createSealPool`.
 *
 * @param items - 1..65,536 JSON values (or canonical bytes with `canonical: true`)
 * @param params - as `seal`, plus `canonical`
 * @returns one `{ envelope, commitment, contentId }` per item, in order
 * @throws {@link InvalidArgumentError} `INVALID_ARGUMENT` for an empty or non-array `items`, `OUT_OF_RANGE` above
 *   65,536 items, and every error of `seal` / `sealCanonical` for the first bad item (nothing is returned then)
 * @example
 * ```ts
 * import { createParty, createVaultKey, sealBatch } from '@medseal/core'
 * const patient = createParty()
 * const custodian = createParty()
 * const recipients = [createVaultKey({ party: patient }), createVaultKey({ party: custodian })]
 * const sealed = await sealBatch(
 *   [{ resourceType: 'Observation', id: 'o1' }, { resourceType: 'Observation', id: 'o2' }],
 *   { recipients },
 * )
 * sealed.length // 2
 * ```
 */
export async function sealBatch(items: readonly unknown[], params: SealBatchParameters): Promise<SealReturnType[]> {
  const prepared = prepareRecipients(params)
  return sealPayloads(toPayloads(items, params), prepared, params.randomBytes)
}

/**
 * Below this many bytes of `salt || canonical`, a record of a vault-only batch is sealed synchronously with
 * `@noble/ciphers` AES-256-GCM (as `seal` does below 1 KiB): for a small record the fixed cost of WebCrypto (a key
 * import and an encryption, each a promise and a thread-pool hop) is more than the whole computation. Larger
 * records go through `seal`'s own path (WebCrypto for the passes), started together so their passes overlap.
 */
const SMALL_PLAINTEXT = 1024

/**
 * The symmetric primitives of the small-record path: `@noble` by default (browsers, `sealBatch`); a Node seal worker
 * gives node:crypto's (native and synchronous, several times faster on a record of ~1 KiB). Each must compute
 * exactly the named function; the bytes of a record never depend on which set ran. @internal
 */
export type SealPrimitives = {
  /** AES-256-GCM encryption: ciphertext ‖ 16-byte tag. */
  readonly gcm: (key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array) => Uint8Array
  /** HMAC-SHA256 under `key` of the parts, concatenated. */
  readonly hmac: (key: Uint8Array, ...parts: Uint8Array[]) => Uint8Array
  /** SHA-256. */
  readonly sha256: (bytes: Uint8Array) => Uint8Array
  /**
   * Records with `salt ‖ canonical` below this many bytes are sealed synchronously on these primitives; larger ones
   * go through `seal`'s path (WebCrypto for the passes, off this thread).
   */
  readonly syncBelow: number
}

/** {@link SealPrimitives} on `@noble/ciphers` and `@noble/hashes`. @internal */
export const noblePrimitives: SealPrimitives = {
  gcm: (key, nonce, aad, plaintext) => gcm(key, nonce, aad).encrypt(plaintext),
  hmac: (key, ...parts) => {
    const mac = hmac.create(sha256, key)
    for (const part of parts) mac.update(part)
    return mac.digest()
  },
  sha256: (bytes) => sha256(bytes),
  syncBelow: SMALL_PLAINTEXT,
}

/** Random bytes drawn at once for a batch (at most one `getRandomValues` call's 65,536 bytes). */
const RANDOM_BLOCK = 65_536

/**
 * A source that hands out consecutive slices of blocks drawn from `source` (one call per block instead of four or
 * more per record: each call has a fixed cost larger than the bytes it draws). The order of the bytes is the
 * source's. `view` hands out a view into the block (the caller wipes what is secret), `copy` a copy and wipes the
 * view at once. `wipeRest` wipes what no record took.
 */
function createBlockRandom(source: RandomBytes): { view: RandomBytes; copy: RandomBytes; wipeRest: () => void } {
  let block: Uint8Array = new Uint8Array(0)
  let at = 0
  const view = (n: number) => {
    if (at + n > block.length) {
      block.subarray(at).fill(0)
      block = assertBytes(source(Math.max(n, RANDOM_BLOCK)), { name: 'randomBytes' })
      at = 0
    }
    const out = block.subarray(at, at + n)
    at += n
    return out
  }
  return {
    view,
    copy(n: number) {
      const v = view(n)
      const out = v.slice()
      v.fill(0)
      return out
    },
    wipeRest: () => block.subarray(at).fill(0),
  }
}

/**
 * Seals checked canonical payloads to prepared recipients, in order: what `sealBatch` and a seal pool's workers
 * run. A vault-only version-2 batch takes the batch path: randomness drawn in blocks (unless injected), small
 * records sealed synchronously (no promise per record), large ones through `seal`'s path, started together so that
 * their WebCrypto passes overlap. Anything else is sealed record by record as `seal` does. Either way each envelope
 * holds the bytes `seal` makes from the same random bytes (a differential test checks it).
 * @internal
 */
export async function sealPayloads(
  payloads: readonly Uint8Array[],
  prepared: PreparedRecipients,
  injected: RandomBytes | undefined,
  primitives: SealPrimitives = noblePrimitives,
): Promise<SealReturnType[]> {
  const out: SealReturnType[] = new Array(payloads.length)
  const small = (p: Uint8Array) => SIZES.salt + p.length < primitives.syncBelow
  const batchPath = prepared.version === ENVELOPE_VERSION_VAULT && prepared.list.every((r) => r.vault)
  if (!batchPath || injected) {
    // one by one: an injected source sees the draws of one record after another, as `seal` makes them
    for (let i = 0; i < payloads.length; i++) {
      const p = payloads[i] as Uint8Array
      out[i] =
        batchPath && small(p)
          ? sealSmallVault(p, prepared, injected as RandomBytes, primitives)
          : await sealPrepared(p, prepared, injected)
    }
    return out
  }
  const random = createBlockRandom(defaultRandomBytes)
  const large: Promise<void>[] = []
  let failure: unknown
  try {
    for (let i = 0; i < payloads.length; i++) {
      const payload = payloads[i] as Uint8Array
      if (small(payload)) out[i] = sealSmallVault(payload, prepared, random.view, primitives)
      else
        large.push(
          sealPrepared(payload, prepared, random.copy).then((r) => {
            out[i] = r
          }),
        )
    }
  } catch (error) {
    failure = error
  }
  // a large seal draws its later wrap salts after an await: the rest of the block is wiped once all have settled
  const settled = await Promise.allSettled(large)
  random.wipeRest()
  if (failure !== undefined) throw failure
  for (const s of settled) if (s.status === 'rejected') throw s.reason
  return out
}

/**
 * One record of a vault-only version-2 batch, synchronously: the envelope `seal` makes (docs/spec/envelope.md), with
 * the same order of random draws (data key, salt, id, nonce, then one wrap salt per recipient in keyId order).
 */
function sealSmallVault(
  canonical: Uint8Array,
  prepared: PreparedRecipients,
  draw: RandomBytes,
  primitives: SealPrimitives,
): SealReturnType {
  const take = (n: number) => assertBytes(draw(n), { length: n, name: `randomBytes(${n})` })
  const dataKey = take(SIZES.dataKey)
  const salt = take(SIZES.salt)
  const plaintext = new Uint8Array(SIZES.salt + canonical.length)
  try {
    const id = take(SIZES.id).slice()
    const nonce = take(SIZES.nonce).slice()
    const head = {
      version: prepared.version,
      suite: ENVELOPE_SUITE,
      id,
      nonce,
      keyCommitment: primitives.hmac(dataKey, LABELS.keyCommitment, id, nonce),
    }
    const header = encodeHeader(head)
    const recipients: EnvelopeRecipient[] = prepared.list.map((r) => {
      const wrapSalt = take(SIZES.enc).slice()
      const vault = r.vault as NonNullable<typeof r.vault>
      return { type: 'vault', keyId: r.keyId, enc: wrapSalt, wrappedKey: vault.wrapKey(header, wrapSalt, dataKey) }
    })
    plaintext.set(salt, 0)
    plaintext.set(canonical, SIZES.salt)
    const ciphertext = primitives.gcm(dataKey, nonce, header, plaintext)
    return Object.freeze({
      envelope: freezeEnvelope({ ...head, recipients, ciphertext }),
      commitment: primitives.hmac(salt, canonical),
      contentId: CID.createV1(JSON_CODEC, Digest.create(SHA2_256_CODE, primitives.sha256(canonical))) as ContentId,
    })
  } finally {
    wipe(dataKey, salt, plaintext)
  }
}
