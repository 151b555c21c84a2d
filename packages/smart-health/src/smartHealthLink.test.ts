import { createMemoryLedger } from '@medseal/adapter-memory'
import {
  bytesToHex0x,
  createAccessLog,
  createParty,
  encodeConsentToken,
  grantConsent,
  isSdkError,
  randomBytes,
  revokeConsent,
  seal,
} from '@medseal/core'
import { createReleaseFixture } from '@medseal/core/testing'
import { describe, expect, it } from 'vitest'
import { createShcIssuer } from './createShcIssuer.js'
import { createShlHandler, createShlRoutes } from './createShlRoutes.js'
import { createSmartHealthLink } from './createSmartHealthLink.js'
import { hashShlPasscode } from './hashShlPasscode.js'
import { encodeHealthCardFile } from './healthCardFile.js'
import { issueHealthCard } from './issueHealthCard.js'
import { normalizeShlServiceUrl } from './normalizeShlServiceUrl.js'
import { openSmartHealthLink } from './openSmartHealthLink.js'
import { decryptShlFile, encryptShlFile } from './shlFileJwe.js'
import { decodeShlink, encodeShlink } from './shlink.js'
import { createMemoryShlStore } from './shlStore.js'
import { signShlRegistration } from './signShlRegistration.js'
import { verifyHealthCard } from './verifyHealthCard.js'
import { verifyShlLinkRegistration } from './verifyShlLinkRegistration.js'

const patientResource = {
  resourceType: 'Patient',
  name: [{ family: 'Anyperson', given: ['Jane'] }],
  birthDate: '1960-02-03',
}
const vaccine = {
  resourceType: 'Immunization',
  status: 'completed',
  vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '207' }] },
  patient: { reference: 'resource:0' },
  occurrenceDateTime: '2021-01-01',
}

async function expectCode(promise: Promise<unknown>, code: string) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(isSdkError(err, code as never), `expected ${code}, got ${String(err)}`).toBe(true)
  return err as Error & { remainingAttempts?: number; reason?: string }
}

async function setup() {
  const clock = { t: 1_700_000_000 }
  const ledger = createMemoryLedger({ id: 'shl', now: () => clock.t })
  const [patient, operator] = [createParty(), createParty()]
  const log = await createAccessLog({ operator, ledger, name: 'patient-access' })
  const now = () => clock.t * 1000
  const store = createMemoryShlStore()
  const publicUrl = 'https://custodian.test/api'
  const handler = createShlHandler(createShlRoutes({ store, ledger, log, publicUrl, passcodeIterations: 1000, now }), {
    basePath: '/api',
  })
  const fetch = async (url: string, init?: RequestInit) => handler(new Request(url, init))
  const issuer = await createShcIssuer({ iss: 'https://hospital.test' })
  const { jws } = await issueHealthCard(issuer, { resources: [patientResource, vaccine], nbf: clock.t })
  const sealed = await seal(vaccine, { recipients: [patient] })
  const files = [
    {
      contentType: 'application/smart-health-card',
      content: encodeHealthCardFile([jws]),
      commitment: sealed.commitment,
      resourceType: 'Immunization',
    },
    {
      contentType: 'application/fhir+json',
      content: JSON.stringify(vaccine),
      commitment: sealed.commitment,
      resourceType: 'Immunization',
    },
  ]
  const events = async () => Promise.all(Array.from({ length: log.size }, (_, i) => log.getEvent(i)))
  return { clock, ledger, patient, log, now, fetch, issuer, jws, files, events, publicUrl, store }
}

