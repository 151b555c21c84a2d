/**
 * Where an access log keeps its entries and its RFC 9162 tree. The log is append-only and so is its store: the store
 * keeps each entry and the hash of every complete subtree (`node(level, index)` covers the leaves
 * `[index·2^level, (index+1)·2^level)`), so that roots and proofs of any size are computed from O(log n) stored nodes
 * and a log of millions of entries opens without reading them. {@link createMemoryAccessLogStore} is the in-memory
 * store for unit tests; `@medseal/store-postgres` and `@medseal/store-indexeddb` are durable ones.
 * @module
 */
import { InvalidArgumentError, StoreError } from '../errors/base.js'
import { _nodeHash, MERKLE_HASH_LENGTH } from '../merkle/hash.js'

/** One entry to append: the event's canonical bytes and their RFC 9162 leaf hash. */
export type AccessLogLeaf = {
  /** The event's canonical bytes (see `encodeAccessEvent`). */
  readonly leafData: Uint8Array
  /** `leafHash(leafData)`, 32 bytes: also the tree node `(0, index)`. */
  readonly leafHash: Uint8Array
}

/** One stored entry. */
export type AccessLogEntry = AccessLogLeaf & { readonly index: number }

/** Names the hash of the complete subtree of height `level` over leaves `[index·2^level, (index+1)·2^level)`. */
export type AccessLogNodeKey = { readonly level: number; readonly index: number }

/** A stored tree node (level >= 1; level 0 is the entry's leaf hash). */
export type AccessLogNode = AccessLogNodeKey & { readonly hash: Uint8Array }

/** What {@link AccessLogStore.append} returns. */
export type AccessLogAppendResult = {
  /** Index given to the first appended leaf (the store's size before the append). */
  readonly firstIndex: number
  /** The store's size after the append. */
  readonly size: number
}

/**
 * Storage of one access log. Every method reads the store itself (never a cache another process could outdate).
 *
 * - `append(leaves)` appends the leaves at the CURRENT size of the store, taken under the store's own lock (a row
 *   lock, an advisory lock, one IndexedDB transaction; never only an in-process mutex): two processes appending to
 *   one database get one tree. It stores, in one atomic transaction, the entries, every tree node the append
 *   completes ({@link planAccessLogAppend} computes them from the border {@link accessLogBorderKeys}) and the new
 *   size. It resolves only once that transaction is durable; if it rejects, nothing of it is stored (crash rule: after
 *   a kill at any moment the store holds either all of an append or none of it).
 * - `size()` is the number of entries; `get(i)` returns entry `i` or `undefined` past the end.
 * - `getNodes(keys)` returns the hash of each key in order (`undefined` where absent); level 0 is entry `index`'s leaf
 *   hash. One call is one read (implementations answer all keys in one query).
 * - Nothing is ever changed or removed. The log checks what it reads: a leaf against the stored nodes above it, the
 *   nodes against the heads published on the ledger (`STORE_CORRUPT` otherwise).
 */
export type AccessLogStore = {
  readonly size: () => Promise<number>
  readonly get: (index: number) => Promise<AccessLogEntry | undefined>
  readonly getNodes: (keys: readonly AccessLogNodeKey[]) => Promise<readonly (Uint8Array | undefined)[]>
  readonly append: (leaves: readonly AccessLogLeaf[]) => Promise<AccessLogAppendResult>
}

const pow2 = (level: number): number => 2 ** level

/**
 * The keys of the border of a tree of `size` leaves: the roots of its complete subtrees, largest (leftmost) first —
 * one per set bit of `size`. An append needs exactly these nodes (see {@link planAccessLogAppend}).
 *
 * @param size - leaves in the tree (a safe non-negative integer)
 * @returns the keys, left to right
 * @throws {@link InvalidArgumentError} `OUT_OF_RANGE` for a bad size
 * @example
 * ```ts
 * import { accessLogBorderKeys } from '@medseal/core'
 * accessLogBorderKeys(6) // [{ level: 2, index: 0 }, { level: 1, index: 2 }]
 * ```
 */
