/**
 * The custodian as an HTTP handler on the WHATWG fetch standard, `(request: Request) => Promise<Response>`: it mounts
 * unchanged in Node (through `@medseal/service/node`), Hono, Next.js route handlers, Deno, Bun and Workers. No Node
 * built-ins here.
 *
 * Authorization is only the signatures the SDK defines: a deposit carries the owner's signed statement, a key request
 * the requester's EIP-712 signature, a break-glass access the clinician's; updates, purges and erasures are checked
 * against the ledger by the custodian itself. There are no sessions and no passwords.
 * @module
 */
import {
  type AccessEvent,
  type AccessLog,
  type Address,
  type BreakGlass,
  buildTlogTiles,
  type CheckpointOperator,
  type Custodian,
  createAccessLogCheckpoint,
  type Deposit,
  encodeAccessEvent,
  exportIdentity,
  InvalidArgumentError,
  type LedgerAdapter,
  type Secp256k1Recovery,
  type SignedKeyRequest,
  verifyDepositStatement,
  verifyKeyRequest,
} from '@medseal/core'
import { parseJsonBytes, readJson } from './_body.js'
import { type Answer, type DirectRequest, isAnswer, answer as makeAnswer, withDirect } from './_direct.js'
import { withKnownBody } from './_known.js'
import { problemResponse, toProblem } from './_problem.js'
import { createRateLimiter, type RateLimitOptions } from './_rateLimit.js'
import { handleLedgerRelay, LEDGER_RELAY_ROUTES } from './_relay.js'
import { answerReviewRequest } from './_reviews.js'
import { depositFromJson, entryToJson, envelopeToJson, hashesToJson, isObject } from './_wire.js'
import { openApiDocument } from './openApiDocument.js'
import { ServiceError } from './serviceError.js'

/** The access log as the handler reads it (an `AccessLog` from `createAccessLog`). */
export type HandlerAccessLog = Pick<
  AccessLog,
  'logId' | 'name' | 'operator' | 'signedHead' | 'getEvent' | 'proveInclusion' | 'proveConsistency'
>

/** CORS settings (default: no CORS headers at all, so browsers on other origins are refused). */
export type CorsOptions = {
  /** Origins allowed to call the API (`'*'`: any). */
  readonly origins: readonly string[] | '*'
  /** How long a browser may cache a preflight answer, seconds (default 600). */
  readonly maxAgeSeconds?: number
}

/** Request size limits. */
export type LimitOptions = {
  /** Largest deposit or update body, bytes (default 4 MiB). */
  readonly depositBytes?: number
  /** Largest body of every other route, bytes (default 64 KiB). */
  readonly bodyBytes?: number
  /** Most log entries one read returns (default 256). */
  readonly logPage?: number
}

/** One structured event per request: never a body, a key, a signature or any resource text. */
export type ServiceLogEvent = {
  /** The route template (`/v1/key-requests`, `/v1/entries/{commitment}`), not the path. */
  readonly route: string
  readonly method: string
  readonly status: number
  /** The error code, when the answer is a problem. */
  readonly code?: string
  readonly durationMs: number
}

/** Parameters of {@link createCustodianHandler}. */
export type CreateCustodianHandlerParameters = {
  readonly custodian: Custodian
  /** The access log the custodian writes to: served read-only (heads, entries, proofs, checkpoint, tiles). */
  readonly accessLog: HandlerAccessLog
  /** The ledger the custodian uses (its domain checks signatures; the relay serves it when enabled). */
  readonly ledger: LedgerAdapter
  /** The break-glass service the custodian honours: enables `POST /v1/break-glass` and the review routes. */
  readonly breakGlass?: BreakGlass
  /** Addresses of the privacy officers who may list and mark break-glass reviews (signed requests). */
  readonly reviewers?: readonly Address[]
  readonly cors?: CorsOptions
  readonly limits?: LimitOptions
  /**
   * Per-identity rate limits (default on: burst 60, 20 per second); `false` turns them off. To count a key request or a
   * deposit by its signer the handler recovers the signer before the custodian does. Each is still checked once: the
   * custodian takes the handler's check of the (frozen) key request or deposit statement.
   */
  readonly rateLimit?: RateLimitOptions | false
  /**
   * The secp256k1 recovery the handler counts signers with (default `@noble/curves`): on a server, the very object the
   * custodian was given, e.g. `createNativeSecp256k1Recovery()` from `@medseal/core/node` (libsecp256k1).
   */
  readonly secp256k1?: Secp256k1Recovery
  /** Receives one {@link ServiceLogEvent} per request. */
  readonly logger?: (event: ServiceLogEvent) => void
  /** Signs C2SP checkpoints of the access log and serves its tiles (`/v1/log/checkpoint`, `/v1/log/tile/...`). */
  readonly checkpoint?: { readonly operator: CheckpointOperator; readonly origin: string }
  /**
   * Serves the ledger's reads and signed writes under `/v1/ledger` (default false), so browsers share a ledger that
   * lives in this process (the file-backed memory ledger). Reads are trusted to the service.
   */
  readonly ledgerRelay?: boolean
  /** A path prefix the handler is mounted under (e.g. `/api/custodian`); routes are matched after it. */
  readonly basePath?: string
  /**
   * More routes served beside the custodian's (e.g. SMART Health Links: `createShlRoutes` of `@medseal/smart-health`).
   * Each answers its own responses; an error it throws becomes a problem response like any route's.
   */
  readonly routes?: readonly ExtraRoute[]
}

