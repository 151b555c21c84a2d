/**
 * `@medseal/fabric-chaincode`: the medseal registry as Hyperledger Fabric chaincode (fabric-contract-api), deployable
 * as chaincode-as-a-service (`dist/server.js`). Node only.
 *
 * fabric-contract-api's bootstrap (`fabric-chaincode-node start|server`) loads the `contracts` export of the package
 * `main`; `server.js` starts the same chaincode with `shim.server(...)` from environment variables.
 * @module
 */
export { CHAINCODE_ERROR_PREFIX, ChaincodeError, toChaincodeError } from './chaincodeError.js'
export type { ChaincodeServerHandle, ChaincodeServerOptions } from './chaincodeServer.js'
export { chaincodeServerOptionsFromEnv, startChaincodeServer } from './chaincodeServer.js'
export type {
  ChaincodeResponse,
  CreateRegistryChaincodeParameters,
  RegistryChaincode,
} from './createRegistryChaincode.js'
export { createRegistryChaincode } from './createRegistryChaincode.js'
export type {
  ConsentPage,
  SkippedStoredConsent,
  StoredAnchor,
  StoredConsent,
  StoredRef,
  StoredRevocation,
  StoredTombstone,
  StoredTreeHead,
  WriteResult,
} from './registryContract.js'
export {
  createRegistryContract,
  DEFAULT_CHAINCODE_NAME,
  MedsealRegistryContract,
  REGISTRY_CONTRACT_NAME,
  REGISTRY_EVENTS,
  REGISTRY_FORMAT_VERSION,
  REGISTRY_KEYS,
} from './registryContract.js'

import { MedsealRegistryContract } from './registryContract.js'

/** The contracts of this chaincode, as fabric-contract-api's bootstrap expects them from the package `main`. */
export const contracts: readonly (typeof MedsealRegistryContract)[] = [MedsealRegistryContract]
