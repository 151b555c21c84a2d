/**
 * Serves a fetch-standard handler over Node's `http` on 127.0.0.1 (by default) at a port (0: a free one).
 * @module
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { InvalidArgumentError } from '@medseal/core'
import { toNodeListener } from './toNodeListener.js'

/** Parameters of {@link serve}. */
export type ServeParameters = {
  readonly handler: (request: Request) => Promise<Response>
  /** Port (default 0: the system picks a free one; read it from the result). */
  readonly port?: number
  /** Interface (default `127.0.0.1`: reachable from this machine only). */
  readonly host?: string
  /** The most body bytes read from one request (default 8 MiB). */
  readonly maxBodyBytes?: number
  /**
   * How long clients are told they may keep an idle connection (`Keep-Alive: timeout=N`, seconds; default 5). The
   * server holds idle connections 60 s longer than it says, so a client that reuses one
   * late (its timers delayed by a busy event loop) never writes a request into a connection the server just closed.
   */
  readonly keepAliveSeconds?: number
}

/**
 * How much longer than advertised the server keeps an idle connection open, seconds. Without it, a client whose event
 * loop was busy past the advertised time reuses a connection the server has closed: the request is lost with
 * `other side closed` (a key request cannot be blindly re-sent: it is single-use and a replay is logged).
 */
const KEEP_ALIVE_GRACE_SECONDS = 60

/** A running server. */
export type ServeReturnType = {
  /** `http://host:port` */
  readonly url: string
  readonly port: number
  /** Stops accepting, closes idle connections, resolves when every connection is closed. */
  close(): Promise<void>
}

/** Errors {@link serve} throws. */
export type ServeErrorType = InvalidArgumentError | Error

/**
 * Starts an HTTP server for the handler.
 *
 * @param params - {@link ServeParameters}
 * @returns the server's URL, port and `close()`
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_TYPE`; `INVALID_ARGUMENT` for a `keepAliveSeconds` that
 *   is not a whole number ≥ 1; the listen error (a port in use)
 * @example
 * ```ts
 * import { serve } from '@medseal/service/node'
 * const server = await serve({ handler }) // http://127.0.0.1:<free port>
 * await server.close()
 * ```
 */
export async function serve(params: ServeParameters): Promise<ServeReturnType> {
  if (typeof params !== 'object' || params === null || typeof params.handler !== 'function')
    throw new InvalidArgumentError(
      'INVALID_TYPE',
      'serve parameters must be { handler, port?, host?, maxBodyBytes?, keepAliveSeconds? }.',
    )
  const host = params.host ?? '127.0.0.1'
  const keepAlive = params.keepAliveSeconds ?? 5
  if (!Number.isSafeInteger(keepAlive) || keepAlive < 1)
    throw new InvalidArgumentError(
      'INVALID_ARGUMENT',
      'keepAliveSeconds must be a whole number of seconds, at least 1.',
    )
  const listener = toNodeListener(
    params.handler,
    params.maxBodyBytes === undefined ? {} : { maxBodyBytes: params.maxBodyBytes },
  )
  const hint = `timeout=${keepAlive}`
  // Node writes `Keep-Alive: timeout=<keepAliveTimeout>` unless the response sets its own: it says less than it holds.
  const server = createServer((req, res) => {
    res.setHeader('keep-alive', hint)
    listener(req, res)
  })
  server.keepAliveTimeout = (keepAlive + KEEP_ALIVE_GRACE_SECONDS) * 1000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(params.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  const shown = host.includes(':') ? `[${host}]` : host
  return Object.freeze({
    url: `http://${shown}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()))
        server.closeIdleConnections()
      }),
  })
}
