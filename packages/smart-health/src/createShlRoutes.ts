/**
 * The server side of SMART Health Links, on the fetch standard: routes a custodian service mounts (or
 * {@link createShlHandler} serves alone). A link is registered with the consent token that backs it and a registration
 * signed by the consent's grantee (the link's own key, which only the patient's app held): a token alone registers
 * nothing. Every manifest request, file fetch and wrong passcode is authorized against the ledger (expiry,
 * revocation) and written to the access log (SMART Health Links §Manifest Request).
 * @module
 */
import {
  type AccessLogWriter,
  type Address,
  type AuthorizeDenyReason,
  authorize,
  base64urlToBytes,
  bytesToBase64url,
  decodeConsentToken,
  equalBytes,
  type Hex,
  hexToBytes,
  InvalidArgumentError,
  type LedgerAdapter,
  randomBytes,
  type Secp256k1RecoveryOptions,
} from '@medseal/core'
import { shlProblem } from './_problem.js'
import { pbkdf2Sha256, shlPasscodeSalt } from './hashShlPasscode.js'
import { normalizeShlServiceUrl } from './normalizeShlServiceUrl.js'
import type { ShlStore, ShlStoredFile, ShlStoredLink } from './shlStore.js'
import { recoverShlRegistrationSigner } from './signShlRegistration.js'

/** One route: what `@medseal/service`'s router takes (`method`, `template` with `{name}` segments, `handle`). */
export type ShlRoute = {
  readonly method: 'GET' | 'POST'
  readonly template: string
  readonly handle: (ctx: {
    readonly request: Request
    readonly params: Readonly<Record<string, string>>
  }) => Promise<Response>
}

/** Parameters of {@link createShlRoutes}. */
export type CreateShlRoutesParameters = {
  readonly store: ShlStore
  /** The ledger consents are registered on. */
  readonly ledger: LedgerAdapter
  /** The access log every link access is written to. */
  readonly log: AccessLogWriter
  /**
   * The custodian whose records links share (its `getEntry`). When given, a registration is accepted only when every
   * file's record is in its index and owned by the consent's grantor: no one links files under records that are not
   * theirs (which would put the link's accesses beside those records in their owner's log). A custodian service
   * passes its custodian; without one, the consent's grantor is taken as the records' owner.
   */
  readonly custodian?: { getEntry(commitment: Hex): Promise<{ readonly owner: Address } | undefined> }
  /**
   * The public base URL of the routes as clients reach them (scheme, host, any base path), e.g.
   * `https://custodian.example/api`: behind a proxy, the proxy's URL, not the listening address. Every URL put into a
   * link (manifest, file locations) starts with it, and a registration must be signed for it. https, or http on a
   * loopback address ({@link normalizeShlServiceUrl}).
   */
  readonly publicUrl: string
  /** Wrong passcodes allowed per link when the patient sets none. 1..100, default 5. */
  readonly maxAttempts?: number
  /**
   * The fewest PBKDF2-SHA-256 iterations a registration's passcode hash may use (the patient's app hashes the
   * passcode; the server stores that hash and checks each passcode given against it). Default 210,000; a registration
   * may use at most 1,000,000 (each manifest request with a passcode costs the server one hash).
   */
  readonly passcodeIterations?: number
  /** How long a file location in a manifest stays valid, seconds. Default 3,600 (the specification's upper bound). */
  readonly locationSeconds?: number
  /**
   * How old a registration's `issuedAt` may be, seconds (1..86,400, default 300); one from more than 60 seconds
   * ahead is refused too (`SHL_REGISTRATION_STALE`).
   */
  readonly registrationMaxAgeSeconds?: number
  /** Host clock, Unix milliseconds (for `authorize`, locations and registration times). Default `Date.now`. */
  readonly now?: () => number
} & Secp256k1RecoveryOptions

/** Everything {@link createShlRoutes} can throw. */
export type CreateShlRoutesErrorType = InvalidArgumentError

/**
 * What a link registration (`POST /v1/shl`) carries. The server rebuilds the signed statement
 * ({@link ShlRegistrationStatement}) from it: the consent id and grantor come from the token, a missing `passcode`
 * signs as 32 zero bytes and 0 iterations, a missing `maxAttempts` as 0.
 */
