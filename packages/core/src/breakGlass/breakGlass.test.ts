import { describe, expect, it } from 'vitest'
import { createAccessLog } from '../accessLog/createAccessLog.js'
import { clockedLedger } from '../consent/_testLedger.js'
import { signTypedData } from '../eip712/signTypedData.js'
import { createParty } from '../identity/createParty.js'
import { consentKey } from '../ledger/consentKey.js'
import { createMemoryBreakGlassStore } from './breakGlassStore.js'
import {
  type BreakGlassReview,
  computeEmergencyGrantId,
  createBreakGlass,
  type EmergencyGrant,
  emergencyAccessTypes,
} from './createBreakGlass.js'
import {
  createClinicianCredential,
  createEmergencyPolicy,
  signClinicianCredential,
  signEmergencyPolicy,
  verifyClinicianCredential,
  verifyEmergencyPolicy,
} from './emergencyPolicy.js'
import { withdrawClinicianCredential, withdrawEmergencyPolicy } from './withdraw.js'

async function setup(id = 'break-glass') {
  const { ledger, clock } = clockedLedger(id)
  const [patient, hospital, clinician, otherHospital, vendor] = [1, 2, 3, 4, 5].map(() => createParty())
  if (!patient || !hospital || !clinician || !otherHospital || !vendor) throw new Error('parties')
  const log = await createAccessLog({ operator: vendor, ledger, name: 'access' })
  const now = clock.now
  const policy = signEmergencyPolicy(
    patient,
    ledger.domain,
    createEmergencyPolicy({
      patient,
      resourceTypes: ['AllergyIntolerance', 'MedicationStatement', 'Condition'],
      exclude: ['PSY'],
      issuers: [hospital],
      role: 'emergency-physician',
      maxDuration: 3600,
      notBefore: now - 10,
      expiresAt: now + 365 * 86_400,
    }),
  )
  const credential = signClinicianCredential(
    hospital,
    ledger.domain,
    createClinicianCredential({
      issuer: hospital,
      subject: clinician,
      role: 'emergency-physician',
      notBefore: now - 10,
      expiresAt: now + 86_400,
    }),
  )
  const notified: { grant: EmergencyGrant; review: BreakGlassReview }[] = []
  const emergency = createBreakGlass({ ledger, log, now: () => clock.now * 1000, notify: (e) => void notified.push(e) })
  return {
    ledger,
    clock,
    log,
    patient,
    hospital,
    clinician,
    otherHospital,
    vendor,
    policy,
    credential,
    emergency,
    notified,
  }
}

/** A break-glass request the clinician of `s` signs: AllergyIntolerance for 600 s, dated now; `over` changes fields. */
function signedRequest(
  s: Awaited<ReturnType<typeof setup>>,
  over: { readonly id?: `0x${string}`; readonly reason?: string; readonly issuedAt?: number } = {},
) {
  const access = {
    id: over.id ?? (`0x${'6b'.repeat(32)}` as const),
    policyId: s.policy.policy.id,
    credentialId: s.credential.credential.id,
    clinician: s.clinician.address,
    resourceTypes: ['AllergyIntolerance'],
    duration: 600,
    reason: over.reason ?? 'Trauma',
    issuedAt: over.issuedAt ?? s.clock.now,
    service: s.emergency.serviceId,
  }
  const signature = signTypedData(s.clinician, {
    domain: s.ledger.domain,
    types: emergencyAccessTypes,
    primaryType: 'EmergencyAccess',
    message: access,
  })
  return { access, request: { access: { access, signature }, policy: s.policy, credential: s.credential } }
}

const allergy = { commitment: `0x${'aa'.repeat(32)}` as const, resourceType: 'AllergyIntolerance', labels: [] }

