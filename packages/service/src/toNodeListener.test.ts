import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { Worker } from 'node:worker_threads'
import { fc } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { readJson } from './_body.js'
import { createTestService } from './_testService.js'
import { isPlainTarget, jsonResponse as json } from './createCustodianHandler.js'
import { serve } from './serve.js'
import { toNodeListener } from './toNodeListener.js'

/** A raw request (node:http) so the test controls Content-Length and chunking. */
function raw(url: string, opts: { method?: string; headers?: Record<string, string>; chunks?: string[] }) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const r = httpRequest(url, { method: opts.method ?? 'POST', headers: opts.headers ?? {} }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c) => {
        body += c
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    r.on('error', reject)
    for (const c of opts.chunks ?? []) r.write(c)
    r.end()
  })
}

const echo = async (request: Request) => {
  const text = request.body ? await new Response(request.body).text() : ''
  return new Response(
    JSON.stringify({ method: request.method, path: new URL(request.url).pathname, length: text.length }),
    {
      headers: { 'content-type': 'application/json', 'x-test': 'yes' },
    },
  )
}

describe('serve and toNodeListener (node:http on 127.0.0.1)', () => {
  it('passes method, path, headers and the body to the handler and its answer back', async () => {
    const server = await serve({ handler: echo })
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`)
      const res = await fetch(`${server.url}/v1/x?y=1`, { method: 'POST', body: 'hello' })
      expect(res.headers.get('x-test')).toBe('yes')
      expect(await res.json()).toEqual({ method: 'POST', path: '/v1/x', length: 5 })
      const head = await fetch(`${server.url}/v1/x`, { method: 'HEAD' })
      expect(head.status).toBe(200)
      expect(await head.text()).toBe('')
    } finally {
      await server.close()
    }
  })

  it('INPUT_TOO_LARGE: a declared Content-Length over the cap is refused unread; a chunked body is cut off', async () => {
    const server = await serve({ handler: echo, maxBodyBytes: 100 })
    try {
      const declared = await raw(`${server.url}/v1/x`, {
        headers: { 'content-length': '1000', 'content-type': 'application/json' },
        chunks: ['x'.repeat(1000)],
      })
      expect(declared.status).toBe(413)
      expect(JSON.parse(declared.body)).toMatchObject({ code: 'INPUT_TOO_LARGE', status: 413 })
      const chunked = await raw(`${server.url}/v1/x`, {
        headers: { 'transfer-encoding': 'chunked' },
        chunks: ['x'.repeat(60), 'x'.repeat(60)],
      })
      // the echo handler reads the stream, which errors past the cap with INPUT_TOO_LARGE
      expect(chunked.status).toBe(413)
      expect(JSON.parse(chunked.body)).toMatchObject({ code: 'INPUT_TOO_LARGE' })
      // the server still serves afterwards
      expect((await fetch(`${server.url}/ok`)).status).toBe(200)
    } finally {
      await server.close()
    }
  })

  it('a handler that throws is a SERVICE_ERROR problem; serve picks a free port per call', async () => {
    const server = await serve({
      handler: async () => {
        throw new Error('boom with a secret')
      },
    })
    const other = await serve({ handler: echo })
    try {
      expect(other.port).not.toBe(server.port)
      const res = await fetch(`${server.url}/v1/health`)
      expect(res.status).toBe(500)
      expect(res.headers.get('content-type')).toBe('application/problem+json')
      const body = await res.text()
      expect(JSON.parse(body).code).toBe('SERVICE_ERROR')
      expect(body).not.toContain('secret')
    } finally {
      await server.close()
      await other.close()
    }
  })

  it('rejects bad arguments', async () => {
    expect(() => toNodeListener(null as never)).toThrow(expect.objectContaining({ code: 'INVALID_TYPE' }))
    await expect(serve({} as never)).rejects.toMatchObject({ code: 'INVALID_TYPE' })
  })
})

/**
 * A client in its own thread: `n` POSTs at once, then its event loop blocked for `stallMs` (as a busy client's is),
 * then `n` POSTs at once on the connections it kept; returns the failures of each burst.
 */
function stalledClient(url: string, n: number, stallMs: number): Promise<{ first: string[]; second: string[] }> {
  const code = `
    const { parentPort, workerData: { url, n, stallMs } } = require('node:worker_threads')
    const fire = () => Promise.all(Array.from({ length: n }, () =>
      fetch(url, { method: 'POST', body: '{}' }).then((r) => r.text()).then(() => 'ok', (e) => String(e.cause ?? e))))
    ;(async () => {
      const first = (await fire()).filter((x) => x !== 'ok')
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, stallMs)
      const second = (await fire()).filter((x) => x !== 'ok')
      parentPort.postMessage({ first, second })
    })()`
  const worker = new Worker(code, { eval: true, workerData: { url, n, stallMs } })
  return new Promise((resolve, reject) => {
    worker.once('message', (m) => {
      void worker.terminate()
      resolve(m)
    })
    worker.once('error', reject)
  })
}

/** Waits until `done()` holds (gives up after 45 s, well past any loaded machine's delay, within the test's time). */
async function until(done: () => boolean) {
  for (let i = 0; i < 4500 && !done(); i++) await new Promise((r) => setTimeout(r, 10))
  expect(done()).toBe(true)
}

describe('serve: bodies already whole in memory', () => {
  it('a small body reaches the handler whole and still readable as a stream; a JSON answer goes out with its length', async () => {
    const seen: unknown[] = []
    const server = await serve({
      handler: async (request) => {
        // the handler's own reader takes the bytes the adapter read; the Request's stream still holds the same bytes
        const viaReader = await readJson(request, 1024)
        const viaStream = await request.json()
        seen.push(viaReader, viaStream)
        return json({ text: 'Größe ✓', n: 1 })
      },
    })
    try {
      const body = JSON.stringify({ name: 'Ünïcode ✓', list: [1, 2, 3] })
      const res = await raw(`${server.url}/v1/x`, {
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
        chunks: [body],
      })
      expect(seen).toEqual([JSON.parse(body), JSON.parse(body)])
      expect(res.status).toBe(200)
      expect(JSON.parse(res.body)).toEqual({ text: 'Größe ✓', n: 1 })
      // the length in bytes (not characters), and no chunked encoding
      expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.body)))
      expect(res.headers['transfer-encoding']).toBeUndefined()
      expect(res.headers['content-type']).toBe('application/json')
      // a known body over the handler's cap is refused like a streamed one
      const big = JSON.stringify({ pad: 'x'.repeat(2000) })
      const refused = await raw(`${server.url}/v1/x`, {
        headers: { 'content-type': 'application/json', 'content-length': String(big.length) },
        chunks: [big],
      })
      expect(JSON.parse(refused.body).code).toBe('INPUT_TOO_LARGE')
    } finally {
      await server.close()
    }
  })

  it('an answer whose body was read or replaced is sent from its stream, not from the text it was made with', async () => {
    const server = await serve({
      handler: async (request) => {
        const made = json({ original: true })
        if (new URL(request.url).pathname === '/replaced')
          return new Response(JSON.stringify({ replaced: true }), { headers: made.headers })
        // read once and rebuilt from the text: a wrapper that logs bodies
        const text = await made.text()
        return new Response(text.replace('true', 'false'), { headers: made.headers })
      },
    })
    try {
      expect(await (await fetch(`${server.url}/replaced`)).json()).toEqual({ replaced: true })
      expect(await (await fetch(`${server.url}/read`)).json()).toEqual({ original: false })
    } finally {
      await server.close()
    }
  })

  it("the request's signal aborts when the client goes before the answer, and not after an answer was sent", async () => {
    const signals: AbortSignal[] = []
    let release: () => void = () => {}
    const server = await serve({
      handler: async (request) => {
        signals.push(request.signal)
        if (new URL(request.url).pathname === '/slow') await new Promise<void>((r) => (release = r))
        return json({ ok: true })
      },
    })
    try {
      expect(await (await fetch(`${server.url}/fast`)).json()).toEqual({ ok: true })
      const gone = new AbortController()
      const slow = fetch(`${server.url}/slow`, { signal: gone.signal }).catch(() => 'aborted')
      await until(() => signals.length === 2)
      gone.abort()
      await until(() => signals[1]?.aborted === true)
      release()
      expect(await slow).toBe('aborted')
      expect(signals[0]?.aborted).toBe(false)
    } finally {
      await server.close()
    }
  })
})

describe("serve: the custodian handler's direct entry", () => {
  it('a key request builds no Request or Response and answers as the fetch handler does; a route that reads the request gets one', async () => {
    const seen: { body: unknown; aborted: boolean; type: string | null }[] = []
    const t = await createTestService({
      cors: { origins: ['https://app.test'] },
      routes: [
        {
          method: 'POST',
          template: '/v1/echo/{id}',
          handle: async ({ request, params }) => {
            seen.push({
              body: await request.json(),
              aborted: request.signal.aborted,
              type: request.headers.get('content-type'),
            })
            return new Response(JSON.stringify({ id: params.id }), { headers: { 'content-type': 'application/json' } })
          },
        },
      ],
    })
    await t.custodian.deposit(await t.deposit())
    const { token } = await t.grant()
    const server = await serve({ handler: t.handler })
    // every Request and Response this process builds from here (the raw client builds none)
    const built = { request: 0, response: 0 }
    const [Req, Res] = [globalThis.Request, globalThis.Response]
    globalThis.Request = class extends Req {
      constructor(...args: ConstructorParameters<typeof Request>) {
        super(...args)
        built.request++
      }
    }
    globalThis.Response = class extends Res {
      constructor(...args: ConstructorParameters<typeof Response>) {
        super(...args)
        built.response++
      }
    }
    try {
      const post = (path: string, value: unknown, headers: Record<string, string> = {}) => {
        const body = typeof value === 'string' ? value : JSON.stringify(value)
        return raw(`${server.url}${path}`, {
          headers: {
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
            ...headers,
          },
          chunks: [body],
        })
      }
      const released = await post('/v1/key-requests', await t.ask(token.consent.id), { origin: 'https://app.test' })
      expect(released.status).toBe(200)
      expect(JSON.parse(released.body).decision.allowed).toBe(true)
      expect(released.headers['content-length']).toBe(String(Buffer.byteLength(released.body)))
      expect(released.headers['access-control-allow-origin']).toBe('https://app.test')
      const health = await raw(`${server.url}/v1/health`, { method: 'GET' })
      expect(JSON.parse(health.body).status).toBe('ok')
      expect(built).toEqual({ request: 0, response: 0 })
      // a refusal is the fetch handler's problem, byte for byte
      const replayed = await t.ask(token.consent.id)
      await post('/v1/key-requests', replayed)
      const again = await post('/v1/key-requests', replayed)
      globalThis.Request = Req
      const viaFetch = await t.handler(
        new Req('http://custodian.test/v1/key-requests', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(replayed),
        }),
      )
      expect(again.status).toBe(viaFetch.status)
      expect(JSON.parse(again.body)).toEqual(await viaFetch.json())
      expect(JSON.parse(again.body).code).toBe('REQUEST_REPLAYED')
      // a body over the route's cap and one that is not JSON, refused as the fetch handler refuses them
      const big = await post('/v1/key-requests', { pad: 'x'.repeat(70 * 1024) })
      expect([big.status, JSON.parse(big.body).code]).toEqual([413, 'INPUT_TOO_LARGE'])
      const notJson = await post('/v1/key-requests', '{"a":', {})
      expect(JSON.parse(notJson.body).code).toBe('INVALID_JSON')
      const wrongType = await post('/v1/key-requests', '{}', { 'content-type': 'text/plain' })
      expect(JSON.parse(wrongType.body).code).toBe('INVALID_ARGUMENT')
      // an added route reads the Request, built from the same bytes and headers
      const echoed = await post('/v1/echo/a%20b', { hello: 'wörld' })
      expect(JSON.parse(echoed.body)).toEqual({ id: 'a b' })
      expect(seen).toEqual([{ body: { hello: 'wörld' }, aborted: false, type: 'application/json' }])
    } finally {
      globalThis.Request = Req
      globalThis.Response = Res
      await server.close()
    }
  })
})

describe("serve: the direct entry's plain targets and small bodies", () => {
  it('a plain target is its own URL path (fast-check); others are parsed as URLs', () => {
    const alphabet = fc.constantFrom(...'/aZ09-_~.%?#\\@:;=&+ '.split(''))
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 24 }).map((cs) => `/${cs.join('')}`),
        (target) => {
          if (isPlainTarget(target)) expect(new URL(target, 'http://localhost').pathname).toBe(target)
        },
      ),
      { numRuns: 2000 },
    )
    expect(['/v1/key-requests', '/v1/log/head', '/', '/v1//x'].every(isPlainTarget)).toBe(true)
    expect(
      ['//v1/health', '/v1/./health', '/v1/%68ealth', '/v1/log/entries?start=0', '/a\\b', 'v1'].some(isPlainTarget),
    ).toBe(false)
  })

  it('targets that are not plain answer as the fetch handler answers them', async () => {
    const t = await createTestService()
    const server = await serve({ handler: t.handler })
    try {
      for (const target of [
        '/v1/log/entries?start=0&limit=1',
        '/v1/./health',
        '/v1/x/../health',
        '/v1/%68ealth',
        '/v1//health',
      ]) {
        const viaNode = await raw(`${server.url}${target}`, { method: 'GET' })
        const viaFetch = await t.handler(new Request(`http://custodian.test${target}`))
        expect([target, viaNode.status]).toEqual([target, viaFetch.status])
        const body = JSON.parse(viaNode.body)
        expect(body).toEqual(await viaFetch.json())
      }
    } finally {
      await server.close()
    }
  })

  it('a client that leaves in the middle of a small body: nothing reaches the handler, the server serves on', async () => {
    let calls = 0
    const server = await serve({
      handler: async (request) => {
        calls++
        return echo(request)
      },
    })
    try {
      const socket = connect({ host: '127.0.0.1', port: server.port })
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
      socket.write(
        'POST /v1/x HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":',
      )
      await new Promise((r) => setTimeout(r, 100))
      socket.destroy()
      await new Promise((r) => setTimeout(r, 100))
      expect(calls).toBe(0)
      const res = await raw(`${server.url}/v1/x`, { headers: { 'content-length': '2' }, chunks: ['{}'] })
      expect([res.status, JSON.parse(res.body).length, calls]).toEqual([200, 2, 1])
    } finally {
      await server.close()
    }
  })
})

