/**
 * Test harness: a real custodian (memory ledger, access log, break-glass) behind the handler, a patient, a doctor and
 * a sealed synthetic record. Tests only.
 * @internal
 * @module
 */
import { createMemoryLedger } from '@medseal/adapter-memory'
import {
  type Address,
  bytesToHex0x,
  createAccessLog,
  createBreakGlass,
  createCustodian,
  createDeposit,
  createKeyRequest,
  createParty,
  grantConsent,
  type Hex,
  type Party,
  seal,
} from '@medseal/core'
import { type CreateCustodianHandlerParameters, createCustodianHandler } from './createCustodianHandler.js'

/** A synthetic FHIR resource (no real PHI). */
export const observation = {
  resourceType: 'Observation',
  status: 'final',
  code: { text: 'Body temperature' },
  valueQuantity: { value: 37.2, unit: 'Cel' },
} as const

export async function createTestService(over: Partial<CreateCustodianHandlerParameters> = {}) {
  const ledger = createMemoryLedger({ id: `svc-${Math.random().toString(36).slice(2)}` })
  const [patient, doctor, vendor, officer] = [0, 1, 2, 3].map(() => createParty()) as [Party, Party, Party, Party]
  const accessLog = await createAccessLog({ operator: vendor, ledger, name: 'access' })
  const breakGlass = createBreakGlass({ ledger, log: accessLog })
  const custodian = createCustodian({ party: vendor, ledger, log: accessLog, breakGlass })
  const handler = createCustodianHandler({
    custodian,
    accessLog,
    ledger,
    breakGlass,
    checkpoint: { operator: vendor, origin: 'custodian.test/access-log' },
    ledgerRelay: true,
    ...over,
  })
  const sealed = await seal(observation, { recipients: [patient, custodian.identity] })
  const commitment = bytesToHex0x(sealed.commitment)
  const deposit = () =>
    createDeposit({ owner: patient, envelope: sealed.envelope, custodian: custodian.identity, domain: ledger.domain })
  const grant = () =>
    grantConsent(ledger, {
      party: patient,
      grantee: doctor,
      resourceTypes: ['Observation'],
      actions: ['read'],
      purposes: ['TREAT'],
      durationSeconds: 3600,
    })
  const ask = async (
    consentId: Hex,
    who: Party = doctor,
    extra: { action?: 'read' | 'write'; custodian?: Address } = {},
  ) =>
    createKeyRequest(who, ledger.domain, {
      consentId,
      grantor: patient.address,
      commitment,
      action: extra.action ?? 'read',
      purpose: 'TREAT',
      issuedAt: await ledger.getTime(),
      custodian: extra.custodian ?? custodian.identity,
    })
  return {
    ledger,
    patient,
    doctor,
    vendor,
    officer,
    accessLog,
    breakGlass,
    custodian,
    handler,
    sealed,
    commitment,
    deposit,
    grant,
    ask,
  }
}

/** A request to the handler at `http://custodian.test`. */
export function req(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const body =
    init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body)
  return new Request(`http://custodian.test${path}`, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    ...(body === undefined ? {} : { body }),
  })
}
