/**
 * Key rules of Fabric's world state, shared by the in-memory stub. @internal
 * @module
 */

/** The namespace byte of composite keys (Fabric `compositeKeyNamespace`). */
export const COMPOSITE_KEY_NS = '\u0000'
/** Separator between composite key parts (Fabric `minUnicodeRuneValue`). */
export const MIN_UNICODE_RUNE = '\u0000'
/** Upper bound of a partial composite key range (Fabric `maxUnicodeRuneValue`). */
export const MAX_UNICODE_RUNE = '\u{10ffff}'
/** What fabric-shim substitutes for an empty start key in range queries (so the range starts after `''`). */
export const EMPTY_KEY_SUBSTITUTE = '\u0001'

/**
 * Orders two keys as Fabric's state databases do: by their UTF-8 bytes. Comparing code points is the same order,
 * and differs from JavaScript's `<` (UTF-16 code units) for characters above U+FFFF, such as U+10FFFF that closes
 * every partial composite key range.
 */
export function compareKeys(a: string, b: string): number {
  const la = a.length
  const lb = b.length
  let i = 0
  let j = 0
  while (i < la && j < lb) {
    const ca = a.codePointAt(i) as number
    const cb = b.codePointAt(j) as number
    if (ca !== cb) return ca < cb ? -1 : 1
    i += ca > 0xffff ? 2 : 1
    j += cb > 0xffff ? 2 : 1
  }
  if (i < la) return 1
  if (j < lb) return -1
  return 0
}

/** Is `key` well-formed UTF-16 (no lone surrogates), so that it has a UTF-8 form as Fabric requires? */
export function isWellFormedKey(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = key.charCodeAt(i + 1)
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false
      i++
    } else if (c >= 0xdc00 && c <= 0xdfff) return false
  }
  return true
}

/** fabric-shim's check of composite key parts: a non-empty string. */
export function assertCompositeKeyPart(part: unknown): asserts part is string {
  if (typeof part !== 'string' || part.length === 0) {
    throw new Error('object type or attribute not a non-zero length string')
  }
}

/** Builds a composite key exactly as fabric-shim's `createCompositeKey`. */
export function createCompositeKey(objectType: string, attributes: readonly string[]): string {
  assertCompositeKeyPart(objectType)
  if (!Array.isArray(attributes)) throw new Error('attributes must be an array')
  let key = COMPOSITE_KEY_NS + objectType + MIN_UNICODE_RUNE
  for (const attribute of attributes) {
    assertCompositeKeyPart(attribute)
    key += attribute + MIN_UNICODE_RUNE
  }
  return key
}

/** Splits a composite key exactly as fabric-shim's `splitCompositeKey`. */
export function splitCompositeKey(compositeKey: string): { objectType: string | null; attributes: string[] } {
  const result: { objectType: string | null; attributes: string[] } = { objectType: null, attributes: [] }
  if (compositeKey && compositeKey.length > 1 && compositeKey.charAt(0) === COMPOSITE_KEY_NS) {
    const parts = compositeKey.substring(1).split(MIN_UNICODE_RUNE)
    result.objectType = parts[0] ?? null
    parts.pop()
    if (parts.length > 1) {
      parts.shift()
      result.attributes = parts
    }
  }
  return result
}

/** fabric-shim rejects simple (range) keys that start in the composite key namespace. */
export function assertSimpleKeys(...keys: string[]): void {
  for (const key of keys) {
    if (key && key.charAt(0) === COMPOSITE_KEY_NS) {
      throw new Error(`first character of the key [${key}] contains a null character which is not allowed`)
    }
  }
}
