/**
 * The {@link FabricTransport} over a real Fabric network, through the Fabric Gateway service of a Fabric 2.4+ peer
 * (`@hyperledger/fabric-gateway`). Node only (gRPC).
 *
 * - `submit`: `contract.newProposal(...)` → `endorse()` → `submit()` → `getStatus()` (the fine-grained form of
 *   `submitAsync`), so that the proposal's timestamp and the commit's block number are both known.
 * - `getTransactionBlock`: the system chaincode `qscc` (`GetBlockByTxID`), decoded with `@hyperledger/fabric-protos`.
 * - `getLedgerTime`: `qscc` `GetChainInfo` then `GetBlockByNumber(height - 1)`: the latest transaction timestamp in
 *   the latest block.
 * - Failures are classified into {@link FabricTransportError}s: gRPC `UNAVAILABLE`/`DEADLINE_EXCEEDED` while
 *   endorsing, evaluating or submitting → `UNAVAILABLE`; the same while waiting for the commit status → `TIMEOUT`;
 *   a chaincode refusal → `CHAINCODE`; `MVCC_READ_CONFLICT`/`PHANTOM_READ_CONFLICT` commits → those reasons.
 *
 * The caller's identity must be allowed to query `qscc` (`qscc/GetBlockByTxID`, `qscc/GetChainInfo`,
 * `qscc/GetBlockByNumber`; the default channel policy lets members of the channel's organizations do so).
 * @module
 */
import { status as grpcStatus } from '@grpc/grpc-js'
import {
  CommitError,
  type Contract,
  type Gateway,
  GatewayError,
  type Network,
  StatusCode,
} from '@hyperledger/fabric-gateway'
import { common } from '@hyperledger/fabric-protos'
import { InvalidArgumentError } from '@medseal/core'
import { blockNumber, blockTime, proposalTimestamp } from './_protos.js'
import { type FabricSubmitResult, type FabricTransport, FabricTransportError } from './transport.js'

/** Options of {@link createGatewayTransport}: a connected gateway, or a network, or a contract with `qscc`. */
export type CreateGatewayTransportParameters =
  | {
      /** A gateway from `connect({ client, identity, signer })`; the caller keeps it and closes it. */
      readonly gateway: Gateway
      /** Channel name. */
      readonly channel: string
      /** Chaincode name. */
      readonly chaincode: string
    }
  | {
      /** `gateway.getNetwork(channel)`. */
      readonly network: Network
      /** Chaincode name. */
      readonly chaincode: string
    }
  | {
      /** The medseal chaincode's contract. */
      readonly contract: Contract
      /** The same channel's `qscc` contract (`network.getContract('qscc')`), for block numbers and time. */
      readonly qscc: Contract
      /** Channel name (qscc takes it as an argument). */
      readonly channel: string
    }

/** Messages of a gateway error: its own and each node's (endorsing peers, orderers). */
function messagesOf(error: GatewayError): string[] {
  const out = [error.message]
  for (const d of error.details ?? []) out.push(`${d.mspId} ${d.address}: ${d.message}`)
  return out
}

/**
 * Classifies anything fabric-gateway throws into a {@link FabricTransportError} (other errors are returned as is).
 *
 * @param error - what a fabric-gateway call threw
 * @param stage - `commit` while waiting for the commit status (a deadline there means "may still commit")
 * @returns the classified error
 * @example
 * ```ts
 * import { classifyGatewayError } from '@medseal/adapter-fabric'
 * try { await contract.evaluate('GetAnchor', { arguments: ['', root] }) }
 * catch (e) { throw classifyGatewayError(e, 'evaluate') }
 * ```
 */
export function classifyGatewayError(error: unknown, stage: 'evaluate' | 'endorse' | 'submit' | 'commit'): unknown {
  if (error instanceof CommitError) {
    const reason =
      error.code === StatusCode.MVCC_READ_CONFLICT
        ? 'MVCC_READ_CONFLICT'
        : error.code === StatusCode.PHANTOM_READ_CONFLICT
          ? 'PHANTOM_READ_CONFLICT'
          : 'COMMIT'
    return new FabricTransportError(reason, [error.message], { txId: error.transactionId, cause: error })
  }
  if (error instanceof GatewayError) {
    const messages = messagesOf(error)
    // EndorseError, SubmitError (exported as a type only) and CommitStatusError carry the transaction id
    const tx = (error as { transactionId?: unknown }).transactionId
    const txId = typeof tx === 'string' ? tx : undefined
    const opts = { txId, cause: error }
    if (messages.some((m) => m.includes('MEDSEAL:'))) return new FabricTransportError('CHAINCODE', messages, opts)
    if (error.code === grpcStatus.UNAVAILABLE || error.code === grpcStatus.DEADLINE_EXCEEDED)
      return new FabricTransportError(stage === 'commit' ? 'TIMEOUT' : 'UNAVAILABLE', messages, opts)
    if (stage === 'commit') return new FabricTransportError('TIMEOUT', messages, opts)
    // A chaincode error without our prefix (e.g. an unknown function) is still the chaincode's refusal.
    if (messages.some((m) => /chaincode response \d+/.test(m)))
      return new FabricTransportError('CHAINCODE', messages, opts)
    return new FabricTransportError('ENDORSEMENT', messages, opts)
  }
  return error
}

