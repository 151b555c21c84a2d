/**
 * `@medseal/example-fhir-server`: a small FHIR R4 test server (@medplum/fhir-router + MemoryRepository over
 * node:http). For tests and examples only.
 * @module
 */
import type { Server } from 'node:http'
import type { MemoryRepository } from '@medplum/fhir-router'
import type { Bundle } from '@medplum/fhirtypes'

/** Options of {@link startFhirServer}. */
export type StartFhirServerOptions = {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number
  /** Interface to bind; default `127.0.0.1` (never expose this server). */
  host?: string
  /** Base path of the FHIR API; default `/fhir`. */
  base?: string
}

/** A running test server. */
export type FhirTestServer = {
  /** FHIR base URL, e.g. `http://127.0.0.1:43123/fhir`. */
  readonly baseUrl: string
  /** The bound port. */
  readonly port: number
  /** The in-memory repository (read or seed it directly in tests). */
  readonly repo: MemoryRepository
  /** The underlying node:http server. */
  readonly server: Server
  /** Stops the server (closes open connections). */
  close(): Promise<void>
}

/** One Synthea patient loaded by {@link loadSyntheaPatients}. */
export type LoadedPatient = {
  /** Server-assigned id of the Patient. */
  readonly patientId: string | undefined
  /** Number of resources created. */
  readonly created: number
  /** Each entry's `fullUrl` (`urn:uuid:…`) → its new `Type/id` on the server. */
  readonly ids: ReadonlyMap<string, string>
  /** The transaction-response Bundle. */
  readonly response: Bundle
}

/**
 * Starts the test FHIR server on 127.0.0.1 and a free port.
 * @example
 * ```ts
 * import { startFhirServer } from '@medseal/example-fhir-server'
 * const server = await startFhirServer()
 * await server.close()
 * ```
 */
export declare function startFhirServer(options?: StartFhirServerOptions): Promise<FhirTestServer>

/**
 * POSTs Synthea transaction Bundles (file paths, JSON text or objects) to a FHIR server.
 * @example
 * ```ts
 * import { loadSyntheaPatients, startFhirServer } from '@medseal/example-fhir-server'
 * const server = await startFhirServer()
 * const [p] = await loadSyntheaPatients(server, ['patient.json'])
 * ```
 */
export declare function loadSyntheaPatients(
  target: string | { readonly baseUrl: string },
  files: ReadonlyArray<string | object>,
): Promise<LoadedPatient[]>
