/**
 * `@medseal/adapter-evm`: the medseal ledger on any EVM chain. The `MedsealRegistry` Solidity contract (compiled
 * with solc 0.8.37 from `contracts/`, artifacts reproducible from source) verifies every consent, revocation,
 * tombstone and tree-head signature on chain as EIP-712 typed data; {@link createEvmLedger} drives it through the
 * integrator's own viem clients. Node-only helpers (a local anvil node) are in `@medseal/adapter-evm/node`.
 * @module
 */
export { getRegistryErrorName } from './_errors.js'
export {
  medsealRegistryAbi,
  medsealRegistryBytecode,
  medsealRegistryCompiler,
  medsealRegistryDeployedBytecode,
  medsealRegistryImmutableReferences,
} from './artifacts/MedsealRegistry.js'
export type {
  CreateEvmLedgerErrorType,
  CreateEvmLedgerParameters,
  CreateEvmLedgerReturnType,
} from './createEvmLedger.js'
export { createEvmLedger } from './createEvmLedger.js'
export type { DeployRegistryErrorType, DeployRegistryParameters, DeployRegistryReturnType } from './deployRegistry.js'
export { deployRegistry } from './deployRegistry.js'
