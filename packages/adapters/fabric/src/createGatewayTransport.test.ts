import { generateKeyPairSync } from 'node:crypto'
import { createServer } from 'node:net'
import * as grpc from '@grpc/grpc-js'
import { CommitError, connect, EndorseError, GatewayError, StatusCode, signers } from '@hyperledger/fabric-gateway'
import { randomBytes } from '@medseal/core'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_CREATOR_CERT_PEM } from '../chaincode/src/testing/index.js'
import { createFabricLedger } from './createFabricLedger.js'
import { classifyGatewayError, createGatewayTransport } from './createGatewayTransport.js'
import { FabricTransportError } from './transport.js'

/** A port on 127.0.0.1 that nothing listens on (bound, read, released). */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })

const serviceError = (code: number) =>
  Object.assign(new Error('rpc'), { code, details: '', metadata: new grpc.Metadata() })

describe('classifyGatewayError', () => {
  it('recognises a chaincode refusal in the endorsement details', () => {
    const error = new EndorseError({
      code: grpc.status.ABORTED,
      details: [
        {
          address: 'peer0.org1:7051',
          mspId: 'Org1MSP',
          message: 'chaincode response 500, MEDSEAL:LEDGER_CONFLICT:Taken.',
        },
      ],
      cause: serviceError(grpc.status.ABORTED) as never,
      transactionId: 'tx1',
      message: '10 ABORTED: failed to endorse transaction, see attached details for more info',
    })
    const classified = classifyGatewayError(error, 'endorse') as FabricTransportError
    expect(classified).toBeInstanceOf(FabricTransportError)
    expect(classified.reason).toBe('CHAINCODE')
    expect(classified.txId).toBe('tx1')
    expect(classified.messages.some((m) => m.includes('MEDSEAL:LEDGER_CONFLICT'))).toBe(true)
  })

  it('tells unreachable peers, timeouts while committing, endorsement failures and conflicts apart', () => {
    const gatewayError = (code: number) =>
      new GatewayError({ code, details: [], cause: serviceError(code) as never, message: `${code} failed` })
    const reason = (e: unknown, stage: Parameters<typeof classifyGatewayError>[1]) =>
      (classifyGatewayError(e, stage) as FabricTransportError).reason
    expect(reason(gatewayError(grpc.status.UNAVAILABLE), 'evaluate')).toBe('UNAVAILABLE')
    expect(reason(gatewayError(grpc.status.DEADLINE_EXCEEDED), 'endorse')).toBe('UNAVAILABLE')
    expect(reason(gatewayError(grpc.status.DEADLINE_EXCEEDED), 'commit')).toBe('TIMEOUT')
    expect(reason(gatewayError(grpc.status.ABORTED), 'endorse')).toBe('ENDORSEMENT')
    const mvcc = new CommitError({ code: StatusCode.MVCC_READ_CONFLICT, transactionId: 'tx2' })
    expect(reason(mvcc, 'commit')).toBe('MVCC_READ_CONFLICT')
    const phantom = new CommitError({ code: StatusCode.PHANTOM_READ_CONFLICT, transactionId: 'tx3' })
    expect(reason(phantom, 'commit')).toBe('PHANTOM_READ_CONFLICT')
    const policy = new CommitError({ code: StatusCode.ENDORSEMENT_POLICY_FAILURE, transactionId: 'tx4' })
    expect(reason(policy, 'commit')).toBe('COMMIT')
    const other = new TypeError('bug')
    expect(classifyGatewayError(other, 'evaluate')).toBe(other)
  })
})

describe('createGatewayTransport against a peer that is down', () => {
  let client: grpc.Client | undefined
  afterEach(() => {
    client?.close()
    client = undefined
  })

  it('is LEDGER_UNAVAILABLE for reads, writes and the ledger time (real fabric-gateway client, gRPC refused)', async () => {
    const port = await closedPort()
    client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure())
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const gateway = connect({
      client,
      identity: { mspId: 'Org1MSP', credentials: new TextEncoder().encode(DEFAULT_CREATOR_CERT_PEM) },
      signer: signers.newPrivateKeySigner(privateKey),
      evaluateOptions: () => ({ deadline: Date.now() + 5000 }),
      endorseOptions: () => ({ deadline: Date.now() + 5000 }),
    })
    try {
      const transport = createGatewayTransport({ gateway, channel: 'mychannel', chaincode: 'medseal' })
      const direct = await transport.submit('AnchorRoot', ['0x00', '1', 'records']).catch((e: unknown) => e)
      expect((direct as FabricTransportError).reason).toBe('UNAVAILABLE')
      expect((direct as FabricTransportError).txId).toMatch(/^[0-9a-f]{64}$/)
      // the usual form: the ledger makes the gateway transport itself
      const ledger = createFabricLedger({
        gateway,
        channel: 'mychannel',
        chaincode: 'medseal',
        retries: 1,
        retryDelayMs: 0,
      })
      for (const call of [
        () => ledger.getTime(),
        () => ledger.getAnchor({ root: randomBytes(32), treeSize: 1, kind: 'records' }),
        () => ledger.anchorRoot({ root: randomBytes(32), treeSize: 1, kind: 'records' }),
      ]) {
        const e = (await call().catch((err: unknown) => err)) as { name: string; code: string }
        expect([e.name, e.code]).toEqual(['LedgerError', 'LEDGER_UNAVAILABLE'])
      }
    } finally {
      gateway.close()
    }
  })

  it('needs a gateway, a network or a contract with qscc', () => {
    expect(() => createGatewayTransport({} as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
  })
})
