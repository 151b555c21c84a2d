/**
 * A horizontally scaled custodian (issue 13): two custodian processes on one PostgreSQL database serve concurrent key
 * releases for the same access log, and publish heads of it on one ledger (a MedsealRegistry on anvil). There is one
 * tree: no entry lost or duplicated, and every head either of them published is consistent with every other.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deployRegistry } from '@medseal/adapter-evm'
import { anvilPrivateKeys, type StartAnvilReturnType, startAnvil } from '@medseal/adapter-evm/node'
import { createAccessLog, createCustodian, type Hex } from '@medseal/core'
import { type PostgresServer, startPostgres } from '@medseal/store-postgres/testing'
import { createPublicClient, createWalletClient, http } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { foundry } from 'viem/chains'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { checkReleases } from './_checks.js'
import { type Ack, startWorker } from './_processes.js'
import { FAULT_LOG_NAME, type FaultLedger, faultParties, openFaultLedger, setUpRelease, writeSetup } from './_shared.js'
import { openFaultStores } from './_stores.js'

/** Releases per process: bounded. */
const RELEASES = 30

let postgres: PostgresServer | undefined
let anvil: StartAnvilReturnType | undefined
const dir = mkdtempSync(join(tmpdir(), 'medseal-faults-two-'))

beforeAll(async () => {
  postgres = await startPostgres()
  anvil = await startAnvil()
}, 180_000)
afterAll(async () => {
  await anvil?.stop()
  await postgres?.stop()
  rmSync(dir, { recursive: true, force: true })
})

it('two custodian processes on one database: one tree, consistent heads, no entry lost or duplicated', async () => {
  const rpcUrl = (anvil as StartAnvilReturnType).rpcUrl
  const transport = http(rpcUrl)
  const address = await deployRegistry({
    publicClient: createPublicClient({ chain: foundry, transport }),
    walletClient: createWalletClient({
      account: privateKeyToAccount(anvilPrivateKeys[0] as Hex),
      chain: foundry,
      transport,
    }),
  })
  const ledgerOf = (i: number): FaultLedger => ({
    kind: 'evm',
    rpcUrl,
    address,
    privateKey: anvilPrivateKeys[i] as Hex,
  })
  const backend = {
    kind: 'postgres',
    url: await (postgres as PostgresServer).createDatabase('two_custodians'),
  } as const

  // setup in this process: the record deposited in the shared store, the grant on the shared ledger
  const { vendor } = faultParties()
  const { ledger } = await openFaultLedger(ledgerOf(0))
  const stores = await openFaultStores(backend)
  try {
    const log = await createAccessLog({ operator: vendor, ledger, name: FAULT_LOG_NAME, store: stores.accessLog })
    const custodian = createCustodian({ party: vendor, ledger, log, store: stores.custodian })
    const setup = await setUpRelease(ledger, custodian, 'scaled out')
    writeSetup(dir, setup)

    // two processes release concurrently, each publishing a head every 5 releases
    const workers = [1, 2].map((i) =>
      startWorker({ kind: 'release', backend, ledger: ledgerOf(i), dir, maxOps: RELEASES }),
    )
    const codes = await Promise.all(workers.map((w) => w.exited))
    expect(codes, workers.map((w) => w.stderr()).join('\n')).toEqual([0, 0])
    const acks: Ack[] = workers.flatMap((w) => w.acks)
    expect(acks.filter((a) => a.op === 'release')).toHaveLength(2 * RELEASES)

    // one tree: exactly one permit entry per release (none lost, none twice), every head consistent with the log
    const permits = await checkReleases(ledger, stores, acks, setup)
    expect(permits).toBe(2 * RELEASES)
  } finally {
    await stores.close()
  }
}, 300_000)
