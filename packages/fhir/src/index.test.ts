import { expect, it } from 'vitest'
import * as fhir from './index.js'

it('exports exactly this surface (review additions and removals here)', () => {
  expect(Object.keys(fhir).sort()).toMatchInlineSnapshot(`
    [
      "CANONICALIZE_RESOURCE_DEFAULT_MAX_BYTES",
      "CANONICALIZE_RESOURCE_DEFAULT_MAX_DEPTH",
      "DEID_AGE_EXTENSION_URL",
      "DEID_DEFAULT_EXTENSIONS",
      "FhirValidationError",
      "SAFE_HARBOR_RESTRICTED_ZIP3",
      "SEALABLE_BUNDLE_TYPES",
      "assertValidResource",
      "canonicalizeResource",
      "deidentify",
      "hashResource",
      "isValidOutcome",
      "sealBundle",
      "validateResource",
    ]
  `)
})
