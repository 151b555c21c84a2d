/**
 * The custodian, break-glass and erasure fixes of the security review (issue 12) that rest on what a ledger holds
 * (tombstones by `(commitment, owner)`, standalone revocations under `consentKey(signer, id)`), run on every ledger:
 * the memory ledger, a MedsealRegistry on anvil, and the Fabric chaincode through its in-process bridge. Node only
 * (anvil and fabric-shim).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Chainbed, startChainbed } from '../../../adapters/evm/src/_testSetup.js'
import { createEvmLedger } from '../../../adapters/evm/src/createEvmLedger.js'
import {
  createInProcessFabricTransport,
  setChaincodeLogLevel,
} from '../../../adapters/fabric/chaincode/src/testing/index.js'
import { createFabricLedger } from '../../../adapters/fabric/src/createFabricLedger.js'
import { createAccessLog } from '../accessLog/createAccessLog.js'
import { createBreakGlass } from '../breakGlass/createBreakGlass.js'
import {
  createClinicianCredential,
  createEmergencyPolicy,
  signClinicianCredential,
  signEmergencyPolicy,
} from '../breakGlass/emergencyPolicy.js'
import { withdrawClinicianCredential, withdrawEmergencyPolicy } from '../breakGlass/withdraw.js'
import { createMemoryLedger } from '../consent/_testLedger.js'
import { signTombstone } from '../eip712/structures.js'
import { decodeEnvelope } from '../envelope/decodeEnvelope.js'
import { encodeEnvelope } from '../envelope/encodeEnvelope.js'
import { open } from '../envelope/open.js'
import { openUnlessShredded, shredRecord } from '../erasure/shredRecord.js'
import { createParty } from '../identity/createParty.js'
import type { LedgerAdapter } from '../ledger/types.js'
import { depositAndGrant } from '../testing/depositAndGrant.js'
import { createCustodian } from './createCustodian.js'
import { createMemoryCustodianStore } from './custodianStore.js'

setChaincodeLogLevel('CRITICAL')

let bed: Chainbed | undefined
beforeAll(async () => {
  bed = await startChainbed()
}, 120_000)
afterAll(async () => {
  await bed?.stop()
})

type Harness = { ledger: LedgerAdapter; cleanup?: () => Promise<void> }

const ledgers: [string, () => Promise<Harness>][] = [
  ['memory', async () => ({ ledger: createMemoryLedger({ id: `custodian-review-${Math.random()}` }) })],
  [
    'evm (anvil)',
    async () => {
      if (!bed) throw new Error('anvil did not start')
      const address = await bed.deploy()
      return {
        ledger: await createEvmLedger({ publicClient: bed.publicClient, walletClient: bed.wallet(0), address }),
      }
    },
  ],
  [
    'fabric (in-process bridge)',
    async () => {
      const transport = createInProcessFabricTransport({ channel: 'mychannel', chaincode: 'medseal' })
      const ledger = createFabricLedger({ transport, channel: 'mychannel', chaincode: 'medseal', retryDelayMs: 5 })
      return { ledger, cleanup: async () => transport.close() }
    },
  ],
]

const record = { resourceType: 'Observation', status: 'final', code: { text: 'Heart rate' } }

for (const [name, make] of ledgers) {
  describe(`custodian on ${name}: security review (issue 12)`, () => {
    it('review #1 / review #4: the owner’s tombstone on the ledger refuses the record everywhere; a stranger’s refuses nothing', async () => {
      const { ledger, cleanup } = await make()
      try {
        const [patient, vendor, doctor, stranger] = [createParty(), createParty(), createParty(), createParty()]
        const log = await createAccessLog({ operator: vendor, ledger, name: 'access' })
        const store = createMemoryCustodianStore()
        const custodian = createCustodian({ party: vendor, ledger, log, store })
        const {
          sealed: { envelope, commitment },
          commitment: c,
          deposit,
          keyRequest,
        } = await depositAndGrant(ledger, { custodian, patient, grantee: doctor, record })
        // `restored` below is the same vendor: a request made for `custodian` is made for it too
        const ask = async (who = custodian) => who.releaseKey(await keyRequest())
        // a stranger's tombstone for the patient's commitment blocks nothing
        await ledger.recordTombstone(signTombstone(stranger, ledger.domain, { commitment: c, owner: stranger.address }))
        await expect(ask()).resolves.toBeDefined()
        expect(
          (await openUnlessShredded(ledger, { envelope, commitment, party: patient, owner: patient })).value,
        ).toEqual(record)
        // a backup of the store, taken before the erasure
        const saved = await store.getEntry(c)
        const backup = createMemoryCustodianStore()
        if (saved?.envelope)
          await backup.putEntry({ ...saved, envelope: decodeEnvelope(encodeEnvelope(saved.envelope)) })
        const copy = decodeEnvelope(encodeEnvelope(envelope))
        await shredRecord({ ledger, custodian }, { owner: patient, commitment: c, envelopes: [envelope] })
        await expect(ask()).rejects.toMatchObject({ code: 'RECORD_SHREDDED' })
        // restored from the backup, or empty: still erased
        const restored = createCustodian({ party: vendor, ledger, log, store: backup })
        await expect(ask(restored)).rejects.toMatchObject({ code: 'RECORD_SHREDDED' })
        const empty = createCustodian({ party: vendor, ledger, log })
        await expect(empty.deposit({ ...deposit, envelope: copy })).rejects.toMatchObject({ code: 'RECORD_SHREDDED' })
        await expect(
          openUnlessShredded(ledger, { envelope: copy, commitment, party: patient, owner: patient }),
        ).rejects.toMatchObject({ code: 'RECORD_SHREDDED' })
        expect((await open(copy, patient)).value).toEqual(record) // only a copy made before: out of erasure's reach
      } finally {
        await cleanup?.()
      }
    })

    it('review #10: a withdrawn emergency policy or credential is refused at accept and at every use', async () => {
      const { ledger, cleanup } = await make()
      try {
        const [patient, hospital, clinician, vendor] = [createParty(), createParty(), createParty(), createParty()]
        const log = await createAccessLog({ operator: vendor, ledger, name: 'access' })
        const emergency = createBreakGlass({ ledger, log })
        const now = await ledger.getTime()
        const policy = signEmergencyPolicy(
          patient,
          ledger.domain,
          createEmergencyPolicy({
            patient,
            resourceTypes: ['Observation'],
            issuers: [hospital],
            role: 'emergency-physician',
            maxDuration: 3600,
            notBefore: now - 60,
            expiresAt: now + 86_400,
          }),
        )
        const credential = signClinicianCredential(
          hospital,
          ledger.domain,
          createClinicianCredential({
            issuer: hospital,
            subject: clinician,
            role: 'emergency-physician',
            notBefore: now - 60,
            expiresAt: now + 86_400,
          }),
        )
        const grant = await emergency.breakGlass({ clinician, policy, credential, reason: 'Trauma' })
        const use = () =>
          emergency.authorizeEmergency({
            grantId: grant.id,
            grantee: clinician,
            action: 'read',
            purpose: 'ETREAT',
            record: { commitment: `0x${'aa'.repeat(32)}`, resourceType: 'Observation', owner: patient.address },
          })
        expect((await use()).allowed).toBe(true)
        await withdrawClinicianCredential(ledger, { party: hospital, credentialId: credential.credential.id })
        expect((await use()).reason).toBe('CONSENT_REVOKED')
        await withdrawEmergencyPolicy(ledger, { party: patient, policyId: policy.policy.id })
        await expect(emergency.breakGlass({ clinician, policy, credential, reason: 'Again' })).rejects.toMatchObject({
          code: 'CONSENT_REVOKED',
        })
      } finally {
        await cleanup?.()
      }
    })
  })
}
