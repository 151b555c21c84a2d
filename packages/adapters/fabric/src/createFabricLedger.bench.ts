/**
 * Fabric adapter cost in this process, through the in-process bridge (NOT a Fabric network: no gRPC, endorsement,
 * ordering or block cutting delay, so these are upper bounds of what the client and chaincode code allow; on a real
 * network a write takes at least one block, about 2 s on fabric-samples test-network).
 */
import { type Consent, consentKey, createParty, randomBytes, signConsent } from '@medseal/core'
import { readConsent } from '@medseal/core/testing'
import { defineBench } from '../../../../scripts/bench/harness.js'
import { createRegistryChaincode } from '../chaincode/src/index.js'
import { createInProcessFabricTransport, createMemoryWorldState } from '../chaincode/src/testing/index.js'
import { createFabricLedger } from './createFabricLedger.js'

const T0 = 1_700_000_000
const patient = createParty({ seed: new Uint8Array(32).fill(1) })
const clinician = createParty({ seed: new Uint8Array(32).fill(2) })
const consent = (): Consent => readConsent({ grantor: patient.address, grantee: clinician.address, notBefore: T0 })

defineBench('adapter-fabric', async (ctx) => {
  const transport = createInProcessFabricTransport({ channel: 'mychannel', chaincode: 'medseal' })
  const ledger = createFabricLedger({ transport, channel: 'mychannel', chaincode: 'medseal' })
  await ctx.ops('fabric bridge: anchorRoot (new root; simulate + commit)', () =>
    ledger.anchorRoot({ root: randomBytes(32), treeSize: 1000, kind: 'records' }),
  )
  const known = randomBytes(32)
  await ledger.anchorRoot({ root: known, treeSize: 1, kind: 'records' })
  await ctx.ops('fabric bridge: anchorRoot (idempotent repeat)', () =>
    ledger.anchorRoot({ root: known, treeSize: 1, kind: 'records' }),
  )
  await ctx.ops('fabric bridge: getAnchor', () => ledger.getAnchor({ root: known, treeSize: 1, kind: 'records' }))

  const presigned = Array.from({ length: 2000 }, () => signConsent(patient, ledger.domain, consent()))
  let i = 0
  await ctx.ops('fabric bridge: registerConsent (EIP-712 verify in chaincode + 5 keys)', () =>
    ledger.registerConsent(presigned[i++ % presigned.length]!),
  )
  const someKey = consentKey(presigned[0]!.consent.grantor, presigned[0]!.consent.id)
  await ctx.ops('fabric bridge: getConsent', () => ledger.getConsent(someKey))
  await ctx.ops('fabric bridge: listConsents (page of 100)', () => ledger.listConsents({ limit: 100 }))

  // the chaincode alone: fabric-contract-api dispatch + verification + canonical JSON, one simulated proposal
  const world = createMemoryWorldState({ channel: 'mychannel' })
  const chaincode = createRegistryChaincode()
  const args = presigned.map((s) => JSON.stringify(s))
  let j = 0
  await ctx.ops('chaincode: RegisterConsent proposal on the in-memory stub (no commit)', () =>
    chaincode.Invoke(world.newStub({ args: ['RegisterConsent', '', args[j++ % args.length]!] })),
  )
})
