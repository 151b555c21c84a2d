import { ConsentError, LedgerError } from '@medseal/core'
import {
  BaseError,
  ContractFunctionRevertedError,
  HttpRequestError,
  TimeoutError,
  UserRejectedRequestError,
  WaitForTransactionReceiptTimeoutError,
} from 'viem'
import { describe, expect, it } from 'vitest'
import { getRegistryErrorName, type Operation, revertError, toLedgerError } from './_errors.js'
import { medsealRegistryAbi } from './artifacts/MedsealRegistry.js'

describe('registry errors → medseal codes', () => {
  const cases: [string, Operation, string][] = [
    ['InvalidAnchor', 'anchor', 'LEDGER_REJECTED'],
    ['InvalidSignature', 'consent', 'CONSENT_SIGNATURE_INVALID'],
    ['InvalidSignature', 'revocation', 'CONSENT_SIGNATURE_INVALID'],
    ['InvalidSignature', 'tombstone', 'INVALID_SIGNATURE'],
    ['InvalidSignature', 'treeHead', 'INVALID_SIGNATURE'],
    ['ConsentMalformed', 'consent', 'CONSENT_MALFORMED'],
    ['ConsentReplayed', 'consent', 'CONSENT_REPLAYED'],
    ['TreeHeadConflict', 'treeHead', 'LEDGER_CONFLICT'],
    ['LogIdMismatch', 'treeHead', 'LEDGER_REJECTED'],
  ]

  it('every custom error of the ABI has a mapping under test', () => {
    const names = medsealRegistryAbi.filter((x) => x.type === 'error').map((x) => x.name)
    expect(new Set(cases.map(([n]) => n))).toEqual(new Set(names))
  })

  it.each(cases)('%s during %s → LedgerError %s, naming the error', (name, op, code) => {
    const e = revertError(name, op)
    expect(e).toBeInstanceOf(LedgerError)
    expect(e.code).toBe(code)
    expect(e.metaMessages).toContain(`Registry error: ${name}`)
  })

  it('decodes a viem revert into the registry error name and code', () => {
    const revert = new ContractFunctionRevertedError({
      abi: medsealRegistryAbi,
      functionName: 'registerConsent',
      data: '0xdc6306170000000000000000000000000000000000000000000000000000000000000001',
    })
    const wrapped = new BaseError('simulation failed', { cause: revert })
    expect(getRegistryErrorName(wrapped)).toBe('ConsentReplayed')
    const e = toLedgerError(wrapped, 'consent') as LedgerError
    expect(e.code).toBe('CONSENT_REPLAYED')
    expect(e.cause).toBe(wrapped)
    expect(getRegistryErrorName(e)).toBe('ConsentReplayed')
  })

  it('maps transport failures, time-outs and refusals; medseal errors pass through', () => {
    const http = new HttpRequestError({ url: 'http://127.0.0.1:1', details: 'fetch failed' })
    expect((toLedgerError(http, 'read') as LedgerError).code).toBe('LEDGER_UNAVAILABLE')
    const timeout = new TimeoutError({ body: {}, url: 'http://127.0.0.1:1' })
    expect((toLedgerError(timeout, 'anchor') as LedgerError).code).toBe('LEDGER_UNAVAILABLE')
    const wait = new WaitForTransactionReceiptTimeoutError({ hash: `0x${'11'.repeat(32)}` })
    expect((toLedgerError(wait, 'consent') as LedgerError).code).toBe('LEDGER_TIMEOUT')
    const refused = new UserRejectedRequestError(new Error('user said no'))
    expect((toLedgerError(refused, 'consent') as LedgerError).code).toBe('LEDGER_REJECTED')
    expect((toLedgerError(new Error('odd'), 'anchor') as LedgerError).code).toBe('LEDGER_WRITE_FAILED')
    expect((toLedgerError(new Error('odd'), 'read') as LedgerError).code).toBe('LEDGER_UNAVAILABLE')
    const own = new ConsentError('CONSENT_REPLAYED', 'x')
    expect(toLedgerError(own, 'consent')).toBe(own)
  })
})
