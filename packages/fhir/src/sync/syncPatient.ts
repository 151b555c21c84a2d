/**
 * Sync with a FHIR server: read a patient's record, seal and anchor every resource, write `Provenance` back.
 * @module
 */
import type { Bundle, BundleEntry, OperationOutcome, Provenance, Resource } from '@medplum/fhirtypes'
import {
  type Anchorer,
  bytesToHex0x,
  createContentId,
  type EnvelopeError,
  type EnvelopeRecipientInput,
  encodeEnvelope,
  type Hex,
  InvalidArgumentError,
  type LedgerAdapter,
  type LedgerError,
  type Party,
  type Receipt,
  type SealPool,
  sealBatch,
  utf8ToBytes,
  type VaultKey,
} from '@medseal/core'
import { type CanonicalizeResourceOptions, canonicalizeResource } from '../canonicalizeResource.js'
import { PROVENANCE_ACTIVITY_SYSTEM, PROVENANCE_MAX_ANCHORS, provenanceForReceipts } from '../mappings/provenance.js'
import { createMemorySyncCheckpointStore, type SyncCheckpoint, type SyncCheckpointStore } from './checkpoint.js'
import { FhirServerError } from './fhirServerError.js'

/** Media type of a medseal envelope stored as a FHIR `Binary`. */
export const ENVELOPE_MEDIA_TYPE = 'application/vnd.medseal.envelope'

/**
 * Resource types searched when the server has no `Patient/$everything` (patient-compartment types a record
 * usually holds; the Patient itself is read directly).
 */
export const SYNC_DEFAULT_RESOURCE_TYPES: readonly string[] = Object.freeze([
  'AllergyIntolerance',
  'CarePlan',
  'CareTeam',
  'Claim',
  'Condition',
  'Coverage',
  'DiagnosticReport',
  'DocumentReference',
  'Encounter',
  'ExplanationOfBenefit',
  'Goal',
  'ImagingStudy',
  'Immunization',
  'MedicationAdministration',
  'MedicationRequest',
  'MedicationStatement',
  'Observation',
  'Procedure',
  'ServiceRequest',
])

/** One progress report of {@link syncPatient}. */
export type SyncProgress = {
  /** Resources done (anchored, written back), including those found done in the checkpoint. */
  readonly done: number
  /** Resources in the patient's record. */
  readonly total: number
  /** The resource version just done. */
  readonly key: string
  /** `sealed`: sealed in this run; `resumed`: taken from the checkpoint (not sealed again). */
  readonly phase: 'sealed' | 'resumed'
}

/**
 * What {@link syncPatient} needs of a FHIR client: fhir-kit-client's `Client` fits (pass yours to reuse its auth
 * headers, request signer or SMART tokens). Without one, `baseUrl` is used with the platform's `fetch`, so the sync
 * entry needs no Node built-in.
 */
export type SyncFhirClient = {
  readonly baseUrl: string
  request(
    url: string,
    params: {
      method: 'GET' | 'POST'
      options: { signal: AbortSignal; headers: Record<string, string> }
      body?: unknown
    },
  ): Promise<unknown>
}

