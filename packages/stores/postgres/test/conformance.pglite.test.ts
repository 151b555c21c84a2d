// The store conformance suite on PGlite in memory: one PGlite for the file (creating one takes seconds), emptied
// before every test.
import type { SqlDatabase } from '@medseal/store-postgres'
import { afterAll, beforeAll } from 'vitest'
import { describeBatching } from './_batching.js'
import { describePostgresConformance, resetSchema } from './_conformance.js'
import { describeGroupCommit } from './_groupCommit.js'
import { memoryPglite } from './_servers.js'

let db: SqlDatabase
beforeAll(async () => {
  db = await memoryPglite()
}, 120_000)
afterAll(async () => {
  await db?.close()
})

describePostgresConformance('PGlite in memory', async () => {
  await resetSchema(db)
  return { db, cleanup: async () => {} }
})

describeGroupCommit('PGlite in memory', async () => {
  await resetSchema(db)
  return { db, cleanup: async () => {} }
})

describeBatching('PGlite in memory', async () => {
  await resetSchema(db)
  return { db, second: db, cleanup: async () => {} }
})
