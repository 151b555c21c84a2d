/**
 * HIPAA Safe Harbor de-identification (45 CFR §164.514(b)(2)) of a FHIR R4 Bundle, with keyed pseudonyms.
 *
 * The rules apply to **every resource in the Bundle** (the Patient, every resource that references it, and the
 * practitioners, organizations and locations around it, whose names and addresses would point at the patient's
 * place of care). The output is a new Bundle; the input is never modified.
 *
 * What happens to each of the 18 Safe Harbor identifiers (A–R):
 * - (A) names: every `name` and `alias` element is removed (HumanName of patients, relatives, practitioners, and the
 *   string names of organizations and locations); Reference `display` strings (usually names) are removed.
 * - (B) geography below the state: in every Address, `line`, `city`, `district`, `text` and `period` are removed;
 *   `state`, `country`, `use` and `type` stay; a US `postalCode` keeps its first 3 digits, or becomes `000` when
 *   that 3-digit ZIP area has 20,000 people or fewer (the 17 prefixes of the 2000 Census the HHS guidance lists:
 *   {@link SAFE_HARBOR_RESTRICTED_ZIP3}; pass `restrictedZip3` to use a newer census); a non-US or non-numeric
 *   postal code is removed. Geolocation extensions go with all non-allow-listed extensions.
 * - (C) dates: every date, dateTime and Period boundary keeps its year only (`2019-03-04T10:00:00Z` → `2019`);
 *   `instant` elements (which cannot be year-only) are removed. Ages over 89 ("all elements of dates (including
 *   year) indicative of such age"): when a patient is 90 or older at `asOf` (default: now), or was at death, the
 *   Patient gets the extension {@link DEID_AGE_EXTENSION_URL} with `valueString: '90+'` and no date keeps even its
 *   year in the patient's resources: the Patient, every entry referencing it directly or through such an entry,
 *   and (when the Bundle holds a patient aged 90 or over) every entry linked to no patient. There each date,
 *   dateTime and Period boundary, extensions included, becomes the FHIR `data-absent-reason` extension
 *   `masked` on its `_element` (`birthDate` → `_birthDate`), dates in repeating elements are removed, other
 *   strings holding a 4-digit number are removed, and Synthea's DALY/QALY extensions (they add up to the years
 *   lived) are removed. A relative aged 90 or over (a RelatedPerson's `birthDate`, a FamilyMemberHistory's
 *   `born[x]`, at death or at `asOf`) gets the same for that entry alone. A Patient aged 90 or over left out of the
 *   export (see (R)) masks every entry. For everyone, an age of 90 years or more becomes `>= 90 a`: `Age` values
 *   (`onsetAge`, `ageAge`, an extension's `valueAge`, …), age `Range`s (`low` capped at 90, a `high` of 90 or more
 *   removed) and Observations with a LOINC age code; `onset[x]`/`age[x]`/`deceased[x]`/`performed[x]`/`born[x]`
 *   strings are removed (free text).
 * - (D–F) telephone, fax, email: every `telecom` element is removed.
 * - (G–K) SSN, MRN, health plan beneficiary, account, certificate/licence numbers: every `identifier` element is
 *   removed (Identifier is how FHIR carries them), as are `subscriberId`, `accountId` and `policyNumber`.
 * - (L–M) vehicle and device identifiers and serial numbers: `udiCarrier`, `serialNumber`, `lotNumber`,
 *   `distinctIdentifier` and DICOM `uid`s (replaced by keyed pseudonym OIDs `2.25.<n>`) .
 * - (N–O) URLs and IP addresses: telecom and attachments are removed; AuditEvent `network` is removed; resource
 *   ids, `fullUrl`s and references are replaced by pseudonyms (below); `Bundle.link`, `meta` (except
 *   `meta.security`/`meta.profile`), `request` details and `response`s are removed.
 * - (P–Q) biometrics and photos: `photo`, `presentedForm`, attachments (`attachment`, `valueAttachment`, `content`
 *   of DocumentReference/Media) and `signature`s are removed.
 * - (R) any other unique code or free text: the `text` narrative of every resource (and Composition sections),
 *   element `id`s (they only anchor the narrative), `note`, `comment`,
 *   `patientInstruction`, free-text strings (`text` of CodeableConcept, Dosage, …; `title`, `description`, `summary`,
 *   `valueString`, `valueMarkdown` outside allow-listed extensions; the codes stay) and every
 *   extension that is not allow-listed (Synthea's mother's maiden name and birth place are dropped this way) are
 *   removed. Allow-listed by default: US Core race, ethnicity and birth sex, data-absent-reason, and Synthea's
 *   DALY/QALY ({@link DEID_DEFAULT_EXTENSIONS}; add yours with `keepExtensions`). A resource carrying a
 *   `modifierExtension` that is not allow-listed is left out of the export (dropping a modifier would change its
 *   meaning), and references to it lose their target. As a last net, any remaining string that looks like an
 *   e-mail address, a phone number, an SSN, an IPv4 address or a URL is removed.
 *
 * **Pseudonyms**: each resource `Type/id` becomes `Type/<p>` where `p` is a UUID-shaped value (RFC 9562 version 8)
 * made from HMAC-SHA256(key, "medseal/deid/v1\0" + "Type/id"). The same key maps the same source id to the same
 * pseudonym (references stay consistent across all Bundles of one export); another key gives unrelated
 * pseudonyms (unlinkable across exports). Use a fresh random 32-byte key per export and destroy it afterwards if
 * re-identification must be impossible. Every `fullUrl` becomes `urn:uuid:<p>` and every reference that resolves
 * inside the Bundle points at that `urn:uuid:`; others become relative `Type/<p>`.
 *
 * Not covered (document your own handling): identifiers hidden inside coded values or free-text strings in
 * elements not listed above, ages written as Observation values under codes other than the LOINC age codes, the
 * dates of a patient aged 90 or over whose Patient resource is not in the same Bundle (export each patient's
 * Patient resource with their data, as `Patient/$everything` does), and quasi-identifiers (rare diagnoses, small
 * cohorts): Safe Harbor also requires that the covered entity has no actual knowledge that the rest could identify
 * the person.
 * @module
 */
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes'
import { describeType, InvalidArgumentError, isBytes } from '@medseal/core'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { R4_COMMON, R4_ELEMENTS } from './_r4.generated.js'
import { isObject, restBaseOf } from './_util.js'
import { FhirValidationError } from './errors.js'

