/**
 * Where an anchorer keeps the commitments it accepted and the receipts it got for them, so that nothing an `add()`
 * accepted is lost on a crash: pending commitments are anchored on restart and a receipt whose promise resolved
 * before the crash is found again with `getReceipt`. {@link createMemoryAnchorStore} is the in-memory store for unit
 * tests.
 * @module
 */
import { InvalidArgumentError, LedgerError } from '../errors/base.js'
import type { Hex } from '../types.js'
import type { Receipt } from './receipt.js'

/**
 * Storage of an anchorer. Commitments are 32-byte `0x` hex, compared case-insensitively. Every write is atomic and
 * durable when it resolves; a rejected write stored nothing. One anchorer runs over a store at a time.
 */
export type AnchorStore = {
  /**
   * Adds commitments to the pending set (oldest first), atomically: a commitment already pending or already holding a
   * receipt is skipped. Refuses with {@link LedgerError} `ANCHOR_QUEUE_FULL` (storing nothing) when the pending set
   * would then hold more than `maxPending`.
   */
  addPending(params: { readonly commitments: readonly Hex[]; readonly maxPending: number }): Promise<void>
  /** Pending commitments, oldest first (at most `limit`). */
  listPending(params?: { readonly limit?: number }): Promise<readonly Hex[]>
  /** How many commitments are pending. */
  countPending(): Promise<number>
  /** Stores the receipts of an anchored batch and removes their commitments from the pending set, in one transaction. */
  completeBatch(receipts: readonly Receipt[]): Promise<void>
  /** Removes commitments from the pending set without a receipt (their batch failed for good; callers were told). */
  dropPending(commitments: readonly Hex[]): Promise<void>
  /** The stored receipt of a commitment. */
  getReceipt(commitment: Hex): Promise<Receipt | undefined>
}

const HEX32 = /^0x[0-9a-fA-F]{64}$/

/** Lower-cases a commitment, refusing anything but 32-byte hex. @internal */
export function _commitmentKey(value: unknown): string {
  if (typeof value !== 'string' || !HEX32.test(value))
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'A commitment is 32 bytes of 0x hex.')
  return value.toLowerCase()
}

/** What a conformance harness may corrupt in a memory anchor store: a stored receipt's root. @internal */
export const _memoryAnchorTamper: WeakMap<AnchorStore, (commitment: Hex) => void> = new WeakMap()

/**
 * An in-memory {@link AnchorStore} (the default, for unit tests).
 *
 * @returns a frozen store
 * @example
 * ```ts
 * import { createAnchorer, createMemoryAnchorStore } from '@medseal/core'
 * const anchorer = createAnchorer(ledger, { store: createMemoryAnchorStore(), maxPending: 100_000 })
 * ```
 */
export function createMemoryAnchorStore(): AnchorStore {
  const pending = new Set<string>()
  const receipts = new Map<string, Receipt>()
  const store: AnchorStore = Object.freeze({
    async addPending({ commitments, maxPending }: { commitments: readonly Hex[]; maxPending: number }) {
      if (!Array.isArray(commitments)) throw new InvalidArgumentError('INVALID_TYPE', 'commitments must be an array.')
      if (!Number.isSafeInteger(maxPending) || maxPending < 1)
        throw new InvalidArgumentError('INVALID_ARGUMENT', 'maxPending must be a positive integer.')
      const fresh = [...new Set(commitments.map(_commitmentKey))].filter((c) => !pending.has(c) && !receipts.has(c))
      if (pending.size + fresh.length > maxPending)
        throw new LedgerError('ANCHOR_QUEUE_FULL', 'Too many commitments are waiting to be anchored: retry later.')
      for (const c of fresh) pending.add(c)
    },
    async listPending(params: { limit?: number } = {}) {
      const limit = params.limit ?? Number.POSITIVE_INFINITY
      const out: Hex[] = []
      for (const c of pending) {
        if (out.length >= limit) break
        out.push(c as Hex)
      }
      return Object.freeze(out)
    },
    async countPending() {
      return pending.size
    },
    async completeBatch(batch: readonly Receipt[]) {
      const keys = batch.map((r) => _commitmentKey(r?.commitment))
      batch.forEach((r, i) => {
        receipts.set(keys[i] as string, r)
      })
      for (const k of keys) pending.delete(k)
    },
    async dropPending(commitments: readonly Hex[]) {
      for (const c of commitments.map(_commitmentKey)) pending.delete(c)
    },
    async getReceipt(commitment: Hex) {
      return receipts.get(_commitmentKey(commitment))
    },
  })
  _memoryAnchorTamper.set(store, (commitment) => {
    const key = _commitmentKey(commitment)
    const r = receipts.get(key)
    if (!r) throw new InvalidArgumentError('INVALID_ARGUMENT', 'No receipt to tamper with.')
    const root = `0x${r.root.slice(2, 65)}${r.root.endsWith('0') ? '1' : '0'}` as Hex
    receipts.set(key, Object.freeze({ ...r, root }))
  })
  return store
}
