import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { base64urlToBytes, bytesToBase64url, bytesToHex0x } from '../bytes/index.js'
import { ConsentError } from '../errors/base.js'
import type { Hex } from '../types.js'
import { CONSENT_TOKEN_PREFIX, type ConsentToken, decodeConsentToken, encodeConsentToken } from './consentToken.js'
import { createConsent } from './createConsent.js'
import { PURPOSE_OF_USE_CODES } from './purposeOfUse.js'

const A = '0x1111111111111111111111111111111111111111'
const B = '0x2222222222222222222222222222222222222222'
const salted = { name: 'medseal', version: '1', salt: `0x${'ab'.repeat(32)}` } as const
const evm = { name: 'medseal', version: '1', chainId: 31337, verifyingContract: `0x${'5f'.repeat(20)}` } as const

function sampleToken(over: Partial<Parameters<typeof createConsent>[0]> = {}, domain: ConsentToken['domain'] = salted) {
  const consent = createConsent({
    grantor: A,
    grantee: B,
    resourceTypes: ['Observation', 'Condition'],
    commitments: [`0x${'cd'.repeat(32)}`],
    exclude: ['PSY'],
    actions: ['read', 'search'],
    purposes: ['TREAT'],
    notBefore: 1_700_000_000,
    durationSeconds: 3600,
    ...over,
  })
  return { domain, consent, signature: `0x${'1b'.repeat(65)}` as Hex } as ConsentToken
}

function expectMalformed(fn: () => unknown) {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(ConsentError)
    expect((err as ConsentError).code).toBe('CONSENT_MALFORMED')
    return
  }
  throw new Error('expected CONSENT_MALFORMED')
}

describe('compact consent tokens', () => {
  it('round-trips both domain forms and is URL-safe', () => {
    for (const domain of [salted, evm]) {
      const token = sampleToken({}, domain)
      const text = encodeConsentToken(token)
      expect(text.startsWith(CONSENT_TOKEN_PREFIX)).toBe(true)
      expect(text).toMatch(/^msc1\.[A-Za-z0-9_-]+$/)
      expect(encodeURIComponent(text)).toBe(text)
      const back = decodeConsentToken(text)
      expect(back).toEqual({
        ...token,
        domain:
          'salt' in domain ? domain : { ...domain, verifyingContract: (back.domain as typeof evm).verifyingContract },
      })
      expect(encodeConsentToken(back)).toBe(text)
    }
  })

  it('rejects a wrong prefix, bad base64url, truncation and trailing bytes', () => {
    const text = encodeConsentToken(sampleToken())
    const body = base64urlToBytes(text.slice(5))
    expectMalformed(() => decodeConsentToken(`msc2.${text.slice(5)}`))
    expectMalformed(() => decodeConsentToken(text.slice(5)))
    expectMalformed(() => decodeConsentToken(`${text}=`))
    expectMalformed(() => decodeConsentToken(`${text.slice(0, -1)}+`))
    expectMalformed(() => decodeConsentToken(`msc1.${bytesToBase64url(body.subarray(0, body.length - 1))}`))
    expectMalformed(() => decodeConsentToken(`msc1.${bytesToBase64url(new Uint8Array([...body, 0]))}`))
    expectMalformed(() => decodeConsentToken(`msc1.${'A'.repeat(70_000)}`))
    expectMalformed(() => decodeConsentToken(42 as unknown as string))
    expectMalformed(() => decodeConsentToken('msc1.'))
  })

  it('rejects an unknown domain tag and unknown codes inside an otherwise well-formed token', () => {
    const body = base64urlToBytes(encodeConsentToken(sampleToken()).slice(5))
    const badTag = body.slice()
    badTag[0] = 3
    expectMalformed(() => decodeConsentToken(`msc1.${bytesToBase64url(badTag)}`))
    // rewrite 'TREAT' to 'TREAx' in place: same length, not a PurposeOfUse code
    const text = new TextDecoder().decode(body)
    const at = text.indexOf('TREAT')
    const badPurpose = body.slice()
    badPurpose[at + 4] = 'x'.charCodeAt(0)
    expectMalformed(() => decodeConsentToken(`msc1.${bytesToBase64url(badPurpose)}`))
  })

  it('refuses to encode a malformed token', () => {
    const token = sampleToken()
    expectMalformed(() => encodeConsentToken({ ...token, signature: '0x12' }))
    expectMalformed(() => encodeConsentToken({ ...token, consent: { ...token.consent, purposes: ['NOPE'] } }))
    expectMalformed(() => encodeConsentToken({ ...token, extra: 1 } as unknown as ConsentToken))
    expectMalformed(() =>
      encodeConsentToken({ ...token, domain: { ...salted, version: '2' } as unknown as ConsentToken['domain'] }),
    )
  })

  const hex32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => bytesToHex0x(b))
  const arbToken = fc.record({
    resourceTypes: fc.uniqueArray(fc.constantFrom('Observation', 'Condition', 'Patient', 'Immunization'), {
      minLength: 1,
    }),
    commitments: fc.uniqueArray(hex32, { maxLength: 4 }),
    exclude: fc.uniqueArray(fc.constantFrom('PSY', 'HIV', 'SUD', 'ETH', 'R'), { maxLength: 3 }),
    actions: fc.uniqueArray(fc.constantFrom('read', 'search', 'vread', 'write', 'delegate' as const), { minLength: 1 }),
    purposes: fc.uniqueArray(fc.constantFrom(...PURPOSE_OF_USE_CODES), { minLength: 1, maxLength: 5 }),
    notBefore: fc.integer({ min: 0, max: 2 ** 40 }),
    durationSeconds: fc.integer({ min: 1, max: 2 ** 30 }),
    delegationDepth: fc.integer({ min: 0, max: 255 }),
    evm: fc.boolean(),
  })

  test.prop([arbToken])('encode/decode round-trips any valid token', (p) => {
    const { evm: useEvm, ...params } = p
    const token = sampleToken(params as Parameters<typeof sampleToken>[0], useEvm ? evm : salted)
    const text = encodeConsentToken(token)
    expect(encodeConsentToken(decodeConsentToken(text))).toBe(text)
  })

  test.prop([fc.string({ maxLength: 400 })])('decoding arbitrary text never crashes', (text) => {
    try {
      decodeConsentToken(text)
    } catch (err) {
      expect(err).toBeInstanceOf(ConsentError)
      expect((err as ConsentError).code).toBe('CONSENT_MALFORMED')
    }
  })

  test.prop([fc.uint8Array({ maxLength: 600 })])('decoding arbitrary bytes never crashes', (bytes) => {
    try {
      decodeConsentToken(CONSENT_TOKEN_PREFIX + bytesToBase64url(bytes))
    } catch (err) {
      expect(err).toBeInstanceOf(ConsentError)
      expect((err as ConsentError).code).toBe('CONSENT_MALFORMED')
    }
  })

  test.prop([fc.nat(), fc.integer({ min: 1, max: 255 })])(
    'flipping any byte of a valid token either fails or yields a different token',
    (pos, mask) => {
      const text = encodeConsentToken(sampleToken())
      const body = base64urlToBytes(text.slice(5))
      const i = pos % body.length
      body[i] = (body[i] as number) ^ mask
      const mutated = CONSENT_TOKEN_PREFIX + bytesToBase64url(body)
      try {
        const back = decodeConsentToken(mutated)
        expect(encodeConsentToken(back)).toBe(mutated)
        expect(mutated).not.toBe(text)
      } catch (err) {
        expect((err as ConsentError).code).toBe('CONSENT_MALFORMED')
      }
    },
  )
})
