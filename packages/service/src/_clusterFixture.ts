/**
 * The server script of serveCluster's tests (run with tsx as its own process): `serveCluster` with a handler that
 * answers its worker's pid. The primary prints JSON lines (`listening` with the pids, `exit` per worker exit) and
 * stops on SIGTERM. `MEDSEAL_CLUSTER_FIXTURE` sets the workers and `fail` (every worker's start throws). Test helper.
 * @module
 */
import { InvalidArgumentError } from '@medseal/core'
import { serve } from './serve.js'
import { serveCluster } from './serveCluster.js'

const config = JSON.parse(process.env.MEDSEAL_CLUSTER_FIXTURE ?? '{}') as { workers?: number; fail?: boolean }
const print = (v: unknown) => process.stdout.write(`${JSON.stringify(v)}\n`)
try {
  const running = await serveCluster({
    workers: config.workers ?? 2,
    start: async () => {
      if (config.fail) throw new InvalidArgumentError('INVALID_ARGUMENT', 'This worker is told to fail.')
      const server = await serve({
        handler: async () => new Response(JSON.stringify({ pid: process.pid }), { headers: { connection: 'close' } }),
      })
      return { url: server.url, stop: () => server.close() }
    },
    onWorkerExit: (exit) => print({ op: 'exit', ...exit }),
    onWorkerListening: (pid) => print({ op: 'worker-listening', pid }),
  })
  if (running.role === 'primary') {
    print({ op: 'listening', url: running.url, pids: running.pids() })
    process.on('SIGTERM', () => {
      void running.stop().then(() => {
        print({ op: 'stopped', pids: running.pids() })
        process.exit(0)
      })
    })
  }
} catch (err) {
  print({
    op: 'failed',
    code: (err as { code?: string }).code,
    message: (err as { shortMessage?: string }).shortMessage,
  })
  process.exit(1)
}
