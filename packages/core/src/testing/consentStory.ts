/**
 * The end-to-end consent story, runnable against any ledger: seal and anchor, grant, release through the custodian,
 * read, audit, revoke, break the glass, expire, erase — plus every way a token can be bad. The memory adapter runs it
 * in `packages/core/src/e2e/story.test.ts`; the EVM adapter runs the same story on anvil.
 * @module
 */

import { createAccessLog } from '../accessLog/createAccessLog.js'
import { verifyEventInclusion, verifyLogAgainstLedger } from '../accessLog/verify.js'
import { createAnchorer } from '../anchor/createAnchorer.js'
import { verifyRecord } from '../anchor/verifyRecord.js'
import { type BreakGlassReview, createBreakGlass, type EmergencyGrant } from '../breakGlass/createBreakGlass.js'
import {
  createClinicianCredential,
  createEmergencyPolicy,
  signClinicianCredential,
  signEmergencyPolicy,
} from '../breakGlass/emergencyPolicy.js'
import { bytesToHex0x } from '../bytes/index.js'
import { assertAuthorized, authorize } from '../consent/authorize.js'
import { type ConsentToken, encodeConsentToken } from '../consent/consentToken.js'
import { createConsent } from '../consent/createConsent.js'
import { grantConsent } from '../consent/grantConsent.js'
import { revokeConsent } from '../consent/revokeConsent.js'
import { createConsentToken } from '../consent/verifyConsent.js'
import { createCustodian } from '../custodian/createCustodian.js'
import { createDeposit } from '../custodian/depositStatement.js'
import { createKeyRequest } from '../custodian/keyRequest.js'
import { createEvmDomain } from '../eip712/structures.js'
import { open } from '../envelope/open.js'
import { seal } from '../envelope/seal.js'
import { openUnlessShredded, shredRecord } from '../erasure/shredRecord.js'
import { createParty } from '../identity/createParty.js'
import type { Party } from '../identity/types.js'
import type { LedgerAdapter } from '../ledger/types.js'
import type { Hex } from '../types.js'
import { expect } from './_vitest.js'

/**
 * A fresh ledger for the story, with a way to move its clock. `authorize` decides with both the ledger's time and the
 * deciding host's clock; the story runs its parties on a host clock of its own that starts at the ledger's time and
 * moves with `advanceTime` (and with real time), so a harness only moves the ledger.
 */
export type ConsentStoryHarness = {
  /** A ledger with no writes yet. */
  readonly ledger: LedgerAdapter
  /** Moves the ledger's clock forward by `seconds` (bump an injected clock, `evm_increaseTime` and mine, …). */
  readonly advanceTime: (seconds: number) => Promise<void>
  /** Releases what the harness made. Runs at the end, even after a failure. */
  readonly cleanup?: () => Promise<void>
}

/** What the story saw, for the caller to print or assert further. */
export type ConsentStoryReport = {
  /** Access-log events appended during the story. */
  readonly events: number
  /** Key releases the custodian made. */
  readonly releases: number
  /** The break-glass grant. */
  readonly emergency: EmergencyGrant
}

const observation = (code: string, value: number) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code, display: 'Vital sign' }] },
  subject: { reference: 'Patient/example' },
  effectiveDateTime: '2024-03-01T09:30:00Z',
  valueQuantity: { value, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
})

const RECORDS = [
  observation('8480-6', 120),
  observation('8462-4', 80),
  {
    resourceType: 'Condition',
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
    },
    code: { text: 'Hypertension' },
    subject: { reference: 'Patient/example' },
  },
  {
    resourceType: 'AllergyIntolerance',
    patient: { reference: 'Patient/example' },
    code: { text: 'Penicillin' },
    criticality: 'high',
  },
] as const

