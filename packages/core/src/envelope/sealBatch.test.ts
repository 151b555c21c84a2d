import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bytesToHex } from '../bytes/index.js'
import { canonicalizeToBytes } from '../canonical/canonicalize.js'
import { createParty } from '../identity/createParty.js'
import { counterRandom, expectOpens, expectSameAsSeal, recordOf } from './_testSealBatch.js'
import { createVaultKey } from './createVaultKey.js'
import { encodeEnvelope } from './encodeEnvelope.js'
import { seal } from './seal.js'
import { sealBatch } from './sealBatch.js'
import { unwrapDataKey } from './unwrapDataKey.js'

const patient = createParty()
const custodian = createParty()
const vaults = [createVaultKey({ party: patient }), createVaultKey({ party: custodian })]

describe('sealBatch batch path (vault recipients)', () => {
  it('gives the bytes seal gives from the same random bytes, small and large records alike', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.boolean(),
        async (sizes, seed, both) => {
          const items = sizes.map((size, i) => recordOf(i, size))
          const recipients = both ? vaults : [vaults[1] as (typeof vaults)[number]]
          const batch = await sealBatch(items, { recipients, randomBytes: counterRandom(seed) })
          await expectSameAsSeal(batch, items, recipients, seed)
        },
      ),
      { numRuns: 25 },
    )
  })

  it('with its own randomness: every record opens to its item, in order, with fresh keys, salts and wrap salts', async () => {
    // small and large records interleaved, more random bytes than one 64 KiB block
    const items = Array.from({ length: 300 }, (_, i) => recordOf(i, i % 7 === 0 ? 2500 : 300))
    const sealed = await sealBatch(items, { recipients: vaults })
    const seen = new Set<string>()
    const fresh = (bytes: Uint8Array) => {
      const hex = bytesToHex(bytes)
      expect(seen.has(hex)).toBe(false)
      expect(bytes.some((b) => b !== 0)).toBe(true)
      seen.add(hex)
    }
    for (const [i, s] of sealed.entries()) {
      await expectOpens(s, items[i], i % 2 ? patient : custodian)
      expect(s.contentId.toString()).toBe(
        (await seal(items[i], { recipients: vaults })).contentId.toString(), // content ids do not depend on keys
      )
      fresh(await unwrapDataKey(s.envelope, patient))
      fresh(s.envelope.id)
      fresh(s.envelope.nonce)
      for (const r of s.envelope.recipients) fresh(r.enc) // wrap salts, the later ones of large records too
    }
  })

  it('canonical bytes in, the same as values in', async () => {
    const items = Array.from({ length: 5 }, (_, i) => recordOf(i, 40 * i))
    const a = await sealBatch(items, { recipients: vaults, randomBytes: counterRandom(7) })
    const b = await sealBatch(
      items.map((v) => canonicalizeToBytes(v)),
      { recipients: vaults, canonical: true, randomBytes: counterRandom(7) },
    )
    expect(a.map((s) => encodeEnvelope(s.envelope))).toEqual(b.map((s) => encodeEnvelope(s.envelope)))
  })
})
