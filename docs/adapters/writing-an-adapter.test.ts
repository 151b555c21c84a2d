/**
 * docs/adapters/writing-an-adapter.md shows source files verbatim: the adapter example as a `ts` block (run by
 * docs/codeBlocks.test.ts) and the test files as `ts norun` blocks (a suite cannot be registered from inside the
 * docs runner's tests; the files run as tests of their own). This keeps the page and the files identical.
 */
import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'

const read = (name: string) => readFileSync(new URL(name, import.meta.url), 'utf8')
const page = read('./writing-an-adapter.md')
const blocks = (info: string) =>
  [...page.matchAll(new RegExp(`^\`\`\`${info}\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((m) => m[1])

it.each(['./conformance.test.ts', './withWriteLog.test.ts'])('the guide shows %s unchanged (ts norun)', (file) => {
  expect(blocks('ts norun')).toContain(read(file))
})

it('the guide shows withWriteLog.ts unchanged (a ts block the docs runner executes)', () => {
  expect(blocks('ts')).toContain(read('./withWriteLog.ts'))
})
