/**
 * Structural validation of FHIR R4 resources, returning a FHIR `OperationOutcome`. This is not a profile validator
 * (no terminology, no invariants, no cardinality minimums); it checks what medseal relies on before sealing:
 *
 * - the resource is a JSON object whose `resourceType` is an R4 resource type (the list is generated from the HL7
 *   R4 StructureDefinitions, see `scripts/generate-r4.mjs`);
 * - `id` matches `[A-Za-z0-9\-\.]{1,64}`;
 * - literal references are well formed: relative `Type/id` (optionally `/_history/vid`) with an R4 type, an absolute
 *   `http(s)` URL, `urn:uuid:` + a UUID, `urn:oid:` + an OID, `#id` of a contained resource (or `#` for the
 *   container), or a conditional `Type?query` (only meaningful in transactions);
 * - primitives have the JSON type FHIR R4 §3.2 (JSON representation) requires (string / boolean / number; integers
 *   within 32-bit range), and `date`, `dateTime`, `instant`, `time` match their R4 regular expressions and real
 *   calendar days;
 * - an element that repeats is an array, and one that does not is not;
 * - with `strict`, no element unknown to the resource type sits at the top level (a `_name` sibling is allowed for
 *   a primitive `name`; choice elements such as `value[x]` accept each of their typed names).
 *
 * Elements are typed from the generated table for the top level of every resource and for every complex datatype;
 * inside backbone elements (e.g. `Encounter.participant`), references and nested resources are still checked. Every
 * resource nested anywhere (contained, `Bundle.entry.resource`, …) is validated the same way.
 *
 * Issues name locations with FHIRPath-like `expression`s (`Observation.subject.reference`,
 * `Bundle.entry[3].resource.ofType(Patient).birthDate`) and never include the offending values (no PHI).
 * @module
 */
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes'
import { R4_COMMON, R4_ELEMENTS, R4_RESOURCE_TYPES } from './_r4.generated.js'
import { isObject } from './_util.js'
import { FhirValidationError } from './errors.js'

/** Options of {@link validateResource}. */
export type ValidateResourceOptions = {
  /** Also reject elements unknown to the resource type at its top level. Default `false`. */
  readonly strict?: boolean
}

/** Everything {@link assertValidResource} can throw. */
export type AssertValidResourceErrorType = FhirValidationError

type ElementInfo = { readonly types: readonly string[]; readonly array: boolean }
type Structure = ReadonlyMap<string, ElementInfo>

const RESOURCE_TYPES: ReadonlySet<string> = /* @__PURE__ */ new Set(R4_RESOURCE_TYPES)

/** Parses one generated element table (`name:type1|type2[*]` …, choices expanded to their typed names). */
function parseStructure(spec: string): Structure {
  const map = new Map<string, ElementInfo>()
  for (const part of expandCommon(spec).split(' ')) {
    const colon = part.indexOf(':')
    const name = part.slice(0, colon)
    let typeText = part.slice(colon + 1)
    const array = typeText.endsWith('*')
    if (array) typeText = typeText.slice(0, -1)
    const types = typeText.split('|')
    if (name.endsWith('[x]')) {
      const stem = name.slice(0, -3)
      for (const t of types) map.set(stem + t[0]?.toUpperCase() + t.slice(1), { types: [t], array })
    } else map.set(name, { types, array })
  }
  return map
}

/** Every resource type's and datatype's element table, parsed once at load (immutable afterwards). */
const STRUCTURES: ReadonlyMap<string, Structure> = /* @__PURE__ */ (() =>
  new Map(Object.entries(R4_ELEMENTS).map(([type, spec]) => [type, parseStructure(spec)])))()

function structureOf(type: string): Structure | undefined {
  return STRUCTURES.get(type)
}

function expandCommon(spec: string): string {
  if (spec.startsWith('@')) {
    const space = spec.indexOf(' ')
    const name = space === -1 ? spec.slice(1) : spec.slice(1, space)
    return `${R4_COMMON[name] ?? ''}${space === -1 ? '' : spec.slice(space)}`
  }
  return spec
}

