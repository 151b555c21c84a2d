/**
 * The custodian service process of the HTTP load and fault tests and of the service bench (run with tsx through
 * `startWorker`): the durable stores named by `MEDSEAL_FAULT_CONFIG`, a custodian over them, the fetch handler of
 * `@medseal/service` served on 127.0.0.1 at a free port, signatures checked with libsecp256k1 and HPKE on OpenSSL
 * (`@medseal/core/node`) as the custodian server does. With `workers`, that many such processes on one port (`serveCluster`, round-robin); this process is then their
 * primary and holds no stores. It prints one JSON line `{ "op": "listening", "url", "pids" }` once every process
 * accepts requests, `{ "op": "worker-listening", "pid" }` as each worker listens (the first ones and each replacement),
 * `{ "op": "worker-exit", … }` for each worker that died (and was replaced), and runs until it is
 * killed (SIGKILL in the fault tests, SIGTERM otherwise).
 * @module
 */
import { copyFileSync, rmSync } from 'node:fs'
import { createAccessLog, createCustodian } from '@medseal/core'
import { createNativeHpke, createNativeSecp256k1Recovery } from '@medseal/core/node'
import { createCustodianHandler } from '@medseal/service'
import { serve, serveCluster } from '@medseal/service/node'
import { FAULT_LOG_NAME, type FaultBackend, type FaultLedger, faultParties, openFaultLedger } from './_shared.js'
import { openFaultStores } from './_stores.js'

/** The config of a service process. */
export type ServiceWorkerConfig = {
  readonly backend: FaultBackend
  readonly ledger: FaultLedger
  /**
   * A file ledger's snapshot each process copies and opens alone (the bench: a replica per process of a ledger only
   * read during the load — the grants were written before the processes started). Replaces `ledger`.
   */
  readonly ledgerReplicaOf?: string
  /** Per-identity rate limits (default: the handler's default, on; `{ burst }`: on, at that burst). */
  readonly rateLimit?: false | { readonly burst: number }
  /** Service processes on one port (default: this process alone serves). */
  readonly workers?: number
  /** PostgreSQL connections per process (default 4). */
  readonly poolMax?: number
}

const config = JSON.parse(process.env.MEDSEAL_FAULT_CONFIG ?? '{}') as ServiceWorkerConfig
const print = (v: unknown) => process.stdout.write(`${JSON.stringify(v)}\n`)

/** Opens the stores, the custodian and the handler, and serves them. */
async function startService() {
  const { vendor } = faultParties()
  let replica: string | undefined
  if (config.ledgerReplicaOf) {
    replica = `${config.ledgerReplicaOf}.${process.pid}`
    copyFileSync(config.ledgerReplicaOf, replica)
  }
  const { ledger, close: closeLedger } = await openFaultLedger(
    replica ? { kind: 'file', path: replica } : config.ledger,
  )
  const stores = await openFaultStores(config.backend, config.poolMax ? { poolMax: config.poolMax } : {})
  const log = await createAccessLog({ operator: vendor, ledger, name: FAULT_LOG_NAME, store: stores.accessLog })
  // one recovery for the handler and the custodian (as the example server): the custodian takes the handler's check
  // of a (frozen) request it recovered the signer of to count
  const secp256k1 = createNativeSecp256k1Recovery()
  const custodian = createCustodian({
    party: vendor,
    ledger,
    log,
    store: stores.custodian,
    secp256k1,
    hpke: createNativeHpke(),
  })
  const handler = createCustodianHandler({
    custodian,
    accessLog: log,
    ledger,
    secp256k1,
    ...(config.rateLimit === undefined ? {} : { rateLimit: config.rateLimit }),
  })
  const server = await serve({ handler })
  return {
    url: server.url,
    stop: async () => {
      await server.close()
      await stores.close()
      closeLedger()
      if (replica) rmSync(replica, { force: true })
    },
  }
}

if (config.workers === undefined) {
  const service = await startService()
  print({ op: 'listening', url: service.url, pids: [process.pid] })
  process.on('SIGTERM', () => {
    void service.stop().then(() => process.exit(0))
  })
} else {
  const running = await serveCluster({
    workers: config.workers,
    start: startService,
    onWorkerExit: (exit) => print({ op: 'worker-exit', ...exit }),
    onWorkerListening: (pid) => print({ op: 'worker-listening', pid }),
  })
  if (running.role === 'primary') {
    print({ op: 'listening', url: running.url, pids: running.pids() })
    process.on('SIGTERM', () => {
      void running.stop().then(() => process.exit(0))
    })
  }
}
