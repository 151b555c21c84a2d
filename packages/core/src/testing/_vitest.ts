/**
 * vitest, loaded when `@medseal/core/testing` is imported and only if it is installed, so the helpers that do not
 * need it (e.g. `badBytesInputs`) import without it; the suites built on it fail when called, with a clear message,
 * if it is missing. The exports forward to vitest's own functions (same signatures, same properties).
 * @module
 */
import type * as Vitest from 'vitest'
import { forwardVitest } from './_vitestForward.js'

const NO_VITEST =
  '@medseal/core/testing: this suite runs on vitest (an optional peer dependency, >= 4) and vitest could not be ' +
  'loaded. Install it (npm i -D vitest) and call the suite from a vitest test file.'

const loaded: typeof Vitest | undefined = await import('vitest').then(
  (m) => m,
  () => undefined,
)

/** vitest itself, or a clear error when it is not installed. */
export function vitestApi(): typeof Vitest {
  if (loaded === undefined) throw new Error(NO_VITEST)
  return loaded
}

export const { describe, it, expect, beforeAll, beforeEach, afterAll, afterEach } = forwardVitest(vitestApi)
