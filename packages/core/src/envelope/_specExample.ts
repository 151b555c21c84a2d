/**
 * Test helper: reads the worked examples of docs/spec/envelope.md §10, §13 and §16 (`name = value` lines of their
 * text blocks).
 * @module
 * @internal
 */
import spec from '../../../../docs/spec/envelope.md?raw'

const HEADINGS = {
  v1: '## 10. Worked example',
  v2: '## 13. Worked example, version 2',
  v3: '## 16. Worked example, version 3',
} as const

/** The `name = value` lines of the worked example (§10, version 1; §13 with `'v2'`; §16 with `'v3'`). @internal */
export function specExample(version: 'v1' | 'v2' | 'v3' = 'v1'): Record<string, string> {
  const section = spec.split(HEADINGS[version])[1] ?? ''
  const block = section.split('```text\n')[1]?.split('\n```')[0] ?? ''
  const out: Record<string, string> = {}
  for (const line of block.split('\n')) {
    const m = /^(\w+)\s+= (.*)$/.exec(line)
    if (m) out[m[1] as string] = m[2] as string
  }
  return out
}
