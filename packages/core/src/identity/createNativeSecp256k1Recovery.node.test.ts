import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execPath } from 'node:process'
import { fileURLToPath } from 'node:url'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bytesToHex, hexToBytes } from '../bytes/index.js'
import { describeSecp256k1RecoveryConformance } from '../testing/secp256k1RecoveryConformance.js'
import { publicKeyToAddress } from './address.js'
import { createNativeSecp256k1Recovery } from './createNativeSecp256k1Recovery.js'
import { _nobleRecovery } from './secp256k1Recovery.js'
import { recoverAddress, signDigestWithKey, verifyDigest } from './signature.js'

const native = createNativeSecp256k1Recovery()

// The package is a devDependency here and ships a Linux x64 binary: the native binding must be what loaded.
it('loads libsecp256k1 through the native binding, frozen', () => {
  expect(native.name).toBe('libsecp256k1')
  expect(Object.isFrozen(native)).toBe(true)
})

describeSecp256k1RecoveryConformance('libsecp256k1 (native)', native)

/** What the SDK's recovery says, as a comparable string: the address, or the error's code. */
function outcome(digest: Uint8Array, signature: Uint8Array, impl = _nobleRecovery): string {
  try {
    return recoverAddress(digest, signature, { secp256k1: impl })
  } catch (err) {
    return `error ${(err as { code?: string }).code}`
  }
}

const N = secp256k1.Point.CURVE().n
const to32 = (v: bigint) => hexToBytes(v.toString(16).padStart(64, '0'))

describe('libsecp256k1 ≡ @noble/curves (fast-check)', () => {
  it('random keys and digests: both recover the signer', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: N - 1n }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (k, digest) => {
        const sig = signDigestWithKey(to32(k), digest)
        const signer = publicKeyToAddress(secp256k1.getPublicKey(to32(k)))
        expect(outcome(digest, sig, native)).toBe(signer)
        expect(outcome(digest, sig)).toBe(signer)
        expect(verifyDigest(signer, digest, sig, { secp256k1: native })).toBe(true)
      }),
      { numRuns: 100 },
    )
  })

  it('arbitrary signatures (any r, s, v, including high-s, zero, >= n): the same address or the same error', () => {
    const scalar = fc.oneof(
      fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }),
      fc.constantFrom(0n, 1n, N - 1n, N, N + 1n, N >> 1n, (N >> 1n) + 1n, 2n ** 256n - 1n),
    )
    fc.assert(
      fc.property(
        scalar,
        scalar,
        fc.oneof(fc.constantFrom(27, 28), fc.integer({ min: 0, max: 255 })),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (r, s, v, digest) => {
          const sig = new Uint8Array(65)
          sig.set(to32(r), 0)
          sig.set(to32(s), 32)
          sig[64] = v
          expect(outcome(digest, sig, native)).toBe(outcome(digest, sig))
        },
      ),
      { numRuns: 400 },
    )
  })

  it('a valid signature altered (v flipped, s mirrored, a digest bit flipped) never recovers the signer with either', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: N - 1n }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.integer({ min: 0, max: 255 }),
        (k, digest, bit) => {
          const sig = signDigestWithKey(to32(k), digest)
          const signer = publicKeyToAddress(secp256k1.getPublicKey(to32(k)))
          const flipped = Uint8Array.from(sig)
          flipped[64] = sig[64] === 27 ? 28 : 27
          const mirrored = Uint8Array.from(flipped)
          mirrored.set(to32(N - BigInt(`0x${bytesToHex(sig.subarray(32, 64))}`)), 32)
          const wrong = Uint8Array.from(digest)
          wrong[bit >> 3] = (wrong[bit >> 3] as number) ^ (1 << (bit & 7))
          for (const [d, s] of [
            [digest, flipped],
            [digest, mirrored],
            [wrong, sig],
          ] as const) {
            const got = outcome(d, s, native)
            expect(got).not.toBe(signer)
            expect(got).toBe(outcome(d, s))
          }
          // the mirrored (high-s) twin IS the signer's signature to libsecp256k1 alone: the SDK refuses it first
          expect(outcome(digest, mirrored, native)).toBe('error INVALID_SIGNATURE')
        },
      ),
      { numRuns: 50 },
    )
  })
})

it('falls back to @noble/curves, named so, when the native binding cannot be loaded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medseal-secp-'))
  try {
    // a preload that makes `secp256k1/bindings` unresolvable, as on a platform with no binary
    const preload = join(dir, 'no-binding.cjs')
    writeFileSync(
      preload,
      `const M = require('node:module'); const r = M._resolveFilename;
       M._resolveFilename = function (req, ...a) { if (req === 'secp256k1/bindings') throw new Error('no binary'); return r.call(this, req, ...a) }`,
    )
    const entry = fileURLToPath(new URL('./createNativeSecp256k1Recovery.ts', import.meta.url))
    const script = `import { createNativeSecp256k1Recovery } from ${JSON.stringify(entry)}
      console.log(createNativeSecp256k1Recovery().name)`
    const run = (args: string[]) =>
      execFileSync(execPath, [...args, '--import', 'tsx', '--input-type=module', '-e', script], {
        encoding: 'utf8',
        cwd: fileURLToPath(new URL('.', import.meta.url)),
      })
    expect(run(['--require', preload]).trim()).toBe('noble')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

// Adding or removing a public export shows up here, in review (STYLE rule 41).
it('the ./node entry exports exactly these names', async () => {
  expect(Object.keys(await import('../node.js')).sort()).toMatchInlineSnapshot(`
    [
      "createNativeHpke",
      "createNativeSealBackend",
      "createNativeSecp256k1Recovery",
    ]
  `)
})
