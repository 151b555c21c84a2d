import { createMemoryLedger } from '@medseal/adapter-memory'
import { createAccessLog, createCustodian, createParty } from '@medseal/core'
import { describeLedgerConformance } from '@medseal/core/testing'
import { describe, expect, it } from 'vitest'
import { createCustodianHandler } from './createCustodianHandler.js'
import { createRemoteLedger } from './createRemoteLedger.js'
import { serve } from './serve.js'

async function relayed(opts: { ledgerRelay?: boolean } = {}) {
  let t = 1_800_000_000
  const ledger = createMemoryLedger({ id: `relay-${createParty().address.slice(2, 10)}`, now: () => t })
  const vendor = createParty()
  const accessLog = await createAccessLog({ operator: vendor, ledger, name: 'access' })
  const custodian = createCustodian({ party: vendor, ledger, log: accessLog, now: () => t * 1000 })
  const handler = createCustodianHandler({
    custodian,
    accessLog,
    ledger,
    ledgerRelay: opts.ledgerRelay ?? true,
    rateLimit: false,
  })
  const server = await serve({ handler })
  return {
    server,
    ledger,
    advanceTime: async (s: number) => {
      t += s
    },
    rewindTime: async (s: number) => {
      t -= s
    },
  }
}

describeLedgerConformance('remote ledger over the service relay (memory ledger behind 127.0.0.1)', {
  create: async () => {
    const r = await relayed()
    return {
      ledger: await createRemoteLedger({ url: r.server.url }),
      advanceTime: r.advanceTime,
      rewindTime: r.rewindTime,
      cleanup: () => r.server.close(),
    }
  },
})

describe('createRemoteLedger', () => {
  it('has the same name, id and domain as the ledger behind the relay', async () => {
    const r = await relayed()
    try {
      const remote = await createRemoteLedger({ url: r.server.url })
      expect(remote.ledgerId).toBe(r.ledger.ledgerId)
      expect(remote.domain).toEqual(r.ledger.domain)
      expect(await remote.getTime()).toBe(await r.ledger.getTime())
    } finally {
      await r.server.close()
    }
  })

  it('a service without the relay answers NOT_FOUND', async () => {
    const r = await relayed({ ledgerRelay: false })
    try {
      await expect(createRemoteLedger({ url: r.server.url })).rejects.toMatchObject({
        name: 'ServiceError',
        code: 'NOT_FOUND',
      })
    } finally {
      await r.server.close()
    }
  })

  it('rejects a URL that is not http(s) or carries credentials', async () => {
    for (const url of ['ftp://x', 'not a url', 'http://user:pw@127.0.0.1:1'])
      await expect(createRemoteLedger({ url })).rejects.toMatchObject({ name: 'InvalidArgumentError' })
  })
})
