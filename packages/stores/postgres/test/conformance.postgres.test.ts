// The store conformance suite on a real PostgreSQL server (started for this file on 127.0.0.1 and a free port,
// stopped after): a new database per test, and a second pool on it as a second process would have.
import type { PostgresServer } from '@medseal/store-postgres/testing'
import { afterAll, beforeAll } from 'vitest'
import { describePostgresConformance } from './_conformance.js'
import { serverDatabases, startPostgres } from './_servers.js'

let server: PostgresServer
beforeAll(async () => {
  server = await startPostgres()
}, 120_000)
afterAll(async () => {
  await server?.stop()
})

describePostgresConformance('PostgreSQL server', async () => {
  const [db, other] = await serverDatabases(server, 2)
  if (!db || !other) throw new Error('no databases')
  let secondUsed = false
  return {
    db,
    second: () => {
      secondUsed = true
      return other
    },
    cleanup: async () => {
      await db.close()
      if (!secondUsed) await other.close()
    },
  }
})
