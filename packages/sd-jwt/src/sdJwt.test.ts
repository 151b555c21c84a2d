// Runs in Node and in real Chromium (vitest browser project): WebCrypto ES256, Compression Streams, no Node built-ins.
import {
  base64urlToBytes,
  bytesToHex0x,
  consentKey,
  isSdkError,
  randomBytes,
  revokeConsent,
  signTombstone,
} from '@medseal/core'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  craftJwt,
  craftKb,
  createFixture,
  disclosure,
  type Fixture,
  issueParams,
  OBSERVATION,
  T0,
} from './_testFixtures.js'
import { issueFhirSdJwt } from './issueFhirSdJwt.js'
import { presentSdJwt } from './presentSdJwt.js'
import { signStatusListToken } from './signStatusListToken.js'
import type { SdJwtStatus } from './types.js'
import { verifyDisclosuresInRecord } from './verifyDisclosuresInRecord.js'
import { type VerifySdJwtParameters, verifySdJwt } from './verifySdJwt.js'
import { verifyStatusListToken } from './verifyStatusListToken.js'

const AUD = 'https://verifier.example'
const NONCE = 'n-1'
const LIST_URI = 'https://hospital.example/status/1'

let fx: Fixture
let lists: Map<string, string>

beforeAll(async () => {
  fx = await createFixture()
  lists = new Map([
    [
      LIST_URI,
      await signStatusListToken({
        key: fx.issuer.privateKey,
        uri: LIST_URI,
        statuses: [0, 1, 0, 0],
        iat: T0,
        exp: T0 + 3600,
      }),
    ],
  ])
})

const fetchStatusList = async (uri: string) => {
  const t = lists.get(uri)
  if (t === undefined) throw new Error('404')
  return t
}

async function issue(over: Partial<Parameters<typeof issueFhirSdJwt>[0]> = {}) {
  return issueFhirSdJwt({ ...issueParams(fx, { idx: 0, uri: LIST_URI }), exp: T0 + 86_400, ...over })
}

const present = (sdJwt: string, reveal: readonly string[], over: Partial<Parameters<typeof presentSdJwt>[0]> = {}) =>
  presentSdJwt({ sdJwt, reveal, holderKey: fx.holder.privateKey, aud: AUD, nonce: NONCE, iat: T0, ...over })

const verify = (presentation: string, over: Partial<VerifySdJwtParameters> = {}) =>
  verifySdJwt({
    presentation,
    issuerKey: fx.issuer.publicJwk,
    keyBinding: { aud: AUD, nonce: NONCE },
    status: { fetchStatusList, ledger: fx.ledger },
    now: T0 + 10,
    ...over,
  })

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  )
  if (e === undefined) return undefined
  if (!isSdkError(e)) throw e
  return e.code
}

