import { createMemoryLedger } from '@medseal/adapter-memory'
import {
  bytesToBase64url,
  bytesToHex0x,
  createAccessLog,
  createBreakGlass,
  createCustodian,
  createParty,
  encodeConsentToken,
  grantConsent,
  type Party,
  randomBytes,
  revokeConsent,
} from '@medseal/core'
import { createCustodianHandler, openApiDocument } from '@medseal/service'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { describe, expect, it } from 'vitest'
import { createShlHandler, createShlRoutes } from './createShlRoutes.js'
import { hashShlPasscode } from './hashShlPasscode.js'
import { createMemoryShlStore, type ShlStore } from './shlStore.js'
import { signShlRegistration } from './signShlRegistration.js'

// Every error answer of the link routes, one by one, as the custodian service serves them: RFC 9457
// `application/problem+json`, the status and SDK code expected, a plain-words `detail`, the shape the OpenAPI document
// gives for that status (ajv), and nothing secret (the passcode, the consent token, a JWE) in the body.
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false })
ajv.addSchema({ $id: 'openapi.json', ...openApiDocument } as Record<string, unknown>)
const paths = openApiDocument.paths as Record<
  string,
  Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>
>
const SERVICE = 'https://links.test'
const PASSCODE = 'correct horse'

type Case = { readonly template: string; readonly method: 'get' | 'post' }
const REGISTER: Case = { template: '/v1/shl', method: 'post' }
const MANIFEST: Case = { template: '/v1/shl/{id}/manifest', method: 'post' }
const FILE: Case = { template: '/v1/shl/{id}/file/{location}', method: 'get' }

async function expectProblem(
  res: Response,
  route: Case,
  status: number,
  code: string,
  secrets: readonly string[] = [],
): Promise<Record<string, unknown>> {
  expect(res.status).toBe(status)
  expect(res.headers.get('content-type')).toBe('application/problem+json')
  expect(res.headers.get('x-medseal-code')).toBe(code)
  const text = await res.text()
  const body = JSON.parse(text) as Record<string, unknown>
  expect(body).toMatchObject({
    type: `https://medseal.dev/docs/errors/${code.toLowerCase().replaceAll('_', '-')}`,
    status,
    code,
    title: expect.any(String),
    detail: expect.any(String),
    errorName: expect.any(String),
  })
  const documented = paths[route.template]?.[route.method]?.responses[String(status)]?.content
  expect(documented && 'application/problem+json' in documented, `${route.template} ${status} documented`).toBe(true)
  const pointer = ['paths', route.template, route.method, 'responses', String(status), 'content']
    .concat('application/problem+json', 'schema')
    .map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1'))
    .join('/')
  const validate = ajv.getSchema(`openapi.json#/${pointer}`) ?? ajv.compile({ $ref: `openapi.json#/${pointer}` })
  expect(validate(body), ajv.errorsText(validate.errors)).toBe(true)
  for (const secret of [PASSCODE, ...secrets]) expect(text).not.toContain(secret)
  return body
}

