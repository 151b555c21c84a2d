/**
 * `@medseal/fhir`: FHIR R4 rules for medseal: the canonical form of a resource (JCS with decimal precision),
 * structural validation, sealing of Bundles, and HIPAA Safe Harbor de-identification.
 * @module
 */
export type {
  CanonicalizeResourceErrorType,
  CanonicalizeResourceInput,
  CanonicalizeResourceOptions,
  MetaElement,
} from './canonicalizeResource.js'
export {
  CANONICALIZE_RESOURCE_DEFAULT_MAX_BYTES,
  CANONICALIZE_RESOURCE_DEFAULT_MAX_DEPTH,
  canonicalizeResource,
} from './canonicalizeResource.js'
export type { DeidentifyErrorType, DeidentifyParameters } from './deidentify.js'
export {
  DEID_AGE_EXTENSION_URL,
  DEID_DEFAULT_EXTENSIONS,
  deidentify,
  SAFE_HARBOR_RESTRICTED_ZIP3,
} from './deidentify.js'
export { FhirValidationError } from './errors.js'
export type { HashResourceErrorType, HashResourceReturnType } from './hashResource.js'
export { hashResource } from './hashResource.js'
// --- mappings: AuditEvent, Provenance ---
export type {
  AuditEventFromLogEntryErrorType,
  AuditEventFromLogEntryOptions,
  AuditEventNotConvertibleReason,
  LogEntryFromAuditEventErrorType,
} from './mappings/auditEvent.js'
export {
  ACCESS_ACTION_SYSTEM,
  ACCESS_LOG_ENTRY_SYSTEM,
  AUDIT_EVENT_NOT_CONVERTIBLE_SYSTEM,
  auditEventFromLogEntry,
  BALP_BASE,
  logEntryFromAuditEvent,
} from './mappings/auditEvent.js'
// --- mappings: Consent ---
export type {
  ConsentNotExpressibleReason,
  ConsentToFhirErrorType,
  ConsentToFhirOptions,
  FhirToConsentErrorType,
  FhirToConsentOptions,
  FhirToConsentReturnType,
} from './mappings/consent.js'
export { ConsentNotExpressibleError, consentToFhir, fhirToConsent } from './mappings/consent.js'
export type {
  ForeignSignatureReason,
  ParseProvenanceSignaturesErrorType,
  ProvenanceAnchor,
  ProvenanceForReceiptErrorType,
  ProvenanceForReceiptParameters,
  ProvenanceForReceiptsParameters,
  ProvenanceSignatureInfo,
  ProvenanceSignedAnchor,
  VerifyProvenanceErrorType,
  VerifyProvenanceParameters,
  VerifyProvenanceReturnType,
} from './mappings/provenance.js'
export {
  PROVENANCE_ACTIVITY_SYSTEM,
  PROVENANCE_JWS_TYPE,
  PROVENANCE_MAX_ANCHORS,
  PROVENANCE_SIG_FORMAT,
  parseProvenanceSignatures,
  provenanceForReceipt,
  provenanceForReceipts,
  VERIFICATION_SIGNATURE_TYPE,
  verifyProvenance,
} from './mappings/provenance.js'
export {
  ADDRESS_SYSTEM,
  COMMITMENT_SYSTEM,
  CONSENT_ACTION_SYSTEM,
  CONSENT_DELEGATION_DEPTH_EXTENSION,
  CONSENT_ID_SYSTEM,
  CONSENT_PARENT_EXTENSION,
  CONSENT_SIGNATURE_EXTENSION,
} from './mappings/systems.js'
export type {
  BundleReferenceEdge,
  SealBundleErrorType,
  SealBundleParameters,
  SealBundleReturnType,
  SealedBundleEntry,
} from './sealBundle.js'
export { SEALABLE_BUNDLE_TYPES, sealBundle } from './sealBundle.js'
export type { AssertValidResourceErrorType, ValidateResourceOptions } from './validateResource.js'
export { assertValidResource, isValidOutcome, validateResource } from './validateResource.js'