describe('issue → present → verify', () => {
  it('reveals exactly the chosen FHIR elements, with plain ones, and checks the anchor', async () => {
    const { sdJwt, disclosures } = await issue()
    expect(disclosures.map((d) => d.pointer).sort()).toEqual(
      [
        '/fhir/code',
        '/fhir/effectiveDateTime',
        '/fhir/interpretation',
        '/fhir/performer',
        '/fhir/valueQuantity',
      ].sort(),
    )
    // note, subject, id, meta, category were not listed: they are nowhere in the token
    const jwtPayload = JSON.parse(
      new TextDecoder().decode(
        Uint8Array.from(atob(sdJwt.split('.')[1]!.replaceAll('-', '+').replaceAll('_', '/')), (c) => c.charCodeAt(0)),
      ),
    )
    expect(JSON.stringify(jwtPayload)).not.toMatch(/fasting|Patient\/p-1|obs-hba1c/)
    expect(jwtPayload.fhir._sd).toHaveLength(5 + 2) // five elements and two decoys

    const p = await present(sdJwt, ['code', 'value[x]'])
    const out = await verify(p, { anchor: { ledger: fx.ledger } })
    expect(out.fhir).toEqual({
      resourceType: 'Observation',
      status: 'final',
      code: OBSERVATION.code,
      valueQuantity: OBSERVATION.valueQuantity,
    })
    expect(out.disclosed.map((d) => d.pointer)).toEqual(expect.arrayContaining(['/fhir/code', '/fhir/valueQuantity']))
    expect(out.disclosed).toHaveLength(2)
    expect(out.status).toEqual({ mechanism: 'status_list', uri: LIST_URI, idx: 0, status: 0 })
    expect(out.binding?.commitment).toBe(fx.commitment)
    expect(out.binding?.anchored?.anchoredAt.timestamp).toBe(T0)
    expect(out.keyBinding).toEqual({ aud: AUD, nonce: NONCE, iat: T0 })
    expect(out.typ).toBe('dc+sd-jwt')
  })

  it('presents nothing but the plain claims when reveal is empty', async () => {
    const { sdJwt } = await issue({ typ: 'vc+sd-jwt' })
    const out = await verify(await present(sdJwt, []))
    expect(out.fhir).toEqual({ resourceType: 'Observation', status: 'final' })
    expect(out.disclosed).toEqual([])
  })

  it('ledger status: a tombstone or a revoked consent revokes the token', async () => {
    const consentId = bytesToHex0x(randomBytes(32))
    const status: SdJwtStatus = {
      medseal_ledger: {
        ledger: fx.ledger.ledgerId,
        owner: fx.patient.address,
        consent: consentKey(fx.patient.address, consentId),
      },
    }
    const { sdJwt } = await issue({ status })
    const p = await present(sdJwt, ['code'])
    expect((await verify(p)).status).toEqual({ mechanism: 'medseal_ledger', ledger: fx.ledger.ledgerId })
    await revokeConsent(fx.ledger, { party: fx.patient, consentId })
    expect(await codeOf(verify(p))).toBe('SD_JWT_REVOKED')

    // a tombstone for the record revokes every token bound to it
    const other = await issue({ status: { medseal_ledger: { ledger: fx.ledger.ledgerId, owner: fx.patient.address } } })
    const q = await present(other.sdJwt, ['code'])
    expect((await verify(q)).status.mechanism).toBe('medseal_ledger')
    await fx.ledger.recordTombstone(
      signTombstone(fx.patient, fx.ledger.domain, { commitment: fx.commitment, owner: fx.patient.address }),
    )
    expect(await codeOf(verify(q))).toBe('SD_JWT_REVOKED')
    // and without the ledger the status cannot be read: refused
    expect(await codeOf(verify(q, { status: {} }))).toBe('SD_JWT_STATUS_UNAVAILABLE')
  })
})

describe('the worked example of docs/spec/sd-jwt-fhir.md §3', () => {
  it('gives the disclosures and digests the spec shows (salts fixed: 16 bytes of 1, 2, 3, …)', async () => {
    let n = 0
    const { sdJwt, disclosures } = await issue({
      disclose: ['code', 'value[x]', 'effective[x]'],
      decoys: 1,
      randomBytes: (len: number) => new Uint8Array(len).fill(++n),
    })
    expect(disclosures.map((d) => [d.pointer, d.digest])).toEqual([
      ['/fhir/code', 'DEu1frQ4ZnB6NXw21W_-ph7gHad8qIy93q9JhGtM3F0'],
      ['/fhir/effectiveDateTime', 'hH8uWCbFzOeZV-9pq_yPgSmUXkqhiVVXwz_7IeVl9Ic'],
      ['/fhir/valueQuantity', 'IuZ0G6gcw27admDOSCPp8zso1Q0cCTwG8abuFdosgMU'],
    ])
    const payload = JSON.parse(new TextDecoder().decode(base64urlToBytes(sdJwt.split('.')[1] as string)))
    expect(payload.fhir._sd).toEqual([
      '6CSbjnIWucOcLNHA4qfKFJF11STyUTQ9yQt-HqOTtL8',
      'DEu1frQ4ZnB6NXw21W_-ph7gHad8qIy93q9JhGtM3F0',
      'IuZ0G6gcw27admDOSCPp8zso1Q0cCTwG8abuFdosgMU',
      'hH8uWCbFzOeZV-9pq_yPgSmUXkqhiVVXwz_7IeVl9Ic',
    ])
  })
})