export type ShlRegistration = {
  readonly id: string
  /** The encoded consent token (`msc1.…`). */
  readonly token: string
  readonly files: readonly ShlStoredFile[]
  /** The passcode's hash (`hashShlPasscode`), when the link has a passcode; never the passcode itself. */
  readonly passcodeHash?: Hex
  /** The hash's PBKDF2 iterations (with `passcodeHash`). */
  readonly passcodeIterations?: number
  readonly maxAttempts?: number
  /** The link server's public base URL the registration is for (normalized); another server refuses it. */
  readonly service: string
  /** When the registration was signed, Unix seconds. */
  readonly issuedAt: number
  /** The consent grantee's EIP-712 signature of the statement ({@link signShlRegistration}). */
  readonly signature: Hex
}

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' }
const respond = (value: unknown, status = 200) => new Response(JSON.stringify(value), { status, headers: JSON_HEADERS })
const GONE = {
  unknown: 'Check that the link was copied whole; if it was, ask the patient for a new link.',
  disabled: 'The link stopped working after too many wrong passcodes: ask the patient for a new link.',
  revoked: 'The patient withdrew the consent behind the link: ask them for a new link if you still need the records.',
  expired: 'The link has expired: ask the patient for a new link.',
  unavailable:
    "The consent behind the link does not cover its records now: ask the patient to check the link's consent or make a new link.",
} as const
/**
 * A link that is not served: 404 as SMART Health Links requires, and in `reason` why (`unknown`, `disabled` after too
 * many wrong passcodes, `revoked`, `expired`, `unavailable`), so that the recipient's app can say what to do. The
 * manifest id is 256 bits: the reason tells nothing to someone who does not hold the link.
 */
const gone = (reason: keyof typeof GONE) => shlProblem(404, 'SHL_NOT_FOUND', 'No such link.', GONE[reason], { reason })
const REGISTER_AGAIN =
  'Build the registration with createSmartHealthLink of @medseal/smart-health, or fix the field named, and send it again.'
const malformed = (title: string) => shlProblem(400, 'SHL_MALFORMED', title, REGISTER_AGAIN)
const idTaken = () =>
  shlProblem(
    409,
    'SHL_ID_TAKEN',
    'A link with this id is registered already.',
    'An id is registered once: make a new link (a new random id) and register that.',
  )
const noFile = () =>
  shlProblem(
    404,
    'SHL_NOT_FOUND',
    'No such file.',
    'File locations expire (within an hour) and end with the consent: ask for the manifest again for a fresh location.',
  )
const ID = /^[A-Za-z0-9_-]{43}$/
const HEX32 = /^0x[0-9a-fA-F]{64}$/
const MAX_BODY = 8 * 1024 * 1024
const MAX_ITERATIONS = 1_000_000
const NO_PASSCODE = `0x${'00'.repeat(32)}` as Hex

async function readJson(request: Request, max: number): Promise<Record<string, unknown> | undefined> {
  try {
    const text = await request.text()
    if (text.length > max) return undefined
    const v = JSON.parse(text)
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined
  } catch {
    return undefined
  }
}

/** Free text from a recipient, made safe for the log's `reason` (well-formed, bounded). */
function recipientText(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim().length === 0) return undefined
  return value.slice(0, 200).toWellFormed()
}

/**
 * The link routes: `POST /v1/shl` (register), `POST /v1/shl/{id}/manifest`, `GET /v1/shl/{id}/file/{location}`.
 * Every error answer is an RFC 9457 `application/problem+json` document carrying the SDK error `code` (as the custodian
 * service's are) and a `detail` saying what to do, and follows SMART Health Links: 404 (`SHL_NOT_FOUND`) for a link
 * that is unknown, expired, revoked or disabled, the extension member `reason` saying which (`unknown`, `expired`,
 * `revoked`, `disabled`, `unavailable`); 401 (`SHL_PASSCODE_INVALID`) with the member `remainingAttempts` for a
 * missing or wrong passcode. A manifest says `status: 'finalized'`: a link's files are fixed when it is registered.
 *
 * CORS: the routes add no CORS header of their own. Mounted in the custodian service they follow its `cors` option
 * like every other route; {@link createShlHandler} takes a `cors` option of the same shape. A link is opened by
 * whoever the patient hands it to, often a web app on another origin (a SMART Health Links viewer): list the
 * receivers' origins, or allow any (`'*'`), which exposes nothing more here, since no link route reads cookies or
 * other ambient credentials — the link itself (its 256-bit id, key and passcode) is what grants access.
 *
 * @param params - the store, ledger, access log, public URL and limits
 * @returns the routes
 * @throws {@link @medseal/core!InvalidArgumentError} for bad parameters
 * @example
 * ```ts
 * import { createMemoryShlStore, createShlRoutes } from '@medseal/smart-health'
 * const shlRoutes = createShlRoutes({ store: createMemoryShlStore(), ledger, log, publicUrl: 'https://custodian.example' })
 * const handler = createCustodianHandler({ custodian, accessLog, ledger, routes: shlRoutes })
 * ```
 */
