/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): one exact byte form of a JSON value, for hashing and signing.
 *
 * - Numbers are serialized with ECMAScript's `Number.prototype.toString` (RFC 8785 §3.2.2.3 is that algorithm);
 *   `-0` becomes `0`.
 * - Strings are escaped as `JSON.stringify` does (RFC 8785 §3.2.2.2): `\"`, `\\`, `\b \f \n \r \t`, other control
 *   characters as `\u00xx` (lower-case hex), everything else as is. JCS requires I-JSON (RFC 7493), so a string or
 *   key with a lone surrogate is rejected rather than escaped.
 * - Object members are sorted by their keys' UTF-16 code units (RFC 8785 §3.2.3), recursively; no whitespace.
 *
 * What counts as JSON here (stricter than `JSON.stringify`, so that a digest never depends on a silent
 * conversion): `null`, booleans, finite numbers, well-formed strings, arrays and plain objects (prototype
 * `Object.prototype`, `null`, or another realm's `Object.prototype`). Everything else is rejected with a named
 * error instead of being dropped or converted: `undefined` (also as an object member or array element; drop
 * optional members before canonicalizing), functions, symbols, bigints, `NaN`, `±Infinity`, and non-plain objects
 * such as `Date`, `Map`, `Set`, typed arrays, boxed primitives or class instances (`toJSON` is never called:
 * convert such values yourself, e.g. a `Date` to its FHIR `instant` string). Symbol-keyed and non-enumerable
 * properties are not JSON members and are ignored, as `JSON.stringify` ignores them. Cycles are rejected.
 *
 * FHIR `decimal` precision (`1.0` vs `1.00`) does not survive `JSON.parse`; `@medseal/fhir` canonicalizes FHIR
 * resources from their JSON text for that reason.
 * @module
 */
import { describeType } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'

/** Options of {@link canonicalize} and {@link canonicalizeToBytes}. */
export type CanonicalizeOptions = {
  /**
   * Deepest nesting of arrays and objects accepted (the top-level value is depth 1). Default 64; at most 1000.
   * Deeper input throws `INPUT_TOO_DEEP`.
   */
  readonly maxDepth?: number
  /** Largest canonical output accepted, in UTF-8 bytes. Default 16 MiB. Larger output throws `INPUT_TOO_LARGE`. */
  readonly maxBytes?: number
}

/** Everything {@link canonicalize} can throw. */
export type CanonicalizeErrorType = InvalidArgumentError

/**
 * Default {@link CanonicalizeOptions.maxDepth}.
 * @example
 * ```ts
 * import { CANONICALIZE_DEFAULT_MAX_DEPTH, canonicalize } from '@medseal/core'
 * canonicalize(value, { maxDepth: CANONICALIZE_DEFAULT_MAX_DEPTH * 2 })
 * ```
 */
export const CANONICALIZE_DEFAULT_MAX_DEPTH = 64
/**
 * Default {@link CanonicalizeOptions.maxBytes}: 16 MiB.
 * @example
 * ```ts
 * import { CANONICALIZE_DEFAULT_MAX_BYTES, canonicalize } from '@medseal/core'
 * canonicalize(bigBundle, { maxBytes: 4 * CANONICALIZE_DEFAULT_MAX_BYTES })
 * ```
 */
export const CANONICALIZE_DEFAULT_MAX_BYTES: number = 16 * 1024 * 1024
/** Hard ceiling for `maxDepth` (keeps recursion far below engine stack limits). */
const MAX_DEPTH_CEILING = 1000

/** Characters that force the slow string path: `"`, `\`, control characters, any surrogate. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what JSON escapes
const NEEDS_CARE = /["\\\u0000-\u001f\ud800-\udfff]/

const objectProto = Object.prototype
const getProto = Object.getPrototypeOf
const isArray = Array.isArray
const keysOf = Object.keys

type State = {
  readonly maxDepth: number
  readonly maxBytes: number
  /** The objects and arrays on the current path (`stack[d]` at depth `d + 1`), for cycle reports. */
  readonly stack: unknown[]
  /** The member key or array index that led to each depth, for error locations. */
  readonly path: (string | number)[]
  /** UTF-16 length of output so far (a lower bound of its UTF-8 length). */
  length: number
  /** Shapes seen in this call (see `shapeOf`). */
  readonly shapes: ShapeNode
}

/** Sorted keys of an object shape, their quoted prefixes, and the prefixes' total length plus the closing brace. */
type Shape = { readonly keys: readonly string[]; readonly prefixes: readonly string[]; readonly length: number }
type ShapeNode = { next: Map<string, ShapeNode> | undefined; shape: Shape | undefined }

