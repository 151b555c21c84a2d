import { fc, test as fcTest } from '@fast-check/vitest'
import {
  base64urlToBytes,
  bytesToBase64url,
  bytesToUtf8,
  deflateBytes,
  inflateBytes,
  isSdkError,
  utf8ToBytes,
} from '@medseal/core'
import { describe, expect, it } from 'vitest'
import { EXAMPLE_ISS, exampleIssuerFetch, examples } from './_testVectors.js'
import { computeJwkThumbprint } from './computeJwkThumbprint.js'
import { createShcIssuer, type ShcIssuer } from './createShcIssuer.js'
import { createShcKeyCache } from './createShcKeyCache.js'
import { decodeHealthCardFile, encodeHealthCardFile } from './healthCardFile.js'
import { decodeHealthCardQr, encodeHealthCardQr } from './healthCardQr.js'
import { issueHealthCard } from './issueHealthCard.js'
import { minimizeBundle } from './minimizeBundle.js'
import { renderHealthCardQr } from './renderHealthCardQr.js'
import { computeRevocationId, createShcCrl } from './revocation.js'
import { verifyHealthCard } from './verifyHealthCard.js'

const NOW = Date.UTC(2026, 11, 7) // after every example's nbf

const patient = {
  resourceType: 'Patient',
  id: 'p1',
  name: [{ family: 'Anyperson', given: ['John', 'B.'] }],
  birthDate: '1951-01-20',
}
const immunization = (date: string) => ({
  resourceType: 'Immunization',
  id: `imm-${date}`,
  meta: {
    lastUpdated: '2021-01-01T00:00:00Z',
    security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'PSY' }],
  },
  text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Dose</div>' },
  status: 'completed',
  vaccineCode: {
    coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '207', display: 'Moderna' }],
    text: 'COVID-19',
  },
  patient: { reference: 'Patient/p1' },
  occurrenceDateTime: date,
  performer: [{ actor: { display: 'ABC General Hospital' } }],
  lotNumber: '0000001',
})

/** A fetch serving one issuer's JWKS (and optionally CRL). */
function issuerFetch(issuer: ShcIssuer, crl?: unknown) {
  const calls: string[] = []
  return {
    calls,
    fetch: async (url: string) => {
      calls.push(url)
      if (url === `${issuer.iss}/.well-known/jwks.json`) return new Response(JSON.stringify(issuer.jwks()))
      if (crl && url === `${issuer.iss}/.well-known/crl/${issuer.kid}.json`) return new Response(JSON.stringify(crl))
      return new Response('', { status: 404 })
    },
  }
}

async function expectCode(promise: Promise<unknown>, code: string) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(isSdkError(err, code as never), `expected ${code}, got ${String(err)}`).toBe(true)
  return err as Error
}