export function createShlRoutes(params: CreateShlRoutesParameters): readonly ShlRoute[] {
  const { store, ledger, log } = params
  if (!store || !ledger || typeof log?.append !== 'function')
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'store, ledger and log are required.')
  const base = normalizeShlServiceUrl(params.publicUrl, { name: 'publicUrl' })
  const maxAge = params.registrationMaxAgeSeconds ?? 300
  if (!Number.isSafeInteger(maxAge) || maxAge < 1 || maxAge > 86_400)
    throw new InvalidArgumentError('OUT_OF_RANGE', 'registrationMaxAgeSeconds must be 1 to 86,400.')
  const recovery = params.secp256k1 ? { secp256k1: params.secp256k1 } : undefined
  const defaultAttempts = params.maxAttempts ?? 5
  const iterations = params.passcodeIterations ?? 210_000
  const locationSeconds = params.locationSeconds ?? 3600
  const now = params.now ?? Date.now
  if (!Number.isSafeInteger(defaultAttempts) || defaultAttempts < 1 || defaultAttempts > 100)
    throw new InvalidArgumentError('OUT_OF_RANGE', 'maxAttempts must be 1 to 100.')
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS)
    throw new InvalidArgumentError('OUT_OF_RANGE', 'passcodeIterations must be 1 to 1,000,000.')

  const decide = (link: ShlStoredLink, file: ShlStoredFile) =>
    authorize(
      ledger,
      {
        token: link.token,
        grantee: link.grantee,
        action: 'read',
        purpose: 'PATRQT',
        record: { commitment: file.commitment, resourceType: file.resourceType, owner: link.grantor },
      },
      { now },
    )

  const event = async (
    link: ShlStoredLink,
    file: ShlStoredFile | undefined,
    action: string,
    outcome: 'permit' | 'deny',
    at: number,
    reason: string,
  ) =>
    log.append({
      actor: link.grantee,
      action,
      commitment: (file ?? (link.files[0] as ShlStoredFile)).commitment,
      at,
      purpose: 'PATRQT',
      consentId: link.consentId,
      outcome,
      reason,
    })

  const register: ShlRoute = {
    method: 'POST',
    template: '/v1/shl',
    handle: async ({ request }) => {
      const body = await readJson(request, MAX_BODY)
      if (!body) return malformed('The body must be a JSON object.')
      const { id, token, files, passcodeHash, passcodeIterations, maxAttempts, service, issuedAt, signature } =
        body as Partial<Record<keyof ShlRegistration, unknown>>
      if (typeof id !== 'string' || !ID.test(id)) return malformed('id must be 43 base64url characters.')
      if (typeof token !== 'string') return malformed('token must be a consent token.')
      if (!Array.isArray(files) || files.length === 0 || files.length > 100)
        return malformed('files must list 1 to 100 files.')
      const checked: ShlStoredFile[] = []
      for (const f of files as Record<string, unknown>[]) {
        if (
          typeof f?.contentType !== 'string' ||
          typeof f.jwe !== 'string' ||
          typeof f.commitment !== 'string' ||
          !HEX32.test(f.commitment) ||
          typeof f.resourceType !== 'string'
        )
          return malformed('Each file needs contentType, jwe, commitment and resourceType.')
        checked.push(
          Object.freeze({
            contentType: f.contentType,
            jwe: f.jwe,
            commitment: f.commitment as Hex,
            resourceType: f.resourceType,
          }),
        )
      }
      // the server never takes the passcode itself: only its salted slow hash, which is what it stores
      if (body.passcode !== undefined) return malformed('Send passcodeHash (hashShlPasscode), never the passcode.')
      if ((passcodeHash === undefined) !== (passcodeIterations === undefined))
        return malformed('passcodeHash and passcodeIterations go together.')
      if (passcodeHash !== undefined && (typeof passcodeHash !== 'string' || !HEX32.test(passcodeHash)))
        return malformed('passcodeHash must be 32 bytes as 0x hex.')
      if (
        passcodeIterations !== undefined &&
        (typeof passcodeIterations !== 'number' ||
          !Number.isSafeInteger(passcodeIterations) ||
          passcodeIterations < iterations ||
          passcodeIterations > MAX_ITERATIONS)
      )
        return malformed(`passcodeIterations must be ${iterations} to ${MAX_ITERATIONS}.`)
      if (
        maxAttempts !== undefined &&
        (typeof maxAttempts !== 'number' || !Number.isSafeInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100)
      )
        return malformed('maxAttempts must be 1 to 100.')
      const attempts = (maxAttempts as number | undefined) ?? defaultAttempts
      if (typeof service !== 'string') return malformed('service must be the link server URL the registration is for.')
      if (typeof issuedAt !== 'number' || !Number.isSafeInteger(issuedAt) || issuedAt < 0)
        return malformed('issuedAt must be Unix seconds.')
      if (typeof signature !== 'string') return malformed("signature must be the link grantee's signature.")
      let consent: { id: Hex; grantor: Address; grantee: Address }
      try {
        consent = decodeConsentToken(token).consent
      } catch {
        return malformed('token is not a consent token.')
      }
      // The registration must be this server's, recent, and signed by the key the consent grants to: a token alone
      // (seen in transit, or rebuilt from a public ledger) registers nothing.
      if (service !== base)
        return shlProblem(
          403,
          'SHL_REGISTRATION_WRONG_SERVICE',
          'The registration is for another link server.',
          "Sign the registration for this server's public URL (the link's serviceUrl) and send it again.",
        )
      const nowSeconds = Math.floor(now() / 1000)
      if (issuedAt < nowSeconds - maxAge || issuedAt > nowSeconds + 60)
        return shlProblem(
          403,
          'SHL_REGISTRATION_STALE',
          'The registration is too old, or dated in the future.',
          `Check the device clock, then sign a new registration and send it within ${maxAge} seconds.`,
        )
      let signer: Address | undefined
      try {
        signer = await recoverShlRegistrationSigner(
          ledger.domain,
          {
            id,
            consentId: consent.id,
            grantor: consent.grantor,
            service,
            files: checked,
            passcodeHash: (passcodeHash as Hex | undefined) ?? NO_PASSCODE,
            passcodeIterations: (passcodeIterations as number | undefined) ?? 0,
            maxAttempts: (maxAttempts as number | undefined) ?? 0,
            issuedAt,
          },
          signature as Hex,
          recovery,
        )
      } catch {
        signer = undefined // malformed, or recovers no one
      }
      if (signer?.toLowerCase() !== consent.grantee.toLowerCase())
        return shlProblem(
          403,
          'SHL_REGISTRATION_UNAUTHORIZED',
          "The registration is not signed by the consent's grantee.",
          'Sign the registration with the key the consent grants to (the link key), over exactly the body sent.',
        )
      if (params.custodian) {
        const custodian = params.custodian
        const owners = await Promise.all(checked.map((f) => custodian.getEntry(f.commitment)))
        if (owners.some((e) => e?.owner.toLowerCase() !== consent.grantor.toLowerCase()))
          return shlProblem(
            403,
            'SHL_REGISTRATION_UNAUTHORIZED',
            "The files' records are not the consent grantor's.",
            'Only the patient who owns the records can link them: link records deposited under the consent grantor.',
          )
      }
      // An id is registered once: a replay of an accepted registration, or another registration under its id, is refused.
      if (await store.get(id)) return idTaken()
      const link: ShlStoredLink = {
        id,
        token,
        consentId: consent.id,
        grantor: consent.grantor,
        grantee: consent.grantee,
        files: Object.freeze(checked),
        attemptsLeft: attempts,
        disabled: false,
        ...(passcodeHash === undefined
          ? {}
          : {
              passcode: {
                salt: bytesToBase64url(shlPasscodeSalt(id)),
                hash: bytesToBase64url(hexToBytes(passcodeHash as Hex)),
                iterations: passcodeIterations as number,
              },
            }),
        // kept so that an auditor can prove later who registered the link (verifyShlLinkRegistration)
        registration: Object.freeze({
          service,
          issuedAt,
          maxAttempts: (maxAttempts as number | undefined) ?? 0,
          signature: signature as Hex,
        }),
      }
      // The consent must cover every file now (signature, window, revocation, scope); it is checked again on each access.
      for (const file of checked) {
        const decision = await decide(link, file)
        if (!decision.allowed)
          return shlProblem(
            403,
            decision.reason as AuthorizeDenyReason,
            `The consent does not cover the files: ${decision.reason}.`,
            "Grant a consent that is valid now and covers every file's record (its type, reading, purpose PATRQT), then register the link again.",
          )
      }
      if (!(await store.insert(link))) return idTaken()
      return respond({ id, url: `${base}/v1/shl/${id}/manifest` }, 201)
    },
  }

  const manifest: ShlRoute = {
    method: 'POST',
    template: '/v1/shl/{id}/manifest',
    handle: async ({ request, params: p }) => {
      const link = await store.get(p.id ?? '')
      if (!link) return gone('unknown')
      if (link.disabled) return gone('disabled')
      const body = await readJson(request, 16 * 1024)
      const recipient = recipientText(body?.recipient)
      if (!body || recipient === undefined)
        return shlProblem(
          400,
          'SHL_MALFORMED',
          'recipient is required.',
          'Send a JSON object with recipient: the name of whoever opens the link (it goes into the access log).',
        )
      const at = Math.floor(now() / 1000)
      if (link.passcode) {
        // reserve the attempt first: parallel guesses never get more checks than the attempts left
        const remainingAttempts = await store.takeAttempt(link.id)
        if (remainingAttempts < 0) return gone('disabled')
        const given = body.passcode
        const ok =
          typeof given === 'string' &&
          given.length <= 256 &&
          equalBytes(
            await pbkdf2Sha256(given, base64urlToBytes(link.passcode.salt), link.passcode.iterations),
            base64urlToBytes(link.passcode.hash),
          )
        await store.settleAttempt(link.id, ok)
        if (!ok) {
          await event(link, undefined, 'shl.passcode', 'deny', at, `wrong passcode; recipient: ${recipient}`)
          return shlProblem(
            401,
            'SHL_PASSCODE_INVALID',
            'The passcode is missing or wrong.',
            remainingAttempts === 0
              ? 'That was the last try: the link no longer opens. Ask the patient for a new link.'
              : `Ask the patient for the passcode and type it again: ${remainingAttempts} ${remainingAttempts === 1 ? 'try is' : 'tries are'} left before the link stops working.`,
            { remainingAttempts },
          )
        }
      }
      const decisions = await Promise.all(link.files.map((f) => decide(link, f)))
      const denied = decisions.find((d) => !d.allowed)
      if (denied) {
        await event(link, undefined, 'shl.manifest', 'deny', denied.at, `${denied.reason}; recipient: ${recipient}`)
        return gone(
          denied.reason === 'CONSENT_REVOKED'
            ? 'revoked'
            : denied.reason === 'CONSENT_EXPIRED'
              ? 'expired'
              : 'unavailable',
        )
      }
      const max = typeof body.embeddedLengthMax === 'number' ? body.embeddedLengthMax : -1
      const out: Record<string, string>[] = []
      for (const [index, file] of link.files.entries()) {
        const ledgerAt = decisions[index]?.at ?? at
        await event(link, file, 'shl.manifest', 'permit', ledgerAt, `recipient: ${recipient}`)
        if (file.jwe.length <= max) {
          await event(link, file, 'shl.file', 'permit', ledgerAt, `embedded; recipient: ${recipient}`)
          out.push({ contentType: file.contentType, embedded: file.jwe })
        } else {
          const token = bytesToBase64url(randomBytes(32))
          await store.putLocation(token, { linkId: link.id, index, expiresAt: now() + locationSeconds * 1000 })
          out.push({ contentType: file.contentType, location: `${base}/v1/shl/${link.id}/file/${token}` })
        }
      }
      // a link's files are fixed when it is registered (SMART Health Links manifest `status`)
      return respond({ status: 'finalized', files: out })
    },
  }

  const file: ShlRoute = {
    method: 'GET',
    template: '/v1/shl/{id}/file/{location}',
    handle: async ({ params: p }) => {
      const loc = await store.getLocation(p.location ?? '')
      const link = loc && loc.linkId === p.id && loc.expiresAt > now() ? await store.get(loc.linkId) : undefined
      const stored = link?.files[loc?.index ?? -1]
      if (!link || link.disabled || !stored) return noFile()
      const decision = await decide(link, stored)
      if (!decision.allowed) {
        await event(link, stored, 'shl.file', 'deny', decision.at, decision.reason)
        return noFile()
      }
      await event(link, stored, 'shl.file', 'permit', decision.at, 'location')
      return new Response(stored.jwe, {
        headers: { 'content-type': 'application/jose', 'cache-control': 'no-store' },
      })
    },
  }

  return Object.freeze([register, manifest, file])
}

