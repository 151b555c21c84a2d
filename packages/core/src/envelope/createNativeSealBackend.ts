/**
 * A seal backend on Node's OpenSSL (`node:crypto`): the payload's AES-256-GCM, its SHA-256 / HMAC-SHA256 and the
 * HPKE wraps run synchronously on the calling thread. Exported from `@medseal/core/node`; browsers keep the default.
 * @module
 */
import { bytesToHex, describeType, hexToBytes } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'
import { aes256Gcm } from '../hpke/aead.js'
import { createHpkeSuite } from '../hpke/createHpkeSuite.js'
import { createNativeHpke } from '../hpke/createNativeHpke.js'
import { _hashOnThread } from './_hashThread.js'
import type { SealBackend } from './types.js'

/** Parameters of {@link createNativeSealBackend}. */
export type CreateNativeSealBackendParameters = {
  /**
   * Where the payload's AES-256-GCM runs. `'node'` (default): node:crypto on the calling thread, written straight
   * into the ciphertext buffer, then SHA-256, then the wrap, one after the other (no thread-pool round trip, no
   * input copy).
   * `'webcrypto'`: WebCrypto's AES-256-GCM on libuv's thread pool, while SHA-256 and the HPKE wrap run on node:crypto
   * on the calling thread (the two passes on two cores: best with a core free).
   */
  cipher?: 'node' | 'webcrypto' | undefined
  /**
   * Where the payload's SHA-256 runs. `'calling-thread'` (default): on the calling thread. `'helper-thread'`: a
   * payload of 256 KiB to 16 MiB is copied to one helper thread (started at the first such payload, shared by every
   * backend of the thread, never keeping the process alive while idle) and hashed there while the AES pass and the
   * wrap run: the passes on two cores, best with a core free. A payload that finds the helper busy, or no helper, is
   * hashed on the calling thread; the helper wipes its copy after hashing.
   */
  hash?: 'calling-thread' | 'helper-thread' | undefined
}

/** What {@link createNativeSealBackend} can throw: `INVALID_ARGUMENT` for an unknown `cipher` or `hash`. */
export type CreateNativeSealBackendErrorType = InvalidArgumentError

/** The parts of `node:crypto` used here (core's build has no Node types). */
type NodeHash = { update(data: Uint8Array): NodeHash; digest(): Uint8Array }
type NodeCrypto = {
  createHash(algorithm: 'sha256'): NodeHash
  createHmac(algorithm: 'sha256', key: Uint8Array): NodeHash
}

/** Runs `f` after the pending promise jobs (the WebCrypto encrypt is dispatched by then): Node's `setImmediate`. */
type SetImmediate = (f: () => void) => unknown

function loadNodeCrypto(): NodeCrypto | undefined {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process
    const c = proc?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined
    return typeof c?.createHash === 'function' && typeof c.createHmac === 'function' ? c : undefined
  } catch {
    return undefined
  }
}

// Known answers checked once per created backend, so that a runtime whose crypto loads but computes otherwise is never
// used: SHA-256("abc") (FIPS 180-2 B.1) and HMAC-SHA256 (RFC 4231 test case 2).
const KAT = {
  sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  hmacKey: '4a656665',
  hmacData: '7768617420646f2079612077616e7420666f72206e6f7468696e673f',
  hmac: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
} as const