/**
 * URL of the extension marking a person aged 90 or over (Safe Harbor's single category "90 or older"): a Patient,
 * or a relative's RelatedPerson or FamilyMemberHistory, whose birth date and every other date were masked.
 * @example
 * ```ts
 * import { DEID_AGE_EXTENSION_URL } from '@medseal/fhir'
 * const ninetyPlus = patient.extension?.some((e) => e.url === DEID_AGE_EXTENSION_URL)
 * ```
 */
export const DEID_AGE_EXTENSION_URL = 'https://medseal.dev/fhir/StructureDefinition/deidentified-age-category'

/**
 * 3-digit ZIP prefixes whose areas had 20,000 people or fewer in the 2000 Census (HHS, "Guidance Regarding Methods
 * for De-identification of PHI", §2.4): their postal codes become `000`.
 * @example
 * ```ts
 * import { deidentify, SAFE_HARBOR_RESTRICTED_ZIP3 } from '@medseal/fhir'
 * deidentify(bundle, { key, restrictedZip3: [...SAFE_HARBOR_RESTRICTED_ZIP3, '999'] })
 * ```
 */
export const SAFE_HARBOR_RESTRICTED_ZIP3: readonly string[] = Object.freeze([
  '036',
  '059',
  '063',
  '102',
  '203',
  '556',
  '692',
  '790',
  '821',
  '823',
  '830',
  '831',
  '878',
  '879',
  '884',
  '890',
  '893',
])

/**
 * Extensions kept by default (they carry no identifier).
 * @example
 * ```ts
 * import { DEID_DEFAULT_EXTENSIONS } from '@medseal/fhir'
 * DEID_DEFAULT_EXTENSIONS.includes('http://hl7.org/fhir/us/core/StructureDefinition/us-core-race') // true
 * ```
 */
export const DEID_DEFAULT_EXTENSIONS: readonly string[] = Object.freeze([
  'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race',
  'http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity',
  'http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex',
  'http://hl7.org/fhir/StructureDefinition/data-absent-reason',
  'http://synthetichealth.github.io/synthea/disability-adjusted-life-years',
  'http://synthetichealth.github.io/synthea/quality-adjusted-life-years',
])

/** Parameters of {@link deidentify}. */
export type DeidentifyParameters = {
  /** The per-export pseudonym key: at least 16 bytes (32 random bytes recommended). */
  readonly key: Uint8Array
  /** The date ages are computed at (default: now). */
  readonly asOf?: Date
  /** More extension URLs to keep (their content is still scrubbed). */
  readonly keepExtensions?: readonly string[]
  /** 3-digit ZIP prefixes whose postal codes become `000` (default {@link SAFE_HARBOR_RESTRICTED_ZIP3}). */
  readonly restrictedZip3?: readonly string[]
}

/** Everything {@link deidentify} can throw. */
export type DeidentifyErrorType = InvalidArgumentError | FhirValidationError

/** Elements removed wherever they appear. */
const REMOVE: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'name',
  'alias',
  'telecom',
  'identifier',
  'photo',
  'presentedForm',
  'attachment',
  'valueAttachment',
  'signature',
  'note',
  'comment',
  'comments',
  'patientInstruction',
  'subscriberId',
  'accountId',
  'policyNumber',
  'udiCarrier',
  'serialNumber',
  'lotNumber',
  'distinctIdentifier',
  'network',
  'query', // AuditEvent.entity.query: the search that was run (often with identifiers)
  'sourceAttachment', // Consent.sourceAttachment: the scanned, signed form
  'contact', // Organization.contact / Patient.contact: relatives' and contacts' details
  'link', // Bundle.link URLs, Patient.link to other records
  'response',
  'implicitRules',
])

/** Elements whose string values are free text (CodeableConcept.text, Composition.title, Observation.valueString, …). */
const FREE_TEXT: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'text',
  'title',
  'description',
  'summary',
  'valueString',
  'valueMarkdown',
])

