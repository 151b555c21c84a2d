// Interop with the OpenWallet Foundation's sd-jwt-js (@sd-jwt/core, @sd-jwt/sd-jwt-vc 0.19.0), both ways, in Node
// and in Chromium. sd-jwt-js gets WebCrypto signer, verifier and hasher (its crypto-nodejs package needs node:crypto).
import { base64urlToBytes, bytesToBase64url, isSdkError, randomBytes, utf8ToBytes } from '@medseal/core'
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc'
import { beforeAll, describe, expect, it } from 'vitest'
import { createFixture, DISCLOSE, type Fixture, issueParams, OBSERVATION, T0 } from './_testFixtures.js'
import { issueFhirSdJwt } from './issueFhirSdJwt.js'
import { presentSdJwt } from './presentSdJwt.js'
import { signStatusListToken } from './signStatusListToken.js'
import { verifySdJwt } from './verifySdJwt.js'

const AUD = 'https://verifier.example'
const NONCE = 'nonce-interop'
const LIST_URI = 'https://hospital.example/status/7'
const ECDSA = { name: 'ECDSA', hash: 'SHA-256' } as const

const signerOf = (key: CryptoKey) => async (data: string) =>
  bytesToBase64url(new Uint8Array(await crypto.subtle.sign(ECDSA, key, utf8ToBytes(data))))
const verifierOf = (key: CryptoKey) => async (data: string, sig: string) =>
  crypto.subtle.verify(ECDSA, key, base64urlToBytes(sig), utf8ToBytes(data))
const hasher = async (data: string | ArrayBuffer) =>
  new Uint8Array(await crypto.subtle.digest('SHA-256', typeof data === 'string' ? utf8ToBytes(data) : data))
const saltGenerator = (length: number) => bytesToBase64url(randomBytes(length))
const kbVerifier = async (data: string, sig: string, payload: Record<string, unknown>) => {
  const jwk = (payload.cnf as { jwk: JsonWebKey }).jwk
  const key = await crypto.subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify'])
  return crypto.subtle.verify(ECDSA, key, base64urlToBytes(sig), utf8ToBytes(data))
}

let fx: Fixture
let statusList: string
let sdjwtJs: SDJwtVcInstance

beforeAll(async () => {
  fx = await createFixture()
  statusList = await signStatusListToken({
    key: fx.issuer.privateKey,
    uri: LIST_URI,
    statuses: [0, 0, 1],
    iat: T0,
    exp: T0 + 3600,
  })
  sdjwtJs = new SDJwtVcInstance({
    signer: signerOf(fx.issuer.privateKey),
    verifier: verifierOf(fx.issuer.publicKey),
    signAlg: 'ES256',
    hasher,
    hashAlg: 'sha-256',
    saltGenerator,
    kbSigner: signerOf(fx.holder.privateKey),
    kbSignAlg: 'ES256',
    kbVerifier,
    statusListFetcher: async (uri) => {
      if (uri !== LIST_URI) throw new Error('unknown list')
      return statusList
    },
  })
})

describe('medseal issues, sd-jwt-js verifies', () => {
  it('a presentation with KB-JWT and a status list verifies, with exactly the disclosed FHIR elements', async () => {
    for (const typ of ['dc+sd-jwt', 'vc+sd-jwt'] as const) {
      const { sdJwt } = await issueFhirSdJwt({ ...issueParams(fx, { idx: 1, uri: LIST_URI }), typ })
      const presentation = await presentSdJwt({
        sdJwt,
        reveal: ['code', 'effective[x]'],
        holderKey: fx.holder.privateKey,
        aud: AUD,
        nonce: NONCE,
        iat: T0 + 5,
      })
      const out = await sdjwtJs.verify(presentation, { currentDate: T0 + 10, keyBindingNonce: NONCE })
      const fhir = (out.payload as unknown as { fhir: Record<string, unknown> }).fhir
      expect(fhir).toEqual({
        resourceType: 'Observation',
        status: 'final',
        code: OBSERVATION.code,
        effectiveDateTime: OBSERVATION.effectiveDateTime,
      })
      expect(out.kb?.payload.aud).toBe(AUD)
      expect(out.header?.typ).toBe(typ)
      // sd-jwt-js also reads all of the holder's disclosures
      const all = await sdjwtJs.verify(
        await presentSdJwt({
          sdJwt,
          reveal: DISCLOSE,
          holderKey: fx.holder.privateKey,
          aud: AUD,
          nonce: NONCE,
          iat: T0,
        }),
        { currentDate: T0 + 10, keyBindingNonce: NONCE },
      )
      expect(Object.keys((all.payload as unknown as { fhir: object }).fhir).sort()).toEqual(
        ['code', 'effectiveDateTime', 'interpretation', 'performer', 'resourceType', 'status', 'valueQuantity'].sort(),
      )
    }
  })

  it('sd-jwt-js also refuses our token revoked in our status list', async () => {
    const { sdJwt } = await issueFhirSdJwt({
      issuer: { key: fx.issuer.privateKey, iss: 'https://hospital.example' },
      resource: OBSERVATION,
      disclose: ['code'],
      holder: fx.holder.publicJwk,
      binding: { commitment: fx.commitment },
      status: { status_list: { idx: 2, uri: LIST_URI } },
      iat: T0,
      exp: T0 + 3600,
    })
    const p = await presentSdJwt({
      sdJwt,
      reveal: ['code'],
      holderKey: fx.holder.privateKey,
      aud: AUD,
      nonce: NONCE,
      iat: T0,
    })
    await expect(sdjwtJs.verify(p, { currentDate: T0 + 10, keyBindingNonce: NONCE })).rejects.toThrow(/[Ss]tatus/)
  })
})

