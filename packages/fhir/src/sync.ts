/**
 * `@medseal/fhir/sync`: sync a patient's record from a FHIR server (fhir-kit-client): read, seal, anchor, write
 * `Provenance` back; resumable through a checkpoint store.
 * @module @medseal/fhir/sync
 */
export type { SyncCheckpoint, SyncCheckpointStore } from './sync/checkpoint.js'
export { createMemorySyncCheckpointStore } from './sync/checkpoint.js'
export { FhirServerError } from './sync/fhirServerError.js'
export type {
  SyncEntry,
  SyncFhirClient,
  SyncPatientErrorType,
  SyncPatientParameters,
  SyncPatientReturnType,
  SyncProgress,
} from './sync/syncPatient.js'
export { ENVELOPE_MEDIA_TYPE, SYNC_DEFAULT_RESOURCE_TYPES, syncPatient } from './sync/syncPatient.js'
