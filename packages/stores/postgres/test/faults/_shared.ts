/**
 * What the fault tests' parent and its child workers share: the workload config, fixed parties (the same keys in
 * every process) and the setup file a release worker writes once its record is deposited and granted.
 * @module
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createParty, type Hex } from '@medseal/core'

/** Where the stores live: a PGlite directory or a PostgreSQL connection string. */
export type FaultBackend =
  | { readonly kind: 'pglite'; readonly dir: string }
  | { readonly kind: 'postgres'; readonly url: string }

/** The config a worker reads from `MEDSEAL_FAULT_CONFIG`. */
export type FaultConfig = {
  readonly kind: 'release' | 'append' | 'anchor' | 'sync'
  readonly backend: FaultBackend
  /** The file ledger (shared by every run of one test). */
  readonly ledgerPath: string
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
