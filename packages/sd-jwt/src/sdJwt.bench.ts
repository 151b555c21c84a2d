/**
 * SD-JWT over FHIR: issue / present / verify per second, beside raw ES256 sign and verify through WebCrypto (the
 * floor: issuing is one signature, presenting one, verifying two) and sd-jwt-js 0.19.0 doing the same steps with
 * the same WebCrypto callbacks, all in this process.
 */
import { base64urlToBytes, bytesToBase64url, randomBytes, utf8ToBytes } from '@medseal/core'
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc'
import { defineBench } from '../../../scripts/bench/harness.js'
import { createFixture, issueParams, OBSERVATION, T0 } from './_testFixtures.js'
import { issueFhirSdJwt } from './issueFhirSdJwt.js'
import { presentSdJwt } from './presentSdJwt.js'
import { signStatusListToken } from './signStatusListToken.js'
import { verifySdJwt } from './verifySdJwt.js'

const ECDSA = { name: 'ECDSA', hash: 'SHA-256' } as const
const AUD = 'https://verifier.example'
const NONCE = 'bench-nonce'
const LIST_URI = 'https://hospital.example/status/1'

defineBench('sd-jwt (RFC 9901 over FHIR)', async (ctx) => {
  const fx = await createFixture()
  const statusList = await signStatusListToken({
    key: fx.issuer.privateKey,
    uri: LIST_URI,
    statuses: new Uint8Array(1024),
    iat: T0,
  })
  const params = issueParams(fx, { idx: 3, uri: LIST_URI })
  const { sdJwt } = await issueFhirSdJwt(params)
  const presentParams = {
    sdJwt,
    reveal: ['code', 'value[x]'],
    holderKey: fx.holder.privateKey,
    aud: AUD,
    nonce: NONCE,
    iat: T0,
  }
  const presentation = await presentSdJwt(presentParams)
  const verifyParams = {
    presentation,
    issuerKey: fx.issuer.publicKey,
    keyBinding: { aud: AUD, nonce: NONCE },
    status: { fetchStatusList: async () => statusList },
    now: T0 + 1,
  }
  await verifySdJwt(verifyParams)

  await ctx.ops('issueFhirSdJwt (Observation, 5 disclosures + 2 decoys, ES256)', () => issueFhirSdJwt(params))
  await ctx.ops('presentSdJwt (2 of 5 disclosures, KB-JWT ES256)', () => presentSdJwt(presentParams))
  await ctx.ops('verifySdJwt (issuer + KB-JWT signatures, status list inflate + its signature)', () =>
    verifySdJwt(verifyParams),
  )
  await ctx.ops('verifySdJwt + anchor receipt on the memory ledger', () =>
    verifySdJwt({ ...verifyParams, anchor: { ledger: fx.ledger } }),
  )

  // peers: raw WebCrypto ES256 and sd-jwt-js with the same callbacks
  const message = utf8ToBytes(sdJwt.slice(0, sdJwt.indexOf('~')))
  const signature = new Uint8Array(await crypto.subtle.sign(ECDSA, fx.issuer.privateKey, message))
  await ctx.ops('raw ES256 sign (WebCrypto P-256)', () => crypto.subtle.sign(ECDSA, fx.issuer.privateKey, message), {
    peer: 'WebCrypto',
  })
  await ctx.ops(
    'raw ES256 verify (WebCrypto P-256)',
    () => crypto.subtle.verify(ECDSA, fx.issuer.publicKey, signature, message),
    { peer: 'WebCrypto' },
  )

  const signerOf = (key: CryptoKey) => async (data: string) =>
    bytesToBase64url(new Uint8Array(await crypto.subtle.sign(ECDSA, key, utf8ToBytes(data))))
  const holderKey = fx.holder.publicKey
  const js = new SDJwtVcInstance({
    signer: signerOf(fx.issuer.privateKey),
    verifier: async (data, sig) =>
      crypto.subtle.verify(ECDSA, fx.issuer.publicKey, base64urlToBytes(sig), utf8ToBytes(data)),
    signAlg: 'ES256',
    hasher: async (data) =>
      new Uint8Array(await crypto.subtle.digest('SHA-256', typeof data === 'string' ? utf8ToBytes(data) : data)),
    hashAlg: 'sha-256',
    saltGenerator: (n) => bytesToBase64url(randomBytes(n)),
    kbSigner: signerOf(fx.holder.privateKey),
    kbSignAlg: 'ES256',
    kbVerifier: async (data, sig) => crypto.subtle.verify(ECDSA, holderKey, base64urlToBytes(sig), utf8ToBytes(data)),
    statusListFetcher: async () => statusList,
  })
  const { code, effectiveDateTime, interpretation, performer, valueQuantity } = OBSERVATION
  const claims = {
    iss: 'https://hospital.example',
    iat: T0,
    exp: T0 + 3600,
    vct: 'https://medseal.dev/vct/fhir-resource/v1',
    cnf: { jwk: fx.holder.publicJwk },
    status: { status_list: { idx: 3, uri: LIST_URI } },
    fhir: {
      resourceType: 'Observation',
      status: 'final',
      code,
      effectiveDateTime,
      interpretation,
      performer,
      valueQuantity,
    },
  }
  const frame = {
    fhir: { _sd: ['code', 'effectiveDateTime', 'interpretation', 'performer', 'valueQuantity'], _sd_decoy: 2 },
  }
  const credential = await js.issue(claims as never, frame as never, { header: { typ: 'dc+sd-jwt' } })
  const presentFrame = { fhir: { code: true, valueQuantity: true } }
  const kb = { kb: { payload: { aud: AUD, nonce: NONCE, iat: T0 } } }
  const jsPresentation = await js.present(credential, presentFrame as never, kb)
  await ctx.ops('sd-jwt-js issue (same claims and disclosures)', () => js.issue(claims as never, frame as never), {
    peer: 'sd-jwt-js 0.19.0',
  })
  await ctx.ops('sd-jwt-js present (same subset, KB-JWT)', () => js.present(credential, presentFrame as never, kb), {
    peer: 'sd-jwt-js 0.19.0',
  })
  await ctx.ops(
    'sd-jwt-js verify (same checks: signatures, KB-JWT nonce, status list)',
    () => js.verify(jsPresentation, { currentDate: T0 + 1, keyBindingNonce: NONCE }),
    { peer: 'sd-jwt-js 0.19.0' },
  )
})