describe('verifyDisclosuresInRecord (a recipient of the sealed record)', () => {
  it('finds every element of the token in the record, and refuses a value the record does not hold', async () => {
    const { sdJwt } = await issue()
    const verified = await verify(await present(sdJwt, ['code', 'value[x]']))
    const out = await verifyDisclosuresInRecord(fx.ledger, { verified, envelope: fx.envelope, party: fx.patient })
    expect([...out.elements].sort()).toEqual(['code', 'resourceType', 'status', 'valueQuantity'])
    expect(out.anchoredAt?.timestamp).toBe(T0)

    // an issuer that signs a value the record does not hold, bound to the real commitment
    const lie = await issue({
      resource: { ...OBSERVATION, valueQuantity: { ...OBSERVATION.valueQuantity, value: 5.2 } },
    })
    const lied = await verify(await present(lie.sdJwt, ['value[x]']))
    expect(
      await codeOf(verifyDisclosuresInRecord(fx.ledger, { verified: lied, envelope: fx.envelope, party: fx.patient })),
    ).toBe('RECORD_MISMATCH')
    // another record than the one the token is bound to
    const other = await createFixture()
    expect(
      await codeOf(verifyDisclosuresInRecord(fx.ledger, { verified, envelope: other.envelope, party: other.patient })),
    ).toBe('RECORD_MISMATCH')
    expect(
      await codeOf(
        verifyDisclosuresInRecord(fx.ledger, {
          verified: { binding: undefined, fhir: undefined },
          envelope: fx.envelope,
          party: fx.patient,
        }),
      ),
    ).toBe('INVALID_ARGUMENT')
  })
})

