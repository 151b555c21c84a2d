/**
 * DEFLATE through the platform's Compression Streams (WHATWG; Node ≥ 18 and every current browser): no dependency,
 * and inflation is bounded, so a few compressed bytes cannot expand into gigabytes (a "zip bomb"). The one helper the
 * packages that compress share (`@medseal/sd-jwt`'s Token Status Lists: zlib; `@medseal/smart-health`'s cards and
 * link files: raw DEFLATE).
 * @module
 */
import { InvalidArgumentError } from '../errors/base.js'

/** The wrapping: `deflate` is zlib (RFC 1950), `deflate-raw` raw DEFLATE (RFC 1951). */
export type DeflateFormat = 'deflate' | 'deflate-raw'

/** Everything {@link inflateBytes} can throw. */
export type InflateBytesErrorType = InvalidArgumentError

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
      throw new InvalidArgumentError('INPUT_TOO_LARGE', `The data inflates past ${maxBytes} bytes.`)
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

/**
 * Compresses `bytes` with DEFLATE.
 *
 * @param params - `bytes`, `format` (`deflate`: zlib; `deflate-raw`: raw)
 * @returns the compressed bytes
 * @example
 * ```ts
 * import { deflateBytes, utf8ToBytes } from '@medseal/core'
 * const packed = await deflateBytes({ bytes: utf8ToBytes('aaaaaaaaaa'), format: 'deflate-raw' })
 * ```
 */
export async function deflateBytes(params: {
  readonly bytes: Uint8Array
  readonly format: DeflateFormat
}): Promise<Uint8Array<ArrayBuffer>> {
  return collect(pipe(params.bytes, new CompressionStream(params.format)), Number.MAX_SAFE_INTEGER)
}

/**
 * Inflates DEFLATE data, refusing more than `maxBytes` of output (it stops reading there).
 *
 * @param params - `bytes`, `format`, `maxBytes` (the most output accepted)
 * @returns the inflated bytes
 * @throws {@link InvalidArgumentError} `INPUT_TOO_LARGE` when the output would pass `maxBytes`; `INVALID_ENCODING` when
 *   `bytes` is not DEFLATE data of that format
 * @example
 * ```ts
 * import { deflateBytes, inflateBytes, utf8ToBytes } from '@medseal/core'
 * const packed = await deflateBytes({ bytes: utf8ToBytes('hello'), format: 'deflate' })
 * await inflateBytes({ bytes: packed, format: 'deflate', maxBytes: 1024 }) // the 5 bytes of 'hello'
 * ```
 */
export async function inflateBytes(params: {
  readonly bytes: Uint8Array
  readonly format: DeflateFormat
  readonly maxBytes: number
}): Promise<Uint8Array<ArrayBuffer>> {
  try {
    return await collect(pipe(params.bytes, new DecompressionStream(params.format)), params.maxBytes)
  } catch (err) {
    if (err instanceof InvalidArgumentError) throw err
    throw new InvalidArgumentError('INVALID_ENCODING', `The data is not ${params.format} data.`, { cause: err })
  }
}
