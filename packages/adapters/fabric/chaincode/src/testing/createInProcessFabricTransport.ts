/**
 * The in-process bridge: runs the registry chaincode in this process, against the in-memory world state, behind the
 * same transport interface `@medseal/adapter-fabric` uses for a real Fabric Gateway.
 *
 * **This is not a Fabric network.** There are no peers, no endorsement policy, no ordering service, no MSP checks.
 * What it does reproduce is what the client and chaincode depend on: each transaction is simulated on a fresh stub
 * over the last committed state (no read-your-writes), its result comes from fabric-shim's contract dispatcher, and
 * endorsed transactions are committed in blocks with MVCC and phantom-read validation, so concurrent writers get the
 * same `MVCC_READ_CONFLICT`s as on a peer. Transactions simulated at the same time go into one block, in the order
 * they were proposed. CI runs the conformance suite through this bridge; the real-network test runs it through the
 * Fabric Gateway.
 * @module
 */
import { createRegistryChaincode, type RegistryChaincode } from '../createRegistryChaincode.js'
import {
  createMemoryWorldState,
  type MemoryChaincodeStub,
  type MemoryCommitResult,
  type MemoryCreator,
  type MemoryWorldState,
} from './memoryWorldState.js'

/** Why a transport call failed (the shape `@medseal/adapter-fabric` maps to named errors and retries). */
export type InProcessFailureReason =
  | 'CHAINCODE'
  | 'ENDORSEMENT'
  | 'MVCC_READ_CONFLICT'
  | 'PHANTOM_READ_CONFLICT'
  | 'COMMIT'
  | 'UNAVAILABLE'
  | 'TIMEOUT'

/**
 * A failed transport call, as `@medseal/adapter-fabric`'s `FabricTransportError` (same `name` and fields).
 *
 * @example
 * ```ts
 * import { InProcessTransportError } from '@medseal/fabric-chaincode/testing'
 * new InProcessTransportError('MVCC_READ_CONFLICT', ['conflict'], 'tx1').reason // 'MVCC_READ_CONFLICT'
 * ```
 */
export class InProcessTransportError extends Error {
  override name = 'FabricTransportError'
  readonly reason: InProcessFailureReason
  readonly messages: readonly string[]
  readonly txId: string | undefined

  constructor(reason: InProcessFailureReason, messages: readonly string[], txId?: string) {
    super(`${reason}: ${messages.join('; ')}`)
    this.reason = reason
    this.messages = messages
    this.txId = txId
  }
}

/** Options of {@link createInProcessFabricTransport}. */
export type CreateInProcessFabricTransportParameters = {
  /** Channel name (default `mychannel`). */
  readonly channel?: string
  /** Chaincode name (default `medseal`): the chaincode's ledger id is `fabric:<channel>:<chaincode>`. */
  readonly chaincode?: string
  /** The chaincode to run (default: the medseal registry under `chaincode`). */
  readonly implementation?: RegistryChaincode
  /** Clock of transaction timestamps in milliseconds (default `Date.now`); Fabric's are the client's clock too. */
  readonly now?: () => number
  /** Creator of every transaction (default: a test certificate of `Org1MSP`). */
  readonly creator?: MemoryCreator
}

/** The bridge: a transport plus its world state and a way to move the ledger clock. */
export type InProcessFabricTransport = {
  readonly kind: 'in-process'
  readonly channel: string
  readonly chaincode: string
  /** The world state the chaincode runs against. */
  readonly world: MemoryWorldState
  submit(
    name: string,
    args: readonly string[],
  ): Promise<{ result: Uint8Array; txId: string; blockNumber: number; timestamp: number }>
  evaluate(name: string, args: readonly string[]): Promise<Uint8Array>
  getTransactionBlock(txId: string): Promise<number | undefined>
  getLedgerTime(): Promise<number>
  /** Cuts an empty block stamped with the clock (so the ledger time moves without a transaction). */
  cutEmptyBlock(): Promise<void>
  close(): void
}

type Pending = {
  seq: number
  stub: MemoryChaincodeStub
  resolve: (r: MemoryCommitResult) => void
}

