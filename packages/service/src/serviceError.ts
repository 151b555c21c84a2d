/**
 * The error family of the HTTP service and its client: a route that does not exist, a method it does not take, a
 * rate limit, an internal failure, an unreachable or non-medseal service.
 * @module
 */
import { BaseError } from '@medseal/core'

/**
 * An error of the HTTP layer (`NOT_FOUND`, `METHOD_NOT_ALLOWED`, `RATE_LIMITED`, `SERVICE_ERROR`,
 * `SERVICE_UNAVAILABLE`). Errors of the SDK itself keep their own classes over HTTP.
 * @example
 * ```ts
 * import { ServiceError } from '@medseal/service'
 * const err = new ServiceError('RATE_LIMITED', 'Too many requests: retry later.')
 * err.code // 'RATE_LIMITED'
 * ```
 */
export class ServiceError extends BaseError {
  override name = 'ServiceError'
}