/** Keys whose values are codes or definitions: never treated as dates or free text. */
const CODE_KEYS: ReadonlySet<string> = /* @__PURE__ */ new Set(['system', 'code', 'version', 'url', 'profile', 'unit'])

const DATE_LIKE = /^\d{4}-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?$/
/** A FHIR date, dateTime or instant of any precision, a year alone included. */
const ANY_DATE = /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/

const DATA_ABSENT_REASON = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason'
/** What replaces a removed date of a patient aged 90 or over: FHIR's data-absent-reason `masked`. */
const MASKED = /* @__PURE__ */ Object.freeze({ url: DATA_ABSENT_REASON, valueCode: 'masked' })
/** Marks a string value that must be replaced by {@link MASKED} (returned by {@link scrubValue}). */
const MASK: unique symbol = Symbol('mask')

/**
 * Extensions whose values are ages: Synthea's DALY + QALY add up to the years lived, so both go for a patient aged
 * 90 or over.
 */
const AGE_EXTENSIONS: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'http://synthetichealth.github.io/synthea/disability-adjusted-life-years',
  'http://synthetichealth.github.io/synthea/quality-adjusted-life-years',
])

/**
 * Choice elements `[x]` that admit an `Age` in FHIR R4 (Condition.onset/abatement, AllergyIntolerance.onset,
 * FamilyMemberHistory.age/deceased and condition.onset, Procedure.performed, ServiceRequest-like timing): their
 * `…Age` and `…Range` forms hold ages.
 */
