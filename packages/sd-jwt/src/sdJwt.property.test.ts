// Property tests (fast-check), in Node and Chromium: any subset of disclosures verifies and reveals exactly that
// subset; any changed character of a presentation is refused with a medseal error.
import { fc, test } from '@fast-check/vitest'
import { isSdkError } from '@medseal/core'
import { beforeAll, describe, expect } from 'vitest'
import { createFixture, type Fixture, issueParams, OBSERVATION, T0 } from './_testFixtures.js'
import { issueFhirSdJwt } from './issueFhirSdJwt.js'
import { presentSdJwt } from './presentSdJwt.js'
import { verifySdJwt } from './verifySdJwt.js'

const AUD = 'https://verifier.example'
const NONCE = 'n-prop'
const ELEMENTS = [
  'code',
  'effectiveDateTime',
  'interpretation',
  'performer',
  'valueQuantity',
  'note',
  'subject',
] as const

let fx: Fixture
let sdJwt: string

beforeAll(async () => {
  fx = await createFixture()
  ;({ sdJwt } = await issueFhirSdJwt({ ...issueParams(fx), disclose: ELEMENTS, exp: T0 + 600, decoys: 3 }))
})

const verify = (presentation: string) =>
  verifySdJwt({
    presentation,
    issuerKey: fx.issuer.publicJwk,
    keyBinding: { aud: AUD, nonce: NONCE },
    statusPolicy: 'accept-without-status',
    now: T0 + 1,
  })

const present = (reveal: readonly string[]) =>
  presentSdJwt({ sdJwt, reveal, holderKey: fx.holder.privateKey, aud: AUD, nonce: NONCE, iat: T0 })

describe('properties', () => {
  test.prop([fc.subarray([...ELEMENTS])], { numRuns: 40 })(
    'any subset of disclosures verifies and reveals exactly that subset',
    async (subset) => {
      const out = await verify(await present(subset))
      const expected: Record<string, unknown> = { resourceType: 'Observation', status: 'final' }
      for (const name of subset) expected[name] = (OBSERVATION as Record<string, unknown>)[name]
      expect(out.fhir).toEqual(expected)
      expect(out.disclosed.map((d) => d.pointer).sort()).toEqual(subset.map((n) => `/fhir/${n}`).sort())
    },
  )

  test.prop(
    [
      fc.subarray([...ELEMENTS], { minLength: 1 }),
      fc.nat(),
      fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_~.'),
    ],
    { numRuns: 150 },
  )('any changed character of a presentation is refused', async (subset, at, replacement) => {
    const p = await present(subset)
    const i = at % p.length
    fc.pre(p[i] !== replacement)
    const tampered = `${p.slice(0, i)}${replacement}${p.slice(i + 1)}`
    const err = await verify(tampered).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isSdkError(err)).toBe(true)
  })
})
