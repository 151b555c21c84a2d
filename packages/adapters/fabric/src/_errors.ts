/**
 * Maps transport failures and chaincode refusals to named medseal errors. @internal
 * @module
 */
import {
  type BaseError,
  type BaseErrorParameters,
  ConsentError,
  type ErrorCode,
  InvalidArgumentError,
  isSdkError,
  LedgerError,
  VerificationError,
} from '@medseal/core'
import { type FabricTransportError, isFabricTransportError } from './transport.js'

/** `MEDSEAL:<CODE>:<short>` anywhere in a message (peers wrap it, e.g. `chaincode response 500, MEDSEAL:…`). */
const CHAINCODE_ERROR = /MEDSEAL:([A-Z][A-Z0-9_]{1,63}):([^\n]{0,300})/

/** Codes the chaincode may report, by error class. Anything else is `LEDGER_REJECTED`. */
type ErrorClass = new (code: ErrorCode, shortMessage: string, params?: BaseErrorParameters) => BaseError
const CODE_CLASSES: Readonly<Record<string, ErrorClass>> = {
  INVALID_TYPE: InvalidArgumentError,
  INVALID_LENGTH: InvalidArgumentError,
  OUT_OF_RANGE: InvalidArgumentError,
  INVALID_ARGUMENT: InvalidArgumentError,
  INVALID_ENCODING: InvalidArgumentError,
  INPUT_TOO_LARGE: InvalidArgumentError,
  INPUT_TOO_DEEP: InvalidArgumentError,
  INVALID_JSON: InvalidArgumentError,
  INVALID_SIGNATURE: VerificationError,
  TREE_HEAD_INVALID: VerificationError,
  CONSENT_MALFORMED: ConsentError,
  CONSENT_SIGNATURE_INVALID: ConsentError,
  CONSENT_WRONG_DOMAIN: ConsentError,
  CONSENT_NOT_FOUND: ConsentError,
  CONSENT_REPLAYED: ConsentError,
  DELEGATION_INVALID: ConsentError,
  LEDGER_REJECTED: LedgerError,
  LEDGER_CONFLICT: LedgerError,
  LEDGER_MISMATCH: LedgerError,
}

/** Printable, one line, bounded: what a peer says is not trusted to be tidy. */
function tidy(text: string, max = 300): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

/**
 * Parses the chaincode's `MEDSEAL:<CODE>:<short>` out of failure messages.
 * @returns the code and short message, or `undefined`
 */
export function parseChaincodeError(messages: readonly string[]): { code: string; message: string } | undefined {
  for (const m of messages) {
    const match = CHAINCODE_ERROR.exec(m)
    if (match) return { code: match[1] as string, message: tidy(match[2] as string, 200) }
  }
  return undefined
}

/** The named error for a chaincode refusal. */
export function chaincodeRefusal(failure: FabricTransportError): BaseError {
  const parsed = parseChaincodeError(failure.messages)
  const details = failure.txId ? `Fabric transaction ${failure.txId}.` : undefined
  const opts = { cause: failure, ...(details ? { details } : {}) }
  if (parsed) {
    const Class = CODE_CLASSES[parsed.code]
    if (Class && Object.hasOwn(CODE_CLASSES, parsed.code)) {
      return new Class(parsed.code as ErrorCode, parsed.message || 'The chaincode refused the transaction.', opts)
    }
  }
  return new LedgerError('LEDGER_REJECTED', 'The chaincode refused the transaction.', {
    ...opts,
    metaMessages: failure.messages.slice(0, 3).map((m) => tidy(m)),
  })
}

/** The named error for any failure of a transport call, after retries. */
export function toLedgerError(error: unknown, attempts: number): BaseError {
  if (isSdkError(error)) return error
  if (!isFabricTransportError(error)) {
    return new LedgerError('LEDGER_UNAVAILABLE', 'The Fabric ledger could not be reached.', { cause: error })
  }
  const meta = error.messages.slice(0, 3).map((m) => tidy(m))
  const tx = error.txId ? ` (transaction ${error.txId})` : ''
  switch (error.reason) {
    case 'CHAINCODE':
      return chaincodeRefusal(error)
    case 'UNAVAILABLE':
      return new LedgerError('LEDGER_UNAVAILABLE', 'The Fabric ledger could not be reached.', {
        cause: error,
        metaMessages: meta,
        details: `Tried ${attempts} time(s).`,
      })
    case 'TIMEOUT':
      return new LedgerError('LEDGER_TIMEOUT', `The transaction was not confirmed in time${tx}.`, {
        cause: error,
        metaMessages: meta,
        details: 'It was submitted and may still commit; repeating the write is safe (writes are idempotent).',
      })
    case 'MVCC_READ_CONFLICT':
    case 'PHANTOM_READ_CONFLICT':
      return new LedgerError('LEDGER_WRITE_FAILED', `The write kept conflicting with concurrent writes${tx}.`, {
        cause: error,
        metaMessages: meta,
        details: `${error.reason} on each of ${attempts} attempt(s); try again later.`,
      })
    case 'ENDORSEMENT':
      return new LedgerError('LEDGER_REJECTED', 'The transaction was not endorsed.', {
        cause: error,
        metaMessages: meta,
        details: `Tried ${attempts} time(s).`,
      })
    default:
      return new LedgerError('LEDGER_REJECTED', `The transaction committed invalid${tx}.`, {
        cause: error,
        metaMessages: meta,
      })
  }
}

/** Failures worth another attempt: nothing was written, and the next attempt may well succeed. */
export function isRetryable(error: unknown): boolean {
  if (!isFabricTransportError(error)) return false
  return (
    error.reason === 'MVCC_READ_CONFLICT' ||
    error.reason === 'PHANTOM_READ_CONFLICT' ||
    error.reason === 'ENDORSEMENT' ||
    error.reason === 'UNAVAILABLE'
  )
}
