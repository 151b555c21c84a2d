import { describe, expect, it } from 'vitest'
import { createAccessLog } from '../accessLog/createAccessLog.js'
import { bytesToHex, bytesToHex0x, randomBytes } from '../bytes/index.js'
import { clockedLedger } from '../consent/_testLedger.js'
import { grantConsent } from '../consent/grantConsent.js'
import { createVaultKey, type VaultKey } from '../envelope/createVaultKey.js'
import { encodeEnvelope } from '../envelope/encodeEnvelope.js'
import { open } from '../envelope/open.js'
import { receiveVaultKey } from '../envelope/receiveVaultKey.js'
import { sealBatch } from '../envelope/sealBatch.js'
import { shareVaultKey } from '../envelope/shareVaultKey.js'
import { shredRecord } from '../erasure/shredRecord.js'
import { InvalidArgumentError } from '../errors/base.js'
import { createParty } from '../identity/createParty.js'
import { createCustodian } from './createCustodian.js'
import { createDeposit } from './depositStatement.js'
import { createKeyRequest } from './keyRequest.js'

const records = Array.from({ length: 4 }, (_, i) => ({
  resourceType: 'Observation',
  id: `hr-${i}`,
  status: 'final',
  code: { text: 'Heart rate' },
  valueQuantity: { value: 60 + i, unit: '/min' },
}))

/** A custodian that knows the vault keys shared with it (received once each, by HPKE). */
async function setup(custodianRecipient: 'shared' | 'own') {
  const { ledger, clock } = clockedLedger('custodian-vault')
  const [patient, doctor, vendor] = [createParty(), createParty(), createParty()]
  const log = await createAccessLog({ operator: vendor, ledger, name: 'access' })
  const known = new Map<string, VaultKey>()
  const custodian = createCustodian({
    party: vendor,
    ledger,
    log,
    now: () => clock.now * 1000,
    vaultKeys: (keyId) => known.get(bytesToHex(keyId)),
  })
  // the patient app: its own vault key, plus a channel key shared once with the custodian
  const patientVault = createVaultKey({ party: patient })
  let custodianVault: VaultKey
  if (custodianRecipient === 'shared') {
    const channel = createVaultKey({ secret: randomBytes(32) })
    const received = await receiveVaultKey(await shareVaultKey(channel, custodian.identity), vendor)
    known.set(bytesToHex(received.keyId), received)
    custodianVault = channel
  } else {
    custodianVault = createVaultKey({ party: vendor }) // the vendor seals its own onboarding batch
  }
  const sealed = await sealBatch(records, { recipients: [patientVault, custodianVault] })
  for (const s of sealed)
    await custodian.deposit(
      await createDeposit({
        owner: patient,
        envelope: s.envelope,
        custodian: custodian.identity,
        domain: ledger.domain,
      }),
    )
  const { token } = await grantConsent(ledger, {
    party: patient,
    grantee: doctor,
    resourceTypes: ['Observation'],
    actions: ['read'],
    purposes: ['TREAT'],
    durationSeconds: 3600,
  })
  const ask = async (commitment: Uint8Array) =>
    createKeyRequest(doctor, ledger.domain, {
      consentId: token.consent.id,
      grantor: token.consent.grantor,
      commitment: bytesToHex0x(commitment),
      action: 'read',
      purpose: 'TREAT',
      issuedAt: await ledger.getTime(),
      custodian: custodian.identity,
    })
  return { ledger, patient, doctor, custodian, sealed, ask, known }
}

describe('custodian with vault-wrapped records', () => {
  for (const kind of ['shared', 'own'] as const)
    it(`releases a ${kind} vault record to a grantee by HPKE, and shreds it`, async () => {
      const s = await setup(kind)
      const first = s.sealed[0]!
      const { envelope } = await s.custodian.releaseKey(await s.ask(first.commitment))
      expect(envelope.recipients).toHaveLength(1)
      expect(envelope.recipients[0]!.type ?? 'hpke').toBe('hpke')
      expect((await open(encodeEnvelope(envelope), s.doctor)).value).toEqual(records[0])
      await shredRecord(
        { ledger: s.ledger, custodian: s.custodian },
        { owner: s.patient, commitment: bytesToHex0x(first.commitment) },
      )
      await expect(s.custodian.releaseKey(await s.ask(first.commitment))).rejects.toMatchObject({
        code: 'RECORD_SHREDDED',
      })
      // the other records are untouched
      const second = await s.custodian.releaseKey(await s.ask(s.sealed[1]!.commitment))
      expect((await open(second.envelope, s.doctor)).value).toEqual(records[1])
    })

  it('refuses a deposit it cannot open (unknown vault key) and a bad vaultKeys option', async () => {
    const s = await setup('shared')
    s.known.clear()
    const again = await sealBatch([records[0]], {
      recipients: [createVaultKey({ party: s.patient }), createVaultKey({ secret: randomBytes(32) })],
    })
    await expect(
      s.custodian.deposit(
        await createDeposit({
          owner: s.patient,
          envelope: again[0]!.envelope,
          custodian: s.custodian.identity,
          domain: s.ledger.domain,
        }),
      ),
    ).rejects.toMatchObject({ code: 'NOT_A_RECIPIENT' })
    expect(() =>
      createCustodian({
        party: createParty(),
        ledger: s.ledger,
        log: { append: async () => 0 } as never,
        vaultKeys: 'x' as never,
      }),
    ).toThrow(InvalidArgumentError)
  })
})
