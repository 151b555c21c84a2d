/**
 * Connects an app to the records service over HTTP: `@medseal/service`'s custodian client (the same methods as the
 * in-process custodian), its access-log reads, and the ledger the service relays.
 * @module
 */
import type { AccessEvent, Address } from '@medseal/core'
import { createCustodianClient, createRemoteLedger, ServiceError } from '@medseal/service'
import type { ServiceConnection } from './connection.js'

/**
 * Connects to the records service at `url`.
 *
 * @param params - the service's base URL
 * @returns the connection
 * @throws {@link ServiceError} `SERVICE_UNAVAILABLE` when the service cannot be reached
 * @example
 * ```ts
 * const service = await connect({ url: 'http://127.0.0.1:8787' })
 * ```
 */
export async function connect(params: { url: string }): Promise<ServiceConnection> {
  const custodian = await createCustodianClient({ url: params.url })
  const ledger = await createRemoteLedger({ url: params.url })
  const remote = custodian.accessLog
  const info = await remote.info()
  return Object.freeze({
    url: custodian.url,
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
