import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { findDuplicateJsonKey } from './_jsonDuplicateKey.js'

describe('findDuplicateJsonKey', () => {
  it('finds a name twice in one object, at any depth, however it is written', () => {
    expect(findDuplicateJsonKey('{"a":1,"a":2}')).toBe('a')
    expect(findDuplicateJsonKey('{"a":1,"\\u0061":2}')).toBe('a')
    expect(findDuplicateJsonKey('{"x":[{"b":1},{"c":{"d":1,"d":[]}}]}')).toBe('d')
    expect(findDuplicateJsonKey(' { "a" : { "k" : 1 } , "b" : 2 , "a" : 3 } ')).toBe('a')
    expect(findDuplicateJsonKey('{"q\\"":1,"q\\"":2}')).toBe('q"')
  })

  it('ignores equal names in different objects and strings that are values', () => {
    expect(findDuplicateJsonKey('{"a":{"a":{"a":1}}}')).toBeUndefined()
    expect(findDuplicateJsonKey('[{"a":1},{"a":2}]')).toBeUndefined()
    expect(findDuplicateJsonKey('{"a":"a","b":["a","a"],"c":"\\"a\\":1,"}')).toBeUndefined()
    expect(findDuplicateJsonKey('{"a":{},"b":[],"c":{"a":[{}]}}')).toBeUndefined()
    expect(findDuplicateJsonKey('"a"')).toBeUndefined()
    expect(findDuplicateJsonKey('{}')).toBeUndefined()
  })

  test.prop([fc.jsonValue()])('never reports a duplicate in JSON.stringify output', (value) => {
    expect(findDuplicateJsonKey(JSON.stringify(value))).toBeUndefined()
  })

  test.prop([fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }), fc.jsonValue()])(
    'reports the name when a member is written twice',
    (object, extra) => {
      const text = JSON.stringify(object)
      const name = Object.keys(object)[0] as string
      const doubled = `{${JSON.stringify(name)}:${JSON.stringify(extra)},${text.slice(1)}`
      expect(findDuplicateJsonKey(doubled)).toBe(name)
    },
  )
})
