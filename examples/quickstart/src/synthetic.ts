/**
 * A small, deterministic synthetic-patient generator: realistic FHIR R4 resources with no real person behind them
 * and no network. The same seed always gives the same patients, byte for byte.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { utf8ToBytes } from '@noble/hashes/utils.js'

/** A deterministic stream of numbers from a seed (SHA-256 in counter mode). Not for secrets: for test data only. */
export function createRng(seed: string): {
  next(): number
  int(min: number, max: number): number
  pick<T>(items: readonly T[]): T
} {
  let counter = 0
  let block = new Uint8Array(0)
  let offset = 32
  const nextUint32 = () => {
    if (offset + 4 > block.length) {
      block = sha256(utf8ToBytes(`${seed}:${counter++}`))
      offset = 0
    }
    const v =
      ((block[offset]! << 24) | (block[offset + 1]! << 16) | (block[offset + 2]! << 8) | block[offset + 3]!) >>> 0
    offset += 4
    return v
  }
  const next = () => nextUint32() / 2 ** 32
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
  }
}

const GIVEN = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Frances',
  'John',
  'Radia',
  'Tim',
  'Hedy',
  'Claude',
]
const FAMILY = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Backus', 'Perlman', 'Lee']
const CITIES = [
  ['Springfield', 'IL', '62701'],
  ['Portland', 'OR', '97201'],
  ['Madison', 'WI', '53703'],
  ['Burlington', 'VT', '05401'],
] as const
const CONDITIONS = [
  ['44054006', 'Diabetes mellitus type 2', []],
  ['38341003', 'Hypertensive disorder', []],
  ['195967001', 'Asthma', []],
  ['35489007', 'Depressive disorder', ['PSY']],
  ['86406008', 'Human immunodeficiency virus infection', ['HIV']],
] as const
const MEDS = [
  ['860975', 'metformin hydrochloride 500 MG Oral Tablet'],
  ['314076', 'lisinopril 10 MG Oral Tablet'],
  ['895994', 'albuterol 0.09 MG/ACTUAT Metered Dose Inhaler'],
] as const

/** One synthetic patient's record: a Patient and the resources that reference it. */
export type SyntheticRecord = { patient: Record<string, unknown>; resources: Record<string, unknown>[] }

/** Options of {@link generatePatients}. */
export type GenerateOptions = { patients: number; resourcesPerPatient: number; seed?: string }

const pad = (n: number) => String(n).padStart(2, '0')

/** Generates `patients` synthetic patients with about `resourcesPerPatient` clinical resources each. */
export function generatePatients({
  patients,
  resourcesPerPatient,
  seed = 'medseal-quickstart',
}: GenerateOptions): SyntheticRecord[] {
  const rng = createRng(seed)
  const out: SyntheticRecord[] = []
  for (let p = 0; p < patients; p++) {
    const id = `synth-${p + 1}`
    const [city, state, zip] = rng.pick(CITIES)
    const birthYear = rng.int(1940, 2015)
    const patient = {
      resourceType: 'Patient',
      id,
      identifier: [{ system: 'urn:oid:2.16.840.1.113883.19.5', value: `MRN-${100000 + rng.int(0, 899999)}` }],
      name: [{ use: 'official', family: rng.pick(FAMILY), given: [rng.pick(GIVEN)] }],
      telecom: [{ system: 'phone', value: `555-01${pad(rng.int(0, 99))}`, use: 'home' }],
      gender: rng.pick(['female', 'male'] as const),
      birthDate: `${birthYear}-${pad(rng.int(1, 12))}-${pad(rng.int(1, 28))}`,
      address: [{ line: [`${rng.int(1, 999)} Main St`], city, state, postalCode: zip, country: 'US' }],
    }
    const resources: Record<string, unknown>[] = []
    const subject = { reference: `Patient/${id}` }
    for (let r = 0; r < resourcesPerPatient; r++) {
      const date = `20${pad(rng.int(18, 25))}-${pad(rng.int(1, 12))}-${pad(rng.int(1, 28))}T${pad(rng.int(7, 18))}:${pad(rng.int(0, 59))}:00Z`
      const kind = rng.int(0, 9)
      const rid = `${id}-${r + 1}`
      if (kind < 6) {
        const heart = kind < 3
        resources.push({
          resourceType: 'Observation',
          id: rid,
          status: 'final',
          category: [
            { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] },
          ],
          code: heart
            ? { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] }
            : { coding: [{ system: 'http://loinc.org', code: '39156-5', display: 'Body mass index' }] },
          subject,
          effectiveDateTime: date,
          valueQuantity: heart
            ? { value: rng.int(52, 110), unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' }
            : {
                value: Number((rng.int(180, 380) / 10).toFixed(1)),
                unit: 'kg/m2',
                system: 'http://unitsofmeasure.org',
                code: 'kg/m2',
              },
        })
      } else if (kind < 8) {
        const [code, display, labels] = rng.pick(CONDITIONS)
        resources.push({
          resourceType: 'Condition',
          id: rid,
          ...(labels.length
            ? {
                meta: {
                  security: labels.map((l) => ({
                    system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
                    code: l,
                  })),
                },
              }
            : {}),
          clinicalStatus: {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
          },
          code: { coding: [{ system: 'http://snomed.info/sct', code, display }] },
          subject,
          onsetDateTime: date,
        })
      } else {
        const [code, display] = rng.pick(MEDS)
        resources.push({
          resourceType: 'MedicationRequest',
          id: rid,
          status: 'active',
          intent: 'order',
          medicationCodeableConcept: {
            coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code, display }],
          },
          subject,
          authoredOn: date,
        })
      }
    }
    out.push({ patient, resources })
  }
  return out
}
