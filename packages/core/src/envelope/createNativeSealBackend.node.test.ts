/**
 * `createNativeSealBackend` (`@medseal/core/node`): a seal on node:crypto is byte for byte the default seal from the
 * same randomness (every version, HPKE and vault recipients, both digest sizes), opens with the default path, writes
 * the spec's worked examples exactly, and a bad backend is `INVALID_TYPE`; with `hash: 'helper-thread'` (SHA-256 of
 * large payloads on a helper thread) the bytes are the same.
 */
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { bytesToHex, hexToBytes } from '../bytes/index.js'
import { canonicalizeToBytes } from '../canonical/canonicalize.js'
import { isSdkError } from '../errors/base.js'
import { chacha20Poly1305 } from '../hpke/aead.js'
import { createHpkeSuite } from '../hpke/createHpkeSuite.js'
import { hkdfSha256 } from '../hpke/kdf.js'
import { dhkemX25519HkdfSha256 } from '../hpke/kem.js'
import { envelopeSuite } from './_internal.js'
import { specExample } from './_specExample.js'
import { testParty } from './_testParties.js'
import { computeCommitment } from './computeCommitment.js'
import { createNativeSealBackend } from './createNativeSealBackend.js'
import { createVaultKey } from './createVaultKey.js'
import { encodeEnvelope } from './encodeEnvelope.js'
import { openCanonical } from './open.js'
import { seal, sealCanonical } from './seal.js'
import type { SealBackend } from './types.js'

const backend = createNativeSealBackend() as SealBackend
const nativeBackend = backend
const overlapped = createNativeSealBackend({ cipher: 'webcrypto' }) as SealBackend
const hashThread = createNativeSealBackend({ hash: 'helper-thread' }) as SealBackend
const threeThreads = createNativeSealBackend({ hash: 'helper-thread', cipher: 'webcrypto' }) as SealBackend
const parties = [testParty(), testParty(), testParty()]
const vault = createVaultKey({ secret: new Uint8Array(32).fill(9) })

/** Randomness from a seed: byte values seed, seed+1, … continuing across calls (the same stream twice). */
const streamFrom = (seed: number) => {
  let next = seed
  return (n: number) => Uint8Array.from({ length: n }, () => next++ & 0xff)
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p
  } catch (err) {
    return isSdkError(err) ? err.code : `foreign:${String(err)}`
  }
  return undefined
}