/** JSON string escaping (RFC 8785 §3.2.2.2) for strings with characters that need care; rejects lone surrogates. */
function quoteSlow(s: string, state: State, depth: number, isKey: boolean): string {
  if (!s.isWellFormed()) {
    throw invalid(
      state,
      depth,
      'INVALID_ENCODING',
      `${isKey ? 'An object key' : 'A string'} has a lone surrogate (RFC 8785 requires I-JSON, well-formed Unicode).`,
    )
  }
  return JSON.stringify(s)
}

/** A content-free location: array indices and identifier-like keys only (other keys could carry data). */
function location(path: readonly (string | number)[], depth: number): string {
  let out = '$'
  for (let i = 0; i < depth; i++) {
    const k = path[i]
    if (typeof k === 'number') out += `[${k}]`
    else if (typeof k === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/.test(k)) out += `.${k}`
    else out += '[…]'
  }
  return out
}

function invalid(
  state: State,
  depth: number,
  code: 'INVALID_TYPE' | 'INVALID_ENCODING' | 'INVALID_ARGUMENT' | 'INPUT_TOO_DEEP' | 'INPUT_TOO_LARGE',
  message: string,
  meta: string[] = [],
): InvalidArgumentError {
  return new InvalidArgumentError(code, message, {
    metaMessages: [...meta, `At: ${location(state.path, depth)}`],
  })
}

function serialize(value: unknown, depth: number, state: State): string {
  switch (typeof value) {
    case 'string': {
      const q = NEEDS_CARE.test(value) ? quoteSlow(value, state, depth, false) : `"${value}"`
      state.length += q.length
      return q
    }
    case 'number':
      if (Number.isFinite(value)) {
        const t = `${value}`
        state.length += t.length
        return t
      }
      throw invalid(state, depth, 'INVALID_TYPE', 'NaN and ±Infinity are not JSON numbers.')
    case 'boolean':
      state.length += 5
      return value ? 'true' : 'false'
    case 'object': {
      if (value === null) {
        state.length += 4
        return 'null'
      }
      if (depth >= state.maxDepth) {
        for (let i = 0; i < depth; i++)
          if (state.stack[i] === value) throw invalid(state, depth, 'INVALID_ARGUMENT', 'The value has a cycle.')
        throw invalid(state, depth, 'INPUT_TOO_DEEP', `Nesting deeper than maxDepth (${state.maxDepth}).`)
      }
      // a lower bound of the output so far: shared subtrees cannot blow the output up unchecked
      if (state.length > state.maxBytes) throw tooLarge(state, depth)
      state.stack[depth] = value
      const path = state.path
      if (isArray(value)) {
        const n = value.length
        state.length += n === 0 ? 2 : n + 1
        if (n === 0) return '[]'
        path[depth] = 0
        let out = `[${serialize(value[0], depth + 1, state)}`
        for (let i = 1; i < n; i++) {
          path[depth] = i
          out += `,${serialize(value[i], depth + 1, state)}`
        }
        return `${out}]`
      }
      const proto = getProto(value)
      if (proto !== objectProto && proto !== null && getProto(proto) !== null) {
        throw invalid(
          state,
          depth,
          'INVALID_TYPE',
          'Only plain objects and arrays are JSON; convert Date, Map, Set, typed arrays and class instances first.',
          [`Received ${describeObject(value)}.`],
        )
      }
      const keys = keysOf(value)
      const n = keys.length
      if (n === 0) {
        state.length += 2
        return '{}'
      }
      const shape = shapeOf(keys, state, depth)
      const sorted = shape.keys
      const prefixes = shape.prefixes
      state.length += shape.length
      const obj = value as Record<string, unknown>
      let out = ''
      for (let i = 0; i < n; i++) {
        const k = sorted[i] as string
        path[depth] = k
        out += (prefixes[i] as string) + serialize(obj[k], depth + 1, state)
      }
      return `${out}}`
    }
    default:
      throw invalid(state, depth, 'INVALID_TYPE', `A value of type ${typeof value} is not JSON.`)
  }
}

/** Key order by UTF-16 code units (RFC 8785 §3.2.3): what `<` on strings compares. Keys are unique. */
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : 1)

/**
 * The sorted keys and their quoted prefixes (`{"a":`, `,"b":`) for an object's own key sequence. Objects from
 * one source share a few shapes (every FHIR `Coding` has the same keys in the same order), so shapes are cached
 * in a trie over the unsorted key sequence, per call: no sorting or key quoting for a shape seen before, and no
 * collisions (keys are matched one by one, exactly).
 */
