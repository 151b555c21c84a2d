/**
 * `@medseal/adapter-fabric`: the medseal ledger on Hyperledger Fabric, over the Fabric Gateway (gRPC). **Node only.**
 *
 * The registry chaincode is `@medseal/fabric-chaincode`; its in-process bridge for tests (not a Fabric network) is
 * `createInProcessFabricTransport` from `@medseal/fabric-chaincode/testing`.
 * @module
 */
export type {
  CreateFabricLedgerParameters,
  FabricLedgerConnection,
  FabricLedgerErrorType,
} from './createFabricLedger.js'
export { createFabricLedger } from './createFabricLedger.js'
export type { CreateGatewayTransportParameters } from './createGatewayTransport.js'
export { classifyGatewayError, createGatewayTransport } from './createGatewayTransport.js'
export type { FabricFailureReason, FabricSubmitResult, FabricTransport } from './transport.js'
export { FabricTransportError, isFabricTransportError } from './transport.js'
