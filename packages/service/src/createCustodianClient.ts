/**
 * The custodian service's client: the same methods as the in-process `Custodian` (so an app switches with one line)
 * plus the access-log reads. Errors come back as the SDK's error classes with the same codes; a service that cannot
 * be reached, or answers something that is not a medseal response, is `SERVICE_UNAVAILABLE`.
 * @module
 */
import {
  type AccessEvent,
  type BreakGlass,
  type BreakGlassReview,
  bytesToHex0x,
  type Custodian,
  type CustodianEntry,
  type Deposit,
  type EmergencyGrant,
  type Hex,
  InvalidArgumentError,
  importIdentity,
  type LedgerDomain,
  type PurgeConsentParameters,
  type ReleaseKeyReturnType,
  type SignedKeyRequest,
  type SignedTreeHead,
} from '@medseal/core'
import { errorFromResponse, unavailable } from './_errors.js'
import { depositToJson, entryFromJson, envelopeFromJson, hashesFromJson, isObject } from './_wire.js'
import type { SignedReviewRequest } from './reviewRequest.js'
import { ServiceError } from './serviceError.js'

/** Parameters of {@link createCustodianClient}. */
export type CreateCustodianClientParameters = {
  /** The service's base URL (what the handler is mounted at, without `/v1`), e.g. `http://127.0.0.1:8787`. */
  readonly url: string
  /** The fetch to use (default `globalThis.fetch`). */
  readonly fetch?: typeof globalThis.fetch
}

/** The access log as the client reads it. */
export type RemoteAccessLog = {
  /** The log's id, name, operator and current size. */
  info(): Promise<{ logId: Hex; name: string; operator: Hex; size: number }>
  /** The operator's signed head of the current size. */
  signedHead(): Promise<SignedTreeHead>
  /** The event at `index`. */
  getEvent(index: number): Promise<AccessEvent>
  /** Up to `limit` events from `start` (the service caps a page). */
  getEvents(params?: { readonly start?: number; readonly limit?: number }): Promise<{
    readonly treeSize: number
    readonly entries: readonly { readonly index: number; readonly event: AccessEvent }[]
  }>
  /** RFC 9162 inclusion proof of event `index` in the tree of `treeSize` events. */
  proveInclusion(index: number, treeSize: number): Promise<Uint8Array[]>
  /** RFC 9162 consistency proof between the trees of `oldSize` and `newSize` events. */
  proveConsistency(oldSize: number, newSize: number): Promise<Uint8Array[]>
  /** The C2SP checkpoint (signed note text), when the service publishes one. */
  checkpoint(): Promise<string>
}

/** The client: a `Custodian` over HTTP, plus the log, health and break-glass. */
export type CustodianClient = Custodian & {
  /** The service's base URL. */
  readonly url: string
  readonly accessLog: RemoteAccessLog
  /** `{ status: 'ok', ledger, ledgerId, domain, logSize, breakGlassService? }` when the service and its log answer. */
  health(): Promise<{
    status: string
    ledger: string
    ledgerId: string
    domain: LedgerDomain
    logSize: number
    /** The id a break-glass request names (`createEmergencyAccess`'s `service`), when the service runs break-glass. */
    breakGlassService?: Hex
  }>
  /** Hands a clinician's signed break-glass access (`createEmergencyAccess`) to the service's break-glass. */
  acceptBreakGlass(params: Parameters<BreakGlass['accept']>[0]): Promise<EmergencyGrant>
  /** Lists break-glass reviews with a signed `pending` or `list` request (`createReviewRequest`). */
  listBreakGlassReviews(signed: SignedReviewRequest): Promise<readonly BreakGlassReview[]>
  /** Marks a break-glass access reviewed with a privacy officer's signed `mark` request. */
  markBreakGlassReviewed(signed: SignedReviewRequest): Promise<BreakGlassReview>
}

/** Errors of the client's methods. */
export type CustodianClientErrorType = InvalidArgumentError | ServiceError | Error

/**
 * Connects to a custodian service: reads its identity, then returns the frozen client.
 *
 * The client never re-sends a request by itself. A key request is single-use: when its answer is lost
 * (`SERVICE_UNAVAILABLE` after the request left), the service may have released the key and logged the read; sending
 * the same signed request again is refused as `REQUEST_REPLAYED` and logged as a refused read. Sign a new request
 * instead (`createKeyRequest`): it is served once, and the log shows both attempts as what they were.
 *
 * @param params - `url`, optional `fetch`
 * @returns the {@link CustodianClient}
 * @throws {@link ServiceError} `SERVICE_UNAVAILABLE` when the service cannot be reached
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_ARGUMENT` for a URL that is not http(s)
 * @example
 * ```ts
 * import { createCustodianClient } from '@medseal/service'
 * const custodian = await createCustodianClient({ url: 'http://127.0.0.1:8787' }) // was: createCustodian({ ... })
 * await custodian.deposit(await createDeposit({ owner: patient, envelope, custodian: custodian.identity, domain: ledger.domain }))
 * ```
 */
