import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from '../errors/base.js'
import { createParty } from '../identity/createParty.js'
import type { Party } from '../identity/types.js'
import { consentKey } from '../ledger/consentKey.js'
import type { ConsentRecord, LedgerAdapter } from '../ledger/types.js'
import type { Hex } from '../types.js'
import { clockedLedger } from './_testLedger.js'
import { type AuthorizeRequest, type AuthorizeReturnType, authorize } from './authorize.js'
import { CONSENT_CACHE_DEFAULT_MAX_ENTRIES, type ConsentCache, createConsentCache } from './consentCache.js'
import { type ConsentToken, encodeConsentToken } from './consentToken.js'
import { createConsent } from './createConsent.js'
import { revokeConsent } from './revokeConsent.js'
import type { ConsentAction } from './types.js'
import { createConsentToken } from './verifyConsent.js'

const T0 = 1_700_000_000
const seed = (n: number) => new Uint8Array(32).fill(n)
const patient = createParty({ seed: seed(1) })
const doctor = createParty({ seed: seed(2) })
const nurse = createParty({ seed: seed(3) })
const stranger = createParty({ seed: seed(4) })
const COMMITMENT = `0x${'0b'.repeat(32)}` as Hex
const record = { commitment: COMMITMENT, resourceType: 'Observation', labels: [] as string[], owner: patient.address }

/** Two real ledgers (distinct EIP-712 domains) whose clocks the test moves. */
function ledgers() {
  const a = clockedLedger('cache-a', T0)
  const b = clockedLedger('cache-b', T0)
  return { a, b }
}

type Grant = { readonly on: 'a' | 'b'; readonly by: Party; readonly token: ConsentToken }

/**
 * Consents signed once for the whole file (signing is the slow part): grants from the patient on ledger A and B, a
 * delegated re-grant on A, a later-starting grant, and a stranger's grant (which never opens the patient's record).
 */
function signPool(domains: { a: LedgerAdapter['domain']; b: LedgerAdapter['domain'] }): Grant[] {
  const sign = (on: 'a' | 'b', by: Party, params: Omit<Parameters<typeof createConsent>[0], 'grantor'>): Grant => ({
    on,
    by,
    token: createConsentToken(by, domains[on], createConsent({ grantor: by, ...params })),
  })
  const base = {
    resourceTypes: ['Observation'],
    exclude: ['PSY'],
    purposes: ['TREAT'],
    notBefore: T0,
  }
  const gA = sign('a', patient, {
    ...base,
    grantee: doctor,
    actions: ['read', 'delegate'],
    durationSeconds: 3600,
    delegationDepth: 1,
  })
  const dA = sign('a', doctor, {
    ...base,
    grantee: nurse,
    parent: gA.token.consent,
    actions: ['read'],
    notBefore: T0 + 100,
    durationSeconds: 1800,
  })
  const lateA = sign('a', patient, {
    ...base,
    grantee: doctor,
    actions: ['read'],
    notBefore: T0 + 600,
    durationSeconds: 3400,
  })
  const gB = sign('b', patient, { ...base, grantee: doctor, actions: ['read'], durationSeconds: 3600 })
  const xA = sign('a', stranger, { ...base, grantee: doctor, actions: ['read'], durationSeconds: 3600 })
  return [gA, dA, lateA, gB, xA]
}

const domainsOnce = ledgers()
const POOL = signPool({ a: domainsOnce.a.ledger.domain, b: domainsOnce.b.ledger.domain })

/** How a lying ledger answers `getConsent`: honestly, or with something else under the key asked for. */
type Substitution = 'honest' | 'tamper' | 'foreign' | 'swap' | 'sigswap' | 'malformed'

function substitute(mode: Substitution, r: ConsentRecord | undefined): ConsentRecord | undefined {
  if (!r) return r
  const other = POOL[2] as Grant
  const foreign = POOL[3] as Grant
  switch (mode) {
    case 'honest':
      return r
    case 'tamper': // a widened grant under the original signature
      return { ...r, consent: { ...r.consent, purposes: ['TREAT', 'HPAYMT'], actions: ['read', 'write'] } }
    case 'foreign': // a genuine consent, signed for the other ledger
      return { ...r, consent: foreign.token.consent, signature: foreign.token.signature }
    case 'swap': // another genuine consent of this ledger, under this key
      return { ...r, consent: other.token.consent, signature: other.token.signature }
    case 'sigswap': // this consent with another consent's signature
      return { ...r, signature: other.token.signature }
    case 'malformed':
      return { ...r, consent: { ...r.consent, purposes: ['nope'] } }
  }
}

type Op =
  | { readonly t: 'grant'; readonly i: number }
  | { readonly t: 'revoke'; readonly i: number }
  | { readonly t: 'time'; readonly ledger: number; readonly host: number }
  | { readonly t: 'lie'; readonly mode: Substitution }
  | {
      readonly t: 'ask'
      readonly i: number
      readonly via: 'id' | 'token'
      readonly on: 'home' | 'other' | 'lying' | 'aAsB'
      readonly grantee: 'right' | 'wrong'
      readonly action: ConsentAction
      readonly purpose: string
    }

