/**
 * Test fixtures: one anvil node per test file, viem clients on it, fresh registries. Used by this package's tests only
 * (not part of the published entry points).
 * @internal
 * @module
 */
import {
  type Account,
  type Chain,
  createPublicClient,
  createTestClient,
  createWalletClient,
  type Hex,
  http,
  type PublicClient,
  type TestClient,
  type Transport,
  type WalletClient,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { foundry } from 'viem/chains'
import { afterAll, beforeAll } from 'vitest'
import { type CreateEvmLedgerReturnType, createEvmLedger } from './createEvmLedger.js'
import { deployRegistry } from './deployRegistry.js'
import { anvilPrivateKeys, type StartAnvilReturnType, startAnvil } from './node.js'

/** Clients on one anvil node. @internal */
export type Chainbed = {
  readonly anvil: StartAnvilReturnType
  readonly publicClient: PublicClient<Transport, Chain>
  readonly testClient: TestClient<'anvil', Transport, Chain>
  /** A wallet client for anvil's funded account `i` (0..9). */
  wallet(i: number): WalletClient<Transport, Chain, Account>
  /** Deploys a fresh registry from account 0. */
  deploy(): Promise<Hex>
  /** Deploys a fresh registry and opens a ledger on it that writes from account `wallet` (default 0). */
  fresh(opts?: FreshLedgerOptions): Promise<{ readonly address: Hex; readonly ledger: CreateEvmLedgerReturnType }>
  stop(): Promise<void>
}

/** Options of {@link Chainbed.fresh}: the wallet account, and `createEvmLedger`'s `confirmations` and `timeoutMs`. */
export type FreshLedgerOptions = {
  readonly wallet?: number
  readonly confirmations?: number
  readonly timeoutMs?: number
}

/** Starts anvil and makes clients on it. @internal */
export async function startChainbed(): Promise<Chainbed> {
  const anvil = await startAnvil()
  const transport = http(anvil.rpcUrl, { retryCount: 0 })
  const publicClient = createPublicClient({ chain: foundry, transport, pollingInterval: 20 })
  const testClient = createTestClient({ chain: foundry, mode: 'anvil', transport, pollingInterval: 20 })
  const wallets = new Map<number, WalletClient<Transport, Chain, Account>>()
  const wallet = (i: number) => {
    let w = wallets.get(i)
    if (!w) {
      const key = anvilPrivateKeys[i]
      if (!key) throw new Error(`no anvil account ${i}`)
      w = createWalletClient({ chain: foundry, transport, account: privateKeyToAccount(key), pollingInterval: 20 })
      wallets.set(i, w)
    }
    return w
  }
  const deploy = () => deployRegistry({ publicClient, walletClient: wallet(0) })
  return {
    anvil,
    publicClient,
    testClient,
    wallet,
    deploy,
    async fresh(opts = {}) {
      const address = await deploy()
      const ledger = await createEvmLedger({
        publicClient,
        walletClient: wallet(opts.wallet ?? 0),
        address,
        ...(opts.confirmations === undefined ? {} : { confirmations: opts.confirmations }),
        ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
      })
      return { address, ledger }
    },
    stop: () => anvil.stop(),
  }
}

/**
 * One anvil for the calling test file: started before its tests (`beforeAll`) and stopped after them (`afterAll`).
 * The bed it returns reaches the running one; it throws if used outside the file's tests. @internal
 */
export function useChainbed(): Chainbed {
  let started: Chainbed | undefined
  beforeAll(async () => {
    started = await startChainbed()
  })
  afterAll(async () => {
    await started?.stop()
  })
  const bed = (): Chainbed => {
    if (!started) throw new Error('the chainbed runs only during the file’s tests')
    return started
  }
  return {
    get anvil() {
      return bed().anvil
    },
    get publicClient() {
      return bed().publicClient
    },
    get testClient() {
      return bed().testClient
    },
    wallet: (i) => bed().wallet(i),
    deploy: () => bed().deploy(),
    fresh: (opts) => bed().fresh(opts),
    stop: () => bed().stop(),
  }
}
