/**
 * The records service process the apps' end-to-end test spawns (Node only; run with tsx): `@medseal/service`'s
 * handler over a custodian and its access log on `@medseal/store-postgres` (PGlite in `DATA_DIR`, or PostgreSQL with
 * `DATABASE_URL`), on a file-backed memory ledger in `DATA_DIR`, or on a MedsealRegistry at `REGISTRY` on the EVM
 * node at `RPC_URL` (writes paid by anvil's public test account #0: a local anvil node only). Listens on
 * `HOST:PORT` (127.0.0.1 by default), lets `CORS_ORIGINS` (comma-separated) call it, anchors the access log's head
 * every 250 ms while it grows, and stops cleanly on SIGTERM.
 * @module
 */
import { join } from 'node:path'
import { createEvmLedger } from '@medseal/adapter-evm'
import { createFileLedger } from '@medseal/adapter-memory/node'
import { type Address, createAccessLog, createCustodian, createParty, type LedgerAdapter } from '@medseal/core'
import { createCustodianHandler } from '@medseal/service'
import { serve } from '@medseal/service/node'
import { createPostgresStores } from '@medseal/store-postgres'
import { createPgDatabase, openPgliteDirectory } from '@medseal/store-postgres/node'
import pg from 'pg'
import { createPublicClient, createWalletClient, http } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { foundry } from 'viem/chains'

const env = process.env
const dataDir = env.DATA_DIR
if (!dataDir) throw new Error('DATA_DIR is required.')

const ANVIL_KEY_0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'

const db = env.DATABASE_URL
  ? createPgDatabase({ pool: new pg.Pool({ connectionString: env.DATABASE_URL, max: 8 }) })
  : await openPgliteDirectory({ dataDir: join(dataDir, 'pglite') })
const stores = await createPostgresStores({ db })

let ledger: LedgerAdapter
let closeLedger = () => {}
if (env.RPC_URL) {
  const transport = http(env.RPC_URL)
  const registry = env.REGISTRY as Address | undefined
  if (!registry) throw new Error('REGISTRY is required with RPC_URL.')
  ledger = await createEvmLedger({
    publicClient: createPublicClient({ chain: foundry, transport, pollingInterval: 100 }),
    walletClient: createWalletClient({
      chain: foundry,
      transport,
      account: privateKeyToAccount(ANVIL_KEY_0),
      pollingInterval: 100,
    }),
    address: registry,
  })
} else {
  const file = createFileLedger({ path: join(dataDir, 'ledger.json'), id: 'apps-e2e' })
  ledger = file
  closeLedger = () => file.close()
}

// The custodian's party: fresh for each test process (a deployment keeps its seed in a secret store).
const operator = createParty()
const accessLog = await createAccessLog({
  operator,
  ledger,
  name: 'access',
  store: stores.accessLog({ name: 'access' }),
  headEvery: { ms: 250 },
})
const custodian = createCustodian({ party: operator, ledger, log: accessLog, store: stores.custodian })
const origins = (env.CORS_ORIGINS ?? '').split(',').filter(Boolean)
const handler = createCustodianHandler({
  custodian,
  accessLog,
  ledger,
  ledgerRelay: true,
  ...(origins.length > 0 ? { cors: { origins } } : {}),
})
const server = await serve({ handler, host: env.HOST ?? '127.0.0.1', port: Number(env.PORT ?? 0) })
console.log(`medseal records service listening on ${server.url}`)

process.once('SIGTERM', () => {
  void (async () => {
    await server.close()
    await accessLog.close()
    await db.close()
    closeLedger()
    process.exit(0)
  })()
})
