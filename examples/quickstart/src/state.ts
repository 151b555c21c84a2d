/**
 * Where the quickstart keeps its state between runs: PGlite (PostgreSQL in the process) in a directory for the
 * custodian, the access log, break-glass and the anchorer, a file-backed memory ledger beside it, and the custodian's
 * key. Run the demo twice: the second run finds the first run's log, records and anchors.
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createFileLedger } from '@medseal/adapter-memory/node'
import { bytesToHex, createParty, hexToBytes, type LedgerAdapter, type Party, randomBytes } from '@medseal/core'
import { createPostgresStores, type PostgresStores } from '@medseal/store-postgres'
import { openPgliteDirectory } from '@medseal/store-postgres/node'

/** The default state directory: `medseal-quickstart` under the OS temp dir. */
export const DEFAULT_DATA_DIR: string = join(tmpdir(), 'medseal-quickstart')

/** The quickstart's durable state. */
export type QuickstartState = {
  readonly dir: string
  readonly stores: PostgresStores
  /** The file-backed memory ledger, when the quickstart runs on the memory ledger. */
  readonly ledger: (LedgerAdapter & { readonly close: () => void }) | undefined
  /** The custodian (and log operator): the same keys every run, or the stored envelopes could not be opened. */
  readonly vendor: Party
  /** Whether an earlier run left state here. */
  readonly resumed: boolean
  close(): Promise<void>
}

/**
 * Opens (or creates) the state in `dir`. The custodian's seed is kept in `custodian.seed` (mode 0600): a demo
 * convenience; a real custodian keeps its key in a KMS or an HSM, never beside its database.
 *
 * @param params - `dir`, and `memoryLedger` to keep a file-backed memory ledger there too
 * @returns the open state; `close()` closes PGlite (releasing its directory lock) and the ledger
 * @throws `StoreError` `STORE_LOCKED` when another process has the directory open
 */
export async function openQuickstartState(params: {
  readonly dir: string
  readonly memoryLedger: boolean
}): Promise<QuickstartState> {
  const { dir } = params
  await mkdir(dir, { recursive: true })
  const seedPath = join(dir, 'custodian.seed')
  let resumed = true
  let seed: Uint8Array
  try {
    seed = hexToBytes(readFileSync(seedPath, 'utf8').trim())
  } catch {
    resumed = false
    seed = randomBytes(32)
    writeFileSync(seedPath, bytesToHex(seed), { mode: 0o600 })
  }
  const vendor = createParty({ seed })
  const db = await openPgliteDirectory({ dataDir: join(dir, 'pglite') })
  let ledger: QuickstartState['ledger']
  try {
    ledger = params.memoryLedger ? createFileLedger({ path: join(dir, 'ledger.json'), id: 'quickstart' }) : undefined
    const stores = await createPostgresStores({ db })
    return Object.freeze({
      dir,
      stores,
      ledger,
      vendor,
      resumed,
      async close() {
        ledger?.close()
        await db.close()
      },
    })
  } catch (e) {
    ledger?.close()
    await db.close()
    throw e
  }
}
