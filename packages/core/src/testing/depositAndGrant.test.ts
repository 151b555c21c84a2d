import { describe, expect, it } from 'vitest'
import { createAccessLog } from '../accessLog/createAccessLog.js'
import { bytesToHex0x } from '../bytes/index.js'
import { createMemoryLedger } from '../consent/_testLedger.js'
import { createCustodian } from '../custodian/createCustodian.js'
import { open } from '../envelope/open.js'
import { createParty } from '../identity/createParty.js'
import { depositAndGrant } from './depositAndGrant.js'

async function custodianOn(id: string) {
  const ledger = createMemoryLedger({ id })
  const [patient, doctor, vendor] = [createParty(), createParty(), createParty()]
  const log = await createAccessLog({ operator: vendor, ledger, name: 'access' })
  return { ledger, patient, doctor, log, custodian: createCustodian({ party: vendor, ledger, log }) }
}

describe('depositAndGrant', () => {
  it('deposits the record with the custodian and grants the grantee a read its key requests are released under', async () => {
    const { ledger, patient, doctor, log, custodian } = await custodianOn('deposit-and-grant')
    const record = { resourceType: 'Observation', status: 'final', code: { text: 'Heart rate' } }
    const { sealed, commitment, token, keyRequest } = await depositAndGrant(ledger, {
      custodian,
      patient,
      grantee: doctor,
      record,
    })
    expect(commitment).toBe(bytesToHex0x(sealed.commitment))
    expect(await custodian.getEntry(commitment)).toMatchObject({ owner: patient.address, resourceType: 'Observation' })
    expect(token.consent).toMatchObject({ grantee: doctor.address, actions: ['read'], purposes: ['TREAT'] })
    expect(token.consent.expiresAt - token.consent.notBefore).toBe(3600)
    expect((await open(sealed.envelope, patient)).value).toEqual(record)
    const request = await keyRequest()
    const { envelope } = await custodian.releaseKey(request)
    expect((await open(envelope, doctor)).value).toEqual(record)
    await expect(custodian.releaseKey(request)).rejects.toMatchObject({ code: 'REQUEST_REPLAYED' })
    expect((await log.getEvent(0)).actor).toBe(doctor.address)
  })

  it('depositNow: false leaves the deposit unsent; durationSeconds sets the consent’s length', async () => {
    const { ledger, patient, doctor, custodian } = await custodianOn('deposit-and-grant-later')
    const { commitment, deposit, token, keyRequest } = await depositAndGrant(ledger, {
      custodian,
      patient,
      grantee: doctor,
      depositNow: false,
      durationSeconds: 86_400,
    })
    expect(token.consent.expiresAt - token.consent.notBefore).toBe(86_400)
    expect(await custodian.getEntry(commitment)).toBeUndefined()
    await expect(custodian.releaseKey(await keyRequest())).rejects.toMatchObject({ code: 'ACCESS_DENIED' })
    await custodian.deposit(deposit)
    expect((await custodian.releaseKey(await keyRequest())).decision.allowed).toBe(true)
  })
})
