import conditionText from '@vectors/fhir/examples/Condition-example.json?raw'
import { describe, expect, it } from 'vitest'
import { createAccessLog } from '../accessLog/createAccessLog.js'
import { createAnchorer } from '../anchor/createAnchorer.js'
import { verifyRecord } from '../anchor/verifyRecord.js'
import { bytesToHex0x } from '../bytes/index.js'
import { clockedLedger } from '../consent/_testLedger.js'
import { createCustodian } from '../custodian/createCustodian.js'
import { createDeposit } from '../custodian/depositStatement.js'
import { signTombstone, verifySignedTombstone } from '../eip712/structures.js'
import { computeCommitment } from '../envelope/computeCommitment.js'
import { decodeEnvelope } from '../envelope/decodeEnvelope.js'
import { encodeEnvelope } from '../envelope/encodeEnvelope.js'
import { open } from '../envelope/open.js'
import { seal } from '../envelope/seal.js'
import { LedgerError } from '../errors/base.js'
import { createParty } from '../identity/createParty.js'
import type { LedgerAdapter } from '../ledger/types.js'
import { openUnlessShredded, shredRecord } from './shredRecord.js'

const condition = JSON.parse(conditionText) as Record<string, unknown>

async function setup() {
  const { ledger } = clockedLedger('erasure')
  const [patient, vendor, other] = [createParty(), createParty(), createParty()]
  const log = await createAccessLog({ operator: vendor, ledger, name: 'access' })
  const custodian = createCustodian({ party: vendor, ledger, log })
  const sealed = await seal(condition, { recipients: [patient, custodian.identity] })
  const deposit = await createDeposit({
    owner: patient,
    envelope: sealed.envelope,
    custodian: custodian.identity,
    domain: ledger.domain,
  })
  await custodian.deposit(deposit)
  const anchorer = createAnchorer(ledger)
  const receipt = await anchorer.add(sealed.commitment)
  await anchorer.close()
  return {
    ledger,
    log,
    patient,
    vendor,
    other,
    custodian,
    sealed,
    deposit,
    receipt,
    commitment: bytesToHex0x(sealed.commitment),
  }
}

