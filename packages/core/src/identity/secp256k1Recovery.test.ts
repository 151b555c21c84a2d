import { describe, expect, it } from 'vitest'
import { createAccessLog } from '../accessLog/createAccessLog.js'
import { createMemoryAccessLogStore } from '../accessLog/store.js'
import { bytesToHex0x, hexToBytes } from '../bytes/index.js'
import { clockedLedger } from '../consent/_testLedger.js'
import { createCustodian } from '../custodian/createCustodian.js'
import { verifyKeyRequest } from '../custodian/keyRequest.js'
import { isSdkError } from '../errors/base.js'
import { createReleaseFixture } from '../testing/releaseFixture.js'
import { describeSecp256k1RecoveryConformance } from '../testing/secp256k1RecoveryConformance.js'
import type { Hex } from '../types.js'
import { countingRecovery } from './_testCountingRecovery.js'
import { createParty } from './createParty.js'
import { _nobleRecovery, type Secp256k1Recovery } from './secp256k1Recovery.js'
import { recoverAddress, recoverPublicKey, verifyDigest } from './signature.js'

// The default passes its own suite (the suite's malformed-input and call-count checks hold for it too).
describeSecp256k1RecoveryConformance('noble (default)', _nobleRecovery, { cases: 16 })

const code = (fn: () => unknown): string | undefined => {
  try {
    fn()
  } catch (err) {
    return (err as { code?: string }).code
  }
  return undefined
}

describe('secp256k1 recovery option', () => {
  const party = createParty({ seed: new Uint8Array(32).fill(5) })
  const digest = new Uint8Array(32).fill(9)
  const signature = party.signDigest(digest)

  it('recoverAddress, recoverPublicKey and verifyDigest recover with the implementation given', () => {
    const impl = countingRecovery()
    expect(recoverAddress(digest, signature, { secp256k1: impl })).toBe(party.address)
    expect(recoverPublicKey(digest, signature, { secp256k1: impl })).toEqual(party.signingPublicKey)
    expect(verifyDigest(party.address, digest, signature, { secp256k1: impl })).toBe(true)
    expect(verifyDigest(party.signingPublicKey, digest, signature, { secp256k1: impl })).toBe(true)
    expect(impl.calls).toBe(4)
    // `{}` and `{ secp256k1: undefined }` mean the default
    expect(recoverAddress(digest, signature, {})).toBe(party.address)
    expect(recoverAddress(digest, signature, { secp256k1: undefined })).toBe(party.address)
  })

  it('refuses options that are not an object or name no implementation (INVALID_TYPE)', () => {
    for (const opts of [null, 1, 'noble', { secp256k1: {} }, { secp256k1: { name: 'x' } }, { secp256k1: () => 1 }])
      expect(code(() => recoverAddress(digest, signature, opts as never))).toBe('INVALID_TYPE')
  })

  it('an implementation that throws recovers no one: INVALID_SIGNATURE, and verifyDigest is false', () => {
    const failing: Secp256k1Recovery = {
      name: 'failing',
      recoverPublicKey() {
        throw new Error('no key')
      },
    }
    expect(code(() => recoverAddress(digest, signature, { secp256k1: failing }))).toBe('INVALID_SIGNATURE')
    expect(code(() => recoverPublicKey(digest, signature, { secp256k1: failing }))).toBe('INVALID_SIGNATURE')
    expect(verifyDigest(party.address, digest, signature, { secp256k1: failing })).toBe(false)
  })

  it('what an implementation returns is checked: not 65 uncompressed bytes is INVALID_TYPE, off the curve recovers no one', () => {
    for (const key of [new Uint8Array(33), party.signingPublicKey, new Uint8Array(65), 'key'] as unknown[]) {
      const broken: Secp256k1Recovery = { name: 'broken', recoverPublicKey: () => key as Uint8Array }
      expect(code(() => recoverAddress(digest, signature, { secp256k1: broken }))).toBe('INVALID_TYPE')
    }
    const offCurve = new Uint8Array(65)
    offCurve[0] = 4
    offCurve[64] = 1
    const liar: Secp256k1Recovery = { name: 'off-curve', recoverPublicKey: () => offCurve }
    expect(code(() => recoverAddress(digest, signature, { secp256k1: liar }))).toBe('INVALID_SIGNATURE')
    expect(code(() => recoverPublicKey(digest, signature, { secp256k1: liar }))).toBe('INVALID_SIGNATURE')
    expect(verifyDigest(party.address, digest, signature, { secp256k1: liar })).toBe(false)
  })
})

describe('the custodian checks signatures with its secp256k1 implementation', () => {
  async function setup(secp256k1: Secp256k1Recovery) {
    const { ledger, clock } = clockedLedger('secp256k1-custodian')
    const { custodian, deposit, keyRequest, doctor } = await createReleaseFixture({
      ledger,
      log: { name: 'secp' },
      custodian: { secp256k1, now: () => clock.now * 1000 },
      durationSeconds: 3_600,
      depositNow: false,
    })
    return { ledger, custodian, deposit, request: () => keyRequest(), doctor }
  }

  it('one recovery per deposit and per key request, none for a malformed signature', async () => {
    const impl = countingRecovery()
    const { custodian, deposit, request, doctor, ledger } = await setup(impl)
    await custodian.deposit(deposit)
    expect(impl.calls).toBe(1)
    const signed = await request()
    const released = await custodian.releaseKey(signed)
    expect(released.decision.allowed).toBe(true)
    expect(impl.calls).toBe(2)
    expect(verifyKeyRequest(ledger.domain, signed, { secp256k1: impl }).requester).toBe(doctor.address)
    expect(impl.calls).toBe(3)
    // the high-s twin of a fresh request: refused before any recovery, and before anything is logged
    const fresh = await request()
    const bytes = hexToBytes(fresh.signature)
    const n = BigInt('0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141')
    const s = BigInt(bytesToHex0x(bytes.subarray(32, 64)))
    const high = (n - s).toString(16).padStart(64, '0')
    const twin = `${fresh.signature.slice(0, 66)}${high}${bytes[64] === 27 ? '1c' : '1b'}` as Hex
    let caught: unknown
    try {
      await custodian.releaseKey({ request: fresh.request, signature: twin })
    } catch (err) {
      caught = err
    }
    expect(isSdkError(caught, 'CONSENT_SIGNATURE_INVALID')).toBe(true)
    expect(impl.calls).toBe(3)
  })

  it('createCustodian refuses a secp256k1 that is no implementation (INVALID_TYPE)', async () => {
    const { ledger } = clockedLedger('secp256k1-bad')
    const vendor = createParty()
    const log = await createAccessLog({ operator: vendor, ledger, name: 'bad', store: createMemoryAccessLogStore() })
    for (const bad of [null, 'libsecp256k1', {}, { recoverPublicKey: () => new Uint8Array(65) }])
      expect(code(() => createCustodian({ party: vendor, ledger, log, secp256k1: bad as never }))).toBe('INVALID_TYPE')
  })
})
