/**
 * The `Secp256k1Recovery` conformance suite: an implementation of secp256k1 public-key recovery (the native
 * libsecp256k1 one of `@medseal/core/node`, or an integrator's own) must recover exactly what the default
 * (`@noble/curves`) recovers, fail where it fails, and never be handed a signature the SDK's own checks refuse.
 *
 * Inputs are pseudo-random but fixed (derived from SHA-256 of a counter), so a failure names a case that repeats.
 * @module
 */
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, concatBytes, utf8ToBytes } from '../bytes/index.js'
import { isSdkError } from '../errors/base.js'
import { publicKeyToAddress } from '../identity/address.js'
import { _nobleRecovery, type Secp256k1Recovery } from '../identity/secp256k1Recovery.js'
import { recoverAddress, recoverPublicKey, signDigestWithKey, verifyDigest } from '../identity/signature.js'
import { describe, expect, it } from './_vitest.js'

/** Options of {@link describeSecp256k1RecoveryConformance}. */
export type Secp256k1RecoveryConformanceOptions = {
  /** Random cases per property (default 64). */
  readonly cases?: number
}

const CURVE_N = secp256k1.Point.CURVE().n
const HALF_N = CURVE_N >> 1n

/** 32 pseudo-random bytes for case `i` of a stream. */
const draw = (stream: string, i: number): Uint8Array =>
  sha256(utf8ToBytes(`medseal secp256k1 conformance ${stream} ${i}`))
const toBigInt = (b: Uint8Array): bigint => (b.length === 0 ? 0n : BigInt(`0x${bytesToHex(b)}`))
const to32 = (v: bigint): Uint8Array => {
  const out = new Uint8Array(32)
  for (let i = 31, x = v; i >= 0; i--, x >>= 8n) out[i] = Number(x & 0xffn)
  return out
}
/** A 65-byte Ethereum signature from its parts. */
const sig65 = (r: bigint, s: bigint, v: number): Uint8Array => concatBytes(to32(r), to32(s), new Uint8Array([v]))

/** A valid secret key for case `i`. */
function secretKey(i: number): Uint8Array {
  for (let j = 0; ; j++) {
    const k = draw(`key ${j}`, i)
    const v = toBigInt(k)
    if (v > 0n && v < CURVE_N) return k
  }
}

/** What an implementation gives for one input: the key's hex, or `'throws'`. */
function outcome(impl: Secp256k1Recovery, digest: Uint8Array, compact: Uint8Array, recovery: 0 | 1): string {
  try {
    const key = impl.recoverPublicKey(digest, compact, recovery)
    return bytesToHex(key)
  } catch {
    return 'throws'
  }
}

/** The implementation with a call counter (to show what never reaches it). */
function counted(impl: Secp256k1Recovery): { impl: Secp256k1Recovery; calls: () => number } {
  let calls = 0
  return {
    impl: Object.freeze({
      name: impl.name,
      recoverPublicKey(digest: Uint8Array, signature: Uint8Array, recovery: 0 | 1) {
        calls++
        return impl.recoverPublicKey(digest, signature, recovery)
      },
    }),
    calls: () => calls,
  }
}

const expectInvalidSignature = (fn: () => unknown) => {
  let caught: unknown
  try {
    fn()
  } catch (err) {
    caught = err
  }
  expect(isSdkError(caught, 'INVALID_SIGNATURE'), String(caught)).toBe(true)
}

/**
 * Registers the conformance tests of a {@link Secp256k1Recovery} with vitest: random keys and digests recover the
 * signer and agree byte for byte with `@noble/curves`; arbitrary in-range `(r, s, v)` agree (both recover the same key
 * or both fail); high-s twins, zero or out-of-range `r`/`s` and bad `v` are refused with `INVALID_SIGNATURE` before
 * the implementation is called; a flipped `v` or a wrong digest never recovers the signer; an `r` that is no curve
 * point's x-coordinate recovers nothing.
 *
 * @param name - shown in the test names
 * @param recovery - the implementation under test
 * @param options - `cases` per property (default 64)
 * @example
 * ```ts
 * import { createNativeSecp256k1Recovery } from '@medseal/core/node'
 * import { describeSecp256k1RecoveryConformance } from '@medseal/core/testing'
 * describeSecp256k1RecoveryConformance('libsecp256k1', createNativeSecp256k1Recovery())
 * ```
 */
