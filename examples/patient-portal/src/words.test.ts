/**
 * The apps' words: every refusal and failure explained (what happened, what to do — never a bare code or a library's
 * message), FHIR resources as plain names and dates.
 */
import { ConsentError, type ErrorCode, InvalidArgumentError, LedgerError } from '@medseal/core'
import { ServiceError } from '@medseal/service'
import { SmartHealthError } from '@medseal/smart-health'
import { describe, expect, it } from 'vitest'
import { demoResources } from './demoData.js'
import { ExplainedError, explain } from './explain.js'
import { plainDate, plainTime, recordName, summarize } from './summaries.js'

describe('explain', () => {
  const refusals: ErrorCode[] = [
    'CONSENT_REVOKED',
    'CONSENT_EXPIRED',
    'CONSENT_NOT_YET_VALID',
    'CONSENT_NOT_FOUND',
    'CONSENT_MALFORMED',
    'CONSENT_SIGNATURE_INVALID',
    'CONSENT_WRONG_DOMAIN',
    'CONSENT_GRANTEE',
    'CONSENT_SCOPE',
    'CONSENT_EXCLUDED',
    'CONSENT_PURPOSE',
    'CONSENT_ACTION',
    'CONSENT_REPLAYED',
    'REQUEST_REPLAYED',
    'DELEGATION_INVALID',
    'ACCESS_DENIED',
  ]
  it.each([
    'SHL_REGISTRATION_WRONG_SERVICE',
    'SHL_REGISTRATION_STALE',
    'SHL_REGISTRATION_UNAUTHORIZED',
    'SHL_ID_TAKEN',
  ] as const)('%s (a link the service refused): in words, without the code', (code) => {
    const e = explain(new SmartHealthError(code, 'The link server refused the link.'))
    expect(e).toMatchObject({ code, offline: false })
    expect(e.what).toContain('refused')
    for (const s of [e.what, e.todo]) {
      expect(s).toMatch(/^[A-Z"].+\.$/)
      expect(s).not.toMatch(/[A-Z]{3,}_[A-Z]/)
    }
  })
  it.each(refusals)('%s: what happened and what to do, in words, without the code', (code) => {
    const e = explain(new ConsentError(code, `Access denied: ${code}.`))
    expect(e.code).toBe(code)
    expect(e.offline).toBe(false)
    for (const s of [e.what, e.todo]) {
      expect(s).toMatch(/^[A-Z"].+\.$/)
      expect(s).not.toContain(code)
      expect(s).not.toMatch(/[A-Z]{3,}_[A-Z]/)
    }
  })

  it('an unreachable service or ledger: offline, with what to do', () => {
    for (const err of [
      new LedgerError('LEDGER_UNAVAILABLE', 'HTTP request failed.'),
      new TypeError('Failed to fetch'),
      new ServiceError('SERVICE_UNAVAILABLE', 'The custodian service could not be reached.'),
    ]) {
      const e = explain(err)
      expect(e).toMatchObject({ offline: true, what: 'The records service cannot be reached right now.' })
      expect(e.what).not.toMatch(/HTTP request failed/)
      expect(e.todo).toMatch(/Try again/)
    }
  })

  it('a rate limit: wait, then try again (not offline)', () => {
    expect(explain(new ServiceError('RATE_LIMITED', 'Too many requests.'))).toMatchObject({
      code: 'RATE_LIMITED',
      offline: false,
      todo: 'Wait a few seconds, then try again.',
    })
  })

  it('an unknown SDK code and a non-SDK error still say what to do; an explained error passes through', () => {
    const e = explain(new InvalidArgumentError('INPUT_TOO_DEEP', 'deep'))
    expect(e).toMatchObject({ code: 'INPUT_TOO_DEEP', what: 'Something went wrong.', offline: false })
    expect(explain(new Error('boom'))).toMatchObject({ code: 'UNKNOWN', todo: 'Reload the page and try again.' })
    const given = explain(new ConsentError('CONSENT_REVOKED', 'x'))
    expect(explain(new ExplainedError(given))).toBe(given)
  })
})

describe('summaries', () => {
  it('plain names and dates of the demo records', () => {
    expect(demoResources.map((r) => recordName(r))).toEqual([
      'Ada Lovelace',
      'Heart rate — 1 Mar 2025',
      'Body mass index — 1 Mar 2025',
      'Asthma — 14 Jun 2019',
      'Albuterol inhaler — 1 Mar 2025',
      'Hemoglobin A1c — 2 Mar 2024',
    ])
    expect(summarize(demoResources[0] as never).facts).toEqual([
      ['Name', 'Ada Lovelace'],
      ['Born', '10 Dec 1985'],
      ['Sex', 'Female'],
    ])
    expect(summarize(demoResources[5] as never)).toMatchObject({
      kind: 'Test result',
      facts: [
        ['Result', '5.4 %'],
        ['Status', 'Final'],
      ],
    })
    expect(summarize(demoResources[4] as never).facts).toContainEqual([
      'Instructions',
      '2 puffs every 4 to 6 hours when needed for wheezing',
    ])
  })

  it('dates: partial, invalid, and times in UTC', () => {
    expect(plainDate('2024')).toBe('2024')
    expect(plainDate('2024-03')).toBe('Mar 2024')
    expect(plainDate('2024-13-01')).toBe('')
    expect(plainDate(42)).toBe('')
    expect(plainTime(1_700_000_000)).toBe('14 Nov 2023, 22:13 UTC')
    expect(summarize({ resourceType: 'Encounter' })).toEqual({
      title: 'Encounter',
      kind: 'Encounter',
      date: '',
      facts: [],
    })
  })
})
