/**
 * Independent implementation check: opens medseal envelopes following docs/spec/envelope.md with ONLY @hpke/core and
 * WebCrypto (no medseal code on the opening path; medseal only seals the inputs).
 */
import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core'
import { expand, extract } from '@noble/hashes/hkdf.js'
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { specExample } from './_specExample.js'

// --- helpers written from scratch for this test ---
const te = new TextEncoder()
const hex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => Number.parseInt(b, 16))
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
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
const hmac = async (key: Uint8Array, msg: Uint8Array) =>
  new Uint8Array(
    await crypto.subtle.sign(
      'HMAC',
      await crypto.subtle.importKey('raw', ab(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']),
      ab(msg),
    ),
  )
const sha256 = async (b: Uint8Array) => new Uint8Array(await crypto.subtle.digest('SHA-256', ab(b)))
const base32 = (bytes: Uint8Array) => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567'
  let bits = 0
  let acc = 0
  let out = ''
  for (const b of bytes) {
    acc = (acc << 8) | b
    bits += 8
    while (bits >= 5) {
      out += alphabet[(acc >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += alphabet[(acc << (5 - bits)) & 31]
  return out
}

/** docs/spec/envelope.md §12.3: a vault wrap, opened with HKDF (@noble/hashes) and WebCrypto AES-GCM. */
async function unwrapVault(header: Uint8Array, entries: Uint8Array[], vaultSecret: Uint8Array): Promise<Uint8Array> {
  const prk = extract(nobleSha256, vaultSecret, te.encode('medseal/envelope/v2/vault'))
  const keyId = expand(nobleSha256, prk, te.encode('medseal/envelope/v2/vault-key-id'), 32)
  const e = entries.find((x) => x[0] === 0x02 && toHex(x.subarray(1, 33)) === toHex(keyId))
  if (!e) throw new Error('not a recipient')
  const info = cat(te.encode('medseal/envelope/v2/vault-wrap'), header.subarray(0, 27), keyId, e.subarray(33, 65))
  const wrapKey = await crypto.subtle.importKey('raw', ab(expand(nobleSha256, prk, info, 32)), 'AES-GCM', false, [
    'decrypt',
  ])
  return new Uint8Array(
    await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: new ArrayBuffer(12), additionalData: ab(cat(header, keyId)) },
      wrapKey,
      ab(e.subarray(65, 113)),
    ),
  )
}

type Opener = { skR: Uint8Array; pkR: Uint8Array } | { vaultSecret: Uint8Array }

/** docs/spec/envelope.md §6, §11 and §12, step by step. */
async function openEnvelope(env: Uint8Array, skR: Uint8Array, pkR: Uint8Array) {
  return openWith(env, { skR, pkR })
}

async function openWith(env: Uint8Array, opener: Opener) {
  const header = env.subarray(0, 71)
  const version = header[4]
  if (toHex(header.subarray(0, 4)) !== '4d534556' || (version !== 1 && version !== 2 && version !== 3))
    throw new Error('bad magic')
  if (toHex(header.subarray(5, 11)) !== '002000010002') throw new Error('bad suite')
  const size = version === 1 ? 112 : 113
  const n = ((env[71] as number) << 8) | (env[72] as number)
  const entries = Array.from({ length: n }, (_, i) => env.subarray(73 + size * i, 73 + size * (i + 1)))
  const { dataKey, o } = {
    dataKey:
      'vaultSecret' in opener
        ? await unwrapVault(header, entries, opener.vaultSecret)
        : await unwrapHpke(header, entries, version, opener),
    o: 73 + size * n,
  }
  return decryptWith(env, header, dataKey, o, version)
}

async function unwrapHpke(
  header: Uint8Array,
  entries: Uint8Array[],
  version: number | undefined,
  { skR, pkR }: { skR: Uint8Array; pkR: Uint8Array },
) {
  const kid = await sha256(cat(te.encode('medseal/envelope/v1/key-id'), new Uint8Array([0x00, 0x20]), pkR))
  let entry: Uint8Array | undefined
  for (const e of entries) {
    const body = version === 1 ? e : e[0] === 0x01 ? e.subarray(1) : undefined
    if (body && toHex(body.subarray(0, 32)) === toHex(kid)) entry = body
  }
  if (!entry) throw new Error('not a recipient')
  const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() })
  const dataKey = new Uint8Array(
    await suite.open(
      {
        recipientKey: await suite.kem.importKey('raw', ab(skR), false),
        enc: ab(entry.subarray(32, 64)),
        info: ab(cat(te.encode('medseal/envelope/v1/wrap'), header.subarray(0, 27))),
      },
      ab(entry.subarray(64, 112)),
      ab(cat(header, kid)),
    ),
  )
  return dataKey
}

async function decryptWith(env: Uint8Array, header: Uint8Array, dataKey: Uint8Array, o: number, version: number) {
  const kc = await hmac(dataKey, cat(te.encode('medseal/envelope/v1/key-commitment'), header.subarray(11, 39)))
  if (toHex(kc) !== toHex(header.subarray(39, 71))) throw new Error('key commitment mismatch')
  const len = new DataView(env.buffer, env.byteOffset + o, 4).getUint32(0)
  if (env.length !== o + 4 + len) throw new Error('bad length')
  const plaintext = new Uint8Array(
    await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: ab(header.subarray(27, 39)), additionalData: ab(header) },
      await crypto.subtle.importKey('raw', ab(dataKey), 'AES-GCM', false, ['decrypt']),
      ab(env.subarray(o + 4, o + 4 + len)),
    ),
  )
  // versions 1 and 2: salt || C (§3); version 3: C, and the salt from the data key (§15.2, §17)
  const salt =
    version === 3
      ? await hmac(dataKey, cat(te.encode('medseal/envelope/v3/salt'), header.subarray(11, 39)))
      : plaintext.subarray(0, 32)
  const canonical = version === 3 ? plaintext : plaintext.subarray(32)
  const digest = await sha256(canonical)
  const cid = `b${base32(cat(new Uint8Array([0x01, 0x80, 0x04, 0x12, 0x20]), digest))}`
  // §5 (versions 1 and 2) and §15 (version 3)
  const commitment =
    version === 3
      ? await hmac(cat(salt, te.encode('medseal/envelope/v3/commitment')), digest)
      : await hmac(salt, canonical)
  return { canonical, salt, commitment, contentId: cid }
}

