// The store conformance suite on PGlite on a directory (locked, see openPgliteDirectory): one directory for the
// file, emptied before every test. The batching tests too: there the stores' named statements run prepared on the
// PGlite worker.
import type { SqlDatabase } from '@medseal/store-postgres'
import { openPgliteDirectory } from '@medseal/store-postgres/node'
import { afterAll, beforeAll } from 'vitest'
import { describeBatching } from './_batching.js'
import { describePostgresConformance, resetSchema } from './_conformance.js'
import { directoryPglite } from './_servers.js'

let opened: Awaited<ReturnType<typeof directoryPglite>> | undefined
let db: SqlDatabase
beforeAll(async () => {
  opened = await directoryPglite()
  db = opened.db
}, 120_000)
afterAll(async () => {
  await db?.close() // the directory's current opener (a restart test reopens it)
  await opened?.cleanup()
})

describePostgresConformance('PGlite on a directory', async () => {
  await resetSchema(db)
  return {
    db,
    reopen: async () => {
      await db.close()
      if (!opened) throw new Error('no directory')
      db = await openPgliteDirectory({ dataDir: opened.dir })
      return db
    },
    cleanup: async () => {},
  }
})

describeBatching('PGlite on a directory', async () => {
  await resetSchema(db)
  return { db, second: db, cleanup: async () => {} }
})
