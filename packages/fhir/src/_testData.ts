/**
 * Test data for the `@medseal/fhir` suites (HL7 R4 examples and Synthea patients from the shared vectors), loaded
 * through Vite so the same tests run in Node and in Chromium. Used by tests and benchmarks only.
 * @module @internal
 */

const base = (files: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(files).map(([k, v]) => [k.split('/').pop() as string, v as string]))

/** HL7 FHIR R4 spec examples: file name → exact JSON text. @internal */
export const exampleFiles: Record<string, string> = base(
  import.meta.glob('@vectors/fhir/examples/*.json', { query: '?raw', import: 'default', eager: true }),
)

/** Synthea patients (transaction Bundles): file name → exact JSON text. @internal */
export const syntheaFiles: Record<string, string> = base(
  import.meta.glob('@vectors/fhir/synthea/*.json', { query: '?raw', import: 'default', eager: true }),
)
