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
import { canonicalizeChecked, NEEDS_CARE } from './_checkedCanonical.js'
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

const objectProto = Object.prototype
const getProto = Object.getPrototypeOf
const isArray = Array.isArray
const keysOf = Object.keys

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
 * Thrown by the fast path ({@link fast}) when the value needs the checked path: something to reject (the checked
 * path names the error and where it is), or output past `maxBytes`. A constant, never exposed.
 */
const BAIL: object = Object.freeze({})

/** The fast path's bounds and the running lower bound of the output length. */
type Fast = { readonly maxDepth: number; readonly maxBytes: number; length: number }

/**
 * The canonical text of `value`, written directly: strings as `JSON.stringify` escapes them (RFC 8785 §3.2.2.2;
 * a template for the common string without anything to escape), numbers by ECMAScript's Number-to-String (§3.2.2.3),
 * object members in the order of the shared {@link sortedShape} cache or sorted here. Each member is read once; no
 * `toJSON` is looked up. Throws {@link BAIL} for anything the checked path must decide: non-JSON values, lone
 * surrogates, depth, output past `maxBytes` by a lower bound that also stops shared subtrees from being written out
 * without end.
 */
function fast(value: unknown, depth: number, ctx: Fast): string {
  switch (typeof value) {
    case 'string':
      ctx.length += value.length + 2
      if (!NEEDS_CARE.test(value)) return `"${value}"`
      if (!value.isWellFormed()) throw BAIL
      return JSON.stringify(value)
    case 'number':
      if (Number.isFinite(value)) return `${value}`
      throw BAIL
    case 'boolean':
      return value ? 'true' : 'false'
    case 'object': {
      if (value === null) return 'null'
      if (depth >= ctx.maxDepth || ctx.length > ctx.maxBytes) throw BAIL
      if (isArray(value)) {
        const n = value.length
        ctx.length += n + 1
        if (n === 0) return '[]'
        let out = `[${fast(value[0], depth + 1, ctx)}`
        for (let i = 1; i < n; i++) out += `,${fast(value[i], depth + 1, ctx)}`
        return `${out}]`
      }
      const proto = getProto(value)
      if (proto !== objectProto && proto !== null && getProto(proto) !== null) throw BAIL
      const keys = keysOf(value)
      const n = keys.length
      if (n === 0) {
        ctx.length += 2
        return '{}'
      }
      const obj = value as Record<string, unknown>
      const shape = sortedShape(keys)
      if (shape === undefined) return fastUncached(obj, keys, depth, ctx)
      ctx.length += shape.length
      const sorted = shape.keys
      const prefixes = shape.prefixes
      let out = ''
      for (let i = 0; i < n; i++) out += (prefixes[i] as string) + fast(obj[sorted[i] as string], depth + 1, ctx)
      return `${out}}`
    }
    default:
      throw BAIL
  }
}

/** An object whose shape is not cached: its keys sorted and quoted here. */
function fastUncached(obj: Record<string, unknown>, keys: string[], depth: number, ctx: Fast): string {
  sortKeys(keys)
  let out = '{'
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string
    let q: string
    if (!NEEDS_CARE.test(k)) q = `"${k}"`
    else if (k.isWellFormed()) q = JSON.stringify(k)
    else throw BAIL
    ctx.length += q.length + 2
    out += `${i === 0 ? '' : ','}${q}:${fast(obj[k], depth + 1, ctx)}`
  }
  return `${out}}`
}

function viaFast(value: unknown, maxDepth: number, maxBytes: number): string | undefined {
  try {
    return fast(value, 0, { maxDepth, maxBytes, length: 0 })
  } catch (err) {
    if (err !== BAIL && !(err instanceof RangeError)) throw err
    return undefined
  }
}

function run(value: unknown, options: CanonicalizeOptions | undefined): string {
  const { maxDepth, maxBytes } = readOptions(options)
  let out: string | undefined = viaFast(value, maxDepth, maxBytes)
  if (out === undefined) out = canonicalizeChecked(value, maxDepth, maxBytes)
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
