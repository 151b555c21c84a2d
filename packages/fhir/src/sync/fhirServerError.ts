/**
 * Errors of talking to a FHIR server.
 * @module
 */
import type { OperationOutcome } from '@medplum/fhirtypes'
import { type BaseErrorParameters, FhirError } from '@medseal/core'

/**
 * A FHIR server answered with an error (code `FHIR_SERVER_ERROR`, carrying its `OperationOutcome` and HTTP status)
 * or could not be reached in time (code `FHIR_SERVER_UNAVAILABLE`, `timedOut` tells a timeout from a refused or
 * dropped connection). The message names the operation and the status only: the outcome's diagnostics can hold
 * PHI, so they stay in `outcome` and out of the message.
 *
 * @example
 * ```ts
 * import { FhirServerError } from '@medseal/fhir/sync'
 * try { await syncPatient(params) }
 * catch (e) { if (e instanceof FhirServerError && e.code === 'FHIR_SERVER_ERROR') console.log(e.status, e.outcome) }
 * ```
 */
export class FhirServerError extends FhirError {
  override name = 'FhirServerError'
  /** HTTP status, when the server answered. */
  readonly status: number | undefined
  /** The server's OperationOutcome, when it sent one. */
  readonly outcome: OperationOutcome | undefined
  /** Whether the request was cut by `timeoutMs`. */
  readonly timedOut: boolean

  constructor(
    code: 'FHIR_SERVER_ERROR' | 'FHIR_SERVER_UNAVAILABLE',
    shortMessage: string,
    extra: { status?: number; outcome?: OperationOutcome; timedOut?: boolean } & BaseErrorParameters = {},
  ) {
    const { status, outcome, timedOut, ...params } = extra
    const issues = (outcome?.issue ?? []).slice(0, 5).map((i) => `Issue: ${i.severity} ${i.code}`)
    super(code, shortMessage, {
      ...params,
      metaMessages: [
        ...(status === undefined ? [] : [`HTTP status: ${status}`]),
        ...issues,
        ...(params.metaMessages ?? []),
      ],
    })
    this.status = status
    this.outcome = outcome
    this.timedOut = timedOut ?? false
  }
}