const AGE_CHOICES: readonly string[] = ['onset', 'abatement', 'age', 'deceased', 'performed', 'timing', 'born']
/** `…Age` elements, and `valueAge` (an extension's or a parameter's value is an `Age` under that name only). */
const AGE_KEYS: ReadonlySet<string> = /* @__PURE__ */ new Set([...AGE_CHOICES.map((c) => `${c}Age`), 'valueAge'])
const AGE_RANGE_KEYS: ReadonlySet<string> = /* @__PURE__ */ new Set(AGE_CHOICES.map((c) => `${c}Range`))
/** Their `…String` forms are free text that may state an age or a date ("at 92", "winter 1950"): removed. */
const AGE_STRING_KEYS: ReadonlySet<string> = /* @__PURE__ */ new Set(AGE_CHOICES.map((c) => `${c}String`))
/** A 4-digit number inside a longer string: a possible year. */
const YEAR_IN_TEXT = /(?<!\d)\d{4}(?!\d)/
/** LOINC codes of observations whose value is the patient's age. */
const AGE_LOINC: ReadonlySet<string> = /* @__PURE__ */ new Set(['30525-0', '21612-7', '29553-5', '21611-9'])
const UCUM = 'http://unitsofmeasure.org'
/** Years per UCUM time unit (a missing or unknown unit is read as years: the cautious reading). */
const YEARS_PER_UNIT: Readonly<Record<string, number>> = {
  a: 1,
  mo: 1 / 12,
  wk: 7 / 365.25,
  d: 1 / 365.25,
  h: 1 / 8766,
  min: 1 / 525_960,
  s: 1 / 31_557_600,
}
/** Safe Harbor (C): the single category for ages over 89, as an R4 `Age` (`>= 90 a`). */
const NINETY_PLUS = /* @__PURE__ */ Object.freeze({ value: 90, comparator: '>=', unit: 'a', system: UCUM, code: 'a' })
const EMAIL = /[^\s@]+@[^\s@]+\.[A-Za-z]{2,}/
const PHONE = /(\+?\d{1,3}[\s.-])?\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}/
const SSN = /\b\d{3}-\d{2}-\d{4}\b/
const IPV4 = /\b(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\b/
const URL_LIKE = /\b(https?|ftp):\/\//i

const encoder = /* @__PURE__ */ new TextEncoder()
const DOMAIN = 'medseal/deid/v1\0'

type Ctx = {
  readonly key: Uint8Array
  readonly asOfYear: number
  readonly asOf: Date
  readonly extensions: ReadonlySet<string>
  readonly restrictedZip3: ReadonlySet<string>
  /** Source `fullUrl` → new urn:uuid of an entry in the Bundle. */
  readonly resolved: Map<string, string>
  /** Source `Type/id` → new urn:uuid (first entry wins), for references from entries without a RESTful fullUrl. */
  readonly byTypeId: Map<string, string>
  /** Server base of the entry being scrubbed (a per-call cursor, set entry by entry). */
  base: string | undefined
  /** Source references of entries left out of the export. */
  readonly excluded: Set<string>
  readonly cache: Map<string, string>
  /** Whether the entry being scrubbed belongs to a patient aged 90 or over (a per-call cursor, set entry by entry). */
  maskDates: boolean
}

/** UUID-shaped pseudonym (RFC 9562 version 8, custom) of a source identity. */
function pseudonym(ctx: Ctx, identity: string): string {
  const cached = ctx.cache.get(identity)
  if (cached) return cached
  const mac = hmac(sha256, ctx.key, encoder.encode(DOMAIN + identity))
  mac[6] = ((mac[6] as number) & 0x0f) | 0x80 // version 8
  mac[8] = ((mac[8] as number) & 0x3f) | 0x80 // RFC 9562 variant
  let hex = ''
  for (let i = 0; i < 16; i++) hex += (mac[i] as number).toString(16).padStart(2, '0')
  const out = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
  ctx.cache.set(identity, out)
  return out
}

/** A pseudonym OID (`2.25.<128-bit integer>`, ITU-T X.667) for DICOM UIDs. */
function pseudonymOid(ctx: Ctx, uid: string): string {
  const hex = pseudonym(ctx, `uid:${uid}`).replaceAll('-', '')
  return `2.25.${BigInt(`0x${hex}`).toString(10)}`
}

/** Splits `…/Type/id[/_history/v]` into `Type/id`, or undefined. */
function typeAndId(ref: string): string | undefined {
  const m = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/.exec(ref)
  return m ? `${m[1]}/${m[2]}` : undefined
}

/**
 * Rewrites a literal reference; `undefined` removes it. Resolution follows FHIR R4 Bundle rules: absolute references
 * match `fullUrl`s; a relative one from an entry with a RESTful `fullUrl` resolves against that server's base only,
 * from other entries by `Type/id`. A reference that stays outside the Bundle becomes `Type/<pseudonym of Type/id>`.
 */
function rewriteReference(ctx: Ctx, ref: string): string | undefined {
  if (ref.startsWith('#')) return ref // contained: local to the resource
  if (ref.includes('?')) return undefined // conditional references search by identifiers
  const stripped = ref.replace(/\/_history\/[^/]+$/, '')
  if (/^[a-z][a-z0-9+.-]*:/i.test(stripped)) {
    if (ctx.excluded.has(stripped)) return undefined
    const hit = ctx.resolved.get(stripped)
    if (hit) return hit
    if (stripped.startsWith('urn:')) return `urn:uuid:${pseudonym(ctx, stripped)}`
    const ti = typeAndId(stripped)
    return ti === undefined ? undefined : `${ti.slice(0, ti.indexOf('/'))}/${pseudonym(ctx, ti)}`
  }
  const ti = typeAndId(stripped)
  if (ti === undefined || ti !== stripped) return undefined
  const key = ctx.base === undefined ? ti : ctx.base + ti
  if (ctx.excluded.has(key)) return undefined
  const hit = ctx.base === undefined ? ctx.byTypeId.get(ti) : ctx.resolved.get(key)
  return hit ?? `${ti.slice(0, ti.indexOf('/'))}/${pseudonym(ctx, ti)}`
}

const INSTANT_ELEMENTS = /* @__PURE__ */ (() => {
  const out = new Map<string, Set<string>>()
  for (const [type, spec] of Object.entries(R4_ELEMENTS)) {
    let full = spec
    if (spec.startsWith('@')) {
      const sp = spec.indexOf(' ')
      full = `${R4_COMMON[sp === -1 ? spec.slice(1) : spec.slice(1, sp)] ?? ''}${sp === -1 ? '' : spec.slice(sp)}`
    }
    for (const part of full.split(' ')) {
      const [name, types] = part.split(':') as [string, string]
      const list = types.replace('*', '').split('|')
      if (name.endsWith('[x]')) {
        if (list.includes('instant'))
          (out.get(type) ?? out.set(type, new Set()).get(type))?.add(`${name.slice(0, -3)}Instant`)
      } else if (list.length === 1 && list[0] === 'instant')
        (out.get(type) ?? out.set(type, new Set()).get(type))?.add(name)
    }
  }
  return out
})()

function scrubAddress(ctx: Ctx, address: Record<string, unknown>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {}
  for (const k of ['use', 'type', 'state', 'country'] as const)
    if (typeof address[k] === 'string' && !looksIdentifying(address[k] as string)) out[k] = address[k]
  const zip = address.postalCode
  if (typeof zip === 'string') {
    const country = typeof address.country === 'string' ? address.country.toUpperCase() : 'US'
    const m = /^(\d{3})\d{2}(-\d{4})?$/.exec(zip.trim())
    if (m && (country === 'US' || country === 'USA' || country === 'UNITED STATES'))
      out.postalCode = ctx.restrictedZip3.has(m[1] as string) ? '000' : m[1]
  }
  return Object.keys(out).length > 0 ? out : undefined
}

function looksIdentifying(s: string): boolean {
  return EMAIL.test(s) || PHONE.test(s) || SSN.test(s) || IPV4.test(s) || URL_LIKE.test(s)
}

function scrubExtensions(ctx: Ctx, list: unknown, nested: boolean): unknown[] | undefined {
  if (!Array.isArray(list)) return undefined
  const out: unknown[] = []
  for (const ext of list) {
    if (!isObject(ext) || typeof ext.url !== 'string') continue
    // sub-extensions of an allow-listed extension have relative urls ('ombCategory', 'text')
    if (!(ctx.extensions.has(ext.url) || (nested && !ext.url.includes(':')))) continue
    if (ctx.maskDates && AGE_EXTENSIONS.has(ext.url)) continue
    const cleaned = scrubObject(ctx, ext, 'Extension', true)
    if (cleaned !== undefined) out.push(cleaned)
  }
  return out.length > 0 ? out : undefined
}

/**
 * Scrubs any value found at element `key` (not a resource). Returns {@link MASK} for a date of a patient aged 90 or
 * over (the caller replaces it with `_key` carrying {@link MASKED}); dates inside arrays are simply removed.
 */
function scrubValue(ctx: Ctx, value: unknown, key: string, inExtension: boolean): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = []
    for (const v of value) {
      const c = scrubValue(ctx, v, key, inExtension)
      if (c !== undefined && c !== MASK) out.push(c)
    }
    return out.length > 0 ? out : undefined
  }
  if (typeof value === 'string') {
    if (CODE_KEYS.has(key)) return value
    if (AGE_STRING_KEYS.has(key)) return undefined
    if (ctx.maskDates && ANY_DATE.test(value)) return MASK
    // a patient aged 90 or over: any other string holding a possible year goes too (terminology displays stay)
    if (ctx.maskDates && key !== 'display' && YEAR_IN_TEXT.test(value)) return undefined
    if (DATE_LIKE.test(value)) return value.slice(0, 4)
    if (looksIdentifying(value)) return undefined
    return value
  }
  if (!isObject(value)) return value
  if (typeof value.resourceType === 'string') return scrubResource(ctx, value, false)
  if (AGE_KEYS.has(key)) return capAge(scrubObject(ctx, value, key, inExtension))
  if (AGE_RANGE_KEYS.has(key)) return capAgeRange(scrubObject(ctx, value, key, inExtension))
  return scrubObject(ctx, value, key, inExtension)
}

