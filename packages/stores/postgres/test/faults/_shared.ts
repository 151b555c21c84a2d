/**
 * What the fault tests' parent and its child workers share: the workload config, fixed parties (the same keys in
 * every process) and the setup file a release worker writes once its record is deposited and granted.
 * @module
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createEvmLedger } from '@medseal/adapter-evm'
import { createFileLedger } from '@medseal/adapter-memory/node'
import { type Custodian, createParty, type Hex, type LedgerAdapter } from '@medseal/core'
import { depositAndGrant } from '@medseal/core/testing'
import { createPublicClient, createWalletClient, http } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { foundry } from 'viem/chains'

/** Where the stores live: a PGlite directory or a PostgreSQL connection string. */
export type FaultBackend =
  | {
      readonly kind: 'pglite'
      readonly dir: string /** PGlite on the calling thread (`false`; default: its worker). */
      readonly worker?: boolean
    }
  | { readonly kind: 'postgres'; readonly url: string }

/** Which ledger a worker opens. */
export type FaultLedger =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'evm'; readonly rpcUrl: string; readonly address: Hex; readonly privateKey: Hex }

/** The config a worker reads from `MEDSEAL_FAULT_CONFIG`. */
export type FaultConfig = {
  readonly kind: 'release' | 'append' | 'anchor' | 'sync'
  readonly backend: FaultBackend
  /** The ledger: a file ledger shared by the runs of one test, or a registry on anvil shared by several workers. */
  readonly ledger: FaultLedger
  /** A directory for the setup file. */
  readonly dir: string
  /** Stop after this many operations (default 10,000: the kill comes first). */
  readonly maxOps?: number
  readonly fhirBaseUrl?: string
  readonly patientId?: string
}

/** The access log's name in every fault test. */
export const FAULT_LOG_NAME = 'fault-access'

const party = (n: number) => createParty({ seed: new Uint8Array(32).fill(n) })

/** The patient, doctor and vendor (custodian and log operator): fixed seeds, so every process has the same keys. */
export function faultParties() {
  return { patient: party(1), doctor: party(2), vendor: party(3) }
}

/** What a release worker set up: the record it releases and the consent it releases under. */
export type FaultSetup = { readonly commitment: Hex; readonly consentId: Hex }

/**
 * The release workload's setup: deposits an Observation (`text` its code) with `custodian`, sealed to the patient and
 * the custodian, and grants the doctor read of it for TREAT for a day.
 */
export async function setUpRelease(
  ledger: LedgerAdapter,
  custodian: Pick<Custodian, 'identity' | 'deposit'>,
  text: string,
): Promise<FaultSetup> {
  const { patient, doctor } = faultParties()
  const { commitment, token } = await depositAndGrant(ledger, {
    custodian,
    patient,
    grantee: doctor,
    record: { resourceType: 'Observation', status: 'final', code: { text } },
    durationSeconds: 86_400,
  })
  return { commitment, consentId: token.consent.id }
}

/** Reads the setup file, if a worker finished writing one. */
export function readSetup(dir: string): FaultSetup | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'setup.json'), 'utf8')) as FaultSetup
  } catch {
    return undefined
  }
}

/** Writes the setup file atomically (a kill leaves the old file or the new one). */
export function writeSetup(dir: string, setup: FaultSetup): void {
  const tmp = join(dir, 'setup.json.tmp')
  writeFileSync(tmp, JSON.stringify(setup))
  renameSync(tmp, join(dir, 'setup.json'))
}

/** Opens the ledger a fault test names; `close()` releases it (the file ledger's lock). */
export async function openFaultLedger(
  config: FaultLedger,
): Promise<{ readonly ledger: LedgerAdapter; readonly close: () => void }> {
  if (config.kind === 'file') {
    const ledger = createFileLedger({ path: config.path, id: 'faults' })
    return { ledger, close: () => ledger.close() }
  }
  const transport = http(config.rpcUrl)
  const publicClient = createPublicClient({ chain: foundry, transport, pollingInterval: 20 })
  const walletClient = createWalletClient({
    account: privateKeyToAccount(config.privateKey),
    chain: foundry,
    transport,
  })
  const ledger = await createEvmLedger({ publicClient, walletClient, address: config.address })
  return { ledger, close: () => undefined }
}
