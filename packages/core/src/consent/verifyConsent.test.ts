import { type Hex as ViemHex, verifyTypedData } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { createEvmDomain, createSaltedDomain } from '../eip712/structures.js'
import { createParty } from '../identity/createParty.js'
import type { Hex } from '../types.js'
import { encodeConsentToken } from './consentToken.js'
import { createConsent } from './createConsent.js'
import { consentTypes } from './types.js'
import { createConsentToken, verifyConsent } from './verifyConsent.js'

const salted = createSaltedDomain('memory:viem-interop')
const evm = createEvmDomain({ chainId: 31337, verifyingContract: '0x5FbDB2315678afecb367f032d93F642f64180aa3' })

function consentFor(grantor: { address: Hex }, grantee: { address: Hex }) {
  return createConsent({
    grantor,
    grantee,
    resourceTypes: ['Observation', 'Condition'],
    commitments: [`0x${'ab'.repeat(32)}`],
    exclude: ['PSY', 'HIV'],
    actions: ['read', 'search'],
    purposes: ['TREAT', 'ETREAT'],
    notBefore: 1_700_000_000,
    durationSeconds: 3600,
    delegationDepth: 2,
  })
}

/** The spec's `types`, written out by hand as docs/spec/consent.md §3 gives them (not imported from medseal). */
const specTypes = {
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

describe('consent tokens interoperate with viem', () => {
  it('the spec types are medseal’s types', () => {
    expect(specTypes.Consent).toEqual(consentTypes.Consent)
  })

  for (const [name, domain] of [
    ['salted', salted],
    ['evm', evm],
  ] as const) {
    it(`a token signed by viem signTypedData verifies in medseal (${name} domain)`, async () => {
      const account = privateKeyToAccount(generatePrivateKey())
      const consent = consentFor({ address: account.address }, createParty())
      const signature = await account.signTypedData({
        domain: domain as never,
        types: specTypes,
        primaryType: 'Consent',
        message: { ...consent, notBefore: BigInt(consent.notBefore), expiresAt: BigInt(consent.expiresAt) } as never,
      })
      expect(verifyConsent(domain, { consent, signature: signature as Hex })).toEqual(consent)
      const token = { domain, consent, signature: signature as Hex }
      expect(verifyConsent(domain, encodeConsentToken(token))).toEqual(consent)
    })

    it(`a medseal token verifies with viem verifyTypedData (${name} domain)`, async () => {
      const patient = createParty()
      const token = createConsentToken(patient, domain, consentFor(patient, createParty()))
      const ok = await verifyTypedData({
        address: patient.address,
        domain: domain as never,
        types: specTypes,
        primaryType: 'Consent',
        message: token.consent as never,
        signature: token.signature as ViemHex,
      })
      expect(ok).toBe(true)
    })
  }
})

describe('verifyConsent', () => {
  const patient = createParty()
  const doctor = createParty()
  const token = createConsentToken(patient, salted, consentFor(patient, doctor))

  it('accepts the token, its compact form and the bare signed consent', () => {
    expect(verifyConsent(salted, token)).toEqual(token.consent)
    expect(verifyConsent(salted, encodeConsentToken(token))).toEqual(token.consent)
    expect(verifyConsent(salted, { consent: token.consent, signature: token.signature })).toEqual(token.consent)
  })

  it('CONSENT_WRONG_DOMAIN for a token of another ledger; CONSENT_SIGNATURE_INVALID for a bare consent', () => {
    expect(() => verifyConsent(evm, token)).toThrowError(expect.objectContaining({ code: 'CONSENT_WRONG_DOMAIN' }))
    expect(() => verifyConsent(createSaltedDomain('memory:other'), encodeConsentToken(token))).toThrowError(
      expect.objectContaining({ name: 'ConsentError', code: 'CONSENT_WRONG_DOMAIN' }),
    )
    expect(() => verifyConsent(evm, { consent: token.consent, signature: token.signature })).toThrowError(
      expect.objectContaining({ code: 'CONSENT_SIGNATURE_INVALID' }),
    )
  })

  it('CONSENT_SIGNATURE_INVALID for a tampered field or another signer', () => {
    for (const change of [
      { grantee: createParty().address },
      { expiresAt: token.consent.expiresAt + 1 },
      { purposes: ['TREAT'] },
      { exclude: ['PSY'] },
      { delegationDepth: 3 },
    ]) {
      expect(() => verifyConsent(salted, { ...token, consent: { ...token.consent, ...change } })).toThrowError(
        expect.objectContaining({ name: 'ConsentError', code: 'CONSENT_SIGNATURE_INVALID' }),
      )
    }
    const other = createConsentToken(doctor, salted, {
      ...token.consent,
      grantor: doctor.address,
      grantee: patient.address,
    })
    expect(() => verifyConsent(salted, { ...other, consent: token.consent })).toThrowError(
      expect.objectContaining({ code: 'CONSENT_SIGNATURE_INVALID' }),
    )
  })

  it('CONSENT_MALFORMED for bad shapes; CONSENT_GRANTEE when a non-grantor signs', () => {
    expect(() => verifyConsent(salted, { ...token, signature: '0x1234' })).toThrowError(
      expect.objectContaining({ code: 'CONSENT_MALFORMED' }),
    )
    expect(() => verifyConsent(salted, 'msc1.AAAA')).toThrowError(
      expect.objectContaining({ code: 'CONSENT_MALFORMED' }),
    )
    expect(() => verifyConsent(salted, null as never)).toThrowError(
      expect.objectContaining({ code: 'CONSENT_MALFORMED' }),
    )
    expect(() => createConsentToken(doctor, salted, token.consent)).toThrowError(
      expect.objectContaining({ code: 'CONSENT_GRANTEE' }),
    )
  })
})