/**
 * Sets `out[key]` to a scrubbed value. {@link MASK} becomes the sibling `_key` carrying {@link MASKED}; a `_key`
 * written after (or before) such a mask keeps both sets of extensions.
 */
function put(out: Record<string, unknown>, key: string, value: unknown): void {
  if (value === undefined) return
  const target = value === MASK ? `_${key}` : key
  const next = value === MASK ? { extension: [{ ...MASKED }] } : value
  const prior = out[target]
  if (target.startsWith('_') && isObject(prior) && isObject(next)) {
    const ext = [
      ...((prior.extension as unknown[] | undefined) ?? []),
      ...((next.extension as unknown[] | undefined) ?? []),
    ]
    out[target] = { ...prior, ...next, extension: ext }
  } else out[target] = next
}

/** An age in years, or undefined when `q` is no quantity; a unit that is not a UCUM time unit counts as years. */
function yearsOf(q: unknown): number | undefined {
  if (!isObject(q) || typeof q.value !== 'number') return undefined
  const unit = typeof q.code === 'string' ? q.code : typeof q.unit === 'string' ? q.unit : 'a'
  return q.value * (YEARS_PER_UNIT[unit] ?? 1)
}

/** Safe Harbor (C): an `Age` of 90 years or more becomes the single category `>= 90 a`. */
function capAge(age: unknown): unknown {
  const years = yearsOf(age)
  return years !== undefined && years >= 90 ? { ...NINETY_PLUS } : age
}

/**
 * Safe Harbor (C) for an age `Range`: a `low` of 90 years or more becomes 90 years, and a `high` of 90 years or more
 * is removed (the range then reads "90 or older", or "at least `low`").
 */
function capAgeRange(range: unknown): unknown {
  if (!isObject(range)) return range
  const low = yearsOf(range.low)
  const high = yearsOf(range.high)
  if ((low === undefined || low < 90) && (high === undefined || high < 90)) return range
  const { low: sourceLow, high: _high, ...out } = range
  if (low !== undefined && low >= 90) out.low = { value: 90, unit: 'a', system: UCUM, code: 'a' }
  else if (sourceLow !== undefined) out.low = sourceLow
  return Object.keys(out).length > 0 ? out : undefined
}

/** An Observation (or component) whose code is a LOINC "age" code: its value is capped like an `Age`. */
function capAgeObservation(source: Record<string, unknown>, out: Record<string, unknown>): void {
  const coding = isObject(source.code) && Array.isArray(source.code.coding) ? source.code.coding : []
  const isAge = coding.some((c) => isObject(c) && c.system === 'http://loinc.org' && AGE_LOINC.has(c.code as string))
  if (!isAge) return
  if (out.valueQuantity !== undefined) out.valueQuantity = capAge(out.valueQuantity)
  if (out.valueRange !== undefined) {
    const r = capAgeRange(out.valueRange)
    if (r === undefined) delete out.valueRange
    else out.valueRange = r
  }
}

