/**
 * startPostgres when the port it picked is taken before the server binds it: by a process that only holds it, or by
 * another test's PostgreSQL server (same user, trust authentication) that would answer the readiness check.
 */
import { createServer, type Server } from 'node:net'
import { isSdkError } from '@medseal/core'
import { startPostgres } from '@medseal/store-postgres/testing'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { _startPostgres } from '../src/testing/startPostgres.js'

const dataDirectory = async (url: string) => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<{ data_directory: string }>('SHOW data_directory')).rows[0]?.data_directory
  } finally {
    await client.end()
  }
}

describe('startPostgres: a port taken between choosing and binding it', () => {
  let holder: Server
  let held: number
  beforeAll(async () => {
    holder = createServer((socket) => socket.destroy()) // holds the port, answers nothing
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r))
    held = (holder.address() as { port: number }).port
  })
  afterAll(() => new Promise((r) => holder.close(r)))

  it('passes over a port held by a process and one held by another PostgreSQL server, and starts on the next', async () => {
    const other = await startPostgres()
    try {
      const candidates = [held, other.port]
      const picked: number[] = []
      const next = async () => {
        const port = candidates.shift() ?? (await freePort())
        picked.push(port)
        return port
      }
      const server = await _startPostgres({}, next)
      try {
        expect(picked.slice(0, 2)).toEqual([held, other.port])
        expect(server.port).toBe(picked.at(-1))
        expect([held, other.port]).not.toContain(server.port)
        // each answers as itself: ours is not the other server, and the other one is untouched
        const [ours, theirs] = [
          await dataDirectory(server.connectionString()),
          await dataDirectory(other.connectionString()),
        ]
        expect(ours).not.toBe(theirs)
        await server.createDatabase('after_race')
      } finally {
        await server.stop()
      }
    } finally {
      await other.stop()
    }
  })

  it('gives up with STORE_UNAVAILABLE after a bounded number of taken ports', async () => {
    let asked = 0
    const e = await _startPostgres({}, async () => {
      asked++
      return held
    }).catch((err: unknown) => err)
    expect(isSdkError(e, 'STORE_UNAVAILABLE')).toBe(true)
    expect(String((e as { message: string }).message)).toMatch(/ports in a row were taken/)
    expect(asked).toBe(5)
  })
})

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}