describe('refusals (a named code for each)', () => {
  it('SD_JWT_EXPIRY_MISSING, SD_JWT_EXPIRED, SD_JWT_NOT_YET_VALID', async () => {
    const { issuer, holder } = fx
    const base = {
      iss: 'x',
      vct: 'v',
      cnf: { jwk: holder.publicJwk },
      status: { status_list: { idx: 0, uri: LIST_URI } },
    }
    const noExp = `${await craftJwt(issuer.privateKey, { ...base, iat: T0 })}~`
    expect(await codeOf(verify(`${noExp}${await craftKb(holder.privateKey, noExp)}`))).toBe('SD_JWT_EXPIRY_MISSING')
    const { sdJwt } = await issue()
    const p = await present(sdJwt, ['code'])
    expect(await codeOf(verify(p, { now: T0 + 86_400 + 60 }))).toBe('SD_JWT_EXPIRED')
    expect(await codeOf(verify(p, { now: T0 - 3600 }))).toBe('SD_JWT_NOT_YET_VALID')
    const nbf = await issue({ nbf: T0 + 7200 })
    expect(await codeOf(verify(await present(nbf.sdJwt, ['code'])))).toBe('SD_JWT_NOT_YET_VALID')
  })

  it('SD_JWT_STATUS_MISSING unless the named policy accepts it, which the result shows', async () => {
    const { sdJwt } = await issueFhirSdJwt({
      issuer: { key: fx.issuer.privateKey, iss: 'h' },
      resource: OBSERVATION,
      disclose: ['code'],
      holder: fx.holder.publicJwk,
      binding: { commitment: fx.commitment },
      iat: T0,
      exp: T0 + 60,
    })
    const p = await present(sdJwt, ['code'])
    expect(await codeOf(verify(p))).toBe('SD_JWT_STATUS_MISSING')
    const out = await verify(p, { statusPolicy: 'accept-without-status' })
    expect(out.status).toEqual({ mechanism: 'none', policy: 'accept-without-status' })
    // asking for the anchor of a token without a receipt is refused
    expect(await codeOf(verify(p, { statusPolicy: 'accept-without-status', anchor: { ledger: fx.ledger } }))).toBe(
      'ANCHOR_NOT_FOUND',
    )
  })

  it('SD_JWT_STATUS_UNAVAILABLE and SD_JWT_REVOKED from a status list', async () => {
    const revoked = await issue({ status: { status_list: { idx: 1, uri: LIST_URI } } })
    expect(await codeOf(verify(await present(revoked.sdJwt, ['code'])))).toBe('SD_JWT_REVOKED')
    const { sdJwt } = await issue()
    const p = await present(sdJwt, ['code'])
    expect(await codeOf(verify(p, { status: {} }))).toBe('SD_JWT_STATUS_UNAVAILABLE')
    expect(await codeOf(verify(p, { status: { fetchStatusList: () => Promise.reject(new Error('down')) } }))).toBe(
      'SD_JWT_STATUS_UNAVAILABLE',
    )
    const outside = await issue({ status: { status_list: { idx: 4096, uri: LIST_URI } } })
    expect(await codeOf(verify(await present(outside.sdJwt, ['code'])))).toBe('SD_JWT_STATUS_UNAVAILABLE')
    // a list signed by someone else
    expect(await codeOf(verify(p, { status: { fetchStatusList, statusListKey: fx.holder.publicJwk } }))).toBe(
      'SD_JWT_SIGNATURE_INVALID',
    )
  })

  it('SD_JWT_KB_INVALID: missing, other audience, other nonce, other key, disclosures swapped after signing', async () => {
    const { sdJwt } = await issue()
    expect(await codeOf(verify(sdJwt))).toBe('SD_JWT_KB_INVALID')
    const p = await present(sdJwt, ['code', 'value[x]'])
    expect(await codeOf(verify(p, { keyBinding: { aud: 'https://other.example', nonce: NONCE } }))).toBe(
      'SD_JWT_KB_INVALID',
    )
    expect(await codeOf(verify(p, { keyBinding: { aud: AUD, nonce: 'n-2' } }))).toBe('SD_JWT_KB_INVALID')
    expect(await codeOf(verify(await present(sdJwt, ['code'], { holderKey: fx.issuer.privateKey })))).toBe(
      'SD_JWT_KB_INVALID',
    )
    // drop a disclosure after the holder signed: sd_hash no longer matches
    const parts = p.split('~')
    const dropped = [parts[0], parts[1], parts[3]].join('~')
    expect(await codeOf(verify(dropped))).toBe('SD_JWT_KB_INVALID')
    // a stale KB-JWT
    expect(await codeOf(verify(p, { now: T0 + 3600 }))).toBe('SD_JWT_KB_INVALID')
  })

  it('SD_JWT_SIGNATURE_INVALID, SD_JWT_UNSUPPORTED_ALG, SD_JWT_MALFORMED', async () => {
    const { sdJwt } = await issue()
    const p = await present(sdJwt, ['code'])
    expect(await codeOf(verify(p, { issuerKey: fx.holder.publicJwk }))).toBe('SD_JWT_SIGNATURE_INVALID')
    const [h, rest] = [p.slice(0, p.indexOf('.')), p.slice(p.indexOf('.'))]
    const none = btoa(JSON.stringify({ alg: 'none', typ: 'dc+sd-jwt' })).replaceAll('=', '')
    expect(h.length).toBeGreaterThan(0)
    expect(await codeOf(verify(`${none}${rest}`))).toBe('SD_JWT_UNSUPPORTED_ALG')
    const sdAlg = await craftJwt(fx.issuer.privateKey, { _sd_alg: 'sha-512', exp: T0 + 60 })
    expect(await codeOf(verify(`${sdAlg}~`))).toBe('SD_JWT_UNSUPPORTED_ALG')
    for (const bad of ['', 'abc', 'a.b.c~', '~~', `${p}~x`])
      expect(await codeOf(verify(bad))).toMatch(/^SD_JWT_(MALFORMED|UNSUPPORTED_ALG)$/)
    expect(await codeOf(verify(p, { typ: ['example+sd-jwt'] }))).toBe('SD_JWT_MALFORMED')
    expect(await codeOf(verify(p, { iss: 'https://not-the-hospital.example' }))).toBe('SD_JWT_MALFORMED')
  })

  it('strict disclosure processing: duplicate digests, array digests, reserved names, reuse, unreferenced', async () => {
    const { issuer, holder } = fx
    const base = {
      iss: 'x',
      vct: 'v',
      iat: T0,
      exp: T0 + 600,
      cnf: { jwk: holder.publicJwk },
      status: { status_list: { idx: 0, uri: LIST_URI } },
    }
    const a = disclosure(['salt-a', 'code', 'x'])
    const el = disclosure(['salt-e', 'elem'])
    const reserved = disclosure(['salt-r', '_sd', ['x']])
    const twoForm = disclosure(['salt-t', 'y'])
    const kbFor = async (jwt: string, ds: string[]) => {
      const part = `${jwt}~${ds.map((d) => `${d}~`).join('')}`
      return `${part}${await craftKb(holder.privateKey, part)}`
    }
    const cases: [Record<string, unknown>, string[], string][] = [
      // the same digest twice in _sd
      [{ fhir: { _sd: [a.digest, a.digest] } }, [a.encoded], 'SD_JWT_DIGEST_DUPLICATE'],
      // the same digest in _sd and in an array
      [{ fhir: { _sd: [el.digest], list: [{ '...': el.digest }] } }, [], 'SD_JWT_DIGEST_DUPLICATE'],
      // an array entry with `...` and another key
      [{ list: [{ '...': el.digest, other: 1 }] }, [el.encoded], 'SD_JWT_RESERVED_CLAIM'],
      // a `...` member outside an array
      [{ fhir: { '...': el.digest } }, [], 'SD_JWT_RESERVED_CLAIM'],
      // a disclosure named _sd
      [{ _sd: [reserved.digest] }, [reserved.encoded], 'SD_JWT_RESERVED_CLAIM'],
      // an array-element disclosure referenced from _sd
      [{ _sd: [twoForm.digest] }, [twoForm.encoded], 'SD_JWT_DISCLOSURE_INVALID'],
      // an object-property disclosure referenced from an array
      [{ list: [{ '...': a.digest }] }, [a.encoded], 'SD_JWT_DISCLOSURE_INVALID'],
      // a disclosure that would overwrite a plain claim
      [{ fhir: { code: 'plain', _sd: [a.digest] } }, [a.encoded], 'SD_JWT_DISCLOSURE_INVALID'],
      // a disclosure nothing refers to
      [{ fhir: { _sd: [] } }, [a.encoded], 'SD_JWT_DISCLOSURE_UNREFERENCED'],
      // the same disclosure twice
      [{ fhir: { _sd: [a.digest] } }, [a.encoded, a.encoded], 'SD_JWT_DISCLOSURE_REUSED'],
      // a disclosure that is not an array of 2 or 3
      [
        { _sd: [disclosure(['s', 'n', 'v', 'extra']).digest] },
        [disclosure(['s', 'n', 'v', 'extra']).encoded],
        'SD_JWT_DISCLOSURE_INVALID',
      ],
      // a top-level claim that must stay plain (exp), made disclosable
      [{ _sd: [disclosure(['s', 'exp', 1]).digest] }, [disclosure(['s', 'exp', 1]).encoded], 'SD_JWT_RESERVED_CLAIM'],
      // _sd that is not an array
      [{ _sd: 'x' }, [], 'SD_JWT_MALFORMED'],
    ]
    for (const [claims, ds, code] of cases) {
      const jwt = await craftJwt(issuer.privateKey, { ...base, ...claims })
      expect({ claims, code: await codeOf(verify(await kbFor(jwt, ds))) }).toEqual({ claims, code })
    }
    // decoys (digests without a disclosure) are fine, and array elements are read in place
    const jwt = await craftJwt(issuer.privateKey, {
      ...base,
      list: [{ '...': el.digest }, 'plain', { '...': disclosure(['decoy', 'z']).digest }],
      fhir: { _sd: [a.digest, disclosure(['decoy2', 'q', 1]).digest] },
    })
    const out = await verify(await kbFor(jwt, [el.encoded, a.encoded]))
    expect(out.claims.list).toEqual(['elem', 'plain'])
    expect(out.fhir).toEqual({ code: 'x' })
    expect(out.disclosed.map((d) => d.pointer)).toEqual(['/list/0', '/fhir/code'])
  })
})

