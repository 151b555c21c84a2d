/**
 * `@medseal/service`: the custodian as a fetch-standard HTTP handler, its client, the remote ledger over the relay,
 * and the OpenAPI document. Runs wherever `fetch` does; Node's `http` adapter is `@medseal/service/node`.
 * @module
 */
export type { Problem } from './_problem.js'
export type { RateLimitOptions } from './_rateLimit.js'
export type {
  CreateCustodianClientParameters,
  CustodianClient,
  CustodianClientErrorType,
  RemoteAccessLog,
} from './createCustodianClient.js'
export { createCustodianClient } from './createCustodianClient.js'
export type {
  CorsOptions,
  CreateCustodianHandlerErrorType,
  CreateCustodianHandlerParameters,
  CustodianHandler,
  ExtraRoute,
  HandlerAccessLog,
  LimitOptions,
  ServiceLogEvent,
} from './createCustodianHandler.js'
export { createCustodianHandler } from './createCustodianHandler.js'
export type {
  CreateEmergencyAccessErrorType,
  CreateEmergencyAccessParameters,
} from './createEmergencyAccess.js'
export { createEmergencyAccess } from './createEmergencyAccess.js'
export type { CreateRecoveryCacheErrorType, CreateRecoveryCacheParameters } from './createRecoveryCache.js'
export { createRecoveryCache } from './createRecoveryCache.js'
export type { CreateRemoteLedgerErrorType, CreateRemoteLedgerParameters } from './createRemoteLedger.js'
export { createRemoteLedger } from './createRemoteLedger.js'
export type { OpenApiDocument } from './openApiDocument.js'
export { openApiDocument } from './openApiDocument.js'
export type {
  CreateReviewRequestParameters,
  ReviewRequest,
  ReviewRequestErrorType,
  SignedReviewRequest,
} from './reviewRequest.js'
export { createReviewRequest, reviewRequestTypes, verifyReviewRequest } from './reviewRequest.js'
export { ServiceError } from './serviceError.js'