export async function createCustodianClient(params: CreateCustodianClientParameters): Promise<CustodianClient> {
  if (!isObject(params) || typeof params.url !== 'string')
    throw new InvalidArgumentError('INVALID_TYPE', 'createCustodianClient parameters must be { url, fetch? }.')
  let base: URL
  try {
    base = new URL(params.url)
  } catch {
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'url must be an absolute http(s) URL.')
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'url must be an absolute http(s) URL.')
  if (base.username || base.password)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'url must not carry credentials.')
  const root = base.href.replace(/\/+$/, '')
  const doFetch = params.fetch ?? globalThis.fetch.bind(globalThis)
  if (typeof doFetch !== 'function') throw new InvalidArgumentError('INVALID_TYPE', 'fetch must be a function.')

  const call = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> => {
    let response: Response
    try {
      response = await doFetch(`${root}${path}`, {
        method,
        headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
    } catch (cause) {
      throw unavailable('The custodian service could not be reached.', cause)
    }
    if (!response.ok) throw await errorFromResponse(response)
    return response
  }
  const getJson = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const response = await call(method, path, body)
    let value: unknown
    try {
      value = await response.json()
    } catch (cause) {
      throw unavailable('The custodian service answered something that is not JSON.', cause)
    }
    if (!isObject(value)) throw unavailable('The custodian service answered an unexpected value.')
    return value
  }
  const hex32 = (v: Hex | Uint8Array, name: string): Hex => {
    const h = v instanceof Uint8Array ? bytesToHex0x(v) : v
    if (typeof h !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(h))
      throw new InvalidArgumentError('INVALID_ARGUMENT', `${name} must be 32 bytes.`)
    return h.toLowerCase() as Hex
  }
  const whole = (n: number, name: string) => {
    if (!Number.isSafeInteger(n) || n < 0)
      throw new InvalidArgumentError('INVALID_ARGUMENT', `${name} must be a non-negative whole number.`)
    return n
  }

  const identity = importIdentity(await getJson('GET', '/v1/identity'))

  const accessLog: RemoteAccessLog = Object.freeze({
    async info() {
      return (await getJson('GET', '/v1/log')) as Awaited<ReturnType<RemoteAccessLog['info']>>
    },
    async signedHead() {
      return (await getJson('GET', '/v1/log/head')) as unknown as SignedTreeHead
    },
    async getEvent(index: number) {
      const v = await getJson('GET', `/v1/log/entries/${whole(index, 'index')}`)
      return v.event as AccessEvent
    },
    async getEvents(p: { readonly start?: number; readonly limit?: number } = {}) {
      const q = new URLSearchParams()
      if (p.start !== undefined) q.set('start', String(whole(p.start, 'start')))
      if (p.limit !== undefined) q.set('limit', String(whole(p.limit, 'limit')))
      const v = await getJson('GET', `/v1/log/entries?${q}`)
      if (!Array.isArray(v.entries)) throw unavailable('The custodian service answered an unexpected value.')
      return v as unknown as Awaited<ReturnType<RemoteAccessLog['getEvents']>>
    },
    async proveInclusion(index: number, treeSize: number) {
      const v = await getJson(
        'GET',
        `/v1/log/proofs/inclusion?index=${whole(index, 'index')}&treeSize=${whole(treeSize, 'treeSize')}`,
      )
      return hashesFromJson(v.proof, 'proof')
    },
    async proveConsistency(oldSize: number, newSize: number) {
      const v = await getJson(
        'GET',
        `/v1/log/proofs/consistency?from=${whole(oldSize, 'oldSize')}&to=${whole(newSize, 'newSize')}`,
      )
      return hashesFromJson(v.proof, 'proof')
    },
    async checkpoint() {
      return (await call('GET', '/v1/log/checkpoint')).text()
    },
  })

  const client: CustodianClient = {
    url: root,
    identity,
    accessLog,
    async deposit(deposit: Deposit): Promise<CustodianEntry> {
      return entryFromJson((await getJson('POST', '/v1/deposits', depositToJson(deposit))).entry)
    },
    async updateRecord(deposit: Deposit): Promise<CustodianEntry> {
      return entryFromJson((await getJson('POST', '/v1/updates', depositToJson(deposit))).entry)
    },
    async releaseKey(request: SignedKeyRequest): Promise<ReleaseKeyReturnType> {
      const v = await getJson('POST', '/v1/key-requests', request)
      return Object.freeze({
        envelope: envelopeFromJson(v.envelope),
        decision: v.decision as ReleaseKeyReturnType['decision'],
      })
    },
    async purgeConsent(p: PurgeConsentParameters) {
      if (!isObject(p)) throw new InvalidArgumentError('INVALID_TYPE', 'purgeConsent parameters must be an object.')
      const grantor = typeof p.grantor === 'object' && p.grantor !== null ? p.grantor.address : p.grantor
      const v = await getJson('POST', '/v1/purges', { grantor, consentId: hex32(p.consentId, 'consentId') })
      return Object.freeze({ releases: Number(v.releases) })
    },
    async shred(commitment: Hex | Uint8Array) {
      await getJson('POST', '/v1/erasures', { commitment: hex32(commitment, 'commitment') })
    },
    async getEntry(commitment: Hex | Uint8Array) {
      try {
        return entryFromJson((await getJson('GET', `/v1/entries/${hex32(commitment, 'commitment')}`)).entry)
      } catch (err) {
        if (err instanceof ServiceError && err.code === 'NOT_FOUND') return undefined
        if ((err as { code?: string }).code === 'NOT_FOUND') return undefined
        throw err
      }
    },
    async health() {
      return (await getJson('GET', '/v1/health')) as Awaited<ReturnType<CustodianClient['health']>>
    },
    async acceptBreakGlass(p) {
      return (await getJson('POST', '/v1/break-glass', p)).grant as EmergencyGrant
    },
    async listBreakGlassReviews(signed) {
      const v = await getJson('POST', '/v1/break-glass/reviews', signed)
      if (!Array.isArray(v.reviews)) throw unavailable('The custodian service answered an unexpected value.')
      return v.reviews as BreakGlassReview[]
    },
    async markBreakGlassReviewed(signed) {
      return (await getJson('POST', '/v1/break-glass/reviews/mark', signed)).review as BreakGlassReview
    },
  }
  return Object.freeze(client)
}
