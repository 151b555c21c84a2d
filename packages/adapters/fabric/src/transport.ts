/**
 * The small interface between the medseal Fabric ledger and whatever runs its chaincode transactions.
 *
 * Two implementations exist: {@link createGatewayTransport} over a real Fabric Gateway (`@hyperledger/fabric-gateway`),
 * and the in-process bridge of `@medseal/fabric-chaincode/testing` (`createInProcessFabricTransport`), which runs the
 * chaincode in this process against an in-memory world state and is **not** a Fabric network.
 * @module
 */

/** What a committed transaction gave back. */
export type FabricSubmitResult = {
  /** The chaincode's response payload (from endorsement). */
  readonly result: Uint8Array
  /** The transaction id. */
  readonly txId: string
  /** The block the transaction committed in. */
  readonly blockNumber: number
  /** The transaction timestamp (the proposal's), Unix seconds. */
  readonly timestamp: number
}

/**
 * Runs chaincode transactions. Every method throws a {@link FabricTransportError} for a failure it can classify;
 * anything else is treated as the ledger being unavailable.
 */
export type FabricTransport = {
  /** What runs the transactions, e.g. `gateway`, `in-process`. */
  readonly kind: string
  /** Endorses, submits and waits for the commit of one transaction; throws unless it committed valid. */
  submit(name: string, args: readonly string[]): Promise<FabricSubmitResult>
  /** Evaluates a query transaction on one peer (not ordered, not committed). */
  evaluate(name: string, args: readonly string[]): Promise<Uint8Array>
  /** The number of the block that holds a committed transaction, or `undefined` when the ledger does not know it. */
  getTransactionBlock(txId: string): Promise<number | undefined>
  /** The ledger's time: the latest block's transaction timestamp, Unix seconds. */
  getLedgerTime(): Promise<number>
  /** Releases what the transport holds (not the caller's gateway connection). */
  close?(): void
}

/**
 * Why a transport call failed.
 * - `CHAINCODE`: the chaincode refused the proposal (its message is `MEDSEAL:<CODE>:<short>`).
 * - `ENDORSEMENT`: endorsement failed otherwise (peers disagreed, policy not met, peer error). Retried.
 * - `MVCC_READ_CONFLICT`, `PHANTOM_READ_CONFLICT`: the transaction read state another one changed first. Retried.
 * - `COMMIT`: the transaction was ordered but committed invalid for another reason.
 * - `UNAVAILABLE`: a peer or orderer could not be reached in time (gRPC `UNAVAILABLE`, `DEADLINE_EXCEEDED`). Retried.
 * - `TIMEOUT`: the transaction was submitted, but its commit status did not arrive in time (it may still commit).
 */
export type FabricFailureReason =
  | 'CHAINCODE'
  | 'ENDORSEMENT'
  | 'MVCC_READ_CONFLICT'
  | 'PHANTOM_READ_CONFLICT'
  | 'COMMIT'
  | 'UNAVAILABLE'
  | 'TIMEOUT'

/**
 * A classified transport failure. Recognised by shape (`name === 'FabricTransportError'` and a `reason`), so that
 * transports in other packages need not import this class.
 *
 * @example
 * ```ts
 * import { FabricTransportError } from '@medseal/adapter-fabric'
 * throw new FabricTransportError('UNAVAILABLE', ['peer0.org1.example.com:7051 unreachable'])
 * ```
 */
export class FabricTransportError extends Error {
  override name = 'FabricTransportError'
  /** Why it failed. */
  readonly reason: FabricFailureReason
  /** The messages of the failing nodes (peer or chaincode messages; never credentials). */
  readonly messages: readonly string[]
  /** The transaction id, when one was made. */
  readonly txId: string | undefined

  constructor(
    reason: FabricFailureReason,
    messages: readonly string[],
    options: { txId?: string | undefined; cause?: unknown } = {},
  ) {
    super(`${reason}: ${messages.join('; ')}`, options.cause === undefined ? undefined : { cause: options.cause })
    this.reason = reason
    this.messages = messages
    this.txId = options.txId
  }
}

const REASONS: ReadonlySet<string> = new Set<FabricFailureReason>([
  'CHAINCODE',
  'ENDORSEMENT',
  'MVCC_READ_CONFLICT',
  'PHANTOM_READ_CONFLICT',
  'COMMIT',
  'UNAVAILABLE',
  'TIMEOUT',
])

/**
 * Is `error` a {@link FabricTransportError} (by shape, across package copies)? Never throws.
 *
 * @example
 * ```ts
 * import { FabricTransportError, isFabricTransportError } from '@medseal/adapter-fabric'
 * isFabricTransportError(new FabricTransportError('UNAVAILABLE', ['peer down'])) // true
 * ```
 */
export function isFabricTransportError(error: unknown): error is FabricTransportError {
  if (typeof error !== 'object' || error === null) return false
  const e = error as { name?: unknown; reason?: unknown; messages?: unknown }
  return (
    e.name === 'FabricTransportError' &&
    typeof e.reason === 'string' &&
    REASONS.has(e.reason) &&
    Array.isArray(e.messages)
  )
}
