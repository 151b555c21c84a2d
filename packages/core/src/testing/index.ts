/**
 * `@medseal/core/testing`: test helpers for integrators, above all the LedgerAdapter conformance suite.
 * Depends on vitest (an optional peer dependency): import it only from test files.
 * @module
 */
export {}
