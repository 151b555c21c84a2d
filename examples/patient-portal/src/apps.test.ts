/**
 * The apps' models without a page, over an in-process records service (custodian and access log on a memory
 * ledger): the patient grants, the clinician reads, the patient revokes, the clinician is refused with an explanation,
 * and the patient's log check marks each row verified against the ledger once the service anchored its head. A second
 * patient app over the same stores (a reload) seals nothing again and finishes a revocation the first one left.
 */
import { createMemoryLedger } from '@medseal/adapter-memory'
import {
  createAccessLog,
  createCustodian,
  createMemoryAnchorStore,
  createMemorySyncCheckpointStore,
  createParty,
  revokeConsent,
} from '@medseal/core'
import { describe, expect, it } from 'vitest'
import { readShared } from './clinicianApp.js'
import { accessLogView, type ServiceConnection } from './connection.js'
import { memoryListStore, type StoredClinician, type StoredGrant } from './grantStore.js'
import { createPatientApp } from './patientApp.js'
import { readShare, shareLink } from './share.js'

async function inProcessService() {
  const ledger = createMemoryLedger({ id: 'apps-model' })
  const operator = createParty()
  const log = await createAccessLog({ operator, ledger, name: 'apps-access' })
  const custodian = createCustodian({ party: operator, ledger, log })
  const service: ServiceConnection = { url: 'http://127.0.0.1:1', custodian, ledger, log: accessLogView(log) }
  return { service, log }
}

describe('patient and clinician apps (models)', () => {
  it('grant → read → revoke → refused → the log verified; a reload seals nothing again and finishes a revocation', async () => {
    const { service, log } = await inProcessService()
    const patient = createParty()
    const clinician = createParty()
    const stores = {
      records: createMemorySyncCheckpointStore(),
      anchor: createMemoryAnchorStore(),
      grants: memoryListStore<StoredGrant>((g) => g.id),
      clinicians: memoryListStore<StoredClinician>((c) => c.address.toLowerCase()),
    }
    const app = await createPatientApp(service, { patient, stores })
    expect(app.records.map((r) => r.name)).toEqual([
      'Ada Lovelace',
      'Heart rate — 1 Mar 2025',
      'Body mass index — 1 Mar 2025',
      'Asthma — 14 Jun 2019',
      'Albuterol inhaler — 1 Mar 2025',
      'Hemoglobin A1c — 2 Mar 2024',
    ])
    expect(app.records.every((r) => r.verified)).toBe(true)

    await expect(app.addClinician({ name: 'Dr Grace Hopper', address: '0x1234' })).rejects.toMatchObject({
      explanation: { code: 'INVALID_ARGUMENT', what: 'That clinician ID is not valid.' },
    })
    await expect(app.addClinician({ name: ' ', address: clinician.address })).rejects.toMatchObject({
      explanation: { what: "The clinician's name is missing." },
    })
    for (const [params, what] of [
      [{ clinician: '0x12', resourceTypes: ['Observation'], durationSeconds: 60 }, 'No clinician is chosen.'],
      [{ clinician: clinician.address, resourceTypes: [], durationSeconds: 60 }, 'No kind of record is chosen.'],
      [{ clinician: clinician.address, resourceTypes: ['Observation'], durationSeconds: 0 }, 'No duration is chosen.'],
    ] as const)
      await expect(app.grant(params as never)).rejects.toMatchObject({ explanation: { what } })
    await expect(app.revoke(`0x${'00'.repeat(32)}`)).rejects.toMatchObject({
      explanation: { what: 'This access is not in your list any more.' },
    })
    const dr = await app.addClinician({ name: 'Dr Grace Hopper', address: clinician.address })
    const grant = await app.grant({ clinician: dr.address, resourceTypes: ['Observation'], durationSeconds: 3600 })
    expect(grant.clinician.name).toBe('Dr Grace Hopper')
    const shared = app.sharedRecords(grant)
    expect(shared).toHaveLength(3)
    const link = shareLink('http://127.0.0.1:2/clinician.html', {
      service: service.url,
      consent: grant.token,
      records: shared,
    })
    const share = readShare(new URL(link).hash)
    expect(share).toEqual({ service: service.url, consent: grant.token, records: shared })
    const onChain = shareLink('http://127.0.0.1:2/clinician.html', {
      service: service.url,
      consent: grant.token,
      records: shared,
      rpc: 'http://127.0.0.1:8545',
    })
    expect(readShare(new URL(onChain).hash)?.rpc).toBe('http://127.0.0.1:8545')
    expect(() => readShare(new URL(onChain.replace('rpc=http', 'rpc=ftp')).hash)).toThrow(
      expect.objectContaining({ code: 'INVALID_ENCODING' }),
    )

    const read = await readShared(service, { clinician, share: share as never, commitment: shared[0] as never })
    expect(read).toMatchObject({ ok: true, summary: { title: 'Heart rate', date: '1 Mar 2025' } })
    if (read.ok) expect(read.summary.facts).toContainEqual(['Result', '72 /min'])
    // another clinician with the same link is refused, in words
    const stranger = await readShared(service, {
      clinician: createParty(),
      share: share as never,
      commitment: shared[0] as never,
    })
    expect(stranger).toMatchObject({ ok: false, error: { code: 'CONSENT_GRANTEE', offline: false } })

    await app.revoke(grant.id)
    expect((await app.grants())[0]?.revoked).toBe(true)
    const refused = await readShared(service, { clinician, share: share as never, commitment: shared[0] as never })
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'CONSENT_REVOKED', what: 'The patient has withdrawn this access.' },
    })

    // before the service anchored its log head: rows are in its signed head only
    let report = await app.verifyLog()
    expect(report.rows.map((r) => r.status)).toEqual(['pending', 'pending', 'pending'])
    await log.publishHead()
    report = await app.verifyLog()
    expect(report.rows.map((r) => [r.who, r.record, r.event.outcome, r.status])).toEqual([
      ['Dr Grace Hopper', 'Heart rate — 1 Mar 2025', 'permit', 'verified'],
      [stranger.ok ? '' : expect.stringMatching(/^0x/), 'Heart rate — 1 Mar 2025', 'deny', 'verified'],
      ['Dr Grace Hopper', 'Heart rate — 1 Mar 2025', 'deny', 'verified'],
    ])
    // one more event after the anchor: proven to extend the anchored head, shown as pending
    await readShared(service, { clinician, share: share as never, commitment: shared[1] as never })
    report = await app.verifyLog()
    expect(report.rows.map((r) => r.status)).toEqual(['verified', 'verified', 'verified', 'pending'])

    // a second grant whose revocation reaches the ledger, the tab closing before the purge and the local note
    const second = await app.grant({ clinician: dr.address, resourceTypes: ['Condition'], durationSeconds: 600 })
    await revokeConsent(service.ledger, { party: patient, consentId: second.id })
    const reloaded = await createPatientApp(service, { patient, stores })
    expect(reloaded.records.map((r) => r.commitment)).toEqual(app.records.map((r) => r.commitment))
    expect((await reloaded.grants()).map((g) => g.revoked)).toEqual([true, true])
  })

  it('a damaged share link is refused with its code', () => {
    expect(readShare('#nothing=here')).toBeUndefined()
    expect(() => readShare('#service=ftp%3A%2F%2Fx&consent=msc1.x&records=00')).toThrow(
      expect.objectContaining({ code: 'INVALID_ENCODING' }),
    )
    expect(() => readShare('#service=http%3A%2F%2Fx&consent=msc1.x&records=00')).toThrow(
      expect.objectContaining({ code: 'CONSENT_MALFORMED' }),
    )
  })
})
