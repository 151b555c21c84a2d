/**
 * A `LedgerAdapter` over the service's ledger relay (`/v1/ledger`), so two browsers share the ledger that lives in the
 * service (the file-backed memory ledger). Every write is checked by the ledger's own rules in the service (the relay
 * adds no authority); what the reads return is trusted to the service. An EVM chain read directly removes that trust.
 * @module
 */
import {
  type AnchorInput,
  type AnchorRecord,
  assertLedgerDomain,
  bytesToHex0x,
  type ConsentRecord,
  type Hex,
  hexToBytes,
  InvalidArgumentError,
  isBytes,
  type LedgerAdapter,
  type LedgerDomain,
  type ListConsentsReturnType,
  type RevocationRecord,
  type TombstoneRecord,
  type TreeHeadRecord,
} from '@medseal/core'
import { errorFromResponse, unavailable } from './_errors.js'
import { isObject } from './_wire.js'

/** Parameters of {@link createRemoteLedger}. */
export type CreateRemoteLedgerParameters = {
  /** The service's base URL (without `/v1`). */
  readonly url: string
  /** The fetch to use (default `globalThis.fetch`). */
  readonly fetch?: typeof globalThis.fetch
}

/** Errors {@link createRemoteLedger} and the adapter's methods throw: the ledger's own, or `SERVICE_UNAVAILABLE`. */
export type CreateRemoteLedgerErrorType = InvalidArgumentError | import('./serviceError.js').ServiceError

// viem-style consents carry bigints: a safe one travels as a number, any other as text (which the ledger refuses)
const replacer = (_k: string, v: unknown) =>
  typeof v === 'bigint' ? (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= 0n ? Number(v) : v.toString()) : v

const anchorFromJson = (v: unknown): AnchorRecord => {
  if (!isObject(v) || typeof v.root !== 'string') throw unavailable('The relay answered an unexpected anchor.')
  return Object.freeze({ ...(v as object), root: hexToBytes(v.root) }) as AnchorRecord
}

/**
 * Connects to a service's ledger relay: reads the ledger's name, id and domain, then returns the frozen adapter.
 *
 * @param params - `url`, optional `fetch`
 * @returns a {@link @medseal/core!LedgerAdapter} whose writes the service's ledger checks
 * @throws {@link ServiceError} `SERVICE_UNAVAILABLE`, `NOT_FOUND` (the service runs no relay)
 * @example
 * ```ts
 * import { createRemoteLedger } from '@medseal/service'
 * const ledger = await createRemoteLedger({ url: 'http://127.0.0.1:8787' })
 * await grantConsent(ledger, { party: patient, grantee: doctor, resourceTypes: ['Observation'], actions: ['read'], purposes: ['TREAT'], durationSeconds: 3600 })
 * ```
 */
