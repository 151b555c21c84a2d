import { describe, expect, it } from 'vitest'
import { ConsentError } from '../errors/base.js'
import { createParty } from '../identity/createParty.js'
import type { LedgerAdapter } from '../ledger/types.js'
import type { Hex } from '../types.js'
import { clockedLedger } from './_testLedger.js'
import { type AuthorizeRequest, assertAuthorized, authorize } from './authorize.js'
import { encodeConsentToken } from './consentToken.js'
import { createConsent } from './createConsent.js'
import { grantConsent } from './grantConsent.js'
import { revokeConsent } from './revokeConsent.js'
import { createConsentToken } from './verifyConsent.js'

const OBS = `0x${'0b'.repeat(32)}` as Hex
const obsRecord = { commitment: OBS, resourceType: 'Observation', labels: [] as string[] }

function setup(id = 'authz') {
  const { ledger, clock } = clockedLedger(id)
  const patient = createParty()
  const doctor = createParty()
  const nurse = createParty()
  return { ledger, clock, patient, doctor, nurse }
}

async function grantRead(ledger: LedgerAdapter, patient: ReturnType<typeof createParty>, grantee: { address: Hex }) {
  return grantConsent(ledger, {
    party: patient,
    grantee: grantee.address,
    resourceTypes: ['Observation'],
    exclude: ['PSY'],
    actions: ['read', 'delegate'],
    purposes: ['TREAT'],
    durationSeconds: 3600,
    delegationDepth: 1,
  })
}

const req = (consentId: Hex, grantee: { address: Hex }, over: Partial<AuthorizeRequest> = {}): AuthorizeRequest => ({
  consentId,
  grantee: grantee.address,
  action: 'read',
  purpose: 'TREAT',
  record: obsRecord,
  ...over,
})

