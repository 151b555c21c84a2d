import { describe, expect, it } from 'vitest'
import { createMemoryLedger } from '../consent/_testLedger.js'
import { open } from '../envelope/open.js'
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

  it('custodianWrap: vault seals the record to the custodian’s vault key; releases work the same', async () => {
    const ledger = createMemoryLedger({ id: 'release-fixture-vault' })
    const { custodian, sealed, keyRequest, doctor, vendor } = await createReleaseFixture({
      ledger,
      custodianWrap: 'vault',
    })
    const types = sealed.envelope.recipients.map((r) => r.type ?? 'hpke').sort()
    expect(types).toEqual(['hpke', 'vault'])
    // the vendor opens its vault wrap (no HPKE wrap of its own)
    expect((await open(sealed.envelope, vendor)).value).toMatchObject({ resourceType: 'Observation' })
    const { envelope } = await custodian.releaseKey(await keyRequest())
    expect((await open(envelope, doctor)).value).toMatchObject({ resourceType: 'Observation' })
  })
})
