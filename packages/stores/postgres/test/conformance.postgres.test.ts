// The store conformance suite on a real PostgreSQL server (started for this file on 127.0.0.1 and a free port,
// stopped after): a new database per test, and a second pool on it as a second process would have.
import type { SqlDatabase } from '@medseal/store-postgres'
import type { PostgresServer } from '@medseal/store-postgres/testing'
import { afterAll, beforeAll } from 'vitest'
import { describeBatching } from './_batching.js'
import { describePostgresConformance } from './_conformance.js'
import { describeGroupCommit } from './_groupCommit.js'
import { serverDatabase, startPostgres } from './_servers.js'

let server: PostgresServer
beforeAll(async () => {
  server = await startPostgres()
}, 120_000)
afterAll(async () => {
  await server?.stop()
})

describePostgresConformance('PostgreSQL server', async () => {
  const { open } = await serverDatabase(server)
  const db = open()
  const other = open()
  let secondUsed = false
  let restarted: SqlDatabase | undefined
  return {
    db,
    second: () => {
      secondUsed = true
      return other
    },
    reopen: async () => {
      await db.close()
      restarted = open()
      return restarted
    },
    cleanup: async () => {
      await db.close()
      await restarted?.close()
      if (!secondUsed) await other.close()
    },
  }
})

describeGroupCommit('PostgreSQL server', async () => {
  const { open } = await serverDatabase(server)
  const db = open()
  return { db, cleanup: () => db.close() }
})

describeBatching('PostgreSQL server', async () => {
  const { open } = await serverDatabase(server)
  const db = open()
  const second = open()
  return { db, second, cleanup: async () => Promise.all([db.close(), second.close()]).then(() => {}) }
})
