/**
 * `pnpm bench smart-health`: SMART Health Card issue and verify per second, beside raw ES256 sign and verify through
 * the same WebCrypto in the same process (the floor a card's extra work — minimizing, DEFLATE, JSON, FHIR
 * validation — sits on); the size of a typical immunization card (HL7 example 00: a Patient and three COVID-19
 * doses) as a compact JWS and as a QR code, against the version 22 limit at error correction L (1,195 JWS
 * characters); SMART Health Link file encrypt and decrypt beside raw AES-256-GCM.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { deflateBytes, inflateBytes, randomBytes, toArrayBufferBacked, utf8ToBytes } from '@medseal/core'
import { deflateSync, inflateSync } from 'fflate'
import { defineBench } from '../../../scripts/bench/harness.js'
import { createShcIssuer } from './createShcIssuer.js'
import { createShcKeyCache } from './createShcKeyCache.js'
import { encodeHealthCardQr } from './healthCardQr.js'
import { issueHealthCard } from './issueHealthCard.js'
import { renderHealthCardQr } from './renderHealthCardQr.js'
import { decryptShlFile, encryptShlFile } from './shlFileJwe.js'
import { verifyHealthCard } from './verifyHealthCard.js'

const vectors = fileURLToPath(new URL('../../../../shared/vectors/shc/', import.meta.url))

defineBench('smart-health', async (ctx) => {
  const bundle = JSON.parse(readFileSync(`${vectors}example-00-a-fhirBundle.json`, 'utf8'))
  const exampleJws = readFileSync(`${vectors}example-00-d-jws.txt`, 'utf8').trim()
  const issuer = await createShcIssuer({ iss: 'https://spec.smarthealth.cards/examples/issuer' })
  const params = { resources: bundle, types: ['https://smarthealth.cards#immunization'], nbf: 1_700_000_000 }
  const { jws } = await issueHealthCard(issuer, params)
  const jwks = JSON.stringify(issuer.jwks())
  const deps = { fetch: async () => new Response(jwks), cache: createShcKeyCache(), now: () => 1_800_000_000_000 }

  // raw ES256 through the same WebCrypto, over the same signing input
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair
  const input = utf8ToBytes(jws.slice(0, jws.lastIndexOf('.')))
  const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, input)

  await ctx.ops('issueHealthCard (3-dose immunization card)', () => issueHealthCard(issuer, params))
  await ctx.ops(
    'raw ES256 sign (WebCrypto, same input)',
    () => crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, input),
    { peer: 'WebCrypto ECDSA P-256' },
  )
  await ctx.ops('verifyHealthCard (cached JWKS, FHIR R4 check)', () => verifyHealthCard(deps, { card: jws }))
  await ctx.ops(
    'raw ES256 verify (WebCrypto, same input)',
    () => crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, pair.publicKey, sig, input),
    { peer: 'WebCrypto ECDSA P-256' },
  )

  // where a card's time goes: raw DEFLATE through CompressionStream, both ways, on the card's payload
  const payloadBytes = utf8ToBytes(JSON.stringify((await issueHealthCard(issuer, params)).payload))
  const deflateRaw = (bytes: Uint8Array) => deflateBytes({ bytes, format: 'deflate-raw' })
  const deflated = await deflateRaw(payloadBytes)
  await ctx.ops('deflateRaw of the payload (CompressionStream)', () => deflateRaw(payloadBytes))
  await ctx.ops('inflateRaw of the payload (DecompressionStream)', () =>
    inflateBytes({ bytes: deflated, format: 'deflate-raw', maxBytes: 1 << 20 }),
  )
  await ctx.ops('fflate deflateSync of the payload (level 9)', () => deflateSync(payloadBytes, { level: 9 }), {
    peer: 'fflate 0.8.3',
  })
  await ctx.ops('fflate inflateSync of the payload', () => inflateSync(deflated), { peer: 'fflate 0.8.3' })
  ctx.record({ name: 'payload deflated by CompressionStream', value: deflated.length, unit: 'bytes' })
  ctx.record({
    name: 'payload deflated by fflate (level 9)',
    value: deflateSync(payloadBytes, { level: 9 }).length,
    unit: 'bytes',
    peer: 'fflate 0.8.3',
  })

  const own = await renderHealthCardQr(jws)
  ctx.record({ name: 'immunization card JWS (medseal-issued, 3 doses)', value: jws.length, unit: 'chars' })
  ctx.record({ name: 'immunization card JWS (HL7 example 00, 3 doses)', value: exampleJws.length, unit: 'chars' })
  ctx.record({
    name: 'QR version 22 limit at error correction L',
    value: 1195,
    unit: 'chars',
    peer: 'SMART Health Cards',
  })
  ctx.record({ name: 'immunization card QR version (medseal-issued)', value: own.version, unit: 'version' })
  ctx.record({ name: 'immunization card shc:/ text', value: encodeHealthCardQr(jws).length, unit: 'chars' })

  const key = randomBytes(32)
  const content = JSON.stringify({ verifiableCredential: [jws] })
  const jwe = await encryptShlFile(key, { contentType: 'application/smart-health-card', content })
  const aes = await crypto.subtle.importKey('raw', toArrayBufferBacked(key), 'AES-GCM', false, ['encrypt'])
  const iv = toArrayBufferBacked(randomBytes(12))
  const plain = utf8ToBytes(content)
  await ctx.ops('encryptShlFile (JWE dir A256GCM, one card)', () =>
    encryptShlFile(key, { contentType: 'application/smart-health-card', content }),
  )
  await ctx.ops('decryptShlFile (one card)', () => decryptShlFile(key, jwe))
  await ctx.ops(
    'raw AES-256-GCM encrypt (WebCrypto, same bytes)',
    () => crypto.subtle.encrypt({ name: 'AES-GCM', iv }, aes, plain),
    { peer: 'WebCrypto AES-GCM' },
  )
})
