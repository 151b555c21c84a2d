/**
 * Test helper: reads the worked example of docs/spec/envelope.md §10 (`name = value` lines of its text block).
 * @module
 * @internal
 */
import spec from '../../../../docs/spec/envelope.md?raw'

/** The `name = value` lines of the worked example. @internal */
export function specExample(): Record<string, string> {
  const section = spec.split('## 10. Worked example')[1] ?? ''
  const block = section.split('```text\n')[1]?.split('\n```')[0] ?? ''
  const out: Record<string, string> = {}
  for (const line of block.split('\n')) {
    const m = /^(\w+)\s+= (.*)$/.exec(line)
    if (m) out[m[1] as string] = m[2] as string
  }
  return out
}
