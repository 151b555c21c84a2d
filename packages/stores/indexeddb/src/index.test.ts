import { isSdkError } from '@medseal/core'
import { describe, expect, it } from 'vitest'
import * as main from './index.js'

describe('@medseal/store-indexeddb', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(main).sort()).toMatchInlineSnapshot(`
      [
        "createIndexedDbAccessLogStore",
        "createIndexedDbAnchorStore",
        "createIndexedDbBreakGlassStore",
        "createIndexedDbCustodianStore",
        "createIndexedDbSyncCheckpointStore",
        "openIndexedDb",
      ]
    `)
  })

  it('where there is no IndexedDB (Node), openIndexedDb fails with STORE_UNAVAILABLE', async () => {
    expect(globalThis.indexedDB).toBeUndefined()
    const err = await main.openIndexedDb().catch((e: unknown) => e)
    expect(isSdkError(err, 'STORE_UNAVAILABLE')).toBe(true)
  })
})
