/**
 * RFC 9162 §2.1.4.2 run forward: from the old root and a consistency proof to the new root, for receipts whose
 * payload (the new root) is detached, and for {@link verifyConsistency}.
 * @internal
 * @module
 */
import { equalBytes } from '../bytes/index.js'
import { _nodeHash } from './hash.js'

const odd = (n: bigint) => (n & 1n) === 1n

/** The new root that `proof` proves consistent with `oldRoot`, or `undefined` when it proves nothing. @internal */
export function _newRootFromConsistency(
  oldSize: bigint,
  newSize: bigint,
  oldRoot: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array | undefined {
  if (oldSize === 0n || oldSize > newSize) return undefined
  if (oldSize === newSize) return proof.length === 0 ? oldRoot : undefined
  if (proof.length === 0) return undefined
  const c = (oldSize & (oldSize - 1n)) === 0n ? [oldRoot, ...proof] : proof
  let fn = oldSize - 1n
  let sn = newSize - 1n
  while (odd(fn)) {
    fn >>= 1n
    sn >>= 1n
  }
  let fr = c[0] as Uint8Array
  let sr = fr
  for (let i = 1; i < c.length; i++) {
    const node = c[i] as Uint8Array
    if (sn === 0n) return undefined
    if (odd(fn) || fn === sn) {
      fr = _nodeHash(node, fr)
      sr = _nodeHash(node, sr)
      while (!odd(fn) && fn !== 0n) {
        fn >>= 1n
        sn >>= 1n
      }
    } else {
      sr = _nodeHash(sr, node)
    }
    fn >>= 1n
    sn >>= 1n
  }
  return sn === 0n && equalBytes(fr, oldRoot) ? sr : undefined
}
