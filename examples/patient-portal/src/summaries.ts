/**
 * FHIR R4 resources as people read them: a plain name, a date, and a few labelled facts (never raw JSON).
 * @module
 */

/** A readable summary of one resource. */
export type Summary = {
  /** What it is, e.g. "Heart rate", "Asthma", "Albuterol inhaler". */
  readonly title: string
  /** The kind of record, in words: "Test result", "Condition", … */
  readonly kind: string
  /** Its clinical date, e.g. "1 Mar 2025" (empty when the resource has none). */
  readonly date: string
  /** Labelled facts, e.g. ["Result", "72 /min"]. */
  readonly facts: readonly (readonly [string, string])[]
}

type Json = Record<string, unknown>
type Coding = { system?: string; code?: string; display?: string }
type Concept = { text?: string; coding?: Coding[] } | undefined

/** The plain name of each FHIR resource type the apps know; others show their type name. */
export const KIND_NAMES: Readonly<Record<string, string>> = Object.freeze({
  Patient: 'Personal details',
  Observation: 'Test results and vital signs',
  Condition: 'Conditions',
  MedicationRequest: 'Medications',
  AllergyIntolerance: 'Allergies',
  Immunization: 'Immunizations',
})

const KIND_ONE: Readonly<Record<string, string>> = {
  Patient: 'Personal details',
  Observation: 'Test result',
  Condition: 'Condition',
  MedicationRequest: 'Medication',
  AllergyIntolerance: 'Allergy',
  Immunization: 'Immunization',
}

/**
 * The plain name of one record of a FHIR resource type ("Test result" for `Observation`).
 *
 * @param resourceType - a FHIR resource type
 * @returns its name in words, or the type itself when the apps do not know it
 * @example
 * ```ts
 * kindOf('MedicationRequest') // 'Medication'
 * ```
 */
export const kindOf = (resourceType: string): string => KIND_ONE[resourceType] ?? resourceType

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/**
 * A FHIR date or dateTime as "2 Mar 2024" (the calendar date as written, no time-zone shift).
 *
 * @param value - a FHIR `date` or `dateTime` (YYYY, YYYY-MM, YYYY-MM-DD, with optional time)
 * @returns the date in words, or `''` when it is not a FHIR date
 * @example
 * ```ts
 * plainDate('2024-03-02T09:30:00Z') // '2 Mar 2024'
 * ```
 */
export function plainDate(value: unknown): string {
  if (typeof value !== 'string') return ''
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(value)
  if (!m) return ''
  const [, y, mo, d] = m
  const month = mo ? MONTHS[Number(mo) - 1] : undefined
  if (mo && !month) return ''
  return [d ? String(Number(d)) : undefined, month, y].filter(Boolean).join(' ')
}

/**
 * A Unix time (seconds) as "7 Dec 2026, 04:12 UTC".
 *
 * @param unix - seconds since the epoch
 * @returns the time in words
 * @example
 * ```ts
 * plainTime(0) // '1 Jan 1970, 00:00 UTC'
 * ```
 */
export function plainTime(unix: number): string {
  const d = new Date(unix * 1000)
  const hh = String(d.getUTCHours()).padStart(2, '0')
  const mm = String(d.getUTCMinutes()).padStart(2, '0')
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${hh}:${mm} UTC`
}

const text = (c: Concept) => c?.text ?? c?.coding?.find((x) => x.display)?.display

const capital = (s: string) => (s ? s[0]?.toUpperCase() + s.slice(1) : s)

function quantity(q: unknown): string | undefined {
  const v = q as { value?: number; unit?: string; code?: string } | undefined
  if (typeof v?.value !== 'number') return undefined
  return `${v.value} ${v.unit ?? v.code ?? ''}`.trim()
}

function status(c: Concept): string | undefined {
  const code = c?.coding?.[0]?.code
  return code ? capital(code) : undefined
}

/**
 * Summarizes a FHIR resource for a person to read.
 *
 * @param r - a FHIR R4 resource (parsed JSON)
 * @returns its title, kind, date and labelled facts
 * @example
 * ```ts
 * summarize({ resourceType: 'Condition', code: { text: 'Asthma' }, onsetDateTime: '2019-06-14' }).title // 'Asthma'
 * ```
 */
export function summarize(r: Json): Summary {
  const type = String(r.resourceType)
  const kind = KIND_ONE[type] ?? type
  const facts: [string, string][] = []
  const add = (label: string, value: string | undefined) => {
    if (value) facts.push([label, value])
  }
  switch (type) {
    case 'Patient': {
      const name = (r.name as { given?: string[]; family?: string; text?: string }[] | undefined)?.[0]
      const full = name?.text ?? `${name?.given?.join(' ') ?? ''} ${name?.family ?? ''}`.trim()
      add('Name', full)
      add('Born', plainDate(r.birthDate))
      add('Sex', typeof r.gender === 'string' ? capital(r.gender) : undefined)
      return { title: full || 'Patient', kind, date: '', facts }
    }
    case 'Observation': {
      const title = text(r.code as Concept) ?? 'Observation'
      const components = (r.component as { code?: Concept; valueQuantity?: unknown }[] | undefined) ?? []
      add(
        'Result',
        quantity(r.valueQuantity) ??
          (typeof r.valueString === 'string' ? r.valueString : undefined) ??
          text(r.valueCodeableConcept as Concept),
      )
      for (const c of components) add(text(c.code) ?? 'Part', quantity(c.valueQuantity))
      add('Status', typeof r.status === 'string' ? capital(r.status) : undefined)
      return { title, kind, date: plainDate(r.effectiveDateTime ?? r.issued), facts }
    }
    case 'Condition': {
      add('Status', status(r.clinicalStatus as Concept))
      add('Since', plainDate(r.onsetDateTime))
      return {
        title: text(r.code as Concept) ?? 'Condition',
        kind,
        date: plainDate(r.onsetDateTime ?? r.recordedDate),
        facts,
      }
    }
    case 'MedicationRequest': {
      const dosage = (r.dosageInstruction as { text?: string }[] | undefined)?.[0]?.text
      add('Instructions', dosage)
      add('Status', typeof r.status === 'string' ? capital(r.status) : undefined)
      add('Prescribed', plainDate(r.authoredOn))
      return {
        title: text(r.medicationCodeableConcept as Concept) ?? 'Medication',
        kind,
        date: plainDate(r.authoredOn),
        facts,
      }
    }
    default: {
      const title = text(r.code as Concept) ?? type
      return { title, kind, date: plainDate(r.effectiveDateTime ?? r.date ?? r.recordedDate ?? r.authoredOn), facts }
    }
  }
}

/**
 * The one-line name of a record: "Heart rate — 1 Mar 2025".
 *
 * @param r - a FHIR R4 resource
 * @returns its title and, when it has one, its date
 * @example
 * ```ts
 * recordName({ resourceType: 'Condition', code: { text: 'Asthma' }, onsetDateTime: '2019-06-14' }) // 'Asthma — 14 Jun 2019'
 * ```
 */
export function recordName(r: Json): string {
  const s = summarize(r)
  return s.date ? `${s.title} — ${s.date}` : s.title
}
