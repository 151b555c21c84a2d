/**
 * `pnpm --filter @medseal/example-custodian-server start`: starts the custodian service from the environment (see
 * README.md), prints where it listens and what it stores, and stops cleanly on SIGINT or SIGTERM. With
 * `MEDSEAL_WORKERS` above 1 it runs that many service processes on the one port (`serveCluster`, node:cluster,
 * round-robin), all on one PostgreSQL database and one chain.
 * @module
 */
import cluster from 'node:cluster'
import { serveCluster } from '@medseal/service/node'
import { readConfig, type ServerConfig } from './config.js'
import { prepareDataDir, startCustodianServer } from './startCustodianServer.js'

/** The SDK's short message and code only: never a stack with paths, never a URL that may carry credentials. */
const describeError = (err: unknown) => {
  const e = err as { shortMessage?: string; code?: string; message?: string; name?: string }
  return `${e.shortMessage ?? (e.name === 'RangeError' ? e.message : 'unexpected error')}${e.code ? ` (${e.code})` : ''}`
}

/** Stops once on SIGINT or SIGTERM, then exits. */
function stopOnSignals(stop: () => Promise<void>) {
  let stopping = false
  const onSignal = (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`${signal}: stopping…`)
    stop().then(
      () => {
        console.log('stopped')
        process.exit(0)
      },
      (err: unknown) => {
        console.error(`stopping failed: ${describeError(err)}`)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => onSignal('SIGINT'))
  process.on('SIGTERM', () => onSignal('SIGTERM'))
}

async function single(config: ServerConfig): Promise<void> {
  const server = await startCustodianServer(config)
  console.log(server.lines.join('\n'))
  stopOnSignals(() => server.stop())
}

async function workers(config: ServerConfig): Promise<void> {
  // made once in the primary, before any worker starts: the seed, and the registry (deployed once)
  const shared = cluster.isPrimary ? await prepareDataDir(config) : config
  // the workers inherit the environment at fork: they find the registry the primary deployed or remembered
  if (cluster.isPrimary && shared.registry) process.env.MEDSEAL_REGISTRY = shared.registry
  const running = await serveCluster({
    workers: config.workers,
    start: async () => {
      const server = await startCustodianServer(config)
      // the first worker says what it stores (every worker stores the same); the primary says where they listen
      if (cluster.worker?.id === 1) console.log(server.lines.slice(1, -1).join('\n'))
      return { url: server.url, stop: () => server.stop() }
    },
    onWorkerExit: ({ pid, code, signal, restarted }) =>
      console.log(
        `worker ${pid} exited (${signal ?? `code ${code}`}): ${restarted ? 'a new one is started' : 'not restarted (too many restarts)'}`,
      ),
  })
  if (running.role === 'worker') return
  console.log(
    [
      `medseal custodian service listening on ${running.url}  (API under /v1, OpenAPI at /v1/openapi.json)`,
      `  ${config.workers} worker processes (node:cluster, round-robin): ${running.pids().join(', ')}`,
      '  stop with Ctrl-C (SIGINT) or SIGTERM',
    ].join('\n'),
  )
  stopOnSignals(() => running.stop())
}

async function main(): Promise<void> {
  const config = readConfig()
  await (config.workers > 1 ? workers(config) : single(config))
}

main().catch((err: unknown) => {
  console.error(`custodian server failed to start: ${describeError(err)}`)
  process.exit(1)
})
