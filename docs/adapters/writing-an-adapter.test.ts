/**
 * docs/adapters/writing-an-adapter.md shows the conformance test file verbatim (as a `ts norun` block, since a
 * suite cannot be registered from inside the docs runner's tests); this keeps the page and the file identical.
 */
import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'

const read = (name: string) => readFileSync(new URL(name, import.meta.url), 'utf8')

it('the guide shows docs/adapters/conformance.test.ts unchanged', () => {
  const page = read('./writing-an-adapter.md')
  const file = read('./conformance.test.ts')
  const blocks = [...page.matchAll(/^```ts norun\n([\s\S]*?)^```$/gm)].map((m) => m[1])
  expect(blocks).toContain(file)
})
