/**
 * Deploying the MedsealRegistry contract.
 * @module
 */
import { type Address, InvalidArgumentError, LedgerError } from '@medseal/core'
import { type Account, type Chain, getAddress, type PublicClient, type Transport, type WalletClient } from 'viem'
import { toLedgerError } from './_errors.js'
import { medsealRegistryAbi, medsealRegistryBytecode } from './artifacts/MedsealRegistry.js'

/** Options of {@link deployRegistry}. */
export type DeployRegistryParameters = {
  /** Reads the receipt. */
  readonly publicClient: PublicClient<Transport, Chain | undefined>
  /** Sends the deployment from its `account` (which pays the gas, about 1.5 M). */
  readonly walletClient: WalletClient<Transport, Chain | undefined, Account>
  /** Blocks the deployment must be buried under before it counts. Default 1. */
  readonly confirmations?: number
  /** How long to wait for the confirmations, in milliseconds. Default 120,000. */
  readonly timeoutMs?: number
}

/** What {@link deployRegistry} resolves to: the new registry's address (EIP-55 checksummed). */
export type DeployRegistryReturnType = Address

/** Errors {@link deployRegistry} throws. */
export type DeployRegistryErrorType = InvalidArgumentError | LedgerError

/**
 * Deploys a new MedsealRegistry (the bytecode committed in this package, compiled from `contracts/` by solc
 * 0.8.37) and resolves to its address once the deployment is confirmed. The registry has no owner and no
 * constructor arguments: anyone can deploy one, and nobody, the deployer included, can change it afterwards.
 *
 * @param params - {@link DeployRegistryParameters}
 * @returns the registry's address
 * @throws {@link @medseal/core!LedgerError} `LEDGER_UNAVAILABLE`, `LEDGER_REJECTED`, `LEDGER_TIMEOUT`, `LEDGER_WRITE_FAILED`
 * @example
 * ```ts
 * import { createPublicClient, createWalletClient, http } from 'viem'
 * import { privateKeyToAccount } from 'viem/accounts'
 * import { createEvmLedger, deployRegistry } from '@medseal/adapter-evm'
 * const transport = http('http://127.0.0.1:8545')
 * const publicClient = createPublicClient({ transport })
 * const walletClient = createWalletClient({ account: privateKeyToAccount(key), transport })
 * const address = await deployRegistry({ publicClient, walletClient })
 * const ledger = await createEvmLedger({ publicClient, walletClient, address })
 * ```
 */
export async function deployRegistry(params: DeployRegistryParameters): Promise<DeployRegistryReturnType> {
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'params must be an object.')
  const { publicClient, walletClient } = params
  if (typeof publicClient?.request !== 'function')
    throw new InvalidArgumentError('INVALID_TYPE', 'publicClient must be a viem public client.')
  if (typeof walletClient?.deployContract !== 'function' || !walletClient.account)
    throw new InvalidArgumentError('INVALID_TYPE', 'walletClient must be a viem wallet client with an account.')
  const confirmations = params.confirmations ?? 1
  if (!Number.isInteger(confirmations) || confirmations < 1 || confirmations > 1000)
    throw new InvalidArgumentError('OUT_OF_RANGE', 'confirmations must be an integer from 1 to 1000.')
  const timeoutMs = params.timeoutMs ?? 120_000
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
    throw new InvalidArgumentError('OUT_OF_RANGE', 'timeoutMs must be a positive integer.')
  try {
    const hash = await walletClient.deployContract({
      abi: medsealRegistryAbi,
      bytecode: medsealRegistryBytecode,
      account: walletClient.account,
      chain: walletClient.chain ?? null,
    })
    const receipt = await publicClient.waitForTransactionReceipt({ hash, confirmations, timeout: timeoutMs })
    if (receipt.status !== 'success' || !receipt.contractAddress)
      throw new LedgerError('LEDGER_REJECTED', 'The registry deployment reverted.')
    return getAddress(receipt.contractAddress)
  } catch (err) {
    throw toLedgerError(err, 'deploy')
  }
}
