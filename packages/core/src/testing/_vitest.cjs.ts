/**
 * The CommonJS build's stand-in for `_vitest.ts` (swapped in by packages/core/tsup.config.ts: CommonJS has no
 * top-level await): vitest is required on first use. vitest is ESM-only, so this works only where Node can
 * `require()` ES modules; elsewhere the suites fail with the message below (the rest of the module still loads).
 * @module
 */
import type * as Vitest from 'vitest'
import { forwardVitest } from './_vitestForward.js'

/** CommonJS's `require` (this file is only ever compiled into the `.cjs` build). */
declare const require: (id: string) => unknown

const NO_VITEST =
  '@medseal/core/testing: this suite runs on vitest (an optional peer dependency, >= 4, ESM-only) and vitest could ' +
  'not be loaded from this CommonJS build. Call the suite from an ESM vitest test file (import, not require).'

let loaded: typeof Vitest | undefined

/** vitest itself, or a clear error when it cannot be loaded. */
export function vitestApi(): typeof Vitest {
  if (loaded === undefined) {
    try {
      loaded = require('vitest') as typeof Vitest
    } catch (cause) {
      throw new Error(NO_VITEST, { cause })
    }
  }
  return loaded
}

export const { describe, it, expect, beforeAll, beforeEach, afterAll, afterEach } = forwardVitest(vitestApi)
