/**
 * The seal primitives of a seal worker on `node:crypto` (OpenSSL: native and synchronous), where the runtime has it:
 * reached through `process.getBuiltinModule` (no import of a Node module, so the file bundles for browsers, where it
 * returns the `@noble` primitives).
 * @module
 * @internal
 */
import { equalBytes } from '../bytes/index.js'
import { noblePrimitives, type SealPrimitives } from './sealBatch.js'

/** The parts of `node:crypto` used here (core's build has no Node types). */
type NodeCrypto = {
  createCipheriv(
    algorithm: 'aes-256-gcm',
    key: Uint8Array,
    iv: Uint8Array,
  ): {
    setAAD(aad: Uint8Array): unknown
    update(data: Uint8Array): Uint8Array
    final(): Uint8Array
    getAuthTag(): Uint8Array
  }
  createHmac(algorithm: 'sha256', key: Uint8Array): { update(data: Uint8Array): unknown; digest(): Uint8Array }
  createHash(algorithm: 'sha256'): { update(data: Uint8Array): { digest(): Uint8Array } }
}

/**
 * A worker seals records up to 1 MiB synchronously on OpenSSL: it has nothing else to do meanwhile, and a thread hop
 * per record (WebCrypto) costs more than it saves. Larger ones keep `seal`'s path (bounded buffers, passes in
 * parallel).
 */
const NATIVE_SYNC_BELOW = 1024 * 1024

/**
 * {@link SealPrimitives} on `node:crypto`: the same functions as `noblePrimitives`, computing the same bytes (checked
 * against them on fixed inputs here). Returns `noblePrimitives` where `node:crypto` is not available or computes
 * otherwise. Outputs are copies in Uint8Arrays of their own (Node may hand out a Buffer over a shared pool). @internal
 */
export function createNodeSealPrimitives(): SealPrimitives {
  const proc = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process
  const c = proc?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined
  if (!c) return noblePrimitives
  const native: SealPrimitives = Object.freeze({
    gcm: (key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array) => {
      const cipher = c.createCipheriv('aes-256-gcm', key, nonce)
      cipher.setAAD(aad)
      const out = new Uint8Array(plaintext.length + 16)
      const body = cipher.update(plaintext)
      const last = cipher.final()
      out.set(body, 0)
      out.set(last, body.length)
      out.set(cipher.getAuthTag(), body.length + last.length)
      return out
    },
    hmac: (key: Uint8Array, ...parts: Uint8Array[]) => {
      const mac = c.createHmac('sha256', key)
      for (const part of parts) mac.update(part)
      return new Uint8Array(mac.digest())
    },
    sha256: (bytes: Uint8Array) => new Uint8Array(c.createHash('sha256').update(bytes).digest()),
    syncBelow: NATIVE_SYNC_BELOW,
  })
  // known answers from the @noble primitives, on inputs of a record's shape (a runtime that computes otherwise,
  // or throws, keeps @noble)
  try {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i)
    const nonce = key.subarray(0, 12)
    const text = Uint8Array.from({ length: 100 }, (_, i) => (i * 7) & 0xff)
    const same =
      equalBytes(
        native.gcm(key, nonce, text.subarray(0, 71), text),
        noblePrimitives.gcm(key, nonce, text.subarray(0, 71), text),
      ) &&
      equalBytes(native.hmac(key, text, nonce), noblePrimitives.hmac(key, text, nonce)) &&
      equalBytes(native.sha256(text), noblePrimitives.sha256(text))
    return same ? native : noblePrimitives
  } catch {
    return noblePrimitives
  }
}
