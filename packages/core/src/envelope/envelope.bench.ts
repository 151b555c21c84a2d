/**
 * Sealed envelopes: seal and open ops/s of a ~2 KB FHIR resource for 1 and 10 recipients, MB/s for a ~1 MiB payload
 * (seal of a value, which includes canonicalization, and seal of canonical bytes), and HPKE key wrap/unwrap ops/s.
 * Peers in the same run: the same work composed by hand from @hpke/core (native X25519) + WebCrypto AES-GCM,
 * HMAC and SHA-256; and @hpke/core's own single-shot seal/open for the key wrap.
 */
import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core'
import { type BenchContext, defineBench } from '../../../../scripts/bench/harness.js'
import { canonicalizeToBytes } from '../canonical/canonicalize.js'
import { envelopeSuite } from './_internal.js'
import { testParty } from './_testParties.js'
import { bigValue, resource } from './_testPayloads.js'
import { open, openCanonical } from './open.js'
import { seal, sealCanonical } from './seal.js'

const HPKE = '@hpke/core@1.9.0'
const subtle = globalThis.crypto.subtle

const ab = (b: Uint8Array): ArrayBuffer => b.slice().buffer
const cat = (...xs: Uint8Array[]) => {
  const out = new Uint8Array(xs.reduce((n, x) => n + x.length, 0))
  let i = 0
  for (const x of xs) {
    out.set(x, i)
    i += x.length
  }
  return out
}

/**
 * Runs `ours` and `theirs` alternately (`rounds` times each) and records both as ops/s: on a shared, loaded machine
 * this keeps the comparison fair (both see the same load), where back-to-back timing windows do not.
 */
async function interleaved(
  ctx: BenchContext,
  name: string,
  ours: () => Promise<unknown>,
  theirs: () => Promise<unknown>,
  peer: string,
  rounds: number,
): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.all([ours(), theirs()])
  let a = 0
  let b = 0
  for (let i = 0; i < rounds; i++) {
    let t = performance.now()
    await ours()
    a += performance.now() - t
    t = performance.now()
    await theirs()
    b += performance.now() - t
  }
  ctx.record({ name: `${name} (interleaved)`, value: (1000 * rounds) / a, unit: 'ops/s' })
  ctx.record({ name: `${name} (interleaved)`, value: (1000 * rounds) / b, unit: 'ops/s', peer })
}