/**
 * A fetch-standard handler serving only the link routes (for a server that is not the custodian service, and tests).
 *
 * CORS: without `cors` it sends no CORS header at all, as the custodian service does (earlier versions answered `*`
 * here), so a viewer's page on another origin cannot read its answers. Pass
 * `cors: { origins: [...] }` with the origins of the viewers you expect (a listed origin is named back, with
 * `vary: origin`; another gets no header), or `cors: { origins: '*' }` for any.
 *
 * @param routes - from {@link createShlRoutes}
 * @param options - `basePath` the routes are mounted under; `cors`, the origins allowed to call them
 * @returns `(request) => Promise<Response>`; unknown paths answer 404, CORS preflights 204
 * @example
 * ```ts
 * import { createMemoryShlStore, createShlHandler, createShlRoutes } from '@medseal/smart-health'
 * const routes = createShlRoutes({ store: createMemoryShlStore(), ledger, log, publicUrl })
 * const handler = createShlHandler(routes, { cors: { origins: ['https://viewer.example'] } })
 * ```
 */
export function createShlHandler(
  routes: readonly ShlRoute[],
  options: {
    readonly basePath?: string
    /** Origins whose pages may call the routes (`'*'`: any); default none, as the custodian service's `cors`. */
    readonly cors?: { readonly origins: readonly string[] | '*' }
  } = {},
): (request: Request) => Promise<Response> {
  const basePath = (options.basePath ?? '').replace(/\/+$/, '')
  const origins = options.cors?.origins
  /** The CORS headers for the request's origin: none without `cors`, for no origin, or for one not listed. */
  const corsHeaders = (request: Request): Record<string, string> => {
    const origin = request.headers.get('origin')
    if (origins === undefined || origin === null || (origins !== '*' && !origins.includes(origin))) return {}
    return origins === '*'
      ? { 'access-control-allow-origin': '*' }
      : { 'access-control-allow-origin': origin, vary: 'origin' }
  }
  const withCors = (request: Request, response: Response): Response => {
    for (const [k, v] of Object.entries(corsHeaders(request))) response.headers.set(k, v)
    return response
  }
  const compiled = routes.map((r) => ({ ...r, segments: r.template.split('/').filter(Boolean) }))
  async function route(request: Request): Promise<Response> {
    const url = new URL(request.url)
    if (!url.pathname.startsWith(`${basePath}/`)) return notFound()
    const parts = url.pathname.slice(basePath.length).split('/').filter(Boolean)
    for (const r of compiled) {
      if (r.segments.length !== parts.length) continue
      const params: Record<string, string> = {}
      let ok = true
      for (const [i, seg] of r.segments.entries()) {
        const part = parts[i] as string
        if (seg.startsWith('{')) params[seg.slice(1, -1)] = decodeURIComponent(part)
        else if (seg !== part) ok = false
      }
      if (!ok) continue
      if (request.method === 'OPTIONS')
        return new Response(null, {
          status: 204,
          headers: corsHeaders(request)['access-control-allow-origin']
            ? { 'access-control-allow-methods': 'GET, POST, OPTIONS', 'access-control-allow-headers': 'content-type' }
            : {},
        })
      if (request.method !== r.method) continue
      try {
        return await r.handle({ request, params })
      } catch {
        return shlProblem(
          500,
          'SERVICE_ERROR',
          'The service failed; nothing more is said about it here.',
          'Try again later; if it keeps failing, tell whoever runs the link server.',
        )
      }
    }
    return notFound()
  }
  return async (request: Request) => withCors(request, await route(request))
}

const notFound = () =>
  shlProblem(
    404,
    'NOT_FOUND',
    'No such route.',
    'The link routes are POST /v1/shl, POST /v1/shl/{id}/manifest and GET /v1/shl/{id}/file/{location}.',
  )
