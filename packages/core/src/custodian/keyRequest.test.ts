import { describe, expect, it } from 'vitest'
import { createAccessLog } from '../accessLog/createAccessLog.js'
import { createBreakGlass } from '../breakGlass/createBreakGlass.js'
import { clockedLedger } from '../consent/_testLedger.js'
import { grantConsent } from '../consent/grantConsent.js'
import { revokeConsent } from '../consent/revokeConsent.js'
import { createSaltedDomain } from '../eip712/structures.js'
import { createParty } from '../identity/createParty.js'
import type { Hex } from '../types.js'
import { createCustodian } from './createCustodian.js'
import { createKeyRequest, verifyKeyRequest } from './keyRequest.js'
import { shareRecords } from './shareRecords.js'

const domain = createSaltedDomain('memory:key-requests')
const c32 = `0x${'ab'.repeat(32)}` as Hex
const grantor = createParty().address
const params = {
  consentId: c32,
  grantor,
  commitment: c32,
  action: 'read',
  purpose: 'TREAT',
  issuedAt: 1_700_000_000,
  custodian: createParty().address,
} as const

describe('key requests', () => {
  it('bind the signer to its X25519 key', () => {
    const doctor = createParty()
    const signed = createKeyRequest(doctor, domain, params)
    const { requester, encryptionKey, request } = verifyKeyRequest(domain, signed)
    expect(requester).toBe(doctor.address)
    expect(encryptionKey).toEqual(doctor.encryptionPublicKey)
    expect(request).toEqual({ ...params, encryptionKey: request.encryptionKey, nonce: request.nonce })
    // every request gets its own nonce, so no two requests share a digest
    const again = createKeyRequest(doctor, domain, params)
    expect(again.request.nonce).not.toBe(request.nonce)
    expect(verifyKeyRequest(domain, again).digest).not.toBe(verifyKeyRequest(domain, signed).digest)
    // under another ledger's domain the signature names someone else
    expect(verifyKeyRequest(createSaltedDomain('memory:other'), signed).requester).not.toBe(doctor.address)
  })

  it('reject malformed requests (INVALID_ARGUMENT) and signatures (CONSENT_SIGNATURE_INVALID)', () => {
    const doctor = createParty()
    for (const bad of [
      { consentId: '0x12' },
      { grantor: '0x12' },
      { grantor: undefined },
      { commitment: 'nope' },
      { action: 'erase' },
      { purpose: 'treat' },
      { issuedAt: -1 },
      { custodian: undefined },
      { custodian: '0x12' },
    ])
      expect(() => createKeyRequest(doctor, domain, { ...params, ...bad } as never)).toThrowError(
        expect.objectContaining({ name: 'InvalidArgumentError', code: 'INVALID_ARGUMENT' }),
      )
    const signed = createKeyRequest(doctor, domain, params)
    expect(() =>
      verifyKeyRequest(domain, { ...signed, request: { ...signed.request, extra: 1 } as never }),
    ).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
    expect(() => verifyKeyRequest(domain, { ...signed, signature: `0x${'00'.repeat(65)}` })).toThrowError(
      expect.objectContaining({ name: 'ConsentError', code: 'CONSENT_SIGNATURE_INVALID' }),
    )
    expect(() => verifyKeyRequest(domain, null as never)).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
  })
})

describe('argument checks of the consent services', () => {
  it('createCustodian, createBreakGlass, revokeConsent, shareRecords refuse bad input with coded errors', async () => {
    const { ledger } = clockedLedger('args')
    const [patient, doctor, vendor] = [createParty(), createParty(), createParty()]
    const log = await createAccessLog({ operator: vendor, ledger, name: 'access' })
    expect(() => createCustodian(null as never)).toThrowError(expect.objectContaining({ code: 'INVALID_TYPE' }))
    expect(() => createCustodian({ party: vendor, ledger, log: {} as never })).toThrowError(
      expect.objectContaining({ code: 'INVALID_TYPE' }),
    )
    expect(() => createBreakGlass({ ledger, log: {} as never })).toThrowError(
      expect.objectContaining({ code: 'INVALID_TYPE' }),
    )
    await expect(revokeConsent(ledger, { party: patient, consentId: '0x1' as Hex })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    await expect(revokeConsent(ledger, { party: {} as never, consentId: c32 })).rejects.toMatchObject({
      code: 'INVALID_TYPE',
    })
    await expect(
      shareRecords(ledger, { party: patient, consentId: c32, grantee: doctor.toPublic(), records: [] }),
    ).rejects.toMatchObject({ code: 'CONSENT_NOT_FOUND' })
    const { token } = await grantConsent(ledger, {
      party: patient,
      grantee: doctor,
      resourceTypes: ['Observation'],
      actions: ['read'],
      purposes: ['TREAT'],
      durationSeconds: 60,
    })
    // the doctor has no grant of their own under this id
    await expect(
      shareRecords(ledger, { party: doctor, consentId: token.consent.id, grantee: doctor.toPublic(), records: [] }),
    ).rejects.toMatchObject({ code: 'CONSENT_NOT_FOUND' })
    await revokeConsent(ledger, { party: patient, consentId: token.consent.id })
    const custodian = createCustodian({ party: vendor, ledger, log })
    await expect(custodian.purgeConsent({ grantor: patient, consentId: c32 })).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
    })
    await expect(custodian.purgeConsent(c32 as never)).rejects.toMatchObject({ code: 'INVALID_TYPE' })
    expect(await custodian.purgeConsent({ grantor: patient, consentId: token.consent.id })).toEqual({ releases: 0 })
    expect(() => createCustodian({ party: vendor, ledger, log, maxFutureSkewSeconds: -1 })).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
    expect(() => createCustodian({ party: vendor, ledger, log, store: {} as never })).toThrowError(
      expect.objectContaining({ code: 'INVALID_TYPE' }),
    )
  })
})
