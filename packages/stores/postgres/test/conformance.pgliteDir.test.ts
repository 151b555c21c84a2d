// The store conformance suite on PGlite on a directory (locked, see openPgliteDirectory): one directory for the
// file, emptied before every test.
import type { SqlDatabase } from '@medseal/store-postgres'
import { afterAll, beforeAll } from 'vitest'
import { describePostgresConformance, resetSchema } from './_conformance.js'
import { directoryPglite } from './_servers.js'

let opened: Awaited<ReturnType<typeof directoryPglite>> | undefined
let db: SqlDatabase
beforeAll(async () => {
  opened = await directoryPglite()
  db = opened.db
}, 120_000)
afterAll(async () => {
  await opened?.cleanup()
})

describePostgresConformance('PGlite on a directory', async () => {
  await resetSchema(db)
  return { db, cleanup: async () => {} }
})
