/**
 * The ledger a recipe runs on: the in-process memory ledger by default, or a MedsealRegistry freshly deployed on an
 * EVM node given by its JSON-RPC URL (`--rpc URL`). Application code after this point is the same for both.
 * @module
 */
import { createMemoryLedger } from '@medseal/adapter-memory'
import type { Hex, LedgerAdapter } from '@medseal/core'

/** Options every recipe takes. */
export type RecipeOptions = {
  /** JSON-RPC URL of an EVM node (e.g. anvil's). A MedsealRegistry is deployed there first. Default: memory ledger. */
  readonly rpc?: string | undefined
  /** Key that deploys the registry and pays for writes on EVM (default: anvil's first, public, test account). */
  readonly privateKey?: Hex | undefined
  /**
   * Directory of the state kept between runs (PGlite stores and the memory ledger's file; see `openRecipeState`).
   * The CLI defaults to `defaultDataDir(recipe)`; omitted or `''`, the recipe runs on in-memory stores.
   */
  readonly stateDir?: string | undefined
}

/** A connected ledger and a label safe to print (never the RPC URL, which may carry an API key). */
export type RecipeLedger = {
  readonly ledger: LedgerAdapter
  readonly label: string
  /**
   * Lets the ledger's clock run ahead by `seconds` (to show that expiry follows the ledger's time, not the client's).
   * The memory ledger's clock is the system clock plus an offset; a development chain (anvil, hardhat) is asked with
   * `evm_increaseTime` + `evm_mine`. Resolves `false` where time cannot be moved (a real chain): the recipe then
   * reports the step as not run.
   */
  readonly advanceTime: (seconds: number) => Promise<boolean>
}

/** Anvil's first test account (the well-known public test mnemonic): never fund it on a real chain. */
const ANVIL_KEY_0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80' as const

/**
 * Connects the ledger a recipe runs on.
 *
 * @param options - `rpc` (omit for the memory ledger) and `privateKey`
 * @param name - the memory ledger's id
 * @returns the ledger and a printable label
 * @throws RangeError when `rpc` is not an http(s) URL
 * @example
 * ```ts
 * const { ledger } = await connectLedger({}, 'drug-provenance')
 * ```
 */
export async function connectLedger(options: RecipeOptions, name: string): Promise<RecipeLedger> {
  if (options.rpc === undefined) {
    let offset = 0
    const ledger = createMemoryLedger({ id: name, now: () => Math.floor(Date.now() / 1000) + offset })
    const advanceTime = async (seconds: number) => {
      offset += seconds
      return true
    }
    return { ledger, label: 'memory', advanceTime }
  }
  let url: URL
  try {
    url = new URL(options.rpc)
  } catch {
    throw new RangeError('rpc must be an http(s) JSON-RPC URL.')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new RangeError('rpc must be an http(s) JSON-RPC URL.')
  const [
    { createPublicClient, createWalletClient, http },
    { privateKeyToAccount },
    { createEvmLedger, deployRegistry },
  ] = await Promise.all([import('viem'), import('viem/accounts'), import('@medseal/adapter-evm')])
  const transport = http(options.rpc)
  const publicClient = createPublicClient({ transport, pollingInterval: 50 })
  const chainId = await publicClient.getChainId()
  const chain = {
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [options.rpc] } },
  }
  const walletClient = createWalletClient({
    chain,
    transport,
    account: privateKeyToAccount(options.privateKey ?? ANVIL_KEY_0),
    pollingInterval: 50,
  })
  const address = await deployRegistry({ publicClient, walletClient })
  const ledger = await createEvmLedger({ publicClient, walletClient, address })
  const advanceTime = async (seconds: number) => {
    try {
      await publicClient.request({ method: 'evm_increaseTime' as never, params: [seconds] as never })
      await publicClient.request({ method: 'evm_mine' as never, params: [] as never })
      return true
    } catch {
      return false
    }
  }
  return { ledger, label: `evm (chain ${chainId}, registry ${address})`, advanceTime }
}

/** Runs `fn` and returns the SDK error code it threw (`undefined` if it did not throw). Other errors propagate. */
export async function codeOf(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn()
    return undefined
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code
    if (typeof code === 'string') return code
    throw err
  }
}
