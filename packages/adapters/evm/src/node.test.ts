import { createServer, type Server } from 'node:net'
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

  it('takes the port anvil itself reports: two nodes started at once each answer with their own chain', async () => {
    const nodes = await Promise.all([startAnvil({ chainId: 5151 }), startAnvil({ chainId: 5252 })])
    try {
      expect(nodes[0].port).not.toBe(nodes[1].port)
      for (const [i, node] of nodes.entries()) {
        expect(node.rpcUrl).toBe(`http://127.0.0.1:${node.port}`)
        const client = createPublicClient({ transport: http(node.rpcUrl, { retryCount: 0 }) })
        expect(await client.getChainId()).toBe([5151, 5252][i])
      }
    } finally {
      await Promise.all(nodes.map((n) => n.stop()))
    }
  })

  it('a port given that another process holds is LEDGER_UNAVAILABLE, and no anvil is left running', async () => {
    const holder: Server = createServer()
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r))
    try {
      const port = (holder.address() as { port: number }).port
      const e = await startAnvil({ port, readyTimeoutMs: 20_000 }).catch((err: unknown) => err)
      expect(e).toBeInstanceOf(LedgerError)
      expect((e as LedgerError).code).toBe('LEDGER_UNAVAILABLE')
      expect((e as LedgerError).message).toContain('anvil did not start')
      expect(String((e as LedgerError).cause)).toMatch(/anvil exited/)
    } finally {
      await new Promise((r) => holder.close(r))
    }
  })
})
