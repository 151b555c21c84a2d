/**
 * How the chaincode reports a refusal so that clients can map it back to a named medseal error.
 *
 * Fabric carries a chaincode failure to the client as text only (the `message` of the endorsement response, inside
 * the gateway's error details), so the chaincode writes it in one parseable form:
 * `MEDSEAL:<CODE>:<short message>`, where `<CODE>` is a medseal `ErrorCode` and the short message never contains
 * secrets, keys or PHI (only argument names and expected shapes).
 * @module
 */
import { type ErrorCode, isSdkError } from '@medseal/core'

/** The prefix of every medseal chaincode error message. */
export const CHAINCODE_ERROR_PREFIX = 'MEDSEAL'

/** The longest short message the chaincode writes (the rest is cut). */
const MAX_SHORT_MESSAGE = 200

/**
 * An error thrown by the chaincode; its `message` is `MEDSEAL:<CODE>:<short>`, which fabric-contract-api returns
 * as the endorsement failure message.
 *
 * @example
 * ```ts
 * import { ChaincodeError } from '@medseal/fabric-chaincode'
 * new ChaincodeError('LEDGER_CONFLICT', 'Another head of this size.').message
 * // 'MEDSEAL:LEDGER_CONFLICT:Another head of this size.'
 * ```
 */
export class ChaincodeError extends Error {
  override name = 'ChaincodeError'
  /** The medseal error code. */
  readonly code: ErrorCode
  /** The short message, without the prefix and code. */
  readonly shortMessage: string

  constructor(code: ErrorCode, shortMessage: string) {
    const short = sanitize(shortMessage)
    super(`${CHAINCODE_ERROR_PREFIX}:${code}:${short}`)
    this.code = code
    this.shortMessage = short
  }
}

/** One line, printable, bounded. */
function sanitize(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()
  return line.length > MAX_SHORT_MESSAGE ? `${line.slice(0, MAX_SHORT_MESSAGE - 1)}…` : line
}

/**
 * Turns anything thrown inside a transaction into a {@link ChaincodeError}: medseal errors keep their code and short
 * message; anything else (a bug, a peer error) becomes `LEDGER_REJECTED` with a generic message, so that nothing
 * unexpected (stack traces, values) reaches clients.
 *
 * @param error - what was thrown
 * @returns the error to throw from the transaction
 * @example
 * ```ts
 * import { toChaincodeError } from '@medseal/fabric-chaincode'
 * toChaincodeError(new Error('boom')).message // 'MEDSEAL:LEDGER_REJECTED:The chaincode failed to process the transaction.'
 * ```
 */
export function toChaincodeError(error: unknown): ChaincodeError {
  if (error instanceof ChaincodeError) return error
  if (isSdkError(error)) return new ChaincodeError(error.code, error.shortMessage)
  return new ChaincodeError('LEDGER_REJECTED', 'The chaincode failed to process the transaction.')
}
