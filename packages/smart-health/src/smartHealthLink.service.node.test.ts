import { createMemoryLedger } from '@medseal/adapter-memory'
import {
  createAccessLog,
  createBreakGlass,
  createCustodian,
  createParty,
  isSdkError,
  revokeConsent,
  seal,
} from '@medseal/core'
import { createCustodianHandler, openApiDocument } from '@medseal/service'
import { serve } from '@medseal/service/node'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { describe, expect, it } from 'vitest'
import { createShcIssuer } from './createShcIssuer.js'
import { createShlRoutes } from './createShlRoutes.js'
import { createSmartHealthLink } from './createSmartHealthLink.js'
import { encodeHealthCardFile } from './healthCardFile.js'
import { issueHealthCard } from './issueHealthCard.js'
import { openSmartHealthLink } from './openSmartHealthLink.js'
import { createMemoryShlStore } from './shlStore.js'
import { verifyHealthCard } from './verifyHealthCard.js'

// Every answer of the link routes is checked against the service's OpenAPI document (ajv, JSON Schema 2020-12, the
// dialect OpenAPI 3.1 uses): its status and content type are listed for the route, and its JSON body validates.
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false })
ajv.addSchema({ $id: 'openapi.json', ...openApiDocument } as Record<string, unknown>)
const paths = openApiDocument.paths as Record<
  string,
  Record<string, { responses: Record<string, { content?: object }> }>
>
const TEMPLATES = ['/v1/shl/{id}/file/{location}', '/v1/shl/{id}/manifest', '/v1/shl'].map((t) => ({
  t,
  re: new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}))
const seen = new Map<string, Set<number>>()
const violations: string[] = []
const checkedFetch = async (input: string, init?: RequestInit): Promise<Response> => {
  const response = await fetch(input, init)
  const method = (init?.method ?? 'GET').toLowerCase()
  const template = TEMPLATES.find((x) => x.re.test(new URL(input).pathname))?.t
  const documented = template ? paths[template]?.[method]?.responses[String(response.status)] : undefined
  const type = (response.headers.get('content-type') ?? '').split(';')[0] as string
  const key = `${method.toUpperCase()} ${template}`
  if (response.status >= 400 && type !== 'application/problem+json')
    violations.push(`${key} answered ${response.status} ${type}: every error answer is a problem document`)
  if (!documented?.content || !(type in documented.content)) {
    violations.push(`${key} answered ${response.status} ${type}, which the document does not list`)
    return response
  }
  if (!seen.has(key)) seen.set(key, new Set())
  seen.get(key)?.add(response.status)
  if (type.endsWith('json')) {
    const pointer = [
      'paths',
      template as string,
      method,
      'responses',
      String(response.status),
      'content',
      type,
      'schema',
    ]
      .map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1'))
      .join('/')
    const validate = ajv.getSchema(`openapi.json#/${pointer}`) ?? ajv.compile({ $ref: `openapi.json#/${pointer}` })
    const body = await response.clone().json()
    if (!validate(body)) violations.push(`${key} ${response.status}: ${ajv.errorsText(validate.errors)}`)
  }
  return response
}

