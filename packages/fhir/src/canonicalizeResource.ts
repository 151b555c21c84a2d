/**
 * The canonical form of a FHIR R4 resource: RFC 8785 (JCS) with FHIR rules on top.
 *
 * **Why not plain JCS over `JSON.parse`?** FHIR `decimal` carries its precision in its lexical form: `1.50` and
 * `1.5` are different values (FHIR R4 §2.24.0.1 "decimal": "the precision of the decimal value has significance").
 * `JSON.parse` turns both into the same double. So a resource given as JSON **text** is parsed by a small strict
 * parser of our own that keeps every number's lexeme; a resource given as an **object** (already parsed) follows
 * JCS exactly (its numbers are doubles; their precision is whatever the object holds).
 *
 * **Numbers from text** are written as a (sign, significant digits, exponent) triple that keeps every written digit,
 * so two lexemes give the same output exactly when FHIR says they are the same value with the same precision:
 * - `-0`, `-0.0` lose the sign (zero is unsigned); `0.00` stays `0.00`.
 * - Leading zeros before the first significant digit go (`0.0150` keeps `0150`); trailing zeros stay (`1.50` ≠ `1.5`).
 * - Exponent forms are normalised: `15.0e-1` and `1.50` are the same digits and scale, and both become `1.50`;
 *   `1E-22` becomes `1e-22`; `1.000E+245` becomes `1.000e+245`.
 * - Output form follows ECMAScript's (so that a shortest-form number gives the same text as JCS gives its double):
 *   plain notation (`123.45`, `0.000015`) when no zeros must be invented to the left of the written digits and the
 *   magnitude is at least 1e-6; otherwise scientific, `d[.ddd]e±n` (`1e-7`, `1.5e+2` for the text `1.5e2`, whose
 *   precision is two digits: writing `150` would claim three).
 * - Integers written out in full keep all their digits (`12345678901234567890` stays as is; JCS over a double would
 *   round it). Numbers whose value overflows a double, or whose written exponent exceeds ±1000, are rejected
 *   (RFC 7493 §2.2, I-JSON).
 *
 * **Which parts of a resource take part** (every object with a string `resourceType` is a resource: the top level,
 * `contained[]`, `Bundle.entry[].resource`, `Parameters.parameter[].resource`, …):
 * - `meta` (default: keep only `meta.security`): servers rewrite `versionId`, `lastUpdated` and `source` on every
 *   write and add `tag`s and `profile`s of their own, so a hash over all of `meta` would differ between two copies
 *   of the same record. Security labels stay because they change who may see the record (a `R` restricted label or
 *   a sensitivity category is exactly what a consent exclusion matches): stripping one must change the hash.
 *   A `meta` left empty by the filter is dropped, so "no meta" and "only server meta" hash the same.
 * - `text` (default: kept): the narrative is what a clinician reads as the record; with status `additional` or
 *   `extensions` it carries content the structured data does not. Pass `text: false` for servers that regenerate
 *   narratives.
 * - `id` (default: kept): references point at ids, so the id is part of the record's identity. `id: false` drops
 *   `id` (and `_id`) of every resource except `contained` ones (those are the targets of `#id` references).
 *
 * Bounds: `maxDepth` (default 100 nested arrays/objects, at most 1000) → `INPUT_TOO_DEEP`; `maxBytes` (default
 * 64 MiB) applied to the input text (UTF-16 code units for a string, bytes for a `Uint8Array`) and to the output →
 * `INPUT_TOO_LARGE`. Invalid JSON (trailing garbage, a duplicate key, a lone surrogate, a BOM, a leading zero, …)
 * → `INVALID_JSON`.
 * @module
 */
import { canonicalize, describeType, InvalidArgumentError } from '@medseal/core'
import { FhirValidationError } from './errors.js'

/** A `meta` element name that can be kept in the canonical form. */
export type MetaElement = 'versionId' | 'lastUpdated' | 'source' | 'profile' | 'security' | 'tag' | 'extension' | 'id'

