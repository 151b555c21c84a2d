/**
 * Composes a deployable custodian: durable stores (PGlite in a directory, or PostgreSQL), a ledger (the file-backed
 * memory ledger, relayed to browsers, or an EVM chain), the access log, break-glass, the custodian, and the HTTP
 * handler served on Node's http. `stop()` closes everything in order.
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import {
  bytesToHex,
  createAccessLog,
  createBreakGlass,
  createCustodian,
  createParty,
  hexToBytes,
  type LedgerAdapter,
  randomBytes,
} from '@medseal/core'
import { createNativeHpke, createNativeSecp256k1Recovery } from '@medseal/core/node'
import { createCustodianHandler } from '@medseal/service'
import { serve } from '@medseal/service/node'
import { createShlRoutes } from '@medseal/smart-health'
import { createPostgresShlStore, createPostgresStores, type SqlDatabase } from '@medseal/store-postgres'
import type { ServerConfig } from './config.js'

/** Anvil's first account (a public test key): used only on chain 31337 when no key is given. */
const ANVIL_KEY_0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80' as const

/** A running custodian server. */
export type CustodianServer = {
  readonly url: string
  /** What it prints at start: where it listens and what it stores (no secrets). */
  readonly lines: readonly string[]
  stop(): Promise<void>
}

async function openDatabase(config: ServerConfig): Promise<{ db: SqlDatabase; label: string }> {
  if (config.databaseUrl) {
    const [{ default: pg }, { createPgDatabase }] = await Promise.all([
      import('pg'),
      import('@medseal/store-postgres/node'),
    ])
    const db = createPgDatabase({ pool: new pg.Pool({ connectionString: config.databaseUrl, max: 8 }) })
    // the URL is not printed: it may carry a password
    return { db, label: 'PostgreSQL (DATABASE_URL)' }
  }
  const { openPgliteDirectory } = await import('@medseal/store-postgres/node')
  const dir = join(config.dataDir, 'pglite')
  return { db: await openPgliteDirectory({ dataDir: dir }), label: `PGlite in ${dir} (on a worker thread)` }
}

async function evmClients(rpcUrl: string, evmPrivateKey: `0x${string}` | undefined) {
  const [{ createPublicClient, createWalletClient, http }, { privateKeyToAccount }] = await Promise.all([
    import('viem'),
    import('viem/accounts'),
  ])
  const transport = http(rpcUrl)
  const publicClient = createPublicClient({ transport, pollingInterval: 100 })
  const chainId = await publicClient.getChainId()
  const key = evmPrivateKey ?? (chainId === 31337 ? ANVIL_KEY_0 : undefined)
  if (!key) throw new RangeError('MEDSEAL_EVM_PRIVATE_KEY is required on this chain (it pays for ledger writes).')
  const chain = {
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  }
  const walletClient = createWalletClient({ chain, transport, account: privateKeyToAccount(key), pollingInterval: 100 })
  return { publicClient, walletClient, chainId }
}

/** The registry contract: given, remembered in the data directory, or deployed once and remembered. */
async function registryAddress(
  config: ServerConfig,
  clients: Awaited<ReturnType<typeof evmClients>>,
): Promise<`0x${string}`> {
  if (config.registry) return config.registry
  const remembered = join(config.dataDir, `registry-${clients.chainId}.txt`)
  try {
    return readFileSync(remembered, 'utf8').trim() as `0x${string}`
  } catch {
    const { deployRegistry } = await import('@medseal/adapter-evm')
    const address = await deployRegistry({ publicClient: clients.publicClient, walletClient: clients.walletClient })
    writeFileSync(remembered, `${address}\n`)
    return address
  }
}

async function openLedger(
  config: ServerConfig,
): Promise<{ ledger: LedgerAdapter; label: string; relay: boolean; close: () => void }> {
  if (!config.rpcUrl) {
    const { createFileLedger } = await import('@medseal/adapter-memory/node')
    const path = join(config.dataDir, 'ledger.json')
    const ledger = createFileLedger({ path, id: 'custodian' })
    return {
      ledger,
      label: `file-backed memory ledger ${path} (relayed at /v1/ledger)`,
      relay: true,
      close: ledger.close,
    }
  }
  const clients = await evmClients(config.rpcUrl, config.evmPrivateKey)
  const address = await registryAddress(config, clients)
  const { createEvmLedger } = await import('@medseal/adapter-evm')
  const ledger = await createEvmLedger({
    publicClient: clients.publicClient,
    walletClient: clients.walletClient,
    address,
  })
  // the RPC URL is not printed: it may carry an API key
  return { ledger, label: `EVM chain ${clients.chainId}, registry ${address}`, relay: false, close: () => {} }
}

/**
 * The custodian's key seed: the same every start, or the stored envelopes could not be opened. Created once, with
 * `wx` so that two processes starting together never write two different seeds. A file (mode 0600) is a convenience of
 * this example; a production custodian keeps its key in a KMS or an HSM, never beside its data.
 */
