/**
 * The link-registration rules, run by {@link describeShlStoreConformance} through `createShlRoutes` on the store under
 * test when the caller gives a ledger: only the consent's grantee registers a link; a token with another key's
 * signature, a replay, a claim of a taken id, a registration for another server and a stale one are refused with
 * their codes, and none of them changes what the store holds.
 * @internal
 * @module
 */
import {
  bytesToBase64url,
  bytesToHex0x,
  createAccessLog,
  createParty,
  encodeConsentToken,
  grantConsent,
  type LedgerAdapter,
  type Party,
  randomBytes,
} from '@medseal/core'
import { expect, it } from 'vitest'
import { createShlHandler, createShlRoutes } from '../createShlRoutes.js'
import { createSmartHealthLink } from '../createSmartHealthLink.js'
import { openSmartHealthLink } from '../openSmartHealthLink.js'
import type { ShlStore, ShlStoredLink } from '../shlStore.js'
import { signShlRegistration } from '../signShlRegistration.js'
import { verifyShlLinkRegistration } from '../verifyShlLinkRegistration.js'

const SERVICE = 'https://links.test/api'

/** Registers the registration tests; `create` gives a fresh store per test. @internal */
export function describeShlRegistrationRules(
  create: () => Promise<{ readonly store: ShlStore; readonly cleanup?: () => Promise<void> }>,
  ledgerOf: () => LedgerAdapter | Promise<LedgerAdapter>,
  timeout: number,
): void {
  const setup = async () => {
    const h = await create()
    const ledger = await ledgerOf()
    const patient = createParty()
    const log = await createAccessLog({ operator: createParty(), ledger, name: 'shl-registration' })
    const serve = (publicUrl: string) => {
      const handler = createShlHandler(
        createShlRoutes({ store: h.store, ledger, log, publicUrl, passcodeIterations: 1000 }),
        { basePath: '/api' },
      )
      return async (url: string, init?: RequestInit) => handler(new Request(url, init))
    }
    const fetch = serve(SERVICE)
    const commitment = bytesToHex0x(randomBytes(32))
    const files = [{ contentType: 'application/fhir+json', jwe: 'a.b.c.d.e', commitment, resourceType: 'Observation' }]
    /** A consent from the patient to `grantee` and a registration signed by `signer` (default: the grantee). */
    const registration = async (grantee: Party, signer: Party = grantee, over: Record<string, unknown> = {}) => {
      const { token } = await grantConsent(ledger, {
        party: patient,
        grantee,
        commitments: [commitment],
        actions: ['read'],
        purposes: ['PATRQT'],
        durationSeconds: 600,
      })
      const statement = {
        id: bytesToBase64url(randomBytes(32)),
        consentId: token.consent.id,
        grantor: token.consent.grantor,
        service: SERVICE,
        files,
        passcodeHash: `0x${'00'.repeat(32)}` as const,
        passcodeIterations: 0,
        maxAttempts: 0,
        issuedAt: Math.floor(Date.now() / 1000),
        ...over,
      } as Parameters<typeof signShlRegistration>[2]
      return {
        id: statement.id,
        token: encodeConsentToken(token),
        files,
        service: statement.service,
        issuedAt: statement.issuedAt,
        signature: await signShlRegistration(signer, ledger.domain, statement),
      }
    }
    const post = (body: unknown, to = fetch) =>
      to(`${SERVICE}/v1/shl`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    const refused = async (res: Response, status: number, code: string) => {
      expect(res.status).toBe(status)
      expect(res.headers.get('content-type')).toBe('application/problem+json')
      expect(await res.json()).toMatchObject({ status, code, title: expect.any(String), detail: expect.any(String) })
    }
    return { ...h, ledger, patient, fetch, serve, registration, post, refused }
  }
  const test = (title: string, fn: (s: Awaited<ReturnType<typeof setup>>) => Promise<void>) =>
    it(
      title,
      async () => {
        const s = await setup()
        try {
          await fn(s)
        } finally {
          await s.cleanup?.()
        }
      },
      timeout,
    )

  test('registration: the link key signs it, the server stores it, a recipient opens it', async (s) => {
    const { shlink } = await createSmartHealthLink(
      { ledger: s.ledger, fetch: s.fetch },
      {
        patient: s.patient,
        serviceUrl: `${SERVICE}/`,
        durationSeconds: 600,
        files: [
          {
            contentType: 'application/fhir+json',
            content: '{"resourceType":"Observation"}',
            commitment: randomBytes(32),
            resourceType: 'Observation',
          },
        ],
      },
    )
    const opened = await openSmartHealthLink({ fetch: s.fetch }, { shlink, recipient: 'conformance' })
    expect(opened.files).toHaveLength(1)
    const grantee = createParty()
    const own = await s.registration(grantee)
    expect((await s.post(own)).status).toBe(201)
    const stored = await s.store.get(own.id)
    expect(stored).toMatchObject({ id: own.id, token: own.token })
    // the registration is kept with the link: an auditor proves from the store alone who registered it
    expect(stored?.registration).toEqual({
      service: SERVICE,
      issuedAt: own.issuedAt,
      maxAttempts: 0,
      signature: own.signature,
    })
    expect(await verifyShlLinkRegistration(s.ledger.domain, stored as ShlStoredLink)).toBe(grantee.address)
    // a changed row (another file) no longer verifies
    const changed = { ...(stored as ShlStoredLink), files: [{ ...own.files[0], resourceType: 'Condition' }] }
    await expect(verifyShlLinkRegistration(s.ledger.domain, changed as ShlStoredLink)).rejects.toMatchObject({
      code: 'SHL_REGISTRATION_UNAUTHORIZED',
    })
  })

  test('attacker: a valid consent token with a registration signed by another key is refused (SHL_REGISTRATION_UNAUTHORIZED)', async (s) => {
    const linkKey = createParty()
    const attacker = createParty()
    const forged = await s.registration(linkKey, attacker)
    await s.refused(await s.post(forged), 403, 'SHL_REGISTRATION_UNAUTHORIZED')
    expect(await s.store.get(forged.id)).toBeUndefined()
    // no signature, a malformed one, or the grantee's signature over other files: refused alike
    const { signature: _drop, ...unsigned } = await s.registration(linkKey)
    await s.refused(await s.post({ ...unsigned, signature: '0x1234' }), 403, 'SHL_REGISTRATION_UNAUTHORIZED')
    await s.refused(await s.post(unsigned), 400, 'SHL_MALFORMED')
    const signed = await s.registration(linkKey)
    const swapped = { ...signed, files: [{ ...signed.files[0], jwe: 'x.y.z.w.v' }] }
    await s.refused(await s.post(swapped), 403, 'SHL_REGISTRATION_UNAUTHORIZED')
    const added = { passcodeHash: bytesToHex0x(randomBytes(32)), passcodeIterations: 1000 }
    await s.refused(await s.post({ ...signed, ...added }), 403, 'SHL_REGISTRATION_UNAUTHORIZED')
    expect(await s.store.get(signed.id)).toBeUndefined()
    expect((await s.post(signed)).status).toBe(201)
  })

  test('a replayed registration and a claim of a taken id are refused (SHL_ID_TAKEN); the link is unchanged', async (s) => {
    const first = await s.registration(createParty())
    expect((await s.post(first)).status).toBe(201)
    const stored = await s.store.get(first.id)
    await s.refused(await s.post(first), 409, 'SHL_ID_TAKEN')
    // another grantee, rightly signed, under the same id
    const claim = await s.registration(createParty(), undefined, { id: first.id })
    await s.refused(await s.post(claim), 409, 'SHL_ID_TAKEN')
    expect(await s.store.get(first.id)).toEqual(stored)
  })

  test('a registration for another server is refused there (SHL_REGISTRATION_WRONG_SERVICE)', async (s) => {
    const r = await s.registration(createParty())
    const other = s.serve('https://other.test/api')
    await s.refused(
      await other('https://other.test/api/v1/shl', { method: 'POST', body: JSON.stringify(r) }),
      403,
      'SHL_REGISTRATION_WRONG_SERVICE',
    )
    // claiming to be for the other server does not help: the signature covers the service
    await s.refused(
      await other('https://other.test/api/v1/shl', {
        method: 'POST',
        body: JSON.stringify({ ...r, service: 'https://other.test/api' }),
      }),
      403,
      'SHL_REGISTRATION_UNAUTHORIZED',
    )
    expect(await s.store.get(r.id)).toBeUndefined()
  })

  test('a stale registration, or one dated ahead, is refused (SHL_REGISTRATION_STALE)', async (s) => {
    const key = createParty()
    const old = await s.registration(key, key, { issuedAt: Math.floor(Date.now() / 1000) - 301 })
    await s.refused(await s.post(old), 403, 'SHL_REGISTRATION_STALE')
    const ahead = await s.registration(key, key, { issuedAt: Math.floor(Date.now() / 1000) + 120 })
    await s.refused(await s.post(ahead), 403, 'SHL_REGISTRATION_STALE')
    expect(await s.store.get(old.id)).toBeUndefined()
    expect(await s.store.get(ahead.id)).toBeUndefined()
  })
}
