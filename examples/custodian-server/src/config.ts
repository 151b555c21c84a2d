/**
 * The custodian server's settings, read from the environment (every name documented in README.md). Nothing here is
 * printed as given: a database URL or an RPC URL may carry a password or an API key.
 * @module
 */
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { normalizeShlServiceUrl } from '@medseal/smart-health'

/** What the server runs on. */
export type ServerConfig = {
  /** Where the custodian key, PGlite (unless `databaseUrl`) and the memory ledger (unless `rpcUrl`) live. */
  readonly dataDir: string
  /** A PostgreSQL connection string: the stores live there instead of PGlite. */
  readonly databaseUrl: string | undefined
  /** An EVM JSON-RPC URL: the ledger is the registry contract on that chain instead of the memory ledger. */
  readonly rpcUrl: string | undefined
  /** The registry contract on that chain (deployed once and remembered in the data directory when not given). */
  readonly registry: `0x${string}` | undefined
  /** The key that pays for ledger writes on that chain (default: anvil's first account, on chain 31337 only). */
  readonly evmPrivateKey: `0x${string}` | undefined
  readonly host: string
  readonly port: number
  /**
   * The public base URL clients reach the service at (behind a proxy, the proxy's URL and base path): every URL the
   * server puts into a SMART Health Link starts with it, and link registrations must be signed for it. https, or http
   * on a loopback address. Default: the listening URL (only when `host` is a loopback address).
   */
  readonly publicUrl?: string | undefined
  /** Browser origins allowed to call the API (none by default). */
  readonly corsOrigins: readonly string[] | '*'
  /** Privacy officers' addresses (break-glass reviews). */
  readonly reviewers: readonly `0x${string}`[]
  /** The checkpoint origin of the access log (C2SP), default `<host>:<port>/access-log` style name. */
  readonly checkpointOrigin: string
  /** Anchor the access log's head this long after its first unanchored event, ms (default 5,000). */
  readonly headEveryMs: number
  /**
   * Service processes on the one port (default 1; more need `databaseUrl` and `rpcUrl`: every process must share
   * the stores and the ledger).
   */
  readonly workers: number
}

/** The default data directory: `medseal-custodian` under the OS temp dir. */
export const DEFAULT_DATA_DIR: string = join(tmpdir(), 'medseal-custodian')

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)

/**
 * Reads the configuration from `env` (default `process.env`).
 * @throws RangeError naming the variable that is wrong (never its value)
 */
export function readConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  const port = env.PORT === undefined || env.PORT === '' ? 8787 : Number(env.PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError('PORT must be a port number (0: any free one).')
  const hex = (name: string, len: number): `0x${string}` | undefined => {
    const v = env[name]
    if (v === undefined || v === '') return undefined
    if (!new RegExp(`^0x[0-9a-fA-F]{${len}}$`).test(v))
      throw new RangeError(`${name} must be 0x followed by ${len} hex digits.`)
    return v as `0x${string}`
  }
  const reviewers = list(env.MEDSEAL_REVIEWERS)
  for (const r of reviewers)
    if (!/^0x[0-9a-fA-F]{40}$/.test(r)) throw new RangeError('MEDSEAL_REVIEWERS must be comma-separated addresses.')
  const origins = list(env.MEDSEAL_CORS_ORIGINS)
  const rpcUrl = env.MEDSEAL_RPC_URL || undefined
  if (rpcUrl !== undefined && !/^https?:\/\//.test(rpcUrl))
    throw new RangeError('MEDSEAL_RPC_URL must be an http(s) URL.')
  const headEveryMs = env.MEDSEAL_HEAD_EVERY_MS ? Number(env.MEDSEAL_HEAD_EVERY_MS) : 5000
  if (!Number.isSafeInteger(headEveryMs) || headEveryMs < 1)
    throw new RangeError('MEDSEAL_HEAD_EVERY_MS must be a positive whole number of milliseconds.')
  const host = env.HOST || '127.0.0.1'
  let publicUrl: string | undefined
  if (env.MEDSEAL_PUBLIC_URL) {
    try {
      publicUrl = normalizeShlServiceUrl(env.MEDSEAL_PUBLIC_URL, { name: 'MEDSEAL_PUBLIC_URL' })
    } catch (err) {
      throw new RangeError((err as { shortMessage: string }).shortMessage) // names the variable, never its value
    }
  } else if (!/^(localhost|127(\.\d{1,3}){3}|::1)$/i.test(host))
    throw new RangeError(
      'MEDSEAL_PUBLIC_URL must be set when HOST is not a loopback address: link URLs are https, the URL of the TLS proxy in front.',
    )
  const databaseUrl = env.DATABASE_URL || undefined
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl))
    throw new RangeError('DATABASE_URL must be a postgres:// connection string.')
  const workersText = env.MEDSEAL_WORKERS || '1'
  const workers = workersText === 'auto' ? availableParallelism() : Number(workersText)
  if (!Number.isSafeInteger(workers) || workers < 1 || workers > 256)
    throw new RangeError('MEDSEAL_WORKERS must be a whole number from 1 to 256, or auto.')
  // several processes share one database and one ledger: PGlite in a directory and the file-backed memory ledger are
  // each held by one process
  if (workers > 1 && databaseUrl === undefined)
    throw new RangeError('MEDSEAL_WORKERS above 1 needs DATABASE_URL (PGlite in a directory is one process’s).')
  if (workers > 1 && rpcUrl === undefined)
    throw new RangeError(
      'MEDSEAL_WORKERS above 1 needs MEDSEAL_RPC_URL (the file-backed memory ledger is one process’s).',
    )
  return Object.freeze({
    workers,
    dataDir: env.MEDSEAL_DATA_DIR || DEFAULT_DATA_DIR,
    databaseUrl,
    rpcUrl,
    registry: hex('MEDSEAL_REGISTRY', 40),
    evmPrivateKey: hex('MEDSEAL_EVM_PRIVATE_KEY', 64),
    host,
    port,
    publicUrl,
    corsOrigins: origins.length === 1 && origins[0] === '*' ? '*' : Object.freeze(origins),
    reviewers: Object.freeze(reviewers as `0x${string}`[]),
    checkpointOrigin: env.MEDSEAL_CHECKPOINT_ORIGIN || 'custodian.localhost/access-log',
    headEveryMs,
  })
}
