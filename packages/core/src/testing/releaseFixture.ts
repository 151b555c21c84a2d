/**
 * The set-up every key-release test and benchmark starts from: a custodian holding one sealed Observation that a
 * doctor may read under the patient's consent, and a maker of signed key requests.
 * @module
 */
import { type AccessLog, createAccessLog } from '../accessLog/createAccessLog.js'
import { type AccessLogStore, createMemoryAccessLogStore } from '../accessLog/store.js'
import type { ConsentToken } from '../consent/consentToken.js'
import { type CreateCustodianParameters, type Custodian, createCustodian } from '../custodian/createCustodian.js'
import type { Deposit } from '../custodian/depositStatement.js'
import type { SignedKeyRequest } from '../custodian/keyRequest.js'
import { createVaultKey } from '../envelope/createVaultKey.js'
import type { SealReturnType } from '../envelope/types.js'
import { createParty } from '../identity/createParty.js'
import type { Party } from '../identity/types.js'
import type { LedgerAdapter } from '../ledger/types.js'
import { depositAndGrant } from './depositAndGrant.js'

/** Parameters of {@link createReleaseFixture}. */
export type CreateReleaseFixtureParameters = {
  /** The ledger the consent is registered on. */
  readonly ledger: LedgerAdapter
  /** The custodian's options beyond its party, ledger and log (store, `secp256k1`, `now`, …). */
  readonly custodian?: Omit<CreateCustodianParameters, 'party' | 'ledger' | 'log'>
  /** The access log's store (default: in memory) and name (default `'release-fixture'`). */
  readonly log?: { readonly store?: AccessLogStore; readonly name?: string }
  /** Seeds of the patient's, the doctor's and the custodian's parties (default 1, 2, 3): each fills 32 bytes. */
  readonly seeds?: readonly [number, number, number]
  /** How long the consent lasts, seconds (default one day). */
  readonly durationSeconds?: number
  /** Deposits the record with the custodian (default true); `false` leaves {@link ReleaseFixture.deposit} unsent. */
  readonly depositNow?: boolean
  /**
   * How the record is sealed to the custodian: `'hpke'` (default, an X25519 wrap to its key) or `'vault'` (a
   * symmetric wrap under the custodian's derived vault key, `createVaultKey({ party })`: no X25519 to unwrap).
   */
  readonly custodianWrap?: 'hpke' | 'vault'
}

/** What {@link createReleaseFixture} returns. */
export type ReleaseFixture = {
  readonly patient: Party
  readonly doctor: Party
  /** The custodian's own party. */
  readonly vendor: Party
  readonly custodian: Custodian
  readonly log: AccessLog
  /** The sealed Observation (sealed to the patient and the custodian). */
  readonly sealed: SealReturnType
  /** The record's deposit (already made unless `depositNow: false`). */
  readonly deposit: Deposit
  /** The patient's consent: the doctor may read Observations for treatment. */
  readonly token: ConsentToken
  /** A key request the doctor signs for the record, dated `issuedAt` (default: the ledger's time now). */
  keyRequest(issuedAt?: number): Promise<SignedKeyRequest>
}

/**
 * Builds a custodian on `ledger` holding one sealed Observation, the patient's consent for a doctor to read it, and a
 * maker of the doctor's signed key requests: the set-up a store, a signature backend or a service is tested with.
 *
 * @example
 * ```ts
 * import { createMemoryLedger } from '@medseal/adapter-memory'
 * import { createReleaseFixture } from '@medseal/core/testing'
 * const { custodian, keyRequest } = await createReleaseFixture({ ledger: createMemoryLedger() })
 * const { decision } = await custodian.releaseKey(await keyRequest())
 * // decision.allowed === true
 * ```
 */
export async function createReleaseFixture(params: CreateReleaseFixtureParameters): Promise<ReleaseFixture> {
  const { ledger, seeds = [1, 2, 3] } = params
  const [patient, doctor, vendor] = seeds.map((n) => createParty({ seed: new Uint8Array(32).fill(n) })) as [
    Party,
    Party,
    Party,
  ]
  const log = await createAccessLog({
    operator: vendor,
    ledger,
    name: params.log?.name ?? 'release-fixture',
    store: params.log?.store ?? createMemoryAccessLogStore(),
  })
  const custodian = createCustodian({ ...params.custodian, party: vendor, ledger, log })
  const { sealed, deposit, token, keyRequest } = await depositAndGrant(ledger, {
    custodian,
    patient,
    grantee: doctor,
    ...(params.custodianWrap === 'vault' ? { custodianRecipient: createVaultKey({ party: vendor }) } : {}),
    durationSeconds: params.durationSeconds ?? 86_400,
    depositNow: params.depositNow !== false,
  })
  return Object.freeze({ patient, doctor, vendor, custodian, log, sealed, deposit, token, keyRequest })
}
