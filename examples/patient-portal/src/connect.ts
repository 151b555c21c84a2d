/**
 * Connects an app to the records service over HTTP: `@medseal/service`'s custodian client (the same methods as the
 * in-process custodian), its access-log reads, and the ledger the service relays.
 * @module
 */
import type { AccessEvent, Address, LedgerAdapter } from '@medseal/core'
import { createCustodianClient, createRemoteLedger, ServiceError } from '@medseal/service'
import type { ServiceConnection } from './connection.js'
import { ExplainedError } from './explain.js'

/** The words for a service whose ledger is a chain the page was not told how to reach. */
const NEEDS_RPC = new ExplainedError({
  what: 'This records service keeps its ledger on a blockchain, and this page does not know how to reach it.',
  todo: "Open the page with the chain's address added, e.g. ?rpc=http://127.0.0.1:8545 (ask whoever runs the service).",
  code: 'LEDGER_UNAVAILABLE',
  offline: true,
})

/**
 * Connects to the records service at `url`. On the service's own (memory) ledger the ledger is read and written
 * through the service's relay; when the service says its ledger is a MedsealRegistry on an EVM chain (`eip155:…`),
 * which it does not relay, the page reads and writes the chain itself at `rpcUrl` (viem, loaded only then).
 *
 * @param params - the service's base URL and, for a service on a chain, the chain's JSON-RPC URL
 * @returns the connection
 * @throws {@link ServiceError} `SERVICE_UNAVAILABLE` when the service cannot be reached
 * @throws {@link ExplainedError} when the service is on a chain and no `rpcUrl` was given
 * @example
 * ```ts
 * const service = await connect({ url: 'http://127.0.0.1:8787' })
 * ```
 */
export async function connect(params: { url: string; rpcUrl?: string }): Promise<ServiceConnection> {
  const custodian = await createCustodianClient({ url: params.url })
  const health = (await custodian.health()) as { ledgerId?: unknown }
  const evm = typeof health.ledgerId === 'string' ? /^eip155:\d+:(0x[0-9a-fA-F]{40})$/.exec(health.ledgerId) : null
  let ledger: LedgerAdapter
  if (evm) {
    if (!params.rpcUrl) throw NEEDS_RPC
    const { connectEvmLedger } = await import('./evmLedger.js')
    ledger = await connectEvmLedger({ rpcUrl: params.rpcUrl, registry: evm[1] as Address })
  } else {
    ledger = await createRemoteLedger({ url: params.url })
  }
  const remote = custodian.accessLog
  const info = await remote.info()
  return Object.freeze({
    url: custodian.url,
    ...(evm && params.rpcUrl ? { rpcUrl: params.rpcUrl } : {}),
    custodian,
    ledger,
    log: Object.freeze({
      operator: info.operator as Address,
      signedHead: () => remote.signedHead(),
      async getEvents(start: number, end: number) {
        const out: AccessEvent[] = []
        while (start + out.length < end) {
          const from = start + out.length
          const page = await remote.getEvents({ start: from, limit: end - from })
          const next = page.entries.filter((e) => e.index >= from && e.index < end).sort((a, b) => a.index - b.index)
          if (next[0]?.index !== from)
            throw new ServiceError('SERVICE_UNAVAILABLE', 'The service answered an unexpected page of its access log.')
          for (const e of next) {
            if (e.index !== start + out.length) break
            out.push(e.event)
          }
        }
        return out
      },
      proveInclusion: (index: number, treeSize: number) => remote.proveInclusion(index, treeSize),
      proveConsistency: (oldSize: number, newSize: number) => remote.proveConsistency(oldSize, newSize),
    }),
  })
}
