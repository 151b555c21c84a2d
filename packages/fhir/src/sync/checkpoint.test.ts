import { describe, expect, it } from 'vitest'
import { createMemorySyncCheckpointStore, type SyncCheckpoint } from './checkpoint.js'
import { FhirServerError } from './fhirServerError.js'

const entry: SyncCheckpoint = {
  key: 'Observation/1/_history/1',
  resourceType: 'Observation',
  id: '1',
  versionId: '1',
  contentId: 'bagaaiera',
  commitment: `0x${'ab'.repeat(32)}`,
  envelope: new Uint8Array([1, 2, 3]),
}

describe('createMemorySyncCheckpointStore', () => {
  it('stores, replaces and lists copies (callers cannot mutate what is stored)', async () => {
    const store = createMemorySyncCheckpointStore()
    expect(await store.get(entry.key)).toBeUndefined()
    await store.put(entry)
    const got = await store.get(entry.key)
    expect(got).toEqual(entry)
    ;(got?.envelope as Uint8Array)[0] = 9
    expect((await store.get(entry.key))?.envelope[0]).toBe(1)
    await store.put({ ...entry, provenanceId: 'p1' })
    expect((await store.list()).map((e) => e.provenanceId)).toEqual(['p1'])
    expect(Object.isFrozen(store)).toBe(true)
  })

  it('rejects a checkpoint without a key (INVALID_TYPE)', async () => {
    const store = createMemorySyncCheckpointStore()
    await expect(store.put({} as never)).rejects.toMatchObject({ code: 'INVALID_TYPE' })
    await expect(store.put(null as never)).rejects.toMatchObject({ code: 'INVALID_TYPE' })
  })
})

describe('FhirServerError', () => {
  it('carries status and outcome; the message names issue codes only, never diagnostics', () => {
    const outcome = {
      resourceType: 'OperationOutcome' as const,
      issue: [{ severity: 'error' as const, code: 'not-found' as const, diagnostics: 'Patient Jane Doe not found' }],
    }
    const e = new FhirServerError('FHIR_SERVER_ERROR', 'The FHIR server refused a read.', { status: 404, outcome })
    expect(e).toMatchObject({
      code: 'FHIR_SERVER_ERROR',
      status: 404,
      outcome,
      timedOut: false,
      name: 'FhirServerError',
    })
    expect(e.message).toContain('HTTP status: 404')
    expect(e.message).toContain('Issue: error not-found')
    expect(e.message).not.toContain('Jane')
    const t = new FhirServerError('FHIR_SERVER_UNAVAILABLE', 'Timed out.', { timedOut: true })
    expect(t).toMatchObject({ code: 'FHIR_SERVER_UNAVAILABLE', timedOut: true, status: undefined })
  })
})