export function describeSecp256k1RecoveryConformance(
  name: string,
  recovery: Secp256k1Recovery,
  options: Secp256k1RecoveryConformanceOptions = {},
): void {
  const cases = options.cases ?? 64
  const opts = { secp256k1: recovery }

  describe(`Secp256k1Recovery conformance: ${name}`, () => {
    it('has a name and returns 65-byte uncompressed keys', () => {
      expect(typeof recovery.name).toBe('string')
      const digest = draw('digest', 0)
      const sig = signDigestWithKey(secretKey(0), digest)
      const key = recovery.recoverPublicKey(digest, sig.subarray(0, 64), ((sig[64] as number) - 27) as 0 | 1)
      expect(key).toBeInstanceOf(Uint8Array)
      expect(key.length).toBe(65)
      expect(key[0]).toBe(4)
    })

    it('recovers the signer of random keys and digests, byte for byte as @noble/curves', () => {
      for (let i = 0; i < cases; i++) {
        const sk = secretKey(i)
        const digest = draw('digest', i)
        const sig = signDigestWithKey(sk, digest)
        const recoveryId = ((sig[64] as number) - 27) as 0 | 1
        const expected = secp256k1.getPublicKey(sk, false)
        expect(bytesToHex(recovery.recoverPublicKey(digest, sig.subarray(0, 64), recoveryId)), `case ${i}`).toBe(
          bytesToHex(expected),
        )
        expect(recoverAddress(digest, sig, opts), `case ${i}`).toBe(publicKeyToAddress(expected))
        expect(bytesToHex(recoverPublicKey(digest, sig, opts))).toBe(bytesToHex(secp256k1.getPublicKey(sk, true)))
        expect(verifyDigest(publicKeyToAddress(expected), digest, sig, opts)).toBe(true)
      }
    })

    it('agrees with @noble/curves on arbitrary in-range (r, s, v): the same key, or no key for both', () => {
      let recovered = 0
      for (let i = 0; i < cases; i++) {
        const r = (toBigInt(draw('r', i)) % (CURVE_N - 1n)) + 1n
        let s = (toBigInt(draw('s', i)) % (CURVE_N - 1n)) + 1n
        if (s > HALF_N) s = CURVE_N - s
        const recoveryId = (i % 2) as 0 | 1
        const digest = draw('arbitrary digest', i)
        const compact = concatBytes(to32(r), to32(s))
        const mine = outcome(recovery, digest, compact, recoveryId)
        expect(mine, `case ${i}`).toBe(outcome(_nobleRecovery, digest, compact, recoveryId))
        if (mine !== 'throws') recovered++
        // and through the SDK's helpers: the same address, or INVALID_SIGNATURE for both
        const sig = sig65(r, s, 27 + recoveryId)
        const viaNoble = (() => {
          try {
            return recoverAddress(digest, sig)
          } catch (err) {
            return isSdkError(err, 'INVALID_SIGNATURE') ? 'INVALID_SIGNATURE' : String(err)
          }
        })()
        const viaImpl = (() => {
          try {
            return recoverAddress(digest, sig, opts)
          } catch (err) {
            return isSdkError(err, 'INVALID_SIGNATURE') ? 'INVALID_SIGNATURE' : String(err)
          }
        })()
        expect(viaImpl, `case ${i}`).toBe(viaNoble)
      }
      // about half of all x-coordinates are on the curve: both outcomes were exercised
      expect(recovered).toBeGreaterThan(0)
      expect(recovered).toBeLessThan(cases)
    })

    it('is never handed a malformed signature (high-s twin, r or s zero or >= n, bad v): INVALID_SIGNATURE first', () => {
      const { impl, calls } = counted(recovery)
      const sk = secretKey(1)
      const digest = draw('digest', 1)
      const good = signDigestWithKey(sk, digest)
      const r = toBigInt(good.subarray(0, 32))
      const s = toBigInt(good.subarray(32, 64))
      const v = good[64] as number
      const malformed: Uint8Array[] = [
        // the same signature with s' = n - s and the other v: libsecp256k1's recovery alone would accept it
        sig65(r, CURVE_N - s, v === 27 ? 28 : 27),
        sig65(0n, s, v),
        sig65(r, 0n, v),
        sig65(CURVE_N, s, v),
        sig65(r, CURVE_N, v),
        sig65(2n ** 256n - 1n, s, v),
        sig65(r, 2n ** 256n - 1n, v),
        ...[0, 1, 2, 3, 26, 29, 255].map((bad) => sig65(r, s, bad)),
        good.subarray(0, 64),
        concatBytes(good, new Uint8Array([0])),
      ]
      for (const sig of malformed) {
        expectInvalidSignature(() => recoverAddress(digest, sig, { secp256k1: impl }))
        expectInvalidSignature(() => recoverPublicKey(digest, sig, { secp256k1: impl }))
        expectInvalidSignature(() =>
          verifyDigest(publicKeyToAddress(secp256k1.getPublicKey(sk)), digest, sig, { secp256k1: impl }),
        )
      }
      expect(calls()).toBe(0)
      expect(recoverAddress(digest, good, { secp256k1: impl })).toBe(publicKeyToAddress(secp256k1.getPublicKey(sk)))
      expect(calls()).toBe(1)
    })

    it('never recovers the signer from a flipped v or a wrong digest (and agrees with @noble/curves)', () => {
      for (let i = 0; i < Math.min(cases, 32); i++) {
        const sk = secretKey(i)
        const signer = publicKeyToAddress(secp256k1.getPublicKey(sk))
        const digest = draw('digest', i)
        const sig = signDigestWithKey(sk, digest)
        const flipped = Uint8Array.from(sig)
        flipped[64] = sig[64] === 27 ? 28 : 27
        const wrong = Uint8Array.from(digest)
        wrong[i % 32] = (wrong[i % 32] as number) ^ (1 << (i % 8))
        for (const [d, s] of [
          [digest, flipped],
          [wrong, sig],
        ] as const) {
          const got = (() => {
            try {
              return recoverAddress(d, s, opts)
            } catch (err) {
              if (!isSdkError(err, 'INVALID_SIGNATURE')) throw err
              return 'INVALID_SIGNATURE'
            }
          })()
          expect(got).not.toBe(signer)
          expect(verifyDigest(signer, d, s, opts)).toBe(false)
          const noble = (() => {
            try {
              return recoverAddress(d, s)
            } catch {
              return 'INVALID_SIGNATURE'
            }
          })()
          expect(got, `case ${i}`).toBe(noble)
        }
      }
    })

    it('recovers nothing when r is no curve point’s x-coordinate', () => {
      // the smallest x in [1, n) with no point: x^3 + 7 is not a square mod p
      let x = 1n
      for (; ; x++) {
        try {
          secp256k1.Point.fromBytes(concatBytes(new Uint8Array([2]), to32(x)))
        } catch {
          break
        }
      }
      const digest = draw('digest', 2)
      for (const recoveryId of [0, 1] as const) {
        expect(() => recovery.recoverPublicKey(digest, concatBytes(to32(x), to32(1n)), recoveryId)).toThrow()
        const sig = sig65(x, 1n, 27 + recoveryId)
        expectInvalidSignature(() => recoverAddress(digest, sig, opts))
        expect(verifyDigest(publicKeyToAddress(secp256k1.getPublicKey(secretKey(2))), digest, sig, opts)).toBe(false)
      }
    })
  })
}
