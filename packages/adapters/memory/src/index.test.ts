import { describe, expect, it } from 'vitest'
import * as main from './index.js'
import * as node from './node.js'

describe('entry points', () => {
  it('@medseal/adapter-memory exports exactly these names', () => {
    expect(Object.keys(main).sort()).toMatchInlineSnapshot(`
      [
        "createMemoryLedger",
      ]
    `)
  })
  it('@medseal/adapter-memory/node exports exactly these names', () => {
    expect(Object.keys(node).sort()).toMatchInlineSnapshot(`
      [
        "createFileLedger",
        "createFileStore",
      ]
    `)
  })
})