async function setup(
  opts: { readonly store?: ShlStore; readonly cors?: { readonly origins: readonly string[] | '*' } } = {},
) {
  const clock = { t: Math.floor(Date.now() / 1000) }
  const ledger = createMemoryLedger({ id: 'shl-problems', now: () => clock.t })
  const [patient, vendor, stranger] = [createParty(), createParty(), createParty()]
  const accessLog = await createAccessLog({ operator: vendor, ledger, name: 'access' })
  const custodian = createCustodian({
    party: vendor,
    ledger,
    log: accessLog,
    breakGlass: createBreakGlass({ ledger, log: accessLog }),
  })
  const store = opts.store ?? createMemoryShlStore()
  const now = () => clock.t * 1000
  const routes = createShlRoutes({ store, ledger, log: accessLog, publicUrl: SERVICE, passcodeIterations: 1000, now })
  const cors = opts.cors ? { cors: opts.cors } : {}
  const handler = createCustodianHandler({ custodian, accessLog, ledger, routes, ...cors })
  const commitment = bytesToHex0x(randomBytes(32))
  const owner = new Map([[commitment, patient.address]])
  const withOwners = createShlHandler(
    createShlRoutes({
      store,
      ledger,
      log: accessLog,
      publicUrl: SERVICE,
      passcodeIterations: 1000,
      now,
      custodian: { getEntry: async (c) => (owner.has(c) ? { owner: owner.get(c) as `0x${string}` } : undefined) },
    }),
    cors,
  )
  const files = [
    { contentType: 'application/fhir+json', jwe: 'h.k.iv.secretcipher.tag', commitment, resourceType: 'Observation' },
  ]
  const registration = async (
    over: Record<string, unknown> = {},
    grantor: Party = patient,
    resourceTypes?: readonly string[],
  ) => {
    const grantee = createParty()
    const { token } = await grantConsent(ledger, {
      party: grantor,
      grantee,
      ...(resourceTypes ? { resourceTypes } : { commitments: [commitment] }),
      actions: ['read'],
      purposes: ['PATRQT'],
      durationSeconds: 600,
      now,
    })
    const id = (over.id as string | undefined) ?? bytesToBase64url(randomBytes(32))
    const passcodeHash = await hashShlPasscode({ id, passcode: PASSCODE, iterations: 1000 })
    const statement = {
      id,
      consentId: token.consent.id,
      grantor: token.consent.grantor,
      service: SERVICE,
      files,
      passcodeHash,
      passcodeIterations: 1000,
      maxAttempts: 2,
      issuedAt: clock.t,
      ...over,
    } as Parameters<typeof signShlRegistration>[2]
    return {
      consentId: token.consent.id,
      body: {
        id: statement.id,
        token: encodeConsentToken(token),
        files,
        passcodeHash,
        passcodeIterations: 1000,
        maxAttempts: 2,
        service: statement.service,
        issuedAt: statement.issuedAt,
        signature: await signShlRegistration(grantee, ledger.domain, statement),
      },
    }
  }
  const call = (to: (r: Request) => Promise<Response>, path: string, body?: unknown, raw?: string) =>
    to(
      new Request(`${SERVICE}${path}`, {
        method: body === undefined && raw === undefined ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json' },
        ...(body === undefined && raw === undefined ? {} : { body: raw ?? JSON.stringify(body) }),
      }),
    )
  const post = (body: unknown, to = handler) => call(to, '/v1/shl', body)
  const manifest = (id: string, body: unknown) => call(handler, `/v1/shl/${id}/manifest`, body)
  return { clock, ledger, patient, stranger, store, handler, withOwners, registration, call, post, manifest }
}

