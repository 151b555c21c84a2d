import { createMemoryLedger } from '@medseal/adapter-memory'
import { bytesToHex0x, createAccessLog, createParty, seal } from '@medseal/core'
import { describe, expect, it } from 'vitest'
import { createShcIssuer } from './createShcIssuer.js'
import { issueHealthCardFromRecords } from './issueHealthCardFromRecords.js'
import { verifyHealthCard } from './verifyHealthCard.js'

const patient = {
  resourceType: 'Patient',
  id: 'p1',
  name: [{ family: 'Anyperson', given: ['Jane'] }],
  birthDate: '1960-02-03',
}
const vaccine = {
  resourceType: 'Immunization',
  id: 'i1',
  status: 'completed',
  vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '207', display: 'Moderna' }] },
  patient: { reference: 'Patient/p1' },
  occurrenceDateTime: '2021-01-01',
  note: [{ text: 'SECRET-NOTE' }],
}
const psych = {
  resourceType: 'Condition',
  id: 'c1',
  subject: { reference: 'Patient/p1' },
  code: { text: 'SECRET-CONDITION' },
}

describe('issueHealthCardFromRecords', () => {
  it('opens with the holder key, keeps only the card types, signs, and logs one event per record', async () => {
    let t = 1_700_000_000
    const ledger = createMemoryLedger({ id: 'shc', now: () => t })
    const [holder, operator] = [createParty(), createParty()]
    const log = await createAccessLog({ operator, ledger, name: 'patient-access' })
    const records = await Promise.all(
      [
        patient,
        { resourceType: 'Bundle', type: 'collection', entry: [{ resource: vaccine }, { resource: psych }] },
      ].map((r) => seal(r, { recipients: [holder] })),
    )
    const issuer = await createShcIssuer({ iss: 'https://hospital.example' })
    const { jws, payload } = await issueHealthCardFromRecords(issuer, {
      envelopes: records.map((r) => r.envelope),
      holder,
      log,
      resourceTypes: ['Immunization'],
      types: ['https://smarthealth.cards#immunization'],
      now: () => t,
    })
    const text = JSON.stringify(payload)
    expect(text).not.toContain('SECRET-CONDITION') // a record's other resources stay out
    expect(text).not.toContain('Moderna') // Coding.display is minimized away
    expect(log.size).toBe(2)
    const events = await Promise.all([0, 1].map((i) => log.getEvent(i)))
    expect(events.map((e) => e.action)).toEqual(['shc.issue', 'shc.issue'])
    expect(events.map((e) => e.commitment)).toEqual(records.map((r) => bytesToHex0x(r.commitment)))
    expect(events[0]?.actor.toLowerCase()).toBe(holder.address.toLowerCase())
    const fetch = async () => new Response(JSON.stringify(issuer.jwks()))
    const card = await verifyHealthCard({ fetch, now: () => (t + 10) * 1000 }, { card: jws })
    expect(card.resources.map((r) => r.resourceType)).toEqual(['Patient', 'Immunization'])
    t += 1
  })

  it('refuses a holder that is not a recipient, and records without the requested types (nothing logged)', async () => {
    const ledger = createMemoryLedger({ id: 'shc2' })
    const [holder, stranger, operator] = [createParty(), createParty(), createParty()]
    const log = await createAccessLog({ operator, ledger, name: 'patient-access' })
    const issuer = await createShcIssuer({ iss: 'https://hospital.example' })
    const [p] = await Promise.all([seal(patient, { recipients: [holder] })])
    await expect(
      issueHealthCardFromRecords(issuer, {
        envelopes: [p!.envelope],
        holder: stranger,
        log,
        resourceTypes: ['Immunization'],
      }),
    ).rejects.toMatchObject({ code: 'NOT_A_RECIPIENT' })
    await expect(
      issueHealthCardFromRecords(issuer, { envelopes: [p!.envelope], holder, log, resourceTypes: ['Immunization'] }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect(log.size).toBe(0)
  })
})