describe('HL7 SMART Health Cards examples', () => {
  it('are present', () => {
    expect(examples.length).toBeGreaterThanOrEqual(2)
  })
  for (const ex of examples) {
    it(`${ex.name}: the JWS, the QR text(s) and the file verify, naming the issuer, the patient and the resources`, async () => {
      const { fetch } = exampleIssuerFetch()
      const cache = createShcKeyCache()
      const deps = { fetch, cache, now: () => NOW }
      const fromJws = await verifyHealthCard(deps, { card: ex.jws })
      expect(fromJws.issuer.iss).toBe(EXAMPLE_ISS)
      expect(fromJws.patient.name.length).toBeGreaterThan(0)
      expect(fromJws.resources[0]?.resourceType).toBe('Patient')
      expect(fromJws.payload).toEqual(ex.minifiedPayload)
      expect(fromJws.payload.vc.credentialSubject.fhirBundle as unknown).toEqual(ex.bundle)
      const fromQr = await verifyHealthCard(deps, { card: ex.qr.length === 1 ? (ex.qr[0] as string) : ex.qr })
      expect(fromQr.jws).toBe(ex.jws)
      for (const jws of decodeHealthCardFile(ex.file))
        expect((await verifyHealthCard(deps, { card: jws })).jws).toBe(jws)
      expect(minimizeBundle(ex.bundle as never)).toEqual(ex.bundle) // already minimal: unchanged
      if (ex.qr.length === 1) expect(encodeHealthCardQr(ex.jws)).toBe(ex.qr[0])
    })
  }

  it('a chunked (deprecated) QR card is read, in any order; bad chunk sets are refused', async () => {
    const ex = examples[0]!
    const digits = encodeHealthCardQr(ex.jws).slice(5)
    const third = Math.ceil(digits.length / 6) * 2
    const chunks = [0, 1, 2].map((i) => `shc:/${i + 1}/3/${digits.slice(i * third, (i + 1) * third)}`)
    const { fetch } = exampleIssuerFetch()
    expect(
      (await verifyHealthCard({ fetch, now: () => NOW }, { card: [chunks[2]!, chunks[0]!, chunks[1]!] })).jws,
    ).toBe(ex.jws)
    expect(() => decodeHealthCardQr(chunks.slice(0, 2))).toThrow(/3 chunks/)
    expect(() => decodeHealthCardQr([chunks[0]!, chunks[0]!, chunks[1]!])).toThrow(/repeated/)
  })

  it('the example key thumbprint is its kid (RFC 7638)', () => {
    expect(
      computeJwkThumbprint({
        kty: 'EC',
        crv: 'P-256',
        x: '11XvRWy1I2S0EyJlyf_bWfw_TQ5CJJNLw78bHXNxcgw',
        y: 'eZXwxvO1hvCY0KucrPfKo7yAyMT6Ajc3N7OkAB6VYy8',
      }),
    ).toBe('3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s')
  })

  it('the JWKS is fetched once per cache, again without one', async () => {
    const f = exampleIssuerFetch()
    const cache = createShcKeyCache({ maxEntries: 4 })
    for (const ex of examples) await verifyHealthCard({ fetch: f.fetch, cache, now: () => NOW }, { card: ex.jws })
    const jwksCalls = f.calls.filter((u) => u.endsWith('jwks.json')).length
    expect(jwksCalls).toBe(1)
    const g = exampleIssuerFetch()
    for (const ex of examples) await verifyHealthCard({ fetch: g.fetch, now: () => NOW }, { card: ex.jws })
    expect(g.calls.filter((u) => u.endsWith('jwks.json')).length).toBe(examples.length)
  })
})

