import { fc, test } from '@fast-check/vitest'
import numbersText from '@vectors/jcs/es6-numbers.txt?raw'
import jcsCanonicalize from 'canonicalize'
import { describe, expect, it } from 'vitest'
import { bytesToUtf8, utf8ToBytes } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'
import type { ErrorCode } from '../errors/codes.js'
import { CANONICALIZE_DEFAULT_MAX_DEPTH, canonicalize, canonicalizeToBytes } from './canonicalize.js'

const inputs = import.meta.glob<string>('@vectors/jcs/input/*.json', { query: '?raw', import: 'default', eager: true })
const outputs = import.meta.glob<string>('@vectors/jcs/output/*.json', {
  query: '?raw',
  import: 'default',
  eager: true,
})
const outhex = import.meta.glob<string>('@vectors/jcs/outhex/*.txt', { query: '?raw', import: 'default', eager: true })
const byName = (files: Record<string, string>) =>
  Object.fromEntries(Object.entries(files).map(([p, v]) => [p.replace(/^.*\//, '').replace(/\.[a-z]+$/, ''), v]))

function expectInvalid(fn: () => unknown, code: ErrorCode): InvalidArgumentError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidArgumentError)
    expect((err as InvalidArgumentError).code).toBe(code)
    return err as InvalidArgumentError
  }
  throw new Error(`expected ${code}`)
}

describe('RFC 8785 vectors (cyberphone/json-canonicalization)', () => {
  const ins = byName(inputs)
  const outs = byName(outputs)
  const hexes = byName(outhex)
  const names = Object.keys(ins)

  it('finds the vector files', () => {
    expect(names.length).toBeGreaterThanOrEqual(4)
  })

  for (const name of names) {
    it(`${name}: input → exact output bytes`, () => {
      const expected = outs[name]
      expect(expected).toBeTypeOf('string')
      const bytes = canonicalizeToBytes(JSON.parse(ins[name] as string))
      expect(bytes).toEqual(utf8ToBytes(expected as string))
      expect(canonicalize(JSON.parse(ins[name] as string))).toBe(expected)
      const hex = hexes[name]
      if (hex !== undefined) {
        const want = Uint8Array.from(hex.trim().split(/\s+/), (h) => Number.parseInt(h, 16))
        expect(bytes).toEqual(want)
      }
    })
  }
})

describe('ES6 number serialization (RFC 8785 §3.2.2.3)', () => {
  const lines = numbersText.split('\n').filter((l) => l.length > 0)

  it('serializes every double of es6-numbers.txt exactly', () => {
    expect(lines.length).toBeGreaterThan(1000)
    const view = new DataView(new ArrayBuffer(8))
    let failures = 0
    const firstFailures: string[] = []
    for (const line of lines) {
      const comma = line.indexOf(',')
      const bits = BigInt(`0x${line.slice(0, comma)}`)
      const expected = line.slice(comma + 1)
      view.setBigUint64(0, bits)
      const got = canonicalize(view.getFloat64(0))
      if (got !== expected) {
        failures++
        if (firstFailures.length < 5) firstFailures.push(`${line} → ${got}`)
      }
    }
    expect(firstFailures).toEqual([])
    expect(failures).toBe(0)
  })

  it('handles the RFC 8785 Appendix B samples', () => {
    const samples: [number, string][] = [
      [0, '0'],
      [-0, '0'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [9007199254740992, '9007199254740992'],
      [295147905179352830000, '295147905179352830000'],
      [1e21, '1e+21'],
      [1e-7, '1e-7'],
      [0.000001, '0.000001'],
      [333333333.3333333, '333333333.3333333'],
    ]
    for (const [n, s] of samples) expect(canonicalize(n)).toBe(s)
  })
})

describe('canonical form', () => {
  it('sorts keys by UTF-16 code units, not code points or locale', () => {
    // U+1F600 is the pair D83D DE00, which sorts before U+E000 by code units (after it by code points).
    const value = { '\ue000': 1, '\u{1f600}': 2, b: 3, B: 4, é: 5, '': 6, '10': 7, '9': 8 }
    expect(canonicalize(value)).toBe('{"":6,"10":7,"9":8,"B":4,"b":3,"\u00e9":5,"\u{1f600}":2,"\ue000":1}')
  })

  it('escapes strings as JSON.stringify does', () => {
    const s = '"\\/\b\f\n\r\t\u0000\u001f\u007f\u2028é😀'
    expect(canonicalize(s)).toBe('"\\"\\\\/\\b\\f\\n\\r\\t\\u0000\\u001f\u007f\u2028é😀"')
    expect(canonicalize({ [s]: s })).toBe(`{${JSON.stringify(s)}:${JSON.stringify(s)}}`)
  })

  it('writes literals, empty containers and nesting without whitespace', () => {
    expect(canonicalize(null)).toBe('null')
    expect(canonicalize(true)).toBe('true')
    expect(canonicalize(false)).toBe('false')
    expect(canonicalize([])).toBe('[]')
    expect(canonicalize({})).toBe('{}')
    expect(canonicalize([[], {}, [{}], { a: [] }])).toBe('[[],{},[{}],{"a":[]}]')
    expect(canonicalize(Object.assign(Object.create(null), { z: 1, a: 2 }))).toBe('{"a":2,"z":1}')
  })

  it('ignores symbol keys and non-enumerable properties, as JSON does', () => {
    const o: Record<string | symbol, unknown> = { a: 1, [Symbol('s')]: 2 }
    Object.defineProperty(o, 'hidden', { value: 3, enumerable: false })
    expect(canonicalize(o)).toBe('{"a":1}')
  })

  it('reads each member once, ignores toJSON on the prototypes, and keeps a "toJSON" data member', () => {
    let reads = 0
    const counter = {
      get a() {
        reads++
        return reads
      },
    }
    expect(canonicalize(counter)).toBe('{"a":1}')
    expect(reads).toBe(1)
    const protos = [Object.prototype, Array.prototype] as unknown as Record<string, unknown>[]
    try {
      for (const p of protos) p.toJSON = () => 'polluted'
      expect(canonicalize({ b: [1], a: {} })).toBe('{"a":{},"b":[1]}')
    } finally {
      for (const p of protos) delete p.toJSON
    }
    expect(canonicalize({ toJSON: 'kept', b: 1 })).toBe('{"b":1,"toJSON":"kept"}')
  })

  it('writes a backslash followed by "ud800" as text (not a lone surrogate)', () => {
    expect(canonicalize({ s: '\\ud800\\uDC00' })).toBe('{"s":"\\\\ud800\\\\uDC00"}')
  })

  it('returns UTF-8 bytes from canonicalizeToBytes', () => {
    const bytes = canonicalizeToBytes({ name: 'Åsa 😀' })
    expect(bytesToUtf8(bytes)).toBe('{"name":"Åsa 😀"}')
    expect(bytes.length).toBe(20)
  })

  it('does not mutate its input', () => {
    const value = { b: 1, a: [3, 2, 1] }
    canonicalize(value)
    expect(Object.keys(value)).toEqual(['b', 'a'])
    expect(value.a).toEqual([3, 2, 1])
  })

  it('sorts every object of a shape it has seen before (shape cache), whatever the key order', () => {
    const value = [
      { b: 1, a: 2 },
      { a: 3, b: 4 },
      { b: 5, a: 6 },
      { 'a\u0000b': 1, c: 2 },
      { a: 1, 'b\u0000c': 2 },
      { a: 1, b: 2, c: 3 },
      { b: 1 },
      { c: 1, b: 2, a: 3 },
    ]
    expect(canonicalize(value)).toBe(
      '[{"a":2,"b":1},{"a":3,"b":4},{"a":6,"b":5},{"a\\u0000b":1,"c":2},{"a":1,"b\\u0000c":2},{"a":1,"b":2,"c":3},{"b":1},{"a":3,"b":2,"c":1}]',
    )
  })

  it('treats a "__proto__" member from JSON.parse as an ordinary key', () => {
    expect(canonicalize(JSON.parse('{"z":1,"__proto__":{"b":2,"a":1}}'))).toBe('{"__proto__":{"a":1,"b":2},"z":1}')
  })

  it('accepts shared (non-cyclic) subtrees', () => {
    const shared = { x: 1 }
    expect(canonicalize({ a: shared, b: [shared, shared] })).toBe('{"a":{"x":1},"b":[{"x":1},{"x":1}]}')
  })
})

describe('properties', () => {
  const json = fc.jsonValue()

  test.prop([json])('is idempotent: canonicalize(JSON.parse(c)) === c', (v) => {
    const c = canonicalize(v)
    expect(canonicalize(JSON.parse(c))).toBe(c)
  })

  test.prop([json])('round-trips to an equal JSON value', (v) => {
    expect(JSON.parse(canonicalize(v))).toEqual(JSON.parse(JSON.stringify(v)))
  })

  test.prop([json])('is independent of whitespace', (v) => {
    expect(canonicalize(JSON.parse(JSON.stringify(v, null, 2)))).toBe(canonicalize(v))
  })

  test.prop([fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), fc.infiniteStream(fc.nat())])(
    'is independent of key order',
    (dict, rnd) => {
      const entries = Object.entries(dict)
      const shuffled = entries
        .map((e) => [rnd.next().value as number, e] as const)
        .sort((a, b) => a[0] - b[0])
        .map(([, e]) => e)
      expect(canonicalize(Object.fromEntries(shuffled))).toBe(canonicalize(dict))
    },
  )

  test.prop([json])('agrees with the canonicalize npm package (RFC 8785 reference port)', (v) => {
    expect(canonicalize(v)).toBe(jcsCanonicalize(v))
  })

  // Full Unicode (astral characters, controls, quotes, backslashes) in keys and strings, and keys past the
  // insertion-sort size and the shape cache's limits: every path must equal the reference port.
  const unicodeJson = fc.jsonValue({ stringUnit: 'binary', maxDepth: 4 })
  test.prop([unicodeJson])('agrees with the canonicalize npm package on full-Unicode JSON', (v) => {
    const c = canonicalize(v)
    expect(c).toBe(jcsCanonicalize(v))
    expect(canonicalize(JSON.parse(c))).toBe(c)
  })

  test.prop([fc.uniqueArray(fc.string({ unit: 'binary', maxLength: 4 }), { maxLength: 40 }), fc.jsonValue()])(
    'orders keys by UTF-16 code units (astral characters by their surrogates), for few and many keys',
    (keys, value) => {
      const obj = Object.fromEntries(keys.map((k) => [k, value]))
      const expected = keys
        .slice()
        .sort((a, b) => {
          for (let i = 0; i < Math.min(a.length, b.length); i++)
            if (a.charCodeAt(i) !== b.charCodeAt(i)) return a.charCodeAt(i) - b.charCodeAt(i)
          return a.length - b.length
        })
        .map((k) => `${JSON.stringify(k)}:${canonicalize(value)}`)
      expect(canonicalize(obj)).toBe(`{${expected.join(',')}}`)
      expect(canonicalize(obj)).toBe(jcsCanonicalize(obj))
    },
  )

  it('orders integer-like keys as strings, and astral keys by their surrogates (below U+E000)', () => {
    const obj = { '10': 1, '2': 2, a: 3, '\u{1F600}': 4, '\uFFFD': 5, '\u00e9': 6, '': 7 }
    expect(canonicalize(obj)).toBe('{"":7,"10":1,"2":2,"a":3,"é":6,"😀":4,"\uFFFD":5}')
  })

  // Differential: against the reference port for JSON, and for anything else against the first error a plain
  // reference walk (members in sorted order, depth first) finds.
  const firstError = (v: unknown): string | undefined => {
    if (v === null || typeof v === 'boolean') return undefined
    if (typeof v === 'number') return Number.isFinite(v) ? undefined : 'INVALID_TYPE'
    if (typeof v === 'string') return v.isWellFormed() ? undefined : 'INVALID_ENCODING'
    if (typeof v !== 'object') return 'INVALID_TYPE'
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const e = firstError(v[i])
        if (e !== undefined) return e
      }
      return undefined
    }
    for (const k of Object.keys(v).sort()) {
      if (!k.isWellFormed()) return 'INVALID_ENCODING'
      const e = firstError((v as Record<string, unknown>)[k])
      if (e !== undefined) return e
    }
    return undefined
  }
  const reference = (v: unknown): string => {
    const e = firstError(v)
    return e === undefined ? (jcsCanonicalize(v) as string) : `throws ${e}`
  }
  const outcome = (fn: () => string): string => {
    try {
      return fn()
    } catch (err) {
      return `throws ${(err as InvalidArgumentError).code}`
    }
  }
  const tricky = fc.oneof(
    fc.constantFrom(-0, 0, 1e21, 1e-7, 5e-324, -1.7976931348623157e308, 0.1 + 0.2, Number.NaN, Infinity, undefined),
    fc.double(),
    fc.string({ unit: 'binary', maxLength: 6 }),
    fc.constantFrom('\\ud800', '\ud800', 'a\udc00b', '\ud83d\ude00', '\u2028\u2029', '\u007f', '"\\\\/\\b'),
  )
  const trickyJson = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      tricky,
      fc.array(tie('value'), { maxLength: 5 }),
      fc.dictionary(fc.string({ unit: 'binary', maxLength: 4 }), tie('value'), { maxKeys: 20 }),
    ),
  })).value
  test.prop([trickyJson], { numRuns: 300 })(
    'equals the reference (numbers, -0, lone surrogates, UTF-16 key order, and which error comes first)',
    (v) => {
      expect(outcome(() => canonicalize(v))).toBe(reference(v))
    },
  )

  test.prop([fc.double({ noNaN: true, noDefaultInfinity: true })])('serializes numbers as Number#toString', (n) => {
    expect(canonicalize(n)).toBe(Object.is(n, -0) ? '0' : String(n))
  })
})