function loadSeed(dataDir: string): { seed: Uint8Array; path: string } {
  const path = join(dataDir, 'custodian.seed')
  try {
    return { seed: hexToBytes(readFileSync(path, 'utf8').trim()), path }
  } catch {
    try {
      writeFileSync(path, bytesToHex(randomBytes(32)), { mode: 0o600, flag: 'wx' })
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw err
    }
    return { seed: hexToBytes(readFileSync(path, 'utf8').trim()), path }
  }
}

/**
 * What the worker processes of one server share, made once before they start (`MEDSEAL_WORKERS` above 1): the data
 * directory, the custodian's key seed, and on a chain the registry contract (deployed and remembered once).
 * @returns the settings with the registry filled in
 */
export async function prepareDataDir(config: ServerConfig): Promise<ServerConfig> {
  await mkdir(config.dataDir, { recursive: true })
  loadSeed(config.dataDir)
  if (!config.rpcUrl) return config
  const registry = await registryAddress(config, await evmClients(config.rpcUrl, config.evmPrivateKey))
  return Object.freeze({ ...config, registry })
}

/**
 * Starts the custodian server.
 * @throws `StoreError` `STORE_LOCKED` when another process has the PGlite directory open; `LedgerError` when the
 *   chain cannot be reached; RangeError for a missing EVM key
 */
export async function startCustodianServer(config: ServerConfig): Promise<CustodianServer> {
  await mkdir(config.dataDir, { recursive: true })
  const { seed, path: seedPath } = loadSeed(config.dataDir)
  const vendor = createParty({ seed })
  const { db, label: dbLabel } = await openDatabase(config)
  const closers: (() => Promise<void> | void)[] = [() => db.close()]
  const closeAll = async () => {
    for (const c of closers.splice(0).reverse()) await c()
  }
  try {
    const stores = await createPostgresStores({ db })
    const l = await openLedger(config)
    closers.push(l.close)
    const accessLog = await createAccessLog({
      operator: vendor,
      ledger: l.ledger,
      name: 'access',
      store: stores.accessLog({ name: 'access' }),
      // anchored on its own, so that a patient can verify recent entries against the ledger
      headEvery: { ms: config.headEveryMs },
    })
    closers.push(() => accessLog.close())
    const breakGlass = createBreakGlass({ ledger: l.ledger, log: accessLog, store: stores.breakGlass })
    // libsecp256k1 for the signature checks of every key request and deposit (@noble/curves when it cannot load),
    // given to the handler and the custodian: with rate limits on the handler checks a request to count its signer,
    // and the custodian takes that check of the (frozen) request instead of recovering the signature again
    const secp256k1 = createNativeSecp256k1Recovery()
    // the envelope's HPKE suite on OpenSSL (node:crypto) for the custodian's unwrap and its wrap to the requester
    const hpke = createNativeHpke()
    const custodian = createCustodian({
      secp256k1,
      hpke,
      party: vendor,
      ledger: l.ledger,
      log: accessLog,
      store: stores.custodian,
      breakGlass,
    })
    // SMART Health Links: the link store on the same database; link URLs start with the public URL (MEDSEAL_PUBLIC_URL,
    // else the listening URL, known once listening)
    const shlStore = await createPostgresShlStore({ db })
    const box: { handler?: (request: Request) => Promise<Response> } = {}
    const server = await serve({
      handler: (request) => (box.handler as (request: Request) => Promise<Response>)(request),
      host: config.host,
      port: config.port,
    })
    closers.push(() => server.close())
    box.handler = createCustodianHandler({
      custodian,
      accessLog,
      ledger: l.ledger,
      secp256k1,
      breakGlass,
      reviewers: config.reviewers,
      ledgerRelay: l.relay,
      checkpoint: { operator: vendor, origin: config.checkpointOrigin },
      routes: createShlRoutes({
        store: shlStore,
        ledger: l.ledger,
        log: accessLog,
        publicUrl: config.publicUrl ?? server.url,
        secp256k1,
        custodian,
      }),
      ...(config.corsOrigins === '*' || config.corsOrigins.length > 0 ? { cors: { origins: config.corsOrigins } } : {}),
    })
    const size = (await accessLog.signedHead()).head.treeSize
    const lines = [
      `medseal custodian service listening on ${server.url}  (API under /v1, OpenAPI at /v1/openapi.json)`,
      `  custodian ${vendor.address} (key seed in ${seedPath})`,
      `  stores: ${dbLabel}: the records' index and key wraps, key releases, the access log (${size} events), break-glass, SMART Health Links`,
      `  ledger: ${l.label}`,
      `  SMART Health Link URLs under ${config.publicUrl ?? server.url}/v1/shl (MEDSEAL_PUBLIC_URL${config.publicUrl ? '' : ' not set: the listening URL'})`,
      `  signature checks: ${secp256k1.name}`,
      `  CORS: ${config.corsOrigins === '*' ? 'any origin' : config.corsOrigins.length ? config.corsOrigins.join(', ') : 'none'}`,
      '  stop with Ctrl-C (SIGINT) or SIGTERM',
    ]
    return Object.freeze({ url: server.url, lines, stop: closeAll })
  } catch (err) {
    await closeAll()
    throw err
  }
}