export function accessLogBorderKeys(size: number): AccessLogNodeKey[] {
  if (!Number.isSafeInteger(size) || size < 0) throw new InvalidArgumentError('OUT_OF_RANGE', 'size must be >= 0.')
  return _perfectKeys(0, size)
}

/**
 * The aligned complete subtrees that make up `[start, end)`, largest first (`start` must be aligned to the largest,
 * as every range of the RFC 9162 recursion is). @internal
 */
export function _perfectKeys(start: number, end: number): AccessLogNodeKey[] {
  const keys: AccessLogNodeKey[] = []
  let at = start
  while (at < end) {
    let level = 0
    while (pow2(level + 1) <= end - at && at % pow2(level + 1) === 0) level++
    keys.push({ level, index: at / pow2(level) })
    at += pow2(level)
  }
  return keys
}

/** Parameters of {@link planAccessLogAppend}. */
export type PlanAccessLogAppendParameters = {
  /** The store's size, read under its lock. */
  readonly size: number
  /** The hashes of {@link accessLogBorderKeys}`(size)`, in that order, read under the same lock. */
  readonly border: readonly Uint8Array[]
  /** The leaf hashes to append (at least one). */
  readonly leafHashes: readonly Uint8Array[]
}

/**
 * What an append must store besides its entries: every tree node (level >= 1) the new leaves complete. A store calls
 * it inside its append transaction, with the size and border it read under its lock. O(log n + k) hashes for k leaves.
 *
 * @param params - `size`, `border`, `leafHashes`
 * @returns the nodes to store and the new size
 * @throws {@link InvalidArgumentError} for a border that does not match `size`, or no leaves
 * @example
 * ```ts
 * import { accessLogBorderKeys, planAccessLogAppend } from '@medseal/core'
 * const border = await readNodes(accessLogBorderKeys(size)) // inside the transaction
 * const { nodes } = planAccessLogAppend({ size, border, leafHashes })
 * ```
 */
export function planAccessLogAppend(params: PlanAccessLogAppendParameters): {
  readonly nodes: readonly AccessLogNode[]
  readonly size: number
} {
  const { size, border, leafHashes } = params
  const keys = accessLogBorderKeys(size)
  if (!Array.isArray(border) || border.length !== keys.length || border.some((h) => h?.length !== MERKLE_HASH_LENGTH))
    throw new InvalidArgumentError(
      'INVALID_ARGUMENT',
      'border must hold the 32-byte hashes of accessLogBorderKeys(size).',
    )
  if (!Array.isArray(leafHashes) || leafHashes.length === 0)
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'An append needs at least one leaf.')
  for (const hash of leafHashes) {
    if (hash?.length !== MERKLE_HASH_LENGTH)
      throw new InvalidArgumentError('INVALID_LENGTH', 'A leaf hash is 32 bytes.')
  }
  const stack: AccessLogNode[] = keys.map((k, i) => ({ ...k, hash: border[i] as Uint8Array }))
  const nodes: AccessLogNode[] = []
  return { nodes, size: foldLeaves(stack, size, leafHashes, nodes) }
}

/**
 * Pushes the leaves `firstIndex, firstIndex + 1, …` onto `stack` (the tree's right edge: complete subtrees, left to
 * right) and folds equal levels, pushing every node made (level >= 1) onto `out`. Leaf hashes are already checked.
 *
 * @returns the size after the leaves
 */
function foldLeaves(
  stack: AccessLogNode[],
  firstIndex: number,
  hashes: readonly Uint8Array[],
  out: AccessLogNode[],
): number {
  let index = firstIndex
  for (const hash of hashes) {
    stack.push({ level: 0, index: index++, hash })
    for (;;) {
      const right = stack[stack.length - 1] as AccessLogNode
      const left = stack[stack.length - 2]
      if (left === undefined || left.level !== right.level) break
      stack.length -= 2
      const node = { level: left.level + 1, index: left.index / 2, hash: _nodeHash(left.hash, right.hash) }
      stack.push(node)
      out.push(node)
    }
  }
  return index
}

