/**
 * Node's `http` adapter: turns a fetch-standard handler into a `(req, res)` listener. The request body is streamed to
 * the handler and cut off past `maxBodyBytes` (a declared `Content-Length` over it is refused before reading).
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { InvalidArgumentError } from '@medseal/core'
import { tooLarge } from './_body.js'
import { type Answer, directOf, isAnswer } from './_direct.js'
import { knownResponseText, withKnownBody } from './_known.js'
import { problemResponse, toProblem } from './_problem.js'

/** Options of {@link toNodeListener}. */
export type ToNodeListenerOptions = {
  /** The most body bytes read from one request (default 8 MiB; the handler's own limits apply below it). */
  readonly maxBodyBytes?: number
}

/** A Node `http` request listener. */
export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void

/** Errors {@link toNodeListener} throws (bad arguments). */
export type ToNodeListenerErrorType = InvalidArgumentError

/**
 * After a refused body: the answer goes out with `Connection: close`, then what the client still sends is discarded
 * for at most a second before the socket is closed (closing at once could reset the connection before the client
 * reads the answer).
 */
const closeAfter = (req: IncomingMessage, res: ServerResponse) => {
  res.once('finish', () => {
    req.resume()
    // the socket as it is now: once closed, `req.socket` is null (reading it then threw in a timer: an uncaught error)
    const socket = req.socket
    setTimeout(() => socket?.destroy(), 1000).unref()
  })
}

const capped = (req: IncomingMessage, max: number): ReadableStream<Uint8Array> => {
  let seen = 0
  const source = Readable.toWeb(req) as unknown as ReadableStream<Uint8Array>
  return source.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength
        if (seen > max) {
          controller.error(tooLarge(max))
          return
        }
        controller.enqueue(chunk)
      },
    }),
  )
}

/** Bodies up to this many bytes with a `Content-Length` are read whole before the handler runs. */
const SMALL_BODY_BYTES = 64 * 1024

/** Reads a small body whole, with listeners (an async iterator over the request cost ~2 % of a key request's CPU). */
const readSmall = (req: IncomingMessage): Promise<Uint8Array<ArrayBuffer>> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const onData = (chunk: Buffer) => chunks.push(chunk)
    const done = (err?: Error) => {
      req.off('data', onData).off('end', done).off('error', done).off('close', closed)
      if (err) return reject(err)
      const whole = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)
      resolve(new Uint8Array(whole.buffer, whole.byteOffset, whole.byteLength) as Uint8Array<ArrayBuffer>)
    }
    // the connection went before the whole body came (as the iterator's premature close)
    const closed = () =>
      done(
        Object.assign(new Error('The request was closed before its body ended.'), {
          code: 'ERR_STREAM_PREMATURE_CLOSE',
        }),
      )
    req.on('data', onData).once('end', done).once('error', done).once('close', closed)
  })

/** Writes a JSON answer of the handler's direct entry: one `res.end(text)` with its length. */
function sendAnswer(res: ServerResponse, a: Answer, head: boolean, extra: Record<string, string>): void {
  const headers: Record<string, string> = { ...a.headers, ...extra }
  if (headers.connection === 'close') res.removeHeader('keep-alive')
  headers['content-length'] = String(Buffer.byteLength(a.text))
  res.writeHead(a.status, headers)
  if (head) res.end()
  else res.end(a.text)
}

/** A header of a Node request by lower-case name, as a fetch `Headers` would give it. */
const nodeHeader =
  (req: IncomingMessage) =>
  (name: string): string | null => {
    const v = req.headers[name]
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v
  }

async function send(
  res: ServerResponse,
  response: Response,
  head: boolean,
  extra: Record<string, string> = {},
): Promise<void> {
  const headers: Record<string, string> = { ...extra }
  response.headers.forEach((v, k) => {
    headers[k] = v
  })
  // a connection about to close promises no keep-alive (a `Keep-Alive` set by `serve` is taken back)
  if (headers.connection === 'close') res.removeHeader('keep-alive')
  // a JSON answer the handler wrote as text goes out in one piece with its length, without reading its stream
  const text = knownResponseText(response)
  if (text !== undefined && headers['content-length'] === undefined) {
    headers['content-length'] = String(Buffer.byteLength(text))
    res.writeHead(response.status, headers)
    if (head) res.end()
    else res.end(text)
    return
  }
  res.writeHead(response.status, headers)
  if (head || response.body === null) {
    res.end()
    return
  }
  const reader = response.body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      if (!res.write(value)) await new Promise<void>((resolve) => res.once('drain', resolve))
    }
  } finally {
    res.end()
  }
}

