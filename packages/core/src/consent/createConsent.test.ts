import { describe, expect, it } from 'vitest'
import { ConsentError, InvalidArgumentError } from '../errors/base.js'
import { consentKey } from '../ledger/consentKey.js'
import { type CreateConsentParameters, createConsent } from './createConsent.js'
import { isPurposeOfUse, PURPOSE_OF_USE_CODES } from './purposeOfUse.js'

const A = '0x1111111111111111111111111111111111111111' as const
const B = '0x2222222222222222222222222222222222222222' as const
const base = {
  grantor: A,
  grantee: B,
  resourceTypes: ['Observation'],
  actions: ['read'] as const,
  purposes: ['TREAT'],
  notBefore: 100,
  durationSeconds: 60,
} as CreateConsentParameters
const mk = (over: Record<string, unknown>) => createConsent({ ...base, ...over } as CreateConsentParameters)

function code(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    return `${(err as Error).name}:${(err as ConsentError).code}`
  }
  return 'no error'
}

describe('createConsent', () => {
  it('makes a checked consent with a fresh random id', () => {
    const a = mk({ actions: ['read', 'read', 'search'] })
    const b = createConsent(base)
    expect(a.id).toMatch(/^0x[0-9a-f]{64}$/)
    expect(a.id).not.toBe(b.id)
    expect(a.parent).toBe(`0x${'0'.repeat(64)}`)
    expect(a.actions).toEqual(['read', 'search'])
    expect(a.expiresAt).toBe(160)
    expect(a.delegationDepth).toBe(0)
    expect(Object.isFrozen(a)).toBe(true)
    expect(a.grantor).toBe('0x1111111111111111111111111111111111111111')
  })

  it('uses the injected randomness and accepts commitments as bytes', () => {
    const c = mk({
      resourceTypes: [],
      commitments: [new Uint8Array(32).fill(0xab)],
      randomBytes: (n: number) => new Uint8Array(n).fill(7),
    })
    expect(c.id).toBe(`0x${'07'.repeat(32)}`)
    expect(c.commitments).toEqual([`0x${'ab'.repeat(32)}`])
  })

  it('rejects bad codes, actions, scope and windows with CONSENT_MALFORMED', () => {
    const m = 'ConsentError:CONSENT_MALFORMED'
    expect(code(() => mk({ purposes: ['treat'] }))).toBe(m)
    expect(code(() => mk({ purposes: [] }))).toBe(m)
    expect(code(() => mk({ actions: ['erase' as 'read'] }))).toBe(m)
    expect(code(() => mk({ actions: [] }))).toBe(m)
    expect(code(() => mk({ resourceTypes: [] }))).toBe(m)
    expect(code(() => mk({ resourceTypes: ['observation'] }))).toBe(m)
    expect(code(() => mk({ exclude: ['bad label'] }))).toBe(m)
    expect(code(() => mk({ grantee: A }))).toBe(m)
    expect(code(() => mk({ grantee: '0x12' }))).toBe(m)
    expect(code(() => mk({ durationSeconds: undefined, expiresAt: 100 }))).toBe(m)
    expect(code(() => mk({ notBefore: -1 }))).toBe(m)
    expect(code(() => mk({ delegationDepth: 256 }))).toBe(m)
    expect(code(() => createConsent({ ...base, id: `0x${'0'.repeat(64)}` }))).toBe(m)
  })

  it('needs exactly one of expiresAt and durationSeconds', () => {
    expect(code(() => mk({ expiresAt: 200 }))).toBe('InvalidArgumentError:INVALID_ARGUMENT')
    expect(code(() => mk({ durationSeconds: undefined }))).toBe('InvalidArgumentError:INVALID_ARGUMENT')
    expect(code(() => mk({ durationSeconds: 0 }))).toBe('InvalidArgumentError:OUT_OF_RANGE')
    expect(() => createConsent(null as never)).toThrow(InvalidArgumentError)
  })

  it('knows the HL7 v3 PurposeOfUse codes', () => {
    expect(PURPOSE_OF_USE_CODES).toHaveLength(59)
    for (const c of ['TREAT', 'ETREAT', 'HPAYMT', 'HRESCH', 'PATRQT', 'BTG']) expect(isPurposeOfUse(c)).toBe(true)
    expect(isPurposeOfUse('treat')).toBe(false)
    expect(isPurposeOfUse(1)).toBe(false)
  })
})

describe('addresses', () => {
  it('rejects a mixed-case address whose EIP-55 checksum is wrong (CONSENT_MALFORMED)', () => {
    const good = '0xFb338b3965EA92cF3561af0F4767A71dbB9c0552'
    const bad = `0xfB${good.slice(4)}` as `0x${string}` // same address, two letters' case flipped
    expect(createConsent({ ...base, grantor: good }).grantor).toBe(good)
    expect(createConsent({ ...base, grantor: good.toLowerCase() as `0x${string}` }).grantor).toBe(good)
    let caught: unknown
    try {
      createConsent({ ...base, grantor: bad })
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(ConsentError)
    expect((caught as ConsentError).code).toBe('CONSENT_MALFORMED')
  })
})

describe('parent (delegation)', () => {
  const parent = createConsent({ ...base, grantor: B, grantee: A })
  it('names the parent by its ledger key consentKey(parent.grantor, parent.id)', () => {
    const child = mk({ parent })
    expect(child.parent).toBe(consentKey(B, parent.id))
    expect(child.parent).not.toBe(parent.id)
    // the same id from another grantor is another parent
    expect(mk({ parent: { grantor: A, id: parent.id } }).parent).toBe(consentKey(A, parent.id))
    // an import that already holds the key keeps it
    expect(mk({ parentKey: child.parent }).parent).toBe(child.parent)
  })

  it('refuses a bare id, both forms at once, and a consent that is its own parent', () => {
    expect(code(() => mk({ parent: parent.id }))).toBe('InvalidArgumentError:INVALID_TYPE')
    expect(code(() => mk({ parent: { grantor: 'nope', id: parent.id } }))).toBe('InvalidArgumentError:INVALID_ARGUMENT')
    expect(code(() => mk({ parent, parentKey: consentKey(B, parent.id) }))).toBe(
      'InvalidArgumentError:INVALID_ARGUMENT',
    )
    const id = `0x${'42'.repeat(32)}` as const
    expect(code(() => mk({ id, parentKey: consentKey(A, id) }))).toBe('ConsentError:CONSENT_MALFORMED')
    expect(code(() => mk({ id, parentKey: id }))).toBe('ConsentError:CONSENT_MALFORMED')
  })
})