defineBench('envelope', async (ctx) => {
  const parties = Array.from({ length: 10 }, () => testParty())
  const one = parties.slice(0, 1)
  const small = canonicalizeToBytes(resource)
  const big = canonicalizeToBytes(bigValue)
  console.log(`  (resource ${small.length} B canonical; large payload ${big.length} B canonical)`)

  // --- the peer: the same work by hand with @hpke/core + WebCrypto ---
  const peer = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() })
  const peerKeys = await Promise.all(
    parties.map(async (p) => ({
      pk: await peer.kem.importKey('raw', ab(p.encryptionPublicKey), true),
      sk: await peer.kem.importKey('raw', ab(p.encryptionSecretKey), false),
    })),
  )
  const header = new Uint8Array(71)
  const info = new Uint8Array(51)
  const peerSealBytes = async (canonical: Uint8Array<ArrayBuffer>, n: number) => {
    const dataKey = crypto.getRandomValues(new Uint8Array(32))
    const salt = crypto.getRandomValues(new Uint8Array(32))
    const iv = crypto.getRandomValues(new Uint8Array(12))
    const key = await subtle.importKey('raw', dataKey, 'AES-GCM', false, ['encrypt'])
    const ct = await subtle.encrypt({ name: 'AES-GCM', iv, additionalData: header }, key, cat(salt, canonical))
    const wraps = []
    for (let i = 0; i < n; i++)
      wraps.push(await peer.seal({ recipientPublicKey: peerKeys[i]!.pk, info: ab(info) }, ab(dataKey), ab(header)))
    const hk = await subtle.importKey('raw', salt, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    const commitment = await subtle.sign('HMAC', hk, canonical)
    const digest = await subtle.digest('SHA-256', canonical)
    return { ct, wraps, iv, commitment, digest }
  }
  const peerOpenBytes = async (sealed: Awaited<ReturnType<typeof peerSealBytes>>) => {
    const w = sealed.wraps[0]!
    const dataKey = await peer.open({ recipientKey: peerKeys[0]!.sk, enc: w.enc, info: ab(info) }, w.ct, ab(header))
    const key = await subtle.importKey('raw', dataKey, 'AES-GCM', false, ['decrypt'])
    const pt = new Uint8Array(
      await subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv, additionalData: header }, key, sealed.ct),
    )
    const canonical = pt.subarray(32)
    const hk = await subtle.importKey('raw', pt.subarray(0, 32), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    await subtle.sign('HMAC', hk, canonical)
    await subtle.digest('SHA-256', canonical)
    return canonical
  }

  // --- ~2 KB resource ---
  await ctx.ops('seal ~2 KB resource, 1 recipient', () => seal(resource, { recipients: one }))
  await ctx.ops('seal ~2 KB resource, 1 recipient (by hand)', () => peerSealBytes(canonicalizeToBytes(resource), 1), {
    peer: `${HPKE} + WebCrypto`,
  })
  await ctx.ops('seal ~2 KB resource, 10 recipients', () => seal(resource, { recipients: parties }))
  await ctx.ops(
    'seal ~2 KB resource, 10 recipients (by hand)',
    () => peerSealBytes(canonicalizeToBytes(resource), 10),
    {
      peer: `${HPKE} + WebCrypto`,
    },
  )
  const s1 = await seal(resource, { recipients: one })
  const s10 = await seal(resource, { recipients: parties })
  const p1 = await peerSealBytes(small, 1)
  await ctx.ops('open ~2 KB resource, 1 recipient', () => open(s1.envelope, one[0]!))
  await ctx.ops('open ~2 KB resource, 10-recipient envelope', () => open(s10.envelope, parties[7]!))
  await ctx.ops(
    'open ~2 KB resource (by hand)',
    async () => JSON.parse(new TextDecoder().decode(await peerOpenBytes(p1))),
    {
      peer: `${HPKE} + WebCrypto`,
    },
  )

  // --- ~1 MiB payload ---
  await ctx.throughput('seal ~1 MiB value (canonicalize + seal), 1 recipient', big.length, () =>
    seal(bigValue, { recipients: one }),
  )
  await ctx.throughput('seal ~1 MiB canonical bytes (sealCanonical), 1 recipient', big.length, () =>
    sealCanonical(big, { recipients: one }),
  )
  await ctx.throughput('seal ~1 MiB canonical bytes (by hand)', big.length, () => peerSealBytes(big, 1), {
    peer: `${HPKE} + WebCrypto`,
  })
  const sBig = await sealCanonical(big, { recipients: one })
  const pBig = await peerSealBytes(big, 1)
  await ctx.throughput('open ~1 MiB (openCanonical, no JSON.parse)', big.length, () =>
    openCanonical(sBig.envelope, one[0]!),
  )
  await ctx.throughput('open ~1 MiB (open, with JSON.parse)', big.length, () => open(sBig.envelope, one[0]!))
  await ctx.throughput('open ~1 MiB canonical bytes (by hand)', big.length, () => peerOpenBytes(pBig), {
    peer: `${HPKE} + WebCrypto`,
  })

  // --- the floor under a 1 MiB seal: each WebCrypto pass it makes, alone, on the same bytes ---
  // A seal encrypts (AES-256-GCM), commits (HMAC-SHA256 keyed by the salt) and names (SHA-256 for the CID) the
  // canonical bytes; these three figures bound what any composition of them can reach on this machine.
  const webcrypto = globalThis.crypto.subtle
  const aesKey = await webcrypto.importKey('raw', new Uint8Array(32).fill(1), 'AES-GCM', false, ['encrypt'])
  const hmacKey = await webcrypto.importKey(
    'raw',
    new Uint8Array(32).fill(2),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  const iv = new Uint8Array(12)
  await ctx.throughput('WebCrypto AES-256-GCM encrypt alone, ~1 MiB', big.length, () =>
    webcrypto.encrypt({ name: 'AES-GCM', iv }, aesKey, big),
  )
  await ctx.throughput('WebCrypto HMAC-SHA256 alone, ~1 MiB', big.length, () => webcrypto.sign('HMAC', hmacKey, big))
  await ctx.throughput('WebCrypto SHA-256 alone, ~1 MiB', big.length, () => webcrypto.digest('SHA-256', big))

  // --- key wrap (HPKE single-shot seal/open of a 32-byte data key) ---
  const dk = new Uint8Array(32).fill(7)
  const r = parties[0]!
  await ctx.ops('HPKE key wrap (seal 32 B)', () =>
    envelopeSuite.seal({ recipientPublicKey: r.encryptionPublicKey, info, aad: header, plaintext: dk }),
  )
  await ctx.ops(
    'HPKE key wrap (seal 32 B)',
    () => peer.seal({ recipientPublicKey: peerKeys[0]!.pk, info: ab(info) }, ab(dk), ab(header)),
    {
      peer: HPKE,
    },
  )
  const w = await envelopeSuite.seal({ recipientPublicKey: r.encryptionPublicKey, info, aad: header, plaintext: dk })
  const recipientKey = { secretKey: r.encryptionSecretKey, publicKey: r.encryptionPublicKey }
  await ctx.ops('HPKE key unwrap (open 32 B)', () =>
    envelopeSuite.open({ enc: w.enc, recipientKey, info, aad: header, ciphertext: w.ciphertext }),
  )
  const pw = await peer.seal({ recipientPublicKey: peerKeys[0]!.pk, info: ab(info) }, ab(dk), ab(header))
  await ctx.ops(
    'HPKE key unwrap (open 32 B)',
    () => peer.open({ recipientKey: peerKeys[0]!.sk, enc: pw.enc, info: ab(info) }, pw.ct, ab(header)),
    {
      peer: HPKE,
    },
  )

  // --- the same comparisons, interleaved (fair under load) ---
  const wrapOurs = () =>
    envelopeSuite.seal({ recipientPublicKey: r.encryptionPublicKey, info, aad: header, plaintext: dk })
  const wrapTheirs = () => peer.seal({ recipientPublicKey: peerKeys[0]!.pk, info: ab(info) }, ab(dk), ab(header))
  await interleaved(ctx, 'HPKE key wrap (seal 32 B)', wrapOurs, wrapTheirs, HPKE, 400)
  await interleaved(
    ctx,
    'HPKE key unwrap (open 32 B)',
    () => envelopeSuite.open({ enc: w.enc, recipientKey, info, aad: header, ciphertext: w.ciphertext }),
    () => peer.open({ recipientKey: peerKeys[0]!.sk, enc: pw.enc, info: ab(info) }, pw.ct, ab(header)),
    HPKE,
    400,
  )
  await interleaved(
    ctx,
    'seal ~2 KB resource, 1 recipient',
    () => seal(resource, { recipients: one }),
    () => peerSealBytes(canonicalizeToBytes(resource), 1),
    `${HPKE} + WebCrypto`,
    300,
  )
  await interleaved(
    ctx,
    'open ~2 KB resource, 1 recipient',
    () => open(s1.envelope, one[0]!),
    async () => JSON.parse(new TextDecoder().decode(await peerOpenBytes(p1))),
    `${HPKE} + WebCrypto`,
    300,
  )
  const rounds = 40
  let oursMs = 0
  let theirsMs = 0
  for (let i = 0; i < rounds; i++) {
    let t = performance.now()
    await sealCanonical(big, { recipients: one })
    oursMs += performance.now() - t
    t = performance.now()
    await peerSealBytes(big, 1)
    theirsMs += performance.now() - t
  }
  ctx.record({
    name: 'seal ~1 MiB canonical bytes (interleaved)',
    value: (big.length * rounds) / 1e3 / oursMs,
    unit: 'MB/s',
  })
  ctx.record({
    name: 'seal ~1 MiB canonical bytes (interleaved)',
    value: (big.length * rounds) / 1e3 / theirsMs,
    unit: 'MB/s',
    peer: `${HPKE} + WebCrypto`,
  })
})
