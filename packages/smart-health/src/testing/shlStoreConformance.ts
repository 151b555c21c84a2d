/**
 * The {@link ShlStore} conformance suite: one call registers, with vitest, every rule a SMART Health Link store must
 * keep, so that the memory store, the SQL store (`@medseal/store-postgres`) and an integrator's own behave alike.
 * It lives here rather than in `@medseal/core/testing` because the store's types are this package's (core cannot
 * import them without a dependency cycle).
 *
 * What it pins down: links round-trip exactly; an id is taken once; the wrong-passcode budget counts down and never
 * below zero, also under parallel guesses on one instance and on two instances over the same database; a right
 * passcode gives its attempt back; the last wrong one disables the link (but not while a right one is in flight); a
 * settle without a reservation does nothing; a disabled link and the attempts left survive a restart; file locations
 * round-trip. With a ledger: the registration rules of `createShlRoutes` on the store (only the consent's grantee
 * registers a link; forged, replayed, claimed, misdirected and stale registrations are refused and change nothing).
 * @module
 */
import type { LedgerAdapter } from '@medseal/core'
import { describe, expect, it } from 'vitest'
import type { ShlStore, ShlStoredLink } from '../shlStore.js'
import { describeShlRegistrationRules } from './_shlRegistrationSuite.js'

/** One store for one test, from {@link ShlStoreConformanceOptions.create}. */
export type ShlStoreConformanceHarness = {
  readonly store: ShlStore
  /** A second store over the same database (as a second process would open), when the engine allows it. */
  readonly openSecond?: () => Promise<ShlStore>
  /** Closes the store and opens the same database again (a restarted process), when it is durable. */
  readonly reopen?: () => Promise<ShlStore>
  readonly cleanup?: () => Promise<void>
}

/** Options of {@link describeShlStoreConformance}. */
export type ShlStoreConformanceOptions = {
  /** A fresh, empty store for each test. */
  readonly create: () => Promise<ShlStoreConformanceHarness>
  /** Per-test timeout, ms (default 30,000). */
  readonly timeoutMs?: number
  /**
   * A ledger for the registration rules (e.g. `createMemoryLedger()`): when given, the suite also registers links
   * through `createShlRoutes` on the store and checks that only the consent's grantee can register one (a token with
   * another key's signature, a replay, a claim of a taken id, another server's or a stale registration are refused).
   */
  readonly ledger?: () => LedgerAdapter | Promise<LedgerAdapter>
}

let counter = 0
/** A link fixture with a fresh 43-character id. */
function link(attemptsLeft: number, extra: Partial<ShlStoredLink> = {}): ShlStoredLink {
  counter += 1
  return {
    id: `${'L'.repeat(35)}${String(counter).padStart(8, '0')}`,
    token: 'msc1.fixture',
    consentId: `0x${'ab'.repeat(32)}`,
    grantor: '0x1111111111111111111111111111111111111111',
    grantee: '0x2222222222222222222222222222222222222222',
    files: [
      {
        contentType: 'application/fhir+json',
        jwe: 'a.b.c.d.e',
        commitment: `0x${'01'.repeat(32)}`,
        resourceType: 'Observation',
      },
      {
        contentType: 'application/smart-health-card',
        jwe: 'f.g.h.i.j',
        commitment: `0x${'02'.repeat(32)}`,
        resourceType: 'Immunization',
      },
    ],
    passcode: { salt: 'c2FsdA', hash: 'aGFzaA', iterations: 1000 },
    attemptsLeft,
    disabled: false,
    registration: {
      service: 'https://links.test/api',
      issuedAt: 1_700_000_000,
      maxAttempts: 0,
      signature: `0x${'ab'.repeat(65)}`,
    },
    ...extra,
  }
}