describe('SMART Health Links served by the custodian service over HTTP (127.0.0.1, a free port)', () => {
  it('the patient registers a passcode link, the clinician opens it, the log shows it; a revoked link is refused; every answer matches the OpenAPI document', async () => {
    const fetch = checkedFetch
    const ledger = createMemoryLedger({ id: 'shl-service' })
    const [patient, vendor] = [createParty(), createParty()]
    const accessLog = await createAccessLog({ operator: vendor, ledger, name: 'access' })
    const breakGlass = createBreakGlass({ ledger, log: accessLog })
    const custodian = createCustodian({ party: vendor, ledger, log: accessLog, breakGlass })
    // the public URL is only known once the port is chosen: the handler reads it through a holder
    const box: { handler?: (r: Request) => Promise<Response> } = {}
    const server = await serve({ handler: (request) => (box.handler as (r: Request) => Promise<Response>)(request) })
    try {
      box.handler = createCustodianHandler({
        custodian,
        accessLog,
        ledger,
        routes: createShlRoutes({
          store: createMemoryShlStore(),
          ledger,
          log: accessLog,
          publicUrl: server.url,
          passcodeIterations: 1000,
        }),
      })
      const issuer = await createShcIssuer({ iss: 'https://hospital.test' })
      const patientResource = { resourceType: 'Patient', name: [{ family: 'Anyperson', given: ['Jane'] }] }
      const vaccine = {
        resourceType: 'Immunization',
        status: 'completed',
        vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '207' }] },
        patient: { reference: 'resource:0' },
        occurrenceDateTime: '2021-01-01',
      }
      const { jws } = await issueHealthCard(issuer, { resources: [patientResource, vaccine] })
      const sealed = await seal(vaccine, { recipients: [patient, custodian.identity] })
      const { shlink, consent } = await createSmartHealthLink(
        { ledger, fetch },
        {
          patient,
          serviceUrl: server.url,
          durationSeconds: 3600,
          passcode: 'open sesame',
          files: [
            {
              contentType: 'application/smart-health-card',
              content: encodeHealthCardFile([jws]),
              commitment: sealed.commitment,
              resourceType: 'Immunization',
            },
          ],
        },
      )
      const opened = await openSmartHealthLink({ fetch }, { shlink, recipient: 'Dr. Lee', passcode: 'open sesame' })
      const card = await verifyHealthCard(
        { fetch: async () => new Response(JSON.stringify(issuer.jwks())) },
        { card: opened.files[0]?.healthCards?.[0] as string },
      )
      expect(card.resources.map((r) => r.resourceType)).toEqual(['Patient', 'Immunization'])
      const wrong = await openSmartHealthLink({ fetch }, { shlink, recipient: 'Dr. Lee', passcode: 'nope' }).catch(
        (e: unknown) => e,
      )
      expect(isSdkError(wrong, 'SHL_PASSCODE_INVALID')).toBe(true)
      await revokeConsent(ledger, { party: patient, consentId: consent.id })
      const refused = await openSmartHealthLink(
        { fetch },
        { shlink, recipient: 'Dr. Lee', passcode: 'open sesame' },
      ).catch((e: unknown) => e)
      expect(isSdkError(refused, 'SHL_NOT_FOUND')).toBe(true)
      // refused registrations, as documented: malformed, another key's signature, a replay of an accepted one
      const bodies: string[] = []
      const keep = async (url: string, init?: RequestInit) => {
        bodies.push(String(init?.body))
        return fetch(url, init)
      }
      await createSmartHealthLink(
        { ledger, fetch: keep },
        {
          patient,
          serviceUrl: server.url,
          durationSeconds: 600,
          files: [
            {
              contentType: 'application/fhir+json',
              content: '{}',
              commitment: sealed.commitment,
              resourceType: 'Immunization',
            },
          ],
        },
      )
      const post = (body: unknown) =>
        fetch(`${server.url}/v1/shl`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      const accepted = JSON.parse(bodies[0] as string)
      expect((await post({ id: 'short' })).status).toBe(400)
      expect((await post({ ...accepted, signature: `0x${'11'.repeat(65)}` })).status).toBe(403)
      expect((await post(accepted)).status).toBe(409)
      const file = await fetch(`${server.url}/v1/shl/${accepted.id}/file/${'x'.repeat(43)}`)
      expect(file.status).toBe(404)
      expect(violations).toEqual([])
      for (const [op, statuses] of [
        ['POST /v1/shl', [201, 400, 403, 409]],
        ['POST /v1/shl/{id}/manifest', [200, 401, 404]],
        ['GET /v1/shl/{id}/file/{location}', [200, 404]],
      ] as const)
        expect([...(seen.get(op) ?? [])].sort(), op).toEqual([...statuses].sort())
      const events = await Promise.all(Array.from({ length: accessLog.size }, (_, i) => accessLog.getEvent(i)))
      expect(events.map((e) => `${e.action}:${e.outcome}`)).toEqual([
        'shl.manifest:permit',
        'shl.file:permit',
        'shl.passcode:deny',
        'shl.manifest:deny',
      ])
    } finally {
      await server.close()
    }
  })
})
