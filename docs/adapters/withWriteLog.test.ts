import { createMemoryLedger } from '@medseal/adapter-memory'
import { describeLedgerConformance } from '@medseal/core/testing'
import { expect, it } from 'vitest'
import { type WriteEvent, withWriteLog } from './withWriteLog.js'

describeLedgerConformance('memory ledger behind withWriteLog', {
  create: async () => {
    let now = 1_700_000_000
    const ledger = withWriteLog(createMemoryLedger({ id: 'wrapped', now: () => now }), () => {})
    return {
      ledger,
      advanceTime: async (seconds: number) => {
        now += seconds
      },
    }
  },
})

it('reports each landed write once per call, and nothing for failed writes', async () => {
  const events: WriteEvent[] = []
  const ledger = withWriteLog(createMemoryLedger({ now: () => 1_700_000_000 }), (e) => events.push(e))
  const root = new Uint8Array(32).fill(1)
  const first = await ledger.anchorRoot({ root, treeSize: 2, kind: 'records' })
  await ledger.anchorRoot({ root, treeSize: 2, kind: 'records' })
  await expect(ledger.anchorRoot({ root, treeSize: 0, kind: 'records' })).rejects.toMatchObject({
    code: 'OUT_OF_RANGE',
  })
  expect(events).toEqual([
    { method: 'anchorRoot', ref: first.ref },
    { method: 'anchorRoot', ref: first.ref },
  ])
})
