import nodeProcess from 'node:process'
import cases from '@vectors/hpke/rfc9180-test-vectors.json'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { bytesToHex, hexToBytes } from '../bytes/index.js'
import { createMemoryLedger } from '../consent/_testLedger.js'
import { isEnvelopeHpke } from '../envelope/_internal.js'
import { open } from '../envelope/open.js'
import { seal } from '../envelope/seal.js'
import { unwrapDataKey } from '../envelope/unwrapDataKey.js'
import { wrapDataKey } from '../envelope/wrapDataKey.js'
import { isSdkError } from '../errors/base.js'
import { createParty } from '../identity/createParty.js'
import { describeHpkeConformance } from '../testing/hpkeConformance.js'
import { createReleaseFixture } from '../testing/releaseFixture.js'
import { keySchedule } from './_context.js'
import { aes128Gcm, chacha20Poly1305 } from './aead.js'
import { createHpkeSuite } from './createHpkeSuite.js'
import { createNativeHpke } from './createNativeHpke.js'
import { hkdfSha256 } from './kdf.js'
import type { HpkeAead } from './types.js'

const native = createNativeHpke()

it('is native here (Node 20+ has X25519 in node:crypto), frozen', () => {
  expect([native.kem.backend, native.aead.backend]).toEqual(['native', 'native'])
  expect(Object.isFrozen(native)).toBe(true)
  expect(isEnvelopeHpke(native)).toBe(true)
})

describeHpkeConformance('node:crypto (native)', native)

type Vector = {
  mode: number
  kem_id: number
  aead_id: number
  info: string
  ikmR: string
  ikmE: string
  ikmS?: string
  pkRm: string
  psk?: string
  psk_id?: string
  enc: string
  shared_secret: string
  key: string
  base_nonce: string
  exporter_secret: string
  encryptions: { aad: string; ct: string; pt: string }[]
  exports: { exporter_context: string; L: number; exported_value: string }[]
}

describe('RFC 9180 test vectors, DHKEM(X25519) on the native KEM and KDF (every mode, every AEAD in the file)', () => {
  const h = hexToBytes
  const x = bytesToHex
  const vectors = (cases as Vector[]).filter((v) => v.kem_id === 0x20)
  const aeads: Record<number, HpkeAead> = { 1: aes128Gcm, 2: native.aead, 3: chacha20Poly1305 }
  it('has X25519 vectors, three with AES-256-GCM', () => {
    expect(vectors.filter((v) => v.aead_id === 2).length).toBe(3)
  })
  it.each(vectors.map((v) => ({ ...v, label: `mode ${v.mode} aead ${v.aead_id}` })))('$label', async (v) => {
    const kem = native.kem
    const aead = aeads[v.aead_id] as HpkeAead
    const suite = v.aead_id === 2 ? native : createHpkeSuite({ kem, kdf: native.kdf, aead })
    const kpR = kem.deriveKeyPair(h(v.ikmR))
    expect(x(kpR.publicKey)).toBe(v.pkRm)
    const kpS = v.ikmS ? kem.deriveKeyPair(h(v.ikmS)) : undefined
    const psk = h(v.psk ?? '')
    const pskId = h(v.psk_id ?? '')
    const ks = keySchedule(
      { kdf: native.kdf, aead, suiteId: suite.suiteId },
      v.mode,
      h(v.shared_secret),
      h(v.info),
      psk,
      pskId,
    )
    expect([x(ks.key), x(ks.baseNonce), x(ks.exporterSecret)]).toEqual([v.key, v.base_nonce, v.exporter_secret])
    const once = () => {
      let used = false
      return (n: number) => {
        if (used || n !== 32) throw new Error('unexpected randomBytes call')
        used = true
        return h(v.ikmE)
      }
    }
    const modeInputs = v.psk ? { psk, pskId } : {}
    const sender = await suite.setupSender({
      recipientPublicKey: kpR.publicKey,
      info: h(v.info),
      senderKey: kpS,
      randomBytes: once(),
      ...modeInputs,
    })
    expect(x(sender.enc)).toBe(v.enc)
    const recipient = await suite.setupRecipient({
      enc: h(v.enc),
      recipientKey: kpR,
      info: h(v.info),
      senderPublicKey: kpS?.publicKey,
      ...modeInputs,
    })
    for (const e of v.encryptions) {
      expect(x(await sender.context.seal(h(e.pt), h(e.aad)))).toBe(e.ct)
      expect(x(await recipient.open(h(e.ct), h(e.aad)))).toBe(e.pt)
    }
    for (const e of v.exports) expect(x(recipient.export(h(e.exporter_context), e.L))).toBe(e.exported_value)
  })
})