/** The handler. */
export type CustodianHandler = (request: Request) => Promise<Response>

/** Errors {@link createCustodianHandler} throws (bad parameters); requests never throw, they answer problems. */
export type CreateCustodianHandlerErrorType = InvalidArgumentError

/** A route added with `routes` (`template` segments in braces are parameters, e.g. `/v1/shl/{id}/manifest`). */
export type ExtraRoute = {
  readonly method: 'GET' | 'POST'
  readonly template: string
  readonly handle: (ctx: {
    readonly request: Request
    readonly params: Readonly<Record<string, string>>
    readonly url: URL
  }) => Promise<Response>
}

/** A matched request. @internal */
export type RouteContext = {
  readonly request: Request
  readonly params: Readonly<Record<string, string>>
  readonly url: URL
  /** Takes a token for a signed identity; throws `RATE_LIMITED`. */
  readonly limit: (identity: string) => void
  readonly json: (max?: number) => Promise<unknown>
}

type Route = {
  readonly method: string
  readonly template: string
  readonly segments: readonly string[]
  readonly handle: (ctx: RouteContext) => Promise<Response | Answer>
}

const JSON_HEADERS = Object.freeze({ 'content-type': 'application/json', 'cache-control': 'no-store' })

/** A JSON answer (made a `Response` by the fetch handler; written as it is by the Node adapter). @internal */
export const json = (value: unknown, status = 200): Answer => makeAnswer(status, JSON_HEADERS, JSON.stringify(value))

/** The `Response` of an answer, its text known to the Node adapter. */
const toResponse = (a: Answer): Response =>
  withKnownBody(new Response(a.text, { status: a.status, headers: a.headers }), a.text)

/** A JSON `Response`, as the fetch handler answers one. @internal */
export const jsonResponse = (value: unknown, status = 200): Response => toResponse(json(value, status))

/** A request as the routes see it, from a `Request` (the fetch handler) or from its parts (the Node adapter). */
type Incoming = {
  readonly method: string
  /** The URL's path (`url().pathname`, known without parsing the URL for a plain target). */
  readonly path: string
  readonly url: () => URL
  readonly header: (name: string) => string | null
  readonly json: (max: number) => Promise<unknown>
  readonly request: () => Request
}

/**
 * A request target that is its own URL path: `/` then letters, digits, `-`, `_`, `~` and `/` (not `//` first, which a
 * URL reads as a host). No query, dot segment, percent escape or backslash, so `new URL(target, base).pathname` is
 * `target` (fast-check). @internal
 */
export const isPlainTarget = (target: string): boolean => /^\/(?!\/)[\w~/-]*$/.test(target)

const notFound = (what = 'No such route.') => new ServiceError('NOT_FOUND', what)

const safeDecode = (part: string): string => {
  try {
    return decodeURIComponent(part)
  } catch {
    throw notFound()
  }
}

const index = (v: string | null, name: string, fallback?: number): number => {
  if (v === null && fallback !== undefined) return fallback
  const n = v === null || !/^\d{1,15}$/.test(v) ? Number.NaN : Number(v)
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('INVALID_ARGUMENT', `${name} must be a whole number.`)
  return n
}

