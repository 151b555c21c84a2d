/**
 * Test fixture: a custodian running inside a dedicated browser worker (no DOM, no Node built-ins), driven by
 * `custodian.worker.browser.test.ts`.
 * @internal
 * @module
 */
import { createAccessLog } from '../accessLog/createAccessLog.js'
import { createMemoryLedger } from '../consent/_testLedger.js'
import { grantConsent } from '../consent/grantConsent.js'
import { open } from '../envelope/open.js'
import { seal } from '../envelope/seal.js'
import { createParty } from '../identity/createParty.js'
import { createCustodian } from './createCustodian.js'
import { createDeposit } from './depositStatement.js'
import { createKeyRequest } from './keyRequest.js'

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
    const { envelope, commitment } = await seal(record, { recipients: [patient, custodian.identity] })
    await custodian.deposit(
      await createDeposit({ owner: patient, envelope, custodian: custodian.identity, domain: ledger.domain }),
    )
    const { token } = await grantConsent(ledger, {
      party: patient,
      grantee: doctor,
      resourceTypes: ['Observation'],
      actions: ['read'],
      purposes: ['TREAT'],
      durationSeconds: 3600,
    })
    const released = await custodian.releaseKey(
      createKeyRequest(doctor, ledger.domain, {
        consentId: token.consent.id,
        grantor: token.consent.grantor,
        commitment,
        action: 'read',
        purpose: 'TREAT',
        issuedAt: await ledger.getTime(),
        custodian: custodian.identity,
      }),
    )
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