/**
 * A {@link SealBackend} on `node:crypto`: `seal(value, { recipients, backend })` then encrypts the payload with
 * OpenSSL's AES-256-GCM (the HPKE suite's AEAD, `createNativeHpke()`), hashes it with OpenSSL's SHA-256 (and
 * HMAC-SHA256 for versions 1 and 2), and wraps the data key with `createNativeHpke()`, all on the calling thread,
 * one pass after the other: no WebCrypto thread-pool round trip and no copy of the input per operation. The envelope,
 * commitment and content id are byte for byte what the default seal makes from the same randomness. For Node
 * servers and large records (a 1 MiB seal); it blocks the calling thread for the passes (about 1.5 ms per MiB here).
 * With `cipher: 'webcrypto'` the AES-256-GCM pass runs on WebCrypto's thread pool instead, beside the SHA-256 and
 * the wrap on the calling thread. With `hash: 'helper-thread'` the SHA-256 of a payload of 256 KiB to 16 MiB runs
 * on one helper thread while the calling thread encrypts it and wraps the key (a copy of the payload goes to the
 * helper, which zeroes it once hashed). Where `node:crypto` is not available, fails a known-answer check, or has no native
 * X25519, it returns `undefined`, which `seal` takes as its default.
 *
 * @param params - optional `cipher` (`'node'`, the default, or `'webcrypto'`) and `hash` (`'calling-thread'`, the default, or `'helper-thread'`)
 * @returns a frozen {@link SealBackend}, or `undefined`
 * @throws {@link InvalidArgumentError} `INVALID_ARGUMENT` for another `cipher` or `hash`
 * @example
 * ```ts
 * import { createParty, sealCanonical } from '@medseal/core'
 * import { createNativeSealBackend } from '@medseal/core/node'
 * const backend = createNativeSealBackend()
 * const patient = createParty()
 * const bytes = new TextEncoder().encode('{"resourceType":"Binary"}')
 * const { envelope } = await sealCanonical(bytes, { recipients: [patient], version: 3, backend })
 * // for records of 256 KiB and more, on a machine with a core to spare: SHA-256 on a helper thread
 * const large = createNativeSealBackend({ hash: 'helper-thread' })
 * const { contentId } = await sealCanonical(bytes, { recipients: [patient], version: 3, backend: large })
 * ```
 */
export function createNativeSealBackend(params: CreateNativeSealBackendParameters = {}): SealBackend | undefined {
  const cipher = params?.cipher ?? 'node'
  if (cipher !== 'node' && cipher !== 'webcrypto')
    throw new InvalidArgumentError('INVALID_ARGUMENT', "cipher must be 'node' or 'webcrypto'.", {
      metaMessages: [`Received ${describeType(cipher)}.`],
    })
  const hash = params?.hash ?? 'calling-thread'
  if (hash !== 'calling-thread' && hash !== 'helper-thread')
    throw new InvalidArgumentError('INVALID_ARGUMENT', "hash must be 'calling-thread' or 'helper-thread'.", {
      metaMessages: [`Received ${describeType(hash)}.`],
    })
  const c = loadNodeCrypto()
  const setImmediate = (globalThis as { setImmediate?: SetImmediate }).setImmediate
  if (!c || typeof setImmediate !== 'function') return undefined
  const native = createNativeHpke()
  if (native.kem.backend !== 'native') return undefined
  const sha256 = (bytes: Uint8Array): Uint8Array => new Uint8Array(c.createHash('sha256').update(bytes).digest())
  const hmacSha256 = (key: Uint8Array, bytes: Uint8Array): Uint8Array =>
    new Uint8Array(c.createHmac('sha256', key).update(bytes).digest())
  try {
    if (bytesToHex(sha256(new TextEncoder().encode('abc'))) !== KAT.sha256) return undefined
    if (bytesToHex(hmacSha256(hexToBytes(KAT.hmacKey), hexToBytes(KAT.hmacData))) !== KAT.hmac) return undefined
  } catch {
    return undefined
  }
  const onHelper = (bytes: Uint8Array) => _hashOnThread(bytes, sha256)
  if (cipher === 'node')
    return Object.freeze({ hpke: native, sha256: hash === 'helper-thread' ? onHelper : sha256, hmacSha256 })
  // The seal starts the hashes and the AES-256-GCM pass in one turn; these run at the next, once the pass is on the
  // thread pool.
  const later =
    <A extends unknown[]>(f: (...a: A) => Uint8Array) =>
    (...a: A): Promise<Uint8Array> =>
      new Promise((resolve, reject) =>
        setImmediate(() => {
          try {
            resolve(f(...a))
          } catch (err) {
            reject(err)
          }
        }),
      )
  return Object.freeze({
    hpke: createHpkeSuite({ kem: native.kem, kdf: native.kdf, aead: aes256Gcm }),
    sha256: hash === 'helper-thread' ? onHelper : later(sha256),
    hmacSha256: later(hmacSha256),
  })
}
