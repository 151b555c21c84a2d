/**
 * The checked RFC 8785 path: one walk that keeps the location of every value (for error messages without data),
 * reports cycles, and names every error. `canonicalize` takes it when its fast path hands a value over (anything to
 * reject, a depth or size bound) and the fast path is tested against it.
 * @module @internal
 */
import { describeType } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'

/** Characters that force the slow string path: `"`, `\`, control characters, any surrogate. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what JSON escapes
export const NEEDS_CARE = /["\\\u0000-\u001f\ud800-\udfff]/

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
export const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : 1)

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

/**
 * The canonical text of `value` by the checked path, with its per-call state (error locations, cycle reports, shapes
 * shared within the call). Throws the named error of `canonicalize` for anything that is not JSON or is past a bound;
 * the output length is checked against `maxBytes` by the caller.
 * @internal
 */
export function canonicalizeChecked(value: unknown, maxDepth: number, maxBytes: number): string {
  const state: State = {
    maxDepth,
    maxBytes,
    stack: [],
    path: [],
    length: 0,
    shapes: { next: undefined, shape: undefined },
  }
  try {
    return serialize(value, 0, state)
  } catch (err) {
    // A deep value can still exhaust a small engine stack below maxDepth: report it as the bound it is.
    if (err instanceof RangeError)
      throw new InvalidArgumentError('INPUT_TOO_DEEP', 'Nesting too deep for this engine stack.', { cause: err })
    throw err
  }
}
