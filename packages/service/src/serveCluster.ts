/**
 * Several service processes on one port (Node's `cluster`, round-robin): one script, run once; it becomes the primary,
 * which forks the workers, hands each new connection to the next worker in turn, and restarts a worker that dies. The
 * workers share nothing in memory: they must share their stores (one PostgreSQL database) and their ledger (a chain),
 * which the custodian's stores already make safe across processes (row locks, one access log).
 * @module
 */
import cluster, { type Worker } from 'node:cluster'
import { availableParallelism } from 'node:os'
import { InvalidArgumentError } from '@medseal/core'
import { ServiceError } from './serviceError.js'

/** What `start` returns in each worker: a running service (`serve`'s result, or anything with `url` and `stop`). */
export type ClusterWorkerService = {
  /** The URL the worker listens on (every worker listens on the same port). */
  readonly url: string
  /** Stops the service: stops accepting, finishes what is in flight, closes the stores. */
  stop(): Promise<void>
}

/** What happened to a worker that exited without being asked. */
export type ClusterWorkerExit = {
  readonly pid: number
  /** The exit code, or `null` when a signal ended it. */
  readonly code: number | null
  /** The signal that ended it (`SIGKILL`), or `null`. */
  readonly signal: string | null
  /** Whether a new worker is started in its place (false once restarts exceed `maxRestartsPerMinute`). */
  readonly restarted: boolean
}

/** Parameters of {@link serveCluster}. */
export type ServeClusterParameters = {
  /** Worker processes (default: `os.availableParallelism()`). */
  readonly workers?: number
  /**
   * Runs in each worker process (never in the primary): starts the service there, listening on the same port in every
   * worker (e.g. `serve({ handler, port: 8787 })`; port 0 gives all workers one free port).
   */
  readonly start: () => Promise<ClusterWorkerService>
  /** Restart a worker that exits without being asked (default true). */
  readonly restart?: boolean
  /** At most this many restarts in any minute, then a dead worker stays dead (default 10 per worker). */
  readonly maxRestartsPerMinute?: number
  /** Told in the primary when a worker listens (each of the first, and each replacement). */
  readonly onWorkerListening?: (pid: number) => void
  /** Told in the primary when a worker exits without being asked. */
  readonly onWorkerExit?: (exit: ClusterWorkerExit) => void
  /** How long `stop()` waits for a worker to finish before it is killed, ms (default 10,000). */
  readonly stopTimeoutMs?: number
}

/** The running cluster, as the primary or a worker sees it. */
export type ServeClusterReturnType = {
  /** `primary` in the process that was started; `worker` in each forked process. */
  readonly role: 'primary' | 'worker'
  /** The URL every worker listens on. */
  readonly url: string
  /** The live workers' process ids (in a worker: its own). */
  readonly pids: () => readonly number[]
  /** In the primary: stops every worker (each finishes what is in flight) and resolves once all exited. */
  stop(): Promise<void>
}

/** Errors {@link serveCluster} throws. */
export type ServeClusterErrorType = InvalidArgumentError | ServiceError

type Message =
  | { readonly medsealCluster: 'listening'; readonly url: string }
  | { readonly medsealCluster: 'failed'; readonly reason: string }
  | { readonly medsealCluster: 'stop' }

const isMessage = (m: unknown): m is Message =>
  typeof m === 'object' && m !== null && typeof (m as { medsealCluster?: unknown }).medsealCluster === 'string'

/**
 * Runs `start` in `workers` processes that share one listening port (round-robin over connections: no sticky
 * routing). Call it once at the top of your server script: in the primary it forks the workers and resolves once
 * every worker listens; in each worker it runs `start`. A worker that exits without being asked is replaced (its
 * connections are lost; clients see a network error and sign a new key request). In the primary, signals are the
 * script's: call `stop()` on SIGTERM and SIGINT. In a worker, SIGINT is ignored (Ctrl-C reaches the whole process
 * group; the primary stops the workers) and SIGTERM stops that worker gracefully, which the primary then replaces.
 *
 * Each worker is a whole service: its own database pool, rate limiter (so a per-identity limit is per worker), and
 * caches. The stores and the ledger must be shared (PostgreSQL and a chain, not PGlite in a directory or a
 * file-backed memory ledger, which one process holds).
 *
 * @param params - {@link ServeClusterParameters}
 * @returns {@link ServeClusterReturnType}
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_TYPE` / `INVALID_ARGUMENT` for bad parameters
 * @throws {@link ServiceError} `SERVICE_UNAVAILABLE` when a worker exits before it listens (the others are stopped)
 * @example
 * ```ts
 * import { createCustodianHandler } from '@medseal/service'
 * import { serve, serveCluster } from '@medseal/service/node'
 * const cluster = await serveCluster({
 *   workers: 2,
 *   start: async () => {
 *     const server = await serve({ handler: createCustodianHandler(await openOnPostgres()), port: 8787 })
 *     return { url: server.url, stop: () => server.close() }
 *   },
 * })
 * if (cluster.role === 'primary') process.on('SIGTERM', () => void cluster.stop())
 * ```
 */
