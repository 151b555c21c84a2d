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
})
