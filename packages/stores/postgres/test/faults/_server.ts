/**
 * The servers the fault tests share: a throwaway PostgreSQL server (fsync on, as in production) and the FHIR test
 * server of examples/fhir-server, both on 127.0.0.1 and free ports, both stopped by the test file that started them.
 * @module
 */

import { type PostgresServer, startPostgres } from '@medseal/store-postgres/testing'
import { startFhirServer } from '../../../../../examples/fhir-server/src/index.js'
import { waitForPidGone } from './_processes.js'

/** What the fault tests use of the servers. */
export type FaultServer = {
  readonly postgres: PostgresServer
  /** A fresh database for one test (named after a counter); returns its connection string. */
  createDatabase(label: string): Promise<string>
  /** kill -9 of the postmaster, wait until its PID is gone (TOOLCHAIN pitfall 4), then start it again. */
  crashAndRestart(): Promise<void>
  readonly fhirBaseUrl: string
  /** Creates a Patient and `observations` Observations of it on the FHIR server; returns the Patient's id. */
  createPatient(observations: number): Promise<string>
  stop(): Promise<void>
}

let databases = 0

/** Starts both servers. */
export async function startFaultServer(): Promise<FaultServer> {
  const postgres = await startPostgres()
  let fhir: Awaited<ReturnType<typeof startFhirServer>>
  try {
    fhir = await startFhirServer()
  } catch (e) {
    await postgres.stop()
    throw e
  }
  const post = async (resource: Record<string, unknown>): Promise<{ id: string }> => {
    const res = await fetch(`${fhir.baseUrl}/${resource.resourceType}`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify(resource),
    })
    if (res.status !== 201) throw new Error(`FHIR create failed: ${res.status}`)
    return (await res.json()) as { id: string }
  }
  return {
    postgres,
    async createDatabase() {
      databases++
      return postgres.createDatabase(`faults_${process.pid}_${databases}`)
    },
    async crashAndRestart() {
      const pid = postgres.pid()
      await postgres.kill()
      await waitForPidGone(pid)
      await postgres.restart()
    },
    fhirBaseUrl: fhir.baseUrl,
    async createPatient(observations) {
      const patient = await post({ resourceType: 'Patient', name: [{ family: 'Fault', given: ['Test'] }] })
      for (let i = 0; i < observations; i++) {
        await post({
          resourceType: 'Observation',
          status: 'final',
          code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
          subject: { reference: `Patient/${patient.id}` },
          valueQuantity: { value: 60 + i, unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' },
        })
      }
      return patient.id
    },
    async stop() {
      await fhir.close()
      await postgres.stop()
    },
  }
}
