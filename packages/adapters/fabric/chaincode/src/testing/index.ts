/**
 * `@medseal/fabric-chaincode/testing`: run the registry chaincode without a Fabric network. An in-memory world state
 * and `ChaincodeStub` with Fabric's semantics, and the in-process bridge transport for `@medseal/adapter-fabric`.
 * Neither is a Fabric network; see each module's documentation for what they reproduce.
 * @module
 */
export type {
  CreateInProcessFabricTransportParameters,
  InProcessFabricTransport,
  InProcessFailureReason,
} from './createInProcessFabricTransport.js'
export { createInProcessFabricTransport, InProcessTransportError } from './createInProcessFabricTransport.js'
export type {
  CreateMemoryWorldStateParameters,
  KeyVersion,
  MemoryBlock,
  MemoryChaincodeEvent,
  MemoryCommitResult,
  MemoryCreator,
  MemoryPaginatedQueryResponse,
  MemoryQueryResponseMetadata,
  MemoryValidationCode,
  MemoryWorldState,
  NewStubParameters,
  TxTimestamp,
} from './memoryWorldState.js'
export { createMemoryWorldState, DEFAULT_CREATOR_CERT_PEM, MemoryChaincodeStub } from './memoryWorldState.js'
export type { ChaincodeLogLevel } from './setChaincodeLogLevel.js'
export { setChaincodeLogLevel } from './setChaincodeLogLevel.js'
