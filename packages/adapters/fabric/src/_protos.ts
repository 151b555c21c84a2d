/**
 * Decoding of the few Fabric protobuf messages the gateway transport reads (with `@hyperledger/fabric-protos`, the
 * same generated code fabric-gateway uses). @internal
 * @module
 */
import { common, gateway as gatewayProtos, peer } from '@hyperledger/fabric-protos'

/** The timestamp (Unix seconds) in the channel header of a fabric-gateway proposal (`proposal.getBytes()`). */
export function proposalTimestamp(proposalBytes: Uint8Array): number {
  const proposed = gatewayProtos.ProposedTransaction.deserializeBinary(proposalBytes)
  const signed = proposed.getProposal()
  if (!signed) throw new Error('Missing signed proposal')
  const proposal = peer.Proposal.deserializeBinary(signed.getProposalBytes_asU8())
  const header = common.Header.deserializeBinary(proposal.getHeader_asU8())
  const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8())
  return channelHeader.getTimestamp()?.getSeconds() ?? 0
}

/** The latest transaction timestamp of a block (config blocks have one too). */
export function blockTime(blockBytes: Uint8Array): number {
  const block = common.Block.deserializeBinary(blockBytes)
  let latest = 0
  for (const envelopeBytes of block.getData()?.getDataList_asU8() ?? []) {
    const envelope = common.Envelope.deserializeBinary(envelopeBytes)
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8())
    const headerBytes = payload.getHeader()?.getChannelHeader_asU8()
    if (!headerBytes) continue
    const seconds = common.ChannelHeader.deserializeBinary(headerBytes).getTimestamp()?.getSeconds() ?? 0
    if (seconds > latest) latest = seconds
  }
  return latest
}

/** The number of a serialized block (qscc `GetBlockByTxID`/`GetBlockByNumber`). */
export function blockNumber(blockBytes: Uint8Array): number | undefined {
  return common.Block.deserializeBinary(blockBytes).getHeader()?.getNumber()
}
