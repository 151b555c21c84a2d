import { LedgerError } from '@medseal/core'
import { createPublicClient, http } from 'viem'
import { describe, expect, it } from 'vitest'
import { startAnvil } from './node.js'

describe('startAnvil', () => {
  it('starts anvil on 127.0.0.1 with the chain id asked for, and stops it', async () => {
    const anvil = await startAnvil({ chainId: 4242 })
    try {
      expect(anvil.rpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const client = createPublicClient({ transport: http(anvil.rpcUrl, { retryCount: 0 }) })
      expect(await client.getChainId()).toBe(4242)
    } finally {
      await anvil.stop()
      await anvil.stop() // idempotent
    }
    const client = createPublicClient({ transport: http(anvil.rpcUrl, { retryCount: 0 }) })
    await expect(client.getChainId()).rejects.toThrow()
  })

  it('a binary that cannot run is LEDGER_UNAVAILABLE', async () => {
    const e = await startAnvil({ binary: '/nonexistent/anvil', readyTimeoutMs: 2_000 }).catch((err: unknown) => err)
    expect(e).toBeInstanceOf(LedgerError)
    expect((e as LedgerError).code).toBe('LEDGER_UNAVAILABLE')
  })
})
