import { startAnvil } from '@medseal/adapter-evm/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
  it('verifies the chain of custody and refuses counterfeit hops on the memory ledger', async () => {
    const lines: string[] = []
    const summary = await run({}, (l) => lines.push(l))
    expect(summary.ledger).toBe('memory')
    expect(lines[0]).toBe('drug provenance on memory')
    assertFacts(summary, lines)
  })

  describe('on anvil', () => {
    let anvil: Awaited<ReturnType<typeof startAnvil>>
    beforeAll(async () => {
      anvil = await startAnvil()
    }, 30_000)
    afterAll(async () => {
      await anvil?.stop()
    })
    it('verifies the same facts against a MedsealRegistry deployed on the chain', async () => {
      const lines: string[] = []
      const summary = await run({ rpc: anvil.rpcUrl }, (l) => lines.push(l))
      expect(summary.ledger).toBe('evm')
      expect(summary.ledgerId).toMatch(/^eip155:31337:0x[0-9a-fA-F]{40}$/)
      expect(lines.join('\n')).not.toContain(anvil.rpcUrl)
      assertFacts(summary, lines)
    }, 120_000)
  })

  it('refuses an rpc that is not an http(s) URL', async () => {
    await expect(run({ rpc: 'ftp://example.org' })).rejects.toThrow(RangeError)
    await expect(run({ rpc: 'not a url' })).rejects.toThrow(RangeError)
  })
})