export async function serveCluster(params: ServeClusterParameters): Promise<ServeClusterReturnType> {
  if (typeof params !== 'object' || params === null || typeof params.start !== 'function')
    throw new InvalidArgumentError(
      'INVALID_TYPE',
      'serveCluster parameters must be { start, workers?, restart?, maxRestartsPerMinute?, onWorkerExit?, ... }.',
    )
  const workers = params.workers ?? availableParallelism()
  if (!Number.isSafeInteger(workers) || workers < 1 || workers > 256)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'workers must be a whole number from 1 to 256.')
  const maxRestarts = params.maxRestartsPerMinute ?? 10 * workers
  if (!Number.isSafeInteger(maxRestarts) || maxRestarts < 0)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'maxRestartsPerMinute must be a whole number, at least 0.')
  for (const name of ['onWorkerExit', 'onWorkerListening'] as const)
    if (params[name] !== undefined && typeof params[name] !== 'function')
      throw new InvalidArgumentError('INVALID_TYPE', `${name} must be a function.`)
  return cluster.isPrimary ? primary(params, workers, maxRestarts) : worker(params)
}

async function worker(params: ServeClusterParameters): Promise<ServeClusterReturnType> {
  const send = (m: Message) => process.send?.(m)
  let service: ClusterWorkerService
  try {
    service = await params.start()
  } catch (err) {
    // the SDK's short message only: never a stack, a path or a connection string
    const reason = (err as { shortMessage?: unknown }).shortMessage
    send({ medsealCluster: 'failed', reason: typeof reason === 'string' ? reason : 'the service did not start' })
    process.exit(1)
  }
  let stopping: Promise<void> | undefined
  const stop = () => {
    stopping ??= service.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    )
    return stopping
  }
  process.on('message', (m: unknown) => {
    if (isMessage(m) && m.medsealCluster === 'stop') void stop()
  })
  // Ctrl-C reaches the whole process group: the primary stops the workers in order. SIGTERM sent to one worker stops
  // that worker gracefully, and the primary starts a new one (a rolling restart).
  process.on('SIGINT', () => {})
  process.on('SIGTERM', () => void stop())
  // the primary is gone (killed): nobody hands this worker connections any more
  process.once('disconnect', () => void stop())
  send({ medsealCluster: 'listening', url: service.url })
  return Object.freeze({ role: 'worker' as const, url: service.url, pids: () => [process.pid], stop })
}

async function primary(
  params: ServeClusterParameters,
  count: number,
  maxRestarts: number,
): Promise<ServeClusterReturnType> {
  // round-robin in the primary (the default on Linux and macOS, not on Windows): set before the first fork
  cluster.schedulingPolicy = cluster.SCHED_RR
  const live = new Set<Worker>()
  const restarts: number[] = []
  let stopping = false
  let started = false
  let url = ''

  const fork = () =>
    new Promise<Worker>((resolve, reject) => {
      const w = cluster.fork()
      live.add(w)
      let listening = false
      w.on('message', (m: unknown) => {
        if (!isMessage(m)) return
        if (m.medsealCluster === 'listening') {
          listening = true
          url = m.url
          try {
            params.onWorkerListening?.(w.process.pid ?? 0)
          } catch {
            // a failing observer never stops the cluster
          }
          resolve(w)
        } else if (m.medsealCluster === 'failed')
          reject(new ServiceError('SERVICE_UNAVAILABLE', `A worker process failed to start: ${m.reason}`))
      })
      w.once('exit', (code, signal) => {
        live.delete(w)
        if (!listening) reject(new ServiceError('SERVICE_UNAVAILABLE', 'A worker process exited before it listened.'))
        // at start, a worker that does not listen fails the whole start; once running, every exit is replaced
        if (stopping || (!listening && !started)) return
        const now = Date.now()
        while (restarts.length > 0 && (restarts[0] as number) < now - 60_000) restarts.shift()
        const restarted = params.restart !== false && restarts.length < maxRestarts
        try {
          params.onWorkerExit?.({ pid: w.process.pid ?? 0, code, signal, restarted })
        } catch {
          // a failing observer never stops the cluster
        }
        if (!restarted) return
        restarts.push(now)
        // a replacement that fails to start is reported and replaced in turn (within the same limit)
        fork().catch(() => {})
      })
    })

  const stop = async () => {
    stopping = true
    const timeout = params.stopTimeoutMs ?? 10_000
    await Promise.all(
      [...live].map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.isDead()) return resolve()
            const timer = setTimeout(() => w.process.kill('SIGKILL'), timeout)
            w.once('exit', () => {
              clearTimeout(timer)
              resolve()
            })
            if (w.isConnected()) w.send({ medsealCluster: 'stop' } satisfies Message)
            else w.process.kill('SIGTERM')
          }),
      ),
    )
  }

  try {
    await Promise.all(Array.from({ length: count }, fork))
    started = true
  } catch (err) {
    await stop()
    throw err
  }
  return Object.freeze({
    role: 'primary' as const,
    url,
    pids: () => [...live].map((w) => w.process.pid as number),
    stop,
  })
}