describe('independent implementation (@hpke/core + WebCrypto) following docs/spec/envelope.md', () => {
  it('opens the worked example', async () => {
    const ex = specExample()
    const out = await openEnvelope(hex(ex.envelope!), hex(ex.recipient_sk!), hex(ex.recipient_pk!))
    expect(new TextDecoder().decode(out.canonical)).toBe(ex.canonical)
    expect(toHex(out.commitment)).toBe(ex.commitment)
    expect(out.contentId).toBe(ex.content_id)
  })

  it('opens fresh multi-recipient envelopes sealed by medseal (production randomness)', async () => {
    const { seal } = await import('./seal.js')
    const { encodeEnvelope } = await import('./encodeEnvelope.js')
    const { testParty } = await import('./_testParties.js')
    const parties = [testParty(), testParty(), testParty()]
    const value = { resourceType: 'Patient', id: 'p1', name: [{ family: 'Doe', given: ['Jo'] }], birthDate: '1970' }
    for (const version of [1, 2, 3] as const) {
      const { envelope, commitment, contentId } = await seal(value, { recipients: parties, version })
      const bytes = encodeEnvelope(envelope)
      expect(bytes[4]).toBe(version)
      for (const p of parties) {
        const out = await openEnvelope(bytes, p.encryptionSecretKey, p.encryptionPublicKey)
        expect(JSON.parse(new TextDecoder().decode(out.canonical))).toEqual(value)
        expect(toHex(out.commitment)).toBe(toHex(commitment))
        expect(out.contentId).toBe(contentId.toString())
      }
    }
  })
})

describe('independent implementation of version 2 (@hpke/core, @noble/hashes HKDF, WebCrypto)', () => {
  it('opens the version 2 worked example through its vault wrap and through its HPKE wrap', async () => {
    const ex = specExample('v2')
    const env = hex(ex.envelope!)
    for (const opener of [
      { vaultSecret: hex(ex.vault_secret!) },
      { skR: hex(ex.recipient_sk!), pkR: hex(ex.recipient_pk!) },
    ]) {
      const out = await openWith(env, opener)
      expect(new TextDecoder().decode(out.canonical)).toBe(ex.canonical)
      expect(toHex(out.commitment)).toBe(ex.commitment)
      expect(out.contentId).toBe(ex.content_id)
    }
  })

  it('opens fresh vault envelopes sealed by medseal (production randomness)', async () => {
    const { seal } = await import('./seal.js')
    const { encodeEnvelope } = await import('./encodeEnvelope.js')
    const { createVaultKey } = await import('./createVaultKey.js')
    const secrets = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)]
    const value = { resourceType: 'Observation', id: 'o1', status: 'final' }
    for (const version of [2, 3] as const) {
      const { envelope, commitment } = await seal(value, {
        recipients: secrets.map((secret) => createVaultKey({ secret })),
        version,
      })
      for (const vaultSecret of secrets) {
        const out = await openWith(encodeEnvelope(envelope), { vaultSecret })
        expect(JSON.parse(new TextDecoder().decode(out.canonical))).toEqual(value)
        expect(toHex(out.commitment)).toBe(toHex(commitment))
      }
    }
  })
})

describe('independent implementation of version 3 (@hpke/core, @noble/hashes HKDF, WebCrypto)', () => {
  it('opens the version 3 worked example through its vault wrap and through its HPKE wrap (§17)', async () => {
    const ex = specExample('v3')
    const env = hex(ex.envelope!)
    expect(env[4]).toBe(3)
    for (const opener of [
      { vaultSecret: hex(ex.vault_secret!) },
      { skR: hex(ex.recipient_sk!), pkR: hex(ex.recipient_pk!) },
    ]) {
      const out = await openWith(env, opener)
      expect(new TextDecoder().decode(out.canonical)).toBe(ex.canonical)
      expect(toHex(out.salt)).toBe(ex.salt)
      expect(toHex(out.commitment)).toBe(ex.commitment)
      expect(out.contentId).toBe(ex.content_id)
    }
  })

  it('a version 3 commitment is not the version 1 commitment of the same salt and bytes, nor of label || digest', async () => {
    const ex = specExample('v3')
    const salt = hex(ex.salt!)
    const canonical = te.encode(ex.canonical!)
    const digest = await sha256(canonical)
    expect(toHex(await hmac(salt, canonical))).not.toBe(ex.commitment)
    expect(toHex(await hmac(salt, cat(te.encode('medseal/envelope/v3/commitment'), digest)))).not.toBe(ex.commitment)
  })
})