/**
 * Adapts a fetch-standard handler (`createCustodianHandler`'s) to Node's `http.createServer`.
 *
 * Mounted in your own server, hold idle connections longer than clients are told (`serve` says 5 s and holds 65 s):
 * with Node's default (say 5 s, close at 5 s), a client whose event loop is late reuses a connection the server just
 * closed and the request is lost (`other side closed`).
 *
 * @param handler - `(request: Request) => Promise<Response>`
 * @param options - optional `maxBodyBytes`
 * @returns a `(req, res)` listener
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_TYPE` when `handler` is not a function
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * import { toNodeListener } from '@medseal/service/node'
 * createServer(toNodeListener(handler)).listen(8787, '127.0.0.1')
 * ```
 */
export function toNodeListener(
  handler: (request: Request) => Promise<Response>,
  options: ToNodeListenerOptions = {},
): NodeListener {
  if (typeof handler !== 'function') throw new InvalidArgumentError('INVALID_TYPE', 'handler must be a function.')
  const max = options.maxBodyBytes ?? 8 * 1024 * 1024
  // a handler from createCustodianHandler also takes the request's parts and answers JSON as text: no Request or
  // Response is built for a request that needs none (a key request)
  const direct = directOf(handler)
  return (req, res) => {
    const method = req.method ?? 'GET'
    let abort: AbortController | undefined
    let left = false
    // the request is aborted when the connection goes before the answer was sent (not after every answer: an abort
    // builds a DOMException, ~1 % of a key request's CPU for nothing)
    res.on('close', () => {
      if (res.writableFinished) return
      left = true
      abort?.abort()
    })
    const signal = () => {
      abort ??= new AbortController()
      if (left) abort.abort()
      return abort.signal
    }
    const toRequest = (body: Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array> | undefined): Request => {
      const headers = new Headers()
      for (const [k, v] of Object.entries(req.headers)) {
        if (v === undefined) continue
        headers.set(k, Array.isArray(v) ? v.join(', ') : v)
      }
      const request = new Request(new URL(req.url ?? '/', 'http://localhost'), {
        method,
        headers,
        signal: signal(),
        ...(body === undefined ? {} : { body, duplex: 'half' }),
      } as RequestInit)
      // the handler takes a body read whole as it is, without draining the Request's stream of it
      if (body instanceof Uint8Array) withKnownBody(request, body)
      return request
    }
    const run = async () => {
      const declared = Number(req.headers['content-length'] ?? 0)
      if (declared > max) {
        closeAfter(req, res)
        await send(res, problemResponse(toProblem(tooLarge(max)), { connection: 'close' }), false)
        return
      }
      const hasBody = method !== 'GET' && method !== 'HEAD'
      // a small body of declared length (a key request: ~1 KB) is read as Node buffers, without web-stream plumbing
      // (the parser stops at the declared length); any other body is streamed to the handler through the cap
      const small = hasBody && req.headers['content-length'] !== undefined && declared <= SMALL_BODY_BYTES
      const body = small ? await readSmall(req) : hasBody ? capped(req, max) : undefined
      let response: Response | Answer
      if (direct && !(body instanceof ReadableStream)) {
        let request: Request | undefined
        response = await direct({
          method,
          target: req.url ?? '/',
          header: nodeHeader(req),
          body,
          request: () => {
            request ??= toRequest(body)
            return request
          },
        })
      } else response = await handler(toRequest(body))
      const refused = response.status === 413
      if (refused) closeAfter(req, res)
      const extra: Record<string, string> = refused ? { connection: 'close' } : {}
      if (isAnswer(response)) sendAnswer(res, response, method === 'HEAD', extra)
      else await send(res, response, method === 'HEAD', extra)
    }
    run().catch((err: unknown) => {
      if (!res.headersSent) {
        // an SDK error (the body cap while the handler streamed the body) keeps its code; anything else says nothing
        closeAfter(req, res)
        void send(res, problemResponse(toProblem(err), { connection: 'close' }), false).catch(() => res.destroy())
      } else res.destroy()
    })
  }
}
