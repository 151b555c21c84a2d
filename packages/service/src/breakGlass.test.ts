import {
  createClinicianCredential,
  createEmergencyPolicy,
  createKeyRequest,
  createParty,
  open,
  type Party,
  signClinicianCredential,
  signEmergencyPolicy,
} from '@medseal/core'
import { afterEach, describe, expect, it } from 'vitest'
import { conform } from './_openApiCheck.js'
import { createTestService, observation, req } from './_testService.js'
import { createCustodianClient } from './createCustodianClient.js'
import { createEmergencyAccess } from './createEmergencyAccess.js'
import { createReviewRequest } from './reviewRequest.js'
import { serve } from './serve.js'

const servers: { close(): Promise<void> }[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
})

async function setup() {
  const officer = createParty()
  const s = await createTestService({ reviewers: [officer.address] })
  const hospital = createParty()
  const now = await s.ledger.getTime()
  const policy = signEmergencyPolicy(
    s.patient,
    s.ledger.domain,
    createEmergencyPolicy({
      patient: s.patient,
      resourceTypes: ['Observation'],
      exclude: [],
      issuers: [hospital],
      role: 'emergency-physician',
      maxDuration: 3600,
      notBefore: now - 10,
      expiresAt: now + 86_400,
    }),
  )
  const credential = signClinicianCredential(
    hospital,
    s.ledger.domain,
    createClinicianCredential({
      issuer: hospital,
      subject: s.doctor,
      role: 'emergency-physician',
      notBefore: now - 10,
      expiresAt: now + 86_400,
    }),
  )
  const server = await serve({ handler: s.handler })
  servers.push(server)
  const client = await createCustodianClient({ url: server.url })
  /** A break-glass request under the fixture's policy and credential: by the doctor for this service unless told. */
  const emergencyAccess = async (over: { signer?: Party; service?: `0x${string}` } = {}) =>
    createEmergencyAccess(over.signer ?? s.doctor, s.ledger.domain, {
      policy,
      credential,
      reason: 'Unconscious on arrival',
      issuedAt: await s.ledger.getTime(),
      service: over.service ?? s.breakGlass.serviceId,
    })
  /** Sends a break-glass request through the client and expects BREAK_GLASS_INVALID. */
  const expectInvalid = (access: Awaited<ReturnType<typeof emergencyAccess>>) =>
    expect(client.acceptBreakGlass({ access, policy, credential })).rejects.toMatchObject({
      name: 'ConsentError',
      code: 'BREAK_GLASS_INVALID',
    })
  return { ...s, officer, policy, credential, server, client, emergencyAccess, expectInvalid }
}

describe('break-glass over HTTP', () => {
  it('a clinician breaks the glass from their own device, reads with the grant; the officer reviews; the patient sees it', async () => {
    const s = await setup()
    await s.client.deposit(await s.deposit())
    const access = await s.emergencyAccess({
      service: (await s.client.health()).breakGlassService as `0x${string}`,
    })
    expect((await s.client.health()).breakGlassService).toBe(s.breakGlass.serviceId)
    const accepted = await s.handler(
      req('/v1/break-glass', { body: { access, policy: s.policy, credential: s.credential } }),
    )
    const grant = ((await conform(accepted, 'POST', '/v1/break-glass')) as { grant: { id: `0x${string}` } }).grant
    expect(accepted.status).toBe(201)

    const ask = createKeyRequest(s.doctor, s.ledger.domain, {
      consentId: grant.id,
      grantor: s.patient.address,
      commitment: s.commitment,
      action: 'read',
      purpose: 'ETREAT',
      issuedAt: await s.ledger.getTime(),
      custodian: s.custodian.identity,
    })
    const { envelope } = await s.client.releaseKey(ask)
    expect((await open(envelope, s.doctor)).value).toEqual(observation)

    const issuedAt = await s.ledger.getTime()
    const custodian = s.custodian.identity
    const pendingReq = createReviewRequest(s.officer, s.ledger.domain, { action: 'pending', issuedAt, custodian })
    const listed = await s.handler(req('/v1/break-glass/reviews', { body: pendingReq }))
    const pending = ((await conform(listed, 'POST', '/v1/break-glass/reviews')) as { reviews: { id: `0x${string}` }[] })
      .reviews
    expect(pending).toHaveLength(1)
    const reviewId = pending[0]?.id as `0x${string}`

    // the patient lists their own; a stranger and the patient asking for everyone are refused
    const own = createReviewRequest(s.patient, s.ledger.domain, {
      action: 'list',
      patient: s.patient.address,
      issuedAt,
      custodian,
    })
    expect(await s.client.listBreakGlassReviews(own)).toHaveLength(1)
    for (const signed of [
      createReviewRequest(s.patient, s.ledger.domain, { action: 'list', issuedAt, custodian }),
      createReviewRequest(createParty(), s.ledger.domain, {
        action: 'list',
        patient: s.patient.address,
        issuedAt,
        custodian,
      }),
      createReviewRequest(s.patient, s.ledger.domain, { action: 'mark', reviewId, note: 'fine', issuedAt, custodian }),
    ]) {
      const path = signed.request.action === 'mark' ? '/v1/break-glass/reviews/mark' : '/v1/break-glass/reviews'
      const r = await s.handler(req(path, { body: signed }))
      expect(r.status).toBe(403)
      expect(((await conform(r, 'POST', path)) as { code: string }).code).toBe('ACCESS_DENIED')
    }
    // stale, and for another custodian
    for (const signed of [
      createReviewRequest(s.officer, s.ledger.domain, { action: 'pending', issuedAt: issuedAt - 3600, custodian }),
      createReviewRequest(s.officer, s.ledger.domain, { action: 'pending', issuedAt, custodian: createParty() }),
    ])
      await expect(s.client.listBreakGlassReviews(signed)).rejects.toMatchObject({
        name: 'ConsentError',
        code: 'ACCESS_DENIED',
      })

    const mark = createReviewRequest(s.officer, s.ledger.domain, {
      action: 'mark',
      reviewId,
      note: 'Checked with the ward: justified.',
      issuedAt,
      custodian,
    })
    const marked = await s.handler(req('/v1/break-glass/reviews/mark', { body: mark }))
    const review = ((await conform(marked, 'POST', '/v1/break-glass/reviews/mark')) as { review: { status: string } })
      .review
    expect(review.status).toBe('reviewed')
    expect(await s.client.listBreakGlassReviews(pendingReq)).toHaveLength(0)
  })

  it('a break-glass request not signed by the clinician is BREAK_GLASS_INVALID', async () => {
    const s = await setup()
    await s.expectInvalid(await s.emergencyAccess({ signer: createParty() }))
  })

  it('a break-glass request for another service is BREAK_GLASS_INVALID (issue 14: requests name their service)', async () => {
    const s = await setup()
    await s.expectInvalid(await s.emergencyAccess({ service: `0x${'42'.repeat(32)}` }))
    expect((await s.client.accessLog.signedHead()).head.treeSize).toBe(0)
  })

  it('without a break-glass service the routes are NOT_FOUND', async () => {
    const s = await createTestService({ breakGlass: undefined } as never)
    const { createCustodianHandler } = await import('./createCustodianHandler.js')
    const handler = createCustodianHandler({ custodian: s.custodian, accessLog: s.accessLog, ledger: s.ledger })
    const r = await handler(req('/v1/break-glass', { body: {} }))
    expect([r.status, (await r.json()).code]).toEqual([404, 'NOT_FOUND'])
  })
})
