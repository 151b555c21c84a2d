/**
 * The set-up most key-release tests repeat around a custodian they built: seal a record to the patient and the
 * custodian, deposit it, and let a grantee read it under the patient's consent.
 * @module
 */
import { bytesToHex0x } from '../bytes/index.js'
import type { ConsentToken } from '../consent/consentToken.js'
import type { Custodian } from '../custodian/createCustodian.js'
import { createDeposit, type Deposit } from '../custodian/depositStatement.js'
import { createKeyRequest, type SignedKeyRequest } from '../custodian/keyRequest.js'
import type { VaultKey } from '../envelope/createVaultKey.js'
import { type EnvelopeRecipientInput, seal } from '../envelope/seal.js'
import type { SealReturnType } from '../envelope/types.js'
import type { Party } from '../identity/types.js'
import type { LedgerAdapter } from '../ledger/types.js'
import type { Hex } from '../types.js'
import { grantReadConsent } from './grantReadConsent.js'

/** Parameters of {@link depositAndGrant}. */
export type DepositAndGrantParameters = {
  /** Who takes the deposit: an in-process custodian or a client of the custodian service. */
  readonly custodian: Pick<Custodian, 'identity' | 'deposit'>
  /** The record's owner, who signs the deposit and grants the consent. */
  readonly patient: Party
  /** Who may read the record (for `TREAT`) and signs the key requests. */
  readonly grantee: Party
  /** The FHIR resource sealed (default `{ resourceType: 'Observation', status: 'final' }`). */
  readonly record?: Record<string, unknown>
  /** The record's recipient for the custodian (default `custodian.identity`; a vault key for a vault-wrapped record). */
  readonly custodianRecipient?: EnvelopeRecipientInput | VaultKey
  /** How long the consent lasts, seconds (default 3,600). */
  readonly durationSeconds?: number
  /** Deposits the record now (default true); `false` leaves {@link DepositAndGrantReturnType.deposit} unsent. */
  readonly depositNow?: boolean
}

/** What {@link depositAndGrant} returns. */
export type DepositAndGrantReturnType = {
  /** The sealed record (sealed to the patient and the custodian). */
  readonly sealed: SealReturnType
  /** Its commitment as hex, as stores and key requests name it. */
  readonly commitment: Hex
  /** The record's deposit (already made unless `depositNow: false`). */
  readonly deposit: Deposit
  /** The patient's consent: the grantee may read Observations for treatment. */
  readonly token: ConsentToken
  /** A key request the grantee signs for the record, dated `issuedAt` (default: the ledger's time now). */
  keyRequest(issuedAt?: number): Promise<SignedKeyRequest>
}

/**
 * Seals `record` to the patient and the custodian, deposits it with `custodian` (signed by the patient), grants the
 * grantee read of Observations for `TREAT` on `ledger` ({@link grantReadConsent}), and returns a maker of the
 * grantee's signed key requests for it: the set-up a test of a custodian it built itself starts from
 * (`createReleaseFixture` builds the custodian too).
 *
 * @param ledger - where the consent is registered; its domain signs the deposit and the key requests
 * @param params - the custodian, the patient, the grantee, and what to change of the record, wrap, consent or deposit
 * @returns the sealed record, its hex commitment, the deposit, the consent token and `keyRequest(issuedAt?)`
 * @throws what `seal`, `custodian.deposit` and `grantConsent` throw
 * @example
 * ```ts
 * import { createAccessLog, createCustodian, createParty } from '@medseal/core'
 * import { createMemoryLedger } from '@medseal/adapter-memory'
 * import { depositAndGrant } from '@medseal/core/testing'
 * const ledger = createMemoryLedger()
 * const [patient, doctor, vendor] = [createParty(), createParty(), createParty()]
 * const log = await createAccessLog({ operator: vendor, ledger, name: 'access' })
 * const custodian = createCustodian({ party: vendor, ledger, log })
 * const { keyRequest } = await depositAndGrant(ledger, { custodian, patient, grantee: doctor })
 * const { decision } = await custodian.releaseKey(await keyRequest())
 * // decision.allowed === true
 * ```
 */
export async function depositAndGrant(
  ledger: LedgerAdapter,
  params: DepositAndGrantParameters,
): Promise<DepositAndGrantReturnType> {
  const { custodian, patient, grantee } = params
  const record = params.record ?? { resourceType: 'Observation', status: 'final' }
  const sealed = await seal(record, { recipients: [patient, params.custodianRecipient ?? custodian.identity] })
  const deposit = await createDeposit({
    owner: patient,
    envelope: sealed.envelope,
    custodian: custodian.identity,
    domain: ledger.domain,
  })
  if (params.depositNow !== false) await custodian.deposit(deposit)
  const { token } = await grantReadConsent(ledger, {
    party: patient,
    grantee,
    durationSeconds: params.durationSeconds ?? 3600,
  })
  const commitment = bytesToHex0x(sealed.commitment)
  const keyRequest = async (issuedAt?: number) =>
    createKeyRequest(grantee, ledger.domain, {
      consentId: token.consent.id,
      custodian: custodian.identity,
      grantor: patient,
      commitment,
      action: 'read',
      purpose: 'TREAT',
      issuedAt: issuedAt ?? (await ledger.getTime()),
    })
  return Object.freeze({ sealed, commitment, deposit, token, keyRequest })
}
