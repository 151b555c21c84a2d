/**
 * Test fixture shared by sealBatch.test.ts and sealBatch.node.test.ts: deterministic randomness, records of a given
 * size, and the two checks both make (a batch equals `seal` byte for byte; a sealed record opens to its item).
 * @module
 * @internal
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { expect } from 'vitest'
import type { RandomBytes } from '../bytes/index.js'
import type { VaultKey } from './createVaultKey.js'
import { encodeEnvelope } from './encodeEnvelope.js'
import type { EnvelopeKeyHolder } from './open.js'
import { open } from './open.js'
import { seal } from './seal.js'
import type { SealReturnType } from './types.js'

/** A deterministic source: SHA-256(seed || counter), so two sources with one seed give the same bytes. */
export function counterRandom(seed: number): RandomBytes {
  let counter = 0
  return (n) => {
    const out = new Uint8Array(n)
    for (let o = 0; o < n; o += 32) {
      const block = sha256(Uint8Array.of(seed & 0xff, seed >>> 8, counter & 0xff, counter >>> 8, counter >>> 16))
      counter++
      out.set(block.subarray(0, Math.min(32, n - o)), o)
    }
    return out
  }
}

/** A record whose canonical form is about `size` bytes (both sides of the 1 KiB small-record limit). */
export const recordOf = (i: number, size: number) => ({
  resourceType: 'Observation',
  id: `o${i}`,
  note: 'x'.repeat(size),
})

/** Each batch record is byte for byte what `seal` gives for its item to `recipients` from the same `seed`. */
export async function expectSameAsSeal(
  batch: readonly SealReturnType[],
  items: readonly unknown[],
  recipients: readonly VaultKey[],
  seed: number,
): Promise<void> {
  const one = counterRandom(seed)
  for (const [i, item] of items.entries()) {
    const single = await seal(item, { recipients: [...recipients], randomBytes: one })
    const b = batch[i] as SealReturnType
    expect(encodeEnvelope(b.envelope)).toEqual(encodeEnvelope(single.envelope))
    expect(b.commitment).toEqual(single.commitment)
    expect(b.contentId.toString()).toBe(single.contentId.toString())
  }
}

/** `sealed` opens for `party` to `item`, with the commitment and content id the seal returned. */
export async function expectOpens(sealed: SealReturnType, item: unknown, party: EnvelopeKeyHolder): Promise<void> {
  const opened = await open(encodeEnvelope(sealed.envelope), party)
  expect(opened.value).toEqual(item)
  expect(opened.commitment).toEqual(sealed.commitment)
  expect(opened.contentId.toString()).toBe(sealed.contentId.toString())
}
