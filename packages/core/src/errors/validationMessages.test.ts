/**
 * Issue 15: a validation error's `shortMessage` names the field (a path like `consent.expiresAt`) and the reason, and
 * never echoes the value it refused. One row per validator users hit: consents, consent tokens, signed structures,
 * key requests, deposit statements, envelopes, receipts, access events, ledger rules, break-glass.
 */
import { describe, expect, it } from 'vitest'
import { normalizeAccessEvent } from '../accessLog/event.js'
import { decodeReceipt } from '../anchor/receipt.js'
import { createEmergencyPolicy } from '../breakGlass/emergencyPolicy.js'
import { decodeConsentToken } from '../consent/consentToken.js'
import { createConsent } from '../consent/createConsent.js'
import { signDepositStatement } from '../custodian/depositStatement.js'
import { createKeyRequest, verifyKeyRequest } from '../custodian/keyRequest.js'
import {
  createSaltedDomain,
  signConsent,
  signRevocation,
  signTreeHead,
  verifySignedConsent,
} from '../eip712/structures.js'
import { encodeEnvelope } from '../envelope/encodeEnvelope.js'
import { seal } from '../envelope/seal.js'
import { createParty } from '../identity/createParty.js'
import { assertAnchorInput } from '../ledger/rules.js'
import type { Hex } from '../types.js'
import { BaseError } from './base.js'

const domain = createSaltedDomain('memory:messages')
const patient = createParty({ seed: new Uint8Array(32).fill(7) })
const doctor = createParty({ seed: new Uint8Array(32).fill(8) })
const hex32 = (byte: string) => `0x${byte.repeat(32)}` as Hex
/** A value that must never appear in a message (it stands for PHI or a secret). */
const SECRET = 'Jane-Doe-1970-01-01'

const consent = createConsent({
  grantor: patient.address,
  grantee: doctor.address,
  resourceTypes: ['Observation'],
  actions: ['read'],
  purposes: ['TREAT'],
  notBefore: 1_700_000_000,
  durationSeconds: 3600,
})
const { envelope } = await seal({ resourceType: 'Observation', id: 'o1' }, { recipients: [patient] })
const request = createKeyRequest(doctor, domain, {
  consentId: consent.id,
  grantor: patient.address,
  commitment: hex32('cd'),
  action: 'read',
  purpose: 'TREAT',
  issuedAt: 1_700_000_100,
  custodian: patient.address,
})
const head = {
  logId: hex32('01'),
  operator: patient.address,
  nameHash: hex32('02'),
  treeSize: 1,
  root: hex32('03'),
  timestamp: 1_700_000_000,
}
const receipt = JSON.parse(
  JSON.stringify({
    v: 2,
    commitment: hex32('cd'),
    kind: 'records',
    leafIndex: 3,
    treeSize: 2,
    proof: [],
    root: hex32('aa'),
    ledger: { ledger: 'memory:messages', tx: 't', block: 1, timestamp: 1 },
  }),
)

