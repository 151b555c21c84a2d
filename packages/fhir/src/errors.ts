/**
 * Errors of `@medseal/fhir`: all are `@medseal/core` errors ({@link BaseError}) with stable codes.
 * @module
 */
import type { OperationOutcome } from '@medplum/fhirtypes'
import { type BaseErrorParameters, FhirError } from '@medseal/core'

/**
 * A FHIR resource failed validation (code `INVALID_FHIR`). Carries the FHIR `OperationOutcome` whose issues say what
 * is wrong and where (FHIRPath-like `expression`s). Issues name elements and rules, never the offending values, so
 * the error carries no PHI.
 *
 * @example
 * ```ts
 * import { assertValidResource, FhirValidationError } from '@medseal/fhir'
 * try { assertValidResource({ resourceType: 'Patient', id: 'bad id!' }) }
 * catch (e) { if (e instanceof FhirValidationError) console.log(e.outcome.issue[0]?.expression) } // ['Patient.id']
 * ```
 */
export class FhirValidationError extends FhirError {
  override name = 'FhirValidationError'
  /** What is wrong, as a FHIR OperationOutcome. */
  readonly outcome: OperationOutcome

  constructor(shortMessage: string, outcome: OperationOutcome, params: BaseErrorParameters = {}) {
    const lines = outcome.issue
      .filter((i) => i.severity === 'error' || i.severity === 'fatal')
      .slice(0, 5)
      .map((i) => `${i.expression?.[0] ?? '?'}: ${i.diagnostics ?? i.code}`)
    super('INVALID_FHIR', shortMessage, { metaMessages: lines, ...params })
    this.outcome = outcome
  }
}
