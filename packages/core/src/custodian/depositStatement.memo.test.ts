import { describe, expect, it } from 'vitest'
import { createSaltedDomain } from '../eip712/structures.js'
import { countingRecovery } from '../identity/_testCountingRecovery.js'
import { createParty } from '../identity/createParty.js'
import type { Hex } from '../types.js'
import { signDepositStatement, verifyDepositStatement } from './depositStatement.js'

const domain = createSaltedDomain('memory:deposit-statement-memo')
const c32 = `0x${'cd'.repeat(32)}` as Hex
const zero = `0x${'00'.repeat(32)}` as Hex

describe('verifyDepositStatement: a frozen statement is checked once per frozen domain', () => {
  const patient = createParty({ seed: new Uint8Array(32).fill(91) })
  const custodian = createParty({ seed: new Uint8Array(32).fill(92) })
  const statement = {
    owner: patient.address,
    custodian: custodian.address,
    commitment: c32,
    contentId: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
    previous: zero,
  }
  const signed = signDepositStatement(patient, domain, statement)

  it('answers again from what it remembered', () => {
    const secp256k1 = countingRecovery()
    expect(Object.isFrozen(signed) && Object.isFrozen(signed.statement)).toBe(true)
    const first = verifyDepositStatement(domain, signed, { secp256k1 })
    const second = verifyDepositStatement(domain, signed, { secp256k1 })
    expect(secp256k1.calls).toBe(1)
    expect(second).toEqual(first)
    expect(Object.isFrozen(second)).toBe(true)
    expect(second.owner).toBe(patient.address)
  })

  it('checks in full what is not frozen, under another domain object, and never remembers a refusal', () => {
    const secp256k1 = countingRecovery()
    const copy = { statement: { ...signed.statement }, signature: signed.signature }
    verifyDepositStatement(domain, copy, { secp256k1 })
    verifyDepositStatement(domain, copy, { secp256k1 })
    expect(secp256k1.calls).toBe(2)
    // a changed copy is refused: nothing of the first check is reused
    copy.statement.commitment = zero
    expect(() => verifyDepositStatement(domain, copy, { secp256k1 })).toThrowError(
      expect.objectContaining({ code: 'DEPOSIT_STATEMENT_INVALID' }),
    )
    const halfFrozen = Object.freeze({ statement: { ...signed.statement }, signature: signed.signature })
    verifyDepositStatement(domain, halfFrozen, { secp256k1 })
    verifyDepositStatement(domain, halfFrozen, { secp256k1 })
    expect(secp256k1.calls).toBe(5)
    const fresh = signDepositStatement(patient, domain, statement)
    verifyDepositStatement(domain, fresh, { secp256k1 })
    const other = createSaltedDomain('memory:deposit-statement-memo-2')
    expect(() => verifyDepositStatement(other, fresh, { secp256k1 })).toThrowError(
      expect.objectContaining({ code: 'DEPOSIT_STATEMENT_INVALID' }),
    )
    expect(verifyDepositStatement({ ...domain }, fresh, { secp256k1 }).owner).toBe(patient.address)
    expect(secp256k1.calls).toBe(8)
    const forged = Object.freeze({
      statement: signed.statement,
      signature: signDepositStatement(custodian, domain, { ...statement, owner: custodian.address }).signature,
    })
    for (let i = 0; i < 2; i++)
      expect(() => verifyDepositStatement(domain, forged, { secp256k1 })).toThrowError(
        expect.objectContaining({ code: 'DEPOSIT_STATEMENT_INVALID' }),
      )
    expect(secp256k1.calls).toBe(10)
  })
})