describe('issue and present inputs', () => {
  it('refuses bad issuance parameters with InvalidArgumentError', async () => {
    const bad: Partial<Parameters<typeof issueFhirSdJwt>[0]>[] = [
      { exp: undefined as never },
      { exp: T0 - 1 },
      { resource: {} as never },
      { disclose: 'code' as never },
      { disclose: ['code'], plain: ['code'] },
      { disclose: ['resourceType'] },
      { binding: { commitment: '0x12' as never } },
      { holder: { kty: 'OKP' } },
      { status: { other: {} } as never },
      { decoys: -1 },
    ]
    for (const over of bad) {
      const code = await codeOf(issue(over))
      expect(['INVALID_ARGUMENT', 'INVALID_KEY']).toContain(code)
    }
    expect(await codeOf(issue({ binding: { commitment: `0x${'00'.repeat(32)}`, receipt: fx.receipt } }))).toBe(
      'INVALID_ARGUMENT',
    )
  })

  it('a FHIR element may carry a name that is reserved only at the top level (Observation.status)', async () => {
    const { sdJwt } = await issue({ disclose: ['status', 'code'], plain: [] })
    const out = await verify(await present(sdJwt, ['status']))
    expect(out.fhir).toEqual({ resourceType: 'Observation', status: 'final' })
    expect(out.disclosed.map((d) => d.pointer)).toEqual(['/fhir/status'])
  })

  it('refuses a reveal entry that matches nothing, and a token that already has a KB-JWT', async () => {
    const { sdJwt } = await issue()
    expect(await codeOf(present(sdJwt, ['note']))).toBe('INVALID_ARGUMENT')
    const p = await present(sdJwt, ['code'])
    expect(await codeOf(present(p, ['code']))).toBe('INVALID_ARGUMENT')
    // a JSON Pointer works the same as an element name
    expect((await verify(await present(sdJwt, ['/fhir/performer']))).fhir?.performer).toEqual(OBSERVATION.performer)
  })
})

