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
import { sortedShape, sortKeys } from './_shapeCache.js'

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
  /** UTF-16 length of output so far, strings and structure (a lower bound of its UTF-8 length). */
  length: number
}

type FailureCode = 'INVALID_TYPE' | 'INVALID_ENCODING' | 'INPUT_TOO_DEEP' | 'INPUT_TOO_LARGE'

/**
 * What the walk throws for a value it rejects. Its location is collected while the error unwinds (each container
 * adds the key or index it was writing), so the walk keeps no path while it succeeds; a container that is the value
 * found past `maxDepth` turns that report into a cycle.
 */
class Failure {
  /** Keys and indices from the failing value up to the top. */
  readonly path: (string | number)[] = []
  cycle = false
  // `declare`: assigned in the constructor, no class-field definitions emitted (smaller bundles)
  declare readonly code: FailureCode
  declare readonly message: string
  declare readonly meta: readonly string[]
  /** The object or array found past `maxDepth`. */
  declare readonly deep: object | undefined
  constructor(code: FailureCode, message: string, meta: readonly string[] = [], deep?: object) {
    this.code = code
    this.message = message
    this.meta = meta
    this.deep = deep
  }
}

/** Adds one step of location to a {@link Failure} passing through `container` (other errors pass unchanged). */
function located(err: unknown, key: string | number, container: object): unknown {
  if (err instanceof Failure) {
    err.path.push(key)
    if (err.deep === container) err.cycle = true
  }
  return err
}

/** JSON string escaping (RFC 8785 §3.2.2.2) for strings with characters that need care; rejects lone surrogates. */
function quoteSlow(s: string, isKey: boolean): string {
  if (!s.isWellFormed())
    throw new Failure(
      'INVALID_ENCODING',
      `${isKey ? 'An object key' : 'A string'} has a lone surrogate (RFC 8785 requires I-JSON, well-formed Unicode).`,
    )
  return JSON.stringify(s)
}

/** A content-free location: array indices and identifier-like keys only (other keys could carry data). */
function location(top: readonly (string | number)[]): string {
  let out = '$'
  for (let i = top.length - 1; i >= 0; i--) {
    const k = top[i]
    if (typeof k === 'number') out += `[${k}]`
    else if (typeof k === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/.test(k)) out += `.${k}`
    else out += '[…]'
  }
  return out
}

/**
 * The walk: strings as `JSON.stringify` escapes them (a template when nothing needs escaping), numbers by
 * ECMAScript's Number-to-String, object members in the order of the shared shape cache ({@link sortedShape}) or
 * sorted here. Each member is read once; no `toJSON` is looked up.
 */