/**
 * Registers the suite under `name`.
 *
 * @param name - the describe block's name (e.g. `'PGlite'`)
 * @param options - `create` (a fresh store per test), optional `timeoutMs`
 * @example
 * ```ts
 * import { createMemoryShlStore } from '@medseal/smart-health'
 * import { describeShlStoreConformance } from '@medseal/smart-health/testing'
 * describeShlStoreConformance('memory', { create: async () => ({ store: createMemoryShlStore() }) })
 * ```
 */
export function describeShlStoreConformance(name: string, options: ShlStoreConformanceOptions): void {
  const timeout = options.timeoutMs ?? 30_000
  const test = (title: string, fn: (h: ShlStoreConformanceHarness) => Promise<void>) =>
    it(
      title,
      async () => {
        const h = await options.create()
        try {
          await fn(h)
        } finally {
          await h.cleanup?.()
        }
      },
      timeout,
    )

  describe(`ShlStore conformance: ${name}`, () => {
    test('a link round-trips exactly; an id is taken once; an unknown id is undefined', async ({ store }) => {
      const a = link(5)
      expect(await store.insert(a)).toBe(true)
      expect(await store.get(a.id)).toEqual(a)
      expect(await store.insert({ ...a, token: 'msc1.other', attemptsLeft: 9 })).toBe(false)
      expect(await store.get(a.id)).toEqual(a)
      const { passcode: _p, ...open } = link(5)
      expect(await store.insert(open)).toBe(true)
      expect(await store.get(open.id)).toEqual(open)
      expect(await store.get('M'.repeat(43))).toBeUndefined()
      expect(await store.takeAttempt('M'.repeat(43))).toBe(-1)
    })

    test('the registration signature is kept with its link (for audit), through attempts and a restart; a link without one stays without', async (h) => {
      const a = link(2)
      expect(await h.store.insert(a)).toBe(true)
      expect((await h.store.get(a.id))?.registration).toEqual(a.registration)
      expect(await h.store.takeAttempt(a.id)).toBe(1)
      await h.store.settleAttempt(a.id, false)
      expect((await h.store.get(a.id))?.registration).toEqual(a.registration)
      const { registration: _r, ...legacy } = { ...link(2), id: 'L'.repeat(43) }
      expect(await h.store.insert(legacy)).toBe(true)
      expect(await h.store.get(legacy.id)).toEqual(legacy)
      if (h.reopen) {
        const again = await h.reopen()
        expect((await again.get(a.id))?.registration).toEqual(a.registration)
        expect((await again.get(legacy.id))?.registration).toBeUndefined()
      }
    })

    test('attempts count down to 0, never below; a right passcode gives its attempt back', async ({ store }) => {
      const a = link(2)
      await store.insert(a)
      expect(await store.takeAttempt(a.id)).toBe(1)
      await store.settleAttempt(a.id, true)
      expect((await store.get(a.id))?.attemptsLeft).toBe(2)
      expect(await store.takeAttempt(a.id)).toBe(1)
      await store.settleAttempt(a.id, false)
      expect(await store.get(a.id)).toMatchObject({ attemptsLeft: 1, disabled: false })
      expect(await store.takeAttempt(a.id)).toBe(0)
      expect(await store.takeAttempt(a.id)).toBe(-1)
      await store.settleAttempt(a.id, false)
      expect(await store.get(a.id)).toMatchObject({ attemptsLeft: 0, disabled: true })
      expect(await store.takeAttempt(a.id)).toBe(-1)
      // a settle without a reservation changes nothing (it cannot raise the budget)
      await store.settleAttempt(a.id, true)
      expect(await store.get(a.id)).toMatchObject({ attemptsLeft: 0, disabled: true })
    })

    test('a settle without a reservation does nothing', async ({ store }) => {
      const a = link(1)
      await store.insert(a)
      await store.settleAttempt(a.id, true)
      await store.settleAttempt(a.id, false)
      expect(await store.get(a.id)).toMatchObject({ attemptsLeft: 1, disabled: false })
    })

    test('a disabled link takes no attempt', async ({ store }) => {
      const a = link(3, { disabled: true })
      await store.insert(a)
      expect(await store.takeAttempt(a.id)).toBe(-1)
      expect(await store.get(a.id)).toMatchObject({ attemptsLeft: 3, disabled: true })
    })

    test('parallel wrong guesses never take more attempts than are left, and the last one disables', async ({
      store,
    }) => {
      const a = link(3)
      await store.insert(a)
      const taken = await Promise.all(Array.from({ length: 12 }, () => store.takeAttempt(a.id)))
      expect(taken.filter((n) => n >= 0).sort()).toEqual([0, 1, 2])
      expect(taken.filter((n) => n < 0)).toHaveLength(9)
      await Promise.all([0, 1, 2].map(() => store.settleAttempt(a.id, false)))
      expect(await store.get(a.id)).toMatchObject({ attemptsLeft: 0, disabled: true })
    })

    test('a wrong guess on the last attempt does not disable the link while a right one is in flight', async ({
      store,
    }) => {
      const a = link(2)
      await store.insert(a)
      expect(await store.takeAttempt(a.id)).toBe(1)
      expect(await store.takeAttempt(a.id)).toBe(0)
      await store.settleAttempt(a.id, false)
      expect(await store.get(a.id)).toMatchObject({ attemptsLeft: 0, disabled: false })
      await store.settleAttempt(a.id, true)
      expect(await store.get(a.id)).toMatchObject({ attemptsLeft: 1, disabled: false })
    })

    test('two instances over one database share the budget', async (h) => {
      if (!h.openSecond) return
      const other = await h.openSecond()
      const a = link(4)
      await h.store.insert(a)
      expect(await other.get(a.id)).toEqual(a)
      const taken = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? h.store : other).takeAttempt(a.id)),
      )
      expect(taken.filter((n) => n >= 0).sort()).toEqual([0, 1, 2, 3])
      await Promise.all([0, 1, 2, 3].map((i) => (i % 2 === 0 ? h.store : other).settleAttempt(a.id, false)))
      expect(await h.store.get(a.id)).toMatchObject({ attemptsLeft: 0, disabled: true })
      expect(await other.takeAttempt(a.id)).toBe(-1)
    })

    test('a disabled link, the attempts left and the file locations survive a restart', async (h) => {
      if (!h.reopen) return
      const a = link(1)
      const b = link(3)
      await h.store.insert(a)
      await h.store.insert(b)
      expect(await h.store.takeAttempt(a.id)).toBe(0)
      await h.store.settleAttempt(a.id, false)
      expect(await h.store.takeAttempt(b.id)).toBe(2)
      await h.store.settleAttempt(b.id, false)
      await h.store.putLocation('tok-restart', { linkId: b.id, index: 1, expiresAt: Date.now() + 60_000 })
      const again = await h.reopen()
      expect(await again.get(a.id)).toEqual({ ...a, attemptsLeft: 0, disabled: true })
      expect(await again.takeAttempt(a.id)).toBe(-1)
      expect(await again.get(b.id)).toEqual({ ...b, attemptsLeft: 2 })
      expect(await again.getLocation('tok-restart')).toMatchObject({ linkId: b.id, index: 1 })
    })

    test('file locations round-trip; an unknown one is undefined', async ({ store }) => {
      const a = link(1)
      await store.insert(a)
      const expiresAt = Date.now() + 3_600_000
      await store.putLocation('tok-1', { linkId: a.id, index: 0, expiresAt })
      await store.putLocation('tok-2', { linkId: a.id, index: 1, expiresAt })
      expect(await store.getLocation('tok-1')).toEqual({ linkId: a.id, index: 0, expiresAt })
      expect(await store.getLocation('tok-2')).toEqual({ linkId: a.id, index: 1, expiresAt })
      expect(await store.getLocation('tok-3')).toBeUndefined()
    })

    if (options.ledger) describeShlRegistrationRules(options.create, options.ledger, timeout)
  })
}