/** Options of {@link canonicalizeResource}. */
export type CanonicalizeResourceOptions = {
  /**
   * Which `meta` elements take part: `true` (all), `false` (none) or a list of element names.
   * Default `['security']`.
   */
  readonly meta?: boolean | readonly MetaElement[]
  /** Whether the `text` narrative of each resource takes part. Default `true`. */
  readonly text?: boolean
  /** Whether `id` (and `_id`) of each non-contained resource takes part. Default `true`. */
  readonly id?: boolean
  /** Deepest nesting of arrays and objects accepted (top level = 1). Default 100, at most 1000. */
  readonly maxDepth?: number
  /** Largest input (and output) accepted, see the module docs. Default 64 MiB. */
  readonly maxBytes?: number
}

/** What {@link canonicalizeResource} accepts: JSON text, its UTF-8 bytes, or a parsed resource object. */
export type CanonicalizeResourceInput = string | Uint8Array | object

/** Everything {@link canonicalizeResource} can throw. */
export type CanonicalizeResourceErrorType = InvalidArgumentError | FhirValidationError

/**
 * Default {@link CanonicalizeResourceOptions.maxDepth}.
 * @example
 * ```ts
 * import { CANONICALIZE_RESOURCE_DEFAULT_MAX_DEPTH, canonicalizeResource } from '@medseal/fhir'
 * canonicalizeResource(text, { maxDepth: CANONICALIZE_RESOURCE_DEFAULT_MAX_DEPTH * 2 })
 * ```
 */
export const CANONICALIZE_RESOURCE_DEFAULT_MAX_DEPTH = 100
/**
 * Default {@link CanonicalizeResourceOptions.maxBytes}: 64 MiB.
 * @example
 * ```ts
 * import { CANONICALIZE_RESOURCE_DEFAULT_MAX_BYTES } from '@medseal/fhir'
 * if (text.length > CANONICALIZE_RESOURCE_DEFAULT_MAX_BYTES) throw new Error('too large to seal')
 * ```
 */
export const CANONICALIZE_RESOURCE_DEFAULT_MAX_BYTES: number = 64 * 1024 * 1024
const MAX_DEPTH_CEILING = 1000
/** Largest written exponent accepted in a number lexeme. */
const MAX_EXPONENT = 1000

type Config = {
  readonly meta: boolean | ReadonlySet<string>
  readonly text: boolean
  readonly id: boolean
  readonly maxDepth: number
  readonly maxBytes: number
}

const DEFAULT_META: ReadonlySet<string> = /* @__PURE__ */ new Set(['security'])
const META_ELEMENTS: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'versionId',
  'lastUpdated',
  'source',
  'profile',
  'security',
  'tag',
  'extension',
  'id',
])

