/**
 * Test helper: reads the worked example of docs/spec/envelope.md §10 (`name = value` lines of its text block).
 * @module
 * @internal
 */
import spec from '../../../../docs/spec/envelope.md?raw'

/** The `name = value` lines of the worked example (§10, version 1; §13 with `'v2'`). @internal */
export function specExample(version: 'v1' | 'v2' = 'v1'): Record<string, string> {
  const section = spec.split(version === 'v1' ? '## 10. Worked example' : '## 13. Worked example, version 2')[1] ?? ''
  const block = section.split('```text\n')[1]?.split('\n```')[0] ?? ''
  const out: Record<string, string> = {}
  for (const line of block.split('\n')) {
    const m = /^(\w+)\s+= (.*)$/.exec(line)
    if (m) out[m[1] as string] = m[2] as string
  }
  return out
}