/**
 * Runs the consent story against a ledger made by `createLedger`, asserting every step with vitest's `expect`.
 * Call it inside a test (`it('consent story', () => runConsentStory(create))`, with a generous timeout on slow
 * ledgers).
 *
 * @param createLedger - makes a fresh ledger with a movable clock
 * @returns what happened (events logged, keys released, the emergency grant)
 * @throws whatever assertion fails first
 * @example
 * ```ts
 * import { createMemoryLedger } from '@medseal/adapter-memory'
 * import { runConsentStory } from '@medseal/core/testing'
 * it('consent story', () =>
 *   runConsentStory(async () => {
 *     let t = 1_700_000_000
 *     return { ledger: createMemoryLedger({ id: 'story', now: () => t }), advanceTime: async (s) => { t += s } }
 *   }))
 * ```
 */
export async function runConsentStory(
  createLedger: () => ConsentStoryHarness | Promise<ConsentStoryHarness>,
): Promise<ConsentStoryReport> {
  const harness = await createLedger()
  try {
    return await story(harness)
  } finally {
    await harness.cleanup?.()
  }
}

/**
 * The story's host clock (Unix ms): the ledger's time at the start, plus the time the harness advanced, plus the real
 * time elapsed. `authorize` decides by both clocks, so the parties' clock must move with the ledger's.
 */
async function hostClock(
  ledger: LedgerAdapter,
  advanceLedger: (seconds: number) => Promise<void>,
): Promise<{ now: () => number; advanceTime: (seconds: number) => Promise<void> }> {
  const start = (await ledger.getTime()) * 1000
  const wall = Date.now()
  let advanced = 0
  return {
    now: () => start + advanced * 1000 + (Date.now() - wall),
    advanceTime: async (seconds) => {
      await advanceLedger(seconds)
      advanced += seconds
    },
  }
}

