/**
 * RFC 9457 problem details: every error the service answers is `application/problem+json` carrying the SDK's error
 * `code`, its docs URL as `type`, and the error's short message as `title`. Never a stack, a cause, a secret, a key or
 * PHI: an error that is not a medseal error becomes `SERVICE_ERROR` with a fixed title.
 * @module
 */
import { type BaseError, type ErrorCode, isSdkError } from '@medseal/core'
import { withKnownBody } from './_known.js'

/** The docs base every error's `type` URL starts with (the same as `BaseError`'s `Docs:` line). */
export const ERROR_DOCS_BASE = 'https://medseal.dev/docs/errors'

/** The problem document the service sends (RFC 9457 §3 members plus `code` and `errorName`). */
export type Problem = {
  /** The docs URL of the code. */
  readonly type: string
  /** The error's short message. */
  readonly title: string
  readonly status: number
  /** The SDK error code. */
  readonly code: ErrorCode
  /** The SDK error class name (`ConsentError`, `ServiceError`, ...): the client rebuilds the same class. */
  readonly errorName: string
  /** Seconds, on `RATE_LIMITED`. */
  readonly retryAfter?: number
}

const BY_CODE: Partial<Record<ErrorCode, number>> = {
  INPUT_TOO_LARGE: 413,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  RATE_LIMITED: 429,
  SERVICE_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
  RECORD_SHREDDED: 410,
  RECORD_OWNER_CONFLICT: 409,
  REQUEST_REPLAYED: 409,
  LEDGER_CONFLICT: 409,
  DEPOSIT_STATEMENT_INVALID: 400,
  ENVELOPE_MALFORMED: 400,
  UNSUPPORTED_VERSION: 400,
  UNSUPPORTED_SUITE: 400,
  NOT_A_RECIPIENT: 400,
  DECRYPT_FAILED: 400,
  CONSENT_MALFORMED: 400,
  INVALID_SIGNATURE: 400,
  LEDGER_REJECTED: 422,
  LEDGER_UNAVAILABLE: 503,
  LEDGER_TIMEOUT: 504,
  LEDGER_WRITE_FAILED: 502,
  LOG_APPEND_FAILED: 503,
  STORE_UNAVAILABLE: 503,
  STORE_LOCKED: 503,
  STORE_CORRUPT: 500,
}

const BY_NAME: Record<string, number> = {
  InvalidArgumentError: 400,
  EnvelopeError: 400,
  ConsentError: 403,
  VerificationError: 422,
  LedgerError: 502,
  StoreError: 503,
  FhirError: 502,
}

/** The HTTP status of an SDK error. @internal */
export function statusOf(err: BaseError): number {
  return BY_CODE[err.code] ?? BY_NAME[err.name] ?? 500
}

/** The problem document of anything thrown. @internal */
export function toProblem(err: unknown): Problem {
  if (isSdkError(err)) {
    const e = err as BaseError
    return {
      type: `${ERROR_DOCS_BASE}/${e.docsPath}`,
      title: e.shortMessage,
      status: statusOf(e),
      code: e.code,
      errorName: typeof e.name === 'string' ? e.name : 'MedsealError',
    }
  }
  return {
    type: `${ERROR_DOCS_BASE}/service-error`,
    title: 'The service failed; nothing more is said about it here.',
    status: 500,
    code: 'SERVICE_ERROR',
    errorName: 'ServiceError',
  }
}

/** A problem+json response. @internal */
export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  const text = JSON.stringify(problem)
  const response = new Response(text, {
    status: problem.status,
    headers: {
      'content-type': 'application/problem+json',
      'cache-control': 'no-store',
      'x-medseal-code': problem.code,
      ...headers,
    },
  })
  return withKnownBody(response, text)
}
