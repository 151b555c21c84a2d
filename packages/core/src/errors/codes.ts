/**
 * Stable error codes. Codes follow semver: a code is never renamed or reused; messages may change.
 * Callers branch on codes with {@link isSdkError}.
 * @module
 */

/** Every error code `@medseal/*` packages can throw. */
export type ErrorCode =
  // input
  | 'INVALID_TYPE'
  | 'INVALID_LENGTH'
  | 'OUT_OF_RANGE'
  | 'INVALID_ARGUMENT'
  | 'INVALID_ENCODING'
  | 'INPUT_TOO_LARGE'
  | 'INPUT_TOO_DEEP'
  | 'INVALID_JSON'
  // keys and identities
  | 'INVALID_KEY'
  | 'INVALID_DID'
  | 'INVALID_SIGNATURE'
  // envelopes
  | 'ENVELOPE_MALFORMED'
  | 'UNSUPPORTED_VERSION'
  | 'UNSUPPORTED_SUITE'
  | 'DECRYPT_FAILED'
  | 'NOT_A_RECIPIENT'
  | 'RECORD_SHREDDED'
  | 'MESSAGE_LIMIT_REACHED'
  // verification
  | 'PROOF_INVALID'
  | 'RECEIPT_MALFORMED'
  | 'RECORD_MISMATCH'
  | 'ANCHOR_NOT_FOUND'
  | 'ANCHOR_MISMATCH'
  | 'LEDGER_MISMATCH'
  | 'LOG_INCONSISTENT'
  | 'TREE_HEAD_INVALID'
  // consent
  | 'CONSENT_MALFORMED'
  | 'CONSENT_SIGNATURE_INVALID'
  | 'CONSENT_WRONG_DOMAIN'
  | 'CONSENT_NOT_FOUND'
  | 'CONSENT_REVOKED'
  | 'CONSENT_EXPIRED'
  | 'CONSENT_NOT_YET_VALID'
  | 'CONSENT_SCOPE'
  | 'CONSENT_PURPOSE'
  | 'CONSENT_ACTION'
  | 'CONSENT_EXCLUDED'
  | 'CONSENT_GRANTEE'
  | 'CONSENT_REPLAYED'
  | 'DELEGATION_INVALID'
  | 'BREAK_GLASS_INVALID'
  | 'ACCESS_DENIED'
  // ledger
  | 'LEDGER_UNAVAILABLE'
  | 'LEDGER_REJECTED'
  | 'LEDGER_CONFLICT'
  | 'LEDGER_WRITE_FAILED'
  | 'LEDGER_TIMEOUT'
  | 'LOG_APPEND_FAILED'
  // fhir
  | 'INVALID_FHIR'
  | 'FHIR_SERVER_ERROR'
  | 'FHIR_SERVER_UNAVAILABLE'
  | 'CONSENT_NOT_EXPRESSIBLE'