describe('serve: keep-alive', () => {
  it('a client whose event loop stalls past the advertised keep-alive loses no request on a reused connection', async () => {
    // the client keeps a connection 1 s (advertised 3 s less undici's 2 s margin) but its timers are 4.5 s late; with
    // Node's default the server closed every idle connection at 3 s and most of the second burst failed with
    // "other side closed"
    const server = await serve({ handler: echo, keepAliveSeconds: 3 })
    try {
      const hint = await raw(`${server.url}/v1/x`, { method: 'GET' })
      expect(hint.headers['keep-alive']).toBe('timeout=3')
      const { first, second } = await stalledClient(`${server.url}/v1/x`, 100, 4_500)
      expect(first).toEqual([])
      expect(second).toEqual([])
    } finally {
      await server.close()
    }
  }, 30_000)

  it('a refused body answers Connection: close with no keep-alive promise; keepAliveSeconds is checked', async () => {
    const server = await serve({ handler: echo, maxBodyBytes: 10 })
    try {
      const res = await raw(`${server.url}/v1/x`, { headers: { 'content-length': '100' }, chunks: ['x'.repeat(100)] })
      expect(res.status).toBe(413)
      expect(res.headers.connection).toBe('close')
      expect(res.headers['keep-alive']).toBeUndefined()
    } finally {
      await server.close()
    }
    for (const keepAliveSeconds of [0, 1.5, Number.NaN])
      await expect(serve({ handler: echo, keepAliveSeconds })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
  })
})