/** Seconds after T0: mostly inside the first grants' windows, sometimes before or past them. */
const clockArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 900 }) },
  { weight: 1, arbitrary: fc.integer({ min: -50, max: 4_100 }) },
)

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ t: fc.constant('grant' as const), i: fc.nat(POOL.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('revoke' as const), i: fc.nat(POOL.length - 1) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('time' as const),
      ledger: clockArb,
      host: clockArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('lie' as const),
      mode: fc.constantFrom<Substitution>('honest', 'tamper', 'foreign', 'swap', 'sigswap', 'malformed'),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant('ask' as const),
      i: fc.nat(POOL.length - 1),
      via: fc.constantFrom('id' as const, 'token' as const),
      on: fc.constantFrom('home' as const, 'home' as const, 'lying' as const, 'other' as const, 'aAsB' as const),
      grantee: fc.constantFrom('right' as const, 'right' as const, 'right' as const, 'wrong' as const),
      action: fc.constantFrom<ConsentAction>('read', 'read', 'read', 'write'),
      purpose: fc.constantFrom('TREAT', 'TREAT', 'TREAT', 'HPAYMT'),
    }),
  },
)

/** What a decision says, for comparing a cached decision with an uncached one. */
const summary = (d: AuthorizeReturnType) => ({
  allowed: d.allowed,
  reason: d.reason,
  consent: d.consent,
  chain: d.chain,
  at: d.at,
  hostAt: d.hostAt,
})

describe('createConsentCache', () => {
  it('creates a frozen, bounded, empty cache', () => {
    const cache = createConsentCache()
    expect(Object.isFrozen(cache)).toBe(true)
    expect(cache.maxEntries).toBe(CONSENT_CACHE_DEFAULT_MAX_ENTRIES)
    expect(cache.size).toBe(0)
    expect(createConsentCache({ maxEntries: 3 }).maxEntries).toBe(3)
  })

  it('rejects bad parameters: INVALID_TYPE, OUT_OF_RANGE', () => {
    expect(() => createConsentCache(null as never)).toThrow(InvalidArgumentError)
    expect(() => createConsentCache([] as never)).toThrowError(expect.objectContaining({ code: 'INVALID_TYPE' }))
    for (const maxEntries of [0, -1, 1.5, Number.NaN, 2 ** 60, '10' as never])
      expect(() => createConsentCache({ maxEntries })).toThrowError(expect.objectContaining({ code: 'OUT_OF_RANGE' }))
  })

  it('authorize refuses anything but a cache from createConsentCache (INVALID_TYPE)', async () => {
    const { a } = ledgers()
    const gA = POOL[0] as Grant
    const request = {
      consentId: gA.token.consent.id,
      grantor: patient,
      grantee: doctor,
      action: 'read',
      purpose: 'TREAT',
      record,
    } as const
    const lookAlike = { maxEntries: 10, size: 0, clear() {} } as ConsentCache
    await expect(authorize(a.ledger, request, { cache: lookAlike })).rejects.toMatchObject({
      name: 'InvalidArgumentError',
      code: 'INVALID_TYPE',
    })
  })
})

