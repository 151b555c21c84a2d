/**
 * A process-wide, bounded cache of object shapes for the canonical fast path: for an object's own key sequence (as
 * `Object.keys` gives it), the keys in RFC 8785 order (UTF-16 code units) and their quoted prefixes (`{"a":`,
 * `,"b":`). Records from one source repeat a few shapes (every FHIR `Coding` has the same keys in the same order),
 * so a shape seen in an earlier call is neither sorted nor quoted again.
 *
 * - Exact: a trie over the key sequence, matched key by key (no hashing of key lists, so no collisions).
 * - Key names only, never values; only member-name-like keys (`[A-Za-z_$][A-Za-z0-9_$]*`, at most 64 characters,
 *   which never need escaping) and objects of at most {@link SHAPE_CACHE_MAX_KEYS} keys are cached, so maps keyed by
 *   data (ids, codes with other characters) pass by without filling it.
 * - Bounded: at most {@link SHAPE_CACHE_MAX_NODES} trie nodes (one per distinct key-sequence prefix); when a new
 *   shape would pass that, the whole trie is dropped and filling starts again.
 * @module @internal
 */

/** The RFC 8785 member order of one shape. @internal */
export type SortedShape = {
  /** The keys, sorted by UTF-16 code units. */
  readonly keys: readonly string[]
  /** `{"k0":`, `,"k1":`, …: what precedes each member's value in the canonical text. */
  readonly prefixes: readonly string[]
  /** The prefixes with the opening quote of a string value (`{"k0":"`, …). */
  readonly opens: readonly string[]
  /** The prefixes' total length plus the closing brace. */
  readonly length: number
}

/** Trie nodes held at most (a new shape that would pass this drops the trie). @internal */
export const SHAPE_CACHE_MAX_NODES = 4096
/** Objects with more keys than this are never cached. @internal */
export const SHAPE_CACHE_MAX_KEYS = 64

/** A trie node: its first child inline (most nodes have one), the others in a map. */
type Node = {
  key: string | undefined
  child: Node | undefined
  more: Map<string, Node> | undefined
  shape: SortedShape | undefined
}

/** Key order by UTF-16 code units (RFC 8785 §3.2.3): what `<` on strings compares. Keys are unique. */
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : 1)

const MEMBER_NAME = /^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/

const newNode = (): Node => ({ key: undefined, child: undefined, more: undefined, shape: undefined })

let root: Node = newNode()
let nodes = 0

const childOf = (node: Node, key: string): Node | undefined =>
  node.key === key ? node.child : node.more === undefined ? undefined : node.more.get(key)

/**
 * Sorts keys in place by UTF-16 code units: insertion sort for a few keys (often nearly sorted), `Array#sort`
 * beyond. @internal
 */
export function sortKeys(keys: string[]): string[] {
  const n = keys.length
  if (n > 16) return keys.sort(byCodeUnits)
  for (let i = 1; i < n; i++) {
    const k = keys[i] as string
    let j = i - 1
    while (j >= 0 && (keys[j] as string) > k) {
      keys[j + 1] = keys[j] as string
      j--
    }
    keys[j + 1] = k
  }
  return keys
}

/**
 * The sorted shape of an object's key sequence (from the cache, or computed and cached), or `undefined` when the
 * shape is not cacheable (a key that is not member-name-like, too many keys): the caller sorts and quotes itself.
 * `keys` is not modified. @internal
 */
export function sortedShape(keys: readonly string[]): SortedShape | undefined {
  const n = keys.length
  let node: Node | undefined = root
  for (let i = 0; i < n && node !== undefined; i++) node = childOf(node, keys[i] as string)
  if (node?.shape !== undefined) return node.shape
  return addShape(keys)
}

function addShape(keys: readonly string[]): SortedShape | undefined {
  const n = keys.length
  if (n > SHAPE_CACHE_MAX_KEYS) return undefined
  for (let i = 0; i < n; i++) if (!MEMBER_NAME.test(keys[i] as string)) return undefined
  if (nodes + n > SHAPE_CACHE_MAX_NODES) {
    root = newNode()
    nodes = 0
  }
  let node = root
  for (let i = 0; i < n; i++) {
    const k = keys[i] as string
    let child = childOf(node, k)
    if (child === undefined) {
      child = newNode()
      nodes++
      if (node.key === undefined) {
        node.key = k
        node.child = child
      } else {
        if (node.more === undefined) node.more = new Map()
        node.more.set(k, child)
      }
    }
    node = child
  }
  const sorted = sortKeys(keys.slice())
  let length = 1
  const prefixes = sorted.map((k, i) => {
    const p = `${i === 0 ? '{' : ','}"${k}":`
    length += p.length
    return p
  })
  node.shape = { keys: sorted, prefixes, opens: prefixes.map((p) => `${p}"`), length }
  return node.shape
}

/** Trie nodes held now (for tests of the bound). @internal */
export function shapeCacheNodes(): number {
  return nodes
}