describe('SMART Health Links, patient to clinician through the link server', () => {
  it('a passcode link: wrong passcode counted and logged, right passcode lists and decrypts, cards verify, every access logged', async () => {
    const s = await setup()
    const { shlink, payload } = await createSmartHealthLink(
      { ledger: s.ledger, fetch: s.fetch },
      {
        patient: s.patient,
        serviceUrl: s.publicUrl,
        files: s.files,
        durationSeconds: 3600,
        passcode: '4711',
        maxAttempts: 3,
        label: 'Vaccines',
        now: s.now,
      },
    )
    expect(shlink.startsWith('shlink:/')).toBe(true)
    expect(payload).toMatchObject({ flag: 'P', label: 'Vaccines', v: 1, exp: s.clock.t + 3600 })
    expect(payload.url).toMatch(/^https:\/\/custodian\.test\/api\/v1\/shl\/[A-Za-z0-9_-]{43}\/manifest$/)
    const deps = { fetch: s.fetch, now: s.now }

    const wrong = await expectCode(
      openSmartHealthLink(deps, { shlink, recipient: 'Dr. Lee', passcode: '0000' }),
      'SHL_PASSCODE_INVALID',
    )
    expect(wrong.remainingAttempts).toBe(2)
    // the server's plain-words detail comes with the error (what to do), never the passcode given
    expect((wrong as Error & { details?: string }).details).toMatch(
      /^Ask the patient for the passcode .* 2 tries are left/,
    )
    expect(wrong.message).toContain('Details: Ask the patient for the passcode')
    expect(wrong.message).not.toContain('0000')
    const echoing = await expectCode(
      openSmartHealthLink(
        {
          fetch: async () => Response.json({ code: 'SHL_PASSCODE_INVALID', detail: 'not 0000' }, { status: 401 }),
          now: s.now,
        },
        { shlink, recipient: 'Dr. Lee', passcode: '0000' },
      ),
      'SHL_PASSCODE_INVALID',
    )
    expect(echoing.message).not.toContain('0000')
    await expectCode(openSmartHealthLink(deps, { shlink, recipient: 'Dr. Lee' }), 'SHL_PASSCODE_INVALID')

    const opened = await openSmartHealthLink(deps, {
      shlink: `https://viewer.test/#${shlink}`,
      recipient: 'Dr. Lee',
      passcode: '4711',
    })
    expect(opened.files.map((f) => f.contentType)).toEqual(['application/smart-health-card', 'application/fhir+json'])
    expect(JSON.parse(opened.files[1]!.content)).toEqual(vaccine)
    const card = await verifyHealthCard(
      { fetch: async () => new Response(JSON.stringify(s.issuer.jwks())), now: s.now },
      { card: opened.files[0]!.healthCards![0]! },
    )
    expect(card.patient.name).toBe('Jane Anyperson')

    const embedded = await openSmartHealthLink(deps, {
      shlink,
      recipient: 'Dr. Kim',
      passcode: '4711',
      embeddedLengthMax: 1_000_000,
    })
    expect(embedded.files).toHaveLength(2)

    const log = await s.events()
    expect(log.map((e) => `${e.action}:${e.outcome}`)).toEqual([
      'shl.passcode:deny',
      'shl.manifest:permit',
      'shl.manifest:permit',
      'shl.file:permit',
      'shl.file:permit',
      'shl.manifest:permit',
      'shl.file:permit',
      'shl.manifest:permit',
      'shl.file:permit',
    ])
    expect(log[0]?.reason).toContain('Dr. Lee')
    expect(log.every((e) => e.consentId !== undefined)).toBe(true)
  })

  it('the server keeps the registration: an auditor proves who registered a passcode link, from the store alone; the passcode is never sent', async () => {
    const s = await setup()
    const sent: string[] = []
    const { payload, consent } = await createSmartHealthLink(
      {
        ledger: s.ledger,
        fetch: async (url, init) => {
          sent.push(String(init?.body))
          return s.fetch(url, init)
        },
      },
      {
        patient: s.patient,
        serviceUrl: s.publicUrl,
        files: s.files,
        durationSeconds: 600,
        passcode: 'a passcode no one sees',
        passcodeIterations: 1000,
        now: s.now,
      },
    )
    expect(sent.join('')).not.toContain('a passcode no one sees')
    const id = payload.url.split('/').at(-2) as string
    const link = await s.store.get(id)
    expect(link?.passcode?.iterations).toBe(1000)
    expect(await verifyShlLinkRegistration(s.ledger.domain, link as NonNullable<typeof link>)).toBe(consent.grantee)
    // another passcode hash in the row, or no kept registration (a link stored before they were kept): not proven
    const other = { ...link, passcode: { ...link?.passcode, hash: 'AAAA' } } as NonNullable<typeof link>
    await expectCode(verifyShlLinkRegistration(s.ledger.domain, other), 'SHL_REGISTRATION_UNAUTHORIZED')
    const { registration: _r, ...legacy } = link as NonNullable<typeof link>
    await expectCode(verifyShlLinkRegistration(s.ledger.domain, legacy), 'SHL_REGISTRATION_UNAUTHORIZED')
    // the server stores the hash the patient signed: the right passcode opens the link
    const opened = await openSmartHealthLink(
      { fetch: s.fetch, now: s.now },
      { shlink: encodeShlink(payload), recipient: 'Dr. Lee', passcode: 'a passcode no one sees' },
    )
    expect(opened.files).toHaveLength(2)
  })

  it('SHL_NOT_FOUND: a revoked link, and a link disabled after its wrong passcodes', async () => {
    const s = await setup()
    const deps = { fetch: s.fetch, now: s.now }
    const make = (passcode?: string) =>
      createSmartHealthLink(
        { ledger: s.ledger, fetch: s.fetch },
        {
          patient: s.patient,
          serviceUrl: s.publicUrl,
          files: s.files.slice(0, 1),
          durationSeconds: 3600,
          maxAttempts: 1,
          now: s.now,
          ...(passcode ? { passcode } : {}),
        },
      )
    const revoked = await make()
    await openSmartHealthLink(deps, { shlink: revoked.shlink, recipient: 'Dr. Lee' })
    await revokeConsent(s.ledger, { party: s.patient, consentId: revoked.consent.id })
    const gone = await expectCode(
      openSmartHealthLink(deps, { shlink: revoked.shlink, recipient: 'Dr. Lee' }),
      'SHL_NOT_FOUND',
    )
    expect(gone.reason).toBe('revoked')
    const denied = (await s.events()).at(-1)
    expect(denied).toMatchObject({ action: 'shl.manifest', outcome: 'deny' })
    expect(denied?.reason).toContain('CONSENT_REVOKED')

    const locked = await make('9999')
    const err = await expectCode(
      openSmartHealthLink(deps, { shlink: locked.shlink, recipient: 'x', passcode: '1' }),
      'SHL_PASSCODE_INVALID',
    )
    expect(err.remainingAttempts).toBe(0)
    const disabled = await expectCode(
      openSmartHealthLink(deps, { shlink: locked.shlink, recipient: 'x', passcode: '9999' }),
      'SHL_NOT_FOUND',
    )
    expect(disabled.reason).toBe('disabled')
    const other = decodeShlink(revoked.shlink)
    const unknown = await expectCode(
      openSmartHealthLink(deps, {
        shlink: encodeShlink({ ...other, url: other.url.replace(/\/shl\/[^/]+\//, `/shl/${'Z'.repeat(43)}/`) }),
        recipient: 'x',
      }),
      'SHL_NOT_FOUND',
    )
    expect(unknown.reason).toBe('unknown')
  })

  it('parallel wrong passcodes get no more checks than the attempts left; a right one gives its attempt back', async () => {
    const s = await setup()
    const { shlink } = await createSmartHealthLink(
      { ledger: s.ledger, fetch: s.fetch },
      {
        patient: s.patient,
        serviceUrl: s.publicUrl,
        files: s.files.slice(0, 1),
        durationSeconds: 600,
        passcode: 'right',
        maxAttempts: 3,
        now: s.now,
      },
    )
    const { url } = decodeShlink(shlink)
    const ask = (passcode: string) =>
      s.fetch(url, { method: 'POST', body: JSON.stringify({ recipient: 'x', passcode }) })
    expect((await ask('right')).status).toBe(200) // the reserved attempt is given back
    const statuses = (await Promise.all(Array.from({ length: 10 }, (_, i) => ask(`wrong-${i}`)))).map((r) => r.status)
    expect(statuses.filter((c) => c === 401)).toHaveLength(3)
    expect(statuses.filter((c) => c === 404)).toHaveLength(7)
    expect((await ask('right')).status).toBe(404) // disabled
    expect((await s.events()).filter((e) => e.action === 'shl.passcode')).toHaveLength(3)
  })

  it('SHL_EXPIRED on the client; the server refuses an expired consent too', async () => {
    const s = await setup()
    const { shlink } = await createSmartHealthLink(
      { ledger: s.ledger, fetch: s.fetch },
      { patient: s.patient, serviceUrl: s.publicUrl, files: s.files.slice(0, 1), durationSeconds: 60, now: s.now },
    )
    s.clock.t += 120
    await expectCode(openSmartHealthLink({ fetch: s.fetch, now: s.now }, { shlink, recipient: 'x' }), 'SHL_EXPIRED')
    // a client whose clock is behind still meets the server's check (ledger time)
    const late = await expectCode(
      openSmartHealthLink({ fetch: s.fetch, now: () => 0 }, { shlink, recipient: 'x' }),
      'SHL_NOT_FOUND',
    )
    expect(late.reason).toBe('expired')
  })

  it('a file location is refused once the consent is revoked', async () => {
    const s = await setup()
    const { shlink, consent } = await createSmartHealthLink(
      { ledger: s.ledger, fetch: s.fetch },
      { patient: s.patient, serviceUrl: s.publicUrl, files: s.files.slice(0, 1), durationSeconds: 600, now: s.now },
    )
    const { url } = decodeShlink(shlink)
    const manifest = (await (
      await s.fetch(url, { method: 'POST', body: JSON.stringify({ recipient: 'x' }) })
    ).json()) as {
      files: { location: string }[]
    }
    await revokeConsent(s.ledger, { party: s.patient, consentId: consent.id })
    expect((await s.fetch(manifest.files[0]!.location)).status).toBe(404)
    expect((await s.events()).at(-1)).toMatchObject({ action: 'shl.file', outcome: 'deny' })
  })

  it('the server refuses registrations the consent does not cover, signed by its grantee all the same', async () => {
    const s = await setup()
    const other = await seal(
      { resourceType: 'Observation', status: 'final', code: { text: 'x' } },
      { recipients: [s.patient] },
    )
    const grantee = createParty()
    const { token } = await grantConsent(s.ledger, {
      party: s.patient,
      grantee,
      commitments: [bytesToHex0x((await seal(vaccine, { recipients: [s.patient] })).commitment)],
      actions: ['read'],
      purposes: ['PATRQT'],
      durationSeconds: 600,
      now: s.now,
    })
    const files = [
      {
        contentType: 'application/fhir+json',
        jwe: 'a.b.c.d.e',
        commitment: bytesToHex0x(other.commitment),
        resourceType: 'Observation',
      },
    ]
    const statement = {
      id: 'C'.repeat(43),
      consentId: token.consent.id,
      grantor: token.consent.grantor,
      service: s.publicUrl,
      files,
      passcodeHash: `0x${'00'.repeat(32)}` as const,
      passcodeIterations: 0,
      maxAttempts: 0,
      issuedAt: s.clock.t,
    }
    const res = await s.fetch(`${s.publicUrl}/v1/shl`, {
      method: 'POST',
      body: JSON.stringify({
        id: statement.id,
        token: encodeConsentToken(token),
        files,
        service: s.publicUrl,
        issuedAt: s.clock.t,
        signature: await signShlRegistration(grantee, s.ledger.domain, statement),
      }),
    })
    expect(res.status).toBe(403)
    expect(((await res.json()) as { code: string }).code).toMatch(/^CONSENT_|^DELEGATION_|^RECORD_/)
  })

  it('with a custodian, only the owner of the records links them (a stranger with a consent and link key of their own is refused)', async () => {
    const ledger = createMemoryLedger({ id: 'shl-owner' })
    const { custodian, patient, log, sealed } = await createReleaseFixture({ ledger })
    const publicUrl = 'https://custodian.test/api'
    const handler = createShlHandler(
      createShlRoutes({ store: createMemoryShlStore(), ledger, log, publicUrl, custodian, passcodeIterations: 1000 }),
      { basePath: '/api' },
    )
    const fetch = async (url: string, init?: RequestInit) => handler(new Request(url, init))
    const link = (owner: typeof patient, commitment: Uint8Array) =>
      createSmartHealthLink(
        { ledger, fetch },
        {
          patient: owner,
          serviceUrl: publicUrl,
          durationSeconds: 600,
          files: [{ contentType: 'application/fhir+json', content: '{}', commitment, resourceType: 'Observation' }],
        },
      )
    await expectCode(link(createParty(), sealed.commitment), 'SHL_REGISTRATION_UNAUTHORIZED')
    await expectCode(link(patient, randomBytes(32)), 'SHL_REGISTRATION_UNAUTHORIZED') // not in the custodian's index
    const { shlink } = await link(patient, sealed.commitment)
    expect((await openSmartHealthLink({ fetch }, { shlink, recipient: 'x' })).files).toHaveLength(1)
  })

  it("the patient app gets the server's refusal as its named error", async () => {
    const s = await setup()
    const make = (over: Partial<Parameters<typeof createSmartHealthLink>[1]>, fetch = s.fetch) =>
      createSmartHealthLink(
        { ledger: s.ledger, fetch },
        {
          patient: s.patient,
          serviceUrl: s.publicUrl,
          files: s.files.slice(0, 1),
          durationSeconds: 600,
          now: s.now,
          ...over,
        },
      )
    // behind a proxy whose URL the server was not given: the registration names the proxy's URL
    const viaProxy = (url: string, init?: RequestInit) =>
      s.fetch(url.replace('https://proxy.test', 'https://custodian.test'), init)
    await expectCode(make({ serviceUrl: 'https://proxy.test/api' }, viaProxy), 'SHL_REGISTRATION_WRONG_SERVICE')
    // a device clock an hour behind
    await expectCode(make({ now: () => s.now() - 3_600_000 }), 'SHL_REGISTRATION_STALE')
    // someone replays the registration before it arrives: the patient's own is then refused, and no link is shown
    const replayFirst = async (url: string, init?: RequestInit) => {
      await s.fetch(url, init)
      return s.fetch(url, init)
    }
    await expectCode(make({}, replayFirst), 'SHL_ID_TAKEN')
    // the body changed on the way (another passcode's hash): the signature no longer covers it
    const mine = await hashShlPasscode({ id: 'A'.repeat(43), passcode: 'mine', iterations: 1000 })
    const changed = async (url: string, init?: RequestInit) =>
      s.fetch(url, { ...init, body: JSON.stringify({ ...JSON.parse(String(init?.body)), passcodeHash: mine }) })
    await expectCode(make({ passcode: 'theirs', passcodeIterations: 1000 }, changed), 'SHL_REGISTRATION_UNAUTHORIZED')
    // the passcode itself is never sent: a body carrying one is refused
    const withPasscode = async (url: string, init?: RequestInit) =>
      s.fetch(url, { ...init, body: JSON.stringify({ ...JSON.parse(String(init?.body)), passcode: 'theirs' }) })
    await expectCode(make({ passcode: 'theirs', passcodeIterations: 1000 }, withPasscode), 'SHL_FETCH_FAILED')
    // fewer iterations than the server's minimum (1,000 here)
    await expectCode(make({ passcode: 'theirs', passcodeIterations: 999 }), 'SHL_FETCH_FAILED')
    // any other refusal, with or without a JSON body
    await expectCode(
      make({}, async () => new Response('busy', { status: 503 })),
      'SHL_FETCH_FAILED',
    )
    await expectCode(
      make({}, async () => Response.json({ code: 'CONSENT_REVOKED' }, { status: 403 })),
      'SHL_FETCH_FAILED',
    )
    // the server's detail comes with the error, one line, bounded; never when it carries the link's passcode
    const stale = await expectCode(make({ now: () => s.now() - 3_600_000 }), 'SHL_REGISTRATION_STALE')
    expect((stale as Error & { details?: string }).details).toMatch(/^Check the device clock/)
    const noisy = await expectCode(
      make({}, async () =>
        Response.json({ code: 'SHL_ID_TAKEN', detail: `a\nb\u0000c ${'x'.repeat(1000)}` }, { status: 409 }),
      ),
      'SHL_ID_TAKEN',
    )
    expect((noisy as Error & { details?: string }).details).toMatch(/^a b c x{394}$/)
    const echo = await expectCode(
      make({ passcode: 'hunter2', passcodeIterations: 1000 }, async () =>
        Response.json({ code: 'SHL_ID_TAKEN', detail: 'your passcode hunter2 is taken' }, { status: 409 }),
      ),
      'SHL_ID_TAKEN',
    )
    expect((echo as Error & { details?: string }).details).toBeUndefined()
    expect(echo.message).not.toContain('hunter2')
    // a plain-http server that is not on this machine is refused before anything is sent
    await expectCode(make({ serviceUrl: 'http://custodian.test/api' }), 'INVALID_ARGUMENT')
  })
})

describe('SHL named errors and formats', () => {
  it('SHL_MALFORMED: not a link, a bad payload, a bad JWE', async () => {
    await expectCode(
      Promise.resolve().then(() => decodeShlink('https://example.test/nothing')),
      'SHL_MALFORMED',
    )
    await expectCode(
      Promise.resolve().then(() => decodeShlink('shlink:/bm90IGpzb24')),
      'SHL_MALFORMED',
    )
    await expectCode(
      Promise.resolve().then(() => encodeShlink({ url: 'https://x.test/m', key: 'short' })),
      'SHL_MALFORMED',
    )
    await expectCode(decryptShlFile(randomBytes(32), 'a.b.c'), 'SHL_MALFORMED')
  })

  it('SHL_DECRYPT_FAILED: another key, or a changed ciphertext', async () => {
    const key = randomBytes(32)
    const jwe = await encryptShlFile(key, {
      contentType: 'application/fhir+json',
      content: '{"resourceType":"Patient"}',
    })
    expect(await decryptShlFile(key, jwe)).toEqual({
      contentType: 'application/fhir+json',
      content: '{"resourceType":"Patient"}',
    })
    await expectCode(decryptShlFile(randomBytes(32), jwe), 'SHL_DECRYPT_FAILED')
    const parts = jwe.split('.')
    parts[3] = parts[3]!.startsWith('A') ? `B${parts[3]!.slice(1)}` : `A${parts[3]!.slice(1)}`
    await expectCode(decryptShlFile(key, parts.join('.')), 'SHL_DECRYPT_FAILED')
  })

  it('passcode hashing bounds: the server takes 1 to 1,000,000 iterations as its minimum, the app refuses a bad passcode or count before sending', async () => {
    const s = await setup()
    for (const passcodeIterations of [0, 1_000_001, 1.5])
      expect(() =>
        createShlRoutes({
          store: createMemoryShlStore(),
          ledger: s.ledger,
          log: s.log,
          publicUrl: s.publicUrl,
          passcodeIterations,
        }),
      ).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }))
    let sent = 0
    const deps = {
      ledger: s.ledger,
      fetch: async () => {
        sent++
        return new Response(null, { status: 500 })
      },
    }
    const make = (over: object) =>
      createSmartHealthLink(deps, {
        patient: s.patient,
        serviceUrl: s.publicUrl,
        files: s.files,
        durationSeconds: 600,
        now: s.now,
        ...over,
      })
    await expectCode(make({ passcode: '' }), 'INVALID_ARGUMENT')
    await expectCode(make({ passcode: 'x'.repeat(257) }), 'INVALID_ARGUMENT')
    await expectCode(make({ passcode: '1234', passcodeIterations: 0 }), 'OUT_OF_RANGE')
    await expectCode(make({ passcode: '1234', passcodeIterations: 1_000_001 }), 'OUT_OF_RANGE')
    expect(sent).toBe(0)
  })

  it('SHL_FETCH_FAILED: the server cannot be reached', async () => {
    const shlink = encodeShlink({ url: 'https://down.test/m', key: 'A'.repeat(43) })
    await expectCode(
      openSmartHealthLink(
        { fetch: async () => Promise.reject(new TypeError('fetch failed')) },
        { shlink, recipient: 'x' },
      ),
      'SHL_FETCH_FAILED',
    )
  })

  it('shlink payloads round-trip through a viewer URL', () => {
    const payload = {
      url: 'https://x.test/m',
      key: 'A'.repeat(43),
      exp: 1_700_000_000,
      flag: 'LP',
      label: 'Mine',
      v: 1 as const,
    }
    expect(decodeShlink(encodeShlink(payload, { viewer: 'https://viewer.test/' }))).toEqual(payload)
  })
})

