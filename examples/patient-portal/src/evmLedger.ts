/**
 * The EVM ledger for the apps (loaded only when the records service keeps its ledger on an EVM chain, which it does
 * not relay, so the memory-ledger bundle carries no viem): the browser reads the MedsealRegistry at `registry` itself,
 * and writes the patient's consents and revocations from a local viem account.
 * @module
 */
import { createEvmLedger } from '@medseal/adapter-evm'
import { type Address, type Hex, InvalidArgumentError, type LedgerAdapter } from '@medseal/core'
import { createPublicClient, createWalletClient, defineChain, http } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'

/**
 * Anvil's second default account (the public "test test … junk" mnemonic; the service pays its own writes from the
 * first). A well-known TEST key: it only makes sense against a local anvil node (chain 31337), where it pays the gas
 * of the patient's consents and revocations. Never fund it anywhere.
 */
export const ANVIL_TEST_KEY: Hex = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'

/**
 * Connects to a MedsealRegistry over JSON-RPC.
 *
 * @param params - the RPC URL, the registry address and (optionally) the paying account's key
 * @returns the ledger adapter
 * @example
 * ```ts
 * const ledger = await connectEvmLedger({ rpcUrl: 'http://127.0.0.1:8545', registry: '0x5FbDB…' })
 * ```
 */
export async function connectEvmLedger(params: {
  rpcUrl: string
  registry: Address
  privateKey?: Hex
}): Promise<LedgerAdapter> {
  const transport = http(params.rpcUrl)
  const probe = createPublicClient({ transport })
  const id = await probe.getChainId()
  if (params.privateKey === undefined && id !== 31337)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'Ledger writes from the browser use a test key: anvil only.')
  const chain = defineChain({
    id,
    name: `EVM ${id}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [params.rpcUrl] } },
  })
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 100 })
  const walletClient = createWalletClient({
    chain,
    transport,
    account: privateKeyToAccount(params.privateKey ?? ANVIL_TEST_KEY),
    pollingInterval: 100,
  })
  return createEvmLedger({ publicClient, walletClient, address: params.registry })
}