function shapeOf(keys: string[], state: State, depth: number): Shape {
  let node = state.shapes
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string
    if (node.next === undefined) node.next = new Map()
    let child = node.next.get(k)
    if (child === undefined) {
      child = { next: undefined, shape: undefined }
      node.next.set(k, child)
    }
    node = child
  }
  if (node.shape !== undefined) return node.shape
  const sorted = keys.length > 1 ? keys.slice().sort(byCodeUnits) : keys
  let length = 1
  const prefixes = sorted.map((k, i) => {
    const p = `${i === 0 ? '{' : ','}${NEEDS_CARE.test(k) ? quoteSlow(k, state, depth, true) : `"${k}"`}:`
    length += p.length
    return p
  })
  node.shape = { keys: sorted, prefixes, length }
  return node.shape
}

function describeObject(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name
  return typeof name === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/.test(name)
    ? `an instance of ${name}`
    : describeType(value)
}

function tooLarge(state: State, depth: number): InvalidArgumentError {
  return invalid(state, depth, 'INPUT_TOO_LARGE', `Canonical output is larger than maxBytes (${state.maxBytes}).`)
}

function readOptions(options: CanonicalizeOptions | undefined): { maxDepth: number; maxBytes: number } {
  if (options === undefined)
    return { maxDepth: CANONICALIZE_DEFAULT_MAX_DEPTH, maxBytes: CANONICALIZE_DEFAULT_MAX_BYTES }
  if (typeof options !== 'object' || options === null || isArray(options))
    throw new InvalidArgumentError('INVALID_TYPE', 'options must be a plain object.', {
      metaMessages: [`Received ${describeType(options)}.`],
    })
  const { maxDepth = CANONICALIZE_DEFAULT_MAX_DEPTH, maxBytes = CANONICALIZE_DEFAULT_MAX_BYTES } = options
  if (!Number.isSafeInteger(maxDepth) || maxDepth < 1 || maxDepth > MAX_DEPTH_CEILING)
    throw new InvalidArgumentError('OUT_OF_RANGE', `options.maxDepth must be an integer in [1, ${MAX_DEPTH_CEILING}].`)
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1)
    throw new InvalidArgumentError('OUT_OF_RANGE', 'options.maxBytes must be a positive integer.')
  return { maxDepth, maxBytes }
}

/** UTF-8 length of a well-formed string, computed only when its UTF-16 length leaves the answer open. */
function utf8Length(s: string): number {
  let n = s.length
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) continue
    if (c < 0x800) n += 1
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 2 // a pair: 4 bytes for 2 units
      i++
    } else n += 2
  }
  return n
}

/**
 * Thrown by the fast path ({@link sortedCopy}) when the value needs the checked path: something to reject (the
 * checked path names the error and where it is), or output past `maxBytes`. A constant, never exposed.
 */
const BAIL: object = Object.freeze({})

/** Objects up to this many keys are sorted by insertion (few keys, often nearly sorted); more by `Array#sort`. */
const INSERTION_SORT_MAX = 16

/** An array index as a key (`"0"`…): engines enumerate those first, numerically, so a sorted copy would not keep them in order. */
const INDEX_KEY = /^(?:0|[1-9][0-9]*)$/

/** The sorted-copy path's bounds and the running lower bound of the output length. */
type Copy = { readonly maxDepth: number; readonly maxBytes: number; length: number }

/**
 * A copy of `value` whose objects have their members in RFC 8785 order (UTF-16 code units), for `JSON.stringify`
 * to write: engines keep the insertion order of non-index keys, and `JSON.stringify` writes numbers with
 * `Number#toString` and escapes strings exactly as RFC 8785 §3.2.2 does. Only fresh arrays and plain objects
 * holding data properties reach `JSON.stringify` (no getter runs twice, no `toJSON` of the input is seen). Throws
 * {@link BAIL} for anything the checked path must decide (non-JSON values, index-like or `__proto__` keys, depth,
 * output past `maxBytes` by a lower bound that also stops shared subtrees from being copied without end).
 */
function sortedCopy(value: unknown, depth: number, ctx: Copy): unknown {
  switch (typeof value) {
    case 'string':
      ctx.length += value.length
      return value
    case 'number':
      if (Number.isFinite(value)) return value
      throw BAIL
    case 'boolean':
      return value
    case 'object': {
      if (value === null) return value
      if (depth >= ctx.maxDepth || ctx.length > ctx.maxBytes) throw BAIL
      if (isArray(value)) {
        const n = value.length
        ctx.length += n + 1
        const out = new Array(n)
        for (let i = 0; i < n; i++) out[i] = sortedCopy(value[i], depth + 1, ctx)
        return out
      }
      const proto = getProto(value)
      if (proto !== objectProto && proto !== null && getProto(proto) !== null) throw BAIL
      const keys = keysOf(value)
      const n = keys.length
      if (n > INSERTION_SORT_MAX) keys.sort(byCodeUnits)
      else
        for (let i = 1; i < n; i++) {
          const k = keys[i] as string
          let j = i - 1
          while (j >= 0 && (keys[j] as string) > k) {
            keys[j + 1] = keys[j] as string
            j--
          }
          keys[j + 1] = k
        }
      const obj = value as Record<string, unknown>
      const out: Record<string, unknown> = {}
      for (let i = 0; i < n; i++) {
        const k = keys[i] as string
        const c = k.charCodeAt(0)
        if ((c >= 0x30 && c <= 0x39 && INDEX_KEY.test(k)) || k === '__proto__') throw BAIL
        ctx.length += k.length + 4
        out[k] = sortedCopy(obj[k], depth + 1, ctx)
      }
      return out
    }
    default:
      throw BAIL
  }
}