const bytes32 = (v: string | undefined, name: string): string => {
  if (v === undefined || !/^0x[0-9a-fA-F]{64}$/.test(v))
    throw new InvalidArgumentError('INVALID_ARGUMENT', `${name} must be 0x followed by 64 hex digits.`)
  return v.toLowerCase()
}

/**
 * Creates the custodian's HTTP handler.
 *
 * Routes (all under `/v1`): `GET health`, `GET identity`, `GET openapi.json`, `POST deposits`, `POST updates`,
 * `POST key-requests`, `GET entries/{commitment}`, `POST purges`, `POST erasures`, `GET log`, `GET log/head`,
 * `GET log/entries`, `GET log/proofs/inclusion`, `GET log/proofs/consistency`, `GET log/checkpoint`,
 * `GET log/tile/...`, `POST break-glass`, `POST break-glass/reviews`, `POST break-glass/reviews/mark`, and with `ledgerRelay` the `ledger/...` routes. See the OpenAPI document.
 *
 * @param params - {@link CreateCustodianHandlerParameters}
 * @returns `(request: Request) => Promise<Response>`; every error is an RFC 9457 `application/problem+json` with the
 *   SDK's `code`
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_TYPE` for missing parts
 * @example
 * ```ts
 * import { createCustodianHandler } from '@medseal/service'
 * const handler = createCustodianHandler({ custodian, accessLog: log, ledger })
 * const res = await handler(new Request('http://localhost/v1/health'))
 * await res.json() // { status: 'ok', ... }
 * ```
 */
