import { fc, test } from '@fast-check/vitest'
import { hashTypedData as viemHashTypedData } from 'viem'
import { expect } from 'vitest'
import { bytesToHex0x } from '../bytes/index.js'
import { assertDomain, CONSENT_ACTIONS } from '../consent/_validate.js'
import { hashTypedData } from '../eip712/hashTypedData.js'
import { assertKeyRequest, hashKeyRequest, keyRequestTypes } from './keyRequest.js'

const hex = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => bytesToHex0x(b))
const address = fc.tuple(hex(20), fc.boolean()).map(([a, upper]) => (upper ? `0x${a.slice(2).toUpperCase()}` : a))
const request = fc.record({
  consentId: hex(32),
  grantor: address,
  commitment: hex(32),
  action: fc.constantFrom(...CONSENT_ACTIONS),
  purpose: fc.stringMatching(/^[A-Z]{2,16}$/),
  encryptionKey: hex(32),
  issuedAt: fc.oneof(fc.integer({ min: 0, max: 2 ** 32 + 5 }), fc.maxSafeNat()),
  nonce: hex(32),
  custodian: address,
})
const domain = fc.oneof(
  hex(32).map((salt) => ({ name: 'medseal', version: '1', salt })),
  fc
    .tuple(fc.integer({ min: 1, max: 2 ** 40 }), hex(20))
    .map(([chainId, verifyingContract]) => ({ name: 'medseal', version: '1', chainId, verifyingContract })),
)

test.prop([domain, request])(
  'hashKeyRequest ≡ hashTypedData ≡ viem’s hashTypedData for every valid request and domain',
  (d, r) => {
    const normalized = assertKeyRequest(r)
    const dom = assertDomain(d)
    const typedData = { domain: dom, types: keyRequestTypes, primaryType: 'KeyRequest', message: normalized } as const
    const mine = bytesToHex0x(hashKeyRequest(dom, normalized))
    expect(mine).toBe(bytesToHex0x(hashTypedData(typedData)))
    const forViem = { ...typedData, message: { ...normalized, issuedAt: BigInt(normalized.issuedAt) } }
    // biome-ignore lint/suspicious/noExplicitAny: viem's generic typed-data types
    expect(mine).toBe(viemHashTypedData(forViem as any))
    // remembered parts (type hash, domain separator, code hashes) give the same answer again
    expect(bytesToHex0x(hashKeyRequest(dom, normalized))).toBe(mine)
  },
)