/** Parameters of {@link syncPatient}. Give `client` or `baseUrl`. */
export type SyncPatientParameters = {
  /** A FHIR client, e.g. a fhir-kit-client `Client` (its auth headers are used as they are). */
  readonly client?: SyncFhirClient
  /** The FHIR base URL, when no `client` is given (requests go through `fetch`). */
  readonly baseUrl?: string
  /** Server id of the Patient. */
  readonly patientId: string
  /** Who seals (signs the Provenance). */
  readonly sealer: Party
  /**
   * Who can open the envelopes (1..1024; include the sealer to keep access): public keys (HPKE wraps) or vault keys
   * (`createVaultKey`: no per-record public-key work, envelope version 2).
   */
  readonly recipients: readonly (EnvelopeRecipientInput | VaultKey)[]
  /** Batches commitments onto `ledger` (its `kind` must be `records`). */
  readonly anchorer: Anchorer
  /** The ledger the anchorer writes to (for its id; receipts are checked against it by the caller). */
  readonly ledger: LedgerAdapter
  /** Where progress is kept so a sync can resume (default: a fresh in-memory store). */
  readonly checkpoint?: SyncCheckpointStore
  /**
   * Write the signed `Provenance` back to the server (default true): one per chunk, covering every resource version of
   * the chunk that has none yet (format version 2: one signature, one receipt per target; `verifyProvenance` picks a
   * record's receipt by its commitment).
   */
  readonly writeProvenance?: boolean
  /** Store each envelope on the server as a `Binary` (default false). */
  readonly storeEnvelopes?: boolean
  /**
   * How resources are written back: one `transaction` per chunk (default; falls back to single creates when the
   * server answers 404/405/501 or not-supported) or a `create` per written resource.
   */
  readonly writeMode?: 'transaction' | 'create'
  /** Called after each resource is done. */
  readonly onProgress?: (progress: SyncProgress) => void
  /** Stops the sync between steps (what was confirmed stays checkpointed); rejects with the signal's reason. */
  readonly signal?: AbortSignal
  /** Timeout of each request to the server (default 30 000 ms) → `FHIR_SERVER_UNAVAILABLE` with `timedOut`. */
  readonly timeoutMs?: number
  /** Page size asked of the server (`_count`, default 100). */
  readonly pageSize?: number
  /** Resource types searched when `$everything` is not available (default {@link SYNC_DEFAULT_RESOURCE_TYPES}). */
  readonly resourceTypes?: readonly string[]
  /** How many resources are sealed, checkpointed, anchored and covered by one Provenance together (default 256). */
  readonly chunkSize?: number
  /** Canonical form options (default: the package default, which leaves out server-managed meta). */
  readonly canonical?: CanonicalizeResourceOptions
  /**
   * Seal in a pool's workers (`createSealPool`, started and closed by the caller) instead of on this thread, so that
   * sealing uses every core. Either way the next chunk is sealed while the current one is anchored and written
   * back.
   */
  readonly sealPool?: Pick<SealPool, 'sealBatch'>
}

/** One resource of a synced record. */
export type SyncEntry = {
  readonly key: string
  readonly resourceType: string
  readonly id: string
  readonly versionId: string | undefined
  readonly contentId: string
  readonly commitment: Hex
  /** The encoded envelope. */
  readonly envelope: Uint8Array
  readonly receipt: Receipt
  /** Id of the Provenance written back (one per chunk: shared by the resources it covers). */
  readonly provenanceId: string | undefined
  readonly binaryId: string | undefined
}

/** What {@link syncPatient} returns. */
export type SyncPatientReturnType = {
  /** How the record was read. */
  readonly method: '$everything' | 'search'
  /** Every resource of the record, in the order read. */
  readonly entries: readonly SyncEntry[]
  /** Resources sealed in this run. */
  readonly sealed: number
  /** Resources found already done (or sealed but not anchored) in the checkpoint and not sealed again. */
  readonly resumed: number
}

/** Errors {@link syncPatient} can throw. */
export type SyncPatientErrorType = FhirServerError | InvalidArgumentError | LedgerError | EnvelopeError

type Http = {
  get(url: string): Promise<unknown>
  post(url: string, body: unknown): Promise<unknown>
  readonly origin: string
  /** The base URL, ending in `/`. */
  readonly base: string
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const ID = /^[A-Za-z0-9\-.]{1,64}$/
const TYPE = /^[A-Z][A-Za-z]{0,63}$/

function positive(value: unknown, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new InvalidArgumentError('OUT_OF_RANGE', `${name} must be an integer from 1 to ${max}.`)
  }
  return value
}

function toBase64(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[])
  return btoa(s)
}

function asOutcome(data: unknown): OperationOutcome | undefined {
  let value = data
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value)
    } catch {
      return undefined
    }
  }
  return isObj(value) && value.resourceType === 'OperationOutcome' && Array.isArray(value.issue)
    ? (value as unknown as OperationOutcome)
    : undefined
}