describe('createNativeSealBackend', () => {
  it('is a frozen node:crypto backend whose HPKE suite is native', async () => {
    expect(backend).toBeDefined()
    expect(Object.isFrozen(backend)).toBe(true)
    expect(backend.hpke.kem.backend).toBe('native')
    expect(bytesToHex(backend.sha256(new Uint8Array(0)) as Uint8Array)).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    )
    // the digests are SDK-owned Uint8Arrays, not node Buffers
    expect(Object.getPrototypeOf(backend.sha256(Uint8Array.of(1)))).toBe(Uint8Array.prototype)
    expect(Object.getPrototypeOf(backend.hmacSha256(Uint8Array.of(1), Uint8Array.of(2)))).toBe(Uint8Array.prototype)
    // cipher: 'webcrypto': the default suite's AES-256-GCM (WebCrypto), native X25519, hashes after the encrypt starts
    expect(Object.isFrozen(overlapped)).toBe(true)
    expect(overlapped.hpke.kem.backend).toBe('native')
    expect(overlapped.hpke.aead.backend).not.toBe('native')
    const later = overlapped.sha256(new Uint8Array(0)) as Promise<Uint8Array>
    expect(later).toBeInstanceOf(Promise)
    expect(bytesToHex(await later)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  })

  it('INVALID_ARGUMENT for an unknown cipher', () => {
    for (const cipher of ['noble', 1, 'WebCrypto'])
      try {
        createNativeSealBackend({ cipher: cipher as never })
        expect.unreachable()
      } catch (err) {
        expect(isSdkError(err) && err.code).toBe('INVALID_ARGUMENT')
      }
    expect(createNativeSealBackend({ cipher: undefined })?.hpke.aead.backend).toBe('native')
  })

  it('INVALID_ARGUMENT for an unknown hash', () => {
    for (const params of [{ hash: 'worker' }, { hash: true }, { hash: 'helper-thread', cipher: 'WebCrypto' }] as const)
      try {
        createNativeSealBackend(params as never)
        expect.unreachable()
      } catch (err) {
        expect(isSdkError(err) && err.code).toBe('INVALID_ARGUMENT')
      }
    expect(Object.isFrozen(hashThread)).toBe(true)
    expect(createNativeSealBackend({ hash: 'calling-thread' })?.sha256(Uint8Array.of(1))).toBeInstanceOf(Uint8Array)
  })

  test.prop(
    [
      fc.oneof(
        fc.uint8Array({ minLength: 1, maxLength: 400 }),
        fc.uint8Array({ minLength: 17_000, maxLength: 40_000 }),
      ),
      fc.constantFrom(1, 2, 3 as const),
      fc.integer({ min: 1, max: 3 }),
      fc.boolean(),
      fc.integer({ min: 0, max: 255 }),
      fc.boolean(),
    ],
    { numRuns: 40 },
  )(
    'seals byte for byte what the default seal makes from the same randomness, and opens with the default path',
    async (payload, version, hpkeCount, withVault, seed, webCryptoCipher) => {
      const backend = webCryptoCipher ? overlapped : nativeBackend
      const canonical = canonicalizeToBytes(bytesToHex(payload))
      const recipients = [...parties.slice(0, hpkeCount), ...(withVault && version !== 1 ? [vault] : [])]
      const byDefault = await sealCanonical(canonical, { recipients, version, randomBytes: streamFrom(seed) })
      const native = await sealCanonical(canonical, { recipients, version, randomBytes: streamFrom(seed), backend })
      expect(bytesToHex(encodeEnvelope(native.envelope))).toBe(bytesToHex(encodeEnvelope(byDefault.envelope)))
      expect(bytesToHex(native.commitment)).toBe(bytesToHex(byDefault.commitment))
      expect(native.contentId.toString()).toBe(byDefault.contentId.toString())
      const opened = await openCanonical(native.envelope, parties[0] as (typeof parties)[0])
      expect(bytesToHex(opened.canonical)).toBe(bytesToHex(canonical))
      expect(opened.version).toBe(version)
      expect(bytesToHex(computeCommitment(opened.salt, canonical, { version }))).toBe(bytesToHex(native.commitment))
    },
  )

  it('large payloads (encrypted in parts) seal the same bytes, one after the other and several at once', async () => {
    const big = canonicalizeToBytes({ resourceType: 'Binary', data: 'QUJD'.repeat(90_000) })
    expect(big.length).toBeGreaterThan(256 * 1024)
    const same = async (version: 1 | 2 | 3, seed: number) => {
      const params = { recipients: [parties[0]!, ...(version === 1 ? [] : [vault])], version } as const
      // the native backend hashing on the calling thread, and on the helper thread (the SHA-256 of version 3)
      const [a, b, c, d] = await Promise.all([
        sealCanonical(big, { ...params, randomBytes: streamFrom(seed), backend }),
        sealCanonical(big, { ...params, randomBytes: streamFrom(seed) }),
        sealCanonical(big, { ...params, randomBytes: streamFrom(seed), backend: hashThread }),
        sealCanonical(big, { ...params, randomBytes: streamFrom(seed), backend: threeThreads }),
      ])
      for (const x of [a, c, d]) {
        expect(bytesToHex(encodeEnvelope(x.envelope))).toBe(bytesToHex(encodeEnvelope(b.envelope)))
        expect(bytesToHex(x.commitment)).toBe(bytesToHex(b.commitment))
        expect(x.contentId.toString()).toBe(b.contentId.toString())
      }
    }
    for (let i = 0; i < 6; i++) await same(([1, 2, 3] as const)[i % 3] as 1 | 2 | 3, i)
    await Promise.all([3, 3, 2, 3].map((v, i) => same(v as 2 | 3, 10 + i)))
    for (const b of [backend, hashThread]) {
      const sealed = await sealCanonical(big, { recipients: [parties[2]!], version: 3, backend: b })
      expect(bytesToHex((await openCanonical(sealed.envelope, parties[2]!)).canonical)).toBe(bytesToHex(big))
    }
  })

  it('seals with fresh randomness (the native HPKE ephemeral keys) to every recipient', async () => {
    for (const version of [1, 2, 3] as const) {
      const recipients = version === 1 ? parties : [...parties, vault]
      const sealed = await seal({ resourceType: 'Patient', id: 'p1' }, { recipients, version, backend })
      for (const who of recipients) {
        const opened = await openCanonical(sealed.envelope, who)
        expect(opened.commitment).toEqual(sealed.commitment)
        expect(opened.contentId.toString()).toBe(sealed.contentId.toString())
      }
    }
  })

  it('writes the worked examples of docs/spec/envelope.md §10 and §16 exactly', async () => {
    const recipient = dhkemX25519HkdfSha256.deriveKeyPair(new Uint8Array(32).fill(0xa5))
    const v1 = specExample('v1')
    const one = await seal(JSON.parse(v1.value as string), {
      recipients: [{ encryptionPublicKey: recipient.publicKey }],
      version: 1,
      randomBytes: streamFrom(0),
      backend,
    })
    expect(bytesToHex(encodeEnvelope(one.envelope))).toBe(v1.envelope)
    expect(bytesToHex(one.commitment)).toBe(v1.commitment)
    const v3 = specExample('v3')
    const three = await seal(
      { resourceType: 'Observation', id: 'example', status: 'final', valueQuantity: { value: 72, unit: '/min' } },
      {
        recipients: [createVaultKey({ secret: hexToBytes(v3.vault_secret as string) }), recipient.publicKey].map((r) =>
          r instanceof Uint8Array ? { encryptionPublicKey: r } : r,
        ),
        version: 3,
        randomBytes: streamFrom(0),
        backend,
      },
    )
    expect(bytesToHex(encodeEnvelope(three.envelope))).toBe(v3.envelope)
    expect(bytesToHex(three.commitment)).toBe(v3.commitment)
  })

  it('INVALID_TYPE for anything but a backend; undefined is the default', async () => {
    const canonical = canonicalizeToBytes({ a: 1 })
    const otherSuite = createHpkeSuite({ kem: dhkemX25519HkdfSha256, kdf: hkdfSha256, aead: chacha20Poly1305 })
    for (const bad of [
      null,
      {},
      'native',
      { ...backend, sha256: undefined },
      { ...backend, hmacSha256: 1 },
      { ...backend, hpke: otherSuite },
      { sha256: backend.sha256, hmacSha256: backend.hmacSha256 },
    ])
      expect(
        await codeOf(sealCanonical(canonical, { recipients: [parties[0]!], backend: bad as unknown as SealBackend })),
      ).toBe('INVALID_TYPE')
    const plain = await sealCanonical(canonical, { recipients: [parties[0]!], backend: undefined })
    expect((await openCanonical(plain.envelope, parties[0]!)).version).toBe(1)
  })

  it('a backend with the default HPKE suite (WebCrypto AES-256-GCM) and native digests seals the same bytes', async () => {
    const canonical = canonicalizeToBytes({ resourceType: 'Binary', data: 'A'.repeat(40_000) })
    const mixed: SealBackend = { ...backend, hpke: envelopeSuite }
    const params = { recipients: [parties[1]!, vault], version: 3 } as const
    const a = await sealCanonical(canonical, { ...params, randomBytes: streamFrom(7), backend: mixed })
    const b = await sealCanonical(canonical, { ...params, randomBytes: streamFrom(7) })
    expect(bytesToHex(encodeEnvelope(a.envelope))).toBe(bytesToHex(encodeEnvelope(b.envelope)))
    expect(bytesToHex((await openCanonical(a.envelope, parties[1]!)).canonical)).toBe(bytesToHex(canonical))
  })
})
