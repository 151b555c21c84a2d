import { expect, it } from 'vitest'
import * as chaincode from '../chaincode/src/index.js'
import * as testing from '../chaincode/src/testing/index.js'
import * as client from './index.js'

// Adding or removing an export shows up here in review.
it('exports exactly these names', () => {
  expect(Object.keys(client).sort()).toEqual([
    'FabricTransportError',
    'classifyGatewayError',
    'createFabricLedger',
    'createGatewayTransport',
    'isFabricTransportError',
  ])
  expect(Object.keys(chaincode).sort()).toEqual([
    'CHAINCODE_ERROR_PREFIX',
    'ChaincodeError',
    'DEFAULT_CHAINCODE_NAME',
    'MedsealRegistryContract',
    'REGISTRY_CONTRACT_NAME',
    'REGISTRY_EVENTS',
    'REGISTRY_FORMAT_VERSION',
    'REGISTRY_KEYS',
    'chaincodeServerOptionsFromEnv',
    'contracts',
    'createRegistryChaincode',
    'createRegistryContract',
    'startChaincodeServer',
    'toChaincodeError',
  ])
  expect(Object.keys(testing).sort()).toEqual([
    'DEFAULT_CREATOR_CERT_PEM',
    'InProcessTransportError',
    'MemoryChaincodeStub',
    'createInProcessFabricTransport',
    'createMemoryWorldState',
    'setChaincodeLogLevel',
  ])
})