function scrubObject(
  ctx: Ctx,
  obj: Record<string, unknown>,
  key: string,
  inExtension: boolean,
): Record<string, unknown> | undefined {
  if (key === 'address' || key === 'valueAddress') return scrubAddress(ctx, obj)
  const isReference = typeof obj.reference === 'string' || (key !== 'coding' && 'display' in obj && !('code' in obj))
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(obj)) {
    const v = obj[k]
    if (REMOVE.has(k)) continue
    if (k === 'id') continue // element ids only anchor the (removed) narrative
    if (k === 'extension') {
      const ext = scrubExtensions(ctx, v, inExtension || key === 'Extension')
      if (ext) out.extension = ext
      continue
    }
    if (k === 'modifierExtension') continue // only reached inside elements of kept resources: see scrubResource
    if (typeof v === 'string' && FREE_TEXT.has(k) && key !== 'Extension' && !inExtension) continue // codes stay
    if ((k === 'text' && isObject(v) && 'div' in v) || k === 'div') continue // Narrative (e.g. Composition.section)
    if (k === 'display' && isReference) continue
    if (k === 'reference' && typeof v === 'string') {
      const r = rewriteReference(ctx, v)
      if (r !== undefined) out.reference = r
      continue
    }
    if (k === 'uid' && typeof v === 'string') {
      out.uid = pseudonymOid(ctx, v)
      continue
    }
    if (k === 'data' && 'contentType' in obj) continue // attachment content
    if (k === 'url' && key !== 'Extension' && !inExtension) continue // attachment, endpoint and other URLs
    put(out, k, scrubValue(ctx, v, k, inExtension))
  }
  if (key === 'component') capAgeObservation(obj, out)
  // a Reference left without a target is dropped
  if (isReference && out.reference === undefined && typeof obj.reference === 'string') return undefined
  return Object.keys(out).length > 0 ? out : undefined
}

function ageAt(birthDate: string, at: Date): number | undefined {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(birthDate)
  if (!m) return undefined
  const y = Number(m[1])
  const mo = m[2] ? Number(m[2]) : 1
  const d = m[3] ? Number(m[3]) : 1
  let age = at.getUTCFullYear() - y
  if (at.getUTCMonth() + 1 < mo || (at.getUTCMonth() + 1 === mo && at.getUTCDate() < d)) age--
  return age
}

function scrubResource(ctx: Ctx, resource: Record<string, unknown>, topLevel: boolean): Record<string, unknown> {
  const type = resource.resourceType as string
  const instants = INSTANT_ELEMENTS.get(type)
  const out: Record<string, unknown> = { resourceType: type }
  for (const k of Object.keys(resource)) {
    const v = resource[k]
    if (k === 'resourceType') continue
    if (k === 'id') {
      if (typeof v === 'string') out.id = topLevel ? pseudonym(ctx, `${type}/${v}`) : v // contained ids are local
      continue
    }
    if (k === 'text' || k === 'modifierExtension' || k === 'entry') continue
    if (k === 'meta') {
      if (isObject(v)) {
        const meta: Record<string, unknown> = {}
        if (Array.isArray(v.security)) meta.security = scrubValue(ctx, v.security, 'security', false)
        if (Array.isArray(v.profile)) meta.profile = v.profile.filter((p) => typeof p === 'string')
        for (const mk of Object.keys(meta)) if (meta[mk] === undefined) delete meta[mk]
        if (Object.keys(meta).length > 0) out.meta = meta
      }
      continue
    }
    if (REMOVE.has(k) || (k.startsWith('_') && REMOVE.has(k.slice(1)))) continue
    if (typeof v === 'string' && FREE_TEXT.has(k)) continue
    if (instants?.has(k) || (k.startsWith('_') && instants?.has(k.slice(1)))) continue
    if (type === 'DocumentReference' && k === 'content') continue
    if (type === 'Media' && k === 'content') continue
    if (type === 'Binary' && (k === 'data' || k === 'securityContext')) continue
    if (k === 'extension') {
      const ext = scrubExtensions(ctx, v, false)
      if (ext) out.extension = ext
      continue
    }
    if (k === 'contained' && Array.isArray(v)) {
      const kept = v.filter((c) => isObject(c) && typeof c.resourceType === 'string' && !hasUnknownModifier(ctx, c))
      const scrubbed = kept.map((c) => scrubResource(ctx, c as Record<string, unknown>, false))
      if (scrubbed.length > 0) out.contained = scrubbed
      continue
    }
    put(out, k, scrubValue(ctx, v, k, false))
  }
  if (type === 'Observation') capAgeObservation(resource, out)
  if (isNinetyPlus(ctx, resource)) {
    delete out.birthDate // already masked: the entry's dates are (see entriesOfNinetyPlus)
    const ext = (out.extension as unknown[] | undefined) ?? []
    out.extension = [...ext, { url: DEID_AGE_EXTENSION_URL, valueString: '90+' }]
  }
  return out
}

/**
 * Is the person a resource describes 90 or older (Safe Harbor (C))? Age at `asOf`, or at death for someone who
 * died before it. Decided from `birthDate` (Patient, RelatedPerson, Person, Practitioner) or, for a relative in a
 * FamilyMemberHistory, `bornDate` / the latest day of `bornPeriod`; without one, nobody is known to be 90 or older.
 */
function isNinetyPlus(ctx: Ctx, r: Record<string, unknown>): boolean {
  const period = isObject(r.bornPeriod) ? r.bornPeriod : undefined
  const birth = [r.birthDate, r.bornDate, period?.end, period?.start].find((d) => typeof d === 'string')
  if (typeof birth !== 'string') return false
  const death = [r.deceasedDateTime, r.deceasedDate].find((d) => typeof d === 'string')
  const deceased = typeof death === 'string' ? new Date(death) : undefined
  const at = deceased && !Number.isNaN(deceased.getTime()) && deceased < ctx.asOf ? deceased : ctx.asOf
  const age = ageAt(birth, at)
  return age !== undefined && age >= 90
}