describe('the public URL of a link server', () => {
  it('https, or http on loopback only; normalized; a clear error otherwise', () => {
    expect(normalizeShlServiceUrl('HTTPS://Custodian.Example:443/api//')).toBe('https://custodian.example/api')
    expect(normalizeShlServiceUrl('https://custodian.example')).toBe('https://custodian.example')
    expect(normalizeShlServiceUrl('http://127.0.0.1:8787/')).toBe('http://127.0.0.1:8787')
    expect(normalizeShlServiceUrl('http://localhost:3000/x')).toBe('http://localhost:3000/x')
    expect(normalizeShlServiceUrl('http://[::1]:3000')).toBe('http://[::1]:3000')
    for (const bad of [
      'http://custodian.example',
      'http://10.0.0.1:8787',
      'http://0.0.0.0:8787',
      'ftp://custodian.example',
      'https://user:pw@custodian.example',
      'https://custodian.example/?a=1',
      'https://custodian.example/#x',
      'custodian.example',
      '',
    ])
      expect(() => normalizeShlServiceUrl(bad, { name: 'MEDSEAL_PUBLIC_URL' }), bad).toThrow(
        expect.objectContaining({
          code: 'INVALID_ARGUMENT',
          shortMessage: expect.stringMatching(/^MEDSEAL_PUBLIC_URL must be an https URL/),
        }),
      )
    expect(() =>
      normalizeShlServiceUrl('http://custodian.example', { name: 'publicUrl' }),
    ).toThrowErrorMatchingInlineSnapshot(`
      [InvalidArgumentError: publicUrl must be an https URL (or http on a loopback address: 127.0.0.1, [::1], localhost) (it is http on a host that is not loopback).
      Docs: https://medseal.dev/docs/errors/invalid-argument
      Code: INVALID_ARGUMENT
      Version: @medseal/core@0.1.0]
    `)
  })

  it("createShlRoutes puts its publicUrl, not the request's host, into every link URL, and validates it", async () => {
    const s = await setup()
    const { shlink } = await createSmartHealthLink(
      { ledger: s.ledger, fetch: s.fetch },
      {
        patient: s.patient,
        serviceUrl: 'https://CUSTODIAN.test/api/',
        files: s.files,
        durationSeconds: 600,
        now: s.now,
      },
    )
    expect(decodeShlink(shlink).url).toMatch(/^https:\/\/custodian\.test\/api\/v1\/shl\/[A-Za-z0-9_-]{43}\/manifest$/)
    // the request reaches the server under its listening address (as behind a proxy); the file locations are public
    const listening = async (url: string, init?: RequestInit) =>
      s.fetch(url.replace('https://custodian.test', 'http://127.0.0.1:9'), init)
    const res = await listening(decodeShlink(shlink).url, { method: 'POST', body: JSON.stringify({ recipient: 'x' }) })
    const { files } = (await res.json()) as { files: { location: string }[] }
    expect(files).toHaveLength(2)
    for (const f of files) expect(f.location.startsWith('https://custodian.test/api/v1/shl/')).toBe(true)
    const { ledger, log } = s
    expect(() =>
      createShlRoutes({ store: createMemoryShlStore(), ledger, log, publicUrl: 'http://custodian.test' }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
    expect(() =>
      createShlRoutes({
        store: createMemoryShlStore(),
        ledger,
        log,
        publicUrl: 'https://c.test',
        registrationMaxAgeSeconds: 0,
      }),
    ).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }))
  })
})
