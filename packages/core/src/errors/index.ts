/** Errors: one hierarchy, stable codes. @module */
export type { BaseErrorParameters } from './base.js'
export {
  BaseError,
  ConsentError,
  EnvelopeError,
  FhirError,
  InvalidArgumentError,
  isSdkError,
  LedgerError,
  StoreError,
  VerificationError,
} from './base.js'
export type { ErrorCode } from './codes.js'