/** A {@link SyncFhirClient} over `fetch`; errors have fhir-kit-client's shape (`response.status`, `response.data`). */
function createFetchClient(baseUrl: string): SyncFhirClient {
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`)
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('not an http(s) URL')
  return Object.freeze({
    baseUrl: base.href.slice(0, -1),
    async request(url: string, { method, options, body }: Parameters<SyncFhirClient['request']>[1]) {
      const res = await fetch(new URL(url, base), {
        method,
        headers: {
          accept: 'application/fhir+json',
          ...(body === undefined ? {} : { 'content-type': 'application/fhir+json' }),
          ...options.headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: options.signal,
      })
      const text = await res.text()
      let data: unknown = text
      try {
        data = text.length > 0 ? JSON.parse(text) : undefined
      } catch {
        if (res.ok) throw new FhirServerError('FHIR_SERVER_ERROR', 'The FHIR server answered with something not JSON.')
      }
      if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { response: { status: res.status, data } })
      return data
    },
  })
}

/** FHIR client requests with a timeout, a caller's abort signal, and errors mapped to FhirServerError. */
function createHttp(client: SyncFhirClient, timeoutMs: number, signal: AbortSignal | undefined): Http {
  const call = async (what: string, run: (signal: AbortSignal) => Promise<unknown>): Promise<unknown> => {
    signal?.throwIfAborted()
    const timeout = AbortSignal.timeout(timeoutMs)
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout
    try {
      return await run(combined)
    } catch (error) {
      if (signal?.aborted) throw signal.reason
      if (timeout.aborted) {
        throw new FhirServerError('FHIR_SERVER_UNAVAILABLE', `The FHIR server did not answer ${what} in time.`, {
          timedOut: true,
          metaMessages: [`timeoutMs: ${timeoutMs}`],
          cause: error,
        })
      }
      const response = isObj(error) && isObj(error.response) ? error.response : undefined
      if (response && typeof response.status === 'number') {
        const outcome = asOutcome(response.data)
        throw new FhirServerError('FHIR_SERVER_ERROR', `The FHIR server refused ${what}.`, {
          status: response.status,
          ...(outcome ? { outcome } : {}),
        })
      }
      throw new FhirServerError('FHIR_SERVER_UNAVAILABLE', `The FHIR server could not be reached for ${what}.`, {
        cause: error,
      })
    }
  }
  const origin = new URL(client.baseUrl).origin
  return {
    origin,
    base: client.baseUrl.endsWith('/') ? client.baseUrl : `${client.baseUrl}/`,
    get: (url) => call('a read', (s) => client.request(url, { method: 'GET', options: { signal: s, headers: {} } })),
    post: (url, body) =>
      call('a write', (s) =>
        client.request(url, {
          method: 'POST',
          options: { signal: s, headers: { 'content-type': 'application/fhir+json' } },
          body,
        }),
      ),
  }
}

function assertBundle(value: unknown): Bundle {
  if (!isObj(value) || value.resourceType !== 'Bundle') {
    throw new FhirServerError('FHIR_SERVER_ERROR', 'The FHIR server answered a search with something not a Bundle.')
  }
  return value as unknown as Bundle
}

/** Follows a searchset: `link[rel=next]` (same origin only), else `_offset` paging while `total` > received. */
async function readAll(http: Http, firstUrl: string, pageSize: number, out: Resource[]): Promise<void> {
  let url: string | undefined = firstUrl
  let received = 0
  let offsetPaging = false
  for (let pages = 0; url !== undefined; pages++) {
    if (pages > 100_000) throw new FhirServerError('FHIR_SERVER_ERROR', 'The FHIR server pages without end.')
    const bundle = assertBundle(await http.get(url))
    // every resource but the server's own messages (search.mode `outcome`, e.g. warnings about the search)
    const entries = (bundle.entry ?? []).filter((e) => e.search?.mode !== 'outcome')
    for (const e of entries) {
      if (isObj(e.resource) && e.resource.resourceType !== 'OperationOutcome') out.push(e.resource as Resource)
    }
    received += entries.length
    const next = bundle.link?.find((l) => l.relation === 'next')?.url
    if (next !== undefined && !offsetPaging) {
      const target = new URL(next, http.base)
      if (target.origin !== http.origin) {
        throw new FhirServerError('FHIR_SERVER_ERROR', 'The FHIR server sent a next link to another origin.')
      }
      url = target.href
    } else if (typeof bundle.total === 'number' && bundle.total > received && entries.length > 0) {
      offsetPaging = true
      const u = new URL(firstUrl, http.base)
      u.searchParams.set('_count', String(pageSize))
      u.searchParams.set('_offset', String(received))
      url = u.href
    } else {
      url = undefined
    }
  }
}

function notSupported(error: unknown): boolean {
  if (!(error instanceof FhirServerError) || error.code !== 'FHIR_SERVER_ERROR') return false
  if (error.status === 404 || error.status === 501 || error.status === 405) return true
  return (error.outcome?.issue ?? []).some((i) => i.code === 'not-supported' || i.code === 'not-found')
}

async function readRecord(
  http: Http,
  patientId: string,
  pageSize: number,
  types: readonly string[],
): Promise<{ method: '$everything' | 'search'; resources: Resource[] }> {
  const everything: Resource[] = []
  try {
    await readAll(http, `Patient/${patientId}/$everything?_count=${pageSize}`, pageSize, everything)
    return { method: '$everything', resources: everything }
  } catch (error) {
    if (!notSupported(error)) throw error
  }
  const resources: Resource[] = []
  const patient = await http.get(`Patient/${patientId}`)
  if (!isObj(patient) || patient.resourceType !== 'Patient') {
    throw new FhirServerError('FHIR_SERVER_ERROR', 'The FHIR server answered a Patient read with another resource.')
  }
  resources.push(patient as unknown as Resource)
  for (const type of types) {
    const param = type === 'Coverage' ? 'beneficiary' : 'patient'
    await readAll(
      http,
      `${type}?${param}=Patient/${encodeURIComponent(patientId)}&_count=${pageSize}&_total=accurate`,
      pageSize,
      resources,
    )
  }
  return { method: 'search', resources }
}

/** A Provenance or Binary written by a sync (not part of the clinical record). */
function isOwnWrite(r: Resource): boolean {
  if (r.resourceType === 'Binary') return r.contentType === ENVELOPE_MEDIA_TYPE
  if (r.resourceType === 'Provenance') {
    return (r.activity?.coding ?? []).some((c) => c.system === PROVENANCE_ACTIVITY_SYSTEM)
  }
  return false
}

const targetOf = (e: SyncCheckpoint) =>
  e.versionId ? `${e.resourceType}/${e.id}/_history/${e.versionId}` : `${e.resourceType}/${e.id}`

function idFromLocation(location: unknown): string | undefined {
  if (typeof location !== 'string') return undefined
  const m = /(?:^|\/)([A-Z][A-Za-z]*)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(location)
  return m?.[2]
}

/**
 * Syncs one patient's record from a FHIR server into medseal: reads it (`Patient/$everything` where the server has
 * it, else paged searches per resource type), seals every resource to `recipients`, anchors every commitment,
 * and writes one signed `Provenance` per chunk back (covering the chunk's resource versions; one transaction per
 * chunk), optionally with each envelope as a `Binary` (`contentType` {@link ENVELOPE_MEDIA_TYPE}, `securityContext` →
 * the resource).
 *
 * Chunks run as a two-stage pipeline: the next chunk is sealed (in `sealPool`'s workers when given, so sealing uses
 * every core) while the current one is anchored and written back.
 *
 * Resumable: a chunk's resource versions are checkpointed when sealed (all before any is anchored) and again when
 * their anchors are confirmed (with the store's `putMany` when it has one: a phase of a chunk is stored all or
 * none); a later run with the same `checkpoint` never seals a checkpointed version again (a sealed but unconfirmed
 * one is re-anchored with the same commitment) and writes back what is missing.
 *
 * @param params - see {@link SyncPatientParameters}
 * @returns every resource's commitment, envelope and receipt, and how many were sealed in this run
 * @throws {@link FhirServerError} `FHIR_SERVER_UNAVAILABLE` (down, or `timeoutMs` passed) and `FHIR_SERVER_ERROR`
 *   (the server answered an error; carries its OperationOutcome)
 * @throws {@link LedgerError} when a batch cannot be anchored (the confirmed ones stay checkpointed)
 * @throws {@link InvalidArgumentError} for bad parameters
 * @throws {@link EnvelopeError} `WORKER_FAILED` when a worker of `sealPool` fails (what was checkpointed stays)
 * @example
 * ```ts
 * import { syncPatient } from '@medseal/fhir/sync'
 * const { entries } = await syncPatient({ baseUrl, patientId, sealer, recipients: [sealer], anchorer, ledger })
 * ```
 */
export async function syncPatient(params: SyncPatientParameters): Promise<SyncPatientReturnType> {
  if (!isObj(params)) throw new InvalidArgumentError('INVALID_TYPE', 'syncPatient parameters must be an object.')
  const { patientId, sealer, recipients, anchorer, signal } = params
  if (typeof patientId !== 'string' || !ID.test(patientId)) {
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'patientId must be a FHIR id.')
  }
  if (!isObj(sealer) || typeof sealer.signDigest !== 'function') {
    throw new InvalidArgumentError('INVALID_TYPE', 'sealer must be a Party.')
  }
  if (!isObj(anchorer) || typeof anchorer.add !== 'function') {
    throw new InvalidArgumentError('INVALID_TYPE', 'anchorer must be an Anchorer.')
  }
  if (!Array.isArray(recipients) || recipients.length === 0) {
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'recipients must be a non-empty array.')
  }
  if (params.sealPool !== undefined && (!isObj(params.sealPool) || typeof params.sealPool.sealBatch !== 'function')) {
    throw new InvalidArgumentError('INVALID_TYPE', 'sealPool must be a SealPool (createSealPool).')
  }
  const timeoutMs = positive(params.timeoutMs, 'timeoutMs', 30_000, 3_600_000)
  const pageSize = positive(params.pageSize, 'pageSize', 100, 10_000)
  const chunkSize = positive(params.chunkSize, 'chunkSize', 256, 100_000)
  const types = params.resourceTypes ?? SYNC_DEFAULT_RESOURCE_TYPES
  if (!Array.isArray(types) || types.some((t) => typeof t !== 'string' || !TYPE.test(t))) {
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'resourceTypes must be FHIR resource type names.')
  }
  let client = params.client
  if (client === undefined) {
    if (typeof params.baseUrl !== 'string')
      throw new InvalidArgumentError('INVALID_ARGUMENT', 'Give client or baseUrl.')
    try {
      client = createFetchClient(params.baseUrl)
    } catch (cause) {
      throw new InvalidArgumentError('INVALID_ARGUMENT', 'baseUrl must be an absolute URL.', { cause })
    }
  }
  const checkpoint = params.checkpoint ?? createMemorySyncCheckpointStore()
  const writeProvenance = params.writeProvenance ?? true
  const storeEnvelopes = params.storeEnvelopes ?? false
  const writeMode = params.writeMode ?? 'transaction'
  if (writeMode !== 'transaction' && writeMode !== 'create') {
    throw new InvalidArgumentError('INVALID_ARGUMENT', "writeMode must be 'transaction' or 'create'.")
  }
  const http = createHttp(client, timeoutMs, signal)

  const { method, resources: read } = await readRecord(http, patientId, pageSize, types)
  const seen = new Set<string>()
  // One entry per resource version (a server may list one twice across searches), and not what a sync wrote
  // itself ($everything returns the Provenance and Binary resources of the compartment).
  const resources = read.filter((r) => {
    if (isOwnWrite(r)) return false
    const k = `${r.resourceType}/${r.id}/${r.meta?.versionId ?? ''}`
    if (typeof r.id !== 'string' || seen.has(k)) return false
    seen.add(k)
    return true
  })
  const total = resources.length
  const entries: SyncEntry[] = []
  let done = 0
  let sealed = 0
  let resumed = 0

  const deps = { checkpoint, recipients, anchorer, canonical: params.canonical, signal, sealPool: params.sealPool }
  // A pipeline of two chunks: chunk n + 1 is sealed (in the pool's workers when there is one) while chunk n is
  // anchored and written back. Each chunk is checkpointed as sealed before any of it is anchored.
  const sealChunk = (start: number) => _sealChunk(resources.slice(start, start + chunkSize), deps)
  let ahead: Promise<_SyncState[]> | undefined = total > 0 ? sealChunk(0) : undefined
  try {
    for (let start = 0; start < total; start += chunkSize) {
      const sealedChunk = await (ahead as Promise<_SyncState[]>)
      ahead = start + chunkSize < total ? sealChunk(start + chunkSize) : undefined
      signal?.throwIfAborted()
      const states = await _anchorChunk(sealedChunk, deps)
      // 3. write back Provenance (and Binary) for what has none yet
      const toWrite = states.filter(
        (s) => (writeProvenance && !s.entry.provenanceId) || (storeEnvelopes && !s.entry.binaryId),
      )
      if (toWrite.length > 0)
        await writeBack(http, toWrite, sealer, writeProvenance, storeEnvelopes, checkpoint, writeMode)
      for (const s of states) {
        const e = s.entry
        if (s.fresh) sealed++
        else resumed++
        entries.push(
          Object.freeze({
            key: e.key,
            resourceType: e.resourceType,
            id: e.id,
            versionId: e.versionId,
            contentId: e.contentId,
            commitment: e.commitment,
            envelope: e.envelope,
            receipt: e.receipt as Receipt,
            provenanceId: e.provenanceId,
            binaryId: e.binaryId,
          }),
        )
        done++
        params.onProgress?.({ done, total, key: e.key, phase: s.fresh ? 'sealed' : 'resumed' })
      }
    }
  } finally {
    // a failed chunk leaves nothing running behind it (the chunk sealed ahead is checkpointed or failed)
    await ahead?.catch(() => {})
  }
  return Object.freeze({ method, entries: Object.freeze(entries), sealed, resumed })
}

/** One resource version in the pipeline; `fresh` when sealed in this run. @internal */
export type _SyncState = { entry: SyncCheckpoint; fresh: boolean }

/** Most records one `sealBatch` call seals here (well under its 65,536 cap; bounds what one call holds). */
const SEAL_SLICE = 4096

/** Stores one phase of a chunk: in one `putMany` (all or none) when the store has it, else `put` by `put`. */
async function putAll(checkpoint: SyncCheckpointStore, entries: readonly SyncCheckpoint[]): Promise<void> {
  if (entries.length === 0) return
  if (typeof checkpoint.putMany === 'function') {
    await checkpoint.putMany(entries)
    return
  }
  for (const e of entries) await checkpoint.put(e)
}

/** What sealing and anchoring a chunk need. @internal */
export type _SyncDeps = {
  readonly checkpoint: SyncCheckpointStore
  readonly recipients: readonly (EnvelopeRecipientInput | VaultKey)[]
  readonly anchorer: Anchorer
  readonly canonical: CanonicalizeResourceOptions | undefined
  readonly signal: AbortSignal | undefined
  readonly sealPool?: Pick<SealPool, 'sealBatch'> | undefined
}

/**
 * Steps 1 and 2 of a sync for a chunk of fetched resources: {@link _sealChunk} then {@link _anchorChunk}. Shared by
 * {@link syncPatient}'s benchmarks.
 * @internal
 */
export async function _sealAndAnchor(chunk: readonly Resource[], deps: _SyncDeps): Promise<_SyncState[]> {
  return _anchorChunk(await _sealChunk(chunk, deps), deps)
}

/**
 * Step 1 for a chunk of fetched resources: take each resource version from the checkpoint or seal it (the chunk's
 * new ones in one `sealBatch`, in the pool when there is one), and checkpoint the sealed ones — all of them, before
 * any is given to the anchorer.
 * @internal
 */
export async function _sealChunk(chunk: readonly Resource[], deps: _SyncDeps): Promise<_SyncState[]> {
  deps.signal?.throwIfAborted()
  // 1. canonical form and key of each (a content id only where the server gives no versionId: the key needs it)
  const items = chunk.map((resource) => {
    const bytes = utf8ToBytes(canonicalizeResource(resource, deps.canonical))
    const versionId = typeof resource.meta?.versionId === 'string' ? resource.meta.versionId : undefined
    const contentId = versionId ? undefined : createContentId(bytes).toString()
    const key = versionId
      ? `${resource.resourceType}/${resource.id}/_history/${versionId}`
      : `${resource.resourceType}/${resource.id}@${contentId}`
    return { resource, bytes, versionId, key }
  })
  const known = await Promise.all(items.map((item) => deps.checkpoint.get(item.key)))
  // 2. seal what the checkpoint does not hold, checkpoint it (one phase), before anchoring anything
  const states: _SyncState[] = new Array(items.length)
  const toSeal: number[] = []
  for (let i = 0; i < items.length; i++) {
    const k = known[i]
    if (k) states[i] = { entry: k, fresh: false }
    else toSeal.push(i)
  }
  const seal = deps.sealPool ? deps.sealPool.sealBatch.bind(deps.sealPool) : sealBatch
  for (let from = 0; from < toSeal.length; from += SEAL_SLICE) {
    deps.signal?.throwIfAborted()
    const slice = toSeal.slice(from, from + SEAL_SLICE)
    const sealed = await seal(
      slice.map((i) => (items[i] as (typeof items)[number]).bytes),
      { recipients: deps.recipients, canonical: true },
    )
    for (let j = 0; j < slice.length; j++) {
      const i = slice[j] as number
      const item = items[i] as (typeof items)[number]
      const result = sealed[j] as (typeof sealed)[number]
      states[i] = {
        entry: {
          key: item.key,
          resourceType: item.resource.resourceType,
          id: item.resource.id as string,
          versionId: item.versionId,
          contentId: result.contentId.toString(),
          commitment: bytesToHex0x(result.commitment),
          envelope: encodeEnvelope(result.envelope),
        },
        fresh: true,
      }
    }
  }
  await putAll(
    deps.checkpoint,
    toSeal.map((i) => (states[i] as _SyncState).entry),
  )
  return states
}

/**
 * Step 2 for a sealed chunk: anchor every commitment without a confirmed receipt (one batch, awaited once) and
 * checkpoint the confirmed receipts together.
 * @internal
 */
export async function _anchorChunk(states: _SyncState[], deps: _SyncDeps): Promise<_SyncState[]> {
  deps.signal?.throwIfAborted()
  const pending = states.filter((s) => s.entry.receipt === undefined)
  const anchored = pending.map((s) => deps.anchorer.add(s.entry.commitment))
  await deps.anchorer.flush()
  const settled = await Promise.allSettled(anchored)
  let failure: unknown
  const confirmed: SyncCheckpoint[] = []
  for (let i = 0; i < pending.length; i++) {
    const outcome = settled[i] as PromiseSettledResult<Receipt>
    const state = pending[i] as _SyncState
    if (outcome.status === 'fulfilled') {
      state.entry = { ...state.entry, receipt: outcome.value }
      confirmed.push(state.entry)
    } else failure ??= outcome.reason
  }
  await putAll(deps.checkpoint, confirmed)
  if (failure !== undefined) throw failure
  return states
}

/** The version-2 Provenance(s) of a chunk's states: one per {@link PROVENANCE_MAX_ANCHORS} resource versions. @internal */
export async function _chunkProvenances(
  states: readonly { entry: SyncCheckpoint }[],
  sealer: Party,
): Promise<{ provenance: Provenance; covers: number[] }[]> {
  const out: { provenance: Provenance; covers: number[] }[] = []
  for (let from = 0; from < states.length; from += PROVENANCE_MAX_ANCHORS) {
    const covers: number[] = []
    const anchors = []
    for (let i = from; i < Math.min(states.length, from + PROVENANCE_MAX_ANCHORS); i++) {
      const e = (states[i] as { entry: SyncCheckpoint }).entry
      covers.push(i)
      anchors.push({ target: { reference: targetOf(e) }, receipt: e.receipt as Receipt })
    }
    out.push({ provenance: await provenanceForReceipts({ sealer, anchors }), covers })
  }
  return out
}

async function writeBack(
  http: Http,
  states: { entry: SyncCheckpoint }[],
  sealer: Party,
  writeProvenance: boolean,
  storeEnvelopes: boolean,
  checkpoint: SyncCheckpointStore,
  writeMode: 'transaction' | 'create',
): Promise<void> {
  let mode = writeMode
  const bundleEntries: BundleEntry[] = []
  // each write and the states whose checkpoint learns its id
  const slots: { states: { entry: SyncCheckpoint }[]; kind: 'provenance' | 'binary' }[] = []
  if (writeProvenance) {
    const needing = states.filter((s) => !s.entry.provenanceId)
    for (const { provenance, covers } of await _chunkProvenances(needing, sealer)) {
      bundleEntries.push({ resource: provenance, request: { method: 'POST', url: 'Provenance' } })
      slots.push({ states: covers.map((i) => needing[i] as { entry: SyncCheckpoint }), kind: 'provenance' })
    }
  }
  if (storeEnvelopes) {
    for (const state of states) {
      const e = state.entry
      if (e.binaryId) continue
      bundleEntries.push({
        resource: {
          resourceType: 'Binary',
          contentType: ENVELOPE_MEDIA_TYPE,
          securityContext: { reference: targetOf(e) },
          data: toBase64(e.envelope),
        },
        request: { method: 'POST', url: 'Binary' },
      })
      slots.push({ states: [state], kind: 'binary' })
    }
  }
  const record = (slot: (typeof slots)[number], id: string): SyncCheckpoint[] =>
    slot.states.map((state) => {
      state.entry = slot.kind === 'provenance' ? { ...state.entry, provenanceId: id } : { ...state.entry, binaryId: id }
      return state.entry
    })
  let failed: FhirServerError | undefined
  if (mode === 'transaction') {
    let answer: unknown
    try {
      answer = await http.post('', { resourceType: 'Bundle', type: 'transaction', entry: bundleEntries })
    } catch (error) {
      if (!notSupported(error)) throw error
      mode = 'create' // the server has no transactions: write one by one
    }
    if (mode === 'transaction') {
      const response = assertBundleResponse(answer, bundleEntries.length)
      const done: SyncCheckpoint[] = []
      for (let i = 0; i < slots.length; i++) {
        const r = response.entry?.[i]?.response
        const id = /^20[01]/.test(r?.status ?? '') ? idFromLocation(r?.location) : undefined
        if (id === undefined) {
          const outcome = asOutcome(r?.outcome)
          failed ??= new FhirServerError('FHIR_SERVER_ERROR', 'The FHIR server did not create a write-back resource.', {
            ...(outcome ? { outcome } : {}),
          })
          continue
        }
        done.push(...record(slots[i] as (typeof slots)[number], id))
      }
      await putAll(checkpoint, done)
    }
  }
  if (mode === 'create') {
    for (let i = 0; i < slots.length; i++) {
      const entry = bundleEntries[i] as BundleEntry
      const created = await http.post(entry.request?.url as string, entry.resource)
      const id = isObj(created) && typeof created.id === 'string' && ID.test(created.id) ? created.id : undefined
      if (id === undefined) {
        throw new FhirServerError('FHIR_SERVER_ERROR', 'The FHIR server answered a create without an id.')
      }
      await putAll(checkpoint, record(slots[i] as (typeof slots)[number], id))
    }
  }
  if (failed) throw failed
}

function assertBundleResponse(value: unknown, count: number): Bundle {
  if (!isObj(value) || value.resourceType !== 'Bundle' || !Array.isArray(value.entry) || value.entry.length !== count) {
    throw new FhirServerError('FHIR_SERVER_ERROR', 'The FHIR server answered a transaction with no matching response.')
  }
  return value as unknown as Bundle
}
