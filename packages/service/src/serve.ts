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
}

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
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_TYPE`; the listen error (a port in use)
 * @example
 * ```ts
 * import { serve } from '@medseal/service/node'
 * const server = await serve({ handler }) // http://127.0.0.1:<free port>
 * await server.close()
 * ```
 */
export async function serve(params: ServeParameters): Promise<ServeReturnType> {
  if (typeof params !== 'object' || params === null || typeof params.handler !== 'function')
    throw new InvalidArgumentError('INVALID_TYPE', 'serve parameters must be { handler, port?, host? }.')
  const host = params.host ?? '127.0.0.1'
  const server = createServer(
    toNodeListener(params.handler, params.maxBodyBytes === undefined ? {} : { maxBodyBytes: params.maxBodyBytes }),
  )
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
