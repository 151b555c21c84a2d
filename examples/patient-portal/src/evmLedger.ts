/**
 * The EVM ledger for the portal (loaded only when the page is given an RPC URL, so the memory-ledger bundle carries
 * no viem): a MedsealRegistry at `registry`, written from a local viem account.
 * @module
 */
import { createEvmLedger } from '@medseal/adapter-evm'
import type { Address, Hex, LedgerAdapter } from '@medseal/core'
import { createPublicClient, createWalletClient, defineChain, http } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'

/**
 * Anvil's first default account (the public "test test … junk" mnemonic). A well-known TEST key: it only makes
 * sense against a local anvil node, where it pays the gas of the demo's ledger writes. Never fund it anywhere.
 */
export const ANVIL_TEST_KEY: Hex = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'

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
