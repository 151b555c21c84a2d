/**
 * Finds duplicate object member names in JSON text. `JSON.parse` keeps the last of two equal names silently (and a
 * reviver cannot see the first), so two readers of the same text can disagree about it; formats that forbid
 * duplicates (RFC 7493 §2.3, docs/spec/receipt.md) check the text with this scanner.
 * @internal
 * @module
 */

type Frame = { readonly keys: Set<string> | undefined; expectKey: boolean }

/**
 * Returns the first member name that appears twice in one object of `text` (names compared after unescaping, so
 * `"v"` and `"\u0076"` are the same), or `undefined` when there is none. `text` MUST already be valid JSON
 * (`JSON.parse` accepted it): this is a scanner for that one question, not a parser.
 *
 * @param text - valid JSON text
 * @returns the duplicated name, or `undefined`
 * @internal
 */
export function findDuplicateJsonKey(text: string): string | undefined {
  const stack: Frame[] = []
  let i = 0
  const n = text.length
  while (i < n) {
    const ch = text.charCodeAt(i)
    if (ch === 0x22 /* " */) {
      const start = i
      i++
      while (i < n) {
        const c = text.charCodeAt(i)
        if (c === 0x5c /* \ */) i += 2
        else if (c === 0x22) break
        else i++
      }
      i++ // past the closing quote
      const frame = stack[stack.length - 1]
      if (frame?.keys !== undefined && frame.expectKey) {
        const name = JSON.parse(text.slice(start, i)) as string
        if (frame.keys.has(name)) return name
        frame.keys.add(name)
        frame.expectKey = false
      }
      continue
    }
    if (ch === 0x7b /* { */) stack.push({ keys: new Set(), expectKey: true })
    else if (ch === 0x5b /* [ */) stack.push({ keys: undefined, expectKey: false })
    else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) stack.pop()
    else if (ch === 0x2c /* , */) {
      const frame = stack[stack.length - 1]
      if (frame?.keys !== undefined) frame.expectKey = true
    }
    i++
  }
  return undefined
}
