/**
 * A throwaway PostgreSQL server for tests: a new cluster in a temporary directory, on 127.0.0.1 and a port free at
 * run time, run as a non-root user. Node only; needs Debian's `postgresql` package (`scripts/ensure-postgres.mjs`
 * installs it).
 * @module
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { StoreError } from '@medseal/core'

/** Parameters of {@link startPostgres}. */
export type StartPostgresParameters = {
  /**
   * `postgresql.conf` settings passed with `-c` (e.g. `{ fsync: 'off' }`). By default the server is as durable as a
   * production one (fsync on): the fault tests kill it.
   */
  readonly settings?: Readonly<Record<string, string>>
  /** Directory of `initdb`, `postgres` (default: the newest `/usr/lib/postgresql/<v>/bin`, or `$PG_BIN`). */
  readonly binDir?: string
  /** Longest wait for the server to accept connections (default 60 s). */
  readonly startTimeoutMs?: number
}

/** A running test server. */
export type PostgresServer = {
  readonly host: '127.0.0.1'
  readonly port: number
  /** The user (superuser, trust authentication on 127.0.0.1 only). */
  readonly user: string
  /** A connection string for `database` (default `postgres`). */
  readonly connectionString: (database?: string) => string
  /** Creates a new empty database and returns its connection string. */
  readonly createDatabase: (name: string) => Promise<string>
  /** The postmaster's PID (changes on restart). */
  readonly pid: () => number
  /**
   * Kills the postmaster with SIGKILL (a crash), and waits until it is gone. Its backends may still answer on open
   * connections for a moment before they notice.
   */
  readonly kill: () => Promise<void>
  /** Starts the server again on the same port and data after {@link PostgresServer.kill} or a crash. */
  readonly restart: () => Promise<void>
  /** Stops the server and removes its directory. Idempotent. */
  readonly stop: () => Promise<void>
}

/** What {@link startPostgres} throws. */
export type StartPostgresErrorType = StoreError

const USER = 'medseal'

function findBinDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN
  const base = '/usr/lib/postgresql'
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : []
  if (versions[0] === undefined)
    throw new StoreError('STORE_UNAVAILABLE', 'No PostgreSQL server is installed.', {
      metaMessages: ["Run `node scripts/ensure-postgres.mjs` (installs Debian's postgresql) or set PG_BIN."],
    })
  return join(base, versions[0], 'bin')
}

/** The uid/gid to run the server as: ourselves, or the `postgres` user when we are root (PostgreSQL refuses root). */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim())
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim())
      if (Number.isSafeInteger(uid) && Number.isSafeInteger(gid)) return { uid, gid }
    } catch {}
  }
  throw new StoreError('STORE_UNAVAILABLE', 'No non-root user to run PostgreSQL as.')
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolvePort(port))
    })
  })
}

/** Ready check: the server answering on the port is not the one started (another holds the port). */
class PortTaken extends Error {
  constructor() {
    super('another PostgreSQL server answers on the port')
  }
}

/** How many taken ports in a row {@link startPostgres} passes over before it gives up. */
const MAX_PORTS = 5

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Creates a cluster with `initdb` in a new temporary directory and starts `postgres` on it as a child process
 * (listening on 127.0.0.1 only, on a free port, with its socket in that directory). When running as root the server
 * runs as the `postgres` user. Stop it with {@link PostgresServer.stop} (which removes the directory) in the test
 * that started it.
 *
 * @param params - optional `settings`, `binDir`, `startTimeoutMs`
 * @returns the running server
 * @throws {@link @medseal/core!StoreError} `STORE_UNAVAILABLE` when PostgreSQL is not installed or does not start
 * @example
 * ```ts
 * import { startPostgres } from '@medseal/store-postgres/testing'
 * const server = await startPostgres()
 * const url = await server.createDatabase('t1') // postgres://medseal@127.0.0.1:<port>/t1
 * // … new pg.Pool({ connectionString: url }) …
 * await server.stop()
 * ```
 */
export function startPostgres(params: StartPostgresParameters = {}): Promise<PostgresServer> {
  return _startPostgres(params, freePort)
}

/**
 * {@link startPostgres} with the source of candidate ports given (tests hand it ports they hold busy). A candidate
 * another process holds is passed over: the server fails to bind it, or the server that answers on it is not ours
 * (its data directory differs); after {@link MAX_PORTS} such ports it gives up with `STORE_UNAVAILABLE`.
 * @internal
 */