export function createCustodianHandler(params: CreateCustodianHandlerParameters): CustodianHandler {
  if (!isObject(params)) throw new InvalidArgumentError('INVALID_TYPE', 'handler parameters must be an object.')
  const { custodian, accessLog, ledger, breakGlass, logger } = params
  if (typeof custodian?.releaseKey !== 'function')
    throw new InvalidArgumentError('INVALID_TYPE', 'custodian must be a Custodian.')
  if (typeof accessLog?.signedHead !== 'function')
    throw new InvalidArgumentError('INVALID_TYPE', 'accessLog must be an AccessLog.')
  if (typeof ledger?.getTime !== 'function') throw new InvalidArgumentError('INVALID_TYPE', 'ledger is required.')
  if (logger !== undefined && typeof logger !== 'function')
    throw new InvalidArgumentError('INVALID_TYPE', 'logger must be a function.')
  const depositBytes = params.limits?.depositBytes ?? 4 * 1024 * 1024
  const bodyBytes = params.limits?.bodyBytes ?? 64 * 1024
  const logPage = params.limits?.logPage ?? 256
  const basePath = (params.basePath ?? '').replace(/\/+$/, '')
  const limiter = params.rateLimit === false ? undefined : createRateLimiter(params.rateLimit ?? {})
  const clientKey = params.rateLimit === false ? undefined : params.rateLimit?.clientKey
  const cors = params.cors
  const domain = ledger.domain
  if (params.secp256k1 !== undefined && typeof params.secp256k1?.recoverPublicKey !== 'function')
    throw new InvalidArgumentError(
      'INVALID_TYPE',
      'secp256k1 must be a Secp256k1Recovery ({ name, recoverPublicKey }).',
    )
  const recovery = params.secp256k1 ? { secp256k1: params.secp256k1 } : undefined

  const take = (key: string) => {
    const wait = limiter?.take(key) ?? 0
    if (wait > 0) {
      const err = new ServiceError('RATE_LIMITED', 'Too many requests: retry later.')
      ;(err as ServiceError & { retryAfter?: number }).retryAfter = wait
      throw err
    }
  }

  // One cache: the tiles of the last checkpoint served (rebuilt when the log grew).
  let tiles: { size: number; files: Map<string, Uint8Array> } | undefined
  const currentTiles = async () => {
    const cp = params.checkpoint
    if (!cp) throw notFound('This service publishes no checkpoint.')
    const head = await accessLog.signedHead()
    if (tiles?.size !== head.head.treeSize) {
      const checkpoint = await createAccessLogCheckpoint({ head, operator: cp.operator, origin: cp.origin })
      const entries: Uint8Array[] = []
      for (let i = 0; i < head.head.treeSize; i++) entries.push(encodeAccessEvent(await accessLog.getEvent(i)))
      tiles = { size: head.head.treeSize, files: buildTlogTiles({ checkpoint, entries }) }
    }
    return tiles.files
  }

  const routes: Route[] = []
  const route = (method: string, template: string, handle: Route['handle']) =>
    routes.push({ method, template, segments: template.split('/').filter(Boolean), handle })

  route('GET', '/v1/health', async () => {
    const head = await accessLog.signedHead()
    return json({
      status: 'ok',
      ledger: ledger.name,
      ledgerId: ledger.ledgerId,
      domain: ledger.domain,
      logSize: head.head.treeSize,
      ...(breakGlass ? { breakGlassService: breakGlass.serviceId } : {}),
    })
  })
  route('GET', '/v1/identity', async () => json(exportIdentity(custodian.identity)))
  route('GET', '/v1/openapi.json', async () => json(openApiDocument))
  /** Counts a deposit's owner, recovered here; frozen (JSON: data fields only), the custodian takes this check. */
  const limitDeposit = (ctx: RouteContext, deposit: Deposit) => {
    if (!limiter) return
    Object.freeze(Object.freeze(deposit.statement).statement)
    ctx.limit(verifyDepositStatement(domain, deposit.statement, recovery).owner)
  }
  route('POST', '/v1/deposits', async (ctx) => {
    const deposit = depositFromJson(await ctx.json(depositBytes))
    limitDeposit(ctx, deposit)
    return json({ entry: entryToJson(await custodian.deposit(deposit)) }, 201)
  })
  route('POST', '/v1/updates', async (ctx) => {
    const deposit = depositFromJson(await ctx.json(depositBytes))
    limitDeposit(ctx, deposit)
    return json({ entry: entryToJson(await custodian.updateRecord(deposit)) }, 201)
  })
  route('POST', '/v1/key-requests', async (ctx) => {
    const body = (await ctx.json()) as SignedKeyRequest
    if (limiter) {
      // the signer is recovered here to count it; frozen (JSON: data fields only), the parsed request is remembered
      // by verifyKeyRequest for this domain and the custodian takes that check: one check per request
      if (isObject(body) && isObject(body.request)) Object.freeze(Object.freeze(body).request)
      ctx.limit(verifyKeyRequest(domain, body, recovery).requester)
    }
    const { envelope, decision } = await custodian.releaseKey(body)
    return json({ envelope: envelopeToJson(envelope), decision })
  })
  route('GET', '/v1/entries/{commitment}', async (ctx) => {
    const entry = await custodian.getEntry(bytes32(ctx.params.commitment, 'commitment') as `0x${string}`)
    if (!entry) throw notFound('The custodian holds no such record.')
    return json({ entry: entryToJson(entry) })
  })
  route('POST', '/v1/purges', async (ctx) => {
    const body = await ctx.json()
    if (!isObject(body)) throw new InvalidArgumentError('INVALID_TYPE', 'The body must be { grantor, consentId }.')
    const { releases } = await custodian.purgeConsent({
      grantor: body.grantor as Address,
      consentId: body.consentId as `0x${string}`,
    })
    return json({ releases })
  })
  route('POST', '/v1/erasures', async (ctx) => {
    const body = await ctx.json()
    if (!isObject(body)) throw new InvalidArgumentError('INVALID_TYPE', 'The body must be { commitment }.')
    const commitment = bytes32(body.commitment as string | undefined, 'commitment')
    await custodian.shred(commitment as `0x${string}`)
    return json({ commitment, shredded: true })
  })
  route('GET', '/v1/log', async () => {
    const head = await accessLog.signedHead()
    return json({
      logId: accessLog.logId,
      name: accessLog.name,
      operator: accessLog.operator,
      size: head.head.treeSize,
    })
  })
  route('GET', '/v1/log/head', async () => json(await accessLog.signedHead()))
  route('GET', '/v1/log/entries', async (ctx) => {
    const size = (await accessLog.signedHead()).head.treeSize
    const start = index(ctx.url.searchParams.get('start'), 'start', 0)
    const limit = Math.min(index(ctx.url.searchParams.get('limit'), 'limit', logPage), logPage)
    const end = Math.min(size, start + limit)
    const entries: { index: number; event: AccessEvent }[] = []
    for (let i = start; i < end; i++) entries.push({ index: i, event: await accessLog.getEvent(i) })
    return json({ treeSize: size, entries })
  })
  route('GET', '/v1/log/entries/{index}', async (ctx) => {
    const i = index(ctx.params.index ?? null, 'index')
    const size = (await accessLog.signedHead()).head.treeSize
    if (i >= size) throw notFound('No such log entry.')
    return json({ index: i, event: await accessLog.getEvent(i) })
  })
  route('GET', '/v1/log/proofs/inclusion', async (ctx) => {
    const i = index(ctx.url.searchParams.get('index'), 'index')
    const treeSize = index(ctx.url.searchParams.get('treeSize'), 'treeSize')
    return json({ index: i, treeSize, proof: hashesToJson(await accessLog.proveInclusion(i, treeSize)) })
  })
  route('GET', '/v1/log/proofs/consistency', async (ctx) => {
    const from = index(ctx.url.searchParams.get('from'), 'from')
    const to = index(ctx.url.searchParams.get('to'), 'to')
    return json({ from, to, proof: hashesToJson(await accessLog.proveConsistency(from, to)) })
  })
  route('GET', '/v1/log/checkpoint', async () => {
    const text = (await currentTiles()).get('checkpoint') as Uint8Array
    return new Response(text as Uint8Array<ArrayBuffer>, {
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
    })
  })
  route('GET', '/v1/log/tile/{path}', async (ctx) => {
    const body = (await currentTiles()).get(`tile/${ctx.params.path}`)
    if (!body) throw notFound('No such tile.')
    return new Response(body as Uint8Array<ArrayBuffer>, {
      headers: { 'content-type': 'application/octet-stream', 'cache-control': 'max-age=60' },
    })
  })
  if (breakGlass) {
    route('POST', '/v1/break-glass', async (ctx) => {
      const body = await ctx.json()
      if (!isObject(body) || !isObject(body.access))
        throw new InvalidArgumentError('INVALID_TYPE', 'The body must be { access, policy, credential }.')
      const access = body.access as unknown as Parameters<BreakGlass['accept']>[0]['access']
      const clinician = (access as { access?: { clinician?: unknown } }).access?.clinician
      if (typeof clinician === 'string') ctx.limit(clinician)
      const grant = await breakGlass.accept({
        access,
        policy: body.policy as Parameters<BreakGlass['accept']>[0]['policy'],
        credential: body.credential as Parameters<BreakGlass['accept']>[0]['credential'],
      })
      return json({ grant }, 201)
    })
    const reviewers = new Set((params.reviewers ?? []).map((a) => a.toLowerCase()))
    const review = (mark: boolean) => async (ctx: RouteContext) =>
      json(
        await answerReviewRequest({
          body: await ctx.json(),
          ledger,
          breakGlass,
          reviewers,
          custodian: custodian.identity.address,
          limit: ctx.limit,
          mark,
        }),
      )
    route('POST', '/v1/break-glass/reviews', review(false))
    route('POST', '/v1/break-glass/reviews/mark', review(true))
  }
  if (params.ledgerRelay) {
    for (const r of LEDGER_RELAY_ROUTES) route(r.method, r.template, (ctx) => handleLedgerRelay(ledger, r.op, ctx))
  }
  for (const r of params.routes ?? []) route(r.method, r.template, r.handle)

  const corsHeaders = (incoming: Incoming): Record<string, string> => {
    const origin = incoming.header('origin')
    if (!cors || origin === null) return {}
    if (cors.origins !== '*' && !cors.origins.includes(origin)) return {}
    return {
      'access-control-allow-origin': cors.origins === '*' ? '*' : origin,
      'access-control-expose-headers': 'retry-after',
      ...(cors.origins === '*' ? {} : { vary: 'origin' }),
    }
  }

  const match = (method: string, path: string) => {
    const parts = path.split('/').filter(Boolean)
    let allowed: string[] | undefined
    for (const r of routes) {
      const ps: Record<string, string> = {}
      let ok = true
      for (let i = 0; i < r.segments.length; i++) {
        const seg = r.segments[i] as string
        if (seg === '{path}') {
          ps.path = parts.slice(i).join('/')
          if (parts.length <= i) ok = false
          break
        }
        const part = parts[i]
        if (part === undefined) {
          ok = false
          break
        }
        if (seg.startsWith('{')) ps[seg.slice(1, -1)] = safeDecode(part)
        else if (seg !== part) {
          ok = false
          break
        }
        if (i === r.segments.length - 1 && parts.length !== r.segments.length) ok = false
      }
      if (!ok) continue
      if (r.method === method || (method === 'HEAD' && r.method === 'GET')) return { route: r, params: ps }
      allowed = [...(allowed ?? []), r.method]
    }
    return { allowed }
  }

  const answer = async (incoming: Incoming, seen: { template: string }): Promise<Response | Answer> => {
    const { method } = incoming
    const pathname = incoming.path
    if (basePath && !(pathname === basePath || pathname.startsWith(`${basePath}/`))) throw notFound()
    const path = pathname.slice(basePath.length)
    if (method === 'OPTIONS' && cors) {
      const found = match('GET', path).route ?? match('POST', path).route
      if (!found) throw notFound()
      const allow = corsHeaders(incoming)['access-control-allow-origin']
        ? {
            'access-control-allow-methods': 'GET, POST, OPTIONS',
            'access-control-allow-headers': 'content-type',
            'access-control-max-age': String(cors.maxAgeSeconds ?? 600),
          }
        : {}
      seen.template = found.template
      return new Response(null, { status: 204, headers: allow })
    }
    const found = match(method, path)
    if (!found.route) {
      if (!found.allowed) throw notFound()
      const problem = toProblem(new ServiceError('METHOD_NOT_ALLOWED', `This route takes ${found.allowed.join(', ')}.`))
      return problemResponse(problem, { allow: found.allowed.join(', ') })
    }
    seen.template = found.route.template
    const key = clientKey?.(incoming.request())
    if (key !== undefined) take(`client:${key}`)
    return found.route.handle({
      // built only for a route that reads it (the Node adapter's direct entry has none until then)
      get request() {
        return incoming.request()
      },
      get url() {
        return incoming.url()
      },
      params: found.params,
      limit: (identity) => take(`id:${identity.toLowerCase()}`),
      json: (max = bodyBytes) => incoming.json(max),
    })
  }

  /** Both entries: the answer to `incoming`, CORS headers added, logged. */
  const respond = async (incoming: Incoming): Promise<Response | Answer> => {
    const started = performance.now()
    const seen = { template: 'unmatched' }
    let response: Response | Answer
    try {
      response = await answer(incoming, seen)
    } catch (err) {
      const problem = toProblem(err)
      const retry = (err as { retryAfter?: number }).retryAfter
      response = problemResponse(
        retry === undefined ? problem : { ...problem, retryAfter: retry },
        retry === undefined ? {} : { 'retry-after': String(retry) },
      )
    }
    if (cors) {
      const extra = Object.entries(corsHeaders(incoming))
      if (extra.length > 0) {
        if (isAnswer(response))
          response = makeAnswer(response.status, { ...response.headers, ...Object.fromEntries(extra) }, response.text)
        else for (const [k, v] of extra) response.headers.set(k, v)
      }
    }
    if (logger) {
      const code = isAnswer(response) ? undefined : (response.headers.get('x-medseal-code') ?? undefined)
      try {
        logger({
          route: seen.template,
          method: incoming.method,
          status: response.status,
          ...(code ? { code } : {}),
          durationMs: Math.round((performance.now() - started) * 1000) / 1000,
        })
      } catch {
        // a failing logger never changes the answer
      }
    }
    return response
  }

  const custodianHandler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url)
    const response = await respond({
      method: request.method,
      path: url.pathname,
      url: () => url,
      header: (name) => request.headers.get(name),
      json: (max) => readJson(request, max),
      request: () => request,
    })
    return isAnswer(response) ? toResponse(response) : response
  }
  // the Node adapter's entry: the same answers from the request's parts, without a Request or a Response
  const direct = (input: DirectRequest): Promise<Response | Answer> => {
    let url: URL | undefined
    const parsed = () => {
      url ??= new URL(input.target, 'http://localhost')
      return url
    }
    return respond({
      method: input.method,
      // a plain target (a key request's) is its own path: the URL is parsed only for a route that reads it
      path: isPlainTarget(input.target) ? input.target : parsed().pathname,
      url: parsed,
      header: input.header,
      json: async (max) => parseJsonBytes(input.header('content-type'), input.body, max),
      request: input.request,
    })
  }
  return withDirect(custodianHandler, direct)
}
