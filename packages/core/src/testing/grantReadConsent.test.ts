import { expect, it } from 'vitest'
import { clockedLedger } from '../consent/_testLedger.js'
import { authorize } from '../consent/authorize.js'
import { createParty } from '../identity/createParty.js'
import { grantReadConsent } from './grantReadConsent.js'

const [patient, doctor] = [1, 2].map((n) => createParty({ seed: new Uint8Array(32).fill(n) })) as [
  ReturnType<typeof createParty>,
  ReturnType<typeof createParty>,
]

it('grants read of Observations for TREAT for an hour, in force at once', async () => {
  const { ledger, clock } = clockedLedger('grant-read')
  const { token } = await grantReadConsent(ledger, { party: patient, grantee: doctor })
  const c = token.consent
  expect([c.resourceTypes, c.commitments, c.actions, c.purposes]).toEqual([['Observation'], [], ['read'], ['TREAT']])
  expect(c.expiresAt - c.notBefore).toBe(3600)
  const record = {
    commitment: `0x${'ab'.repeat(32)}` as const,
    resourceType: 'Observation',
    labels: [],
    owner: patient.address,
  }
  const request = {
    consentId: c.id,
    grantor: patient.address,
    grantee: doctor.address,
    action: 'read' as const,
    purpose: 'TREAT',
    record,
  }
  const now = () => clock.now * 1000
  expect((await authorize(ledger, request, { now })).allowed).toBe(true)
})

it('a field given replaces its default: commitments for the type, expiresAt for the duration, other actions', async () => {
  const { ledger, clock } = clockedLedger('grant-read-2')
  const commitment = `0x${'cd'.repeat(32)}` as const
  const { token } = await grantReadConsent(ledger, {
    party: patient,
    grantee: doctor,
    commitments: [commitment],
    expiresAt: clock.now + 60,
    actions: ['read', 'search'],
  })
  const c = token.consent
  expect([c.resourceTypes, c.commitments, c.actions]).toEqual([[], [commitment], ['read', 'search']])
  expect(c.expiresAt).toBe(clock.now + 60)
})
