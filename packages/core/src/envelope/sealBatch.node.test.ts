import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalizeToBytes } from '../canonical/canonicalize.js'
import { createParty } from '../identity/createParty.js'
import { vaultSecretFromX25519 } from './_internal.js'
import { createNodeSealPrimitives } from './_sealNodePrimitives.js'
import { counterRandom, expectOpens, expectSameAsSeal, recordOf } from './_testSealBatch.js'
import { createVaultKey, type VaultKey } from './createVaultKey.js'
import { prepareRecipients } from './seal.js'
import { noblePrimitives, sealPayloads } from './sealBatch.js'
import { vaultKeyOn } from './serveSealWorker.js'

const native = createNodeSealPrimitives()
const secrets = [Uint8Array.from({ length: 32 }, (_, i) => i + 1), Uint8Array.from({ length: 32 }, (_, i) => 200 - i)]
/** The default vault keys and the worker's, from the same secrets. */
const vaults = secrets.map((secret) => createVaultKey({ secret }))
const nativeVaults = secrets.map((secret) => vaultKeyOn(secret, native))

describe('the Node seal worker on node:crypto', () => {
  it('runs on node:crypto here (not the @noble fallback)', () => {
    expect(native).not.toBe(noblePrimitives)
  })

  it('for fixed randomness, gives the bytes seal gives, byte for byte (small and large records, one or two vaults)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.boolean(),
        async (sizes, seed, both) => {
          const items = sizes.map((size, i) => recordOf(i, size))
          const pick = (list: VaultKey[]) => (both ? list : [list[1] as VaultKey])
          const prepared = prepareRecipients({ recipients: pick(nativeVaults) })
          const payloads = items.map((item) => canonicalizeToBytes(item))
          const batch = await sealPayloads(payloads, prepared, counterRandom(seed), native)
          await expectSameAsSeal(batch, items, pick(vaults), seed)
        },
      ),
      { numRuns: 25 },
    )
  })

  it('with its own randomness: every record opens with the default path, for both parties', async () => {
    const [patient, custodian] = [createParty(), createParty()]
    // each party's vault key as the worker holds it: its wraps on node:crypto
    const recipients = [patient, custodian].map((p) =>
      vaultKeyOn(vaultSecretFromX25519(p.encryptionSecretKey, p.encryptionPublicKey), native),
    )
    const items = Array.from({ length: 40 }, (_, i) => recordOf(i, i % 2 === 0 ? 700 : 1500))
    const payloads = items.map((item) => canonicalizeToBytes(item))
    const sealed = await sealPayloads(payloads, prepareRecipients({ recipients }), undefined, native)
    for (const [i, s] of sealed.entries()) {
      for (const party of [patient, custodian]) await expectOpens(s, items[i], party)
    }
  })
})
