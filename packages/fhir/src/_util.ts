/** Internal helpers. @module @internal */

/** Is `value` a plain JSON object (not an array, not null)? @internal */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The server base of an absolute RESTful `fullUrl` (`http://x/fhir/Patient/1` → `http://x/fhir/`), or undefined
 * (FHIR R4 Bundle "Resolving references in Bundles"). @internal
 */
export function restBaseOf(fullUrl: string | undefined): string | undefined {
  if (fullUrl === undefined) return undefined
  const m = /^(https?:\/\/.+\/)[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}(\/_history\/[A-Za-z0-9\-.]{1,64})?$/.exec(fullUrl)
  return m?.[1]
}
