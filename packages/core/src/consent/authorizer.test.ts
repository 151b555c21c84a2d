import { expect, it } from 'vitest'
import { isSdkError } from '../errors/base.js'
import { createParty } from '../identity/createParty.js'
import { clockedLedger } from './_testLedger.js'
import { _createAuthorizer, type AuthorizeRequest, authorize } from './authorize.js'
import { createConsentCache } from './consentCache.js'
import { grantConsent } from './grantConsent.js'
import { revokeConsent } from './revokeConsent.js'
import type { ConsentAction } from './types.js'

const party = (n: number) => createParty({ seed: new Uint8Array(32).fill(n) })
const outcome = <T>(p: Promise<T>) =>
  p.then(
    (d) => d,
    (e: unknown) => (isSdkError(e) ? e.code : String(e)),
  )

it('the custodian’s authorizer decides exactly as authorize, request by request (permits, denials, bad records)', async () => {
  const { ledger, clock } = clockedLedger('authorizer')
  const [patient, doctor, other] = [party(1), party(2), party(3)]
  const { token } = await grantConsent(ledger, {
    party: patient,
    grantee: doctor,
    resourceTypes: ['Observation'],
    actions: ['read'],
    purposes: ['TREAT'],
    durationSeconds: 3600,
  })
  const { token: revoked } = await grantConsent(ledger, {
    party: patient,
    grantee: doctor,
    resourceTypes: ['Observation'],
    actions: ['read'],
    purposes: ['TREAT'],
    durationSeconds: 3600,
  })
  await revokeConsent(ledger, { party: patient, consentId: revoked.consent.id })
  const now = () => clock.now * 1000
  const options = { now, cache: createConsentCache() }
  const authorizer = _createAuthorizer(options)
  const record = {
    commitment: `0x${'ab'.repeat(32)}` as const,
    resourceType: 'Observation',
    labels: [],
    owner: patient.address,
  }
  const base = {
    consentId: token.consent.id,
    grantor: patient.address,
    grantee: doctor.address,
    action: 'read' as ConsentAction,
    purpose: 'TREAT',
  }
  const cases: [string, typeof base, AuthorizeRequest['record']][] = [
    ['permitted', base, record],
    ['another grantee', { ...base, grantee: other.address }, record],
    ['another purpose', { ...base, purpose: 'HPAYMT' }, record],
    ['another action', { ...base, action: 'vread' }, record],
    ['a revoked consent', { ...base, consentId: revoked.consent.id }, record],
    ['an unknown consent', { ...base, consentId: `0x${'01'.repeat(32)}` }, record],
    ['another owner', base, { ...record, owner: other.address }],
    ['another type', base, { ...record, resourceType: 'Condition' }],
    ['a store’s bad type', base, { ...record, resourceType: 7 as never }],
    ['a store’s bad labels', base, { ...record, labels: [1] as never }],
    ['a store’s bad owner', base, { ...record, owner: '0x12' as never }],
    ['a store’s bad commitment', base, { ...record, commitment: '0x12' as never }],
  ]
  const seen = new Set<string>()
  for (const [name, fields, r] of cases) {
    const a = await outcome(authorizer(ledger, fields, r))
    const b = await outcome(authorize(ledger, { ...fields, record: r }, options))
    expect(a, name).toEqual(b)
    seen.add(typeof a === 'string' ? a : a.reason)
  }
  clock.now += 7200 // expired by both clocks
  const a = await authorizer(ledger, base, record)
  expect(a).toEqual(await authorize(ledger, { ...base, record }, options))
  expect(a.allowed).toBe(false)
  // the cases reach a permit, denials and a thrown INVALID_ARGUMENT
  expect(seen.has('PERMITTED') && seen.has('CONSENT_REVOKED') && seen.has('INVALID_ARGUMENT')).toBe(true)
  // a ledger time the caller read for the request: decided at it, with no second read; the same decision authorize
  // makes when the ledger answers that time
  clock.now -= 7200
  let reads = 0
  const counted = {
    ...ledger,
    getTime: () => {
      reads++
      return ledger.getTime()
    },
  }
  const at = await ledger.getTime()
  for (const t of [at, at + 7200]) {
    clock.now = t
    expect(await authorizer(counted, base, record, t)).toEqual(await authorize(ledger, { ...base, record }, options))
    clock.now = at
  }
  expect(reads).toBe(0)
  expect((await authorizer(counted, base, record, at + 7200)).allowed).toBe(false) // expired at the time given
  // not given: read from the ledger (whose clock never goes back from at + 7200, where authorize above read it)
  expect((await authorizer(counted, base, record)).at).toBe(at + 7200)
  expect(reads).toBe(1)
})

it('a bad clock option is refused when the authorizer is made (INVALID_TYPE)', () => {
  expect(() => _createAuthorizer({ now: 5 as never })).toThrow(expect.objectContaining({ code: 'INVALID_TYPE' }))
})
