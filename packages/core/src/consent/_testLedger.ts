/**
 * Test helper: the real in-process ledger, with a clock the test moves. Core cannot depend on the adapter (which
 * depends on core); in tests the vitest alias resolves it to the adapter's sources.
 * @internal
 * @module
 */
// Resolved to the adapter's sources by the vitest alias and the root tsconfig paths; typed below.
import { createMemoryLedger as createMemoryLedgerUntyped } from '@medseal/adapter-memory'
import type { LedgerAdapter } from '../ledger/types.js'

/** The memory ledger's factory, typed. */
export const createMemoryLedger = createMemoryLedgerUntyped as (params: {
  id?: string
  now?: () => number
  store?: { read: () => string | undefined; write: (snapshot: string) => void }
}) => LedgerAdapter

/** A memory ledger whose clock is `clock.now` (set it to move time). */
export function clockedLedger(id: string, start = 1_700_000_000): { ledger: LedgerAdapter; clock: { now: number } } {
  const clock = { now: start }
  return { ledger: createMemoryLedger({ id, now: () => clock.now }), clock }
}
