import * as root from '@medseal/store-postgres'
import * as node from '@medseal/store-postgres/node'
import * as testing from '@medseal/store-postgres/testing'
import { expect, it } from 'vitest'

it('exports exactly these names from each entry point', () => {
  expect(Object.keys(root).sort()).toMatchInlineSnapshot(`
    [
      "SCHEMA_VERSION",
      "createPgliteDatabase",
      "createPostgresShlStore",
      "createPostgresStores",
      "migrate",
    ]
  `)
  expect(Object.keys(node).sort()).toMatchInlineSnapshot(`
    [
      "createPgDatabase",
      "openPgliteDirectory",
    ]
  `)
  expect(Object.keys(testing).sort()).toMatchInlineSnapshot(`
    [
      "startPostgres",
      "tamperPostgresStores",
    ]
  `)
})
