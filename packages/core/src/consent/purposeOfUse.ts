/**
 * HL7 v3 PurposeOfUse codes (the `_PurposeOfUse` branch of the v3 ActReason code system,
 * `http://terminology.hl7.org/CodeSystem/v3-ActReason`, as shipped with FHIR R4 4.0.1), the only codes a consent's
 * `purposes` may hold.
 * @module
 */

/** Every HL7 v3 PurposeOfUse code (FHIR R4 4.0.1), in the code system's order. */
export const PURPOSE_OF_USE_CODES: readonly string[] = /* @__PURE__ */ Object.freeze([
  'HMARKT',
  'HOPERAT',
  'CAREMGT',
  'DONAT',
  'FRAUD',
  'GOV',
  'HACCRED',
  'HCOMPL',
  'HDECD',
  'HDIRECT',
  'HDM',
  'HLEGAL',
  'HOUTCOMS',
  'HPRGRP',
  'HQUALIMP',
  'HSYSADMIN',
  'LABELING',
  'METAMGT',
  'MEMADMIN',
  'MILCDM',
  'PATADMIN',
  'PATSFTY',
  'PERFMSR',
  'RECORDMGT',
  'SYSDEV',
  'HTEST',
  'TRAIN',
  'HPAYMT',
  'CLMATTCH',
  'COVAUTH',
  'COVERAGE',
  'ELIGDTRM',
  'ELIGVER',
  'ENROLLM',
  'MILDCRG',
  'REMITADV',
  'HRESCH',
  'BIORCH',
  'CLINTRCH',
  'CLINTRCHNPC',
  'CLINTRCHPC',
  'PRECLINTRCH',
  'DSRCH',
  'POARCH',
  'TRANSRCH',
  'PATRQT',
  'FAMRQT',
  'PWATRNY',
  'SUPNWK',
  'PUBHLTH',
  'DISASTER',
  'THREAT',
  'TREAT',
  'CLINTRL',
  'COC',
  'ETREAT',
  'BTG',
  'ERTREAT',
  'POPHLTH',
])

const PURPOSES = /* @__PURE__ */ new Set(PURPOSE_OF_USE_CODES)

/**
 * Is `code` an HL7 v3 PurposeOfUse code? Case-sensitive, never throws.
 *
 * @param code - the candidate code
 * @returns `true` for a code in {@link PURPOSE_OF_USE_CODES}
 * @example
 * ```ts
 * import { isPurposeOfUse } from '@medseal/core'
 * isPurposeOfUse('TREAT') // true
 * isPurposeOfUse('treat') // false
 * ```
 */
export function isPurposeOfUse(code: unknown): code is string {
  return typeof code === 'string' && PURPOSES.has(code)
}