/**
 * The entries (by new `fullUrl`) whose dates are masked, Safe Harbor (C): every Patient aged 90 or over, every entry
 * that references one of them or (transitively) such an entry, and, when the Bundle holds any patient aged 90 or
 * over, every entry not linked to a patient at all (it cannot be shown to be someone else's); also any other entry
 * describing someone aged 90 or over (a relative's RelatedPerson or FamilyMemberHistory), for itself only. When a
 * Patient aged 90 or over was left out of the export (an unknown modifier extension), every entry is masked: which
 * ones were that patient's can no longer be told.
 */
function entriesOfNinetyPlus(
  ctx: Ctx,
  kept: readonly { entry: Record<string, unknown>; resource: Record<string, unknown>; fullUrl: string }[],
  excludedNinetyPlus: boolean,
): ReadonlySet<string> {
  if (excludedNinetyPlus) return new Set(kept.map((k) => k.fullUrl))
  const containedOf = (r: Record<string, unknown>) => (Array.isArray(r.contained) ? r.contained.filter(isObject) : [])
  // the common case, nobody aged 90 or over: no reference walk
  if (!kept.some(({ resource }) => [resource, ...containedOf(resource)].some((r) => isNinetyPlus(ctx, r))))
    return new Set()
  const masked = new Set<string>()
  const own = new Set<string>() // someone else aged 90 or over: the entry only
  const linked = new Set<string>() // entries linked to some patient
  const targets = new Map<string, string[]>()
  for (const { entry, resource, fullUrl } of kept) {
    for (const r of [resource, ...containedOf(resource)]) {
      const old = isNinetyPlus(ctx, r)
      if (r.resourceType === 'Patient') {
        linked.add(fullUrl)
        if (old) masked.add(fullUrl)
      } else if (old) own.add(fullUrl)
    }
    ctx.base = restBaseOf(typeof entry.fullUrl === 'string' ? entry.fullUrl : undefined)
    const refs: string[] = []
    for (const ref of referencesIn(resource)) {
      const r = rewriteReference(ctx, ref)
      if (r === undefined) continue
      refs.push(r)
      if (r.startsWith('Patient/')) linked.add(fullUrl) // a patient outside the Bundle
    }
    targets.set(fullUrl, refs)
  }
  ctx.base = undefined
  if (masked.size === 0) return own
  for (let changed = true; changed; ) {
    changed = false
    for (const { fullUrl } of kept) {
      const refs = targets.get(fullUrl) ?? []
      if (!masked.has(fullUrl) && refs.some((r) => masked.has(r))) {
        masked.add(fullUrl)
        changed = true
      }
      if (!linked.has(fullUrl) && refs.some((r) => linked.has(r))) {
        linked.add(fullUrl)
        changed = true
      }
    }
  }
  for (const { fullUrl } of kept) if (!linked.has(fullUrl)) masked.add(fullUrl)
  for (const fullUrl of own) masked.add(fullUrl)
  return masked
}

/** Every literal `reference` string anywhere in `value`. */
function referencesIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) referencesIn(v, out)
  else if (isObject(value))
    for (const [k, v] of Object.entries(value)) {
      if (k === 'reference' && typeof v === 'string') out.push(v)
      else referencesIn(v, out)
    }
  return out
}

function hasUnknownModifier(ctx: Ctx, resource: Record<string, unknown>): boolean {
  const mods = resource.modifierExtension
  if (!Array.isArray(mods) || mods.length === 0) return false
  return mods.some((m) => !isObject(m) || typeof m.url !== 'string' || !ctx.extensions.has(m.url))
}

function readParams(params: DeidentifyParameters): Ctx {
  if (!isObject(params))
    throw new InvalidArgumentError('INVALID_TYPE', 'deidentify parameters must be an object.', {
      metaMessages: [`Received ${describeType(params)}.`],
    })
  const { key, asOf = new Date(), keepExtensions = [], restrictedZip3 = SAFE_HARBOR_RESTRICTED_ZIP3 } = params
  if (!isBytes(key))
    throw new InvalidArgumentError('INVALID_TYPE', 'key must be a Uint8Array.', {
      metaMessages: [`Received ${describeType(key)}.`],
    })
  if (key.length < 16)
    throw new InvalidArgumentError('INVALID_LENGTH', 'key must be at least 16 bytes (32 random bytes recommended).', {
      metaMessages: [`Received ${key.length} bytes.`],
    })
  if (!(asOf instanceof Date) || Number.isNaN(asOf.getTime()))
    throw new InvalidArgumentError('INVALID_TYPE', 'asOf must be a valid Date.')
  if (!Array.isArray(keepExtensions) || !keepExtensions.every((u) => typeof u === 'string'))
    throw new InvalidArgumentError('INVALID_TYPE', 'keepExtensions must be an array of URLs.')
  if (!Array.isArray(restrictedZip3) || !restrictedZip3.every((z) => typeof z === 'string' && /^\d{3}$/.test(z)))
    throw new InvalidArgumentError('INVALID_TYPE', 'restrictedZip3 must be an array of 3-digit strings.')
  return {
    key: Uint8Array.from(key),
    asOf,
    asOfYear: asOf.getUTCFullYear(),
    extensions: new Set([...DEID_DEFAULT_EXTENSIONS, ...keepExtensions]),
    restrictedZip3: new Set(restrictedZip3),
    resolved: new Map(),
    byTypeId: new Map(),
    base: undefined,
    excluded: new Set(),
    cache: new Map(),
    maskDates: false,
  }
}