export async function createRemoteLedger(params: CreateRemoteLedgerParameters): Promise<LedgerAdapter> {
  if (!isObject(params) || typeof params.url !== 'string')
    throw new InvalidArgumentError('INVALID_TYPE', 'createRemoteLedger parameters must be { url, fetch? }.')
  let base: URL
  try {
    base = new URL(params.url)
  } catch {
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'url must be an absolute http(s) URL.')
  }
  if ((base.protocol !== 'http:' && base.protocol !== 'https:') || base.username || base.password)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'url must be an http(s) URL without credentials.')
  const root = `${base.href.replace(/\/+$/, '')}/v1/ledger`
  const doFetch = params.fetch ?? globalThis.fetch.bind(globalThis)

  const call = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> => {
    let response: Response
    // a POST always carries JSON (an undefined argument travels as null: the ledger then says what it wants)
    const payload = method === 'GET' ? undefined : JSON.stringify(body ?? null, replacer)
    try {
      response = await doFetch(`${root}${path}`, {
        method,
        headers: payload === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
        ...(payload === undefined ? {} : { body: payload }),
      })
    } catch (cause) {
      throw unavailable('The ledger relay could not be reached.', cause)
    }
    if (!response.ok) throw await errorFromResponse(response)
    try {
      return await response.json()
    } catch (cause) {
      throw unavailable('The ledger relay answered something that is not JSON.', cause)
    }
  }
  /** A path segment: the ledger validates its content; the empty string cannot travel in a path. */
  const seg = (v: unknown, name: string): string => {
    if (typeof v !== 'string') throw new InvalidArgumentError('INVALID_TYPE', `${name} must be 0x hex.`)
    if (v.length === 0) throw new InvalidArgumentError('INVALID_ARGUMENT', `${name} must be 0x hex.`)
    return encodeURIComponent(v)
  }
  const anchorQuery = (input: AnchorInput): string => {
    if (!isObject(input)) throw new InvalidArgumentError('INVALID_TYPE', 'input must be { root, treeSize, kind }.')
    if (!isBytes(input.root)) throw new InvalidArgumentError('INVALID_TYPE', 'root must be a Uint8Array.')
    if (typeof input.treeSize !== 'number') throw new InvalidArgumentError('INVALID_TYPE', 'treeSize must be a number.')
    if (typeof input.kind !== 'string') throw new InvalidArgumentError('INVALID_TYPE', 'kind must be a string.')
    return new URLSearchParams({
      root: bytesToHex0x(input.root),
      treeSize: String(input.treeSize),
      kind: input.kind,
    }).toString()
  }
  const orUndefined = <T>(v: unknown): T | undefined => (v === null ? undefined : (v as T))

  const info = await call('GET', '')
  if (!isObject(info) || typeof info.name !== 'string' || typeof info.ledgerId !== 'string')
    throw unavailable('The ledger relay answered an unexpected description.')
  const domain = assertLedgerDomain(info.domain) as LedgerDomain

  const ledger: LedgerAdapter = {
    name: info.name,
    ledgerId: info.ledgerId,
    domain: Object.freeze({ ...domain }),
    async getTime() {
      const v = await call('GET', '/time')
      if (!isObject(v) || !Number.isSafeInteger(v.time)) throw unavailable('The ledger relay answered no time.')
      return v.time as number
    },
    async anchorRoot(input) {
      const q = new URLSearchParams(anchorQuery(input))
      return anchorFromJson(
        await call('POST', '/anchors', { root: q.get('root'), treeSize: input.treeSize, kind: input.kind }),
      )
    },
    async getAnchor(key) {
      const v = await call('GET', `/anchors?${anchorQuery(key)}`)
      return v === null ? undefined : anchorFromJson(v)
    },
    async registerConsent(signed) {
      return (await call('POST', '/consents', signed)) as ConsentRecord
    },
    async revokeConsent(signed) {
      return (await call('POST', '/revocations', signed)) as RevocationRecord
    },
    async getConsent(key: Hex) {
      return orUndefined<ConsentRecord>(await call('GET', `/consents/${seg(key, 'key')}`))
    },
    async getRevocation(key: Hex) {
      return orUndefined<RevocationRecord>(await call('GET', `/revocations/${seg(key, 'key')}`))
    },
    async listConsents(p = {}) {
      if (!isObject(p)) throw new InvalidArgumentError('INVALID_TYPE', 'listConsents parameters must be an object.')
      const q = new URLSearchParams()
      for (const k of ['grantor', 'grantee', 'cursor', 'limit'] as const) {
        const v = p[k]
        if (v === undefined) continue
        if (typeof v !== 'string' && typeof v !== 'number')
          throw new InvalidArgumentError('INVALID_TYPE', `${k} must be a ${k === 'limit' ? 'number' : 'string'}.`)
        q.set(k, String(v))
      }
      const v = await call('GET', `/consents${q.size ? `?${q}` : ''}`)
      if (!isObject(v) || !Array.isArray(v.items)) throw unavailable('The ledger relay answered an unexpected page.')
      return v as unknown as ListConsentsReturnType
    },
    async recordTombstone(signed) {
      return (await call('POST', '/tombstones', signed)) as TombstoneRecord
    },
    async getTombstone(commitment, owner) {
      return orUndefined<TombstoneRecord>(
        await call('GET', `/tombstones/${seg(commitment, 'commitment')}/${seg(owner, 'owner')}`),
      )
    },
    async recordTreeHead(signed) {
      return (await call('POST', '/tree-heads', signed)) as TreeHeadRecord
    },
    async getTreeHead(logId, treeSize) {
      if (treeSize !== undefined && typeof treeSize !== 'number')
        throw new InvalidArgumentError('INVALID_TYPE', 'treeSize must be a number.')
      const q = treeSize === undefined ? '' : `?treeSize=${encodeURIComponent(String(treeSize))}`
      return orUndefined<TreeHeadRecord>(await call('GET', `/tree-heads/${seg(logId, 'logId')}${q}`))
    },
  }
  return Object.freeze(ledger)
}