describe('issuing and verifying', () => {
  it('minimizes: no id, meta only security, no text, no CodeableConcept.text, no Coding.display, resource:N', () => {
    const input = [patient, immunization('2021-01-01')]
    const copy = structuredClone(input)
    const bundle = minimizeBundle(input) as unknown as {
      entry: { fullUrl: string; resource: Record<string, unknown> }[]
    }
    expect(input).toEqual(copy) // not mutated
    expect(bundle.entry.map((e) => e.fullUrl)).toEqual(['resource:0', 'resource:1'])
    const imm = bundle.entry[1]!.resource
    expect(imm.id).toBeUndefined()
    expect(imm.text).toBeUndefined()
    expect(imm.meta).toEqual({
      security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'PSY' }],
    })
    expect(imm.vaccineCode).toEqual({ coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '207' }] })
    expect(imm.patient).toEqual({ reference: 'resource:0' })
    expect(imm.performer).toEqual([{ actor: { display: 'ABC General Hospital' } }]) // Reference.display stays
  })

  it('a document Bundle keeps its type and own elements (an IPS), and verifies', async () => {
    const doc = {
      resourceType: 'Bundle',
      id: 'ips-1',
      type: 'document',
      timestamp: '2020-12-11T14:30:00+01:00',
      entry: [
        {
          fullUrl: 'urn:uuid:3b6a0c14-4c5b-4a48-9e3c-6d7c3c9c0a01',
          resource: {
            resourceType: 'Composition',
            status: 'final',
            type: { coding: [{ system: 'http://loinc.org', code: '60591-5' }] },
            subject: { reference: 'urn:uuid:3b6a0c14-4c5b-4a48-9e3c-6d7c3c9c0a02' },
            date: '2020-12-11',
            author: [{ display: 'Dr. X' }],
            title: 'Patient Summary',
          },
        },
        { fullUrl: 'urn:uuid:3b6a0c14-4c5b-4a48-9e3c-6d7c3c9c0a02', resource: patient },
      ],
    }
    const min = minimizeBundle(doc as never) as unknown as Record<string, unknown>
    expect(min).toMatchObject({ type: 'document', timestamp: '2020-12-11T14:30:00+01:00' })
    expect(min.id).toBeUndefined()
    const issuer = await createShcIssuer({ iss: 'https://hospital.example/ips' })
    const { jws } = await issueHealthCard(issuer, { resources: doc as never, nbf: 1_700_000_000 })
    const card = await verifyHealthCard({ fetch: issuerFetch(issuer).fetch, now: () => NOW }, { card: jws })
    expect(card.resources.map((r) => r.resourceType)).toEqual(['Composition', 'Patient'])
    expect((card.resources[0] as unknown as { subject: unknown }).subject).toEqual({ reference: 'resource:1' })
  })

  it('issues a card that verifies, from a QR text and a file, with a kid that is the thumbprint', async () => {
    const issuer = await createShcIssuer({ iss: 'https://hospital.example/shc' })
    expect(issuer.kid).toBe(computeJwkThumbprint(issuer.publicJwk))
    const { jws } = await issueHealthCard(issuer, {
      resources: [patient, immunization('2021-01-01'), immunization('2021-01-29')],
      types: ['https://smarthealth.cards#immunization'],
      nbf: 1_700_000_000,
    })
    const header = JSON.parse(bytesToUtf8(base64urlToBytes(jws.split('.')[0]!)))
    expect(header).toEqual({ zip: 'DEF', alg: 'ES256', kid: issuer.kid })
    const { fetch } = issuerFetch(issuer)
    const card = await verifyHealthCard({ fetch, now: () => NOW }, { card: encodeHealthCardQr(jws) })
    expect(card.patient).toMatchObject({ name: 'John B. Anyperson', birthDate: '1951-01-20' })
    expect(card.resources.map((r) => r.resourceType)).toEqual(['Patient', 'Immunization', 'Immunization'])
    expect(card.types).toContain('https://smarthealth.cards#immunization')
    expect(decodeHealthCardFile(encodeHealthCardFile([jws]))).toEqual([jws])
    const qr = await renderHealthCardQr(jws)
    expect(qr.svg.startsWith('<svg')).toBe(true)
    expect(qr.version).toBeLessThanOrEqual(22)
  })

  fcTest.prop([fc.stringMatching(/^[A-Za-z0-9_-]{1,200}\.[A-Za-z0-9_-]{1,200}\.[A-Za-z0-9_-]{1,100}$/)])(
    'shc:/ numeric encoding round-trips',
    (jws) => {
      expect(decodeHealthCardQr(encodeHealthCardQr(jws))).toBe(jws)
    },
  )

  it('SHC_MALFORMED: a card whose payload inflates past the 1 MiB bound (a zip bomb)', async () => {
    const [h, , s] = examples[0]!.jws.split('.') as [string, string, string]
    const bomb = await deflateBytes({ bytes: new Uint8Array((1 << 20) + 1), format: 'deflate-raw' })
    const card = `${h}.${bytesToBase64url(bomb)}.${s}`
    await expectCode(verifyHealthCard({ fetch: exampleIssuerFetch().fetch, now: () => NOW }, { card }), 'SHC_MALFORMED')
  })
})

