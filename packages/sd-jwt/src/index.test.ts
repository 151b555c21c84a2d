import { expect, it } from 'vitest'
import * as sdJwt from './index.js'

it('exports exactly this surface (review additions and removals here)', () => {
  expect(Object.keys(sdJwt).sort()).toMatchInlineSnapshot(`
    [
      "FHIR_SD_JWT_VCT",
      "generateEs256Key",
      "issueFhirSdJwt",
      "presentSdJwt",
      "signStatusListToken",
      "verifyDisclosuresInRecord",
      "verifySdJwt",
      "verifyStatusListToken",
    ]
  `)
})