/**
 * De-identifies a FHIR R4 Bundle by HIPAA Safe Harbor, replacing ids and references with keyed pseudonyms (see
 * the module docs for exactly what is removed, generalized or kept). Returns a new Bundle; never modifies `bundle`.
 *
 * @param bundle - a FHIR R4 Bundle (any type: collection, searchset, transaction, document, …)
 * @param params - `key` (per-export secret, ≥ 16 bytes), `asOf` (date ages are computed at; default now),
 *   `keepExtensions`, `restrictedZip3`
 * @returns the de-identified Bundle (`type` kept; transaction `request`s reduced to method and type)
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_TYPE` / `INVALID_LENGTH` for bad parameters
 * @throws {@link FhirValidationError} `INVALID_FHIR` when `bundle` is not a Bundle
 * @example
 * ```ts
 * import { randomBytes } from '@medseal/core'
 * import { deidentify } from '@medseal/fhir'
 * const key = randomBytes(32) // one per export; destroy it to make the pseudonyms irreversible
 * const research = deidentify(bundle, { key })
 * ```
 */
export function deidentify(bundle: Bundle | Record<string, unknown>, params: DeidentifyParameters): Bundle {
  const ctx = readParams(params)
  if (!isObject(bundle) || bundle.resourceType !== 'Bundle')
    throw new FhirValidationError('deidentify expects a FHIR Bundle.', {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'structure', diagnostics: 'Not a Bundle.', expression: ['$this'] }],
    })
  const entries = Array.isArray(bundle.entry) ? (bundle.entry as unknown[]) : []
  // pass 1: every form by which an entry can be referenced → its new urn:uuid
  const kept: { entry: Record<string, unknown>; resource: Record<string, unknown>; fullUrl: string }[] = []
  let excludedNinetyPlus = false
  for (const entry of entries) {
    if (!isObject(entry) || !isObject(entry.resource) || typeof entry.resource.resourceType !== 'string') continue
    const resource = entry.resource
    const type = resource.resourceType as string
    const id = typeof resource.id === 'string' ? resource.id : undefined
    const sourceUrl = typeof entry.fullUrl === 'string' ? entry.fullUrl : undefined
    const typeId = id ? `${type}/${id}` : undefined
    if (hasUnknownModifier(ctx, resource)) {
      if (type === 'Patient' && isNinetyPlus(ctx, resource)) excludedNinetyPlus = true
      if (sourceUrl) ctx.excluded.add(sourceUrl)
      if (typeId) ctx.excluded.add(typeId)
      continue
    }
    const identity = typeId ?? sourceUrl ?? `${type}#${kept.length}`
    const fullUrl = `urn:uuid:${pseudonym(ctx, identity)}`
    if (sourceUrl) ctx.resolved.set(sourceUrl, fullUrl)
    if (typeId && !ctx.byTypeId.has(typeId)) ctx.byTypeId.set(typeId, fullUrl)
    kept.push({ entry, resource, fullUrl })
  }
  const masked = entriesOfNinetyPlus(ctx, kept, excludedNinetyPlus)
  // pass 2: scrub
  const outEntries: BundleEntry[] = []
  for (const { entry, resource, fullUrl } of kept) {
    ctx.base = restBaseOf(typeof entry.fullUrl === 'string' ? entry.fullUrl : undefined)
    ctx.maskDates = masked.has(fullUrl)
    const scrubbed = scrubResource(ctx, resource, true)
    // the resource id and the fullUrl carry the same pseudonym
    if (scrubbed.id !== undefined || resource.id === undefined) scrubbed.id = fullUrl.slice('urn:uuid:'.length)
    const out: BundleEntry = { fullUrl, resource: scrubbed as unknown as Resource }
    if (isObject(entry.search)) {
      const search: Record<string, unknown> = {}
      if (typeof entry.search.mode === 'string') search.mode = entry.search.mode
      if (typeof entry.search.score === 'number') search.score = entry.search.score
      if (Object.keys(search).length > 0) out.search = search as NonNullable<BundleEntry['search']>
    }
    if (isObject(entry.request) && typeof entry.request.method === 'string') {
      const method = entry.request.method
      out.request = {
        method: method as NonNullable<BundleEntry['request']>['method'],
        url: method === 'POST' ? (scrubbed.resourceType as string) : `${scrubbed.resourceType}/${scrubbed.id}`,
      }
    }
    outEntries.push(out)
  }
  const result: Record<string, unknown> = { resourceType: 'Bundle' }
  if (typeof bundle.id === 'string') result.id = pseudonym(ctx, `Bundle/${bundle.id}`)
  const meta = scrubResource(ctx, { resourceType: 'Bundle', meta: bundle.meta }, false).meta
  if (meta) result.meta = meta
  if (typeof bundle.type === 'string') result.type = bundle.type
  if (typeof bundle.total === 'number') result.total = outEntries.length
  result.entry = outEntries
  return result as unknown as Bundle
}
