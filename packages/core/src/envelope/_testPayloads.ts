/**
 * Bench payloads shared by envelope.bench.ts and seal1MiB.bench.ts (not part of the package build).
 * @module
 */
import { canonicalizeToBytes } from '../canonical/canonicalize.js'

/** A ~2 KB FHIR R4 Observation (vital signs panel, as in the HL7 examples). */
export const resource = {
  resourceType: 'Observation',
  id: 'vitals-panel',
  meta: { profile: ['http://hl7.org/fhir/StructureDefinition/vitalsigns'] },
  status: 'final',
  category: [
    {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/observation-category',
          code: 'vital-signs',
          display: 'Vital Signs',
        },
      ],
      text: 'Vital Signs',
    },
  ],
  code: {
    coding: [
      {
        system: 'http://loinc.org',
        code: '85353-1',
        display: 'Vital signs, weight, height, head circumference, oxygen saturation and BMI panel',
      },
    ],
    text: 'Vital signs Panel',
  },
  subject: { reference: 'Patient/example' },
  effectiveDateTime: '1999-07-02',
  hasMember: [
    { reference: 'Observation/respiratory-rate', display: 'Respiratory Rate' },
    { reference: 'Observation/heart-rate', display: 'Heart Rate' },
    { reference: 'Observation/blood-pressure', display: 'Blood Pressure' },
    { reference: 'Observation/body-temperature', display: 'Body Temperature' },
    { reference: 'Observation/body-height', display: 'Body Height' },
    { reference: 'Observation/body-weight', display: 'Body Weight' },
    { reference: 'Observation/bmi', display: 'Body Mass Index' },
    { reference: 'Observation/satO2', display: 'Oxygen Saturation' },
  ],
  component: [
    {
      code: { coding: [{ system: 'http://loinc.org', code: '8480-6', display: 'Systolic blood pressure' }] },
      valueQuantity: { value: 107, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
    },
    {
      code: { coding: [{ system: 'http://loinc.org', code: '8462-4', display: 'Diastolic blood pressure' }] },
      valueQuantity: { value: 60, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
    },
    {
      code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
      valueQuantity: { value: 44, unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' },
    },
    {
      code: { coding: [{ system: 'http://loinc.org', code: '9279-1', display: 'Respiratory rate' }] },
      valueQuantity: { value: 26, unit: 'breaths/minute', system: 'http://unitsofmeasure.org', code: '/min' },
    },
    {
      code: { coding: [{ system: 'http://loinc.org', code: '8310-5', display: 'Body temperature' }] },
      valueQuantity: { value: 36.5, unit: 'C', system: 'http://unitsofmeasure.org', code: 'Cel' },
    },
  ],
}
/** ~1 MiB: a Bundle of copies of the resource, each with a distinct id. */
export const bigValue: unknown = (() => {
  const entry: unknown[] = []
  let bytes = 0
  for (let i = 0; bytes < 1024 * 1024; i++) {
    const r = { ...resource, id: `obs-${i}` }
    bytes += canonicalizeToBytes(r).length + 1
    entry.push({ resource: r })
  }
  return { resourceType: 'Bundle', type: 'collection', entry }
})()
