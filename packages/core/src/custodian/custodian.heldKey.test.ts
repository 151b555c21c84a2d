import { afterEach, describe, expect, it, vi } from 'vitest'
import { createAccessLog } from '../accessLog/createAccessLog.js'
import { createMemoryAccessLogStore } from '../accessLog/store.js'
import { bytesToHex0x } from '../bytes/index.js'
import { createMemoryLedger } from '../consent/_testLedger.js'
import { grantConsent } from '../consent/grantConsent.js'
import { open } from '../envelope/open.js'
import { seal } from '../envelope/seal.js'
import { createDhkemX25519 } from '../hpke/kem.js'
import { createParty } from '../identity/createParty.js'
import { createCustodian } from './createCustodian.js'
import { createMemoryCustodianStore } from './custodianStore.js'
import { createDeposit } from './depositStatement.js'
import { createKeyRequest } from './keyRequest.js'

afterEach(() => {
  vi.restoreAllMocks()
})

describe('custodian: its X25519 key is imported once, not once per release', () => {
  it('releases open for the requester while the custodian imports its key once', async () => {
    const [patient, doctor, vendor] = [31, 32, 33].map((n) => createParty({ seed: new Uint8Array(32).fill(n) }))
    if (!patient || !doctor || !vendor) throw new Error('parties')
    const ledger = createMemoryLedger({ id: 'held-key' })
    const log = await createAccessLog({ operator: vendor, ledger, name: 'held', store: createMemoryAccessLogStore() })
    const custodian = createCustodian({ party: vendor, ledger, log, store: createMemoryCustodianStore() })
    const sealed = await seal({ resourceType: 'Observation', status: 'final' }, { recipients: [patient, vendor] })
    const deposit = createDeposit({
      owner: patient,
      envelope: sealed.envelope,
      custodian: vendor,
      domain: ledger.domain,
    })
    await createDhkemX25519({ backend: 'webcrypto' }).generateKeyPair() // WebCrypto X25519 is here (Node 20, Chromium)
    const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey')
    const privateImports = () => importKey.mock.calls.filter((call) => (call[0] as string) === 'jwk').length
    await custodian.deposit(await deposit)
    const { token } = await grantConsent(ledger, {
      party: patient,
      grantee: doctor,
      resourceTypes: ['Observation'],
      actions: ['read'],
      purposes: ['TREAT'],
      durationSeconds: 3_600,
    })
    for (let i = 0; i < 3; i++) {
      const released = await custodian.releaseKey(
        createKeyRequest(doctor, ledger.domain, {
          consentId: token.consent.id,
          grantor: patient,
          commitment: bytesToHex0x(sealed.commitment),
          action: 'read',
          purpose: 'TREAT',
          issuedAt: await ledger.getTime(),
          custodian: vendor,
        }),
      )
      expect((await open(released.envelope, doctor)).value).toEqual({ resourceType: 'Observation', status: 'final' })
    }
    // the doctor's three opens import the doctor's key each time; the custodian's deposit and releases once in all
    expect(privateImports()).toBe(1 + 3)
  })
})
