import { describe, expect, it } from 'vitest'
import { clockedLedger } from '../consent/_testLedger.js'
import type { LedgerAdapter } from '../ledger/types.js'
import { createReleaseFixture } from '../testing/releaseFixture.js'
import { createCustodian } from './createCustodian.js'
import { createMemoryCustodianStore } from './custodianStore.js'

/**
 * review 8: two custodian processes share one store (its replay memory) but read the ledger's time through their own
 * connections, so one may see it a few seconds behind the other. The one ahead forgets a digest once the request is
 * stale by its clock; the one behind must still refuse that request as a replay while it is not stale by its own.
 */
describe('review 8: a key request replayed to a custodian process whose ledger time lags another’s', () => {
  it('is refused (REQUEST_REPLAYED) after the process ahead pruned the replay memory', async () => {
    const { ledger, clock } = clockedLedger('review8-replay-lag')
    const store = createMemoryCustodianStore()
    const hostNow = () => clock.now * 1000
    const f = await createReleaseFixture({ ledger, custodian: { store, now: hostNow } })
    // the second process: same party, same store, a ledger view 20 s behind (within the 30 s future skew)
    const lag = 20
    const behind: LedgerAdapter = Object.freeze({ ...ledger, getTime: async () => (await ledger.getTime()) - lag })
    const second = createCustodian({ party: f.vendor, ledger: behind, log: f.log, store, now: hostNow })
    const request = await f.keyRequest() // dated by the first process's view: 20 s ahead of the second's, taken by both
    expect((await f.custodian.releaseKey(request)).decision.allowed).toBe(true)
    // 305 s later by the first process's view: the request is stale there, and a release there prunes the memory
    clock.now += 305
    expect((await f.custodian.releaseKey(await f.keyRequest())).decision.allowed).toBe(true)
    await expect(f.custodian.releaseKey(request)).rejects.toMatchObject({ code: 'ACCESS_DENIED' }) // stale there
    // by the second process's view it is not stale yet: the replay must be recognized
    await expect(second.releaseKey(request)).rejects.toMatchObject({ code: 'REQUEST_REPLAYED' })
  })

  it('review 9: a lag beyond the 30 s margin: the request is refused as stale (ACCESS_DENIED, logged as a deny), never released twice', async () => {
    const { ledger, clock } = clockedLedger('review9-replay-lag')
    const store = createMemoryCustodianStore()
    const hostNow = () => clock.now * 1000
    const f = await createReleaseFixture({ ledger, custodian: { store, now: hostNow } })
    // the second process sees the ledger 40 s behind: beyond the 30 s digests are kept past the window
    const lag = 40
    const behind: LedgerAdapter = Object.freeze({ ...ledger, getTime: async () => (await ledger.getTime()) - lag })
    const second = createCustodian({ party: f.vendor, ledger: behind, log: f.log, store, now: hostNow })
    const request = await f.keyRequest()
    expect((await f.custodian.releaseKey(request)).decision.allowed).toBe(true)
    // 335 s later by the first process's view: past the window and the 30 s margin there, so a release there forgets
    // the digest; by the second's view (295 s) the request is still in its window
    clock.now += 335
    expect((await f.custodian.releaseKey(await f.keyRequest())).decision.allowed).toBe(true)
    const size = f.log.size
    await expect(second.releaseKey(request)).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
      shortMessage: 'The key request is stale.',
    })
    // one entry more: the refusal, as a deny (not a second permit)
    expect(f.log.size).toBe(size + 1)
    expect(await f.log.getEvent(size)).toMatchObject({ outcome: 'deny', reason: 'ACCESS_DENIED' })
  })
})