// FHIR R4 §2.24.0.1 primitive regular expressions (year 0001-9999)
const YEAR = '([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)'
const MONTH = '(0[1-9]|1[0-2])'
const DAY = '(0[1-9]|[1-2][0-9]|3[0-1])'
const TIME = '([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?'
const ZONE = '(Z|(\\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))'
const DATE_RE = new RegExp(`^${YEAR}(-${MONTH}(-${DAY})?)?$`)
const DATETIME_RE = new RegExp(`^${YEAR}(-${MONTH}(-${DAY}(T${TIME}${ZONE})?)?)?$`)
const INSTANT_RE = new RegExp(`^${YEAR}-${MONTH}-${DAY}T${TIME}${ZONE}$`)
const TIME_RE = new RegExp(`^${TIME}$`)
const ID_RE = /^[A-Za-z0-9\-.]{1,64}$/
const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/
const OID_RE = /^[0-2](\.(0|[1-9][0-9]*))+$/
const HTTP_URL_RE = /^https?:\/\/[^\s/?#]+[^\s]*$/
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/

const STRING_TYPES: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'string',
  'code',
  'id',
  'markdown',
  'uri',
  'url',
  'canonical',
  'oid',
  'uuid',
  'base64Binary',
  'xhtml',
  'date',
  'dateTime',
  'instant',
  'time',
])
const INTEGER_TYPES: ReadonlySet<string> = /* @__PURE__ */ new Set(['integer', 'positiveInt', 'unsignedInt'])

/** Full calendar check for the day part (the regexes allow 31 in every month). */
function realDay(value: string): boolean {
  if (value.length < 10) return true
  const y = Number(value.slice(0, 4))
  const m = Number(value.slice(5, 7))
  const d = Number(value.slice(8, 10))
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0
  return d <= days
}

/**
 * Checks a literal reference string (`Reference.reference`); returns a problem description or `undefined`.
 * @internal
 */
export function checkReference(ref: string): string | undefined {
  if (ref.startsWith('#')) return ref === '#' || ID_RE.test(ref.slice(1)) ? undefined : 'invalid contained reference'
  if (ref.startsWith('urn:uuid:')) return UUID_RE.test(ref.slice(9)) ? undefined : 'invalid urn:uuid reference'
  if (ref.startsWith('urn:oid:')) return OID_RE.test(ref.slice(8)) ? undefined : 'invalid urn:oid reference'
  if (ref.startsWith('http://') || ref.startsWith('https://'))
    return HTTP_URL_RE.test(ref) ? undefined : 'invalid absolute reference URL'
  const q = ref.indexOf('?')
  if (q > 0) return RESOURCE_TYPES.has(ref.slice(0, q)) ? undefined : 'unknown resource type in conditional reference'
  const parts = ref.split('/')
  if (parts.length !== 2 && !(parts.length === 4 && parts[2] === '_history'))
    return 'reference must be Type/id, an absolute URL, urn:uuid:, urn:oid: or #id'
  if (!RESOURCE_TYPES.has(parts[0] as string)) return 'unknown resource type in reference'
  if (!ID_RE.test(parts[1] as string)) return 'invalid id in reference'
  if (parts.length === 4 && !ID_RE.test(parts[3] as string)) return 'invalid version id in reference'
  return undefined
}

type Ctx = { readonly issues: OperationOutcomeIssue[]; readonly strict: boolean }

const safeName = (k: string): string => (NAME_RE.test(k) ? k : '[…]')

function issue(ctx: Ctx, code: OperationOutcomeIssue['code'], expression: string, diagnostics: string): undefined {
  if (ctx.issues.length >= 1000) return // bounded report
  ctx.issues.push({ severity: 'error', code, diagnostics, expression: [expression] })
}

