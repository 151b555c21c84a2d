import { describe, expect, it } from 'vitest'
import { describeRecipeRuns } from '../shared/describeRecipeRuns.js'
import { type DrugProvenanceSummary, run } from './drugProvenance.js'

function assertFacts(summary: DrugProvenanceSummary, lines: string[]) {
  expect(summary.lot).toBe('LOT-2026-0042')
  expect(summary.pharmacyVerifiedHops).toBe(3)
  expect(summary.patientVerifiedHops).toBe(4)
  expect(summary.chain.map((h) => [h.resourceType, h.role])).toEqual([
    ['Medication', 'manufacturer'],
    ['SupplyDelivery', 'distributor'],
    ['SupplyDelivery', 'pharmacy'],
    ['MedicationDispense', 'dispense'],
  ])
  // anchored hop by hop, in custody order
  const blocks = summary.chain.map((h) => h.block)
  expect([...blocks].sort((a, b) => a - b)).toEqual(blocks)
  expect(new Set(blocks).size).toBe(4)
  // the dispense is signed by the pharmacy that received the goods
  expect(summary.chain[3]?.signer).toBe(summary.chain[2]?.signer)
  expect(new Set(summary.chain.slice(0, 3).map((h) => h.signer)).size).toBe(3)
  expect(summary.counterfeits).toEqual({
    unsigned: { hop: 1, reason: 'INVALID_FHIR' },
    reordered: { hop: 1, reason: 'CHAIN_BROKEN' },
    forgedSigner: { hop: 1, reason: 'INVALID_SIGNATURE' },
    unlicensed: { hop: 1, reason: 'UNKNOWN_SIGNER' },
  })
  expect(lines.filter((l) => l.startsWith('✓ '))).toHaveLength(4)
}

describe('recipe: drug provenance', () => {
  describeRecipeRuns({
    title: 'drug provenance',
    memoryTest: 'verifies the chain of custody and refuses counterfeit hops on the memory ledger',
    run,
    assertFacts,
  })

  it('refuses an rpc that is not an http(s) URL', async () => {
    await expect(run({ rpc: 'ftp://example.org' })).rejects.toThrow(RangeError)
    await expect(run({ rpc: 'not a url' })).rejects.toThrow(RangeError)
  })
})

describe('verifyPedigree', () => {
  it('refuses a hop whose goods did not come from the previous custodian, or are another lot (CUSTODY_MISMATCH)', async () => {
    const { createMemoryLedger } = await import('@medseal/adapter-memory')
    const { createParty } = await import('@medseal/core')
    const { handOver, previous, recordHop, verifyPedigree, who } = await import('./drugProvenance.js')
    const ledger = createMemoryLedger({ id: 'pedigree' })
    const [manufacturer, distributor, pharmacy] = [createParty(), createParty(), createParty()]
    const directory = new Map([
      [manufacturer.did, 'manufacturer' as const],
      [distributor.did, 'distributor' as const],
      [pharmacy.did, 'pharmacy' as const],
    ])
    const made = await recordHop(ledger, {
      signer: manufacturer,
      holders: [manufacturer],
      record: {
        resourceType: 'Medication',
        id: 'm1',
        manufacturer: who(manufacturer, 'Acme'),
        batch: { lotNumber: 'L1' },
      },
    })
    const delivery = (supplier: typeof manufacturer, item: string) =>
      recordHop(ledger, {
        signer: distributor,
        holders: [distributor],
        record: {
          resourceType: 'SupplyDelivery',
          id: 'd1',
          extension: previous(made.commitment),
          status: 'completed',
          suppliedItem: { itemReference: { reference: item } },
          supplier: who(supplier, 'supplier'),
          receiver: [who(distributor, 'Northwind')],
        },
      })
    const [first] = await handOver([made], manufacturer, distributor)
    const genuine = await verifyPedigree(ledger, {
      hops: [first!, await delivery(manufacturer, 'Medication/m1')],
      verifier: distributor,
      directory,
    })
    expect(genuine.valid).toBe(true)
    const fromElsewhere = await verifyPedigree(ledger, {
      hops: [first!, await delivery(pharmacy, 'Medication/m1')],
      verifier: distributor,
      directory,
    })
    expect(fromElsewhere).toMatchObject({ valid: false, hop: 1, reason: 'CUSTODY_MISMATCH' })
    const otherLot = await verifyPedigree(ledger, {
      hops: [first!, await delivery(manufacturer, 'Medication/m2')],
      verifier: distributor,
      directory,
    })
    expect(otherLot).toMatchObject({ valid: false, hop: 1, reason: 'CUSTODY_MISMATCH' })
    // a verifier the pedigree was never handed to gets a coded refusal, not an exception
    expect(await verifyPedigree(ledger, { hops: [made], verifier: pharmacy, directory })).toMatchObject({
      valid: false,
      hop: 0,
      reason: 'NOT_A_RECIPIENT',
    })
  })
})