/** @internal Reads and checks options once. */
export function readCanonicalizeOptions(options: CanonicalizeResourceOptions | undefined): Config {
  if (options === undefined)
    return {
      meta: DEFAULT_META,
      text: true,
      id: true,
      maxDepth: CANONICALIZE_RESOURCE_DEFAULT_MAX_DEPTH,
      maxBytes: CANONICALIZE_RESOURCE_DEFAULT_MAX_BYTES,
    }
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new InvalidArgumentError('INVALID_TYPE', 'options must be a plain object.', {
      metaMessages: [`Received ${describeType(options)}.`],
    })
  const {
    meta = DEFAULT_META,
    text = true,
    id = true,
    maxDepth = CANONICALIZE_RESOURCE_DEFAULT_MAX_DEPTH,
    maxBytes = CANONICALIZE_RESOURCE_DEFAULT_MAX_BYTES,
  } = options as CanonicalizeResourceOptions & { meta?: unknown }
  let metaCfg: boolean | ReadonlySet<string>
  if (typeof meta === 'boolean' || meta === DEFAULT_META) metaCfg = meta as boolean | ReadonlySet<string>
  else if (Array.isArray(meta) && meta.every((m) => typeof m === 'string' && META_ELEMENTS.has(m)))
    metaCfg = new Set(meta)
  else
    throw new InvalidArgumentError(
      'INVALID_ARGUMENT',
      'options.meta must be a boolean or a list of meta element names.',
      {
        metaMessages: [`Allowed names: ${[...META_ELEMENTS].join(', ')}.`],
      },
    )
  if (typeof text !== 'boolean') throw new InvalidArgumentError('INVALID_TYPE', 'options.text must be a boolean.')
  if (typeof id !== 'boolean') throw new InvalidArgumentError('INVALID_TYPE', 'options.id must be a boolean.')
  if (!Number.isSafeInteger(maxDepth) || maxDepth < 1 || maxDepth > MAX_DEPTH_CEILING)
    throw new InvalidArgumentError('OUT_OF_RANGE', `options.maxDepth must be an integer in [1, ${MAX_DEPTH_CEILING}].`)
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1)
    throw new InvalidArgumentError('OUT_OF_RANGE', 'options.maxBytes must be a positive integer.')
  return { meta: metaCfg, text, id, maxDepth, maxBytes }
}

type Pair = { k: string; v: string }

const byKey = (a: Pair, b: Pair): number => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0)

/** Sorts members by UTF-16 code units (RFC 8785 §3.2.3), skipping the sort when already in order. */
function sortPairs(pairs: Pair[]): void {
  for (let i = 1; i < pairs.length; i++) {
    if ((pairs[i - 1] as Pair).k >= (pairs[i] as Pair).k) {
      pairs.sort(byKey)
      return
    }
  }
}

function joinPairs(pairs: readonly Pair[]): string {
  let out = '{'
  for (let i = 0; i < pairs.length; i++) {
    const p = pairs[i] as Pair
    out += `${i === 0 ? '' : ','}${quoteKey(p.k)}:${p.v}`
  }
  return `${out}}`
}

