import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bytesToHex0x, hexToBytes } from '../bytes/index.js'
import { createSaltedDomain } from '../eip712/structures.js'
import { createParty } from '../identity/createParty.js'
import { _nobleRecovery, type Secp256k1Recovery } from '../identity/secp256k1Recovery.js'
import type { Hex } from '../types.js'
import { createKeyRequest, verifyKeyRequest } from './keyRequest.js'

const domain = createSaltedDomain('memory:verified-once')
const c32 = `0x${'cd'.repeat(32)}` as Hex
const params = {
  consentId: c32,
  grantor: createParty().address,
  commitment: c32,
  action: 'read',
  purpose: 'TREAT',
  issuedAt: 1_700_000_000,
  custodian: createParty().address,
} as const
const doctor = createParty()
const other = createParty()

/** A recovery that counts its calls (noble underneath). */
const counting = () => {
  let calls = 0
  const secp256k1: Secp256k1Recovery = Object.freeze({
    name: 'counting',
    recoverPublicKey: (d: Uint8Array, s: Uint8Array, r: 0 | 1) => {
      calls++
      return _nobleRecovery.recoverPublicKey(d, s, r)
    },
  })
  return { secp256k1, calls: () => calls }
}

describe('verifyKeyRequest: a request it verified, handed back as it returned it', () => {
  it('is answered from memory: the same answer, no second recovery', () => {
    const { secp256k1, calls } = counting()
    const signed = createKeyRequest(doctor, domain, params)
    const first = verifyKeyRequest(domain, signed, { secp256k1 })
    expect(calls()).toBe(1)
    const again = verifyKeyRequest(domain, { request: first.request, signature: signed.signature }, { secp256k1 })
    expect(calls()).toBe(1)
    expect(again).toEqual(first)
    expect(again.request).toBe(first.request)
    // the key bytes are a fresh copy each time: changing one answer's bytes changes no other
    again.encryptionKey.fill(0)
    expect(verifyKeyRequest(domain, { request: first.request, signature: signed.signature }, { secp256k1 })).toEqual(
      first,
    )
  })

  it('is checked again for another signature, domain, recovery, or a copy of the request', () => {
    const { secp256k1, calls } = counting()
    const signed = createKeyRequest(doctor, domain, params)
    const { request, requester } = verifyKeyRequest(domain, signed, { secp256k1 })
    expect(calls()).toBe(1)
    // another signer's signature over the same fields: recovered, and it names that signer
    const forged = createKeyRequest(other, domain, params).signature
    expect(verifyKeyRequest(domain, { request, signature: forged }, { secp256k1 }).requester).not.toBe(requester)
    expect(calls()).toBe(2)
    // another domain (an unfrozen copy of the same one is not trusted either)
    const otherDomain = createSaltedDomain('memory:elsewhere')
    expect(verifyKeyRequest(otherDomain, { request, signature: signed.signature }, { secp256k1 }).requester).not.toBe(
      requester,
    )
    expect(calls()).toBe(3)
    expect(verifyKeyRequest({ ...domain }, { request, signature: signed.signature }, { secp256k1 }).requester).toBe(
      requester,
    )
    expect(calls()).toBe(4)
    // another recovery implementation
    const second = counting()
    verifyKeyRequest(domain, { request, signature: signed.signature }, { secp256k1: second.secp256k1 })
    expect(second.calls()).toBe(1)
    // a copy of the request object with the same fields (not the object verifyKeyRequest made)
    verifyKeyRequest(domain, { request: { ...request }, signature: signed.signature }, { secp256k1 })
    expect(calls()).toBe(5)
  })

  it('a malformed signature next to a remembered request is refused as before', () => {
    const signed = createKeyRequest(doctor, domain, params)
    const { request } = verifyKeyRequest(domain, signed)
    expect(() => verifyKeyRequest(domain, { request, signature: '0x12' as Hex })).toThrow(
      expect.objectContaining({ code: 'CONSENT_SIGNATURE_INVALID' }),
    )
  })

  it('answers as a fresh check for any signature over a remembered request (fast-check)', () => {
    const signed = createKeyRequest(doctor, domain, params)
    const { request } = verifyKeyRequest(domain, signed)
    const fresh = (signature: Hex) => {
      try {
        const v = verifyKeyRequest(domain, { request: { ...request }, signature })
        return { requester: v.requester, digest: v.digest }
      } catch (e) {
        return { code: (e as { code?: string }).code }
      }
    }
    const remembered = (signature: Hex) => {
      try {
        const v = verifyKeyRequest(domain, { request, signature })
        return { requester: v.requester, digest: v.digest }
      } catch (e) {
        return { code: (e as { code?: string }).code }
      }
    }
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constant(signed.signature),
          // the remembered signature with one byte changed
          fc.tuple(fc.nat(64), fc.integer({ min: 1, max: 255 })).map(([i, x]) => {
            const b = hexToBytes(signed.signature)
            b[i] = (b[i] as number) ^ x
            return bytesToHex0x(b)
          }),
          fc.uint8Array({ minLength: 65, maxLength: 65 }).map((b) => bytesToHex0x(b)),
        ),
        (signature) => {
          // twice each: the second call may come from memory
          expect(remembered(signature)).toEqual(fresh(signature))
          expect(remembered(signature)).toEqual(fresh(signature))
        },
      ),
      { numRuns: 60 },
    )
  })
})
