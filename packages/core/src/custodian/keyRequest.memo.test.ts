import { describe, expect, it } from 'vitest'
import { createMemoryLedger } from '../consent/_testLedger.js'
import { createSaltedDomain } from '../eip712/structures.js'
import { countingRecovery } from '../identity/_testCountingRecovery.js'
import { createParty } from '../identity/createParty.js'
import { createReleaseFixture } from '../testing/releaseFixture.js'
import type { Hex } from '../types.js'
import { createKeyRequest, verifyKeyRequest } from './keyRequest.js'

const domain = createSaltedDomain('memory:key-request-memo')
const c32 = `0x${'cd'.repeat(32)}` as Hex

describe('verifyKeyRequest: a frozen request is checked once per frozen domain', () => {
  const doctor = createParty({ seed: new Uint8Array(32).fill(81) })
  const signed = createKeyRequest(doctor, domain, {
    consentId: c32,
    grantor: createParty({ seed: new Uint8Array(32).fill(82) }).address,
    commitment: c32,
    action: 'read',
    purpose: 'TREAT',
    issuedAt: 1_700_000_000,
    custodian: createParty({ seed: new Uint8Array(32).fill(83) }).address,
  })

  it('answers again from what it remembered, each caller getting its own key bytes', () => {
    const secp256k1 = countingRecovery()
    expect(Object.isFrozen(signed) && Object.isFrozen(signed.request)).toBe(true)
    const first = verifyKeyRequest(domain, signed, { secp256k1 })
    first.encryptionKey.fill(0)
    const second = verifyKeyRequest(domain, signed, { secp256k1 })
    expect(secp256k1.calls).toBe(1)
    expect(second).toEqual({ ...first, encryptionKey: doctor.encryptionPublicKey })
    expect(second.requester).toBe(doctor.address)
  })

  it('checks in full what is not frozen, and under another domain object', () => {
    const secp256k1 = countingRecovery()
    const copy = { request: { ...signed.request }, signature: signed.signature }
    verifyKeyRequest(domain, copy, { secp256k1 })
    verifyKeyRequest(domain, copy, { secp256k1 })
    expect(secp256k1.calls).toBe(2)
    // a changed copy is refused or names someone else: nothing of the first check is reused
    copy.request.purpose = 'ETREAT'
    expect(verifyKeyRequest(domain, copy, { secp256k1 }).requester).not.toBe(doctor.address)
    const halfFrozen = Object.freeze({ request: { ...signed.request }, signature: signed.signature })
    verifyKeyRequest(domain, halfFrozen, { secp256k1 })
    verifyKeyRequest(domain, halfFrozen, { secp256k1 })
    expect(secp256k1.calls).toBe(5)
    const other = createSaltedDomain('memory:key-request-memo-2')
    const fresh = createKeyRequest(doctor, domain, { ...signed.request, grantor: signed.request.grantor })
    verifyKeyRequest(domain, fresh, { secp256k1 })
    expect(verifyKeyRequest(other, fresh, { secp256k1 }).requester).not.toBe(doctor.address)
    expect(verifyKeyRequest({ ...domain }, fresh, { secp256k1 }).requester).toBe(doctor.address)
    expect(secp256k1.calls).toBe(8)
    // a refusal is never remembered
    const forged = Object.freeze({ request: signed.request, signature: `0x${'00'.repeat(65)}` as Hex })
    for (let i = 0; i < 2; i++)
      expect(() => verifyKeyRequest(domain, forged, { secp256k1 })).toThrowError(
        expect.objectContaining({ code: 'CONSENT_SIGNATURE_INVALID' }),
      )
  })

  it('a request checked before the custodian sees it is still used once (the replay check is the custodian’s)', async () => {
    const ledger = createMemoryLedger({ id: 'key-request-memo' })
    const f = await createReleaseFixture({ ledger, seeds: [84, 85, 86] })
    const request = await f.keyRequest()
    verifyKeyRequest(ledger.domain, request) // as a service does to rate-limit the signer
    expect((await f.custodian.releaseKey(request)).decision.allowed).toBe(true)
    await expect(f.custodian.releaseKey(request)).rejects.toMatchObject({ code: 'REQUEST_REPLAYED' })
    // the custodian itself remembers nothing (no entry per release): a request it checked first is checked again
    const unchecked = await f.keyRequest()
    await f.custodian.releaseKey(unchecked)
    const secp256k1 = countingRecovery()
    verifyKeyRequest(ledger.domain, unchecked, { secp256k1 })
    expect(secp256k1.calls).toBe(1)
  })
})
