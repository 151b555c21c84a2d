/**
 * The custodian service process of the HTTP load and fault tests (run with tsx through `startWorker`): the durable
 * stores named by `MEDSEAL_FAULT_CONFIG`, a custodian over them, the fetch handler of `@medseal/service` served on
 * 127.0.0.1 at a free port. It prints one JSON line `{ "op": "listening", "url": … }` once it accepts requests, and
 * runs until it is killed (SIGKILL in the fault tests, SIGTERM otherwise).
 * @module
 */
import { createAccessLog, createCustodian } from '@medseal/core'
import { createCustodianHandler } from '@medseal/service'
import { serve } from '@medseal/service/node'
import { FAULT_LOG_NAME, type FaultBackend, type FaultLedger, faultParties, openFaultLedger } from './_shared.js'
import { openFaultStores } from './_stores.js'

/** The config of a service process. */
export type ServiceWorkerConfig = {
  readonly backend: FaultBackend
  readonly ledger: FaultLedger
  /** Per-identity rate limits (default: the handler's default, on). */
  readonly rateLimit?: false
}

const config = JSON.parse(process.env.MEDSEAL_FAULT_CONFIG ?? '{}') as ServiceWorkerConfig
const { vendor } = faultParties()
const { ledger, close: closeLedger } = await openFaultLedger(config.ledger)
const stores = await openFaultStores(config.backend)
const log = await createAccessLog({ operator: vendor, ledger, name: FAULT_LOG_NAME, store: stores.accessLog })
const custodian = createCustodian({ party: vendor, ledger, log, store: stores.custodian })
const handler = createCustodianHandler({
  custodian,
  accessLog: log,
  ledger,
  ...(config.rateLimit === false ? { rateLimit: false as const } : {}),
})
const server = await serve({ handler })
process.stdout.write(`${JSON.stringify({ op: 'listening', url: server.url })}\n`)

process.on('SIGTERM', () => {
  void (async () => {
    await server.close()
    await stores.close()
    closeLedger()
    process.exit(0)
  })()
})
