/**
 * Test fixture: a custodian running inside a dedicated browser worker (no DOM, no Node built-ins), driven by
 * `custodian.worker.browser.test.ts`.
 * @internal
 * @module
 */
import { createAccessLog } from '../accessLog/createAccessLog.js'
import { createMemoryLedger } from '../consent/_testLedger.js'
import { open } from '../envelope/open.js'
import { createParty } from '../identity/createParty.js'
import { depositAndGrant } from '../testing/depositAndGrant.js'
import { createCustodian } from './createCustodian.js'

const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent) => void) | null
  postMessage: (data: unknown) => void
}

scope.onmessage = async () => {
  try {
    const now = 1_700_000_000
    const ledger = createMemoryLedger({ id: 'worker', now: () => now })
    const [patient, doctor, vendor] = [createParty(), createParty(), createParty()]
    const log = await createAccessLog({ operator: vendor, ledger, name: 'access' })
    const custodian = createCustodian({ party: vendor, ledger, log, now: () => now * 1000 })
    const record = { resourceType: 'Observation', status: 'final', code: { text: 'Heart rate' } }
    const { keyRequest } = await depositAndGrant(ledger, { custodian, patient, grantee: doctor, record })
    const released = await custodian.releaseKey(await keyRequest())
    const { value } = await open(released.envelope, doctor)
    scope.postMessage({
      ok: true,
      value,
      logSize: log.size,
      inWorker: typeof (globalThis as { document?: unknown }).document === 'undefined',
    })
  } catch (err) {
    scope.postMessage({ ok: false, error: String((err as Error)?.message ?? err) })
  }
}