describe('every error answer of the link routes is an RFC 9457 problem document with the SDK code', () => {
  it('POST /v1/shl: every malformed field is SHL_MALFORMED (400)', async () => {
    const s = await setup()
    const { body } = await s.registration()
    const bad: unknown[] = [
      { ...body, id: 'short' },
      { ...body, token: 7 },
      { ...body, files: [] },
      { ...body, files: [{ ...body.files[0], commitment: '0x12' }] },
      { ...body, passcode: PASSCODE },
      { ...body, passcodeHash: '0x12' },
      { ...body, passcodeIterations: 999 },
      { ...body, passcodeIterations: undefined },
      { ...body, maxAttempts: 0 },
      { ...body, service: 1 },
      { ...body, issuedAt: -1 },
      { ...body, signature: undefined },
      { ...body, token: 'msc1.not-a-token' },
      [body],
    ]
    for (const b of bad) await expectProblem(await s.post(b), REGISTER, 400, 'SHL_MALFORMED', [body.token])
    await expectProblem(await s.call(s.handler, '/v1/shl', undefined, '{not json'), REGISTER, 400, 'SHL_MALFORMED')
    expect(await s.store.get(body.id)).toBeUndefined()
  })

  it('POST /v1/shl: refusals carry their codes (403, 409)', async () => {
    const s = await setup()
    const other = await s.registration({ service: 'https://other.test' })
    await expectProblem(
      await s.post({ ...other.body, service: 'https://other.test' }),
      REGISTER,
      403,
      'SHL_REGISTRATION_WRONG_SERVICE',
    )
    const stale = await s.registration({ issuedAt: s.clock.t - 301 })
    await expectProblem(await s.post(stale.body), REGISTER, 403, 'SHL_REGISTRATION_STALE')
    const forged = await s.registration()
    await expectProblem(
      await s.post({ ...forged.body, maxAttempts: 3 }),
      REGISTER,
      403,
      'SHL_REGISTRATION_UNAUTHORIZED',
    )
    // records the consent's grantor does not own (a stranger's consent over the patient's record)
    const theirs = await s.registration({}, s.stranger)
    await expectProblem(await s.post(theirs.body, s.withOwners), REGISTER, 403, 'SHL_REGISTRATION_UNAUTHORIZED')
    // a consent that does not cover the file's record type: the consent's own code
    const narrow = await s.registration({}, s.patient, ['Condition'])
    const scope = await expectProblem(await s.post(narrow.body), REGISTER, 403, 'CONSENT_SCOPE')
    expect(scope.errorName).toBe('ConsentError')
    const ok = await s.registration()
    expect((await s.post(ok.body)).status).toBe(201)
    const taken = await expectProblem(await s.post(ok.body), REGISTER, 409, 'SHL_ID_TAKEN')
    expect(taken.errorName).toBe('SmartHealthError')
  })

  it('POST /v1/shl/{id}/manifest: 400, 401 with remainingAttempts, 404 with each reason', async () => {
    const s = await setup()
    await expectProblem(await s.manifest('A'.repeat(43), { recipient: 'Dr. Lee' }), MANIFEST, 404, 'SHL_NOT_FOUND')
    const { body } = await s.registration()
    expect((await s.post(body)).status).toBe(201)
    await expectProblem(await s.manifest(body.id, { passcode: PASSCODE }), MANIFEST, 400, 'SHL_MALFORMED')
    const wrong = await expectProblem(
      await s.manifest(body.id, { recipient: 'Dr. Lee', passcode: 'nope' }),
      MANIFEST,
      401,
      'SHL_PASSCODE_INVALID',
    )
    expect(wrong.remainingAttempts).toBe(1)
    expect(wrong.detail).toContain('1 try is left')
    const last = await expectProblem(
      await s.manifest(body.id, { recipient: 'Dr. Lee' }),
      MANIFEST,
      401,
      'SHL_PASSCODE_INVALID',
    )
    expect(last.remainingAttempts).toBe(0)
    const disabled = await expectProblem(
      await s.manifest(body.id, { recipient: 'Dr. Lee', passcode: PASSCODE }),
      MANIFEST,
      404,
      'SHL_NOT_FOUND',
    )
    expect(disabled.reason).toBe('disabled')

    const revoked = await s.registration()
    expect((await s.post(revoked.body)).status).toBe(201)
    await revokeConsent(s.ledger, { party: s.patient, consentId: revoked.consentId })
    const r = await expectProblem(
      await s.manifest(revoked.body.id, { recipient: 'Dr. Lee', passcode: PASSCODE }),
      MANIFEST,
      404,
      'SHL_NOT_FOUND',
    )
    expect(r.reason).toBe('revoked')

    // a link whose stored file the consent does not cover (only a changed store row can make one): `unavailable`
    const changed = await s.registration()
    expect((await s.post(changed.body)).status).toBe(201)
    const link = await s.store.get(changed.body.id)
    const rewritten = { ...link, id: bytesToBase64url(randomBytes(32)) } as NonNullable<typeof link>
    await s.store.insert({
      ...rewritten,
      files: rewritten.files.map((f) => ({ ...f, commitment: bytesToHex0x(randomBytes(32)) })),
    })
    const u = await expectProblem(
      await s.manifest(rewritten.id, { recipient: 'Dr. Lee', passcode: PASSCODE }),
      MANIFEST,
      404,
      'SHL_NOT_FOUND',
    )
    expect(u.reason).toBe('unavailable')

    s.clock.t += 601
    const e = await expectProblem(
      await s.manifest(changed.body.id, { recipient: 'Dr. Lee', passcode: PASSCODE }),
      MANIFEST,
      404,
      'SHL_NOT_FOUND',
    )
    expect(e.reason).toBe('expired')
  })

  it('GET /v1/shl/{id}/file/{location}: an unknown or expired location, and a revoked consent, are SHL_NOT_FOUND (404)', async () => {
    const s = await setup()
    const { body, consentId } = await s.registration()
    expect((await s.post(body)).status).toBe(201)
    await expectProblem(
      await s.call(s.handler, `/v1/shl/${body.id}/file/${'x'.repeat(43)}`),
      FILE,
      404,
      'SHL_NOT_FOUND',
      [body.files[0]?.jwe as string],
    )
    const listed = (await (await s.manifest(body.id, { recipient: 'Dr. Lee', passcode: PASSCODE })).json()) as {
      files: { location: string }[]
    }
    const location = new URL(listed.files[0]?.location as string).pathname
    expect((await s.call(s.handler, location)).status).toBe(200)
    await revokeConsent(s.ledger, { party: s.patient, consentId })
    await expectProblem(await s.call(s.handler, location), FILE, 404, 'SHL_NOT_FOUND', [body.files[0]?.jwe as string])
  })

  it('createShlHandler alone: an unknown route is NOT_FOUND (404), a failing store SERVICE_ERROR (500)', async () => {
    const failing = { ...createMemoryShlStore(), get: async () => Promise.reject(new Error('db down: secret dsn')) }
    const s = await setup({ store: failing })
    const missing = await s.withOwners(new Request(`${SERVICE}/v1/elsewhere`))
    expect(missing.status).toBe(404)
    expect(missing.headers.get('content-type')).toBe('application/problem+json')
    expect(await missing.json()).toMatchObject({ code: 'NOT_FOUND', status: 404, detail: expect.any(String) })
    const failed = await s.withOwners(
      new Request(`${SERVICE}/v1/shl/${'A'.repeat(43)}/manifest`, { method: 'POST', body: '{"recipient":"x"}' }),
    )
    expect(failed.status).toBe(500)
    expect(failed.headers.get('content-type')).toBe('application/problem+json')
    const text = await failed.text()
    expect(JSON.parse(text)).toMatchObject({ code: 'SERVICE_ERROR', status: 500, errorName: 'ServiceError' })
    expect(text).not.toContain('secret')
  })
})