describe('every named error of verifyHealthCard', () => {
  const ex = () => examples[0]!
  const deps = () => ({ fetch: exampleIssuerFetch().fetch, now: () => NOW })

  it('SHC_MALFORMED: not a JWS, not shc:/ digits, not a file', async () => {
    await expectCode(verifyHealthCard(deps(), { card: 'not.a.card!' }), 'SHC_MALFORMED')
    await expectCode(verifyHealthCard(deps(), { card: 'shc:/123' }), 'SHC_MALFORMED')
    await expectCode(verifyHealthCard(deps(), { card: 'abc.def' }), 'SHC_MALFORMED')
    expect(() => decodeHealthCardFile('{"verifiableCredential": 3}')).toThrow(/verifiableCredential/)
  })

  it('SHC_SIGNATURE_INVALID: an HL7 example with a changed payload (re-compressed, same header and signature)', async () => {
    const [h, p, s] = ex().jws.split('.') as [string, string, string]
    const payload = JSON.parse(
      bytesToUtf8(await inflateBytes({ bytes: base64urlToBytes(p), format: 'deflate-raw', maxBytes: 1 << 20 })),
    )
    payload.vc.credentialSubject.fhirBundle.entry[0].resource.birthDate = '1961-01-20'
    const forged = `${h}.${bytesToBase64url(await deflateBytes({ bytes: utf8ToBytes(JSON.stringify(payload)), format: 'deflate-raw' }))}.${s}`
    const err = await expectCode(verifyHealthCard(deps(), { card: forged }), 'SHC_SIGNATURE_INVALID')
    expect(err.name).toBe('SmartHealthError')
    // and one flipped signature character
    const flipped = `${h}.${p}.${s.startsWith('A') ? `B${s.slice(1)}` : `A${s.slice(1)}`}`
    await expectCode(verifyHealthCard(deps(), { card: flipped }), 'SHC_SIGNATURE_INVALID')
  })

  it('SHC_UNSUPPORTED: a header other than ES256 + DEF', async () => {
    const [, p, s] = ex().jws.split('.') as [string, string, string]
    const h = bytesToBase64url(utf8ToBytes(JSON.stringify({ alg: 'ES384', zip: 'DEF', kid: 'x' })))
    await expectCode(verifyHealthCard(deps(), { card: `${h}.${p}.${s}` }), 'SHC_UNSUPPORTED')
  })

  it('SHC_ISSUER_UNTRUSTED: an issuer outside the trusted list', async () => {
    await expectCode(
      verifyHealthCard({ ...deps(), trustedIssuers: ['https://other.example'] }, { card: ex().jws }),
      'SHC_ISSUER_UNTRUSTED',
    )
  })

  it('SHC_JWKS_UNAVAILABLE: the issuer does not answer', async () => {
    await expectCode(
      verifyHealthCard({ fetch: async () => new Response('', { status: 503 }), now: () => NOW }, { card: ex().jws }),
      'SHC_JWKS_UNAVAILABLE',
    )
  })

  it('SHC_KEY_NOT_FOUND: the JWKS has no key with the kid (another issuer at the same URL)', async () => {
    const other = await createShcIssuer({ iss: EXAMPLE_ISS })
    await expectCode(
      verifyHealthCard({ fetch: issuerFetch(other).fetch, now: () => NOW }, { card: ex().jws }),
      'SHC_KEY_NOT_FOUND',
    )
  })

  it('SHC_NOT_YET_VALID and SHC_EXPIRED', async () => {
    await expectCode(
      verifyHealthCard({ ...deps(), now: () => Date.UTC(2020, 0, 1) }, { card: ex().jws }),
      'SHC_NOT_YET_VALID',
    )
    const issuer = await createShcIssuer({ iss: 'https://hospital.example' })
    const { jws } = await issueHealthCard(issuer, { resources: [patient], nbf: 1_700_000_000, exp: 1_700_003_600 })
    const { fetch } = issuerFetch(issuer)
    await expectCode(verifyHealthCard({ fetch, now: () => 1_700_010_000_000 }, { card: jws }), 'SHC_EXPIRED')
    expect((await verifyHealthCard({ fetch, now: () => 1_700_001_000_000 }, { card: jws })).exp).toBe(1_700_003_600)
  })

  it('SHC_REVOKED: rid on the list; rid.timestamp revokes only cards issued before it; a newer crlVersion refetches', async () => {
    const secret = new Uint8Array(32).fill(7)
    const issuer = await createShcIssuer({ iss: 'https://hospital.example', crlVersion: 2 })
    const rid = computeRevocationId({ secret, kid: issuer.kid, subject: 'patient-1' })
    expect(rid).toMatch(/^[A-Za-z0-9_-]{11}$/)
    expect(computeRevocationId({ secret, kid: 'other-key', subject: 'patient-1' })).not.toBe(rid)
    const before = (await issueHealthCard(issuer, { resources: [patient], nbf: 1_700_000_000, rid })).jws
    const after = (await issueHealthCard(issuer, { resources: [patient], nbf: 1_700_000_200, rid })).jws
    const now = () => 1_700_001_000_000
    const all = issuerFetch(issuer, createShcCrl({ kid: issuer.kid, ctr: 2, rids: [{ rid }] }))
    await expectCode(verifyHealthCard({ fetch: all.fetch, now }, { card: after }), 'SHC_REVOKED')
    const timed = issuerFetch(
      issuer,
      createShcCrl({ kid: issuer.kid, ctr: 2, rids: [{ rid, timestamp: 1_700_000_100 }] }),
    )
    await expectCode(verifyHealthCard({ fetch: timed.fetch, now }, { card: before }), 'SHC_REVOKED')
    expect((await verifyHealthCard({ fetch: timed.fetch, now }, { card: after })).rid).toBe(rid)
    // a cached list older than the key's crlVersion is fetched again
    const cache = createShcKeyCache()
    cache.set(
      `${issuer.iss}/.well-known/crl/${issuer.kid}.json`,
      createShcCrl({ kid: issuer.kid, ctr: 1, rids: [] }),
      now(),
    )
    await expectCode(verifyHealthCard({ fetch: all.fetch, cache, now }, { card: after }), 'SHC_REVOKED')
  })

  it('the HL7 example issuer CRL does not revoke the examples (their rids are not on it)', async () => {
    const f = exampleIssuerFetch()
    for (const e of examples) await verifyHealthCard({ fetch: f.fetch, now: () => NOW }, { card: e.jws })
    expect(f.calls.some((u) => u.includes('/crl/'))).toBe(true)
  })

  it('SHC_BUNDLE_INVALID: invalid FHIR, a dangling resource:N, no Patient', async () => {
    const issuer = await createShcIssuer({ iss: 'https://hospital.example' })
    const { fetch } = issuerFetch(issuer)
    const v = (resources: never) =>
      issueHealthCard(issuer, { resources, nbf: 1 }).then(({ jws }) =>
        verifyHealthCard({ fetch, now: () => NOW }, { card: jws }),
      )
    await expectCode(v([{ ...patient, birthDate: '1951-13-40' }] as never), 'SHC_BUNDLE_INVALID')
    await expectCode(
      v([patient, { ...immunization('2021-01-01'), patient: { reference: 'resource:9' } }] as never),
      'SHC_BUNDLE_INVALID',
    )
    await expectCode(v([immunization('2021-01-01')] as never), 'SHC_BUNDLE_INVALID')
  })

  it('issuer inputs are checked', async () => {
    await expect(createShcIssuer({ iss: 'http://insecure.example' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    await expect(createShcIssuer({ iss: 'https://x.example/' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    const issuer = await createShcIssuer({ iss: 'https://x.example' })
    await expect(issueHealthCard(issuer, { resources: [patient], rid: 'no spaces allowed' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    expect(() => createShcKeyCache({ maxEntries: 0 })).toThrow(/maxEntries/)
  })
})
