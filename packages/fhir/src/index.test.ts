import { expect, it } from 'vitest'
import * as fhir from './index.js'

it('exports exactly this surface (review additions and removals here)', () => {
  expect(Object.keys(fhir).sort()).toMatchInlineSnapshot(`
    [
      "ADDRESS_SYSTEM",
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
      "SAFE_HARBOR_RESTRICTED_ZIP3",
      "SEALABLE_BUNDLE_TYPES",
      "assertValidResource",
      "canonicalizeResource",
      "consentToFhir",
      "deidentify",
      "fhirToConsent",
      "hashResource",
      "isValidOutcome",
      "sealBundle",
      "validateResource",
    ]
  `)
})
