import { fc, test } from '@fast-check/vitest'
import {
  bytesToHex0x,
  createAccessLog,
  createCustodian,
  createDeposit,
  createKeyRequest,
  createParty,
  type Secp256k1Recovery,
  seal,
} from '@medseal/core'
import { createNativeSecp256k1Recovery } from '@medseal/core/node'
import { describe, expect, it } from 'vitest'
import { createTestService, req } from './_testService.js'
import { createCustodianHandler } from './createCustodianHandler.js'
import { createRecoveryCache } from './createRecoveryCache.js'

/** A recovery whose answer is a function of its question (the cache's rules do not depend on the curve), counted. */
const counted = () => {
  const calls: string[] = []
  const inner: Secp256k1Recovery = {
    name: 'counted',
    recoverPublicKey(digest, signature, recovery) {
      calls.push(`${digest[0]}:${signature[0]}:${recovery}`)
      if (signature[0] === 0) throw new Error('no key recovers')
      const out = new Uint8Array(65)
      out[0] = 4
      out.set(digest, 1)
      out.set(signature.subarray(0, 32), 33)
      out[64] = (out[64] as number) ^ recovery
      return out
    },
  }
  return { inner, calls }
}

describe('createRecoveryCache', () => {
  test.prop([
    fc.array(
      fc.tuple(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        fc.constantFrom(0 as const, 1 as const),
      ),
      { minLength: 1, maxLength: 30 },
    ),
    fc.integer({ min: 1, max: 8 }),
  ])('answers exactly as the wrapped recovery, computing only what it has not remembered', (questions, size) => {
    const { inner, calls } = counted()
    const cache = createRecoveryCache({ secp256k1: inner, size })
    const reference = counted().inner
    const remembered: string[] = []
    for (const [digest, signature, recovery] of [...questions, ...questions.slice().reverse()]) {
      const key = `${digest.join()}|${signature.join()}|${recovery}`
      let want: Uint8Array | Error
      try {
        want = reference.recoverPublicKey(digest, signature, recovery)
      } catch (e) {
        want = e as Error
      }
      const before = calls.length
      if (want instanceof Error) {
        expect(() => cache.recoverPublicKey(digest, signature, recovery)).toThrow(want.message)
        expect(calls.length).toBe(before + 1)
        continue
      }
      const got = cache.recoverPublicKey(digest, signature, recovery)
      expect(got).toEqual(want)
      // computed again only when forgotten: the last `size` distinct answered questions are remembered
      expect(calls.length).toBe(remembered.includes(key) ? before : before + 1)
      // a caller that changes what it got changes nothing remembered
      got.fill(0)
      if (!remembered.includes(key)) {
        remembered.push(key)
        if (remembered.length > size) remembered.shift()
      }
    }
  })

  it('keeps the wrapped name; checks its parameters', () => {
    expect(createRecoveryCache({ secp256k1: counted().inner }).name).toBe('counted')
    expect(Object.isFrozen(createRecoveryCache({ secp256k1: counted().inner }))).toBe(true)
    for (const bad of [undefined, {}, { secp256k1: {} }, { secp256k1: { name: 'x' } }])
      expect(() => createRecoveryCache(bad as never)).toThrow(expect.objectContaining({ code: 'INVALID_TYPE' }))
    for (const size of [0, -1, 1.5, Number.NaN, 2_000_000])
      expect(() => createRecoveryCache({ secp256k1: counted().inner, size })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      )
  })

  it('shared by the handler (rate limits on) and the custodian: a key release recovers its signer once', async () => {
    const native = createNativeSecp256k1Recovery()
    let computed = 0
    const secp256k1 = createRecoveryCache({
      secp256k1: {
        name: native.name,
        recoverPublicKey: (d, s, r) => {
          computed++
          return native.recoverPublicKey(d, s, r)
        },
      },
    })
    const t = await createTestService()
    const vendor = createParty()
    const log = await createAccessLog({ operator: vendor, ledger: t.ledger, name: 'cached' })
    const custodian = createCustodian({ party: vendor, ledger: t.ledger, log, secp256k1 })
    const handler = createCustodianHandler({ custodian, accessLog: log, ledger: t.ledger, secp256k1 })
    const { token } = await t.grant()
    const sealed = await seal({ resourceType: 'Observation', id: 'o' }, { recipients: [t.patient, custodian.identity] })
    const deposit = await createDeposit({
      owner: t.patient,
      envelope: sealed.envelope,
      custodian: custodian.identity,
      domain: t.ledger.domain,
    })
    await custodian.deposit(deposit)
    const before = computed
    const signed = createKeyRequest(t.doctor, t.ledger.domain, {
      consentId: token.consent.id,
      grantor: t.patient.address,
      commitment: bytesToHex0x(sealed.commitment),
      action: 'read',
      purpose: 'TREAT',
      issuedAt: await t.ledger.getTime(),
      custodian: custodian.identity,
    })
    const res = await handler(req('/v1/key-requests', { body: signed }))
    expect(res.status).toBe(200)
    expect(computed - before).toBe(1)
  })
})
