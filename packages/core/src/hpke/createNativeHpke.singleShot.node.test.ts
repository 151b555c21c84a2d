import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bytesToHex, utf8ToBytes } from '../bytes/index.js'
import { isSdkError } from '../errors/base.js'
import { aes256Gcm } from './aead.js'
import { createHpkeSuite } from './createHpkeSuite.js'
import { _nativeAesGcm, _withSingleShot, INFO_HASH_MAX_INPUT, INFO_HASHES_MAX } from './createNativeHpke.js'
import { hkdfSha256 } from './kdf.js'
import { dhkemX25519HkdfSha256 } from './kem.js'
import type { HpkeKdf } from './types.js'

const INFO_HASH = utf8ToBytes('info_hash')
const hasLabel = (ikm: Uint8Array, label: Uint8Array) => bytesToHex(ikm).includes(bytesToHex(label))

/** The default suite over a KDF that counts the `info_hash` extracts it is asked for, and its single-shot twin. */
function counted() {
  const counter = { infoHashes: 0 }
  const kdf: HpkeKdf = Object.freeze({
    ...hkdfSha256,
    extract(salt: Uint8Array, ikm: Uint8Array) {
      if (hasLabel(ikm, INFO_HASH)) counter.infoHashes++
      return hkdfSha256.extract(salt, ikm)
    },
    expand: hkdfSha256.expand,
  })
  const generic = createHpkeSuite({ kem: dhkemX25519HkdfSha256, kdf, aead: aes256Gcm })
  return { counter, generic, fast: _withSingleShot(generic, _nativeAesGcm()) }
}

const fixedRandom = (seed: number) => (n: number) => new Uint8Array(n).fill(seed)
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (isSdkError(e) ? e.code : String(e)),
  )

describe('the native suite’s single-shot seal and open (base mode)', () => {
  it('computes the generic path’s bytes, and each opens the other’s (any info, aad, plaintext)', async () => {
    const { generic, fast } = counted()
    const recipient = await generic.kem.generateKeyPair()
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: INFO_HASH_MAX_INPUT + 40 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.integer({ min: 1, max: 255 }),
        async (info, aad, plaintext, seed) => {
          const params = {
            recipientPublicKey: recipient.publicKey,
            info,
            aad,
            plaintext,
            randomBytes: fixedRandom(seed),
          }
          const a = await fast.seal(params)
          const b = await generic.seal(params)
          expect([bytesToHex(a.enc), bytesToHex(a.ciphertext)]).toEqual([bytesToHex(b.enc), bytesToHex(b.ciphertext)])
          const opened = await fast.open({ enc: b.enc, recipientKey: recipient, info, aad, ciphertext: b.ciphertext })
          expect(bytesToHex(opened)).toBe(bytesToHex(plaintext))
          const back = await generic.open({ enc: a.enc, recipientKey: recipient, info, aad, ciphertext: a.ciphertext })
          expect(bytesToHex(back)).toBe(bytesToHex(plaintext))
        },
      ),
      { numRuns: 60 },
    )
  })

  it('remembers an info’s hash (a hit computes nothing), computes a new one (a miss), and is bounded', async () => {
    const { counter, fast } = counted()
    const r = await fast.kem.generateKeyPair()
    const seal = (info: Uint8Array) =>
      fast.seal({ recipientPublicKey: r.publicKey, info, plaintext: new Uint8Array(32) })
    const info = (i: number) => utf8ToBytes(`info ${i}`)
    await seal(info(0))
    expect(counter.infoHashes).toBe(1)
    const { enc, ciphertext } = await seal(info(0))
    expect(counter.infoHashes).toBe(1) // hit
    expect((await fast.open({ enc, recipientKey: r, info: info(0), ciphertext })).length).toBe(32)
    expect(counter.infoHashes).toBe(1) // the recipient's side shares the memo
    await seal(info(1))
    expect(counter.infoHashes).toBe(2) // miss
    for (let i = 2; i <= INFO_HASHES_MAX; i++) await seal(info(i))
    expect(counter.infoHashes).toBe(INFO_HASHES_MAX + 1)
    await seal(info(0)) // the oldest was dropped to keep the bound
    expect(counter.infoHashes).toBe(INFO_HASHES_MAX + 2)
    await seal(info(INFO_HASHES_MAX))
    expect(counter.infoHashes).toBe(INFO_HASHES_MAX + 2)
  })

  it('never remembers a long info (hashed every time, still right)', async () => {
    const { counter, fast, generic } = counted()
    const r = await fast.kem.generateKeyPair()
    const info = new Uint8Array(INFO_HASH_MAX_INPUT + 1).fill(7)
    const { enc, ciphertext } = await fast.seal({ recipientPublicKey: r.publicKey, info, plaintext: Uint8Array.of(1) })
    await fast.seal({ recipientPublicKey: r.publicKey, info, plaintext: Uint8Array.of(1) })
    expect(counter.infoHashes).toBe(2)
    expect([...(await generic.open({ enc, recipientKey: r, info, ciphertext }))]).toEqual([1])
  })

  it('refuses what the generic path refuses: a changed info, aad, tag or enc; a short ciphertext; bad arguments', async () => {
    const { fast } = counted()
    const r = await fast.kem.generateKeyPair()
    const info = utf8ToBytes('info')
    const aad = utf8ToBytes('aad')
    const { enc, ciphertext } = await fast.seal({
      recipientPublicKey: r.publicKey,
      info,
      aad,
      plaintext: Uint8Array.of(5),
    })
    const open = (p: Partial<Parameters<typeof fast.open>[0]>) =>
      outcome(fast.open({ enc, recipientKey: r, info, aad, ciphertext, ...p }))
    expect(await open({})).toBe('ok')
    expect(await open({ info: utf8ToBytes('other') })).toBe('DECRYPT_FAILED')
    expect(await open({ aad: utf8ToBytes('other') })).toBe('DECRYPT_FAILED')
    const flipped = ciphertext.slice()
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 1
    expect(await open({ ciphertext: flipped })).toBe('DECRYPT_FAILED')
    expect(await open({ enc: (await fast.kem.generateKeyPair()).publicKey })).toBe('DECRYPT_FAILED')
    expect(await open({ ciphertext: new Uint8Array(15) })).toBe('DECRYPT_FAILED')
    expect(await open({ recipientKey: null as never })).toBe('INVALID_TYPE')
    expect(await open({ ciphertext: 'x' as never })).toBe('INVALID_TYPE')
    expect(await outcome(fast.seal({ recipientPublicKey: r.publicKey, plaintext: 'x' as never }))).toBe('INVALID_TYPE')
    expect(await outcome(fast.seal(null as never))).toBe('INVALID_TYPE')
  })

  it('leaves the psk and auth modes to the generic path (same results)', async () => {
    const { fast, generic } = counted()
    const r = await fast.kem.generateKeyPair()
    const s = await fast.kem.generateKeyPair()
    const psk = new Uint8Array(32).fill(3)
    const pskId = utf8ToBytes('id')
    const sealed = await fast.seal({
      recipientPublicKey: r.publicKey,
      psk,
      pskId,
      senderKey: s,
      plaintext: Uint8Array.of(9),
    })
    const opened = await generic.open({ ...sealed, recipientKey: r, psk, pskId, senderPublicKey: s.publicKey })
    expect([...opened]).toEqual([9])
    const back = await fast.open({ ...sealed, recipientKey: r, psk, pskId, senderPublicKey: s.publicKey })
    expect([...back]).toEqual([9])
    expect(await outcome(fast.open({ ...sealed, recipientKey: r, psk, pskId }))).toBe('DECRYPT_FAILED')
  })
})