/**
 * Creates the in-process bridge (NOT a Fabric network: see the module docs).
 *
 * @param params - channel, chaincode name, chaincode implementation, clock, creator
 * @returns a transport for `createFabricLedger({ transport })`
 * @example
 * ```ts
 * import { createFabricLedger } from '@medseal/adapter-fabric'
 * import { createInProcessFabricTransport } from '@medseal/fabric-chaincode/testing'
 * const ledger = createFabricLedger({ transport: createInProcessFabricTransport({ channel: 'mychannel' }) })
 * ```
 */
export function createInProcessFabricTransport(
  params: CreateInProcessFabricTransportParameters = {},
): InProcessFabricTransport {
  const channel = params.channel ?? 'mychannel'
  const chaincode = params.chaincode ?? 'medseal'
  const now = params.now ?? Date.now
  const implementation = params.implementation ?? createRegistryChaincode({ chaincodeName: chaincode })
  const world = createMemoryWorldState({
    channel,
    namespace: chaincode,
    now,
    ...(params.creator ? { creator: params.creator } : {}),
  })
  let seq = 0
  let inflight = 0
  let pending: Pending[] = []
  let closed = false
  /** Time of the latest block, seconds (blocks are stamped by their transactions or, when empty, the clock). */
  let ledgerTime = Math.floor(now() / 1000)

  const assertOpen = () => {
    if (closed) throw new InProcessTransportError('UNAVAILABLE', ['The in-process transport is closed.'])
  }

  /** Runs one proposal on a fresh stub: Fabric's endorsement, minus signatures. */
  async function simulate(name: string, args: readonly string[]) {
    const stub = world.newStub({ args: [name, ...args] })
    const response = await implementation.Invoke(stub)
    if (response.status !== 200) {
      throw new InProcessTransportError(
        'CHAINCODE',
        [`chaincode response ${response.status}, ${response.message ?? ''}`],
        stub.getTxID(),
      )
    }
    return { stub, result: response.payload ? new Uint8Array(response.payload) : new Uint8Array(0) }
  }

  /** Commits everything endorsed once no simulation is running, in proposal order, as one block. */
  function cutIfIdle() {
    if (inflight > 0 || pending.length === 0) return
    const batch = pending.sort((a, b) => a.seq - b.seq)
    pending = []
    const results = world.commit(...batch.map((p) => p.stub))
    for (const r of results) ledgerTime = Math.max(ledgerTime, r.timestamp.seconds)
    for (const [i, p] of batch.entries()) p.resolve(results[i] as MemoryCommitResult)
  }

  const transport: InProcessFabricTransport = {
    kind: 'in-process',
    channel,
    chaincode,
    world,
    async submit(name, args) {
      assertOpen()
      inflight++
      const mySeq = seq++
      let endorsed: Awaited<ReturnType<typeof simulate>>
      try {
        endorsed = await simulate(name, args)
      } catch (error) {
        inflight--
        cutIfIdle()
        throw error
      }
      const committed = new Promise<MemoryCommitResult>((resolve) => {
        pending.push({ seq: mySeq, stub: endorsed.stub, resolve })
      })
      inflight--
      cutIfIdle()
      const status = await committed
      if (status.code !== 'VALID') {
        const reason =
          status.code === 'MVCC_READ_CONFLICT' || status.code === 'PHANTOM_READ_CONFLICT' ? status.code : 'COMMIT'
        throw new InProcessTransportError(
          reason,
          [`transaction ${status.txId} failed to commit with status code ${status.code}`],
          status.txId,
        )
      }
      return {
        result: endorsed.result,
        txId: status.txId,
        blockNumber: status.blockNumber,
        timestamp: status.timestamp.seconds,
      }
    },
    async evaluate(name, args) {
      assertOpen()
      return (await simulate(name, args)).result
    },
    async getTransactionBlock(txId) {
      assertOpen()
      const tx = world.findTransaction(txId)
      return tx?.code === 'VALID' ? tx.blockNumber : undefined
    },
    async getLedgerTime() {
      assertOpen()
      return ledgerTime
    },
    async cutEmptyBlock() {
      assertOpen()
      world.commit()
      ledgerTime = Math.max(ledgerTime, Math.floor(now() / 1000))
    },
    close() {
      closed = true
    },
  }
  return Object.freeze(transport)
}