describe('named errors', () => {
  it('rejects non-JSON values with INVALID_TYPE', () => {
    const bad: unknown[] = [
      undefined,
      () => 1,
      Symbol('x'),
      1n,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      new Date(0),
      new Map(),
      new Set(),
      new Uint8Array(1),
      new (class Foo {})(),
      Object(1),
      /re/,
    ]
    for (const v of bad) {
      expectInvalid(() => canonicalize(v), 'INVALID_TYPE')
      expectInvalid(() => canonicalize({ a: [v] }), 'INVALID_TYPE')
    }
  })

  it('rejects undefined members and holes rather than dropping them', () => {
    const err = expectInvalid(
      () => canonicalize({ resourceType: 'Patient', name: [{ family: undefined }] }),
      'INVALID_TYPE',
    )
    expect(err.message).toContain('$.name[0].family')
    // biome-ignore lint/suspicious/noSparseArray: a hole is what is tested
    expectInvalid(() => canonicalize([1, , 3]), 'INVALID_TYPE')
  })

  it('says where the rejected value is, without data (keys that are not member names as […])', () => {
    const at = (fn: () => unknown, code: ErrorCode) => expectInvalid(fn, code).message.match(/At: (\S+)/)?.[1]
    expect(at(() => canonicalize({ b: 1, a: [1, { c: Number.NaN }] }), 'INVALID_TYPE')).toBe('$.a[1].c')
    expect(at(() => canonicalize({ 'x-y': { z: undefined }, a: 1 }), 'INVALID_TYPE')).toBe('$[…].z')
    expect(at(() => canonicalize([0, { 'k\ud800': 1 }]), 'INVALID_ENCODING')).toBe('$[1][…]')
    expect(at(() => canonicalize({ a: { b: {} } }, { maxDepth: 2 }), 'INPUT_TOO_DEEP')).toBe('$.a.b')
    expect(at(() => canonicalize(new Date(0)), 'INVALID_TYPE')).toBe('$')
    const loop: Record<string, unknown> = { n: 1 }
    loop.next = { back: loop }
    const cycle = expectInvalid(() => canonicalize({ root: loop }, { maxDepth: 6 }), 'INVALID_ARGUMENT')
    expect(cycle.message).toContain('At: $.root.next.back.next.back.next')
  })

  it('rejects lone surrogates in strings and keys with INVALID_ENCODING', () => {
    expectInvalid(() => canonicalize('a\ud800'), 'INVALID_ENCODING')
    expectInvalid(() => canonicalize('\udc00b'), 'INVALID_ENCODING')
    expectInvalid(() => canonicalize({ 'k\ud83d': 1 }), 'INVALID_ENCODING')
    expect(canonicalize('\ud83d\ude00')).toBe('"😀"')
  })

  it('rejects cycles with INVALID_ARGUMENT', () => {
    const a: Record<string, unknown> = { x: 1 }
    a.self = a
    expectInvalid(() => canonicalize(a), 'INVALID_ARGUMENT')
    const arr: unknown[] = []
    arr.push({ inner: arr })
    expectInvalid(() => canonicalize(arr), 'INVALID_ARGUMENT')
  })

  it('enforces maxDepth with INPUT_TOO_DEEP', () => {
    const nest = (d: number): unknown => (d === 0 ? 0 : [nest(d - 1)])
    expect(canonicalize(nest(CANONICALIZE_DEFAULT_MAX_DEPTH))).toBe(
      `${'['.repeat(CANONICALIZE_DEFAULT_MAX_DEPTH)}0${']'.repeat(CANONICALIZE_DEFAULT_MAX_DEPTH)}`,
    )
    expectInvalid(() => canonicalize(nest(CANONICALIZE_DEFAULT_MAX_DEPTH + 1)), 'INPUT_TOO_DEEP')
    expect(canonicalize({ a: { b: 1 } }, { maxDepth: 2 })).toBe('{"a":{"b":1}}')
    expectInvalid(() => canonicalize({ a: { b: {} } }, { maxDepth: 2 }), 'INPUT_TOO_DEEP')
    expect(canonicalize(nest(1000), { maxDepth: 1000 })).toHaveLength(2001)
  })

  it('enforces maxBytes of UTF-8 output with INPUT_TOO_LARGE', () => {
    expect(canonicalize('aaaa', { maxBytes: 6 })).toBe('"aaaa"')
    expectInvalid(() => canonicalize('aaaaa', { maxBytes: 6 }), 'INPUT_TOO_LARGE')
    // 'é' is 1 UTF-16 unit but 2 UTF-8 bytes: "éé" is 6 bytes, "ééé" 8
    expect(canonicalize('éé', { maxBytes: 6 })).toBe('"éé"')
    expectInvalid(() => canonicalize('ééé', { maxBytes: 7 }), 'INPUT_TOO_LARGE')
    expectInvalid(() => canonicalizeToBytes('😀😀', { maxBytes: 9 }), 'INPUT_TOO_LARGE')
    const big = Array.from({ length: 1000 }, (_, i) => ({ i, s: 'x'.repeat(100) }))
    expectInvalid(() => canonicalize(big, { maxBytes: 10_000 }), 'INPUT_TOO_LARGE')
  })

  it('stops shared subtrees from blowing the output up (INPUT_TOO_LARGE before building it)', () => {
    let v: unknown = 'x'.repeat(1024)
    for (let i = 0; i < 30; i++) v = [v, v] // 2^30 KiB of output if written out
    expectInvalid(() => canonicalize(v), 'INPUT_TOO_LARGE')
    let w: unknown = []
    for (let i = 0; i < 40; i++) w = { a: w, b: w }
    expectInvalid(() => canonicalize(w, { maxDepth: 64, maxBytes: 1_000_000 }), 'INPUT_TOO_LARGE')
  })

  it('validates options', () => {
    expectInvalid(() => canonicalize(1, { maxDepth: 0 }), 'OUT_OF_RANGE')
    expectInvalid(() => canonicalize(1, { maxDepth: 1.5 }), 'OUT_OF_RANGE')
    expectInvalid(() => canonicalize(1, { maxDepth: 1001 }), 'OUT_OF_RANGE')
    expectInvalid(() => canonicalize(1, { maxBytes: -1 }), 'OUT_OF_RANGE')
    expectInvalid(() => canonicalize(1, 'x' as never), 'INVALID_TYPE')
  })

  it('never echoes values into messages', () => {
    const secret = 'Jane Doe 1970-01-01 SSN 123-45-6789'
    const err = expectInvalid(() => canonicalize({ [secret]: { ok: secret, bad: Number.NaN } }), 'INVALID_TYPE')
    expect(err.message).not.toContain('Jane')
    expect(err.message).toContain('$[…].bad')
    const err2 = expectInvalid(() => canonicalize({ a: `${secret}\ud800` }), 'INVALID_ENCODING')
    expect(err2.message).not.toContain('Jane')
  })
})
