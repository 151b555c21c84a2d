import type { Resource } from '@medplum/fhirtypes'
import { createMemoryLedger } from '@medseal/adapter-memory'
import { createAnchorer, createParty, createVaultKey, hexToBytes, open, verifyReceipt } from '@medseal/core'
import { describe, expect, it } from 'vitest'
import { createMemorySyncCheckpointStore } from './checkpoint.js'
import { _sealAndAnchor } from './syncPatient.js'

describe('sync with vault recipients (envelope version 2)', () => {
  it('seals fetched resources to vault keys, anchors them, and the parties open them', async () => {
    const [patient, custodian] = [createParty(), createParty()]
    const ledger = createMemoryLedger({ id: 'sync-vault' })
    const anchorer = createAnchorer(ledger, { maxDelayMs: 0 })
    const resources = Array.from({ length: 5 }, (_, i) => ({
      resourceType: 'Observation',
      id: `o${i}`,
      meta: { versionId: '1' },
      status: 'final',
      code: { text: 'Heart rate' },
    })) as Resource[]
    const states = await _sealAndAnchor(resources, {
      checkpoint: createMemorySyncCheckpointStore(),
      recipients: [createVaultKey({ party: patient }), createVaultKey({ party: custodian })],
      anchorer,
      canonical: undefined,
      signal: undefined,
    })
    expect(states).toHaveLength(5)
    for (const [i, s] of states.entries()) {
      const opened = await open(s.entry.envelope, patient)
      expect((opened.value as { id: string }).id).toBe(`o${i}`)
      expect((await open(s.entry.envelope, custodian)).commitment).toEqual(hexToBytes(s.entry.commitment.slice(2)))
      await expect(
        verifyReceipt(ledger, { receipt: s.entry.receipt!, commitment: s.entry.commitment }),
      ).resolves.toBeTruthy()
    }
    await anchorer.close()
  })
})