/** Control characters `JSON.stringify` writes with a short escape (\b \t \n \f \r). */
const SHORT_ESCAPES: ReadonlySet<number> = /* @__PURE__ */ new Set([0x08, 0x09, 0x0a, 0x0c, 0x0d])

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what JSON escapes
const NEEDS_CARE = /["\\\u0000-\u001f\ud800-\udfff]/

/** JCS string form (RFC 8785 §3.2.2.2 = `JSON.stringify`'s escaping); callers guarantee well-formedness. */
function quoteKey(s: string): string {
  return NEEDS_CARE.test(s) ? JSON.stringify(s) : `"${s}"`
}

/**
 * Applies the meta/text/id rules to the sorted members of a resource object.
 * `metaPairs` are the sorted members of its `meta` object (when `meta` was an object).
 */
function filterResource(
  pairs: Pair[],
  cfg: Config,
  metaPairs: readonly Pair[] | undefined,
  contained: boolean,
): Pair[] {
  if (cfg.meta === true && cfg.text && (cfg.id || contained)) return pairs
  const out: Pair[] = []
  for (const p of pairs) {
    if (p.k === 'text' && !cfg.text) continue
    if ((p.k === 'id' || p.k === '_id') && !cfg.id && !contained) continue
    if (p.k === 'meta' && cfg.meta !== true) {
      if (cfg.meta === false || metaPairs === undefined) continue
      const keep = cfg.meta
      const kept = metaPairs.filter((m) => keep.has(m.k))
      if (kept.length > 0) out.push({ k: 'meta', v: joinPairs(kept) })
      continue
    }
    out.push(p)
  }
  return out
}

function invalidJson(message: string, offset: number): InvalidArgumentError {
  return new InvalidArgumentError('INVALID_JSON', message, {
    metaMessages: [`At offset ${offset} of the JSON text.`],
  })
}

function tooDeep(cfg: Config): InvalidArgumentError {
  return new InvalidArgumentError('INPUT_TOO_DEEP', `Nesting deeper than maxDepth (${cfg.maxDepth}).`)
}

function tooLarge(cfg: Config): InvalidArgumentError {
  return new InvalidArgumentError(
    'INPUT_TOO_LARGE',
    `Input or canonical output larger than maxBytes (${cfg.maxBytes}).`,
  )
}

/**
 * Normalises a JSON number lexeme (already checked against the RFC 8259 grammar) into its canonical FHIR form.
 * See the module docs for the rules.
 * @internal
 */
export function normalizeNumberLexeme(lex: string, offset = 0): string {
  let i = 0
  let negative = false
  if (lex.charCodeAt(0) === 0x2d) {
    negative = true
    i = 1
  }
  let digits = ''
  let scale = 0 // value = digits × 10^scale
  let j = i
  while (j < lex.length && lex.charCodeAt(j) >= 0x30 && lex.charCodeAt(j) <= 0x39) j++
  digits = lex.slice(i, j)
  if (lex.charCodeAt(j) === 0x2e) {
    const k0 = j + 1
    let k = k0
    while (k < lex.length && lex.charCodeAt(k) >= 0x30 && lex.charCodeAt(k) <= 0x39) k++
    digits += lex.slice(k0, k)
    scale = -(k - k0)
    j = k
  }
  if (j < lex.length) {
    // exponent: e|E [+|-] digits
    const expText = lex.slice(j + 1)
    const e = Number(expText)
    if (!Number.isSafeInteger(e) || Math.abs(e) > MAX_EXPONENT)
      throw invalidJson(`A number's exponent is outside ±${MAX_EXPONENT}.`, offset)
    scale += e
  }
  if (!Number.isFinite(Number(lex))) throw invalidJson('A number overflows an IEEE 754 double (RFC 7493 §2.2).', offset)
  // strip leading zeros (not significant); a zero keeps one digit and its scale (0.00 ≠ 0 in precision)
  let z = 0
  while (z < digits.length - 1 && digits.charCodeAt(z) === 0x30) z++
  digits = digits.slice(z)
  if (digits === '0') {
    // zero is unsigned; it has no significant digits, only a scale
    if (scale >= 0) return '0'
    if (scale >= -20) return `0.${'0'.repeat(-scale)}`
    return `0e${scale}`
  }
  const sign = negative ? '-' : ''
  const len = digits.length
  const adjusted = len + scale - 1 // exponent of the first digit
  if (scale <= 0 && adjusted >= -6) {
    const intLen = len + scale
    if (intLen > 0) return `${sign}${digits.slice(0, intLen)}${scale < 0 ? `.${digits.slice(intLen)}` : ''}`
    return `${sign}0.${'0'.repeat(-intLen)}${digits}`
  }
  const mantissa = len === 1 ? digits : `${digits[0]}.${digits.slice(1)}`
  return `${sign}${mantissa}e${adjusted < 0 ? '-' : '+'}${Math.abs(adjusted)}`
}

/** Parses JSON text and returns its canonical form in one pass (each value's canonical text is built bottom-up). */
function canonicalizeText(src: string, cfg: Config): string {
  const n = src.length
  if (n > cfg.maxBytes) throw tooLarge(cfg)
  let pos = 0
  /** Sorted members of the most recently finished object (read right after it to filter `meta`). */
  let lastPairs: Pair[] | undefined
  let rootIsResource = false

  const ws = (): void => {
    while (pos < n) {
      const c = src.charCodeAt(pos)
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++
      else break
    }
  }

  /** Reads a string starting at the opening quote; returns its decoded value. */
  const readString = (): string => {
    const start = ++pos
    let surrogates = false
    for (;;) {
      if (pos >= n) throw invalidJson('Unterminated string.', start - 1)
      const c = src.charCodeAt(pos)
      if (c === 0x22) break
      if (c === 0x5c) return readEscapedString(start)
      if (c < 0x20) throw invalidJson('A control character must be escaped in a string.', pos)
      if (c >= 0xd800 && c <= 0xdfff) surrogates = true
      pos++
    }
    const s = src.slice(start, pos)
    pos++
    if (surrogates && !s.isWellFormed()) throw invalidJson('A string has a lone surrogate (I-JSON, RFC 7493).', start)
    return s
  }

  const readEscapedString = (start: number): string => {
    let out = src.slice(start, pos)
    for (;;) {
      if (pos >= n) throw invalidJson('Unterminated string.', start - 1)
      const c = src.charCodeAt(pos)
      if (c === 0x22) break
      if (c < 0x20) throw invalidJson('A control character must be escaped in a string.', pos)
      if (c !== 0x5c) {
        const runStart = pos
        let d = c
        while (d !== 0x5c && d !== 0x22 && d >= 0x20 && pos < n) d = src.charCodeAt(++pos)
        out += src.slice(runStart, pos)
        continue
      }
      const e = src.charCodeAt(pos + 1)
      switch (e) {
        case 0x22:
          out += '"'
          break
        case 0x5c:
          out += '\\'
          break
        case 0x2f:
          out += '/'
          break
        case 0x62:
          out += '\b'
          break
        case 0x66:
          out += '\f'
          break
        case 0x6e:
          out += '\n'
          break
        case 0x72:
          out += '\r'
          break
        case 0x74:
          out += '\t'
          break
        case 0x75: {
          const hex = src.slice(pos + 2, pos + 6)
          if (!/^[0-9A-Fa-f]{4}$/.test(hex)) throw invalidJson('Invalid \\u escape.', pos)
          out += String.fromCharCode(Number.parseInt(hex, 16))
          pos += 4
          break
        }
        default:
          throw invalidJson('Invalid escape in a string.', pos)
      }
      pos += 2
    }
    pos++
    if (!out.isWellFormed()) throw invalidJson('A string has a lone surrogate (I-JSON, RFC 7493).', start)
    return out
  }

  /**
   * Reads a string value and returns its canonical JCS text. When every escape is already in the form
   * `JSON.stringify` writes (`\"`, `\\`, `\b \f \n \r \t`, `\u00xx` for other control characters), the raw
   * lexeme is the canonical text and is returned as is (no decode/re-encode: narratives are full of `\"`).
   */
  const readStringValue = (): string => {
    const start = pos
    let simple = true
    let surrogates = false
    pos++
    for (;;) {
      if (pos >= n) throw invalidJson('Unterminated string.', start)
      const c = src.charCodeAt(pos)
      if (c === 0x22) break
      if (c === 0x5c) {
        const e = src.charCodeAt(pos + 1)
        if (e === 0x22 || e === 0x5c || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
          pos += 2
          continue
        }
        if (e === 0x75) {
          const hex = src.slice(pos + 2, pos + 6)
          const code = /^[0-9A-Fa-f]{4}$/.test(hex) ? Number.parseInt(hex, 16) : -1
          if (code < 0) throw invalidJson('Invalid \\u escape.', pos)
          // canonical only for a control character without a short form, written in lower case
          if (!(code < 0x20 && !SHORT_ESCAPES.has(code) && hex === hex.toLowerCase())) simple = false
          pos += 6
          continue
        }
        if (e !== 0x2f) throw invalidJson('Invalid escape in a string.', pos)
        simple = false
        pos += 2
        continue
      }
      if (c < 0x20) throw invalidJson('A control character must be escaped in a string.', pos)
      if (c >= 0xd800 && c <= 0xdfff) surrogates = true
      pos++
    }
    pos++
    if (simple) {
      const raw = src.slice(start, pos)
      if (surrogates && !raw.isWellFormed())
        throw invalidJson('A string has a lone surrogate (I-JSON, RFC 7493).', start + 1)
      return raw
    }
    pos = start
    return JSON.stringify(readString())
  }

  const readNumber = (): string => {
    const start = pos
    let c = src.charCodeAt(pos)
    if (c === 0x2d) c = src.charCodeAt(++pos)
    if (c === 0x30) {
      c = src.charCodeAt(++pos)
      if (c >= 0x30 && c <= 0x39) throw invalidJson('A number has a leading zero.', start)
    } else if (c >= 0x31 && c <= 0x39) {
      do c = src.charCodeAt(++pos)
      while (c >= 0x30 && c <= 0x39)
    } else throw invalidJson('Invalid number.', start)
    let simple = true
    if (c === 0x2e) {
      simple = false
      c = src.charCodeAt(++pos)
      if (!(c >= 0x30 && c <= 0x39)) throw invalidJson('A number needs digits after its decimal point.', start)
      do c = src.charCodeAt(++pos)
      while (c >= 0x30 && c <= 0x39)
    }
    if (c === 0x65 || c === 0x45) {
      simple = false
      c = src.charCodeAt(++pos)
      if (c === 0x2b || c === 0x2d) c = src.charCodeAt(++pos)
      if (!(c >= 0x30 && c <= 0x39)) throw invalidJson('A number needs digits in its exponent.', start)
      do c = src.charCodeAt(++pos)
      while (c >= 0x30 && c <= 0x39)
    }
    const lex = src.slice(start, pos)
    // fast path: a plain integer up to 15 digits is already canonical (except -0)
    if (simple && lex.length <= 15 && lex !== '-0') return lex
    return normalizeNumberLexeme(lex, start)
  }

  const literal = (word: string): string => {
    if (src.startsWith(word, pos)) {
      pos += word.length
      return word
    }
    throw invalidJson('Unexpected token.', pos)
  }

  const value = (depth: number, key: string): string => {
    ws()
    if (pos >= n) throw invalidJson('Unexpected end of JSON text.', pos)
    const c = src.charCodeAt(pos)
    switch (c) {
      case 0x7b:
        return object(depth + 1, key)
      case 0x5b:
        return array(depth + 1, key)
      case 0x22:
        return readStringValue()
      case 0x74:
        return literal('true')
      case 0x66:
        return literal('false')
      case 0x6e:
        return literal('null')
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return readNumber()
        throw invalidJson('Unexpected token.', pos)
    }
  }

  const array = (depth: number, key: string): string => {
    if (depth > cfg.maxDepth) throw tooDeep(cfg)
    pos++
    ws()
    if (src.charCodeAt(pos) === 0x5d) {
      pos++
      return '[]'
    }
    let out = '['
    for (let first = true; ; first = false) {
      out += first ? value(depth, key) : `,${value(depth, key)}`
      ws()
      const c = src.charCodeAt(pos)
      if (c === 0x2c) {
        pos++
        continue
      }
      if (c === 0x5d) {
        pos++
        return `${out}]`
      }
      throw invalidJson("Expected ',' or ']' in an array.", pos)
    }
  }

  const object = (depth: number, parentKey: string): string => {
    if (depth > cfg.maxDepth) throw tooDeep(cfg)
    const open = pos
    pos++
    ws()
    if (src.charCodeAt(pos) === 0x7d) {
      pos++
      lastPairs = []
      return '{}'
    }
    const pairs: Pair[] = []
    let metaPairs: Pair[] | undefined
    let isResource = false
    for (;;) {
      ws()
      if (src.charCodeAt(pos) !== 0x22) throw invalidJson('Expected a string key in an object.', pos)
      const k = readString()
      ws()
      if (src.charCodeAt(pos) !== 0x3a) throw invalidJson("Expected ':' after an object key.", pos)
      pos++
      const v = value(depth, k)
      if (k === 'meta' && v.charCodeAt(0) === 0x7b) metaPairs = lastPairs
      else if (k === 'resourceType' && v.charCodeAt(0) === 0x22) isResource = true
      pairs.push({ k, v })
      ws()
      const c = src.charCodeAt(pos)
      if (c === 0x2c) {
        pos++
        continue
      }
      if (c === 0x7d) {
        pos++
        break
      }
      throw invalidJson("Expected ',' or '}' in an object.", pos)
    }
    sortPairs(pairs)
    for (let i = 1; i < pairs.length; i++)
      if ((pairs[i - 1] as Pair).k === (pairs[i] as Pair).k)
        throw invalidJson('An object has a duplicate key (I-JSON, RFC 7493 §2.3).', open)
    const members = isResource ? filterResource(pairs, cfg, metaPairs, parentKey === 'contained') : pairs
    if (depth === 1) rootIsResource = isResource
    lastPairs = members
    return joinPairs(members)
  }

  if (src.charCodeAt(0) === 0xfeff) throw invalidJson('A byte order mark is not allowed (RFC 8259 §8.1).', 0)
  ws()
  const out = value(0, '')
  ws()
  if (pos !== n) throw invalidJson('Unexpected data after the JSON value.', pos)
  if (!rootIsResource) throw notAResource()
  if (out.length > cfg.maxBytes) throw tooLarge(cfg)
  return out
}

const objectProto = Object.prototype

/**
 * Canonicalizes an already parsed value: the resource rules are applied first ({@link applyResourceRules}), then
 * core's RFC 8785 `canonicalize` writes the text (one canonical writer for objects in medseal). Core bounds UTF-8
 * bytes; this module's bound is on UTF-16 units of the output, so core gets a bound no valid output can pass and the
 * output is checked here.
 */
function canonicalizeObject(root: object, cfg: Config): string {
  const out = canonicalize(applyResourceRules(root, 0, '', cfg), {
    maxDepth: cfg.maxDepth,
    maxBytes: Math.min(cfg.maxBytes * 3, Number.MAX_SAFE_INTEGER),
  })
  if (out.length > cfg.maxBytes) throw tooLarge(cfg)
  return out
}

/**
 * `value` with the meta/text/id rules applied to every resource in it (every plain object with a string
 * `resourceType`): the same object or array where nothing under it changes, a copy along the path to each change
 * (copies have a `null` prototype, so a `"__proto__"` member stays a member). Anything that is not an array or a
 * plain object is returned as it is, for `canonicalize` to accept or reject. Nesting past `maxDepth` (cycles too)
 * throws `INPUT_TOO_DEEP`. `key` is the member name the value sits under (through arrays): resources under
 * `contained` keep their `id`. Members are read here and again by `canonicalize` (parsed JSON has no getters).
 */
function applyResourceRules(value: unknown, depth: number, key: string, cfg: Config): unknown {
  if (typeof value !== 'object' || value === null) return value
  if (depth >= cfg.maxDepth) throw tooDeep(cfg)
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined
    for (let i = 0; i < value.length; i++) {
      const e: unknown = value[i]
      const r = applyResourceRules(e, depth + 1, key, cfg)
      if (r !== e) {
        if (copy === undefined) copy = value.slice()
        copy[i] = r
      }
    }
    return copy ?? value
  }
  const proto = Object.getPrototypeOf(value)
  if (proto !== objectProto && proto !== null && Object.getPrototypeOf(proto) !== null) return value
  const obj = value as Record<string, unknown>
  const keys = Object.keys(obj)
  const filter =
    typeof obj.resourceType === 'string' && !(cfg.meta === true && cfg.text && (cfg.id || key === 'contained'))
  let copy: Record<string, unknown> | undefined
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string
    const v = obj[k]
    let r: unknown = v
    let drop = false
    if (filter) {
      if (k === 'text') drop = !cfg.text
      else if (k === 'id' || k === '_id') drop = !cfg.id && key !== 'contained'
      else if (k === 'meta' && cfg.meta !== true) {
        r = cfg.meta === false ? undefined : keptMeta(v, cfg.meta)
        drop = r === undefined
      }
    }
    if (drop) {
      if (copy === undefined) copy = copyOf(obj, keys, i)
      continue
    }
    const w = applyResourceRules(r, depth + 1, k, cfg)
    if (w !== v && copy === undefined) copy = copyOf(obj, keys, i)
    if (copy !== undefined) copy[k] = w
  }
  return copy ?? value
}