describe('the held peer keys (public keys only, bounded)', () => {
  it('the same enc decaps to the same secret every time; a small-order key is refused every time', async () => {
    const r = native.kem.deriveKeyPair(new Uint8Array(32).fill(3))
    const { enc, sharedSecret } = await native.kem.encap(r.publicKey)
    for (let i = 0; i < 3; i++) expect(bytesToHex(await native.kem.decap(enc, r))).toBe(bytesToHex(sharedSecret))
    const small = new Uint8Array(32) // u = 0
    for (let i = 0; i < 3; i++) await expect(native.kem.decap(small, r)).rejects.toMatchObject({ code: 'INVALID_KEY' })
  })

  it('stays right past its bound (1,100 distinct peers, then the first again)', async () => {
    const r = native.kem.deriveKeyPair(new Uint8Array(32).fill(4))
    const first = await native.kem.encap(r.publicKey)
    // any 32 bytes but the few small-order points are an X25519 public key
    for (let i = 0; i < 1100; i++)
      await native.kem.encap(Uint8Array.of(9, i >> 8, i & 255, ...new Uint8Array(29).fill(7)))
    expect(bytesToHex(await native.kem.decap(first.enc, r))).toBe(bytesToHex(first.sharedSecret))
  })
})

describe('in the envelope and the custodian', () => {
  it('a wrap made natively opens with the default', async () => {
    const [a, b] = [createParty(), createParty()]
    const { envelope } = await seal({ resourceType: 'Observation' }, { recipients: [a] })
    const dataKey = await unwrapDataKey(envelope, a)
    const wrap = await wrapDataKey(envelope, dataKey, b, { hpke: native })
    const { value } = await open({ ...envelope, recipients: [wrap] }, b)
    expect(value).toEqual({ resourceType: 'Observation' })
  })

  it('refuses a suite that is not the envelope’s (INVALID_ARGUMENT), in wrapDataKey and createCustodian', async () => {
    const party = createParty()
    const { envelope } = await seal({ resourceType: 'Observation' }, { recipients: [party] })
    const dataKey = await unwrapDataKey(envelope, party)
    const chacha = createHpkeSuite({ kem: native.kem, kdf: hkdfSha256, aead: chacha20Poly1305 })
    for (const hpke of [chacha, {}, 'native'])
      await expect(
        // biome-ignore lint/suspicious/noExplicitAny: a wrong suite on purpose
        wrapDataKey(envelope, dataKey, party, { hpke: hpke as any }).then(
          () => 'ok',
          (e) => (isSdkError(e, 'INVALID_ARGUMENT') ? 'refused' : String(e)),
        ),
      ).resolves.toBe('refused')
    const ledger = createMemoryLedger({ id: 'native-hpke-refused' })
    await expect(
      createReleaseFixture({ ledger, custodian: { hpke: chacha } }).then(
        () => 'ok',
        (e) => (isSdkError(e, 'INVALID_ARGUMENT') ? 'refused' : String(e)),
      ),
    ).resolves.toBe('refused')
  })

  it('a custodian on it deposits, releases, and the requester opens the record; a replay is still refused', async () => {
    const ledger = createMemoryLedger({ id: 'native-hpke-release' })
    const fx = await createReleaseFixture({ ledger, custodian: { hpke: native } })
    const request = await fx.keyRequest()
    const { envelope } = await fx.custodian.releaseKey(request)
    expect((await open(envelope, fx.doctor)).value).toEqual({ resourceType: 'Observation', status: 'final' })
    await expect(fx.custodian.releaseKey(request)).rejects.toMatchObject({ code: 'REQUEST_REPLAYED' })
    // the wrap is the requester's alone: the patient (a recipient of the stored record) is not one of the release
    await expect(open(envelope, fx.patient)).rejects.toMatchObject({ code: 'NOT_A_RECIPIENT' })
  })
})

describe('where node:crypto is missing', () => {
  afterEach(() => vi.restoreAllMocks())
  it('returns the default suite (not native)', () => {
    vi.spyOn(nodeProcess, 'getBuiltinModule').mockReturnValue(undefined as never)
    const fallback = createNativeHpke()
    expect(fallback.kem.backend).not.toBe('native')
    expect(isEnvelopeHpke(fallback)).toBe(true)
  })
})