describe('authorize with a consent cache', () => {
  async function registered() {
    const { a, b } = ledgers()
    for (const g of POOL)
      await (g.on === 'a' ? a : b).ledger.registerConsent({ consent: g.token.consent, signature: g.token.signature })
    return { a, b }
  }
  const ask = (g: Grant, grantee: Party = doctor): AuthorizeRequest => ({
    consentId: g.token.consent.id,
    grantor: g.by,
    grantee,
    action: 'read',
    purpose: 'TREAT',
    record,
  })

  it('verifies each consent once, keeps at most maxEntries, and clear() empties it', async () => {
    const { a } = await registered()
    const now = () => (T0 + 200) * 1000
    a.clock.now = T0 + 200
    const cache = createConsentCache({ maxEntries: 2 })
    const [gA, dA] = POOL as [Grant, Grant]
    for (let i = 0; i < 3; i++) expect((await authorize(a.ledger, ask(gA), { now, cache })).reason).toBe('PERMITTED')
    expect(cache.size).toBe(1)
    // the delegated grant and its parent: two entries
    expect((await authorize(a.ledger, ask(dA, nurse), { now, cache })).reason).toBe('PERMITTED')
    expect(cache.size).toBe(2)
    expect((await authorize(a.ledger, ask(POOL[4] as Grant), { now, cache })).reason).toBe('CONSENT_SCOPE')
    expect(cache.size).toBe(2)
    cache.clear()
    expect(cache.size).toBe(0)
  })

  it('a cached consent still loses to a revocation, either clock, a tampered copy and another domain', async () => {
    const { a, b } = await registered()
    const [gA] = POOL as [Grant]
    const cache = createConsentCache()
    let host = T0 + 10
    const now = () => host * 1000
    a.clock.now = T0 + 10
    expect((await authorize(a.ledger, ask(gA), { now, cache })).reason).toBe('PERMITTED')
    expect(cache.size).toBe(1)

    // the ledger substitutes a widened consent under the same key, keeping the signature
    const lying: LedgerAdapter = {
      ...a.ledger,
      getConsent: async (key) => substitute('tamper', await a.ledger.getConsent(key)),
    }
    expect((await authorize(lying, { ...ask(gA), action: 'write' }, { now, cache })).reason).toBe(
      'CONSENT_SIGNATURE_INVALID',
    )
    // the same storage under ledger B's domain: the signature is not for B
    const asB: LedgerAdapter = { ...a.ledger, domain: b.ledger.domain }
    expect((await authorize(asB, ask(gA), { now, cache })).reason).toBe('CONSENT_SIGNATURE_INVALID')
    // a host clock past expiry, then the ledger's
    host = T0 + 3600
    expect((await authorize(a.ledger, ask(gA), { now, cache })).reason).toBe('CONSENT_EXPIRED')
    host = T0 + 20
    a.clock.now = T0 + 3600
    expect((await authorize(a.ledger, ask(gA), { now, cache })).reason).toBe('CONSENT_EXPIRED')
    // a revocation read from the ledger
    const { a: a2 } = await registered()
    a2.clock.now = T0 + 20
    expect((await authorize(a2.ledger, ask(gA), { now, cache })).reason).toBe('PERMITTED')
    await revokeConsent(a2.ledger, { party: patient, consentId: gA.token.consent.id })
    expect((await authorize(a2.ledger, ask(gA), { now, cache })).reason).toBe('CONSENT_REVOKED')
  })

  // The property the cache must keep: for any sequence of grants, revocations, clock moves (ledger and host), ledger
  // substitutions (tampered, foreign, swapped, re-signed, malformed consents; one storage under another domain) and
  // requests, a decision with the cache equals the decision without it. One cache serves both ledgers and is small
  // enough to evict.
  test.prop(
    [
      fc.subarray([...POOL.keys()], { minLength: 3 }),
      fc.array(opArb, { minLength: 1, maxLength: 24 }),
      fc.integer({ min: 1, max: 6 }),
    ],
    { numRuns: 60, timeout: 60_000 },
  )('decides exactly as without the cache, whatever the ledgers do', async (initial, ops, maxEntries) => {
    const { a, b } = ledgers()
    for (const i of initial) {
      const g = POOL[i] as Grant
      await (g.on === 'a' ? a : b).ledger.registerConsent({ consent: g.token.consent, signature: g.token.signature })
    }
    const cache = createConsentCache({ maxEntries })
    // start where the first grants are in force (the delegated one from T0 + 100)
    a.clock.now = T0 + 150
    b.clock.now = T0 + 150
    let host = T0 + 150
    const now = () => host * 1000
    let mode: Substitution = 'honest'
    const lying: LedgerAdapter = {
      ...a.ledger,
      getConsent: async (key) => substitute(mode, await a.ledger.getConsent(key)),
    }
    const aAsB: LedgerAdapter = { ...a.ledger, domain: b.ledger.domain }
    for (const op of ops) {
      if (op.t === 'grant') {
        const g = POOL[op.i] as Grant
        const target = g.on === 'a' ? a.ledger : b.ledger
        if (!(await target.getConsent(keyOf(g))))
          await target.registerConsent({ consent: g.token.consent, signature: g.token.signature })
      } else if (op.t === 'revoke') {
        const g = POOL[op.i] as Grant
        const target = g.on === 'a' ? a.ledger : b.ledger
        if (await target.getConsent(keyOf(g)))
          await revokeConsent(target, { party: g.by, consentId: g.token.consent.id })
      } else if (op.t === 'time') {
        a.clock.now = T0 + op.ledger
        b.clock.now = T0 + op.ledger
        host = T0 + op.host
      } else if (op.t === 'lie') {
        mode = op.mode
      } else {
        const g = POOL[op.i] as Grant
        const ref =
          op.via === 'id'
            ? { consentId: g.token.consent.id, grantor: g.by.address }
            : { token: encodeConsentToken(g.token) }
        const request = {
          ...ref,
          grantee: (g.token.consent.grantee === doctor.address) === (op.grantee === 'right') ? doctor : nurse,
          action: op.action,
          purpose: op.purpose,
          record,
        } as AuthorizeRequest
        const home = g.on === 'a' ? a.ledger : b.ledger
        const other = g.on === 'a' ? b.ledger : a.ledger
        const ledger = op.on === 'home' ? home : op.on === 'other' ? other : op.on === 'lying' ? lying : aAsB
        const cached = await authorize(ledger, request, { now, cache })
        const plain = await authorize(ledger, request, { now })
        expect(summary(cached)).toEqual(summary(plain))
        expect(cache.size).toBeLessThanOrEqual(maxEntries)
      }
    }
  })
})

function keyOf(g: Grant) {
  return consentKey(g.by.address, g.token.consent.id)
}