describe('status list tokens', () => {
  it('round-trips 1, 2, 4 and 8 bit lists', async () => {
    for (const bits of [1, 2, 4, 8] as const) {
      const statuses = Array.from({ length: 37 }, (_, i) => (i * 7) % (1 << bits))
      const token = await signStatusListToken({ key: fx.issuer.privateKey, uri: 'u', statuses, bits, iat: T0 })
      for (const idx of [0, 1, 5, 36])
        expect((await verifyStatusListToken({ token, key: fx.issuer.publicJwk, uri: 'u', idx, now: T0 })).status).toBe(
          statuses[idx],
        )
    }
  })

  it('refuses another uri, an expired list, and statuses that do not fit', async () => {
    const token = await signStatusListToken({
      key: fx.issuer.privateKey,
      uri: 'u',
      statuses: [0],
      iat: T0,
      exp: T0 + 10,
    })
    expect(await codeOf(verifyStatusListToken({ token, key: fx.issuer.publicJwk, uri: 'v', idx: 0, now: T0 }))).toBe(
      'SD_JWT_STATUS_UNAVAILABLE',
    )
    expect(
      await codeOf(verifyStatusListToken({ token, key: fx.issuer.publicJwk, uri: 'u', idx: 0, now: T0 + 100 })),
    ).toBe('SD_JWT_EXPIRED')
    expect(await codeOf(signStatusListToken({ key: fx.issuer.privateKey, uri: 'u', statuses: [2] }))).toBe(
      'INVALID_ARGUMENT',
    )
  })
})
