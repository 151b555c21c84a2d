/**
 * Turns viem and node failures into medseal's one error hierarchy (STYLE 22): custom errors of the registry become
 * coded {@link LedgerError}s, transport failures `LEDGER_UNAVAILABLE`, receipt timeouts `LEDGER_TIMEOUT`.
 * @internal
 * @module
 */
import { type ErrorCode, isSdkError, LedgerError } from '@medseal/core'
import { BaseError as ViemBaseError } from 'viem'

/** Which write (or read) failed: decides how `InvalidSignature` maps. @internal */
export type Operation = 'anchor' | 'consent' | 'revocation' | 'tombstone' | 'treeHead' | 'read' | 'deploy'

/** Custom errors of MedsealRegistry and the codes they map to. @internal */
const revertCodes: Readonly<Record<string, ErrorCode>> = {
  InvalidAnchor: 'LEDGER_REJECTED',
  ConsentMalformed: 'CONSENT_MALFORMED',
  ConsentReplayed: 'CONSENT_REPLAYED',
  TreeHeadConflict: 'LEDGER_CONFLICT',
  LogIdMismatch: 'LEDGER_REJECTED',
}

/** Errors raised when the node cannot be reached or does not answer. */
const unavailableNames = new Set([
  'HttpRequestError',
  'TimeoutError',
  'WebSocketRequestError',
  'SocketClosedError',
  'LimitExceededRpcError',
  'ResourceUnavailableRpcError',
  'MethodNotFoundRpcError',
  'MethodNotSupportedRpcError',
])

/** Errors a wallet or node raises when it refuses to send a transaction. */
const rejectedNames = new Set([
  'UserRejectedRequestError',
  'InsufficientFundsError',
  'NonceTooLowError',
  'NonceTooHighError',
  'NonceMaxValueError',
  'FeeCapTooLowError',
  'FeeCapTooHighError',
  'TipAboveFeeCapError',
  'IntrinsicGasTooLowError',
  'IntrinsicGasTooHighError',
  'TransactionTypeNotSupportedError',
  'ExecutionRevertedError',
  'ContractFunctionRevertedError',
  'ChainMismatchError',
  'AccountNotFoundError',
])

function find(err: unknown, test: (e: { name?: unknown }) => boolean): { name?: unknown } | undefined {
  let e: unknown = err
  for (let i = 0; i < 16 && typeof e === 'object' && e !== null; i++) {
    if (test(e as { name?: unknown })) return e as { name?: unknown }
    e = (e as { cause?: unknown }).cause
  }
  return undefined
}

/**
 * The name of the MedsealRegistry custom error behind `err` (e.g. `ConsentReplayed`), when a write was reverted by
 * the registry; `undefined` otherwise.
 *
 * @param err - an error thrown by an EVM ledger
 * @returns the custom error's name, or `undefined`
 * @example
 * ```ts
 * import { getRegistryErrorName } from '@medseal/adapter-evm'
 * try { await ledger.anchorRoot(input) } catch (e) { console.log(getRegistryErrorName(e)) }
 * ```
 */
export function getRegistryErrorName(err: unknown): string | undefined {
  const reverted = find(err, (e) => e.name === 'ContractFunctionRevertedError') as
    | { data?: { errorName?: unknown } }
    | undefined
  const name = reverted?.data?.errorName
  return typeof name === 'string' ? name : undefined
}

/** Wraps `err` in a coded medseal error (medseal errors pass through unchanged). @internal */
export function toLedgerError(err: unknown, op: Operation): Error {
  if (isSdkError(err)) return err
  const errorName = getRegistryErrorName(err)
  if (errorName !== undefined) return revertError(errorName, op, err)
  if (find(err, (e) => e.name === 'WaitForTransactionReceiptTimeoutError'))
    return new LedgerError('LEDGER_TIMEOUT', 'The transaction was not confirmed in time.', {
      cause: err,
      metaMessages: ['It may still be mined: repeating the write is safe (writes are idempotent).'],
    })
  if (find(err, (e) => typeof e.name === 'string' && unavailableNames.has(e.name)) || isFetchFailure(err))
    return new LedgerError('LEDGER_UNAVAILABLE', 'The EVM node could not be reached.', { cause: err })
  const rejected = find(err, (e) => typeof e.name === 'string' && rejectedNames.has(e.name))
  if (rejected)
    return new LedgerError('LEDGER_REJECTED', 'The EVM node or wallet refused the transaction.', {
      cause: err,
      metaMessages: [`Reason: ${String(rejected.name)}.`],
    })
  if (op === 'read')
    return new LedgerError('LEDGER_UNAVAILABLE', 'The EVM node failed to answer a read.', { cause: err })
  return new LedgerError('LEDGER_WRITE_FAILED', 'The EVM write failed.', {
    cause: err,
    ...(err instanceof ViemBaseError ? { metaMessages: [`Reason: ${err.shortMessage}`] } : {}),
  })
}

/** The coded error for a registry custom error. @internal */
export function revertError(errorName: string, op: Operation, cause?: unknown): LedgerError {
  let code = revertCodes[errorName] ?? 'LEDGER_REJECTED'
  if (errorName === 'InvalidSignature')
    code = op === 'consent' || op === 'revocation' ? 'CONSENT_SIGNATURE_INVALID' : 'INVALID_SIGNATURE'
  return new LedgerError(code, `MedsealRegistry rejected the write (${errorName}).`, {
    ...(cause === undefined ? {} : { cause }),
    metaMessages: [`Registry error: ${errorName}`],
  })
}

function isFetchFailure(err: unknown): boolean {
  return find(err, (e) => e.name === 'TypeError' && /fetch failed/i.test(String((e as Error).message))) !== undefined
}
