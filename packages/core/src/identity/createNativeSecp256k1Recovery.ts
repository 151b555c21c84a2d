/**
 * secp256k1 recovery on libsecp256k1 (bitcoin-core's C library) through the `secp256k1` package's native Node
 * binding: ~30× the default's recoveries per second, for servers that check a signature per request (a custodian).
 * Node only: `@medseal/core/node`.
 * @module
 */
import { equalBytes, hexToBytes } from '../bytes/index.js'
import { _nobleRecovery, type Secp256k1Recovery } from './secp256k1Recovery.js'

/** The part of `secp256k1/bindings` used here (the package ships no types). */
type NativeBindings = {
  ecdsaRecover(
    signature: Uint8Array,
    recovery: number,
    digest: Uint8Array,
    compressed: boolean,
    output: Uint8Array,
  ): Uint8Array
}

/** What {@link createNativeSecp256k1Recovery} can throw: nothing (it falls back to the default instead). */
export type CreateNativeSecp256k1RecoveryErrorType = never

// A known answer checked once per created object, so that a binding that loads but computes wrongly is never used.
const KAT_DIGEST = '2d010eb6460e065c0cef417902c00b61e9c6aa85f888286f71ece21485e42d1a'
const KAT_SIGNATURE =
  'dd27879aaf47b1502a787194377ba59a558cfbdfcea7a0fcb4fc7e54c63ef1d2184df5bbc2904ee53c8aff4ef25f908b57ef1abef6151377395d728867af0a23'
const KAT_RECOVERY = 1
const KAT_PUBLIC_KEY =
  '048857fef40f225f46385326b8b152b8c95e435dfb40bcdc1e8a04450cd20b29e17f4b3f0905fa7d1eb74982c5ce45820a40c759e26ee0d3c3f0f25c4a9f8148ad'

type NodeModuleApi = { createRequire(from: string): (id: string) => unknown }

/** Loads the native binding itself (`secp256k1/bindings`), never the package's root, which falls back to `elliptic`. */
function loadBindings(): NativeBindings | undefined {
  try {
    // Node's module API without a static `node:` import (core's build has no Node types); resolved from this file, so
    // a strict node_modules layout (pnpm) finds the peer next to @medseal/core. The CommonJS build shims the URL.
    const proc = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process
    const api = proc?.getBuiltinModule?.('node:module') as NodeModuleApi | undefined
    if (!api) return undefined
    const bindings = api.createRequire(import.meta.url)('secp256k1/bindings') as NativeBindings
    return typeof bindings?.ecdsaRecover === 'function' ? bindings : undefined
  } catch {
    return undefined
  }
}

/**
 * A {@link Secp256k1Recovery} on libsecp256k1, the C library Bitcoin Core uses, through the native binding of the
 * `secp256k1` npm package (an optional peer dependency: `npm i secp256k1@5`; prebuilt for Linux x64 (glibc and musl),
 * macOS arm64 and Windows x64, built by node-gyp elsewhere). Only the native binding is loaded, never the package's
 * JavaScript fallback (`elliptic`).
 *
 * When the binding cannot be loaded (the package is missing, or no binary for this platform), or it fails a known
 * answer checked here, this returns the default `@noble/curves` recovery instead: the same decisions, slower. Its
 * `name` says which one you got (`'libsecp256k1'` or `'noble'`): log it at start, or refuse to start without it.
 *
 * The SDK checks a signature's form (65 bytes, `v` 27 or 28, `r` and `s` in [1, n-1], low-s) before this runs:
 * libsecp256k1's recovery alone would also accept high-s signatures.
 *
 * @returns the native recovery, or the default one when the binding is not there
 * @example
 * ```ts
 * import { createCustodian } from '@medseal/core'
 * import { createNativeSecp256k1Recovery } from '@medseal/core/node'
 * const secp256k1 = createNativeSecp256k1Recovery()
 * console.log(`signature checks: ${secp256k1.name}`) // 'libsecp256k1'
 * const custodian = createCustodian({ party, ledger, log, store, secp256k1 })
 * ```
 */
export function createNativeSecp256k1Recovery(): Secp256k1Recovery {
  const bindings = loadBindings()
  if (!bindings) return _nobleRecovery
  const recovery: Secp256k1Recovery = Object.freeze({
    name: 'libsecp256k1',
    recoverPublicKey(digest: Uint8Array, signature: Uint8Array, id: 0 | 1): Uint8Array {
      return bindings.ecdsaRecover(signature, id, digest, false, new Uint8Array(65))
    },
  })
  try {
    const key = recovery.recoverPublicKey(hexToBytes(KAT_DIGEST), hexToBytes(KAT_SIGNATURE), KAT_RECOVERY)
    if (equalBytes(key, hexToBytes(KAT_PUBLIC_KEY))) return recovery
  } catch {
    // falls through to the default
  }
  return _nobleRecovery
}
