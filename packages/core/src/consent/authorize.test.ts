import { describe, expect, it } from 'vitest'
import { ConsentError } from '../errors/base.js'
import { createParty } from '../identity/createParty.js'
import { consentKey } from '../ledger/consentKey.js'
import type { LedgerAdapter } from '../ledger/types.js'
import { grantReadConsent } from '../testing/grantReadConsent.js'
import type { Hex } from '../types.js'
import { clockedLedger } from './_testLedger.js'
import {
  type AuthorizeRequest,
  assertAuthorized as assertAuthorizedWith,
  authorize as authorizeWith,
} from './authorize.js'
import { encodeConsentToken } from './consentToken.js'
import { createConsent } from './createConsent.js'
import { grantConsent } from './grantConsent.js'
import { revokeConsent } from './revokeConsent.js'
import { createConsentToken } from './verifyConsent.js'

const OBS = `0x${'0b'.repeat(32)}` as Hex
/** The record under test; its owner is every test's `patient` (set in setup). */
const obsRecord = { commitment: OBS, resourceType: 'Observation', labels: [] as string[], owner: '0x' as Hex }

/** The host clock every test decides with, in Unix ms: the memory ledger's clock, unless a test moves it apart. */
let hostClock: { now: number } | undefined
const now = () => (hostClock as { now: number }).now * 1000

/** `authorize` and `assertAuthorized` with the test's host clock. */
const authorize = (ledger: LedgerAdapter, request: AuthorizeRequest) => authorizeWith(ledger, request, { now })
const assertAuthorized = (ledger: LedgerAdapter, request: AuthorizeRequest) =>
  assertAuthorizedWith(ledger, request, { now })