/**
 * Creates the transport over a Fabric Gateway connection.
 *
 * @param params - a `gateway` (with `channel`, `chaincode`), a `network` (with `chaincode`), or a `contract` with
 *   the channel's `qscc` contract and `channel`
 * @returns a {@link FabricTransport}; it does not close the gateway (the caller owns it)
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_ARGUMENT` when none of the three forms is given
 * @example
 * ```ts norun
 * import * as grpc from '@grpc/grpc-js'
 * import { connect, signers } from '@hyperledger/fabric-gateway'
 * import { createGatewayTransport } from '@medseal/adapter-fabric'
 * const client = new grpc.Client('peer0.org1.example.com:7051', grpc.credentials.createSsl(tlsRootCert))
 * const gateway = connect({ client, identity: { mspId: 'Org1MSP', credentials: certPem }, signer: signers.newPrivateKeySigner(key) })
 * const transport = createGatewayTransport({ gateway, channel: 'mychannel', chaincode: 'medseal' })
 * ```
 */
export function createGatewayTransport(params: CreateGatewayTransportParameters): FabricTransport {
  let contract: Contract
  let qscc: Contract
  let channel: string
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'createGatewayTransport takes an object.')
  if ('gateway' in params && params.gateway) {
    const network = params.gateway.getNetwork(params.channel)
    contract = network.getContract(params.chaincode)
    qscc = network.getContract('qscc')
    channel = params.channel
  } else if ('network' in params && params.network) {
    contract = params.network.getContract(params.chaincode)
    qscc = params.network.getContract('qscc')
    channel = params.network.getName()
  } else if ('contract' in params && params.contract && params.qscc) {
    contract = params.contract
    qscc = params.qscc
    channel = params.channel
  } else {
    throw new InvalidArgumentError(
      'INVALID_ARGUMENT',
      'createGatewayTransport needs { gateway, channel, chaincode }, { network, chaincode } or { contract, qscc, channel }.',
    )
  }
  if (typeof channel !== 'string' || channel.length === 0)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'channel must be a channel name.')

  async function queryBlock(fn: string, args: string[]): Promise<Uint8Array> {
    try {
      return await qscc.evaluateTransaction(fn, ...args)
    } catch (error) {
      throw classifyGatewayError(error, 'evaluate')
    }
  }

  return Object.freeze({
    kind: 'gateway',

    async submit(name: string, args: readonly string[]): Promise<FabricSubmitResult> {
      const proposal = contract.newProposal(name, { arguments: [...args] })
      const txId = proposal.getTransactionId()
      const timestamp = proposalTimestamp(proposal.getBytes())
      let transaction: Awaited<ReturnType<typeof proposal.endorse>>
      try {
        transaction = await proposal.endorse()
      } catch (error) {
        throw classifyGatewayError(error, 'endorse')
      }
      let commit: Awaited<ReturnType<typeof transaction.submit>>
      try {
        commit = await transaction.submit()
      } catch (error) {
        throw classifyGatewayError(error, 'submit')
      }
      let status: Awaited<ReturnType<typeof commit.getStatus>>
      try {
        status = await commit.getStatus()
      } catch (error) {
        throw classifyGatewayError(error, 'commit')
      }
      if (!status.successful) {
        const reason =
          status.code === StatusCode.MVCC_READ_CONFLICT
            ? 'MVCC_READ_CONFLICT'
            : status.code === StatusCode.PHANTOM_READ_CONFLICT
              ? 'PHANTOM_READ_CONFLICT'
              : 'COMMIT'
        throw new FabricTransportError(reason, [`transaction ${txId} committed with status code ${status.code}`], {
          txId,
        })
      }
      return { result: transaction.getResult(), txId, blockNumber: Number(status.blockNumber), timestamp }
    },

    async evaluate(name: string, args: readonly string[]): Promise<Uint8Array> {
      try {
        return await contract.evaluate(name, { arguments: [...args] })
      } catch (error) {
        throw classifyGatewayError(error, 'evaluate')
      }
    },

    async getTransactionBlock(txId: string): Promise<number | undefined> {
      let bytes: Uint8Array
      try {
        bytes = await queryBlock('GetBlockByTxID', [channel, txId])
      } catch (error) {
        // qscc answers "entry not found in index" for an unknown transaction
        if (error instanceof FabricTransportError && error.messages.some((m) => /not found/i.test(m))) return undefined
        throw error
      }
      return blockNumber(bytes)
    },

    async getLedgerTime(): Promise<number> {
      const info = common.BlockchainInfo.deserializeBinary(await queryBlock('GetChainInfo', [channel]))
      const height = info.getHeight()
      if (height < 1) return 0
      return blockTime(await queryBlock('GetBlockByNumber', [channel, String(height - 1)]))
    },
  } satisfies FabricTransport)
}
