/**
 * The registry as a Fabric chaincode object (`Init`/`Invoke`), built by fabric-shim's own contract dispatcher, the
 * one `fabric-chaincode-node start|server` uses: routing, argument and result serialization and error responses
 * are Fabric's, not ours.
 * @module
 */
/// <reference path="./_fabricShimInternals.d.ts" />
import { JSONSerializer } from 'fabric-contract-api'
import ChaincodeFromContract from 'fabric-shim/lib/contract-spi/chaincodefromcontract.js'
import { createRegistryContract, DEFAULT_CHAINCODE_NAME, MedsealRegistryContract } from './registryContract.js'

/** Fabric's response to a transaction proposal, as a chaincode returns it. */
export type ChaincodeResponse = { readonly status: number; readonly message?: string; readonly payload?: Uint8Array }

/** What the peer (or fabric-shim's server) calls: a chaincode. */
export type RegistryChaincode = {
  /** Runs a transaction against a stub (fabric-shim `ChaincodeStub`, or the in-memory one). */
  Invoke(stub: unknown): Promise<ChaincodeResponse>
  /** Same as `Invoke` (contract chaincode routes both). */
  Init(stub: unknown): Promise<ChaincodeResponse>
}

/** Options of {@link createRegistryChaincode}. */
export type CreateRegistryChaincodeParameters = {
  /** The chaincode name in the channel's chaincode definition (default `medseal`). */
  readonly chaincodeName?: string
  /** Reported in the contract metadata (`org.hyperledger.fabric:GetMetadata`). */
  readonly version?: string
}

/**
 * Builds the medseal registry chaincode: the {@link MedsealRegistryContract} behind fabric-shim's
 * `ChaincodeFromContract` dispatcher with the JSON serializer.
 *
 * @param params - `chaincodeName` (default `medseal`) and `version`
 * @returns the chaincode; pass it to `shim.server(...)` or to the in-memory bridge
 * @example
 * ```ts
 * import { createRegistryChaincode } from '@medseal/fabric-chaincode'
 * const chaincode = createRegistryChaincode({ chaincodeName: 'medseal' })
 * ```
 */
export function createRegistryChaincode(params: CreateRegistryChaincodeParameters = {}): RegistryChaincode {
  const name = params.chaincodeName ?? DEFAULT_CHAINCODE_NAME
  const contract =
    name === DEFAULT_CHAINCODE_NAME ? MedsealRegistryContract : createRegistryContract({ chaincodeName: name })
  const chaincode = new ChaincodeFromContract(
    [contract as unknown as new () => unknown],
    { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } },
    {},
    '@medseal/fabric-chaincode',
    params.version ?? '0.1.0',
  )
  return chaincode as unknown as RegistryChaincode
}
