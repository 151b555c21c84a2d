import { generateKeyPairSync } from 'node:crypto'
import * as grpc from '@grpc/grpc-js'
import { connect, signers } from '@hyperledger/fabric-gateway'
import { common, gateway as gatewayProtos, peer } from '@hyperledger/fabric-protos'
import { describe, expect, it } from 'vitest'
import { DEFAULT_CREATOR_CERT_PEM } from '../chaincode/src/testing/index.js'
import { blockNumber, blockTime, proposalTimestamp } from './_protos.js'

/** A real fabric-gateway proposal: built and serialized locally, never sent (the client points nowhere). */
function realProposal() {
  const client = new grpc.Client('127.0.0.1:1', grpc.credentials.createInsecure())
  const gateway = connect({
    client,
    identity: { mspId: 'Org1MSP', credentials: new TextEncoder().encode(DEFAULT_CREATOR_CERT_PEM) },
    signer: signers.newPrivateKeySigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey),
  })
  try {
    return gateway
      .getNetwork('mychannel')
      .getContract('medseal')
      .newProposal('GetLedgerInfo', { arguments: [''] })
  } finally {
    gateway.close()
    client.close()
  }
}

function channelHeaderOf(proposalBytes: Uint8Array) {
  const signed = gatewayProtos.ProposedTransaction.deserializeBinary(proposalBytes).getProposal()!
  const header = common.Header.deserializeBinary(
    peer.Proposal.deserializeBinary(signed.getProposalBytes_asU8()).getHeader_asU8(),
  )
  return common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8())
}

describe('Fabric protobuf decoding', () => {
  it('reads the timestamp of a fabric-gateway proposal', () => {
    const before = Math.floor(Date.now() / 1000)
    const proposal = realProposal()
    const after = Math.ceil(Date.now() / 1000)
    const t = proposalTimestamp(proposal.getBytes())
    expect(t).toBeGreaterThanOrEqual(before)
    expect(t).toBeLessThanOrEqual(after)
    expect(channelHeaderOf(proposal.getBytes()).getTxId()).toBe(proposal.getTransactionId())
  })

  it('reads the number and latest transaction time of a block', () => {
    // a Timestamp instance of the same google-protobuf copy, taken from a real proposal
    const Timestamp = channelHeaderOf(realProposal().getBytes()).getTimestamp()!.constructor as new () => {
      setSeconds(s: number): void
    }
    const envelope = (seconds: number) => {
      const ts = new Timestamp()
      ts.setSeconds(seconds)
      const channelHeader = new common.ChannelHeader()
      channelHeader.setTimestamp(ts as never)
      const header = new common.Header()
      header.setChannelHeader(channelHeader.serializeBinary())
      const payload = new common.Payload()
      payload.setHeader(header)
      const env = new common.Envelope()
      env.setPayload(payload.serializeBinary())
      return env.serializeBinary()
    }
    const block = new common.Block()
    const blockHeader = new common.BlockHeader()
    blockHeader.setNumber(42)
    block.setHeader(blockHeader)
    const data = new common.BlockData()
    data.setDataList([envelope(1_700_000_100), envelope(1_700_000_300), envelope(1_700_000_200)])
    block.setData(data)
    const bytes = block.serializeBinary()
    expect(blockNumber(bytes)).toBe(42)
    expect(blockTime(bytes)).toBe(1_700_000_300)
    expect(blockTime(new common.Block().serializeBinary())).toBe(0)
  })
})