describe('shredRecord', () => {
  it('destroys the keys and salt the SDK holds and anchors a signed tombstone', async () => {
    const s = await setup()
    const opened = await open(s.sealed.envelope, s.patient)
    expect(
      await verifyRecord(s.ledger, { receipt: s.receipt, envelope: s.sealed.envelope, party: s.patient }),
    ).toBeDefined()
    const { tombstone, wipedEnvelopes } = await shredRecord(
      { ledger: s.ledger, custodian: s.custodian },
      { owner: s.patient, commitment: s.sealed.commitment, envelopes: [s.sealed.envelope] },
    )
    expect(wipedEnvelopes).toBe(1)
    expect(
      verifySignedTombstone(s.ledger.domain, { tombstone: tombstone.tombstone, signature: tombstone.signature }),
    ).toMatchObject({
      commitment: s.commitment,
      owner: s.patient.address,
    })
    expect(await s.ledger.getTombstone(s.commitment, s.patient.address)).toMatchObject({
      tombstone: { commitment: s.commitment },
    })
    // where the SDK knows: RECORD_SHREDDED
    await expect(
      openUnlessShredded(s.ledger, {
        envelope: s.sealed.envelope,
        commitment: s.commitment,
        party: s.patient,
        owner: s.patient,
      }),
    ).rejects.toMatchObject({ name: 'EnvelopeError', code: 'RECORD_SHREDDED' })
    // otherwise: the wraps are gone, so nothing decrypts
    await expect(open(s.sealed.envelope, s.patient)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' })
    await expect(open(s.sealed.envelope, s.vendor)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' })
    // the custodian holds nothing any more
    const entry = await s.custodian.getEntry(s.commitment)
    expect(entry).toMatchObject({ shredded: true })
    expect(entry?.envelope).toBeUndefined()
    await expect(s.custodian.deposit(s.deposit)).rejects.toBeDefined()
    // verify cannot link the commitment to the content: the content alone (without the destroyed salt) does not
    // reproduce it, and the receipt can no longer be checked from the envelope
    expect(bytesToHex0x(computeCommitment(new Uint8Array(32), opened.canonical))).not.toBe(s.commitment)
    await expect(
      verifyRecord(s.ledger, { receipt: s.receipt, envelope: s.sealed.envelope, party: s.patient }),
    ).rejects.toMatchObject({ code: 'DECRYPT_FAILED' })
  })

  it('is idempotent, and only the owner can erase', async () => {
    const s = await setup()
    await expect(
      shredRecord({ ledger: s.ledger, custodian: s.custodian }, { owner: s.other, commitment: s.commitment }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect(await open(s.sealed.envelope, s.patient)).toBeDefined()
    const first = await shredRecord(
      { ledger: s.ledger, custodian: s.custodian },
      { owner: s.patient, commitment: s.commitment },
    )
    const again = await shredRecord(
      { ledger: s.ledger, custodian: s.custodian },
      { owner: s.patient, commitment: s.commitment },
    )
    expect(again.tombstone.ref).toEqual(first.tombstone.ref)
  })

  it('review #4: a tombstone signed by someone else than the owner erases nothing and blocks nothing', async () => {
    const s = await setup()
    await s.ledger.recordTombstone(
      signTombstone(s.other, s.ledger.domain, { commitment: s.commitment, owner: s.other.address }),
    )
    const params = { envelope: s.sealed.envelope, commitment: s.commitment, party: s.patient }
    expect((await openUnlessShredded(s.ledger, { ...params, owner: s.patient.address })).value).toEqual(condition)
    // the owner is not optional any more: without it a stranger's tombstone could erase the record
    await expect(openUnlessShredded(s.ledger, params as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    // the custodian does not destroy anything on a stranger's tombstone
    await expect(s.custodian.shred(s.commitment)).rejects.toMatchObject({ code: 'ACCESS_DENIED' })
    expect((await s.custodian.getEntry(s.commitment))?.shredded).toBeUndefined()
    // and the owner's own shred still gets its receipt
    const { tombstone } = await shredRecord(
      { ledger: s.ledger, custodian: s.custodian },
      { owner: s.patient, commitment: s.commitment },
    )
    expect(tombstone.tombstone.owner).toBe(s.patient.address)
    expect((await s.custodian.getEntry(s.commitment))?.shredded).toBe(true)
  })

  it('review #4: a failed tombstone write destroys nothing and can be retried (named error)', async () => {
    const s = await setup()
    const state = { fail: 'sdk' as 'sdk' | 'raw' | 'none' }
    const flaky: LedgerAdapter = Object.freeze({
      ...s.ledger,
      recordTombstone: async (signed: Parameters<LedgerAdapter['recordTombstone']>[0]) => {
        if (state.fail === 'sdk') throw new LedgerError('LEDGER_UNAVAILABLE', 'The ledger cannot be reached.')
        if (state.fail === 'raw') throw new Error('socket hang up')
        return s.ledger.recordTombstone(signed)
      },
    })
    const copy = decodeEnvelope(encodeEnvelope(s.sealed.envelope))
    const run = () =>
      shredRecord(
        { ledger: flaky, custodian: s.custodian },
        { owner: s.patient, commitment: s.commitment, envelopes: [copy] },
      )
    await expect(run()).rejects.toMatchObject({ name: 'LedgerError', code: 'LEDGER_UNAVAILABLE' })
    state.fail = 'raw'
    await expect(run()).rejects.toMatchObject({ name: 'LedgerError', code: 'LEDGER_WRITE_FAILED' })
    // nothing was destroyed: the custodian still holds its wraps, the patient's copy still opens
    expect((await s.custodian.getEntry(s.commitment))?.envelope).toBeDefined()
    expect((await open(copy, s.patient)).value).toEqual(condition)
    expect(await s.ledger.getTombstone(s.commitment, s.patient.address)).toBeUndefined()
    state.fail = 'none'
    const { tombstone } = await run()
    expect(tombstone.tombstone.commitment).toBe(s.commitment)
    expect((await s.custodian.getEntry(s.commitment))?.shredded).toBe(true)
    await expect(open(copy, s.patient)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' })
  })

  it('rejects bad parameters', async () => {
    const s = await setup()
    await expect(shredRecord({} as never, { owner: s.patient, commitment: s.commitment })).rejects.toMatchObject({
      code: 'INVALID_TYPE',
    })
    await expect(
      shredRecord({ ledger: s.ledger }, { owner: s.patient, commitment: '0x12' as never }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    await expect(
      shredRecord({ ledger: s.ledger }, { owner: {} as never, commitment: s.commitment }),
    ).rejects.toMatchObject({ code: 'INVALID_TYPE' })
  })
})