function setup(id = 'authz') {
  const { ledger, clock } = clockedLedger(id)
  const patient = createParty()
  const doctor = createParty()
  const nurse = createParty()
  hostClock = clock
  obsRecord.owner = patient.address
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

const req = (
  consent: { grantor: Hex; id: Hex },
  grantee: { address: Hex },
  over: Partial<AuthorizeRequest> = {},
): AuthorizeRequest =>
  ({
    consentId: consent.id,
    grantor: consent.grantor,
    grantee: grantee.address,
    action: 'read',
    purpose: 'TREAT',
    record: obsRecord,
    ...over,
  }) as AuthorizeRequest

describe('authorize', () => {
  it('permits what the consent grants, at ledger time, by id or by token', async () => {
    const { ledger, patient, doctor, clock } = setup()
    const { token } = await grantRead(ledger, patient, doctor)
    const byId = await authorize(ledger, req(token.consent, doctor))
    expect(byId).toMatchObject({ allowed: true, reason: 'PERMITTED', at: clock.now })
    expect(byId.consent?.id).toBe(token.consent.id)
    const byToken = await authorize(ledger, {
      token: encodeConsentToken(token),
      grantee: doctor,
      action: 'read',
      purpose: 'TREAT',
      record: obsRecord,
    })
    expect(byToken.allowed).toBe(true)
    const asserted = await assertAuthorized(
      ledger,
      req(token.consent, doctor, { record: { ...obsRecord, owner: patient.address } }),
    )
    expect(asserted.allowed).toBe(true)
  })

  it('denies each mismatch with its own reason', async () => {
    const { ledger, patient, doctor, nurse } = setup()
    const { token } = await grantRead(ledger, patient, doctor)
    const id = token.consent
    const cases: [AuthorizeRequest, string][] = [
      [req({ grantor: patient.address, id: `0x${'99'.repeat(32)}` }, doctor), 'CONSENT_NOT_FOUND'],
      [req({ grantor: nurse.address, id: id.id }, doctor), 'CONSENT_NOT_FOUND'],
      [req(id, nurse), 'CONSENT_GRANTEE'],
      [req(id, doctor, { action: 'write' }), 'CONSENT_ACTION'],
      [req(id, doctor, { purpose: 'HPAYMT' }), 'CONSENT_PURPOSE'],
      [req(id, doctor, { record: { ...obsRecord, resourceType: 'Condition' } }), 'CONSENT_SCOPE'],
      [req(id, doctor, { record: { ...obsRecord, labels: ['N', 'PSY'] } }), 'CONSENT_EXCLUDED'],
      [req(id, doctor, { record: { ...obsRecord, owner: nurse.address } }), 'CONSENT_SCOPE'],
    ]
    for (const [request, reason] of cases) {
      const decision = await authorize(ledger, request)
      expect({ allowed: decision.allowed, reason: decision.reason }).toEqual({ allowed: false, reason })
      await expect(assertAuthorized(ledger, request)).rejects.toMatchObject({ name: 'ConsentError', code: reason })
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
      ledger,
      req(token.consent, doctor, { record: { ...obsRecord, resourceType: 'Condition' } }),
    )
    expect(ok.allowed).toBe(true)
    const other = await authorize(
      ledger,
      req(token.consent, doctor, { record: { ...obsRecord, commitment: `0x${'0c'.repeat(32)}` } }),
    )
    expect(other.reason).toBe('CONSENT_SCOPE')
  })

  it('rejects malformed requests with InvalidArgumentError (not a decision)', async () => {
    const { ledger, doctor, patient } = setup()
    const id = { grantor: patient.address, id: `0x${'01'.repeat(32)}` as Hex }
    await expect(authorize(ledger, { ...req(id, doctor), token: 'msc1.x' } as never)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    await expect(authorize(ledger, req(id, { address: '0x12' as Hex }))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    await expect(authorize(ledger, req(id, doctor, { action: 'erase' as 'read' }))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    await expect(authorize(ledger, null as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
  })

  it('propagates ledger failures instead of deciding', async () => {
    const { ledger, doctor, patient } = setup()
    const down: LedgerAdapter = {
      ...ledger,
      getTime: () => Promise.reject(new ConsentError('LEDGER_UNAVAILABLE', 'x')),
    }
    await expect(
      authorize(down, req({ grantor: patient.address, id: `0x${'01'.repeat(32)}` }, doctor)),
    ).rejects.toMatchObject({
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
    const d = await authorize(ledger, {
      token: forged,
      grantee: doctor,
      action: 'read',
      purpose: 'TREAT',
      record: obsRecord,
    })
    expect(d.reason).toBe('CONSENT_SIGNATURE_INVALID')
  })

  it('wrong domain / chain: CONSENT_WRONG_DOMAIN', async () => {
    const a = setup('ledger-a')
    const { ledger: other } = clockedLedger('ledger-b')
    const { token } = await grantRead(a.ledger, a.patient, a.doctor)
    const d = await authorize(other, {
      token: encodeConsentToken(token),
      grantee: a.doctor,
      action: 'read',
      purpose: 'TREAT',
      record: obsRecord,
    })
    expect(d.reason).toBe('CONSENT_WRONG_DOMAIN')
    await expect(
      assertAuthorized(other, { token, grantee: a.doctor, action: 'read', purpose: 'TREAT', record: obsRecord }),
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
    const d = await authorize(ledger, {
      token: tampered,
      grantee: doctor,
      action: 'read',
      purpose: 'TREAT',
      record: obsRecord,
    })
    expect(d.reason).toBe('CONSENT_SIGNATURE_INVALID')
  })

  it('expired: CONSENT_EXPIRED at ledger time', async () => {
    const { ledger, patient, doctor, clock } = setup()
    const { token } = await grantRead(ledger, patient, doctor)
    clock.now = token.consent.expiresAt - 1
    expect((await authorize(ledger, req(token.consent, doctor))).allowed).toBe(true)
    clock.now = token.consent.expiresAt
    expect((await authorize(ledger, req(token.consent, doctor))).reason).toBe('CONSENT_EXPIRED')
  })

  it('not yet valid: CONSENT_NOT_YET_VALID', async () => {
    const { ledger, patient, doctor, clock } = setup()
    const { token } = await grantReadConsent(ledger, {
      party: patient,
      grantee: doctor,
      notBefore: clock.now + 600,
      durationSeconds: 60,
    })
    expect((await authorize(ledger, req(token.consent, doctor))).reason).toBe('CONSENT_NOT_YET_VALID')
    clock.now += 600
    expect((await authorize(ledger, req(token.consent, doctor))).allowed).toBe(true)
  })

  it('revoked: CONSENT_REVOKED; only the grantor can revoke', async () => {
    const { ledger, patient, doctor } = setup()
    const { token } = await grantRead(ledger, patient, doctor)
    // the doctor's revocation of the same id is keyed by the doctor: it touches nothing of the patient's
    const own = await revokeConsent(ledger, { party: doctor, consentId: token.consent.id })
    expect(own.revocation).toEqual({ consentId: token.consent.id, grantor: doctor.address })
    expect((await authorize(ledger, req(token.consent, doctor))).allowed).toBe(true)
    await expect(revokeConsent(ledger, { party: patient, consentId: '0x1' as Hex })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    const revocation = await revokeConsent(ledger, { party: patient, consentId: token.consent.id })
    expect(revocation.revocation.consentId).toBe(token.consent.id)
    expect(await revokeConsent(ledger, { party: patient, consentId: token.consent.id })).toEqual(revocation)
    expect((await authorize(ledger, req(token.consent, doctor))).reason).toBe('CONSENT_REVOKED')
  })

  it('a grantor can withdraw an id before anyone registers it', async () => {
    const { ledger, patient, doctor } = setup()
    const consent = createConsent({
      grantor: patient,
      grantee: doctor,
      resourceTypes: ['Observation'],
      actions: ['read'],
      purposes: ['TREAT'],
      notBefore: await ledger.getTime(),
      durationSeconds: 600,
    })
    const token = createConsentToken(patient, ledger.domain, consent)
    await revokeConsent(ledger, { party: patient, consentId: consent.id })
    await ledger.registerConsent({ consent, signature: token.signature })
    const d = await authorize(ledger, { token, grantee: doctor, action: 'read', purpose: 'TREAT', record: obsRecord })
    expect(d.reason).toBe('CONSENT_REVOKED')
  })

  it('replayed id: CONSENT_REPLAYED at the ledger and at authorize', async () => {
    const { ledger, patient, doctor, nurse } = setup()
    const { token } = await grantRead(ledger, patient, doctor)
    const replay = createConsentToken(patient, ledger.domain, { ...token.consent, grantee: nurse.address })
    await expect(
      ledger.registerConsent({ consent: replay.consent, signature: replay.signature }),
    ).rejects.toMatchObject({ code: 'CONSENT_REPLAYED' })
    const d = await authorize(ledger, {
      token: replay,
      grantee: nurse,
      action: 'read',
      purpose: 'TREAT',
      record: obsRecord,
    })
    expect(d.reason).toBe('CONSENT_REPLAYED')
  })

  it('widened delegation: DELEGATION_INVALID', async () => {
    const { ledger, patient, doctor, nurse } = setup()
    const { token: parent } = await grantRead(ledger, patient, doctor)
    const base = {
      party: doctor,
      grantee: nurse,
      parent: parent.consent,
      resourceTypes: ['Observation'],
      exclude: ['PSY'],
      actions: ['read'] as const,
      purposes: ['TREAT'],
      durationSeconds: 600,
    }
    const ok = await grantConsent(ledger, base)
    const okDecision = await authorize(ledger, req(ok.token.consent, nurse))
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
      expect((await authorize(ledger, req(token.consent, nurse))).reason).toBe('DELEGATION_INVALID')
    }
    // a re-grant by someone who is not the parent's grantee
    const { token: stranger } = await grantConsent(ledger, { ...base, party: nurse, grantee: doctor })
    expect((await authorize(ledger, req(stranger.consent, doctor))).reason).toBe('DELEGATION_INVALID')
    // revoking the parent ends the child
    await revokeConsent(ledger, { party: patient, consentId: parent.consent.id })
    expect((await authorize(ledger, req(ok.token.consent, nurse))).reason).toBe('DELEGATION_INVALID')
  })

  it('a parent without delegate cannot be re-granted', async () => {
    const { ledger, patient, doctor, nurse } = setup()
    const { token: parent } = await grantReadConsent(ledger, { party: patient, grantee: doctor, delegationDepth: 1 })
    const { token } = await grantConsent(ledger, {
      party: doctor,
      grantee: nurse,
      parent: parent.consent,
      resourceTypes: ['Observation'],
      actions: ['read'],
      purposes: ['TREAT'],
      durationSeconds: 60,
    })
    expect((await authorize(ledger, req(token.consent, nurse))).reason).toBe('DELEGATION_INVALID')
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
    expect((await authorize(lying, req(token.consent, doctor, { purpose: 'HPAYMT' }))).reason).toBe(
      'CONSENT_SIGNATURE_INVALID',
    )
    const hiding: LedgerAdapter = {
      ...ledger,
      getConsent: async (id) => {
        const r = await ledger.getConsent(id)
        return r && { ...r, consent: { ...r.consent, purposes: ['nope'] } }
      },
    }
    expect((await authorize(hiding, req(token.consent, doctor))).reason).toBe('CONSENT_MALFORMED')
  })
})

describe('review #7: the window holds by the ledger time AND the host clock', () => {
  it('review #7: a stalled ledger clock does not keep an expired consent valid (host clock past expiry)', async () => {
    const { ledger, patient, doctor, clock } = setup()
    const { token } = await grantRead(ledger, patient, doctor)
    // the ledger's clock stalls (no new block / transaction) while real time passes the expiry
    const frozen = clock.now
    const host = { now: token.consent.expiresAt - 1 }
    const at = () => host.now * 1000
    expect((await authorizeWith(ledger, req(token.consent, doctor), { now: at })).allowed).toBe(true)
    host.now = token.consent.expiresAt
    const decision = await authorizeWith(ledger, req(token.consent, doctor), { now: at })
    expect(decision).toMatchObject({ allowed: false, reason: 'CONSENT_EXPIRED', at: frozen, hostAt: host.now })
    await expect(assertAuthorizedWith(ledger, req(token.consent, doctor), { now: at })).rejects.toMatchObject({
      name: 'ConsentError',
      code: 'CONSENT_EXPIRED',
    })
    // the default host clock is the real one (Date.now): far past this 2023 ledger clock's grant
    expect((await authorizeWith(ledger, req(token.consent, doctor))).reason).toBe('CONSENT_EXPIRED')
  })

  it('a host clock set back does not keep a consent valid once the ledger time is past expiry', async () => {
    const { ledger, patient, doctor, clock } = setup()
    const { token } = await grantRead(ledger, patient, doctor)
    const start = clock.now
    clock.now = token.consent.expiresAt
    const decision = await authorizeWith(ledger, req(token.consent, doctor), { now: () => start * 1000 })
    expect(decision.reason).toBe('CONSENT_EXPIRED')
  })

  it('review #7: not yet valid when either clock is before notBefore', async () => {
    const { ledger, patient, doctor, clock } = setup()
    const { token } = await grantReadConsent(ledger, { party: patient, grantee: doctor, notBefore: clock.now + 600 })
    // a ledger clock running ahead (e.g. a proposer's timestamp) does not open it early
    clock.now += 600
    const early = await authorizeWith(ledger, req(token.consent, doctor), { now: () => (clock.now - 600) * 1000 })
    expect(early.reason).toBe('CONSENT_NOT_YET_VALID')
    expect((await authorize(ledger, req(token.consent, doctor))).allowed).toBe(true)
  })

  it('rejects a host clock that is not a clock', async () => {
    const { ledger, patient, doctor } = setup()
    const { token } = await grantRead(ledger, patient, doctor)
    for (const bad of [() => Number.NaN, () => -1, () => 'soon' as unknown as number]) {
      await expect(authorizeWith(ledger, req(token.consent, doctor), { now: bad })).rejects.toMatchObject({
        code: 'OUT_OF_RANGE',
      })
    }
    await expect(
      authorizeWith(ledger, req(token.consent, doctor), { now: 5 as unknown as () => number }),
    ).rejects.toMatchObject({ code: 'INVALID_TYPE' })
    await expect(authorizeWith(ledger, req(token.consent, doctor), null as never)).rejects.toMatchObject({
      code: 'INVALID_TYPE',
    })
  })

  it('grantConsent starts a grant at the earlier of the two clocks, so it is in force at once', async () => {
    const { ledger, patient, doctor, clock } = setup()
    // the ledger runs 5 s ahead of the host (EVM blocks mined in a burst)
    const host = () => (clock.now - 5) * 1000
    const { token } = await grantReadConsent(ledger, {
      party: patient,
      grantee: doctor,
      durationSeconds: 60,
      now: host,
    })
    expect(token.consent.notBefore).toBe(clock.now - 5)
    expect((await authorizeWith(ledger, req(token.consent, doctor), { now: host })).allowed).toBe(true)
  })
})

describe('review #9: consents are named by (grantor, id)', () => {
  it("review #9: a stranger's consent under the patient's id neither blocks nor answers for the patient's", async () => {
    const { ledger, patient, doctor, nurse: stranger } = setup()
    const base = {
      grantee: doctor.address,
      resourceTypes: ['Observation'],
      actions: ['read'] as const,
      purposes: ['TREAT'],
      notBefore: await ledger.getTime(),
      durationSeconds: 600,
    }
    const mine = createConsent({ ...base, grantor: patient })
    // the stranger saw the id (e.g. in the mempool) and registers a grant of their own under it first
    const squat = createConsentToken(
      stranger,
      ledger.domain,
      createConsent({ ...base, grantor: stranger, id: mine.id }),
    )
    await ledger.registerConsent({ consent: squat.consent, signature: squat.signature })
    const token = createConsentToken(patient, ledger.domain, mine)
    await ledger.registerConsent({ consent: token.consent, signature: token.signature })

    const d = await authorize(ledger, req(mine, doctor))
    expect(d).toMatchObject({ allowed: true, consent: { grantor: patient.address, id: mine.id } })
    // the stranger's grant is found under its own key, and does not open the patient's record
    expect((await authorize(ledger, req(squat.consent, doctor))).reason).toBe('CONSENT_SCOPE')
    // nor does revoking it touch the patient's
    await revokeConsent(ledger, { party: stranger, consentId: mine.id })
    expect((await authorize(ledger, req(mine, doctor))).allowed).toBe(true)
  })

  it("review #9: a delegation names its parent by key: a look-alike parent under the same id is not the patient's", async () => {
    const { ledger, patient, doctor, nurse } = setup()
    const stranger = createParty()
    const { token: parent } = await grantRead(ledger, patient, doctor)
    // the stranger registers a delegable grant to the doctor under the same id
    const { parent: _, ...fields } = parent.consent
    const lookAlike = createConsentToken(stranger, ledger.domain, createConsent({ ...fields, grantor: stranger }))
    await ledger.registerConsent({ consent: lookAlike.consent, signature: lookAlike.signature })
    const child = {
      party: doctor,
      grantee: nurse,
      resourceTypes: ['Observation'],
      exclude: ['PSY'],
      actions: ['read'] as const,
      purposes: ['TREAT'],
      durationSeconds: 600,
    }
    const { token: real } = await grantConsent(ledger, { ...child, parent: parent.consent })
    expect(real.consent.parent).toBe(consentKey(patient.address, parent.consent.id))
    const ok = await authorize(ledger, req(real.consent, nurse))
    expect(ok.chain?.map((c) => c.grantor)).toEqual([patient.address, doctor.address])
    // a re-grant of the look-alike is a chain that starts at the stranger, not at the record's owner
    const { token: fake } = await grantConsent(ledger, { ...child, parent: lookAlike.consent })
    expect((await authorize(ledger, req(fake.consent, nurse))).reason).toBe('CONSENT_SCOPE')
    // a ledger that answers a parent key with another consent is not believed
    const lying: LedgerAdapter = {
      ...ledger,
      getConsent: async (key) =>
        ledger.getConsent(
          key === real.consent.parent ? consentKey(lookAlike.consent.grantor, lookAlike.consent.id) : key,
        ),
    }
    expect((await authorize(lying, req(real.consent, nurse))).reason).toBe('DELEGATION_INVALID')
    const lyingTop: LedgerAdapter = {
      ...ledger,
      getConsent: async (key) =>
        ledger.getConsent(
          key === consentKey(patient.address, parent.consent.id)
            ? consentKey(stranger.address, parent.consent.id)
            : key,
        ),
    }
    expect((await authorize(lyingTop, req(parent.consent, doctor))).reason).toBe('CONSENT_NOT_FOUND')
  })
})

describe('the record owner is mandatory', () => {
  it('a request without the record owner is refused; a grant from anyone but the owner opens nothing', async () => {
    const { ledger, patient, doctor, nurse } = setup()
    const { token } = await grantRead(ledger, patient, doctor)
    const { owner: _, ...noOwner } = obsRecord
    await expect(authorize(ledger, req(token.consent, doctor, { record: noOwner as never }))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    // another party grants the doctor "their" Observations: not this patient's record
    const { token: other } = await grantRead(ledger, nurse, doctor)
    expect((await authorize(ledger, req(other.consent, doctor))).reason).toBe('CONSENT_SCOPE')
    // consentId without its grantor names nothing
    await expect(
      authorize(ledger, { ...req(token.consent, doctor), grantor: undefined } as never),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    // a token with a grantor that is not the token's
    const d = await authorize(ledger, {
      token,
      grantor: nurse.address,
      grantee: doctor,
      action: 'read',
      purpose: 'TREAT',
      record: obsRecord,
    })
    expect(d.reason).toBe('CONSENT_NOT_FOUND')
  })
})
