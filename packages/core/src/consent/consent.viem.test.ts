/**
 * docs/spec/consent.md §3, gap 4 of issue 16: a consent signed by viem straight from typed data, with viem's own types
 * (uint64 and uint8 as bigint, an EVM domain's chainId as bigint), verifies in medseal as it is, and vice versa.
 */
import { type Hex as ViemHex, verifyTypedData } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { createEvmDomain, createSaltedDomain } from '../eip712/structures.js'
import { createParty } from '../identity/createParty.js'
import type { Hex } from '../types.js'
import { encodeConsentToken } from './consentToken.js'
import type { ConsentMessage } from './types.js'
import { createConsentToken, verifyConsent } from './verifyConsent.js'

/** docs/spec/consent.md §3's `types`, written out by hand (not imported from medseal). */
const types = {
  Consent: [
    { name: 'id', type: 'bytes32' },
    { name: 'grantor', type: 'address' },
    { name: 'grantee', type: 'address' },
    { name: 'parent', type: 'bytes32' },
    { name: 'resourceTypes', type: 'string[]' },
    { name: 'commitments', type: 'bytes32[]' },
    { name: 'exclude', type: 'string[]' },
    { name: 'actions', type: 'string[]' },
    { name: 'purposes', type: 'string[]' },
    { name: 'notBefore', type: 'uint64' },
    { name: 'expiresAt', type: 'uint64' },
    { name: 'delegationDepth', type: 'uint8' },
  ],
} as const

const account = privateKeyToAccount(generatePrivateKey())
const grantee = createParty()
/** A message typed as viem types it: bigint for uint64 (viem types uint8 as number; medseal takes either). */
const message: ConsentMessage = {
  id: `0x${'5a'.repeat(32)}` as ViemHex,
  grantor: account.address,
  grantee: grantee.address,
  parent: `0x${'00'.repeat(32)}` as ViemHex,
  resourceTypes: ['Observation'],
  commitments: [],
  exclude: ['PSY'],
  actions: ['read'],
  purposes: ['TREAT'],
  notBefore: 1_700_000_000n,
  expiresAt: 1_700_086_400n,
  delegationDepth: 1,
}
const verifyingContract = '0x5FbDB2315678afecb367f032d93F642f64180aa3'

describe('consent.md §3: viem typed data with bigint fields', () => {
  for (const [name, viemDomain, domain] of [
    ['salted', createSaltedDomain('memory:viem-bigint'), createSaltedDomain('memory:viem-bigint')],
    [
      'evm',
      { name: 'medseal', version: '1', chainId: 31337n, verifyingContract },
      createEvmDomain({ chainId: 31337, verifyingContract }),
    ],
  ] as const) {
    it(`a token signed by viem from typed data with bigints verifies in medseal (${name})`, async () => {
      const signature = (await account.signTypedData({
        domain: viemDomain,
        types,
        primaryType: 'Consent',
        message: message as never,
      })) as Hex
      const consent = verifyConsent(domain, { consent: { ...message, delegationDepth: 1n }, signature })
      expect(consent.notBefore).toBe(1_700_000_000)
      expect(consent.expiresAt).toBe(1_700_086_400)
      expect(consent.delegationDepth).toBe(1)
      // the domain as viem types it (chainId bigint) is accepted too
      expect(verifyConsent(viemDomain as never, { consent: message, signature })).toEqual(consent)
      // and the normalized consent is the same signed consent: as a token, compact or not
      expect(verifyConsent(domain, encodeConsentToken({ domain, consent, signature }))).toEqual(consent)
      // and it verifies back in viem with the numbers medseal returns
      expect(
        await verifyTypedData({
          address: account.address,
          domain: viemDomain,
          types,
          primaryType: 'Consent',
          message: consent as never,
          signature,
        }),
      ).toBe(true)
    })
  }

  it('a medseal token verifies in viem with its uint fields as bigints', async () => {
    const patient = createParty()
    const domain = createSaltedDomain('memory:viem-bigint')
    const token = createConsentToken(patient, domain, {
      ...message,
      grantor: patient.address,
      notBefore: 1_700_000_000,
      expiresAt: 1_700_086_400,
      delegationDepth: 1,
    } as never)
    const c = token.consent
    const ok = await verifyTypedData({
      address: patient.address,
      domain,
      types,
      primaryType: 'Consent',
      message: {
        ...c,
        notBefore: BigInt(c.notBefore),
        expiresAt: BigInt(c.expiresAt),
        delegationDepth: BigInt(c.delegationDepth),
      } as never,
      signature: token.signature as ViemHex,
    })
    expect(ok).toBe(true)
  })

  it('CONSENT_MALFORMED for a bigint out of its range (2^53 - 1; 255 for delegationDepth; chainId > 0)', async () => {
    const domain = createSaltedDomain('memory:viem-bigint')
    const signature = `0x${'11'.repeat(65)}` as Hex
    for (const change of [
      { notBefore: 2n ** 53n },
      { expiresAt: 2n ** 64n },
      { notBefore: -1n },
      { delegationDepth: 256n },
      { delegationDepth: -1n },
      { expiresAt: 1.5 },
    ]) {
      expect(() => verifyConsent(domain, { consent: { ...message, ...change } as never, signature })).toThrowError(
        expect.objectContaining({ name: 'ConsentError', code: 'CONSENT_MALFORMED' }),
      )
    }
    // the largest allowed values pass the shape checks (then fail the signature, which was not made over them)
    expect(() =>
      verifyConsent(domain, {
        consent: { ...message, notBefore: 0n, expiresAt: 2n ** 53n - 1n, delegationDepth: 255n },
        signature,
      }),
    ).toThrowError(expect.objectContaining({ code: 'CONSENT_SIGNATURE_INVALID' }))
    const evmDomain = { name: 'medseal', version: '1', chainId: 0n, verifyingContract }
    expect(() => verifyConsent(evmDomain as never, { consent: message, signature })).toThrowError(
      expect.objectContaining({ code: 'CONSENT_MALFORMED' }),
    )
  })
})
