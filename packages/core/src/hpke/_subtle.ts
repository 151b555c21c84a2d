/**
 * WebCrypto access, feature-detected once per call site, with no module state beyond constants.
 * @module
 * @internal
 */

/** The platform's `SubtleCrypto`, or `undefined` (no WebCrypto, or an insecure browser context). @internal */
export function getSubtle(): SubtleCrypto | undefined {
  const c = (globalThis as { crypto?: Crypto }).crypto
  return c?.subtle ?? undefined
}

/**
 * `bytes` as an `ArrayBuffer`-backed view for WebCrypto, without copying when it already is one (a 1 MiB payload
 * must not be copied needlessly). @internal
 */
export function bufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer
    ? (bytes as Uint8Array<ArrayBuffer>)
    : (new Uint8Array(bytes) as Uint8Array<ArrayBuffer>)
}
