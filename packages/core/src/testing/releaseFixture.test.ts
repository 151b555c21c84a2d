import { describe, expect, it } from 'vitest'
import { createMemoryLedger } from '../consent/_testLedger.js'
import { createReleaseFixture } from './releaseFixture.js'

describe('createReleaseFixture', () => {
  it('a custodian holding the record, a consent, and key requests the custodian releases once each', async () => {
    const ledger = createMemoryLedger({ id: 'release-fixture' })
    const { custodian, keyRequest, sealed, doctor, log } = await createReleaseFixture({ ledger, seeds: [7, 8, 9] })
    expect(await custodian.getEntry(sealed.commitment)).toBeDefined()
    const request = await keyRequest()
    const { decision } = await custodian.releaseKey(request)
    expect(decision.allowed).toBe(true)
    await expect(custodian.releaseKey(request)).rejects.toMatchObject({ code: 'REQUEST_REPLAYED' })
    expect((await log.getEvent(0)).actor).toBe(doctor.address)
  })

  it('depositNow: false leaves the deposit unsent', async () => {
    const ledger = createMemoryLedger({ id: 'release-fixture-no-deposit' })
    const { custodian, deposit, sealed, keyRequest } = await createReleaseFixture({ ledger, depositNow: false })
    expect(await custodian.getEntry(sealed.commitment)).toBeUndefined()
    await expect(custodian.releaseKey(await keyRequest())).rejects.toMatchObject({ code: 'ACCESS_DENIED' })
    await custodian.deposit(deposit)
    expect((await custodian.releaseKey(await keyRequest())).decision.allowed).toBe(true)
  })
})
