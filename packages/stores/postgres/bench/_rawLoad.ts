/**
 * The service benches' load generator for the timed rounds: each clinician's key requests are serialized to the
 * HTTP/1.1 bytes `createCustodianClient`'s `releaseKey` sends (`POST /v1/key-requests`, `Content-Type:
 * application/json`, the body `JSON.stringify(signed request)`) **before** the round's clock starts, then written on
 * one keep-alive `node:net` socket per clinician, one request at a time (no pipelining). An answer is read as its
 * status and its `Content-Length` bytes (the service sends every answer with its length) and kept whole; the clinician
 * decodes and opens it after the clock (`decodeReleaseAnswer`). So the generator, which shares the machine's cores
 * with the service and PostgreSQL, spends per request about one socket write and one read, and the figures are the
 * service's. Test helper for benches, not a general HTTP client: anything but a `Content-Length` answer fails the run.
 * @module
 */
import { connect, type Socket } from 'node:net'
import { base64urlToBytes, decodeEnvelope, type Envelope, type SignedKeyRequest } from '@medseal/core'

/** An answer as read off the socket. */
export type RawAnswer = { readonly status: number; readonly body: Buffer }

/** The bytes `client.releaseKey(request)` sends to the service at `url`. */
export function serializeKeyRequest(url: URL, request: SignedKeyRequest): Buffer {
  const body = Buffer.from(JSON.stringify(request))
  const head =
    `POST ${url.pathname.replace(/\/+$/, '')}/v1/key-requests HTTP/1.1\r\nHost: ${url.host}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${body.byteLength}\r\n\r\n`
  return Buffer.concat([Buffer.from(head, 'latin1'), body])
}

/** The envelope of a key request's answer, as `client.releaseKey` decodes it (a non-200 answer throws). */
export function decodeReleaseAnswer(answer: RawAnswer): Envelope {
  const text = answer.body.toString('utf8')
  if (answer.status !== 200) throw new Error(`the service answered ${answer.status}: ${text.slice(0, 300)}`)
  const value = JSON.parse(text) as { envelope?: unknown }
  if (typeof value.envelope !== 'string') throw new Error('the answer carries no envelope')
  return decodeEnvelope(base64urlToBytes(value.envelope))
}

const HEAD_END = Buffer.from('\r\n\r\n')

/** One keep-alive connection: `send` writes a request and resolves with its whole answer. */
function lane(url: URL) {
  let socket: Socket | undefined
  let pending: { resolve: (a: RawAnswer) => void; reject: (e: Error) => void } | undefined
  let buffered: Buffer = Buffer.alloc(0)
  const fail = (err: Error) => {
    const p = pending
    pending = undefined
    p?.reject(err)
  }
  const onData = (chunk: Buffer) => {
    buffered = buffered.byteLength === 0 ? chunk : Buffer.concat([buffered, chunk])
    const end = buffered.indexOf(HEAD_END)
    if (end < 0) return
    const head = buffered.toString('latin1', 0, end)
    const status = Number(head.slice(9, 12))
    const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1]
    if (length === undefined) {
      fail(new Error(`an answer without Content-Length: ${head.split('\r\n')[0]}`))
      socket?.destroy()
      return
    }
    const total = end + 4 + Number(length)
    if (buffered.byteLength < total) return
    if (buffered.byteLength > total) {
      fail(new Error('bytes after the answer (the service answered more than it was asked)'))
      socket?.destroy()
      return
    }
    const body = buffered.subarray(end + 4, total)
    buffered = Buffer.alloc(0)
    const p = pending
    pending = undefined
    // a `Connection: close` answer: the next request opens a new connection
    if (/\r\nconnection: *close/i.test(head)) socket?.end()
    p?.resolve({ status, body })
  }
  const open = (): Socket => {
    const s = connect({ host: url.hostname, port: Number(url.port) })
    s.setNoDelay(true)
    s.on('data', onData)
    s.on('error', (e) => fail(e))
    s.on('close', () => {
      if (socket === s) socket = undefined
      buffered = Buffer.alloc(0)
      fail(new Error('the connection closed before the answer'))
    })
    return s
  }
  return {
    send(bytes: Buffer): Promise<RawAnswer> {
      if (pending) return Promise.reject(new Error('one request at a time on a lane'))
      return new Promise<RawAnswer>((resolve, reject) => {
        pending = { resolve, reject }
        socket ??= open()
        socket.write(bytes)
      })
    },
    close() {
      socket?.destroy()
    },
  }
}

/** `lanes` keep-alive connections to the service at `url`, one request at a time on each. */
export function createRawLoad(url: string | URL, lanes: number) {
  const target = new URL(String(url))
  const all = Array.from({ length: lanes }, () => lane(target))
  return {
    url: target,
    /** Writes `bytes` on lane `i` and resolves with the answer. */
    send: (i: number, bytes: Buffer): Promise<RawAnswer> => (all[i] as ReturnType<typeof lane>).send(bytes),
    close: () => {
      for (const l of all) l.close()
    },
  }
}

/** The load generator of {@link createRawLoad}. */
export type RawLoad = ReturnType<typeof createRawLoad>
