/**
 * Every ```ts code block in the README and the guides (docs/*.md, docs/guides/*.md, docs/adapters/*.md,
 * docs/recipes/*.md) is extracted and run here,
 * so the docs cannot rot. A block opening with ```ts norun is shown but not run (used only for snippets that need
 * a real external network, e.g. a Fabric peer); every other block must run and finish without throwing.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, it, vi } from 'vitest'

const docsDir = fileURLToPath(new URL('.', import.meta.url))
const outDir = fileURLToPath(new URL('../test-output/doc-blocks/', import.meta.url))

function guideFiles(): string[] {
  const out: string[] = []
  for (const sub of ['', 'guides', 'adapters', 'recipes']) {
    const dir = join(docsDir, sub)
    let entries: string[] = []
    try {
      entries = readdirSync(dir)
    } catch {
      continue
    }
    for (const f of entries) if (f.endsWith('.md')) out.push(join(dir, f))
  }
  return [join(docsDir, '..', 'README.md'), ...out.sort()]
}

/** Extracts the ```ts / ```typescript blocks of a markdown file (not ```ts norun). */
function extractBlocks(markdown: string): { code: string; line: number }[] {
  const blocks: { code: string; line: number }[] = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|typescript)(\s+norun)?\s*$/.exec(lines[i] as string)
    if (!open) continue
    const start = i + 1
    let j = start
    while (j < lines.length && !(lines[j] as string).startsWith('```')) j++
    if (!open[2]) blocks.push({ code: lines.slice(start, j).join('\n'), line: start + 1 })
    i = j
  }
  return blocks
}

describe('extractBlocks', () => {
  it('finds ts blocks and skips norun and other languages', () => {
    const md = ['# x', '```ts', 'const a = 1', '```', '```sh', 'ls', '```', '```ts norun', 'x()', '```'].join('\n')
    expect(extractBlocks(md)).toEqual([{ code: 'const a = 1', line: 3 }])
  })
})

rmSync(outDir, { recursive: true, force: true })
mkdirSync(outDir, { recursive: true })
for (const file of guideFiles()) {
  const blocks = extractBlocks(readFileSync(file, 'utf8'))
  if (blocks.length === 0) continue
  const name = relative(docsDir, file).replace(/^\.\.\//, 'root__')
  describe(name.startsWith('root__') ? name.slice(6) : `docs/${name}`, () => {
    blocks.forEach((block, n) => {
      it(`code block ${n + 1} (line ${block.line}) runs`, async () => {
        const path = join(outDir, `${name.replaceAll('/', '__').replace(/\.md$/, '')}__${n + 1}.ts`)
        writeFileSync(path, `${block.code}\nexport {}\n`)
        // The blocks' console output is captured (a green run stays quiet) and shown only when the block fails.
        const printed: string[] = []
        const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
          printed.push(args.map(String).join(' '))
        })
        try {
          await import(/* @vite-ignore */ pathToFileURL(path).href)
        } catch (err) {
          spy.mockRestore()
          if (printed.length) console.error(`${name} block ${n + 1} printed before failing:\n${printed.join('\n')}`)
          throw err
        } finally {
          spy.mockRestore()
        }
      })
    })
  })
}
