/**
 * Insertion-order counters, taken inside the caller's transaction (which must cover the `counters` store).
 * @internal
 * @module
 */
import { S } from './_schema.js'
import { corrupt, type Tx } from './_tx.js'

/** Reserves `n` sequence numbers of `[kind, scope]`; returns the first. */
export async function nextSeq(tx: Tx, kind: string, scope: string, n = 1): Promise<number> {
  const store = tx.objectStore(S.counters)
  const last = (await store.get([kind, scope])) ?? 0
  if (!Number.isSafeInteger(last) || (last as number) < 0) throw corrupt('counter')
  await store.put((last as number) + n, [kind, scope])
  return (last as number) + 1
}