function validateResourceAt(ctx: Ctx, resource: unknown, path: string, depth: number): undefined {
  if (depth > 64) return issue(ctx, 'too-costly', path, 'resources nested too deeply')
  if (!isObject(resource)) return issue(ctx, 'structure', path, 'a resource must be a JSON object')
  const type = resource.resourceType
  if (typeof type !== 'string') return issue(ctx, 'required', path, 'resourceType is missing or not a string')
  if (!RESOURCE_TYPES.has(type))
    return issue(ctx, 'not-supported', `${path === '' ? '' : `${path}.`}resourceType`, 'not an R4 resource type')
  const at = path === '' ? type : `${path}.ofType(${type})`
  if ('id' in resource && (typeof resource.id !== 'string' || !ID_RE.test(resource.id)))
    issue(ctx, 'value', `${at}.id`, 'id must match [A-Za-z0-9\\-\\.]{1,64}')
  const structure = structureOf(type) as Structure
  for (const key of Object.keys(resource)) {
    if (key === 'resourceType' || key === 'id') continue
    const value = resource[key]
    const info = structure.get(key)
    if (info === undefined) {
      if (key.startsWith('_') && structure.has(key.slice(1))) {
        checkUntyped(ctx, value, `${at}.${key.slice(1)}`, depth)
        continue
      }
      if (ctx.strict) issue(ctx, 'structure', `${at}.${safeName(key)}`, `unknown element for ${type}`)
      checkUntyped(ctx, value, `${at}.${safeName(key)}`, depth)
      continue
    }
    checkElement(ctx, value, info, `${at}.${key}`, depth)
  }
}

function checkElement(ctx: Ctx, value: unknown, info: ElementInfo, path: string, depth: number): undefined {
  if (Array.isArray(value)) {
    if (!info.array) issue(ctx, 'structure', path, 'element does not repeat but is an array')
    for (let i = 0; i < value.length; i++) checkValue(ctx, value[i], info.types, `${path}[${i}]`, depth)
    if (value.length === 0) issue(ctx, 'structure', path, 'arrays must not be empty')
    return
  }
  if (info.array && value !== null) issue(ctx, 'structure', path, 'repeating element must be an array')
  checkValue(ctx, value, info.types, path, depth)
}

function checkValue(ctx: Ctx, value: unknown, types: readonly string[], path: string, depth: number): undefined {
  const type = types.length === 1 ? (types[0] as string) : undefined
  if (type === undefined) return checkUntyped(ctx, value, path, depth)
  if (value === null) return // allowed inside primitive arrays aligned with `_name` arrays
  if (type === 'Resource') return validateResourceAt(ctx, value, path, depth + 1)
  if (STRING_TYPES.has(type)) {
    if (typeof value !== 'string') return issue(ctx, 'value', path, `${type} must be a JSON string`)
    if (type === 'date' && !(DATE_RE.test(value) && realDay(value))) issue(ctx, 'value', path, 'invalid date')
    else if (type === 'dateTime' && !(DATETIME_RE.test(value) && realDay(value)))
      issue(ctx, 'value', path, 'invalid dateTime')
    else if (type === 'instant' && !(INSTANT_RE.test(value) && realDay(value)))
      issue(ctx, 'value', path, 'invalid instant')
    else if (type === 'time' && !TIME_RE.test(value)) issue(ctx, 'value', path, 'invalid time')
    else if (type === 'id' && !ID_RE.test(value)) issue(ctx, 'value', path, 'invalid id')
    else if (value.length === 0 || (type !== 'xhtml' && type !== 'markdown' && value.trim() === ''))
      issue(ctx, 'value', path, 'strings must not be empty or whitespace only')
    return
  }
  if (type === 'boolean') {
    if (typeof value !== 'boolean') issue(ctx, 'value', path, 'boolean must be a JSON true or false')
    return
  }
  if (INTEGER_TYPES.has(type)) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value > 2147483647 || value < -2147483648)
      issue(ctx, 'value', path, `${type} must be a 32-bit integer JSON number`)
    else if (type === 'positiveInt' && value < 1) issue(ctx, 'value', path, 'positiveInt must be at least 1')
    else if (type === 'unsignedInt' && value < 0) issue(ctx, 'value', path, 'unsignedInt must not be negative')
    return
  }
  if (type === 'decimal') {
    if (typeof value !== 'number') issue(ctx, 'value', path, 'decimal must be a JSON number')
    return
  }
  if (!isObject(value)) return issue(ctx, 'structure', path, `${type} must be a JSON object`)
  if (type === 'Reference' && typeof value.reference === 'string') {
    const problem = checkReference(value.reference)
    if (problem) issue(ctx, 'value', `${path}.reference`, problem)
  }
  const structure = type === 'BackboneElement' || type === 'Element' ? undefined : structureOf(type)
  if (structure === undefined) return checkUntyped(ctx, value, path, depth)
  for (const key of Object.keys(value)) {
    const info = structure.get(key)
    if (info) checkElement(ctx, value[key], info, `${path}.${key}`, depth)
    else checkUntyped(ctx, value[key], `${path}.${safeName(key)}`, depth)
  }
}