/** What a conformance harness may corrupt in a memory store. @internal */
export const _memoryLogTamper: WeakMap<
  AccessLogStore,
  (target: { kind: 'entry' | 'node'; level?: number; index: number }) => void
> = new WeakMap()

const nodeKey = (level: number, index: number) => `${level}:${index}`

/**
 * An in-memory {@link AccessLogStore} (the default, for unit tests): entries live as long as the object. Appends are
 * one synchronous step, so they are atomic.
 *
 * @returns a frozen store
 * @example
 * ```ts
 * import { createAccessLog, createMemoryAccessLogStore } from '@medseal/core'
 * const store = createMemoryAccessLogStore()
 * const log = await createAccessLog({ operator, ledger, name: 'access', store })
 * ```
 */
export function createMemoryAccessLogStore(): AccessLogStore {
  const entries: { leafData: Uint8Array; leafHash: Uint8Array }[] = []
  const nodes = new Map<string, Uint8Array>()
  let border: AccessLogNode[] | undefined
  const appendNow = (leaves: readonly AccessLogLeaf[]): AccessLogAppendResult => {
    if (!Array.isArray(leaves) || leaves.length === 0)
      throw new InvalidArgumentError('INVALID_ARGUMENT', 'An append needs at least one leaf.')
    for (const l of leaves) {
      if (!(l?.leafData instanceof Uint8Array) || l.leafHash?.length !== MERKLE_HASH_LENGTH)
        throw new InvalidArgumentError('INVALID_TYPE', 'A leaf is { leafData, leafHash (32 bytes) }.')
    }
    const firstIndex = entries.length
    // The right edge of the tree (the complete subtrees of accessLogBorderKeys(size), left to right), kept between
    // appends rather than read back; read from the nodes again after a tamper (as a durable store would read them).
    if (border === undefined)
      border = accessLogBorderKeys(firstIndex).map((k) => ({ ...k, hash: readNode(k.level, k.index) as Uint8Array }))
    const stack = border.slice()
    const made: AccessLogNode[] = []
    foldLeaves(
      stack,
      firstIndex,
      leaves.map((l) => l.leafHash),
      made,
    )
    for (const l of leaves) entries.push({ leafData: l.leafData.slice(), leafHash: l.leafHash.slice() })
    for (const n of made) nodes.set(nodeKey(n.level, n.index), n.hash)
    border = stack.map((n) => (n.level === 0 ? { ...n, hash: (entries[n.index] as AccessLogLeaf).leafHash } : n))
    return { firstIndex, size: entries.length }
  }
  const readNode = (level: number, index: number): Uint8Array | undefined =>
    level === 0 ? entries[index]?.leafHash : nodes.get(nodeKey(level, index))
  const store: AccessLogStore = Object.freeze({
    async size() {
      return entries.length
    },
    async get(index: number) {
      const e = entries[index]
      return e && { index, leafData: e.leafData.slice(), leafHash: e.leafHash.slice() }
    },
    async getNodes(keys: readonly AccessLogNodeKey[]) {
      return keys.map((k) => readNode(k.level, k.index)?.slice())
    },
    async append(leaves: readonly AccessLogLeaf[]) {
      return appendNow(leaves)
    },
  })
  _memoryLogTamper.set(store, ({ kind, level = 0, index }) => {
    border = undefined
    if (kind === 'entry') {
      const e = entries[index]
      if (!e) throw new StoreError('STORE_CORRUPT', 'No such entry to tamper with.')
      const data = e.leafData.slice()
      data[data.length - 1] = (data[data.length - 1] as number) ^ 1
      entries[index] = { leafData: data, leafHash: e.leafHash }
    } else {
      const h = readNode(level, index)
      if (!h) throw new StoreError('STORE_CORRUPT', 'No such node to tamper with.')
      const bad = h.slice()
      bad[0] = (bad[0] as number) ^ 1
      if (level === 0)
        entries[index] = { leafData: (entries[index] as { leafData: Uint8Array }).leafData, leafHash: bad }
      else nodes.set(nodeKey(level, index), bad)
    }
  })
  return store
}