async function story(harness: ConsentStoryHarness): Promise<ConsentStoryReport> {
  const { ledger } = harness
  const { now, advanceTime } = await hostClock(ledger, harness.advanceTime)
  const [patient, doctor, vendor, hospital, erClinician, stranger] = Array.from({ length: 6 }, () => createParty()) as [
    Party,
    Party,
    Party,
    Party,
    Party,
    Party,
  ]
  const notified: { grant: EmergencyGrant; review: BreakGlassReview }[] = []
  const log = await createAccessLog({ operator: vendor, ledger, name: 'story-access' })
  const emergency = createBreakGlass({ ledger, log, notify: (e) => void notified.push(e), now })
  const custodian = createCustodian({ party: vendor, ledger, log, breakGlass: emergency, now })

  // 1. The patient seals several FHIR resources (to themself and the custodian) and anchors their commitments.
  const sealed = await Promise.all(RECORDS.map((r) => seal(r, { recipients: [patient, custodian.identity] })))
  const anchorer = createAnchorer(ledger)
  const receipts = await Promise.all(sealed.map((s) => anchorer.add(s.commitment)))
  await anchorer.close()
  for (const [i, s] of sealed.entries()) {
    await verifyRecord(ledger, { receipt: receipts[i] as never, envelope: s.envelope, party: patient })
    await custodian.deposit(
      await createDeposit({
        owner: patient,
        envelope: s.envelope,
        custodian: custodian.identity,
        domain: ledger.domain,
      }),
    )
  }
  const [sys, dia, cond, allergy] = sealed.map((s) => bytesToHex0x(s.commitment)) as [Hex, Hex, Hex, Hex]

  // 2. The patient grants the doctor read of Observations, for treatment, for one hour.
  const { token } = await grantConsent(ledger, {
    now,
    party: patient,
    grantee: doctor,
    resourceTypes: ['Observation'],
    actions: ['read'],
    purposes: ['TREAT'],
    durationSeconds: 3600,
  })
  const compact = encodeConsentToken(token) // what the patient hands over (QR code, link)
  expect(compact.startsWith('msc1.')).toBe(true)
  const request = async (who: Party, commitment: Hex, consentId: Hex = token.consent.id, purpose = 'TREAT') =>
    createKeyRequest(who, ledger.domain, {
      consentId,
      grantor: patient, // every grant here (consents and the emergency grant) is the patient's
      commitment,
      action: 'read',
      purpose,
      issuedAt: await ledger.getTime(),
      custodian: custodian.identity,
    })

  // 3. The doctor gets the keys through the custodian and reads.
  let releases = 0
  for (const [i, c] of [sys, dia].entries()) {
    const { envelope } = await custodian.releaseKey(await request(doctor, c))
    releases++
    expect((await open(envelope, doctor)).value).toEqual(RECORDS[i])
  }
  await expect(custodian.releaseKey(await request(doctor, cond))).rejects.toMatchObject({ code: 'CONSENT_SCOPE' })
  await expect(custodian.releaseKey(await request(stranger, sys))).rejects.toMatchObject({ code: 'CONSENT_GRANTEE' })

  // 4. Every read is in the access log, and the patient verifies it against the anchored head.
  await log.publishHead()
  const head = await log.signedHead()
  await verifyLogAgainstLedger(ledger, { head, operator: vendor.address })
  const reads: number[] = []
  for (let i = 0; i < log.size; i++) {
    const event = await log.getEvent(i)
    verifyEventInclusion({
      event,
      index: i,
      head,
      proof: await log.proveInclusion(i, head.head.treeSize),
      operator: vendor.address,
      domain: ledger.domain,
    })
    if (event.outcome === 'permit' && event.actor.toLowerCase() === doctor.address.toLowerCase()) reads.push(i)
  }
  expect(reads).toHaveLength(2)

  // 5. The patient revokes; the custodian purges; the doctor is refused with CONSENT_REVOKED.
  await revokeConsent(ledger, { party: patient, consentId: token.consent.id })
  expect(await custodian.purgeConsent({ grantor: patient, consentId: token.consent.id })).toEqual({ releases: 2 })
  await expect(custodian.releaseKey(await request(doctor, sys))).rejects.toMatchObject({
    name: 'ConsentError',
    code: 'CONSENT_REVOKED',
  })
  const record = { commitment: sys, resourceType: 'Observation', labels: [], owner: patient.address }
  await expect(
    assertAuthorized(ledger, { token: compact, grantee: doctor, action: 'read', purpose: 'TREAT', record }, { now }),
  ).rejects.toMatchObject({ code: 'CONSENT_REVOKED' })

  // 6. Break-glass: an emergency clinician opens the allergy record under the patient's pre-signed policy.
  // valid from now by both clocks (the ledger's may run ahead of the host's, e.g. blocks mined in a burst)
  const from = Math.min(await ledger.getTime(), Math.floor(now() / 1000))
  const policy = signEmergencyPolicy(
    patient,
    ledger.domain,
    createEmergencyPolicy({
      patient,
      resourceTypes: ['AllergyIntolerance', 'Condition'],
      issuers: [hospital],
      role: 'emergency-physician',
      maxDuration: 1800,
      notBefore: from,
      expiresAt: from + 365 * 86_400,
    }),
  )
  const credential = signClinicianCredential(
    hospital,
    ledger.domain,
    createClinicianCredential({
      issuer: hospital,
      subject: erClinician,
      role: 'emergency-physician',
      notBefore: from,
      expiresAt: from + 30 * 86_400,
    }),
  )
  const grant = await emergency.breakGlass({
    clinician: erClinician,
    policy,
    credential,
    reason: 'Patient unresponsive in ED; allergy history needed before antibiotics',
  })
  const anchoredHead = await ledger.getTreeHead(log.logId)
  expect(anchoredHead?.head.treeSize).toBe(log.size) // the break-glass entry is anchored at once
  const { envelope: emergencyEnvelope } = await custodian.releaseKey(
    await request(erClinician, allergy, grant.id, 'ETREAT'),
  )
  releases++
  expect((await open(emergencyEnvelope, erClinician)).value).toEqual(RECORDS[3])
  await expect(custodian.releaseKey(await request(erClinician, sys, grant.id, 'ETREAT'))).rejects.toMatchObject({
    code: 'CONSENT_SCOPE',
  })
  // the patient sees it: notified, in the review queue, in the log
  expect(notified.map((n) => n.grant.id)).toEqual([grant.id])
  expect((await emergency.listPendingReviews({ patient: patient.address })).map((r) => r.id)).toEqual([grant.id])
  const events = await Promise.all(Array.from({ length: log.size }, (_, i) => log.getEvent(i)))
  expect(
    events.some((e) => e.action === 'break-glass' && e.policyId === policy.policy.id && e.purpose === 'ETREAT'),
  ).toBe(true)
  await emergency.markReviewed(grant.id, patient, 'Reviewed with the ED: justified.')
  expect(await emergency.listPendingReviews({ patient: patient.address })).toEqual([])
  // and it ends by itself
  await advanceTime(grant.expiresAt - (await ledger.getTime()))
  await expect(custodian.releaseKey(await request(erClinician, allergy, grant.id, 'ETREAT'))).rejects.toMatchObject({
    code: 'CONSENT_EXPIRED',
  })

  // 7. An expired grant is refused with CONSENT_EXPIRED.
  const { token: short } = await grantConsent(ledger, {
    now,
    party: patient,
    grantee: doctor,
    resourceTypes: ['Condition'],
    actions: ['read'],
    purposes: ['TREAT'],
    durationSeconds: 60,
  })
  await custodian.releaseKey(await request(doctor, cond, short.consent.id))
  releases++
  await advanceTime(120)
  await expect(custodian.releaseKey(await request(doctor, cond, short.consent.id))).rejects.toMatchObject({
    code: 'CONSENT_EXPIRED',
  })

  // 8. The patient erases a record: it can no longer be opened, and the ledger holds the signed tombstone.
  const target = sealed[1]
  if (!target) throw new Error('unreachable')
  const patientCopy = target.envelope
  const { tombstone } = await shredRecord(
    { ledger, custodian },
    { owner: patient, commitment: dia, envelopes: [patientCopy] },
  )
  expect(tombstone.tombstone).toMatchObject({ commitment: dia, owner: patient.address })
  expect(await ledger.getTombstone(dia, patient.address)).toBeDefined()
  // nobody else's tombstone stands for the owner's
  expect(await ledger.getTombstone(dia, stranger.address)).toBeUndefined()
  await expect(
    openUnlessShredded(ledger, { envelope: patientCopy, commitment: dia, party: patient, owner: patient.address }),
  ).rejects.toMatchObject({ code: 'RECORD_SHREDDED' })
  await expect(open(patientCopy, patient)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' })
  await expect(
    verifyRecord(ledger, { receipt: receipts[1] as never, envelope: patientCopy, party: patient }),
  ).rejects.toMatchObject({ code: 'DECRYPT_FAILED' })
  await expect(custodian.releaseKey(await request(doctor, dia, short.consent.id))).rejects.toMatchObject({
    code: 'RECORD_SHREDDED',
  })
  expect(await custodian.getEntry(dia)).toMatchObject({ shredded: true })
  expect((await custodian.getEntry(dia))?.envelope).toBeUndefined()

  // 9. Every way a token can be bad, each with its named reason.
  await badTokens(ledger, { now, advanceTime }, patient, doctor, stranger)

  return Object.freeze({ events: log.size, releases, emergency: grant })
}

async function badTokens(
  ledger: LedgerAdapter,
  { now, advanceTime }: { now: () => number; advanceTime: (seconds: number) => Promise<void> },
  patient: Party,
  doctor: Party,
  stranger: Party,
): Promise<void> {
  const record = {
    commitment: `0x${'0b'.repeat(32)}` as Hex,
    resourceType: 'Observation',
    labels: [],
    owner: patient.address,
  }
  const ask = (token: ConsentToken, grantee: Party = doctor) =>
    authorize(ledger, { token, grantee, action: 'read', purpose: 'TREAT', record }, { now })
  const base = {
    now,
    party: patient,
    grantee: doctor,
    resourceTypes: ['Observation'],
    actions: ['read', 'delegate'] as const,
    purposes: ['TREAT'],
    durationSeconds: 3600,
    delegationDepth: 1,
  }
  const { token } = await grantConsent(ledger, base)
  expect((await ask(token)).allowed).toBe(true)

  // wrong signer
  const forged = createConsentToken(stranger, ledger.domain, { ...token.consent, grantor: stranger.address })
  expect((await ask({ ...forged, consent: token.consent })).reason).toBe('CONSENT_SIGNATURE_INVALID')
  await expect(ledger.registerConsent({ consent: token.consent, signature: forged.signature })).rejects.toMatchObject({
    code: 'CONSENT_SIGNATURE_INVALID',
  })
  // wrong domain / chain
  const elsewhere = createEvmDomain({ chainId: 999_999, verifyingContract: `0x${'12'.repeat(20)}` })
  expect((await ask(createConsentToken(patient, elsewhere, token.consent))).reason).toBe('CONSENT_WRONG_DOMAIN')
  // tampered field
  expect(
    (await ask({ ...token, consent: { ...token.consent, resourceTypes: ['Observation', 'Condition'] } })).reason,
  ).toBe('CONSENT_SIGNATURE_INVALID')
  // not yet valid, expired
  const t = await ledger.getTime()
  const { token: later } = await grantConsent(ledger, { ...base, notBefore: t + 600 })
  expect((await ask(later)).reason).toBe('CONSENT_NOT_YET_VALID')
  const { token: brief } = await grantConsent(ledger, { ...base, durationSeconds: 30 })
  // revoked
  const { token: revoked } = await grantConsent(ledger, base)
  await revokeConsent(ledger, { party: patient, consentId: revoked.consent.id })
  expect((await ask(revoked)).reason).toBe('CONSENT_REVOKED')
  // replayed id
  const replay = createConsentToken(patient, ledger.domain, { ...token.consent, grantee: stranger.address })
  await expect(ledger.registerConsent({ consent: replay.consent, signature: replay.signature })).rejects.toMatchObject({
    code: 'CONSENT_REPLAYED',
  })
  expect((await ask(replay, stranger)).reason).toBe('CONSENT_REPLAYED')
  // widened delegation: the doctor re-grants more than they hold
  const { token: widened } = await grantConsent(ledger, {
    now,
    party: doctor,
    grantee: stranger,
    parent: token.consent,
    resourceTypes: ['Observation', 'Condition'],
    actions: ['read'],
    purposes: ['TREAT'],
    durationSeconds: 600,
  })
  expect((await ask(widened, stranger)).reason).toBe('DELEGATION_INVALID')
  const { token: narrow } = await grantConsent(ledger, {
    now,
    party: doctor,
    grantee: stranger,
    parent: token.consent,
    resourceTypes: ['Observation'],
    actions: ['read'],
    purposes: ['TREAT'],
    durationSeconds: 600,
  })
  expect((await ask(narrow, stranger)).allowed).toBe(true)
  // a consent the ledger never saw
  const unregistered = createConsentToken(
    patient,
    ledger.domain,
    createConsent({ ...base, grantor: patient, notBefore: t, durationSeconds: 60, actions: ['read'] }),
  )
  expect((await ask(unregistered)).reason).toBe('CONSENT_NOT_FOUND')
  // expired (time moves last, so the cases above ran inside their windows)
  expect((await ask(brief)).allowed).toBe(true)
  await advanceTime(60)
  expect((await ask(brief)).reason).toBe('CONSENT_EXPIRED')
  await expect(
    assertAuthorized(ledger, { token: brief, grantee: doctor, action: 'read', purpose: 'TREAT', record }, { now }),
  ).rejects.toMatchObject({ name: 'ConsentError', code: 'CONSENT_EXPIRED' })
}
