/**
 * Raw DEFLATE (RFC 1951, no zlib or gzip wrapper) through the platform's `CompressionStream('deflate-raw')`, which
 * Node 20 and every current browser ship: no dependency, and the decompressor is bounded so a small card cannot
 * inflate into gigabytes (a "zip bomb").
 * @module
 * @internal
 */
import { SmartHealthError } from './errors.js'

async function collect(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const reader = stream.getReader()
  const parts: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.length
    if (total > maxBytes) {
      await reader.cancel().catch(() => {})
      throw new SmartHealthError('SHC_MALFORMED', `The compressed payload inflates past ${maxBytes} bytes.`)
    }
    parts.push(value)
  }
  const out = new Uint8Array(total)
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

function pipe(bytes: Uint8Array, transform: CompressionStream | DecompressionStream): ReadableStream<Uint8Array> {
  const writer = transform.writable.getWriter()
  // errors surface on the readable side; these promises are observed there
  writer.write(new Uint8Array(bytes)).catch(() => {})
  writer.close().catch(() => {})
  return transform.readable as ReadableStream<Uint8Array>
}

/** Raw DEFLATE of `bytes`. @internal */
export async function deflateRaw(bytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return collect(pipe(bytes, new CompressionStream('deflate-raw')), Number.MAX_SAFE_INTEGER)
}

/**
 * Inflates raw DEFLATE, refusing more than `maxBytes` of output.
 * @throws {@link SmartHealthError} `SHC_MALFORMED` for data that is not raw DEFLATE or inflates too far
 * @internal
 */
export async function inflateRaw(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  try {
    return await collect(pipe(bytes, new DecompressionStream('deflate-raw')), maxBytes)
  } catch (err) {
    if (err instanceof SmartHealthError) throw err
    throw new SmartHealthError('SHC_MALFORMED', 'The payload is not raw DEFLATE data.', { cause: err })
  }
}
