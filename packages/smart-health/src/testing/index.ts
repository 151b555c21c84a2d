/**
 * `@medseal/smart-health/testing`: the `ShlStore` conformance suite for link store implementations.
 * Depends on vitest (an optional peer dependency): import it only from test files.
 * @module @medseal/smart-health/testing
 */
export type {
  ShlStoreConformanceHarness,
  ShlStoreConformanceOptions,
} from './shlStoreConformance.js'
export { describeShlStoreConformance } from './shlStoreConformance.js'
