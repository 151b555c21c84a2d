/**
 * The LedgerAdapter conformance suite against a REAL Fabric network, through the Fabric Gateway, when one is
 * configured (see docs/adapters/fabric.md for a fabric-samples test-network walkthrough):
 *
 *   FABRIC_GATEWAY_ENDPOINT    peer gateway endpoint, e.g. localhost:7051
 *   FABRIC_TLS_CERT            PEM file of the peer's TLS CA (test-network: .../peers/peer0.org1.example.com/tls/ca.crt)
 *   FABRIC_MSP_ID              e.g. Org1MSP
 *   FABRIC_CERT                PEM file (or a directory holding exactly one) of the client's X.509 certificate
 *   FABRIC_KEY                 PEM file (or a directory holding exactly one) of the client's private key
 *   FABRIC_CHANNEL             e.g. mychannel
 *   FABRIC_CHAINCODE           the chaincode name the medseal registry was committed under, e.g. medseal
 *   FABRIC_GATEWAY_HOST_ALIAS  optional TLS name override, e.g. peer0.org1.example.com
 *
 * Without them the suite is skipped, and says so. Each test runs in a fresh named registry of the chaincode
 * (`t-<run>-<n>`), because a real chaincode cannot be redeployed per test.
 */
import { createPrivateKey } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import * as grpc from '@grpc/grpc-js'
import { connect, type Gateway, hash, signers } from '@hyperledger/fabric-gateway'
import { describeLedgerConformance } from '@medseal/core/testing'
import { afterAll, beforeAll, describe } from 'vitest'
import { createFabricLedger } from './createFabricLedger.js'

const REQUIRED = [
  'FABRIC_GATEWAY_ENDPOINT',
  'FABRIC_TLS_CERT',
  'FABRIC_MSP_ID',
  'FABRIC_CERT',
  'FABRIC_KEY',
  'FABRIC_CHANNEL',
  'FABRIC_CHAINCODE',
] as const
const env = process.env
const missing = REQUIRED.filter((name) => !env[name])
if (missing.length > 0) {
  console.info(
    `[@medseal/adapter-fabric] Real Fabric network test SKIPPED: set ${missing.join(', ')} ` +
      '(see docs/adapters/fabric.md). CI runs the same suite through the in-process bridge only.',
  )
}

/** A PEM file, or the single file in a directory (Fabric MSP folders: signcerts/, keystore/). */
function readPem(path: string): Buffer {
  if (statSync(path).isDirectory()) {
    const files = readdirSync(path).filter((f) => !f.startsWith('.'))
    if (files.length !== 1) throw new Error(`Expected exactly one file in the directory given for ${path}.`)
    return readFileSync(join(path, files[0] as string))
  }
  return readFileSync(path)
}

describe.skipIf(missing.length > 0)('fabric real network (Fabric Gateway)', () => {
  let client: grpc.Client | undefined
  let gateway: Gateway | undefined
  const channel = env.FABRIC_CHANNEL as string
  const chaincode = env.FABRIC_CHAINCODE as string
  const run = Date.now().toString(36)
  let n = 0

  beforeAll(() => {
    const alias = env.FABRIC_GATEWAY_HOST_ALIAS
    client = new grpc.Client(
      env.FABRIC_GATEWAY_ENDPOINT as string,
      grpc.credentials.createSsl(readPem(env.FABRIC_TLS_CERT as string)),
      alias ? { 'grpc.ssl_target_name_override': alias } : {},
    )
    gateway = connect({
      client,
      identity: { mspId: env.FABRIC_MSP_ID as string, credentials: readPem(env.FABRIC_CERT as string) },
      signer: signers.newPrivateKeySigner(createPrivateKey(readPem(env.FABRIC_KEY as string))),
      hash: hash.sha256,
      evaluateOptions: () => ({ deadline: Date.now() + 10_000 }),
      endorseOptions: () => ({ deadline: Date.now() + 30_000 }),
      submitOptions: () => ({ deadline: Date.now() + 10_000 }),
      commitStatusOptions: () => ({ deadline: Date.now() + 120_000 }),
    })
  })

  afterAll(() => {
    gateway?.close()
    client?.close()
  })

  describeLedgerConformance('fabric (real network via Fabric Gateway)', {
    timeoutMs: 300_000,
    // Fewer parallel writers than in-process: they share blocks with a 2 s batch timeout on test-network.
    concurrency: 5,
    create: async () => {
      if (!gateway) throw new Error('The gateway did not connect.')
      const ledger = createFabricLedger({ gateway, channel, chaincode, registry: `t-${run}-${++n}` })
      return { ledger }
    },
  })
})