describe('the link routes follow the configured CORS; the manifest has its status', () => {
  const VIEWER = 'https://viewer.test'
  const from = (origin: string, method = 'POST', body?: unknown) => ({
    method,
    headers: { 'content-type': 'application/json', origin, 'access-control-request-method': 'POST' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })

  it('the manifest answer says status finalized, as the OpenAPI document allows', async () => {
    const s = await setup()
    const { body } = await s.registration()
    expect((await s.post(body)).status).toBe(201)
    const res = await s.manifest(body.id, { recipient: 'Dr. Lee', passcode: PASSCODE })
    const manifest = (await res.json()) as Record<string, unknown>
    expect(manifest.status).toBe('finalized')
    const pointer = ['paths', MANIFEST.template, 'post', 'responses', '200', 'content', 'application/json', 'schema']
      .map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1'))
      .join('/')
    const validate = ajv.getSchema(`openapi.json#/${pointer}`) ?? ajv.compile({ $ref: `openapi.json#/${pointer}` })
    expect(validate(manifest), ajv.errorsText(validate.errors)).toBe(true)
    expect(validate({ ...manifest, status: 'closed' })).toBe(false)
  })

  // A browser drops `Origin` and `Access-Control-Request-Method` from a Request it builds (forbidden header names), so
  // the handler cannot be shown a cross-origin request there: these run in the Node project.
  const canSendOrigin = new Request(SERVICE, { headers: { origin: VIEWER } }).headers.get('origin') === VIEWER
  for (const mount of ['the custodian service', 'createShlHandler'] as const) {
    it.runIf(canSendOrigin)(
      `${mount}: no CORS header unless configured; a listed origin only; '*' for any`,
      async () => {
        const pick = (s: Awaited<ReturnType<typeof setup>>) => (mount === 'createShlHandler' ? s.withOwners : s.handler)
        const manifestUrl = (id: string) => `${SERVICE}/v1/shl/${id}/manifest`
        // not configured: no answer carries one (a success, a problem, a preflight)
        const none = await setup()
        const { body } = await none.registration()
        expect((await none.post(body, pick(none))).status).toBe(201)
        const ok = await pick(none)(
          new Request(manifestUrl(body.id), from(VIEWER, 'POST', { recipient: 'x', passcode: PASSCODE })),
        )
        expect(ok.status).toBe(200)
        expect(ok.headers.get('access-control-allow-origin')).toBeNull()
        const gone = await pick(none)(
          new Request(manifestUrl('A'.repeat(43)), from(VIEWER, 'POST', { recipient: 'x' })),
        )
        expect(gone.status).toBe(404)
        expect(gone.headers.get('access-control-allow-origin')).toBeNull()
        const pre = await pick(none)(new Request(manifestUrl(body.id), from(VIEWER, 'OPTIONS')))
        expect(pre.headers.get('access-control-allow-origin')).toBeNull()
        expect(pre.headers.get('access-control-allow-methods')).toBeNull()

        // a list: the listed origin is named back (with vary), another gets nothing
        const listed = await setup({ cors: { origins: [VIEWER] } })
        const second = await listed.registration()
        expect((await listed.post(second.body, pick(listed))).status).toBe(201)
        const allowed = await pick(listed)(
          new Request(manifestUrl(second.body.id), from(VIEWER, 'POST', { recipient: 'x', passcode: PASSCODE })),
        )
        expect(allowed.status).toBe(200)
        expect(allowed.headers.get('access-control-allow-origin')).toBe(VIEWER)
        expect(allowed.headers.get('vary')).toMatch(/origin/i)
        const problem = await pick(listed)(
          new Request(manifestUrl('A'.repeat(43)), from(VIEWER, 'POST', { recipient: 'x' })),
        )
        expect(problem.headers.get('access-control-allow-origin')).toBe(VIEWER)
        const evil = await pick(listed)(
          new Request(manifestUrl('A'.repeat(43)), from('https://evil.test', 'POST', { recipient: 'x' })),
        )
        expect(evil.headers.get('access-control-allow-origin')).toBeNull()
        const preflight = await pick(listed)(new Request(manifestUrl(second.body.id), from(VIEWER, 'OPTIONS')))
        expect(preflight.status).toBe(204)
        expect(preflight.headers.get('access-control-allow-origin')).toBe(VIEWER)
        expect(preflight.headers.get('access-control-allow-methods')).toContain('POST')
        const evilPre = await pick(listed)(
          new Request(manifestUrl(second.body.id), from('https://evil.test', 'OPTIONS')),
        )
        expect(evilPre.headers.get('access-control-allow-methods')).toBeNull()

        // any origin
        const any = await setup({ cors: { origins: '*' } })
        const star = await pick(any)(
          new Request(manifestUrl('A'.repeat(43)), from('https://anywhere.test', 'POST', { recipient: 'x' })),
        )
        expect(star.headers.get('access-control-allow-origin')).toBe('*')
      },
    )
  }
})