export async function _startPostgres(
  params: StartPostgresParameters,
  nextPort: () => Promise<number>,
): Promise<PostgresServer> {
  const bin = params.binDir ?? findBinDir()
  const user = serverUser()
  const timeoutMs = params.startTimeoutMs ?? 60_000
  const root = mkdtempSync(join(tmpdir(), 'medseal-pg-'))
  const dataDir = join(root, 'data')
  mkdirSync(dataDir, { mode: 0o700 })
  if (user) {
    chownSync(root, user.uid, user.gid)
    chownSync(dataDir, user.uid, user.gid)
  }
  chmodSync(root, 0o755)
  const asUser = user ? { uid: user.uid, gid: user.gid } : {}
  /** How the server may name its data directory (as given, or with links resolved). */
  const ours = new Set([dataDir, realpathSync(dataDir)])
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C', HOME: root }
  try {
    execFileSync(
      join(bin, 'initdb'),
      ['-D', dataDir, '-U', USER, '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions'],
      { ...asUser, env, cwd: root, stdio: ['ignore', 'ignore', 'pipe'] },
    )
  } catch (e) {
    rmSync(root, { recursive: true, force: true })
    throw new StoreError('STORE_UNAVAILABLE', 'initdb failed.', { cause: e })
  }

  let port = await nextPort()
  let child: ChildProcess | undefined
  let exited: Promise<void> = Promise.resolve()
  let stopped = false
  const settings = { ...params.settings }
  const url = (database = 'postgres') => `postgres://${USER}@127.0.0.1:${port}/${database}`

  const ready = async (): Promise<void> => {
    const { default: pg } = await import('pg')
    const deadline = Date.now() + timeoutMs
    for (;;) {
      if (child?.exitCode !== null || child?.signalCode !== null) throw new Error('postgres exited')
      const client = new pg.Client({ connectionString: url(), connectionTimeoutMillis: 2000 })
      try {
        await client.connect()
        // the server that answers must be ours: another one (another test's, same user and trust) may hold the port
        const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory')
        await client.end()
        if (ours.has(rows[0]?.data_directory ?? '')) return
        throw new PortTaken()
      } catch (e) {
        await client.end().catch(() => {})
        if (e instanceof PortTaken) throw e
      }
      if (Date.now() > deadline) throw new Error('postgres did not accept connections in time')
      await sleep(100)
    }
  }

  const launch = async (): Promise<void> => {
    let lastError: unknown
    let portsTried = 0
    // a port may be taken between freePort() and listen; shared memory of a killed server may linger a moment
    for (let attempt = 0; attempt < 20; attempt++) {
      const args = ['-D', dataDir, '-h', '127.0.0.1', '-p', String(port), '-k', root]
      for (const [k, v] of Object.entries(settings)) args.push('-c', `${k}=${v}`)
      const proc = spawn(join(bin, 'postgres'), args, {
        ...asUser,
        env,
        cwd: root,
        stdio: ['ignore', 'ignore', 'pipe'],
      })
      let stderr = ''
      proc.stderr?.on('data', (d: Uint8Array) => {
        if (stderr.length < 8192) stderr += String(d)
      })
      child = proc
      exited = new Promise((r) => proc.once('exit', () => r()))
      try {
        await ready()
        proc.stderr?.removeAllListeners('data')
        proc.stderr?.resume()
        return
      } catch (e) {
        lastError = e instanceof PortTaken ? e : new Error(stderr.slice(-2000) || String(e))
        proc.kill('SIGKILL')
        await exited
        if (e instanceof PortTaken || /could not bind|Address already in use/.test(stderr)) {
          portsTried++
          if (portsTried >= MAX_PORTS) break
          port = await nextPort()
        }
        await sleep(250)
      }
    }
    throw new StoreError('STORE_UNAVAILABLE', 'The PostgreSQL test server did not start.', {
      cause: lastError,
      metaMessages: portsTried >= MAX_PORTS ? [`${MAX_PORTS} ports in a row were taken by other processes.`] : [],
    })
  }

  try {
    await launch()
  } catch (e) {
    rmSync(root, { recursive: true, force: true })
    throw e
  }

  const server: PostgresServer = Object.freeze({
    host: '127.0.0.1' as const,
    get port() {
      return port
    },
    user: USER,
    connectionString: url,
    async createDatabase(name: string) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name))
        throw new StoreError('STORE_UNAVAILABLE', 'A test database name is lower-case letters, digits and _.')
      const { default: pg } = await import('pg')
      const client = new pg.Client({ connectionString: url() })
      await client.connect()
      try {
        await client.query(`CREATE DATABASE ${name}`)
      } finally {
        await client.end()
      }
      return url(name)
    },
    pid() {
      return child?.pid ?? -1
    },
    async kill() {
      child?.kill('SIGKILL')
      await exited
    },
    async restart() {
      if (stopped) throw new StoreError('STORE_UNAVAILABLE', 'The test server was stopped.')
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        await exited
      }
      await launch()
    },
    async stop() {
      if (stopped) return
      stopped = true
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT') // fast shutdown
        const t = setTimeout(() => child?.kill('SIGKILL'), 10_000)
        await exited
        clearTimeout(t)
      }
      rmSync(root, { recursive: true, force: true })
    },
  })
  return server
}
