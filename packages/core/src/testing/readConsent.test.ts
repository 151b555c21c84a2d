import { expect, it } from 'vitest'
import { createMemoryLedger } from '../consent/_testLedger.js'
import { verifyConsent } from '../consent/verifyConsent.js'
import { signConsent } from '../eip712/structures.js'
import { createParty } from '../identity/createParty.js'
import { readConsent } from './readConsent.js'

const [patient, doctor] = [1, 2].map((n) => createParty({ seed: new Uint8Array(32).fill(n) })) as [
  ReturnType<typeof createParty>,
  ReturnType<typeof createParty>,
]

it('is a patient’s own grant to read Observations for TREAT for an hour, with a fresh id each time', () => {
  const a = readConsent({ grantor: patient.address, grantee: doctor.address })
  const b = readConsent({ grantor: patient.address, grantee: doctor.address })
  expect(a).toEqual({ ...b, id: a.id })
  expect(a.id).not.toBe(b.id)
  expect(a.id).toMatch(/^0x[0-9a-f]{64}$/)
  expect(a.parent).toBe(`0x${'00'.repeat(32)}`)
  expect([a.resourceTypes, a.commitments, a.exclude, a.actions, a.purposes]).toEqual([
    ['Observation'],
    [],
    [],
    ['read'],
    ['TREAT'],
  ])
  expect([a.notBefore, a.expiresAt, a.delegationDepth]).toEqual([1_700_000_000, 1_700_003_600, 0])
})

it('a field given replaces its default (a later start moves the end with it), and it signs and verifies', () => {
  const c = readConsent({
    grantor: patient.address,
    grantee: doctor.address,
    notBefore: 1_800_000_000,
    actions: ['read', 'write'],
  })
  expect([c.notBefore, c.expiresAt, c.actions]).toEqual([1_800_000_000, 1_800_003_600, ['read', 'write']])
  expect(readConsent({ grantor: patient.address, grantee: doctor.address, expiresAt: 1_900_000_000 }).expiresAt).toBe(
    1_900_000_000,
  )
  const ledger = createMemoryLedger({ id: 'read-consent' })
  expect(verifyConsent(ledger.domain, signConsent(patient, ledger.domain, c))).toEqual(c)
})
