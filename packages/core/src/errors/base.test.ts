import { describe, expect, it } from 'vitest'
import { BaseError, ConsentError, InvalidArgumentError, isSdkError, LedgerError } from './base.js'

describe('BaseError', () => {
  it('carries a stable code, a short message and a docs link', () => {
    const err = new ConsentError('CONSENT_REVOKED', 'Consent was revoked.', { details: 'by the grantor' })
    expect(err.name).toBe('ConsentError')
    expect(err.code).toBe('CONSENT_REVOKED')
    expect(err.shortMessage).toBe('Consent was revoked.')
    expect(err.message).toMatchInlineSnapshot(`
      "Consent was revoked.

      Details: by the grantor
      Docs: https://medseal.dev/docs/errors/consent-revoked
      Code: CONSENT_REVOKED
      Version: @medseal/core@0.1.0"
    `)
    expect(err).toBeInstanceOf(BaseError)
    expect(err).toBeInstanceOf(Error)
  })

  it('isSdkError matches by shape and code, not instanceof', () => {
    const err = new LedgerError('LEDGER_UNAVAILABLE', 'Ledger unreachable.')
    expect(isSdkError(err)).toBe(true)
    expect(isSdkError(err, 'LEDGER_UNAVAILABLE')).toBe(true)
    expect(isSdkError(err, 'LEDGER_REJECTED')).toBe(false)
    expect(isSdkError({ ...err, code: err.code, shortMessage: err.shortMessage, version: err.version })).toBe(true)
    expect(isSdkError(new Error('x'))).toBe(false)
    expect(isSdkError(null)).toBe(false)
  })

  it('walk() finds the root cause', () => {
    const root = new TypeError('boom')
    const err = new InvalidArgumentError('INVALID_TYPE', 'bad', {
      cause: new LedgerError('LEDGER_REJECTED', 'x', { cause: root }),
    })
    expect(err.walk()).toBe(root)
    expect(err.walk((e) => e instanceof LedgerError)).toBeInstanceOf(LedgerError)
  })
})
