import { describe, expect, it } from 'vitest'
import { createMemoryAccessLogStore } from '../accessLog/store.js'
import { bytesToHex0x } from '../bytes/index.js'
import { clockedLedger } from '../consent/_testLedger.js'
import { seal } from '../envelope/seal.js'
import type { Envelope } from '../envelope/types.js'
import { isSdkError } from '../errors/base.js'
import { consentKey } from '../ledger/consentKey.js'
import { createReleaseFixture } from '../testing/releaseFixture.js'
import type { Hex } from '../types.js'
import { createCheckedEnvelopes } from './_checkedEnvelopes.js'
import { createMemoryCustodianStore } from './custodianStore.js'

const flip = (bytes: Uint8Array, at: number): Uint8Array => {
  const out = Uint8Array.from(bytes)
  out[at] = (out[at] as number) ^ 1
  return out
}

async function setup() {
  const { ledger, clock } = clockedLedger('checked-envelopes')
  const logStore = createMemoryAccessLogStore()
  const store = createMemoryCustodianStore()
  const { custodian, log, sealed, token, patient, vendor, keyRequest } = await createReleaseFixture({
    ledger,
    seeds: [21, 22, 23],
    log: { store: logStore, name: 'checked' },
    custodian: { store, now: () => clock.now * 1000 },
    durationSeconds: 3_600,
  })
  const other = await seal({ resourceType: 'Observation', status: 'amended' }, { recipients: [patient, vendor] })
  const commitment = bytesToHex0x(sealed.commitment)
  const release = async () => custodian.releaseKey(await keyRequest())
  const releases = async () => (await store.listReleases(consentKey(patient.address, token.consent.id))).length
  const lastEvent = async () => log.getEvent((await logStore.size()) - 1)
  /** Replaces the stored envelope, around the custodian (a tampered database). */
  const storeEnvelope = async (envelope: Envelope) => {
    const entry = await store.getEntry(commitment)
    if (!entry) throw new Error('entry')
    await store.putEntry(Object.freeze({ ...entry, envelope }))
  }
  const original = (await store.getEntry(commitment))?.envelope as Envelope
  return { release, releases, lastEvent, storeEnvelope, original, other: other.envelope }
}

const storeCorrupt = async (p: Promise<unknown>) => {
  let caught: unknown
  try {
    await p
  } catch (err) {
    caught = err
  }
  expect(isSdkError(caught, 'STORE_CORRUPT'), String(caught)).toBe(true)
}

describe('the custodian re-checks a stored envelope that changed after it was served', () => {
  it('a ciphertext, nonce or key-commitment change after a release is STORE_CORRUPT, logged as a deny, no release', async () => {
    const t = await setup()
    await t.release()
    await t.release()
    expect(await t.releases()).toBe(2)
    const tampered: Envelope[] = [
      { ...t.original, ciphertext: flip(t.original.ciphertext, 3) },
      { ...t.original, ciphertext: flip(t.original.ciphertext, t.original.ciphertext.length - 1) },
      { ...t.original, nonce: flip(t.original.nonce, 0) },
      { ...t.original, keyCommitment: flip(t.original.keyCommitment, 5) },
    ]
    for (const envelope of tampered) {
      await t.storeEnvelope(envelope)
      await storeCorrupt(t.release())
      const event = await t.lastEvent()
      expect(event.outcome).toBe('deny')
      expect(event.reason).toBe('STORE_CORRUPT')
      expect(await t.releases()).toBe(2)
    }
    // the original bytes again: served
    await t.storeEnvelope(t.original)
    expect((await t.release()).decision.allowed).toBe(true)
    expect(await t.releases()).toBe(3)
  })

  it('another record’s valid envelope stored under this commitment is STORE_CORRUPT, before and after a release', async () => {
    const t = await setup()
    await t.storeEnvelope(t.other)
    await storeCorrupt(t.release())
    await t.storeEnvelope(t.original)
    await t.release()
    await t.storeEnvelope(t.other)
    await storeCorrupt(t.release())
    expect(await t.releases()).toBe(1)
  })
})

describe('createCheckedEnvelopes', () => {
  const envelope = (seed: number): Envelope =>
    ({
      version: 2,
      suite: { kem: 0x20, kdf: 1, aead: 2 },
      id: new Uint8Array(16).fill(seed),
      nonce: new Uint8Array(12).fill(seed),
      keyCommitment: new Uint8Array(32).fill(seed),
      ciphertext: new Uint8Array(100).fill(seed),
      recipients: [],
    }) as unknown as Envelope
  const c1 = `0x${'11'.repeat(32)}` as Hex

  it('the key covers the commitment, the header and the ciphertext, not the recipients', async () => {
    const m = createCheckedEnvelopes()
    const base = envelope(1)
    const key = await m.digest(c1, base)
    expect(await m.digest(c1, { ...base, recipients: [{} as never] })).toBe(key)
    const changed: [Hex, Envelope][] = [
      [`0x${'12'.repeat(32)}` as Hex, base],
      [c1, { ...base, id: flip(base.id, 0) }],
      [c1, { ...base, nonce: flip(base.nonce, 11) }],
      [c1, { ...base, keyCommitment: flip(base.keyCommitment, 31) }],
      [c1, { ...base, ciphertext: flip(base.ciphertext, 50) }],
      [c1, { ...base, ciphertext: base.ciphertext.subarray(0, 99) }],
    ]
    for (const [c, e] of changed) expect(await m.digest(c, e)).not.toBe(key)
    // large payloads go through WebCrypto: the same kind of key, and it still depends on every byte
    const big = { ...base, ciphertext: new Uint8Array(64 * 1024).fill(7) }
    const bigKey = await m.digest(c1, big)
    expect(bigKey).toMatch(/^[0-9a-f]{64}$/)
    expect(await m.digest(c1, { ...big, ciphertext: flip(big.ciphertext, 40_000) })).not.toBe(bigKey)
  })

  it('remembers at most max keys, least recently used first out', () => {
    const m = createCheckedEnvelopes(2)
    m.add('a')
    m.add('b')
    expect(m.has('a')).toBe(true) // a is now the most recent
    m.add('c')
    expect(m.has('b')).toBe(false)
    expect(m.has('a')).toBe(true)
    expect(m.has('c')).toBe(true)
  })
})
