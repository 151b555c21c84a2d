import { open } from '@medseal/core'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestService, observation } from './_testService.js'
import { createCustodianClient } from './createCustodianClient.js'
import { serve } from './serve.js'

const servers: { close(): Promise<void> }[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
})

describe('createCustodianClient over a real server on 127.0.0.1', () => {
  it('deposits, releases a key the doctor opens, reads the log, and maps refusals to SDK errors', async () => {
    const s = await createTestService()
    const server = await serve({ handler: s.handler })
    servers.push(server)
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const client = await createCustodianClient({ url: server.url })
    expect(client.identity.address).toBe(s.custodian.identity.address)
    expect(await client.health()).toMatchObject({ status: 'ok' })

    const entry = await client.deposit(await s.deposit())
    expect(entry).toMatchObject({ commitment: s.commitment, owner: s.patient.address, resourceType: 'Observation' })
    expect(await client.getEntry(s.commitment)).toMatchObject({ commitment: s.commitment })
    expect(await client.getEntry(`0x${'ab'.repeat(32)}`)).toBeUndefined()

    await expect(client.releaseKey(await s.ask(`0x${'11'.repeat(32)}`))).rejects.toMatchObject({
      name: 'ConsentError',
      code: 'CONSENT_NOT_FOUND',
    })
    const { token } = await s.grant()
    const { envelope, decision } = await client.releaseKey(await s.ask(token.consent.id))
    expect(decision.allowed).toBe(true)
    expect((await open(envelope, s.doctor)).value).toEqual(observation)

    const head = await client.accessLog.signedHead()
    expect(head.head.treeSize).toBe(2)
    const { entries } = await client.accessLog.getEvents()
    expect(entries.map((e) => e.event.outcome)).toEqual(['deny', 'permit'])
    expect(await client.accessLog.getEvent(1)).toEqual(entries[1]?.event)
    expect(await client.accessLog.proveInclusion(0, 2)).toHaveLength(1)
  })

  it('a service that cannot be reached is SERVICE_UNAVAILABLE', async () => {
    const s = await createTestService()
    const server = await serve({ handler: s.handler })
    const url = server.url
    await server.close()
    await expect(createCustodianClient({ url })).rejects.toMatchObject({
      name: 'ServiceError',
      code: 'SERVICE_UNAVAILABLE',
    })
  })
})