type Row = { name: string; run: () => unknown; code: string; field: string; reason: string }
const rows: Row[] = [
  {
    name: 'consent window inverted',
    run: () => signConsent(patient, domain, { ...consent, expiresAt: consent.notBefore }),
    code: 'CONSENT_MALFORMED',
    field: 'consent.expiresAt',
    reason: 'must be after consent.notBefore',
  },
  {
    name: 'consent grantor not an address',
    run: () => signConsent(patient, domain, { ...consent, grantor: SECRET as Hex }),
    code: 'CONSENT_MALFORMED',
    field: 'consent.grantor',
    reason: '20-byte hex address',
  },
  {
    name: 'consent action unknown',
    run: () => signConsent(patient, domain, { ...consent, actions: ['read', SECRET as 'read'] }),
    code: 'CONSENT_MALFORMED',
    field: 'consent.actions[1]',
    reason: 'must be one of read',
  },
  {
    name: 'consent purpose not a code',
    run: () => signConsent(patient, domain, { ...consent, purposes: [SECRET] }),
    code: 'CONSENT_MALFORMED',
    field: 'consent.purposes[0]',
    reason: 'PurposeOfUse code',
  },
  {
    name: 'consent field missing',
    run: () => {
      const { parent: _omitted, ...rest } = consent
      return signConsent(patient, domain, rest as never)
    },
    code: 'CONSENT_MALFORMED',
    field: 'consent.parent',
    reason: 'is missing',
  },
  {
    name: 'consent unknown field',
    run: () => signConsent(patient, domain, { ...consent, [SECRET]: 1 } as never),
    code: 'CONSENT_MALFORMED',
    field: 'consent',
    reason: 'must have only the fields',
  },
  {
    name: 'consent empty scope',
    run: () => signConsent(patient, domain, { ...consent, resourceTypes: [] }),
    code: 'CONSENT_MALFORMED',
    field: 'consent.resourceTypes',
    reason: 'non-empty when consent.commitments is empty',
  },
  {
    name: 'signed consent signature',
    run: () => verifySignedConsent(domain, { consent, signature: SECRET as Hex }),
    code: 'CONSENT_MALFORMED',
    field: 'signed.signature',
    reason: '65 bytes',
  },
  {
    name: 'consent token prefix',
    run: () => decodeConsentToken(SECRET),
    code: 'CONSENT_MALFORMED',
    field: 'token',
    reason: 'must be text starting with',
  },
  {
    name: 'revocation consent id',
    run: () => signRevocation(patient, domain, { consentId: SECRET as Hex, grantor: patient.address }),
    code: 'INVALID_ARGUMENT',
    field: 'revocation.consentId',
    reason: 'must be 0x followed by 64 hex digits',
  },
  {
    name: 'tree head field missing',
    run: () => {
      const { root: _omitted, ...rest } = head
      return signTreeHead(patient, domain, rest as never)
    },
    code: 'INVALID_ARGUMENT',
    field: 'head.root',
    reason: 'is missing',
  },
  {
    name: 'tree head operator',
    run: () => signTreeHead(patient, domain, { ...head, operator: SECRET as Hex }),
    code: 'INVALID_ARGUMENT',
    field: 'head.operator',
    reason: 'must be an address',
  },
  {
    name: 'key request purpose',
    run: () => verifyKeyRequest(domain, { ...request, request: { ...request.request, purpose: SECRET } }),
    code: 'INVALID_ARGUMENT',
    field: 'request.purpose',
    reason: 'must be a PurposeOfUse code',
  },
  {
    name: 'key request action',
    run: () => verifyKeyRequest(domain, { ...request, request: { ...request.request, action: SECRET as 'read' } }),
    code: 'INVALID_ARGUMENT',
    field: 'request.action',
    reason: 'must be one of read',
  },
  {
    name: 'deposit statement owner',
    run: () =>
      signDepositStatement(patient, domain, {
        owner: SECRET as Hex,
        custodian: doctor.address,
        commitment: hex32('cd'),
        contentId: 'bafkqaaa',
        previous: hex32('00'),
      }),
    code: 'DEPOSIT_STATEMENT_INVALID',
    field: 'statement.owner',
    reason: '20-byte hex address',
  },
  {
    name: 'envelope nonce length',
    run: () => encodeEnvelope({ ...envelope, nonce: new Uint8Array(3) }),
    code: 'ENVELOPE_MALFORMED',
    field: 'envelope.nonce',
    reason: 'must be 12 bytes',
  },
  {
    name: 'envelope recipient key id',
    run: () =>
      encodeEnvelope({
        ...envelope,
        recipients: [{ ...(envelope.recipients[0] as (typeof envelope.recipients)[0]), keyId: new Uint8Array(1) }],
      }),
    code: 'ENVELOPE_MALFORMED',
    field: 'envelope.recipients[0].keyId',
    reason: 'must be',
  },
  {
    name: 'receipt leaf index',
    run: () => decodeReceipt(JSON.stringify(receipt)),
    code: 'RECEIPT_MALFORMED',
    field: 'receipt.leafIndex',
    reason: 'must be below receipt.treeSize',
  },
  {
    name: 'access event actor',
    run: () =>
      normalizeAccessEvent({
        actor: SECRET as Hex,
        action: 'read',
        commitment: hex32('cd'),
        at: 1,
        purpose: 'TREAT',
        outcome: 'permit',
      }),
    code: 'INVALID_ARGUMENT',
    field: 'event.actor',
    reason: 'must be an address',
  },
  {
    name: 'ledger rules: anchor kind',
    run: () => assertAnchorInput({ root: new Uint8Array(32), treeSize: 1, kind: SECRET }),
    code: 'INVALID_ARGUMENT',
    field: 'input.kind',
    reason: 'must be one of',
  },
  {
    name: 'break-glass policy window',
    run: () =>
      createEmergencyPolicy({
        patient: patient.address,
        issuers: [doctor.address],
        resourceTypes: ['Observation'],
        role: 'emergency-physician',
        maxDuration: 3600,
        notBefore: 10,
        expiresAt: 5,
      } as never),
    code: 'BREAK_GLASS_INVALID',
    field: 'policy.expiresAt',
    reason: 'must be after policy.notBefore',
  },
]

describe('validation messages name the field and the reason, never the value (issue 15)', () => {
  it.each(rows)('$name: $field $reason', ({ run, code, field, reason }) => {
    let caught: unknown
    try {
      run()
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(BaseError)
    const err = caught as BaseError
    expect(err.code).toBe(code)
    expect(err.shortMessage).toContain(field)
    expect(err.shortMessage).toContain(reason)
    expect(err.message).not.toContain(SECRET)
  })
})
