/**
 * The write path of the EVM ledger: simulate (decodes the registry's custom errors without spending gas), send with
 * serialized nonce assignment, wait for the configured confirmations, and explain a revert.
 * @internal
 * @module
 */
import {
  type Account,
  type Chain,
  encodeFunctionData,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
  type Transport,
  type WalletClient,
} from 'viem'
import { type Operation, toLedgerError } from './_errors.js'
import { medsealRegistryAbi } from './artifacts/MedsealRegistry.js'

/** The registry's write functions. @internal */
export type WriteFunction = 'anchor' | 'registerConsent' | 'revoke' | 'recordTombstone' | 'recordTreeHead'

/** Sends registry writes from one account. @internal */
export type Writer = {
  send(op: Operation, functionName: WriteFunction, args: readonly unknown[]): Promise<TransactionReceipt>
}

/** @internal */
export type CreateWriterParameters = {
  readonly publicClient: PublicClient<Transport, Chain | undefined>
  readonly walletClient: WalletClient<Transport, Chain | undefined, Account>
  readonly address: Hex
  readonly confirmations: number
  readonly timeoutMs: number
}

/**
 * Creates the write path. Nonces: writes from one ledger are sent one after the other (each waits until the
 * previous one was accepted by the node, not mined), and a local account gets its nonce from this ledger's counter
 * (never below the node's pending count), so parallel writes never collide. Accounts with their own viem
 * `nonceManager`, and JSON-RPC accounts (injected wallets), keep assigning their own nonces.
 * @internal
 */
export function createWriter(params: CreateWriterParameters): Writer {
  const { publicClient, walletClient, address, confirmations, timeoutMs } = params
  const account = walletClient.account
  const manageNonce = account.type === 'local' && account.nonceManager === undefined
  let tail: Promise<unknown> = Promise.resolve()
  /** Identical writes in flight share one transaction (same calldata: same effect). */
  const inflight = new Map<Hex, Promise<TransactionReceipt>>()
  let nextNonce: number | undefined

  const call = {
    address,
    abi: medsealRegistryAbi,
    account,
  } as const

  /** Runs `fn` after every earlier send of this writer settled. */
  function serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = tail.then(fn, fn)
    tail = run.catch(() => undefined)
    return run
  }

  async function sendOnce(functionName: WriteFunction, args: readonly unknown[], retry: boolean): Promise<Hex> {
    let nonce: number | undefined
    if (manageNonce) {
      const pending = await publicClient.getTransactionCount({ address: account.address, blockTag: 'pending' })
      nonce = nextNonce === undefined ? pending : Math.max(pending, nextNonce)
    }
    try {
      const hash = await walletClient.writeContract({
        ...call,
        functionName,
        args,
        chain: walletClient.chain ?? null,
        ...(nonce === undefined ? {} : { nonce }),
      } as never)
      if (nonce !== undefined) nextNonce = nonce + 1
      return hash
    } catch (err) {
      // Another sender used the account meanwhile: forget the counter and ask the node once more.
      const nonceError = (err as { walk?: (fn: (e: unknown) => boolean) => unknown }).walk?.(
        (e) => (e as { name?: string }).name === 'NonceTooLowError',
      )
      if (manageNonce && retry && nonceError) {
        nextNonce = undefined
        return sendOnce(functionName, args, false)
      }
      throw err
    }
  }

  function send(op: Operation, functionName: WriteFunction, args: readonly unknown[]): Promise<TransactionReceipt> {
    let data: Hex
    try {
      data = encodeFunctionData({ abi: medsealRegistryAbi, functionName, args } as never)
    } catch (err) {
      return Promise.reject(toLedgerError(err, op))
    }
    const running = inflight.get(data)
    if (running) return running
    const sending = sendNew(op, functionName, args).finally(() => inflight.delete(data))
    inflight.set(data, sending)
    return sending
  }

  async function sendNew(
    op: Operation,
    functionName: WriteFunction,
    args: readonly unknown[],
  ): Promise<TransactionReceipt> {
    try {
      await publicClient.simulateContract({ ...call, functionName, args } as never)
    } catch (err) {
      throw toLedgerError(err, op)
    }
    let hash: Hex
    try {
      hash = await serialized(() => sendOnce(functionName, args, true))
    } catch (err) {
      throw toLedgerError(err, op)
    }
    let receipt: TransactionReceipt
    try {
      receipt = await publicClient.waitForTransactionReceipt({ hash, confirmations, timeout: timeoutMs })
    } catch (err) {
      throw toLedgerError(err, op)
    }
    if (receipt.status === 'reverted') {
      // Usually a concurrent write landed first. Replaying the call on the state that block left tells why; if the
      // replay succeeds, the call is now an idempotent repeat and the caller reads the record that won.
      try {
        await publicClient.simulateContract({ ...call, functionName, args, blockNumber: receipt.blockNumber } as never)
      } catch (err) {
        throw toLedgerError(err, op)
      }
    }
    return receipt
  }

  return Object.freeze({ send })
}