describe('break-glass', () => {
  it('grants bounded emergency access: logged as ETREAT, head anchored at once, notified, queued for review', async () => {
    const s = await setup()
    const grant = await s.emergency.breakGlass({
      clinician: s.clinician,
      policy: s.policy,
      credential: s.credential,
      reason: 'Unconscious on arrival, allergy status needed',
    })
    expect(grant).toMatchObject({
      patient: s.patient.address,
      clinician: s.clinician.address,
      startsAt: s.clock.now,
      expiresAt: s.clock.now + 3600,
      reason: 'Unconscious on arrival, allergy status needed',
    })
    // the log entry exists and its head is already on the ledger
    expect(s.log.size).toBe(1)
    const event = await s.log.getEvent(0)
    expect(event).toMatchObject({
      actor: s.clinician.address, // checksummed, as every address the SDK returns (issue 15)
      action: 'break-glass',
      purpose: 'ETREAT',
      outcome: 'permit',
      policyId: s.policy.policy.id,
      reason: 'Unconscious on arrival, allergy status needed',
    })
    const head = await s.ledger.getTreeHead(s.log.logId)
    expect(head?.head.treeSize).toBe(1)
    // notified and queued
    expect(s.notified).toHaveLength(1)
    expect(s.notified[0]?.grant.id).toBe(grant.id)
    expect((await s.emergency.listPendingReviews({ patient: s.patient.address })).map((r) => r.id)).toEqual([grant.id])
    // the grant works for the policy's types, read-only, ETREAT, and ends by itself
    const use = (over: object = {}) =>
      s.emergency.authorizeEmergency({
        grantId: grant.id,
        grantee: s.clinician,
        action: 'read',
        purpose: 'ETREAT',
        record: { ...allergy, owner: s.patient.address },
        ...over,
      })
    expect((await use()).allowed).toBe(true)
    expect((await use({ purpose: 'TREAT' })).reason).toBe('CONSENT_PURPOSE')
    expect((await use({ action: 'write' })).reason).toBe('CONSENT_ACTION')
    expect((await use({ grantee: s.hospital })).reason).toBe('CONSENT_GRANTEE')
    expect((await use({ record: { ...allergy, resourceType: 'Observation' } })).reason).toBe('CONSENT_SCOPE')
    expect((await use({ record: { ...allergy, labels: ['PSY'] } })).reason).toBe('CONSENT_EXCLUDED')
    expect((await use({ record: { ...allergy, owner: s.hospital.address } })).reason).toBe('CONSENT_SCOPE')
    expect((await use({ grantId: `0x${'12'.repeat(32)}` })).reason).toBe('CONSENT_NOT_FOUND')
    s.clock.now = grant.expiresAt
    expect((await use()).reason).toBe('CONSENT_EXPIRED')
    // review
    const reviewed = await s.emergency.markReviewed(grant.id, s.patient, 'Seen, justified.')
    expect(reviewed).toMatchObject({ status: 'reviewed', reviewer: s.patient.address, note: 'Seen, justified.' })
    expect(await s.emergency.listPendingReviews()).toEqual([])
    expect(await s.emergency.listReviews({ patient: s.patient.address })).toHaveLength(1)
    await expect(s.emergency.markReviewed(`0x${'12'.repeat(32)}`, s.patient, 'x')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
  })

  it('caps the duration by the policy and honours a narrower request', async () => {
    const s = await setup()
    const grant = await s.emergency.breakGlass({
      clinician: s.clinician,
      policy: s.policy,
      credential: s.credential,
      reason: 'Anaphylaxis',
      durationSeconds: 99_999,
      resourceTypes: ['AllergyIntolerance'],
    })
    expect(grant.expiresAt - grant.startsAt).toBe(3600)
    expect(grant.resourceTypes).toEqual(['AllergyIntolerance'])
  })

  it('refuses with BREAK_GLASS_INVALID (and logs the denial) when anything is off', async () => {
    const s = await setup()
    const bad = async (over: Partial<Parameters<typeof s.emergency.breakGlass>[0]>) => {
      await expect(
        s.emergency.breakGlass({
          clinician: s.clinician,
          policy: s.policy,
          credential: s.credential,
          reason: 'r',
          ...over,
        }),
      ).rejects.toMatchObject({ name: 'ConsentError', code: 'BREAK_GLASS_INVALID' })
    }
    await bad({ reason: '' })
    await bad({ reason: '   ' })
    // a credential from an issuer the policy does not accept
    await bad({
      credential: signClinicianCredential(
        s.otherHospital,
        s.ledger.domain,
        createClinicianCredential({
          issuer: s.otherHospital,
          subject: s.clinician,
          role: 'emergency-physician',
          notBefore: s.clock.now - 1,
          expiresAt: s.clock.now + 60,
        }),
      ),
    })
    // the wrong role
    await bad({
      credential: signClinicianCredential(
        s.hospital,
        s.ledger.domain,
        createClinicianCredential({
          issuer: s.hospital,
          subject: s.clinician,
          role: 'porter',
          notBefore: s.clock.now - 1,
          expiresAt: s.clock.now + 60,
        }),
      ),
    })
    // someone else's credential
    await bad({ clinician: s.otherHospital })
    // a tampered policy
    await bad({ policy: { ...s.policy, policy: { ...s.policy.policy, maxDuration: 86_400 } } })
    // resource types the policy does not open
    await bad({ resourceTypes: ['Observation'] })
    // an expired credential (ledger time)
    s.clock.now += 86_400
    await bad({})
    const denials = await Promise.all(Array.from({ length: s.log.size }, (_, i) => s.log.getEvent(i)))
    expect(denials.length).toBeGreaterThanOrEqual(5)
    expect(denials.every((e) => e.outcome === 'deny' && e.purpose === 'ETREAT')).toBe(true)
    expect(await s.emergency.listPendingReviews()).toEqual([])
  })

  it('a failing notification hook does not undo the logged access', async () => {
    const s = await setup()
    const emergency = createBreakGlass({
      ledger: s.ledger,
      log: s.log,
      now: () => s.clock.now * 1000,
      notify: () => {
        throw new Error('pager down')
      },
    })
    const grant = await emergency.breakGlass({
      clinician: s.clinician,
      policy: s.policy,
      credential: s.credential,
      reason: 'Trauma',
    })
    expect((await emergency.listPendingReviews())[0]).toMatchObject({ id: grant.id, notifyFailed: true })
  })

  it('verifies policies and credentials under the ledger domain only', async () => {
    const s = await setup()
    const { ledger: other } = clockedLedger('other-ledger')
    expect(verifyEmergencyPolicy(s.ledger.domain, s.policy).id).toBe(s.policy.policy.id)
    expect(verifyClinicianCredential(s.ledger.domain, s.credential).id).toBe(s.credential.credential.id)
    expect(() => verifyEmergencyPolicy(other.domain, s.policy)).toThrowError(
      expect.objectContaining({ code: 'BREAK_GLASS_INVALID' }),
    )
    expect(() => verifyClinicianCredential(other.domain, s.credential)).toThrowError(
      expect.objectContaining({ code: 'BREAK_GLASS_INVALID' }),
    )
    expect(() => signEmergencyPolicy(s.clinician, s.ledger.domain, s.policy.policy)).toThrowError(
      expect.objectContaining({ code: 'BREAK_GLASS_INVALID' }),
    )
    expect(() =>
      createEmergencyPolicy({ ...s.policy.policy, patient: s.patient, issuers: [s.hospital], maxDuration: 0 }),
    ).toThrowError(expect.objectContaining({ code: 'BREAK_GLASS_INVALID' }))
  })
})

const withoutId = <T extends { id: unknown }>({ id: _, ...rest }: T) => rest

describe('break-glass: security review (issue 12)', () => {
  const use = (s: Awaited<ReturnType<typeof setup>>, grant: EmergencyGrant) =>
    s.emergency.authorizeEmergency({
      grantId: grant.id,
      grantee: s.clinician,
      action: 'read',
      purpose: 'ETREAT',
      record: { ...allergy, owner: s.patient.address },
    })

  it('review #5: grant ids are derived from the signed request, never the request’s own id', async () => {
    const s = await setup()
    const chosen = `0x${'77'.repeat(32)}` as const
    const { access, request } = signedRequest(s, { id: chosen, reason: 'Unconscious on arrival' })
    const grant = await s.emergency.accept(request)
    expect(grant.id).not.toBe(chosen)
    expect(grant.accessId).toBe(chosen)
    expect(grant.id).toBe(computeEmergencyGrantId(s.ledger.domain, access))
    expect(await s.emergency.getGrant(chosen)).toBeUndefined()
    expect((await use(s, grant)).allowed).toBe(true)
    // the same signed request is accepted once
    await expect(s.emergency.accept(request)).rejects.toMatchObject({ code: 'BREAK_GLASS_INVALID' })
  })

  it('review #10: a withdrawn emergency policy opens nothing, at accept and at every use', async () => {
    const s = await setup()
    const grant = await s.emergency.breakGlass({
      clinician: s.clinician,
      policy: s.policy,
      credential: s.credential,
      reason: 'Trauma',
    })
    expect((await use(s, grant)).allowed).toBe(true)
    // a stranger's revocation of the same id is another key: it withdraws nothing
    await withdrawEmergencyPolicy(s.ledger, { party: s.hospital, policyId: s.policy.policy.id })
    expect((await use(s, grant)).allowed).toBe(true)
    await withdrawEmergencyPolicy(s.ledger, { party: s.patient, policyId: s.policy.policy.id })
    expect(await s.ledger.getRevocation(consentKey(s.patient.address, s.policy.policy.id))).toBeDefined()
    expect((await use(s, grant)).reason).toBe('CONSENT_REVOKED')
    await expect(
      s.emergency.breakGlass({ clinician: s.clinician, policy: s.policy, credential: s.credential, reason: 'Again' }),
    ).rejects.toMatchObject({ code: 'CONSENT_REVOKED' })
    // idempotent
    await expect(
      withdrawEmergencyPolicy(s.ledger, { party: s.patient, policyId: s.policy.policy.id }),
    ).resolves.toBeDefined()
  })

  it('review #10: a withdrawn clinician credential opens nothing, at accept and at every use', async () => {
    const s = await setup()
    const grant = await s.emergency.breakGlass({
      clinician: s.clinician,
      policy: s.policy,
      credential: s.credential,
      reason: 'Trauma',
    })
    await withdrawClinicianCredential(s.ledger, { party: s.hospital, credentialId: s.credential.credential.id })
    expect((await use(s, grant)).reason).toBe('CONSENT_REVOKED')
    await expect(
      s.emergency.breakGlass({ clinician: s.clinician, policy: s.policy, credential: s.credential, reason: 'Again' }),
    ).rejects.toMatchObject({ code: 'CONSENT_REVOKED' })
    const denial = await s.log.getEvent(s.log.size - 1)
    expect(denial).toMatchObject({ outcome: 'deny', reason: 'CONSENT_REVOKED' })
  })

  it('review #10: a grant never outlives its credential or its policy', async () => {
    const s = await setup()
    const shortCredential = signClinicianCredential(
      s.hospital,
      s.ledger.domain,
      createClinicianCredential({
        issuer: s.hospital,
        subject: s.clinician,
        role: 'emergency-physician',
        notBefore: s.clock.now - 10,
        expiresAt: s.clock.now + 600,
      }),
    )
    const grant = await s.emergency.breakGlass({
      clinician: s.clinician,
      policy: s.policy,
      credential: shortCredential,
      reason: 'Trauma',
    })
    expect(grant.expiresAt).toBe(s.clock.now + 600)
    const shortPolicy = signEmergencyPolicy(
      s.patient,
      s.ledger.domain,
      createEmergencyPolicy({ ...withoutId(s.policy.policy), expiresAt: s.clock.now + 120 }),
    )
    const capped = await s.emergency.breakGlass({
      clinician: s.clinician,
      policy: shortPolicy,
      credential: s.credential,
      reason: 'Trauma',
    })
    expect(capped.expiresAt).toBe(s.clock.now + 120)
    s.clock.now += 600
    expect((await use(s, grant)).reason).toBe('CONSENT_EXPIRED')
  })

  it('review #7: a stalled ledger clock does not extend a grant past the host clock', async () => {
    const s = await setup()
    const host = { ms: s.clock.now * 1000 }
    const emergency = createBreakGlass({ ledger: s.ledger, log: s.log, now: () => host.ms })
    const grant = await emergency.breakGlass({
      clinician: s.clinician,
      policy: s.policy,
      credential: s.credential,
      reason: 'Trauma',
    })
    const decide = () =>
      emergency.authorizeEmergency({
        grantId: grant.id,
        grantee: s.clinician,
        action: 'read',
        purpose: 'ETREAT',
        record: { ...allergy, owner: s.patient.address },
      })
    expect((await decide()).allowed).toBe(true)
    // the ledger's clock stands still; the host's moves past the grant's end
    host.ms = grant.expiresAt * 1000
    expect((await decide()).reason).toBe('CONSENT_EXPIRED')
    // and a credential the host clock sees expired is refused at accept
    host.ms = (s.clock.now + 2 * 86_400) * 1000
    await expect(
      emergency.breakGlass({ clinician: s.clinician, policy: s.policy, credential: s.credential, reason: 'Again' }),
    ).rejects.toMatchObject({ code: 'BREAK_GLASS_INVALID' })
  })
})

describe('break-glass requests in time (issue 12)', () => {
  it('review #12: a break-glass request dated minutes ahead of ledger time is refused; one is accepted once', async () => {
    const s = await setup()
    const sign = (issuedAt: number) => signedRequest(s, { id: `0x${'5a'.repeat(32)}`, issuedAt }).request
    await expect(s.emergency.accept(sign(s.clock.now + 120))).rejects.toMatchObject({ code: 'BREAK_GLASS_INVALID' })
    await expect(s.emergency.accept(sign(s.clock.now - 301))).rejects.toMatchObject({ code: 'BREAK_GLASS_INVALID' })
    const ok = sign(s.clock.now + 10)
    await expect(s.emergency.accept(ok)).resolves.toBeDefined()
    await expect(s.emergency.accept(ok)).rejects.toMatchObject({ code: 'BREAK_GLASS_INVALID' })
  })

  it('issue 13: the grant, its review and its log entry commit together — concurrent accepts of one request log one permit; a grant that cannot be stored logs none', async () => {
    const s = await setup()
    const sign = (id: string) => signedRequest(s, { id: `0x${id.repeat(32)}` }).request
    const request = sign('6b')
    const settled = await Promise.allSettled(Array.from({ length: 4 }, () => s.emergency.accept(request)))
    expect(settled.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of settled.filter((r) => r.status === 'rejected'))
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'BREAK_GLASS_INVALID' })
    const events = await Promise.all(Array.from({ length: s.log.size }, (_, i) => s.log.getEvent(i)))
    expect(events.filter((e) => e.outcome === 'permit')).toHaveLength(1)
    expect(await s.emergency.listPendingReviews()).toHaveLength(1)

    // A store whose grant write fails: the access is refused and NO permit is logged (appending first, then storing
    // the grant, left a logged permit without a grant or review).
    const broken = createMemoryBreakGlassStore()
    const failing = Object.freeze({
      ...broken,
      insertGrant: async () => {
        throw new Error('disk full')
      },
      commitGrant: async () => {
        throw new Error('disk full')
      },
    })
    const { ledger, clock, log } = s
    const service = createBreakGlass({ ledger, log, store: failing, now: () => clock.now * 1000 })
    const before = log.size
    await expect(service.accept(sign('7c'))).rejects.toThrow()
    const after = await Promise.all(Array.from({ length: log.size - before }, (_, i) => log.getEvent(before + i)))
    expect(after.filter((e) => e.outcome === 'permit')).toEqual([])
  })

  it('issue 14: a break-glass request names its service; a copy sent to another service on the same ledger is refused and logs nothing there', async () => {
    const s = await setup()
    const otherLog = await createAccessLog({ operator: s.vendor, ledger: s.ledger, name: 'other-service' })
    const other = createBreakGlass({ ledger: s.ledger, log: otherLog, now: () => s.clock.now * 1000 })
    expect(other.serviceId).toBe(otherLog.logId.toLowerCase())
    expect(other.serviceId).not.toBe(s.emergency.serviceId)
    const { access, request } = signedRequest(s)
    await expect(other.accept(request)).rejects.toMatchObject({ code: 'BREAK_GLASS_INVALID' })
    expect(await otherLog.store.size()).toBe(0)
    expect(await other.listReviews()).toHaveLength(0)
    // the service it names accepts it
    await expect(s.emergency.accept(request)).resolves.toMatchObject({ clinician: s.clinician.address })
    // a request without the field is malformed
    const { service: _omit, ...old } = access
    const oldSignature = signTypedData(s.clinician, {
      domain: s.ledger.domain,
      types: emergencyAccessTypes,
      primaryType: 'EmergencyAccess',
      message: { ...old, service: `0x${'00'.repeat(32)}` },
    })
    await expect(
      s.emergency.accept({ ...request, access: { access: old as never, signature: oldSignature } }),
    ).rejects.toMatchObject({ code: 'BREAK_GLASS_INVALID' })
    // a service needs an id: a log without logId and no serviceId is refused
    expect(() =>
      createBreakGlass({ ledger: s.ledger, log: { append: async () => 0, publishHead: async () => 0 } }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_TYPE' }))
  })
})

describe('break-glass over a store', () => {
  it('a restarted service (same store) still honours the grant and keeps the review queue', async () => {
    const s = await setup('break-glass-store')
    const store = createMemoryBreakGlassStore()
    const first = createBreakGlass({ ledger: s.ledger, log: s.log, store, now: () => s.clock.now * 1000 })
    const grant = await first.breakGlass({
      clinician: s.clinician,
      policy: s.policy,
      credential: s.credential,
      reason: 'Unconscious on arrival',
    })
    const restarted = createBreakGlass({ ledger: s.ledger, log: s.log, store, now: () => s.clock.now * 1000 })
    expect(await restarted.getGrant(grant.id)).toEqual(grant)
    expect((await restarted.listPendingReviews()).map((r) => r.id)).toEqual([grant.id])
    const decision = await restarted.authorizeEmergency({
      grantId: grant.id,
      grantee: s.clinician,
      action: 'read',
      purpose: 'ETREAT',
      record: { ...allergy, owner: s.patient.address },
    })
    expect(decision.allowed).toBe(true)
    await restarted.markReviewed(grant.id, s.hospital, 'justified')
    expect(await first.listPendingReviews()).toEqual([])
    expect((await first.listReviews())[0]).toMatchObject({ status: 'reviewed', note: 'justified' })
    expect(() => createBreakGlass({ ledger: s.ledger, log: s.log, store: {} as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_TYPE' }),
    )
  })
})