/** A lone surrogate comes out of `JSON.stringify` as `\udXXX` (checked again by the checked path if seen). */
const ESCAPED_SURROGATE = /\\ud[89a-f]/

function viaStringify(value: unknown, maxDepth: number, maxBytes: number): string | undefined {
  // `toJSON` on these prototypes would be called by JSON.stringify on the copies
  if ('toJSON' in objectProto || 'toJSON' in Array.prototype) return undefined
  let out: string
  try {
    out = JSON.stringify(sortedCopy(value, 0, { maxDepth, maxBytes, length: 0 }))
  } catch (err) {
    if (err !== BAIL && !(err instanceof RangeError)) throw err
    return undefined
  }
  return ESCAPED_SURROGATE.test(out) ? undefined : out
}

function run(value: unknown, options: CanonicalizeOptions | undefined): string {
  const { maxDepth, maxBytes } = readOptions(options)
  let out: string | undefined = viaStringify(value, maxDepth, maxBytes)
  if (out === undefined) out = runChecked(value, maxDepth, maxBytes)
  if (out.length > maxBytes || (out.length * 3 > maxBytes && utf8Length(out) > maxBytes)) {
    throw new InvalidArgumentError('INPUT_TOO_LARGE', `Canonical output is larger than maxBytes (${maxBytes}).`, {
      metaMessages: ['At: $'],
    })
  }
  return out
}

/** The checked path: `serialize` with its per-call state (error locations, cycle reports, shared shapes). */
function runChecked(value: unknown, maxDepth: number, maxBytes: number): string {
  const state: State = {
    maxDepth,
    maxBytes,
    stack: [],
    path: [],
    length: 0,
    shapes: { next: undefined, shape: undefined },
  }
  let out: string
  try {
    out = serialize(value, 0, state)
  } catch (err) {
    // A deep value can still exhaust a small engine stack below maxDepth: report it as the bound it is.
    if (err instanceof RangeError)
      throw new InvalidArgumentError('INPUT_TOO_DEEP', 'Nesting too deep for this engine stack.', { cause: err })
    throw err
  }
  return out
}

/**
 * The RFC 8785 (JCS) canonical JSON text of `value`.
 *
 * @param value - a JSON value: `null`, boolean, finite number, well-formed string, array, plain object
 * @param options - {@link CanonicalizeOptions}: `maxDepth` (default 64), `maxBytes` (default 16 MiB)
 * @returns the canonical text; its UTF-8 bytes are what gets hashed (see {@link canonicalizeToBytes})
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` (a non-JSON value: `undefined`, function, symbol, bigint,
 *   `NaN`/`±Infinity`, a non-plain object such as `Date`), `INVALID_ENCODING` (a lone surrogate in a string or key),
 *   `INVALID_ARGUMENT` (a cycle), `INPUT_TOO_DEEP`, `INPUT_TOO_LARGE`, `OUT_OF_RANGE` (bad options)
 * @example
 * ```ts
 * import { canonicalize } from '@medseal/core'
 * canonicalize({ b: [1.0, 'é'], a: null }) // '{"a":null,"b":[1,"é"]}'
 * ```
 */
export function canonicalize(value: unknown, options?: CanonicalizeOptions): string {
  return run(value, options)
}

const encoder = /* @__PURE__ */ new TextEncoder()

/**
 * The UTF-8 bytes of the RFC 8785 (JCS) canonical form of `value`: what medseal hashes, signs and addresses.
 *
 * @param value - a JSON value (see {@link canonicalize})
 * @param options - {@link CanonicalizeOptions}
 * @returns the canonical bytes (a new `Uint8Array`)
 * @throws {@link InvalidArgumentError} as {@link canonicalize}
 * @example
 * ```ts
 * import { canonicalizeToBytes } from '@medseal/core'
 * import { sha256 } from '@noble/hashes/sha2.js'
 * const digest = sha256(canonicalizeToBytes({ resourceType: 'Patient', id: 'p1' }))
 * ```
 */
export function canonicalizeToBytes(value: unknown, options?: CanonicalizeOptions): Uint8Array<ArrayBuffer> {
  return encoder.encode(run(value, options)) as Uint8Array<ArrayBuffer>
}