describe('sd-jwt-js issues, medseal verifies', () => {
  const claims = () => ({
    iss: 'https://wallet-issuer.example',
    iat: T0,
    exp: T0 + 3600,
    vct: 'https://example.org/vct/fhir-observation',
    cnf: { jwk: fx.holder.publicJwk },
    status: { status_list: { idx: 0, uri: LIST_URI } },
    fhir: {
      resourceType: 'Observation',
      status: 'final',
      code: OBSERVATION.code,
      valueQuantity: OBSERVATION.valueQuantity,
      performer: OBSERVATION.performer,
      category: [{ text: 'laboratory' }, { text: 'vital-signs' }],
    },
  })
  // object properties, array elements, a recursive disclosure (fhir itself) and decoys
  const frame = {
    fhir: { _sd: ['code', 'valueQuantity', 'performer'], category: { _sd: [0, 1] }, _sd_decoy: 2 },
    _sd: ['fhir'],
  }

  const verifyOurs = (presentation: string) =>
    verifySdJwt({
      presentation,
      issuerKey: fx.issuer.publicJwk,
      keyBinding: { aud: AUD, nonce: NONCE },
      status: { fetchStatusList: async () => statusList },
      now: T0 + 10,
    })

  it('verifies with the KB-JWT sd-jwt-js made, revealing exactly what it presented', async () => {
    const credential = await sdjwtJs.issue(claims() as never, frame as never, { header: { typ: 'dc+sd-jwt' } })
    const presentation = await sdjwtJs.present(credential, { fhir: { code: true, valueQuantity: true } } as never, {
      kb: { payload: { aud: AUD, nonce: NONCE, iat: T0 } },
    })
    const out = await verifyOurs(presentation)
    expect(out.fhir).toEqual({
      resourceType: 'Observation',
      status: 'final',
      code: OBSERVATION.code,
      valueQuantity: OBSERVATION.valueQuantity,
      category: [],
    })
    expect(out.disclosed.map((d) => d.pointer).sort()).toEqual(['/fhir', '/fhir/code', '/fhir/valueQuantity'])
    expect(out.status).toEqual({ mechanism: 'status_list', uri: LIST_URI, idx: 0, status: 0 })
    expect(out.binding).toBeUndefined()
  })

  it('array-element disclosures of an sd-jwt-js credential, presented by medseal, verify in both', async () => {
    const credential = await sdjwtJs.issue(claims() as never, frame as never, { header: { typ: 'dc+sd-jwt' } })
    const ours = await presentSdJwt({
      sdJwt: credential,
      reveal: ['/fhir/category/1', '/fhir/code'],
      holderKey: fx.holder.privateKey,
      aud: AUD,
      nonce: NONCE,
      iat: T0,
    })
    const out = await verifyOurs(ours)
    expect(out.fhir).toEqual({
      resourceType: 'Observation',
      status: 'final',
      code: OBSERVATION.code,
      category: [{ text: 'vital-signs' }],
    })
    // pointers name places in the claims each side holds: /fhir/category/1 for the holder, 0 in what was sent
    expect(out.disclosed.map((d) => d.pointer).sort()).toEqual(['/fhir', '/fhir/category/0', '/fhir/code'])
    const js = await sdjwtJs.verify(ours, { currentDate: T0 + 10, keyBindingNonce: NONCE })
    expect((js.payload as unknown as { fhir: { category: unknown } }).fhir.category).toEqual([{ text: 'vital-signs' }])
  })

  it('sd-jwt-js 0.19.0 presenting an array element with a KB-JWT signs the wrong sd_hash: both libraries refuse it', async () => {
    // Its present() computes sd_hash over one disclosure list and then sends another (the array element is dropped
    // the second time). medseal refuses with SD_JWT_KB_INVALID; sd-jwt-js refuses its own presentation too.
    const credential = await sdjwtJs.issue(claims() as never, frame as never, { header: { typ: 'dc+sd-jwt' } })
    const presentation = await sdjwtJs.present(credential, { fhir: { code: true, category: { 1: true } } } as never, {
      kb: { payload: { aud: AUD, nonce: NONCE, iat: T0 } },
    })
    expect(await verifyOurs(presentation).catch((e: unknown) => (isSdkError(e) ? e.code : e))).toBe('SD_JWT_KB_INVALID')
    await expect(sdjwtJs.verify(presentation, { currentDate: T0 + 10, keyBindingNonce: NONCE })).rejects.toThrow(
      /sd_hash/,
    )
  })

  it('refuses an sd-jwt-js token without exp, and without status unless the named policy is passed', async () => {
    const { exp: _exp, ...noExp } = claims()
    const { status: _status, ...noStatus } = claims()
    const code = async (payload: object, policy?: 'accept-without-status') => {
      const credential = await sdjwtJs.issue(payload as never, frame as never, { header: { typ: 'dc+sd-jwt' } })
      const p = await sdjwtJs.present(credential, { fhir: { code: true } } as never, {
        kb: { payload: { aud: AUD, nonce: NONCE, iat: T0 } },
      })
      return verifySdJwt({
        presentation: p,
        issuerKey: fx.issuer.publicJwk,
        keyBinding: { aud: AUD, nonce: NONCE },
        status: { fetchStatusList: async () => statusList },
        now: T0 + 10,
        ...(policy ? { statusPolicy: policy } : {}),
      }).then(
        (r) => r.status,
        (e: unknown) => (isSdkError(e) ? e.code : e),
      )
    }
    expect(await code(noExp)).toBe('SD_JWT_EXPIRY_MISSING')
    expect(await code(noStatus)).toBe('SD_JWT_STATUS_MISSING')
    expect(await code(noStatus, 'accept-without-status')).toEqual({
      mechanism: 'none',
      policy: 'accept-without-status',
    })
  })
})