const REFERENCE_KEYS: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'reference',
  'type',
  'identifier',
  'display',
  'id',
  'extension',
  '_reference',
  '_display',
  '_type',
])

/** Walks an element without type information: validates nested resources and Reference-shaped objects. */
function checkUntyped(ctx: Ctx, value: unknown, path: string, depth: number, level = 0): undefined {
  if (level > 64) return issue(ctx, 'too-costly', path, 'nested too deeply')
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) checkUntyped(ctx, value[i], `${path}[${i}]`, depth, level + 1)
    return
  }
  if (!isObject(value)) return
  if (typeof value.resourceType === 'string') return validateResourceAt(ctx, value, path, depth + 1)
  const keys = Object.keys(value)
  if (typeof value.reference === 'string' && keys.every((k) => REFERENCE_KEYS.has(k))) {
    const problem = checkReference(value.reference)
    if (problem) issue(ctx, 'value', `${path}.reference`, problem)
  }
  for (const k of keys) {
    const v = value[k]
    if (typeof v === 'object' && v !== null) checkUntyped(ctx, v, `${path}.${safeName(k)}`, depth, level + 1)
  }
}

/**
 * Validates the structure of a FHIR R4 resource (see the module docs for the rules) and returns the result as a
 * FHIR `OperationOutcome`: error issues with FHIRPath-like `expression`s, or one `informational` issue when valid.
 * Never throws for any input.
 *
 * @param resource - a parsed FHIR resource (any value is accepted; non-resources give an error issue)
 * @param options - `strict`: also reject unknown top-level elements
 * @returns an `OperationOutcome`; valid when no issue has severity `error`
 * @example
 * ```ts
 * import { validateResource } from '@medseal/fhir'
 * const outcome = validateResource({ resourceType: 'Observation', subject: { reference: 'Patient' } })
 * outcome.issue[0]?.expression // ['Observation.subject.reference']
 * ```
 */
export function validateResource(resource: unknown, options: ValidateResourceOptions = {}): OperationOutcome {
  const ctx: Ctx = { issues: [], strict: options?.strict === true }
  validateResourceAt(ctx, resource, '', 0)
  if (ctx.issues.length === 0)
    return {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'information', code: 'informational', diagnostics: 'All OK' }],
    }
  return { resourceType: 'OperationOutcome', issue: ctx.issues }
}

/**
 * Is this `OperationOutcome` free of errors?
 * @example
 * ```ts
 * import { isValidOutcome, validateResource } from '@medseal/fhir'
 * isValidOutcome(validateResource({ resourceType: 'Patient' })) // true
 * ```
 */
export function isValidOutcome(outcome: OperationOutcome): boolean {
  return !outcome.issue.some((i) => i.severity === 'error' || i.severity === 'fatal')
}

/**
 * Validates a resource like {@link validateResource} and throws when it is invalid; returns the resource typed.
 *
 * @param resource - a parsed FHIR resource
 * @param options - `strict`: also reject unknown top-level elements
 * @returns `resource`
 * @throws {@link FhirValidationError} `INVALID_FHIR`, carrying the `outcome`
 * @example
 * ```ts
 * import { assertValidResource } from '@medseal/fhir'
 * const patient = assertValidResource({ resourceType: 'Patient', id: 'p1', birthDate: '1970-01-01' })
 * ```
 */
export function assertValidResource<T extends { resourceType: string }>(
  resource: T | unknown,
  options?: ValidateResourceOptions,
): T {
  const outcome = validateResource(resource, options)
  if (!isValidOutcome(outcome)) {
    const n = outcome.issue.length
    throw new FhirValidationError(`Invalid FHIR resource (${n} issue${n === 1 ? '' : 's'}).`, outcome)
  }
  return resource as T
}
