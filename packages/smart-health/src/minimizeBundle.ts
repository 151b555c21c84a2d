/**
 * The SMART Health Cards rules for a Bundle that must fit in a QR code (SMART Health Cards §"Health Cards are Small"):
 * a `collection` whose entries have `fullUrl` `resource:0`, `resource:1`, … and whose references between entries use
 * those short names; no `Resource.id`; no `Resource.meta` except `meta.security`; no `DomainResource.text`; no
 * `CodeableConcept.text`; no `Coding.display`.
 * @module
 */
import { InvalidArgumentError } from '@medseal/core'

/** A FHIR resource as JSON (only `resourceType` is looked at by name). */
export type FhirResourceJson = { readonly resourceType: string; readonly [key: string]: unknown }

/** Everything {@link minimizeBundle} can throw. */
export type MinimizeBundleErrorType = InvalidArgumentError

const MAX_DEPTH = 64

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Deep copy with the minimization rules; `refs` maps literal references and fullUrls to `resource:N`. */
function minimize(value: unknown, refs: ReadonlyMap<string, string>, depth: number, parentKey: string): unknown {
  if (depth > MAX_DEPTH) throw new InvalidArgumentError('INPUT_TOO_DEEP', `A resource nests deeper than ${MAX_DEPTH}.`)
  if (Array.isArray(value)) return value.map((v) => minimize(v, refs, depth + 1, parentKey))
  if (!isObject(value)) return value
  const isResource = typeof value.resourceType === 'string'
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) {
    if (isResource && (key === 'id' || key === 'text')) continue
    if (isResource && key === 'meta') {
      if (isObject(v) && Array.isArray(v.security) && v.security.length > 0)
        out.meta = { security: minimize(v.security, refs, depth + 1, 'security') }
      continue
    }
    // CodeableConcept.text: a CodeableConcept is the object that holds `coding`
    if (key === 'text' && Array.isArray(value.coding)) continue
    // Coding.display: each element of a `coding` array (Reference.display and others stay)
    if (key === 'display' && parentKey === 'coding') continue
    if (key === 'reference' && typeof v === 'string') {
      out.reference = refs.get(v) ?? v
      continue
    }
    out[key] = minimize(v, refs, depth + 1, key)
  }
  return out
}

/**
 * Builds the minimized Bundle a SMART Health Card carries, from a Bundle (its type kept) or a list of resources (a
 * `collection`).
 * References to another entry (by its `fullUrl`, or `Type/id`) become `resource:N`. Returns a new object; the input
 * is not changed.
 *
 * @param input - a FHIR Bundle (its entries are taken in order) or an array of resources (a Patient first, by custom)
 * @returns the minimized Bundle
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_ARGUMENT` when the input is neither, or an entry has no resource;
 *   `INPUT_TOO_DEEP` for absurd nesting
 * @example
 * ```ts
 * import { minimizeBundle } from '@medseal/smart-health'
 * const bundle = minimizeBundle([
 *   { resourceType: 'Patient', id: 'p1', name: [{ family: 'Anyperson' }], text: { status: 'generated', div: '<div/>' } },
 *   { resourceType: 'Immunization', status: 'completed', patient: { reference: 'Patient/p1' },
 *     vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '207', display: 'Moderna' }] },
 *     occurrenceDateTime: '2021-01-01' },
 * ])
 * // bundle.entry[1].resource.patient.reference === 'resource:0'
 * ```
 */
export function minimizeBundle(input: FhirResourceJson | readonly FhirResourceJson[]): FhirResourceJson {
  let entries: { fullUrl?: unknown; resource: unknown }[]
  if (Array.isArray(input)) entries = input.map((resource) => ({ resource }))
  else if (isObject(input) && input.resourceType === 'Bundle' && Array.isArray(input.entry))
    entries = (input.entry as unknown[]).map((e) =>
      isObject(e) ? { fullUrl: e.fullUrl, resource: e.resource } : { resource: e },
    )
  else
    throw new InvalidArgumentError(
      'INVALID_ARGUMENT',
      'input must be a FHIR Bundle with entries or an array of resources.',
    )
  if (entries.length === 0)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'A health card needs at least one resource.')
  const refs = new Map<string, string>()
  for (const [i, { fullUrl, resource }] of entries.entries()) {
    if (!isObject(resource) || typeof resource.resourceType !== 'string')
      throw new InvalidArgumentError('INVALID_ARGUMENT', `Entry ${i} has no resource.`)
    const name = `resource:${i}`
    if (typeof fullUrl === 'string') refs.set(fullUrl, name)
    if (typeof resource.id === 'string') refs.set(`${resource.resourceType}/${resource.id}`, name)
  }
  // A Bundle keeps its type and its own elements (an IPS `document` keeps `identifier`, `timestamp`), minimized alike.
  const { entry: _entries, ...own } = Array.isArray(input) ? { resourceType: 'Bundle', type: 'collection' } : input
  return {
    ...(minimize(own, refs, 0, '') as Record<string, unknown>),
    resourceType: 'Bundle',
    type: typeof own.type === 'string' ? own.type : 'collection',
    entry: entries.map(({ resource }, i) => ({ fullUrl: `resource:${i}`, resource: minimize(resource, refs, 0, '') })),
  }
}
