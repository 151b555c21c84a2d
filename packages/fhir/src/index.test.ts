import { expect, it } from 'vitest'
import * as fhir from './index.js'

it('exports exactly this surface (review additions and removals here)', () => {
  expect(Object.keys(fhir).sort()).toMatchInlineSnapshot(`
    [
      "ACCESS_ACTION_SYSTEM",
      "ACCESS_LOG_ENTRY_SYSTEM",
      "ADDRESS_SYSTEM",
      "AUDIT_EVENT_NOT_CONVERTIBLE_SYSTEM",
      "BALP_BASE",
      "CANONICALIZE_RESOURCE_DEFAULT_MAX_BYTES",
      "CANONICALIZE_RESOURCE_DEFAULT_MAX_DEPTH",
      "COMMITMENT_SYSTEM",
      "CONSENT_ACTION_SYSTEM",
      "CONSENT_DELEGATION_DEPTH_EXTENSION",
      "CONSENT_ID_SYSTEM",
      "CONSENT_PARENT_EXTENSION",
      "CONSENT_SIGNATURE_EXTENSION",
      "ConsentNotExpressibleError",
      "DEID_AGE_EXTENSION_URL",
      "DEID_DEFAULT_EXTENSIONS",
      "FhirValidationError",
      "PROVENANCE_ACTIVITY_SYSTEM",
      "PROVENANCE_JWS_TYPE",
      "PROVENANCE_MAX_ANCHORS",
      "PROVENANCE_SIG_FORMAT",
      "SAFE_HARBOR_RESTRICTED_ZIP3",
      "SEALABLE_BUNDLE_TYPES",
      "VERIFICATION_SIGNATURE_TYPE",
      "assertValidResource",
      "auditEventFromLogEntry",
      "canonicalizeResource",
      "consentToFhir",
      "deidentify",
      "fhirToConsent",
      "hashResource",
      "isValidOutcome",
      "logEntryFromAuditEvent",
      "parseProvenanceSignatures",
      "provenanceForReceipt",
      "provenanceForReceipts",
      "sealBundle",
      "validateResource",
      "verifyProvenance",
    ]
  `)
})
