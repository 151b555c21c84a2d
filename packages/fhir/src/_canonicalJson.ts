/**
 * Navigation inside canonical JSON text (as produced by `canonicalizeResource`: no whitespace, valid JSON), so that
 * the exact canonical text of a nested value (e.g. each `Bundle.entry[i].resource`) can be taken without parsing
 * numbers (which would lose FHIR decimal precision).
 * @module @internal
 */

/** End index (exclusive) of the JSON value starting at `start` in canonical text. @internal */
function valueEnd(text: string, start: number): number {
  const c = text.charCodeAt(start)
  if (c === 0x22) {
    let i = start + 1
    for (;;) {
      const d = text.charCodeAt(i)
      if (d === 0x5c) i += 2
      else if (d === 0x22) return i + 1
      else i++
    }
  }
  if (c === 0x7b || c === 0x5b) {
    let depth = 0
    let i = start
    for (;;) {
      const d = text.charCodeAt(i)
      if (d === 0x22) {
        i = valueEnd(text, i)
        continue
      }
      if (d === 0x7b || d === 0x5b) depth++
      else if (d === 0x7d || d === 0x5d) {
        depth--
        if (depth === 0) return i + 1
      }
      i++
    }
  }
  let i = start
  while (i < text.length) {
    const d = text.charCodeAt(i)
    if (d === 0x2c || d === 0x7d || d === 0x5d) break
    i++
  }
  return i
}

/** The members of a canonical JSON object text: key → the exact canonical text of its value. @internal */
export function objectMembers(text: string): Map<string, string> {
  const out = new Map<string, string>()
  if (text.charCodeAt(0) !== 0x7b) return out
  let i = 1
  while (i < text.length && text.charCodeAt(i) !== 0x7d) {
    const keyEnd = valueEnd(text, i)
    const key = JSON.parse(text.slice(i, keyEnd)) as string
    const vStart = keyEnd + 1 // skip ':'
    const vEnd = valueEnd(text, vStart)
    out.set(key, text.slice(vStart, vEnd))
    i = text.charCodeAt(vEnd) === 0x2c ? vEnd + 1 : vEnd
  }
  return out
}

/** The elements of a canonical JSON array text, each as its exact canonical text. @internal */
export function arrayElements(text: string): string[] {
  const out: string[] = []
  if (text.charCodeAt(0) !== 0x5b) return out
  let i = 1
  while (i < text.length && text.charCodeAt(i) !== 0x5d) {
    const end = valueEnd(text, i)
    out.push(text.slice(i, end))
    i = text.charCodeAt(end) === 0x2c ? end + 1 : end
  }
  return out
}