/** A `null`-prototype copy of the first `n` members of `obj`. */
function copyOf(obj: Record<string, unknown>, keys: readonly string[], n: number): Record<string, unknown> {
  const copy = Object.create(null) as Record<string, unknown>
  for (let i = 0; i < n; i++) copy[keys[i] as string] = obj[keys[i] as string]
  return copy
}

/** The kept members of a resource's `meta` (a new object), or undefined when none is kept or it is not an object. */
function keptMeta(meta: unknown, keep: ReadonlySet<string>): Record<string, unknown> | undefined {
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return undefined
  let kept: Record<string, unknown> | undefined
  for (const k of Object.keys(meta))
    if (keep.has(k)) {
      if (kept === undefined) kept = Object.create(null) as Record<string, unknown>
      kept[k] = (meta as Record<string, unknown>)[k]
    }
  return kept
}

function notAResource(): FhirValidationError {
  return new FhirValidationError('A FHIR resource must be a JSON object with a string resourceType.', {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: 'structure', diagnostics: 'Not a FHIR resource.', expression: ['$this'] }],
  })
}

const utf8 = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * The canonical JSON text of a FHIR R4 resource: RFC 8785 (JCS) plus the FHIR rules of this module (decimal
 * precision kept from JSON text; `meta`/`text`/`id` selection). Key order and whitespace never change the output; a
 * decimal's precision (`1.5` vs `1.50`) does.
 *
 * @param input - the resource as JSON text, as UTF-8 bytes of JSON text, or as a parsed object
 * @param options - {@link CanonicalizeResourceOptions} (`meta` default `['security']`, `text` and `id` default `true`)
 * @returns the canonical text; hash its UTF-8 bytes (see {@link hashResource})
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_JSON` (malformed text, duplicate key, lone surrogate, BOM, trailing
 *   data), `INVALID_ENCODING` (bytes that are not UTF-8; a lone surrogate in an object), `INVALID_TYPE` (a non-JSON
 *   value in an object), `INPUT_TOO_DEEP`, `INPUT_TOO_LARGE`, `OUT_OF_RANGE` (options)
 * @throws {@link FhirValidationError} `INVALID_FHIR` when the top level is not an object with a string `resourceType`
 * @example
 * ```ts
 * import { canonicalizeResource } from '@medseal/fhir'
 * canonicalizeResource('{ "resourceType": "Observation", "valueQuantity": { "value": 1.50 } }')
 * // '{"resourceType":"Observation","valueQuantity":{"value":1.50}}'
 * ```
 */
export function canonicalizeResource(input: CanonicalizeResourceInput, options?: CanonicalizeResourceOptions): string {
  const cfg = readCanonicalizeOptions(options)
  if (typeof input === 'string') {
    return canonicalizeText(input, cfg)
  }
  if (input instanceof Uint8Array) {
    if (input.length > cfg.maxBytes) throw tooLarge(cfg)
    let text: string
    try {
      text = utf8.decode(input)
    } catch (cause) {
      throw new InvalidArgumentError('INVALID_ENCODING', 'The JSON bytes are not valid UTF-8.', { cause })
    }
    return canonicalizeResource(text, options)
  }
  if (
    typeof input !== 'object' ||
    input === null ||
    Array.isArray(input) ||
    typeof (input as { resourceType?: unknown }).resourceType !== 'string'
  )
    throw notAResource()
  return canonicalizeObject(input, cfg)
}
