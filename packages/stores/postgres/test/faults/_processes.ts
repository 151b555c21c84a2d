/**
 * Child processes for the kill -9 fault tests: a worker runs with tsx, prints one JSON line per operation AFTER the
 * operation resolved (what a caller was told succeeded), and is killed with SIGKILL at a random moment.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url))
const workerPath = fileURLToPath(new URL('./_worker.ts', import.meta.url))

/** One line a worker printed: an operation that succeeded, as its caller saw it. */
export type Ack = { readonly op: string } & Record<string, unknown>

/** A running worker. */
export type Worker = {
  readonly child: ChildProcess
  /** Acks printed so far (grows while the worker runs). */
  readonly acks: Ack[]
  /** Resolves once `n` acks were printed of operation `op` (any op when omitted); rejects if the worker exits first. */
  waitForAcks(n: number, op?: string): Promise<void>
  /** SIGKILL, then waits until the process is gone. */
  kill(): Promise<void>
  /** Resolves with the exit code (or the signal name) once the worker exited and everything it printed was read. */
  readonly exited: Promise<number | string>
  /** What the worker wrote to stderr (for failure messages). */
  stderr(): string
}

/**
 * Starts `_worker.ts` (or `script`) with `config` (passed as JSON in the environment).
 *
 * @param config - the workload: `kind`, the backend and paths (see `_worker.ts`)
 * @param script - another worker script (default `_worker.ts`)
 * @returns the running {@link Worker}
 */
export function startWorker(config: Record<string, unknown>, script: string = workerPath): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: repoRoot,
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: `${repoRoot}tsconfig.json`,
      MEDSEAL_FAULT_CONFIG: JSON.stringify(config),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const acks: Ack[] = []
  let err = ''
  let pending = ''
  const waiters = new Set<() => void>()
  child.stdout?.setEncoding('utf8')
  child.stdout?.on('data', (chunk: string) => {
    pending += chunk
    let nl = pending.indexOf('\n')
    while (nl >= 0) {
      const line = pending.slice(0, nl)
      pending = pending.slice(nl + 1)
      // a line cut by the kill never ends in '\n', so it is never counted
      if (line.startsWith('{')) acks.push(JSON.parse(line) as Ack)
      nl = pending.indexOf('\n')
    }
    for (const w of waiters) w()
  })
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => {
    err = (err + chunk).slice(-20_000)
  })
  // 'close', not 'exit': 'exit' can come before the last acks the worker printed were read
  const exited = new Promise<number | string>((resolve) => {
    child.on('close', (code, signal) => {
      resolve(code ?? signal ?? 'unknown')
      for (const w of waiters) w()
    })
  })
  let done = false
  void exited.then(() => {
    done = true
  })
  const count = (op?: string) => (op === undefined ? acks.length : acks.filter((a) => a.op === op).length)
  return {
    child,
    acks,
    stderr: () => err,
    exited,
    waitForAcks(n, op) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (count(op) >= n) {
            waiters.delete(check)
            resolve()
          } else if (done) {
            waiters.delete(check)
            reject(new Error(`worker exited after ${count(op)} of ${n} acks: ${err.slice(-4000)}`))
          }
        }
        waiters.add(check)
        check()
      })
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
  }
}

/** True while a process with this id exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Waits until process `pid` is gone (after kill -9 of a postmaster, `pg_ctl start` fails while the old one is still
 * being reaped: TOOLCHAIN pitfall 4). Bounded: throws after `timeoutMs`.
 */
export async function waitForPidGone(pid: number, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (isAlive(pid)) {
    if (Date.now() > end) throw new Error(`process ${pid} still runs after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** A small deterministic PRNG (mulberry32), so a failing run can be replayed from its printed seed. */
export function createRandom(seed: number): (max: number) => number {
  let a = seed >>> 0
  return (max) => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * max)
  }
}
