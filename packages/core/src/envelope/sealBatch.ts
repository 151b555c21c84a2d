/**
 * Bulk sealing: many records to the same recipients, each in its own envelope under its own data key.
 * @module
 */
import { assertBytes } from '../bytes/index.js'
import { canonicalizeToBytes } from '../canonical/canonicalize.js'
import { type EnvelopeError, InvalidArgumentError } from '../errors/base.js'
import { prepareRecipients, type SealParameters, sealPrepared } from './seal.js'
import { ENVELOPE_MAX_CANONICAL_BYTES, type SealReturnType } from './types.js'

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
  const payloads = toPayloads(items, params)
  const out: SealReturnType[] = new Array(payloads.length)
  for (let i = 0; i < payloads.length; i++)
    out[i] = await sealPrepared(payloads[i] as Uint8Array, prepared, params.randomBytes)
  return out
}
