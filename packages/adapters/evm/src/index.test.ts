import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as main from './index.js'
import * as node from './node.js'

describe('entry points', () => {
  it('@medseal/adapter-evm exports exactly these names', () => {
    expect(Object.keys(main).sort()).toMatchInlineSnapshot(`
      [
        "createEvmLedger",
        "deployRegistry",
        "getRegistryErrorName",
        "medsealRegistryAbi",
        "medsealRegistryBytecode",
        "medsealRegistryCompiler",
        "medsealRegistryDeployedBytecode",
        "medsealRegistryImmutableReferences",
      ]
    `)
  })

  it('@medseal/adapter-evm/node exports exactly these names', () => {
    expect(Object.keys(node).sort()).toMatchInlineSnapshot(`
      [
        "anvilPrivateKeys",
        "startAnvil",
      ]
    `)
  })

  it('the browser entry point reaches no Node built-in (only ./node and tests may use them)', () => {
    const dir = new URL('.', import.meta.url)
    const nodeOnly = /(\.test\.ts|\.bench\.ts|^node\.ts|^_testSetup\.ts)$/
    const browserFiles = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.ts') && !nodeOnly.test(f.split('/').pop() ?? f),
    )
    expect(browserFiles).toContain('createEvmLedger.ts')
    for (const f of browserFiles) {
      const text = readFileSync(new URL(f, dir), 'utf8')
      expect(text, f).not.toMatch(/from ['"](node:|fs['"]|child_process|net['"]|path['"])/)
      expect(text, f).not.toMatch(/\b(Buffer|process)\./)
    }
  })
})