describe('authorize', () => {
  it('permits what the consent grants, at ledger time, by id or by token', async () => {
    const { ledger, patient, doctor, clock } = setup()
    const { token } = await grantRead(ledger, patient, doctor)
    const byId = await authorize(req(token.consent.id, doctor), ledger)
    expect(byId).toMatchObject({ allowed: true, reason: 'PERMITTED', at: clock.now })
    expect(byId.consent?.id).toBe(token.consent.id)
    const byToken = await authorize(
      { token: encodeConsentToken(token), grantee: doctor, action: 'read', purpose: 'TREAT', record: obsRecord },
      ledger,
    )
    expect(byToken.allowed).toBe(true)
    const asserted = await assertAuthorized(
      req(token.consent.id, doctor, { record: { ...obsRecord, owner: patient.address } }),
      ledger,
    )
    expect(asserted.allowed).toBe(true)
  })

  it('denies each mismatch with its own reason', async () => {
    const { ledger, patient, doctor, nurse } = setup()
    const { token } = await grantRead(ledger, patient, doctor)
    const id = token.consent.id
    const cases: [AuthorizeRequest, string][] = [
      [req(`0x${'99'.repeat(32)}`, doctor), 'CONSENT_NOT_FOUND'],
      [req(id, nurse), 'CONSENT_GRANTEE'],
      [req(id, doctor, { action: 'write' }), 'CONSENT_ACTION'],
      [req(id, doctor, { purpose: 'HPAYMT' }), 'CONSENT_PURPOSE'],
      [req(id, doctor, { record: { ...obsRecord, resourceType: 'Condition' } }), 'CONSENT_SCOPE'],
      [req(id, doctor, { record: { ...obsRecord, labels: ['N', 'PSY'] } }), 'CONSENT_EXCLUDED'],
      [req(id, doctor, { record: { ...obsRecord, owner: nurse.address } }), 'CONSENT_SCOPE'],
    ]
    for (const [request, reason] of cases) {
      const decision = await authorize(request, ledger)
      expect({ allowed: decision.allowed, reason: decision.reason }).toEqual({ allowed: false, reason })
      await expect(assertAuthorized(request, ledger)).rejects.toMatchObject({ name: 'ConsentError', code: reason })
    }
  })

  it('scope by commitment', async () => {
    const { ledger, patient, doctor } = setup()
    const { token } = await grantConsent(ledger, {
      party: patient,
      grantee: doctor,
      commitments: [OBS],
      actions: ['read'],
      purposes: ['TREAT'],
      durationSeconds: 60,
    })
    const ok = await authorize(
      req(token.consent.id, doctor, { record: { ...obsRecord, resourceType: 'Condition' } }),
      ledger,
    )
    expect(ok.allowed).toBe(true)
    const other = await authorize(
      req(token.consent.id, doctor, { record: { ...obsRecord, commitment: `0x${'0c'.repeat(32)}` } }),
      ledger,
    )
    expect(other.reason).toBe('CONSENT_SCOPE')
  })

  it('rejects malformed requests with InvalidArgumentError (not a decision)', async () => {
    const { ledger, doctor } = setup()
    const id = `0x${'01'.repeat(32)}` as Hex
    await expect(authorize({ ...req(id, doctor), token: 'msc1.x' }, ledger)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    await expect(authorize(req(id, { address: '0x12' as Hex }), ledger)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    await expect(authorize(req(id, doctor, { action: 'erase' as 'read' }), ledger)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    await expect(authorize(null as never, ledger)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
  })

  it('propagates ledger failures instead of deciding', async () => {
    const { ledger, doctor } = setup()
    const down: LedgerAdapter = {
      ...ledger,
      getTime: () => Promise.reject(new ConsentError('LEDGER_UNAVAILABLE', 'x')),
    }
    await expect(authorize(req(`0x${'01'.repeat(32)}`, doctor), down)).rejects.toMatchObject({
      code: 'LEDGER_UNAVAILABLE',
    })
  })
})

describe('every way a token can be bad', () => {
  it('wrong signer: CONSENT_SIGNATURE_INVALID (the ledger refuses it too)', async () => {
    const { ledger, patient, doctor, nurse } = setup()
    const consent = createConsent({
      grantor: patient,
      grantee: doctor,
      resourceTypes: ['Observation'],
      actions: ['read'],
      purposes: ['TREAT'],
      notBefore: await ledger.getTime(),
      durationSeconds: 60,
    })
    const forged = { ...createConsentToken(nurse, ledger.domain, { ...consent, grantor: nurse.address }), consent }
    await expect(ledger.registerConsent({ consent, signature: forged.signature })).rejects.toMatchObject({
      code: 'CONSENT_SIGNATURE_INVALID',
    })
    const d = await authorize(
      { token: forged, grantee: doctor, action: 'read', purpose: 'TREAT', record: obsRecord },
      ledger,
    )
    expect(d.reason).toBe('CONSENT_SIGNATURE_INVALID')
  })

  it('wrong domain / chain: CONSENT_WRONG_DOMAIN', async () => {
    const a = setup('ledger-a')
    const { ledger: other } = clockedLedger('ledger-b')
    const { token } = await grantRead(a.ledger, a.patient, a.doctor)
    const d = await authorize(
      { token: encodeConsentToken(token), grantee: a.doctor, action: 'read', purpose: 'TREAT', record: obsRecord },
      other,
    )
    expect(d.reason).toBe('CONSENT_WRONG_DOMAIN')
    await expect(
      assertAuthorized({ token, grantee: a.doctor, action: 'read', purpose: 'TREAT', record: obsRecord }, other),
    ).rejects.toMatchObject({ name: 'ConsentError', code: 'CONSENT_WRONG_DOMAIN' })
    // the other ledger does not accept the signature either
    await expect(other.registerConsent({ consent: token.consent, signature: token.signature })).rejects.toBeInstanceOf(
      ConsentError,
    )
  })

  it('tampered field: CONSENT_SIGNATURE_INVALID', async () => {
    const { ledger, patient, doctor } = setup()
    const { token } = await grantRead(ledger, patient, doctor)
    const tampered = { ...token, consent: { ...token.consent, expiresAt: token.consent.expiresAt + 86_400 } }
    const d = await authorize(
      { token: tampered, grantee: doctor, action: 'read', purpose: 'TREAT', record: obsRecord },
      ledger,
    )
    expect(d.reason).toBe('CONSENT_SIGNATURE_INVALID')
  })

  it('expired: CONSENT_EXPIRED at ledger time', async () => {
    const { ledger, patient, doctor, clock } = setup()
    const { token } = await grantRead(ledger, patient, doctor)
    clock.now = token.consent.expiresAt - 1
    expect((await authorize(req(token.consent.id, doctor), ledger)).allowed).toBe(true)
    clock.now = token.consent.expiresAt
    expect((await authorize(req(token.consent.id, doctor), ledger)).reason).toBe('CONSENT_EXPIRED')
  })

  it('not yet valid: CONSENT_NOT_YET_VALID', async () => {
    const { ledger, patient, doctor, clock } = setup()
    const { token } = await grantConsent(ledger, {
      party: patient,
      grantee: doctor,
      resourceTypes: ['Observation'],
      actions: ['read'],
      purposes: ['TREAT'],
      notBefore: clock.now + 600,
      durationSeconds: 60,
    })
    expect((await authorize(req(token.consent.id, doctor), ledger)).reason).toBe('CONSENT_NOT_YET_VALID')
    clock.now += 600
    expect((await authorize(req(token.consent.id, doctor), ledger)).allowed).toBe(true)
  })

  it('revoked: CONSENT_REVOKED; only the grantor can revoke', async () => {
    const { ledger, patient, doctor } = setup()
    const { token } = await grantRead(ledger, patient, doctor)
    await expect(revokeConsent(ledger, { party: doctor, consentId: token.consent.id })).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
    })
    await expect(revokeConsent(ledger, { party: patient, consentId: `0x${'98'.repeat(32)}` })).rejects.toMatchObject({
      code: 'CONSENT_NOT_FOUND',
    })
    const revocation = await revokeConsent(ledger, { party: patient, consentId: token.consent.id })
    expect(revocation.revocation.consentId).toBe(token.consent.id)
    expect(await revokeConsent(ledger, { party: patient, consentId: token.consent.id })).toEqual(revocation)
    expect((await authorize(req(token.consent.id, doctor), ledger)).reason).toBe('CONSENT_REVOKED')
  })

  it('replayed id: CONSENT_REPLAYED at the ledger and at authorize', async () => {
    const { ledger, patient, doctor, nurse } = setup()
    const { token } = await grantRead(ledger, patient, doctor)
    const replay = createConsentToken(patient, ledger.domain, { ...token.consent, grantee: nurse.address })
    await expect(
      ledger.registerConsent({ consent: replay.consent, signature: replay.signature }),
    ).rejects.toMatchObject({ code: 'CONSENT_REPLAYED' })
    const d = await authorize(
      { token: replay, grantee: nurse, action: 'read', purpose: 'TREAT', record: obsRecord },
      ledger,
    )
    expect(d.reason).toBe('CONSENT_REPLAYED')
  })

  it('widened delegation: DELEGATION_INVALID', async () => {
    const { ledger, patient, doctor, nurse } = setup()
    const { token: parent } = await grantRead(ledger, patient, doctor)
    const base = {
      party: doctor,
      grantee: nurse,
      parent: parent.consent.id,
      resourceTypes: ['Observation'],
      exclude: ['PSY'],
      actions: ['read'] as const,
      purposes: ['TREAT'],
      durationSeconds: 600,
    }
    const ok = await grantConsent(ledger, base)
    const okDecision = await authorize(req(ok.token.consent.id, nurse), ledger)
    expect(okDecision.allowed).toBe(true)
    expect(okDecision.chain?.map((c) => c.id)).toEqual([parent.consent.id, ok.token.consent.id])

    const widened = [
      { resourceTypes: ['Observation', 'Condition'] },
      { actions: ['read', 'write'] as const },
      { purposes: ['TREAT', 'HPAYMT'] },
      { exclude: [] },
      { durationSeconds: 7200 },
      { delegationDepth: 1 },
    ]
    for (const w of widened) {
      const { token } = await grantConsent(ledger, { ...base, ...w } as typeof base)
      expect((await authorize(req(token.consent.id, nurse), ledger)).reason).toBe('DELEGATION_INVALID')
    }
    // a re-grant by someone who is not the parent's grantee
    const { token: stranger } = await grantConsent(ledger, { ...base, party: nurse, grantee: doctor })
    expect((await authorize(req(stranger.consent.id, doctor), ledger)).reason).toBe('DELEGATION_INVALID')
    // revoking the parent ends the child
    await revokeConsent(ledger, { party: patient, consentId: parent.consent.id })
    expect((await authorize(req(ok.token.consent.id, nurse), ledger)).reason).toBe('DELEGATION_INVALID')
  })

  it('a parent without delegate cannot be re-granted', async () => {
    const { ledger, patient, doctor, nurse } = setup()
    const { token: parent } = await grantConsent(ledger, {
      party: patient,
      grantee: doctor,
      resourceTypes: ['Observation'],
      actions: ['read'],
      purposes: ['TREAT'],
      durationSeconds: 3600,
      delegationDepth: 1,
    })
    const { token } = await grantConsent(ledger, {
      party: doctor,
      grantee: nurse,
      parent: parent.consent.id,
      resourceTypes: ['Observation'],
      actions: ['read'],
      purposes: ['TREAT'],
      durationSeconds: 60,
    })
    expect((await authorize(req(token.consent.id, nurse), ledger)).reason).toBe('DELEGATION_INVALID')
  })

  it('never trusts the ledger: a consent altered in the ledger fails the signature check', async () => {
    const { ledger, patient, doctor } = setup()
    const { token } = await grantRead(ledger, patient, doctor)
    const lying: LedgerAdapter = {
      ...ledger,
      getConsent: async (id) => {
        const r = await ledger.getConsent(id)
        return r && { ...r, consent: { ...r.consent, purposes: ['TREAT', 'HPAYMT'] } }
      },
    }
    expect((await authorize(req(token.consent.id, doctor, { purpose: 'HPAYMT' }), lying)).reason).toBe(
      'CONSENT_SIGNATURE_INVALID',
    )
    const hiding: LedgerAdapter = {
      ...ledger,
      getConsent: async (id) => {
        const r = await ledger.getConsent(id)
        return r && { ...r, consent: { ...r.consent, purposes: ['nope'] } }
      },
    }
    expect((await authorize(req(token.consent.id, doctor), hiding)).reason).toBe('CONSENT_MALFORMED')
  })
})
