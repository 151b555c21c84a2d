/**
 * Rebuilds an SDK error from a problem document, so a caller of the client branches on the same class and `code` as a
 * caller of the in-process custodian.
 * @module
 */
import {
  type BaseError,
  ConsentError,
  EnvelopeError,
  type ErrorCode,
  FhirError,
  InvalidArgumentError,
  LedgerError,
  StoreError,
  VerificationError,
} from '@medseal/core'
import { ERROR_DOCS_BASE } from './_problem.js'
import { isObject } from './_wire.js'
import { ServiceError } from './serviceError.js'

const CLASSES: Record<string, new (code: ErrorCode, message: string, params?: { docsPath?: string }) => BaseError> = {
  InvalidArgumentError,
  VerificationError,
  EnvelopeError,
  ConsentError,
  LedgerError,
  StoreError,
  FhirError,
  ServiceError,
}

/** @internal */
export const unavailable = (message: string, cause?: unknown): ServiceError =>
  new ServiceError('SERVICE_UNAVAILABLE', message, cause === undefined ? {} : { cause })

/** The error a problem response stands for. @internal */
export async function errorFromResponse(response: Response): Promise<BaseError> {
  const type = response.headers.get('content-type') ?? ''
  if (!type.startsWith('application/problem+json'))
    return unavailable(`The service answered ${response.status} without a problem document.`)
  let body: unknown
  try {
    body = await response.json()
  } catch (cause) {
    return unavailable('The service answered a problem document that is not JSON.', cause)
  }
  if (!isObject(body) || typeof body.code !== 'string' || !/^[A-Z][A-Z0-9_]{1,63}$/.test(body.code))
    return unavailable(`The service answered ${response.status} without an error code.`)
  const Cls = (typeof body.errorName === 'string' && CLASSES[body.errorName]) || ServiceError
  const title = typeof body.title === 'string' ? body.title.slice(0, 500) : `Error ${body.code}.`
  const docs = typeof body.type === 'string' && body.type.startsWith(`${ERROR_DOCS_BASE}/`)
  const err = new Cls(
    body.code as ErrorCode,
    title,
    docs ? { docsPath: (body.type as string).slice(ERROR_DOCS_BASE.length + 1) } : {},
  )
  if (typeof body.retryAfter === 'number') Object.assign(err, { retryAfter: body.retryAfter })
  return err
}
