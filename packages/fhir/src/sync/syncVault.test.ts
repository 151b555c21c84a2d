import type { Resource } from '@medplum/fhirtypes'
import { createMemoryLedger } from '@medseal/adapter-memory'
import {
  createAnchorer,
  createParty,
  createVaultKey,
  hexToBytes,
  open,
  type SyncCheckpoint,
  type SyncCheckpointStore,
  verifyReceipt,
} from '@medseal/core'
import { describe, expect, it } from 'vitest'
import { verifyProvenance } from '../mappings/provenance.js'
import { createMemorySyncCheckpointStore } from './checkpoint.js'
import { _chunkProvenances, _sealAndAnchor } from './syncPatient.js'

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

describe('a chunk is checkpointed phase by phase', () => {
  const resources = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      resourceType: 'Observation',
      id: `c${i}`,
      ...(i % 3 === 0 ? {} : { meta: { versionId: '2' } }), // some without versionId: keyed by content id
      status: 'final',
      code: { text: `reading ${i}` },
    })) as Resource[]
  /** Records each write: `many` (one putMany of n entries) or `one`, and whether the entries held receipts. */
  const spy = (withPutMany: boolean) => {
    const inner = createMemorySyncCheckpointStore()
    const writes: string[] = []
    const phase = (es: readonly SyncCheckpoint[]) => (es.every((e) => e.receipt) ? 'receipt' : 'sealed')
    const store: SyncCheckpointStore = {
      get: inner.get,
      list: inner.list,
      put: async (e) => {
        writes.push(`one:${phase([e])}`)
        await inner.put(e)
      },
      ...(withPutMany
        ? {
            putMany: async (es: readonly SyncCheckpoint[]) => {
              writes.push(`many(${es.length}):${phase(es)}`)
              await (inner.putMany as NonNullable<SyncCheckpointStore['putMany']>)(es)
            },
          }
        : {}),
    }
    return { store, writes }
  }

  for (const withPutMany of [true, false]) {
    it(`${withPutMany ? 'one putMany per phase' : 'put by put without putMany'}: every seal stored before any anchor, then every receipt; a rerun seals nothing`, async () => {
      const sealer = createParty()
      const ledger = createMemoryLedger({ id: `sync-phases-${withPutMany}` })
      const anchorer = createAnchorer(ledger, { maxDelayMs: 0 })
      const adds: number[] = []
      const counting = {
        ...anchorer,
        add: (c: Parameters<typeof anchorer.add>[0]) => {
          adds.push(writes.length)
          return anchorer.add(c)
        },
      }
      const { store, writes } = spy(withPutMany)
      const deps = {
        checkpoint: store,
        recipients: [createVaultKey({ party: sealer })],
        anchorer: counting,
        canonical: undefined,
        signal: undefined,
      }
      const states = await _sealAndAnchor(resources(7), deps)
      expect(writes).toEqual(
        withPutMany
          ? ['many(7):sealed', 'many(7):receipt']
          : [...Array(7).fill('one:sealed'), ...Array(7).fill('one:receipt')],
      )
      expect(adds.every((at) => at === (withPutMany ? 1 : 7))).toBe(true) // anchored only once every seal was stored
      // the same chunk again: taken from the checkpoint, nothing sealed, stored or anchored
      writes.length = 0
      const again = await _sealAndAnchor(resources(7), deps)
      expect(again.map((s) => s.fresh)).toEqual(Array(7).fill(false))
      expect(again.map((s) => s.entry.commitment)).toEqual(states.map((s) => s.entry.commitment))
      expect(writes).toEqual([])
      // one Provenance for the chunk: it verifies for each record
      const [{ provenance, covers }] = (await _chunkProvenances(states, sealer)) as [
        { provenance: unknown; covers: number[] },
      ]
      expect(covers).toEqual([0, 1, 2, 3, 4, 5, 6])
      for (const s of states) {
        const key = s.entry.versionId
          ? `${s.entry.resourceType}/${s.entry.id}/_history/${s.entry.versionId}`
          : `${s.entry.resourceType}/${s.entry.id}`
        expect((await verifyProvenance(ledger, { provenance, commitment: s.entry.commitment })).resource).toEqual([key])
      }
      await anchorer.close()
    })
  }
})
