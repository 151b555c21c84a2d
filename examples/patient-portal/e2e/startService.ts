/**
 * Test helper (Node only): spawns the records service (`examples/custodian-server`, through tsx as its `start` script
 * does) as its own process on 127.0.0.1 (PORT=0: it binds a free port itself), waits until it prints the URL it listens
 * on, and stops it (SIGTERM, then SIGKILL after 10 s) when asked.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = fileURLToPath(new URL('../../..', import.meta.url))

/** A running service. */
export type RunningService = {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  /** What it printed (for a failing test's message). */
  output(): string
  /** Stops it and waits for the process to exit (idempotent); removes its data directory. */
  stop(): Promise<void>
}

/** A port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

/**
 * Starts the service.
 *
 * @param params - `databaseUrl` (PostgreSQL; default PGlite in a fresh data directory), `rpcUrl` (an EVM node: the
 *   service deploys its registry there; default the file-backed memory ledger), `corsOrigin` (the apps' origin)
 * @returns the running service
 */
export async function startService(params: {
  databaseUrl?: string
  rpcUrl?: string
  corsOrigin: string
}): Promise<RunningService> {
  const dataDir = mkdtempSync(join(tmpdir(), 'medseal-apps-service-'))
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: '0', // the service binds a free port itself and prints its URL: no port chosen here and bound later
    MEDSEAL_DATA_DIR: dataDir,
    MEDSEAL_CORS_ORIGINS: params.corsOrigin,
    MEDSEAL_HEAD_EVERY_MS: '250', // the log's head anchored soon after each access: the patient's check waits less
    ...(params.databaseUrl ? { DATABASE_URL: params.databaseUrl } : {}),
    ...(params.rpcUrl ? { MEDSEAL_RPC_URL: params.rpcUrl } : {}),
  }
  const child: ChildProcess = spawn(
    join(repo, 'node_modules/.bin/tsx'),
    ['--tsconfig', '../../tsconfig.json', 'src/main.ts'],
    { cwd: join(repo, 'examples/custodian-server'), env, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let out = ''
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString()
  })
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString()
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let stopped = false
  const stop = async () => {
    if (!stopped) {
      stopped = true
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
        await exited
        clearTimeout(timer)
      }
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
  let url: string
  try {
    // the service prints its URL once it listens (and its stores and ledger are open)
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the service did not start in time:\n${out}`)), 120_000)
      child.stdout?.on('data', () => {
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*stop with/.exec(out)
        if (m?.[1]) {
          clearTimeout(timer)
          resolve(m[1])
        }
      })
      void exited.then(() => {
        clearTimeout(timer)
        reject(new Error(`the service exited:\n${out}`))
      })
    })
  } catch (err) {
    await stop()
    throw err
  }
  return { url, output: () => out, stop }
}
