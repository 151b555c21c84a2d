/**
 * Reads a request body up to a cap: a `Content-Length` over the cap is refused before reading, and a streamed body is
 * cut off (and the stream cancelled) as soon as it passes the cap.
 * @module
 */
import { InvalidArgumentError } from '@medseal/core'
import { knownRequestBody } from './_known.js'

/** @internal */
export const tooLarge = (max: number) =>
  new InvalidArgumentError('INPUT_TOO_LARGE', `The request body is over ${max} bytes.`)

/** @internal */
export async function readBody(request: Request, max: number): Promise<Uint8Array> {
  const declared = request.headers.get('content-length')
  if (declared !== null && Number(declared) > max) throw tooLarge(max)
  // read whole by the Node adapter (a small body of declared length): no stream to drain
  const known = knownRequestBody(request)
  if (known !== undefined) {
    if (known.byteLength > max) throw tooLarge(max)
    return known
  }
  if (request.body === null) return new Uint8Array(0)
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > max) {
      await reader.cancel().catch(() => {})
      throw tooLarge(max)
    }
    chunks.push(value)
  }
  const out = new Uint8Array(total)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.byteLength
  }
  return out
}

const JSON_TYPE = /^application\/([a-z.+-]*\+)?json\b/i

const notJsonType = () => new InvalidArgumentError('INVALID_ARGUMENT', 'The request body must be application/json.')

/** One decoder for every body: without `stream`, each `decode` call stands alone. */
const utf8 = new TextDecoder('utf-8', { fatal: true })

const parse = (bytes: Uint8Array): unknown => {
  try {
    return JSON.parse(utf8.decode(bytes))
  } catch {
    throw new InvalidArgumentError('INVALID_JSON', 'The request body is not valid JSON.')
  }
}

/** Reads and parses a JSON body (`INVALID_JSON` when it is not JSON). @internal */
export async function readJson(request: Request, max: number): Promise<unknown> {
  if (!JSON_TYPE.test(request.headers.get('content-type') ?? '')) throw notJsonType()
  return parse(await readBody(request, max))
}

/**
 * Parses a JSON body already read whole, with the same checks and errors as {@link readJson} (content type, the cap,
 * `INVALID_JSON`). @internal
 */
export function parseJsonBytes(contentType: string | null, bytes: Uint8Array | undefined, max: number): unknown {
  if (!JSON_TYPE.test(contentType ?? '')) throw notJsonType()
  const body = bytes ?? new Uint8Array(0)
  if (body.byteLength > max) throw tooLarge(max)
  return parse(body)
}
