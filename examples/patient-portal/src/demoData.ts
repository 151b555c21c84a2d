/**
 * Synthetic demo data: a few FHIR R4 resources of one made-up patient. No real person is behind them.
 * @module
 */

const subject = { reference: 'Patient/demo-ada' }

/** The resources the portal seals and anchors when it starts. */
export const demoResources: readonly Record<string, unknown>[] = [
  {
    resourceType: 'Patient',
    id: 'demo-ada',
    identifier: [{ system: 'urn:oid:2.16.840.1.113883.19.5', value: 'MRN-SYNTH-0001' }],
    name: [{ use: 'official', family: 'Lovelace', given: ['Ada'] }],
    gender: 'female',
    birthDate: '1985-12-10',
  },
  {
    resourceType: 'Observation',
    id: 'demo-ada-hr',
    status: 'final',
    category: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] },
    ],
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
    subject,
    effectiveDateTime: '2025-03-01T09:30:00Z',
    valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
  },
  {
    resourceType: 'Observation',
    id: 'demo-ada-bmi',
    status: 'final',
    category: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] },
    ],
    code: { coding: [{ system: 'http://loinc.org', code: '39156-5', display: 'Body mass index' }] },
    subject,
    effectiveDateTime: '2025-03-01T09:31:00Z',
    valueQuantity: { value: 22.4, unit: 'kg/m2', system: 'http://unitsofmeasure.org', code: 'kg/m2' },
  },
  {
    resourceType: 'Condition',
    id: 'demo-ada-asthma',
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
    },
    code: { coding: [{ system: 'http://snomed.info/sct', code: '195967001', display: 'Asthma' }] },
    subject,
    onsetDateTime: '2019-06-14',
  },
  {
    resourceType: 'MedicationRequest',
    id: 'demo-ada-albuterol',
    status: 'active',
    intent: 'order',
    medicationCodeableConcept: {
      text: 'Albuterol inhaler',
      coding: [
        {
          system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
          code: '895994',
          display: 'albuterol 0.09 MG/ACTUAT Metered Dose Inhaler',
        },
      ],
    },
    subject,
    authoredOn: '2025-03-01T09:45:00Z',
    dosageInstruction: [{ text: '2 puffs every 4 to 6 hours when needed for wheezing' }],
  },
  {
    resourceType: 'Observation',
    id: 'demo-ada-hba1c',
    status: 'final',
    category: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] },
    ],
    code: { coding: [{ system: 'http://loinc.org', code: '4548-4', display: 'Hemoglobin A1c' }] },
    subject,
    effectiveDateTime: '2024-03-02T08:15:00Z',
    valueQuantity: { value: 5.4, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
  },
]