function serialize(value: unknown, depth: number, state: State): string {
  switch (typeof value) {
    case 'string':
      state.length += value.length + 2
      return NEEDS_CARE.test(value) ? quoteSlow(value, false) : `"${value}"`
    case 'number':
      if (Number.isFinite(value)) return `${value}`
      throw new Failure('INVALID_TYPE', 'NaN and ±Infinity are not JSON numbers.')
    case 'boolean':
      return value ? 'true' : 'false'
    case 'object': {
      if (value === null) return 'null'
      if (depth >= state.maxDepth)
        throw new Failure('INPUT_TOO_DEEP', `Nesting deeper than maxDepth (${state.maxDepth}).`, [], value)
      // a lower bound of the output so far: shared subtrees cannot blow the output up unchecked
      if (state.length > state.maxBytes)
        throw new Failure('INPUT_TOO_LARGE', `Canonical output is larger than maxBytes (${state.maxBytes}).`)
      if (isArray(value)) {
        const n = value.length
        state.length += n + 1
        if (n === 0) return '[]'
        let i = 0
        try {
          let out = '['
          for (; i < n; i++) {
            const e = value[i]
            // a string without anything to escape, written in place (fewer pieces for the engine to join)
            if (typeof e === 'string' && !NEEDS_CARE.test(e)) {
              state.length += e.length + 2
              out += `${i === 0 ? '"' : ',"'}${e}"`
            } else out += i === 0 ? serialize(e, depth + 1, state) : `,${serialize(e, depth + 1, state)}`
          }
          return `${out}]`
        } catch (err) {
          throw located(err, i, value)
        }
      }
      const proto = getProto(value)
      if (proto !== objectProto && proto !== null && getProto(proto) !== null)
        throw new Failure(
          'INVALID_TYPE',
          'Only plain objects and arrays are JSON; convert Date, Map, Set, typed arrays and class instances first.',
          [`Received ${describeObject(value)}.`],
        )
      const keys = keysOf(value)
      const n = keys.length
      if (n === 0) {
        state.length += 2
        return '{}'
      }
      const obj = value as Record<string, unknown>
      const shape = sortedShape(keys)
      if (shape === undefined) return uncached(obj, sortKeys(keys), depth, state)
      const sorted = shape.keys
      const prefixes = shape.prefixes
      const opens = shape.opens
      state.length += shape.length
      let i = 0
      try {
        let out = ''
        for (; i < n; i++) {
          const e = obj[sorted[i] as string]
          // a string without anything to escape, written after its prefix with the opening quote
          if (typeof e === 'string' && !NEEDS_CARE.test(e)) {
            state.length += e.length + 2
            out += `${opens[i] as string}${e}"`
          } else out += (prefixes[i] as string) + serialize(e, depth + 1, state)
        }
        return `${out}}`
      } catch (err) {
        throw located(err, sorted[i] as string, value)
      }
    }
    default:
      throw new Failure('INVALID_TYPE', `A value of type ${typeof value} is not JSON.`)
  }
}

/** The members of an object whose shape the cache does not take (keys that need quoting care, many keys). */
function uncached(obj: Record<string, unknown>, sorted: readonly string[], depth: number, state: State): string {
  let out = '{'
  let i = 0
  try {
    for (; i < sorted.length; i++) {
      const k = sorted[i] as string
      const q = NEEDS_CARE.test(k) ? quoteSlow(k, true) : `"${k}"`
      state.length += q.length + 2
      out += `${i === 0 ? '' : ','}${q}:${serialize(obj[k], depth + 1, state)}`
    }
  } catch (err) {
    throw located(err, sorted[i] as string, obj)
  }
  return `${out}}`
}

function describeObject(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name
  return typeof name === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/.test(name)
    ? `an instance of ${name}`
    : describeType(value)
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

/** {@link serialize} with a fresh per-call state; a {@link Failure} becomes the named error with its location. */
function walk(value: unknown, maxDepth: number, maxBytes: number): string {
  try {
    return serialize(value, 0, { maxDepth, maxBytes, length: 0 })
  } catch (err) {
    if (err instanceof Failure) {
      const [code, message] = err.cycle
        ? (['INVALID_ARGUMENT', 'The value has a cycle.'] as const)
        : ([err.code, err.message] as const)
      throw new InvalidArgumentError(code, message, { metaMessages: [...err.meta, `At: ${location(err.path)}`] })
    }
    // A deep value can still exhaust a small engine stack below maxDepth: report it as the bound it is.
    if (err instanceof RangeError)
      throw new InvalidArgumentError('INPUT_TOO_DEEP', 'Nesting too deep for this engine stack.', { cause: err })
    throw err
  }
}

function run(value: unknown, options: CanonicalizeOptions | undefined): string {
  const { maxDepth, maxBytes } = readOptions(options)
  const out = walk(value, maxDepth, maxBytes)
  if (out.length > maxBytes || (out.length * 3 > maxBytes && utf8Length(out) > maxBytes)) {
    throw new InvalidArgumentError('INPUT_TOO_LARGE', `Canonical output is larger than maxBytes (${maxBytes}).`, {
      metaMessages: ['At: $'],
    })
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
