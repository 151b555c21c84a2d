/**
 * zlib (RFC 1950) compression through the platform's Compression Streams (WHATWG), as the Token Status List needs
 * (draft-ietf-oauth-status-list §4.1: `lst` is ZLIB-compressed). Inflation stops at a byte limit (no zip bombs).
 * @module
 * @internal
 */
import { toArrayBufferBacked, VerificationError } from '@medseal/core'

async function readAll(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.length
    if (total > maxBytes) {
      await reader.cancel().catch(() => {})
      throw new VerificationError('SD_JWT_STATUS_UNAVAILABLE', `The status list inflates beyond ${maxBytes} bytes.`)
    }
    chunks.push(value)
  }
  const out = new Uint8Array(total)
  let o = 0
  for (const c of chunks) {
    out.set(c, o)
    o += c.length
  }
  return out
}

/** zlib-deflates `bytes`. */
export async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([toArrayBufferBacked(bytes)]).stream().pipeThrough(new CompressionStream('deflate'))
  return readAll(stream as ReadableStream<Uint8Array>, Number.MAX_SAFE_INTEGER)
}

/** zlib-inflates `bytes`, at most `maxBytes` out; corrupt input is `SD_JWT_STATUS_UNAVAILABLE`. */
export async function inflate(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const stream = new Blob([toArrayBufferBacked(bytes)]).stream().pipeThrough(new DecompressionStream('deflate'))
  try {
    return await readAll(stream as ReadableStream<Uint8Array>, maxBytes)
  } catch (cause) {
    if (cause instanceof VerificationError) throw cause
    throw new VerificationError('SD_JWT_STATUS_UNAVAILABLE', 'The status list is not valid zlib data.', { cause })
  }
}
