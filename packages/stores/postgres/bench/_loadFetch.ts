/**
 * The service benches' load generator's HTTP: a `fetch` for `createCustodianClient` on `node:http` with a keep-alive
 * agent (at most `connections` sockets, one request at a time on each: no pipelining), so the generator, which shares
 * the machine's cores with the service, spends as little CPU per request as it can. Node's global `fetch` (undici)
 * builds WHATWG streams, a `Request` and a `Response` per call; here only the `Response` the client reads is built.
 * Bodies are strings (the client's JSON), answers are read whole.
 * @module
 */
import { Agent, request as httpRequest } from 'node:http'

/** A `fetch` over `node:http` keep-alive connections (at most `connections`), and `close()` to end them. */
export function createLoadFetch(connections: number): { readonly fetch: typeof fetch; close(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections })
  const loadFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
    new Promise((resolve, reject) => {
      const url = new URL(String(input))
      const body = init?.body as string | undefined
      const headers: Record<string, string> = { ...(init?.headers as Record<string, string> | undefined) }
      if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body))
      const r = httpRequest(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname + url.search,
          method: init?.method ?? 'GET',
          headers,
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('error', reject)
          res.on('end', () => {
            const type = res.headers['content-type']
            resolve(
              new Response(Buffer.concat(chunks), {
                status: res.statusCode ?? 0,
                headers: type === undefined ? {} : { 'content-type': type },
              }),
            )
          })
        },
      )
      r.on('error', reject)
      r.end(body)
    })
  return { fetch: loadFetch as typeof fetch, close: () => agent.destroy() }
}
