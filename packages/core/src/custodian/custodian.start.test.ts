import { expect, it } from 'vitest'
import { createMemoryLedger } from '../consent/_testLedger.js'
import { LedgerError } from '../errors/base.js'
import type { LedgerAdapter } from '../ledger/types.js'
import { createReleaseFixture } from '../testing/releaseFixture.js'
import { createCustodian } from './createCustodian.js'

it('a start time the ledger could not give is read again by later requests until it is known, then kept', async () => {
  const ledger = createMemoryLedger({ id: 'custodian-start' })
  const f = await createReleaseFixture({ ledger, depositNow: false })
  const plan: boolean[] = [] // the outcome of each coming getTime (true: fails); empty: works
  let calls = 0
  const flaky: LedgerAdapter = {
    ...ledger,
    getTime: async () => {
      calls++
      if (plan.shift() === true) throw new LedgerError('LEDGER_UNAVAILABLE', 'unreachable (test)')
      return ledger.getTime()
    },
  }
  plan.push(true) // the custodian's start
  const custodian = createCustodian({ party: f.vendor, ledger: flaky, log: f.log })
  await custodian.deposit(f.deposit)
  plan.push(false, true) // request 1: its time, then the start again (fails)
  await expect(custodian.releaseKey(await f.keyRequest())).rejects.toBeDefined()
  // request 2: its time, the start again (works this time): served
  const [r2, r3] = [await f.keyRequest(), await f.keyRequest()]
  const first = calls
  const { decision } = await custodian.releaseKey(r2)
  expect(decision.allowed).toBe(true)
  const second = calls
  await custodian.releaseKey(r3)
  // the start is kept: request 3 reads the ledger's time once less than request 2 did
  expect(calls - second).toBe(second - first - 1)
})
