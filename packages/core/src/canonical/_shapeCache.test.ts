import { fc, test } from '@fast-check/vitest'
import jcsCanonicalize from 'canonicalize'
import { describe, expect, it } from 'vitest'
import { SHAPE_CACHE_MAX_KEYS, SHAPE_CACHE_MAX_NODES, shapeCacheNodes, sortedShape, sortKeys } from './_shapeCache.js'
import { canonicalize } from './canonicalize.js'

describe('shape cache', () => {
  it('returns the keys sorted by UTF-16 code units with their prefixes, and the same entry for the same sequence', () => {
    const shape = sortedShape(['resourceType', 'id', 'Zeta', '_birthDate', 'active'])
    expect(shape?.keys).toEqual(['Zeta', '_birthDate', 'active', 'id', 'resourceType'])
    expect(shape?.prefixes).toEqual(['{"Zeta":', ',"_birthDate":', ',"active":', ',"id":', ',"resourceType":'])
    expect(shape?.length).toBe((shape?.prefixes.join('') ?? '').length + 1)
    expect(sortedShape(['resourceType', 'id', 'Zeta', '_birthDate', 'active'])).toBe(shape)
    // a prefix of a cached sequence and an extension of it are shapes of their own
    expect(sortedShape(['resourceType', 'id'])?.keys).toEqual(['id', 'resourceType'])
    expect(sortedShape(['resourceType', 'id', 'Zeta', '_birthDate', 'active', 'a'])?.keys).toEqual([
      'Zeta',
      '_birthDate',
      'a',
      'active',
      'id',
      'resourceType',
    ])
  })

  it('does not cache keys that are not member names, nor objects with too many keys', () => {
    for (const keys of [['a', '0'], ['a-b'], [''], ['é'], ['a'.repeat(65)], ['a\u0000']])
      expect(sortedShape(keys)).toBeUndefined()
    const many = Array.from({ length: SHAPE_CACHE_MAX_KEYS + 1 }, (_, i) => `k${i}`)
    expect(sortedShape(many)).toBeUndefined()
    expect(sortedShape(many.slice(0, SHAPE_CACHE_MAX_KEYS))?.keys.length).toBe(SHAPE_CACHE_MAX_KEYS)
  })

  it('stays within its bound and stays exact after being dropped and refilled', () => {
    const first = { b: 1, a: { d: 2, c: 3 } }
    expect(canonicalize(first)).toBe('{"a":{"c":3,"d":2},"b":1}')
    // each object brings 5 new trie nodes: 3 × SHAPE_CACHE_MAX_NODES / 5 objects drop the trie at least twice
    let wrong = 0
    let most = 0
    for (let i = 0; i < (3 * SHAPE_CACHE_MAX_NODES) / 5; i++) {
      const obj = { [`z${i}`]: i, [`y${i % 7}`]: [i], x: { [`w${i}`]: true, v: null } }
      const want = `{"x":{"v":null,"w${i}":true},"y${i % 7}":[${i}],"z${i}":${i}}`
      if (canonicalize(obj) !== want) wrong++
      most = Math.max(most, shapeCacheNodes())
    }
    expect(wrong).toBe(0)
    expect(most).toBeLessThanOrEqual(SHAPE_CACHE_MAX_NODES)
    expect(most).toBeGreaterThan(SHAPE_CACHE_MAX_NODES - 10)
    expect(canonicalize(first)).toBe('{"a":{"c":3,"d":2},"b":1}')
  })

  test.prop([fc.uniqueArray(fc.string({ unit: 'binary', maxLength: 3 }), { maxLength: 40 })])(
    'sortKeys orders by UTF-16 code units (insertion sort for few keys, Array#sort for many)',
    (keys) => {
      expect(sortKeys(keys.slice())).toEqual(keys.slice().sort())
    },
  )
})

describe('the fast path with shapes seen before (properties)', () => {
  // Keys from a small alphabet, so shapes repeat within a value and across calls; as given or already in order.
  const key = fc.constantFrom(
    'a',
    'b',
    'c',
    'id',
    'resourceType',
    'system',
    'code',
    'display',
    'Z',
    '_a',
    '$',
    '0',
    'é',
  )
  const leaf = fc.oneof(fc.jsonValue({ maxDepth: 0 }), fc.constantFrom(-0, 1e21, 5e-324, '"\\\n', '\u2028', '😀'))
  const shaped = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('value'), { maxLength: 4 }),
      fc
        .tuple(
          fc.uniqueArray(key, { maxLength: 6 }),
          fc.array(tie('value'), { minLength: 6, maxLength: 6 }),
          fc.boolean(),
        )
        .map(([keys, values, inOrder]) =>
          Object.fromEntries((inOrder ? keys.slice().sort() : keys).map((k, i) => [k, values[i]])),
        ),
    ),
  })).value

  test.prop([fc.array(shaped, { minLength: 1, maxLength: 4 })], { numRuns: 300 })(
    'equals the reference port, call after call',
    (values) => {
      for (const v of values) {
        expect(canonicalize(v)).toBe(jcsCanonicalize(v))
      }
      // the same values again: every shape is a cache hit now
      for (const v of values) expect(canonicalize(v)).toBe(jcsCanonicalize(v))
    },
  )

  test.prop([fc.dictionary(key, fc.jsonValue({ maxDepth: 1 }), { minKeys: 1 }), fc.infiniteStream(fc.nat())])(
    'gives one text for every key order of one object (each order a shape of its own)',
    (dict, rnd) => {
      const entries = Object.entries(dict)
      const expected = canonicalize(Object.fromEntries(entries.slice().sort(([a], [b]) => (a < b ? -1 : 1))))
      for (let round = 0; round < 3; round++) {
        const shuffled = entries
          .map((e) => [rnd.next().value as number, e] as const)
          .sort((x, y) => x[0] - y[0])
          .map(([, e]) => e)
        expect(canonicalize(Object.fromEntries(shuffled))).toBe(expected)
      }
    },
  )
})
