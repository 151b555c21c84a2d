import allergyText from '@vectors/fhir/examples/AllergyIntolerance-example.json?raw'
import conditionText from '@vectors/fhir/examples/Condition-example.json?raw'
import bpText from '@vectors/fhir/examples/Observation-body-temperature.json?raw'
import { describe, expect, it } from 'vitest'
import { createAccessLog } from '../accessLog/createAccessLog.js'
import type { AccessLogStore } from '../accessLog/store.js'
import { createMemoryAccessLogStore } from '../accessLog/store.js'
import { createBreakGlass, emergencyAccessTypes } from '../breakGlass/createBreakGlass.js'
import {
  createClinicianCredential,
  createEmergencyPolicy,
  signClinicianCredential,
  signEmergencyPolicy,
} from '../breakGlass/emergencyPolicy.js'
import { withdrawClinicianCredential, withdrawEmergencyPolicy } from '../breakGlass/withdraw.js'
import { bytesToHex0x } from '../bytes/index.js'
import { clockedLedger } from '../consent/_testLedger.js'
import { ZERO_BYTES32 } from '../consent/_validate.js'
import { createConsentCache } from '../consent/consentCache.js'
import { grantConsent } from '../consent/grantConsent.js'
import { revokeConsent } from '../consent/revokeConsent.js'
import type { ConsentAction } from '../consent/types.js'
import { signTypedData } from '../eip712/signTypedData.js'
import { decodeEnvelope } from '../envelope/decodeEnvelope.js'
import { encodeEnvelope } from '../envelope/encodeEnvelope.js'
import { open } from '../envelope/open.js'
import { seal } from '../envelope/seal.js'
import type { Envelope } from '../envelope/types.js'
import { unwrapDataKey } from '../envelope/unwrapDataKey.js'
import { shredRecord } from '../erasure/shredRecord.js'
import { ConsentError } from '../errors/base.js'
import { createParty } from '../identity/createParty.js'
import type { Party } from '../identity/types.js'
import { consentKey } from '../ledger/consentKey.js'
import type { Address, Hex } from '../types.js'
import { createCustodian } from './createCustodian.js'
import { createMemoryCustodianStore } from './custodianStore.js'
import {
  computeDepositProof,
  createDeposit,
  depositStatementTypes,
  hashDepositStatement,
  signDepositStatement,
} from './depositStatement.js'
import { createKeyRequest, verifyKeyRequest } from './keyRequest.js'
import { shareRecords } from './shareRecords.js'

const allergy = JSON.parse(allergyText) as Record<string, unknown>
const condition = JSON.parse(conditionText) as Record<string, unknown>
const bp = JSON.parse(bpText) as Record<string, unknown>

const psychNote = {
  resourceType: 'Observation',
  status: 'final',
  meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'PSY' }] },
  code: { text: 'Mood assessment' },
}

/** An access-log store that fails while `failing` is set (the log itself is real). */
function switchableStore(): { store: AccessLogStore; state: { failing: boolean } } {
  const inner = createMemoryAccessLogStore()
  const state = { failing: false }
  return {
    state,
    store: {
      size: inner.size,
      get: inner.get,
      getNodes: inner.getNodes,
      append: async (leaves) => {
        if (state.failing) throw new Error('disk full')
        return inner.append(leaves)
      },
    },
  }
}

async function setup() {
  const { ledger, clock } = clockedLedger('custodian')
  const [patient, doctor, nurse, vendor] = [0, 1, 2, 3].map(() => createParty()) as [Party, Party, Party, Party]
  const logStore = switchableStore()
  const log = await createAccessLog({ operator: vendor, ledger, name: 'access', store: logStore.store })
  const store = createMemoryCustodianStore()
  const custodian = createCustodian({ party: vendor, ledger, log, store, now: () => clock.now * 1000 })
  const sealed = await Promise.all(
    [bp, condition, psychNote, allergy].map((r) => seal(r, { recipients: [patient, custodian.identity] })),
  )
  const depositFor = (
    owner: Party,
    envelope: Envelope,
    over: { previous?: Hex | Uint8Array; depositor?: Party } = {},
  ) => createDeposit({ owner, envelope, custodian: custodian.identity, domain: ledger.domain, ...over })
  for (const s of sealed) await custodian.deposit(await depositFor(patient, s.envelope))
  const [obs, cond, psy] = sealed.map((s) => ({ ...s, id: bytesToHex0x(s.commitment) })) as [
    (typeof sealed)[0] & { id: Hex },
    (typeof sealed)[0] & { id: Hex },
    (typeof sealed)[0] & { id: Hex },
  ]
  const { token } = await grantConsent(ledger, {
    party: patient,
    grantee: doctor,
    resourceTypes: ['Observation'],
    exclude: ['PSY'],
    actions: ['read'],
    purposes: ['TREAT'],
    durationSeconds: 3600,
  })
  const ask = async (
    who: Party,
    commitment: Hex,
    over: { purpose?: string; consentId?: Hex; issuedAt?: number; action?: ConsentAction; grantor?: Address } = {},
  ) =>
    createKeyRequest(who, ledger.domain, {
      consentId: over.consentId ?? token.consent.id,
      grantor: over.grantor ?? token.consent.grantor,
      commitment,
      action: over.action ?? 'read',
      purpose: over.purpose ?? 'TREAT',
      issuedAt: over.issuedAt ?? (await ledger.getTime()),
      custodian: custodian.identity,
    })
  return {
    key: consentKey(patient.address, token.consent.id),
    ledger,
    clock,
    patient,
    doctor,
    nurse,
    vendor,
    log,
    logStore,
    store,
    custodian,
    obs,
    cond,
    psy,
    token,
    ask,
    depositFor,
  }
}

describe('custodian', () => {
  it('indexes records from their sealed content', async () => {
    const s = await setup()
    expect(await s.custodian.getEntry(s.obs.id)).toMatchObject({
      resourceType: 'Observation',
      labels: [],
      owner: s.patient.address,
    })
    expect((await s.custodian.getEntry(s.psy.id))?.labels).toEqual(['PSY'])
    // a statement for another record than the envelope holds
    const forCond = await s.depositFor(s.patient, s.cond.envelope)
    await expect(s.custodian.deposit({ ...forCond, envelope: s.obs.envelope })).rejects.toMatchObject({
      code: 'DEPOSIT_STATEMENT_INVALID',
    })
    const notMine = await seal(bp, { recipients: [s.patient] })
    await expect(s.custodian.deposit(await s.depositFor(s.patient, notMine.envelope))).rejects.toMatchObject({
      code: 'NOT_A_RECIPIENT',
    })
    // the same owner's re-deposit is idempotent (an equal entry: the store hands out copies, not its own object)
    expect(await s.custodian.deposit(await s.depositFor(s.patient, s.obs.envelope))).toEqual(
      await s.custodian.getEntry(s.obs.id),
    )
  })

  it('releases a wrap only after authorize said yes and the permit is logged', async () => {
    const s = await setup()
    const { envelope, decision } = await s.custodian.releaseKey(await s.ask(s.doctor, s.obs.id))
    expect(decision).toMatchObject({ allowed: true, reason: 'PERMITTED' })
    expect(envelope.recipients).toHaveLength(1) // the doctor's wrap only
    const { value } = await open(envelope, s.doctor)
    expect(value).toEqual(bp)
    expect(s.log.size).toBe(1)
    expect(await s.log.getEvent(0)).toMatchObject({
      actor: s.doctor.address, // checksummed, as every address the SDK returns (issue 15)
      action: 'read',
      commitment: s.obs.id,
      purpose: 'TREAT',
      consentId: s.token.consent.id,
      outcome: 'permit',
    })
    expect(await s.store.listReleases(consentKey(s.patient.address, s.token.consent.id))).toHaveLength(1)
  })

  it('logs denials too, and throws the decision’s code', async () => {
    const s = await setup()
    const cases: [() => Promise<unknown>, string][] = [
      [async () => s.custodian.releaseKey(await s.ask(s.doctor, s.cond.id)), 'CONSENT_SCOPE'],
      [async () => s.custodian.releaseKey(await s.ask(s.doctor, s.psy.id)), 'CONSENT_EXCLUDED'],
      [async () => s.custodian.releaseKey(await s.ask(s.doctor, s.obs.id, { purpose: 'HPAYMT' })), 'CONSENT_PURPOSE'],
      // the nurse signs her own request under the doctor's consent: the signature names her, not the doctor
      [async () => s.custodian.releaseKey(await s.ask(s.nurse, s.obs.id)), 'CONSENT_GRANTEE'],
      [
        async () => s.custodian.releaseKey(await s.ask(s.doctor, s.obs.id, { issuedAt: s.clock.now - 3600 })),
        'ACCESS_DENIED',
      ],
      [async () => s.custodian.releaseKey(await s.ask(s.doctor, `0x${'42'.repeat(32)}`)), 'ACCESS_DENIED'],
      // the request names another grantor than the consent's: no such grant
      [
        async () => s.custodian.releaseKey(await s.ask(s.doctor, s.obs.id, { grantor: s.nurse.address })),
        'CONSENT_NOT_FOUND',
      ],
    ]
    for (const [run, code] of cases) await expect(run()).rejects.toMatchObject({ name: 'ConsentError', code })
    const events = await Promise.all(Array.from({ length: s.log.size }, (_, i) => s.log.getEvent(i)))
    expect(events.map((e) => [e.outcome, e.reason])).toEqual(cases.map(([, code]) => ['deny', code]))
    expect(await s.store.listReleases(s.key)).toHaveLength(0)
  })

  it('releases nothing when the access log cannot be written (LOG_APPEND_FAILED)', async () => {
    const s = await setup()
    s.logStore.state.failing = true
    await expect(s.custodian.releaseKey(await s.ask(s.doctor, s.obs.id))).rejects.toMatchObject({
      code: 'LOG_APPEND_FAILED',
    })
    expect(s.log.size).toBe(0)
    expect(await s.store.listReleases(s.key)).toHaveLength(0)
    s.logStore.state.failing = false
    await expect(s.custodian.releaseKey(await s.ask(s.doctor, s.obs.id))).resolves.toBeDefined()
  })

  it('refuses a forged key request signature', async () => {
    const s = await setup()
    const req = await s.ask(s.doctor, s.obs.id)
    const forged = { ...req, request: { ...req.request, encryptionKey: bytesToHex0x(s.nurse.encryptionPublicKey) } }
    // the signature now recovers to some other address, which is not the grantee
    await expect(s.custodian.releaseKey(forged)).rejects.toBeInstanceOf(ConsentError)
    expect(verifyKeyRequest(s.ledger.domain, req).requester).toBe(s.doctor.address)
    await expect(s.custodian.releaseKey({ ...req, signature: '0x00' as Hex })).rejects.toMatchObject({
      code: 'CONSENT_SIGNATURE_INVALID',
    })
  })

  it('after revocation: purges the grantee’s releases and refuses with CONSENT_REVOKED', async () => {
    const s = await setup()
    await s.custodian.releaseKey(await s.ask(s.doctor, s.obs.id))
    await expect(s.custodian.purgeConsent({ grantor: s.patient, consentId: s.token.consent.id })).rejects.toMatchObject(
      { code: 'ACCESS_DENIED' },
    )
    await revokeConsent(s.ledger, { party: s.patient, consentId: s.token.consent.id })
    expect(await s.custodian.purgeConsent({ grantor: s.patient, consentId: s.token.consent.id })).toEqual({
      releases: 1,
    })
    expect(await s.store.listReleases(s.key)).toHaveLength(0)
    await expect(s.custodian.releaseKey(await s.ask(s.doctor, s.obs.id))).rejects.toMatchObject({
      code: 'CONSENT_REVOKED',
    })
  })

  it('a refused request under a revoked consent purges its releases too', async () => {
    const s = await setup()
    await s.custodian.releaseKey(await s.ask(s.doctor, s.obs.id))
    await revokeConsent(s.ledger, { party: s.patient, consentId: s.token.consent.id })
    await expect(s.custodian.releaseKey(await s.ask(s.doctor, s.obs.id))).rejects.toMatchObject({
      code: 'CONSENT_REVOKED',
    })
    expect(await s.store.listReleases(s.key)).toHaveLength(0)
  })

  it('a new version must come with a fresh data key', async () => {
    const s = await setup()
    const fixed = (n: number) => new Uint8Array(n).fill(9)
    const v1 = await seal(bp, { recipients: [s.patient, s.custodian.identity], randomBytes: fixed })
    await s.custodian.deposit(await s.depositFor(s.patient, v1.envelope))
    const sameKey = await seal(
      { ...bp, status: 'amended' },
      { recipients: [s.patient, s.custodian.identity], randomBytes: fixed },
    )
    await expect(
      s.custodian.updateRecord(await s.depositFor(s.patient, sameKey.envelope, { previous: v1.commitment })),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    const v2 = await seal({ ...bp, status: 'amended' }, { recipients: [s.patient, s.custodian.identity] })
    // a plain deposit statement does not replace anything
    await expect(s.custodian.updateRecord(await s.depositFor(s.patient, v2.envelope))).rejects.toMatchObject({
      code: 'DEPOSIT_STATEMENT_INVALID',
    })
    await s.custodian.updateRecord(await s.depositFor(s.patient, v2.envelope, { previous: v1.commitment }))
    expect((await s.custodian.getEntry(v1.commitment))?.supersededBy).toBe(bytesToHex0x(v2.commitment))
    await expect(s.custodian.releaseKey(await s.ask(s.doctor, bytesToHex0x(v1.commitment)))).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
    })
    const { envelope } = await s.custodian.releaseKey(await s.ask(s.doctor, bytesToHex0x(v2.commitment)))
    expect((await open(envelope, s.doctor)).value).toMatchObject({ status: 'amended' })
  })

  it('review #1: a version chain cannot fork or loop (a replaced version is not replaced again)', async () => {
    const s = await setup()
    const v1 = await seal(bp, { recipients: [s.patient, s.custodian.identity] })
    await s.custodian.deposit(await s.depositFor(s.patient, v1.envelope))
    const fixed = (n: number) => new Uint8Array(n).fill(7)
    const v2 = await seal(
      { ...bp, status: 'amended' },
      { recipients: [s.patient, s.custodian.identity], randomBytes: fixed },
    )
    await s.custodian.updateRecord(await s.depositFor(s.patient, v2.envelope, { previous: v1.commitment }))
    // a second "new version" of v1 under v2's data key: it would be live beside v2 and readable by whoever kept v2's wrap
    const v3 = await seal(
      { ...bp, status: 'entered-in-error' },
      { recipients: [s.patient, s.custodian.identity], randomBytes: fixed },
    )
    await expect(
      s.custodian.updateRecord(await s.depositFor(s.patient, v3.envelope, { previous: v1.commitment })),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect(await s.custodian.getEntry(v3.commitment)).toBeUndefined()
    // a loop: v1 (already replaced) as the new version of v2 would leave no live version
    await expect(
      s.custodian.updateRecord(await s.depositFor(s.patient, v1.envelope, { previous: v2.commitment })),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect((await s.custodian.getEntry(v2.commitment))?.supersededBy).toBeUndefined()
    // the same update again is a repeat, not an error
    const again = await s.custodian.updateRecord(
      await s.depositFor(s.patient, v2.envelope, { previous: v1.commitment }),
    )
    expect(again.commitment).toBe(bytesToHex0x(v2.commitment))
  })

  it('patient-side sharing re-wraps only the records in scope', async () => {
    const s = await setup()
    const records = [
      { envelope: s.obs.envelope, commitment: s.obs.commitment, resourceType: 'Observation' },
      { envelope: s.cond.envelope, commitment: s.cond.commitment, resourceType: 'Condition' },
      { envelope: s.psy.envelope, commitment: s.psy.commitment, resourceType: 'Observation', labels: ['PSY'] },
    ]
    const { shared, skipped } = await shareRecords(s.ledger, {
      now: () => s.clock.now * 1000,
      party: s.patient,
      consentId: s.token.consent.id,
      grantee: s.doctor.toPublic(),
      records,
    })
    expect(shared.map((x) => x.commitment)).toEqual([s.obs.id])
    expect(shared[0]?.envelope.ciphertext).toEqual(s.obs.envelope.ciphertext)
    expect((await open(shared[0]!.envelope, s.doctor)).value).toEqual(bp)
    expect(skipped.map((x) => x.reason)).toEqual(['CONSENT_SCOPE', 'CONSENT_EXCLUDED'])
    await expect(
      shareRecords(s.ledger, {
        now: () => s.clock.now * 1000,
        party: s.patient,
        consentId: s.token.consent.id,
        grantee: s.nurse.toPublic(),
        records,
      }),
    ).rejects.toMatchObject({ code: 'CONSENT_GRANTEE' })
    await revokeConsent(s.ledger, { party: s.patient, consentId: s.token.consent.id })
    await expect(
      shareRecords(s.ledger, {
        now: () => s.clock.now * 1000,
        party: s.patient,
        consentId: s.token.consent.id,
        grantee: s.doctor.toPublic(),
        records,
      }),
    ).rejects.toMatchObject({ code: 'CONSENT_REVOKED' })
  })
})

describe('custodian: security review (issue 12)', () => {
  it('review #1: a copied envelope re-deposited as another owner is refused; the entry keeps its owner', async () => {
    const s = await setup()
    const mallory = createParty()
    // a stranger who copied the envelope cannot open it, so cannot make the proof
    const stolen = signDepositStatement(mallory, s.ledger.domain, {
      owner: mallory.address,
      custodian: s.custodian.identity.address,
      commitment: s.obs.id,
      contentId: s.obs.contentId.toString(),
      previous: ZERO_BYTES32,
    })
    await expect(
      s.custodian.deposit({ envelope: s.obs.envelope, statement: stolen, proof: `0x${'00'.repeat(32)}` }),
    ).rejects.toMatchObject({ code: 'DEPOSIT_PROOF_INVALID' })
    // a grantee who was released the key CAN make the proof, and is still refused: an owner never changes
    const { envelope: released } = await s.custodian.releaseKey(await s.ask(s.doctor, s.obs.id))
    const key = await unwrapDataKey(released, s.doctor)
    const statement = signDepositStatement(s.doctor, s.ledger.domain, {
      owner: s.doctor.address,
      custodian: s.custodian.identity.address,
      commitment: s.obs.id,
      contentId: s.obs.contentId.toString(),
      previous: ZERO_BYTES32,
    })
    const asDoctor = {
      envelope: s.obs.envelope,
      statement,
      proof: computeDepositProof(key, hashDepositStatement(s.ledger.domain, statement.statement)),
    }
    await expect(s.custodian.deposit(asDoctor)).rejects.toMatchObject({ code: 'RECORD_OWNER_CONFLICT' })
    expect((await s.custodian.getEntry(s.obs.id))?.owner).toBe(s.patient.address)
    // the same for a new version: a stranger cannot replace the patient's record
    const v2 = await seal({ ...bp, status: 'amended' }, { recipients: [mallory, s.custodian.identity] })
    await expect(
      s.custodian.updateRecord(await s.depositFor(mallory, v2.envelope, { previous: s.obs.id })),
    ).rejects.toMatchObject({ code: 'RECORD_OWNER_CONFLICT' })
    expect((await s.custodian.getEntry(s.obs.id))?.supersededBy).toBeUndefined()
  })

  it('review #1: a record planted under a patient’s address without their signature is refused', async () => {
    const s = await setup()
    const mallory = createParty()
    const planted = await seal(
      { resourceType: 'Condition', code: { text: 'Fabricated diagnosis' } },
      { recipients: [mallory, s.custodian.identity] },
    )
    const opened = await open(planted.envelope, mallory)
    const statement = {
      owner: s.patient.address,
      custodian: s.custodian.identity.address,
      commitment: bytesToHex0x(planted.commitment),
      contentId: opened.contentId.toString(),
      previous: ZERO_BYTES32,
    }
    // the helper refuses to sign for someone else …
    expect(() => signDepositStatement(mallory, s.ledger.domain, statement)).toThrowError(
      expect.objectContaining({ code: 'DEPOSIT_STATEMENT_INVALID' }),
    )
    // … and a statement signed by the wrong key does not verify
    const signature = signTypedData(mallory, {
      domain: s.ledger.domain,
      types: depositStatementTypes,
      primaryType: 'DepositStatement',
      message: statement,
    })
    const key = await unwrapDataKey(planted.envelope, mallory)
    const proof = computeDepositProof(key, hashDepositStatement(s.ledger.domain, statement))
    await expect(
      s.custodian.deposit({ envelope: planted.envelope, statement: { statement, signature }, proof }),
    ).rejects.toMatchObject({ code: 'DEPOSIT_STATEMENT_INVALID' })
    expect(await s.custodian.getEntry(planted.commitment)).toBeUndefined()
    // a statement the patient signed for another custodian is refused too
    const other = createParty()
    const forOther = await createDeposit({
      owner: s.patient,
      envelope: s.obs.envelope,
      custodian: other,
      domain: s.ledger.domain,
    })
    await expect(s.custodian.deposit(forOther)).rejects.toMatchObject({ code: 'DEPOSIT_STATEMENT_INVALID' })
  })

  it('review #1: a shredded record cannot be revived from a restored backup store', async () => {
    const s = await setup()
    const backup = createMemoryCustodianStore()
    const saved = await s.store.getEntry(s.obs.id)
    if (!saved?.envelope) throw new Error('fixture')
    await backup.putEntry({ ...saved, envelope: decodeEnvelope(encodeEnvelope(saved.envelope)) })
    const deposit = await s.depositFor(s.patient, s.obs.envelope)
    await shredRecord({ ledger: s.ledger, custodian: s.custodian }, { owner: s.patient, commitment: s.obs.id })
    // the backup still holds the wraps, but the ledger holds the owner's tombstone
    const restored = createCustodian({
      party: s.vendor,
      ledger: s.ledger,
      log: s.log,
      store: backup,
      now: () => s.clock.now * 1000,
    })
    await expect(restored.releaseKey(await s.ask(s.doctor, s.obs.id))).rejects.toMatchObject({
      code: 'RECORD_SHREDDED',
    })
    // nor can a new version replace the erased one there
    const v2 = await seal({ ...bp, status: 'amended' }, { recipients: [s.patient, s.custodian.identity] })
    await expect(
      restored.updateRecord(
        await createDeposit({
          owner: s.patient,
          envelope: v2.envelope,
          custodian: s.custodian.identity,
          domain: s.ledger.domain,
          previous: s.obs.id,
        }),
      ),
    ).rejects.toMatchObject({ code: 'RECORD_SHREDDED' })
    // an empty store: a re-deposit of the erased record is refused
    const empty = createCustodian({ party: s.vendor, ledger: s.ledger, log: s.log, now: () => s.clock.now * 1000 })
    await expect(empty.deposit(deposit)).rejects.toMatchObject({ code: 'RECORD_SHREDDED' })
    expect(await empty.getEntry(s.obs.id)).toBeUndefined()
  })

  it('decides through one consent cache per custodian: its own by default, or the one given; a look-alike is refused', async () => {
    const s = await setup()
    const cache = createConsentCache({ maxEntries: 8 })
    const custodian = createCustodian({
      party: s.vendor,
      ledger: s.ledger,
      log: s.log,
      store: s.store,
      now: () => s.clock.now * 1000,
      consentCache: cache,
    })
    const { decision } = await custodian.releaseKey(await s.ask(s.doctor, s.obs.id))
    expect(decision.allowed).toBe(true)
    expect(cache.size).toBe(1)
    // revoked: the cache does not keep the grant alive
    await revokeConsent(s.ledger, { party: s.patient, consentId: s.token.consent.id })
    await expect(custodian.releaseKey(await s.ask(s.doctor, s.obs.id))).rejects.toMatchObject({
      code: 'CONSENT_REVOKED',
    })
    expect(() =>
      createCustodian({
        party: s.vendor,
        ledger: s.ledger,
        log: s.log,
        consentCache: { maxEntries: 1, size: 0, clear() {} } as ReturnType<typeof createConsentCache>,
      }),
    ).toThrowError(expect.objectContaining({ name: 'InvalidArgumentError', code: 'INVALID_TYPE' }))
  })

  it('review #3: keys are released for read actions only; write and delegate are refused and logged', async () => {
    const s = await setup()
    const { token } = await grantConsent(s.ledger, {
      party: s.patient,
      grantee: s.doctor,
      resourceTypes: ['Observation'],
      actions: ['read', 'search', 'vread', 'write', 'delegate'],
      purposes: ['TREAT'],
      durationSeconds: 3600,
      delegationDepth: 1,
    })
    for (const action of ['write', 'delegate'] as const)
      await expect(
        s.custodian.releaseKey(await s.ask(s.doctor, s.obs.id, { consentId: token.consent.id, action })),
      ).rejects.toMatchObject({ name: 'ConsentError', code: 'ACTION_NOT_RELEASABLE' })
    const events = await Promise.all(Array.from({ length: s.log.size }, (_, i) => s.log.getEvent(i)))
    expect(events.map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['write', 'deny', 'ACTION_NOT_RELEASABLE'],
      ['delegate', 'deny', 'ACTION_NOT_RELEASABLE'],
    ])
    for (const action of ['read', 'search', 'vread'] as const)
      await expect(
        s.custodian.releaseKey(await s.ask(s.doctor, s.obs.id, { consentId: token.consent.id, action })),
      ).resolves.toBeDefined()
    expect(await s.store.listReleases(consentKey(s.patient.address, token.consent.id))).toHaveLength(3)
  })

  it('review #12: a signed key request is used once; future-dated requests are refused', async () => {
    const s = await setup()
    const request = await s.ask(s.doctor, s.obs.id)
    await s.custodian.releaseKey(request)
    await expect(s.custodian.releaseKey(request)).rejects.toMatchObject({ code: 'REQUEST_REPLAYED' })
    // a re-encoded copy (lower-case hex, another object) is the same request
    await expect(
      s.custodian.releaseKey({ request: { ...request.request }, signature: request.signature.toLowerCase() as Hex }),
    ).rejects.toMatchObject({ code: 'REQUEST_REPLAYED' })
    expect((await s.log.getEvent(s.log.size - 1)).reason).toBe('REQUEST_REPLAYED')
    // late in the window, still refused; after it, refused as stale (it was forgotten, it cannot come back)
    s.clock.now += 299
    await expect(s.custodian.releaseKey(request)).rejects.toMatchObject({ code: 'REQUEST_REPLAYED' })
    s.clock.now += 2
    await expect(s.custodian.releaseKey(request)).rejects.toMatchObject({ code: 'ACCESS_DENIED' })
    // the future: a few seconds of skew pass, minutes do not
    await expect(
      s.custodian.releaseKey(await s.ask(s.doctor, s.obs.id, { issuedAt: s.clock.now + 20 })),
    ).resolves.toBeDefined()
    await expect(
      s.custodian.releaseKey(await s.ask(s.doctor, s.obs.id, { issuedAt: s.clock.now + 60 })),
    ).rejects.toMatchObject({ code: 'ACCESS_DENIED' })
    await expect(
      s.custodian.releaseKey(await s.ask(s.doctor, s.obs.id, { issuedAt: s.clock.now + 299 })),
    ).rejects.toMatchObject({ code: 'ACCESS_DENIED' })
  })

  it('review #12: a key request made for one custodian is refused by another holding the same record', async () => {
    const s = await setup()
    // a second custodian on the same ledger, holding the same record for the same patient
    const other = createParty()
    const otherLog = await createAccessLog({ operator: other, ledger: s.ledger, name: 'access' })
    const second = createCustodian({
      party: other,
      ledger: s.ledger,
      log: otherLog,
      store: createMemoryCustodianStore(),
      now: () => s.clock.now * 1000,
    })
    const copy = await seal(bp, { recipients: [s.patient, s.custodian.identity, second.identity] })
    await second.deposit(
      await createDeposit({
        owner: s.patient,
        envelope: copy.envelope,
        custodian: second.identity,
        domain: s.ledger.domain,
      }),
    )
    const commitment = bytesToHex0x(copy.commitment)
    await s.custodian.deposit(await s.depositFor(s.patient, copy.envelope))
    // the doctor asks the first custodian; whoever sees the request replays it to the second
    const request = await s.ask(s.doctor, commitment)
    await s.custodian.releaseKey(request)
    const before = otherLog.size
    await expect(second.releaseKey(request)).rejects.toMatchObject({ code: 'ACCESS_DENIED' })
    // nothing is logged in the doctor's name at the second custodian (a request never addressed to it)
    expect(otherLog.size).toBe(before)
    // a request made for the second custodian works there
    await expect(
      second.releaseKey(
        createKeyRequest(s.doctor, s.ledger.domain, {
          consentId: s.token.consent.id,
          grantor: s.patient,
          commitment,
          action: 'read',
          purpose: 'TREAT',
          issuedAt: await s.ledger.getTime(),
          custodian: second.identity,
        }),
      ),
    ).resolves.toBeDefined()
  })

  it('review #12: a request used before a restart cannot be replayed to the restarted custodian', async () => {
    const s = await setup()
    const request = await s.ask(s.doctor, s.obs.id)
    await s.custodian.releaseKey(request)
    // a restart: the records survive (a durable index) but the memory of seen requests does not
    s.clock.now += 5
    const fresh = createMemoryCustodianStore()
    // the store's own folded call (getEntryAndRememberRequest) would still use the old replay memory: leave it out,
    // so the custodian checks the replay with the fresh, empty memory
    const { getEntryAndRememberRequest: _folded, forgetRequest: _forget, ...records } = s.store
    const restarted = createCustodian({
      party: s.vendor,
      ledger: s.ledger,
      log: s.log,
      store: { ...records, rememberRequest: fresh.rememberRequest },
      now: () => s.clock.now * 1000,
    })
    await expect(restarted.releaseKey(request)).rejects.toMatchObject({ code: 'ACCESS_DENIED' })
    // a request made after the restart is served
    await expect(restarted.releaseKey(await s.ask(s.doctor, s.obs.id))).resolves.toBeDefined()
  })

  it('review #12: the memory of seen requests is bounded and pruned by time', async () => {
    const s = await setup()
    const store = createMemoryCustodianStore({ maxRememberedRequests: 2 })
    const custodian = createCustodian({
      party: s.vendor,
      ledger: s.ledger,
      log: s.log,
      store,
      now: () => s.clock.now * 1000,
    })
    await custodian.deposit(await s.depositFor(s.patient, s.obs.envelope))
    await custodian.releaseKey(await s.ask(s.doctor, s.obs.id))
    await custodian.releaseKey(await s.ask(s.doctor, s.obs.id))
    // full of unexpired requests: refused (never forgetting one early, which would open a replay)
    await expect(custodian.releaseKey(await s.ask(s.doctor, s.obs.id))).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
    })
    // remembered for the window (300 s) and the future skew (30 s) beyond it (review 8: processes whose ledger views
    // disagree that much still find a digest another process stored)
    s.clock.now += 301
    await expect(custodian.releaseKey(await s.ask(s.doctor, s.obs.id))).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
    })
    s.clock.now += 30
    await expect(custodian.releaseKey(await s.ask(s.doctor, s.obs.id))).resolves.toBeDefined()
  })
})

describe('custodian: emergency grants (issue 12)', () => {
  async function withBreakGlass() {
    const s = await setup()
    const emergency = createBreakGlass({ ledger: s.ledger, log: s.log, now: () => s.clock.now * 1000 })
    const custodian = createCustodian({
      party: s.vendor,
      ledger: s.ledger,
      log: s.log,
      store: s.store,
      breakGlass: emergency,
      now: () => s.clock.now * 1000,
    })
    return { ...s, emergency, custodian }
  }
  const policyAndCredential = (
    s: Awaited<ReturnType<typeof setup>>,
    patient: Party,
    issuer: Party,
    clinician: Party,
  ) => ({
    policy: signEmergencyPolicy(
      patient,
      s.ledger.domain,
      createEmergencyPolicy({
        patient,
        resourceTypes: ['Observation'],
        issuers: [issuer],
        role: 'emergency-physician',
        maxDuration: 3600,
        notBefore: s.clock.now - 10,
        expiresAt: s.clock.now + 86_400,
      }),
    ),
    credential: signClinicianCredential(
      issuer,
      s.ledger.domain,
      createClinicianCredential({
        issuer,
        subject: clinician,
        role: 'emergency-physician',
        notBefore: s.clock.now - 10,
        expiresAt: s.clock.now + 86_400,
      }),
    ),
  })

  it('review #5: a break-glass request that picks a victim’s consent id cannot shadow the consent', async () => {
    const s = await withBreakGlass()
    // the attacker makes up a patient, a hospital and a credential of their own …
    const [fakePatient, fakeHospital, attacker] = [createParty(), createParty(), createParty()]
    const { policy, credential } = policyAndCredential(s, fakePatient, fakeHospital, attacker)
    // … and signs a break-glass request whose id is the victim's consent id
    const access = {
      id: s.token.consent.id,
      policyId: policy.policy.id,
      credentialId: credential.credential.id,
      clinician: attacker.address,
      resourceTypes: ['Observation'],
      duration: 3600,
      reason: 'Unconscious on arrival',
      issuedAt: s.clock.now,
      service: s.emergency.serviceId,
    }
    const signature = signTypedData(attacker, {
      domain: s.ledger.domain,
      types: emergencyAccessTypes,
      primaryType: 'EmergencyAccess',
      message: access,
    })
    const grant = await s.emergency.accept({ access: { access, signature }, policy, credential })
    expect(grant.id).not.toBe(s.token.consent.id)
    // the real grantee is still served under the real consent
    const { envelope } = await s.custodian.releaseKey(await s.ask(s.doctor, s.obs.id))
    expect((await open(envelope, s.doctor)).value).toEqual(bp)
    // and the attacker's grant opens nothing of the victim's (records of its own made-up patient only)
    await expect(
      s.custodian.releaseKey(
        await s.ask(attacker, s.obs.id, { consentId: grant.id, grantor: fakePatient.address, purpose: 'ETREAT' }),
      ),
    ).rejects.toMatchObject({ code: 'CONSENT_SCOPE' })
  })

  it('review #10: a withdrawn credential or policy stops releases under a grant already made', async () => {
    const s = await withBreakGlass()
    const [hospital, clinician] = [createParty(), createParty()]
    const { policy, credential } = policyAndCredential(s, s.patient, hospital, clinician)
    const grant = await s.emergency.breakGlass({ clinician, policy, credential, reason: 'Trauma' })
    const askEmergency = () =>
      s.ask(clinician, s.obs.id, { consentId: grant.id, grantor: grant.patient, purpose: 'ETREAT' })
    await expect(s.custodian.releaseKey(await askEmergency())).resolves.toBeDefined()
    await withdrawClinicianCredential(s.ledger, { party: hospital, credentialId: credential.credential.id })
    await expect(s.custodian.releaseKey(await askEmergency())).rejects.toMatchObject({ code: 'CONSENT_REVOKED' })
    // the releases made under the grant are purged on the way
    expect(await s.store.listReleases(consentKey(s.patient.address, grant.id))).toHaveLength(0)

    const second = await withBreakGlass()
    const again = policyAndCredential(second, second.patient, hospital, clinician)
    const g2 = await second.emergency.breakGlass({ clinician, ...again, reason: 'Trauma' })
    await withdrawEmergencyPolicy(second.ledger, { party: second.patient, policyId: again.policy.policy.id })
    await expect(
      second.custodian.releaseKey(
        await second.ask(clinician, second.obs.id, { consentId: g2.id, grantor: g2.patient, purpose: 'ETREAT' }),
      ),
    ).rejects.toMatchObject({ code: 'CONSENT_REVOKED' })
  })
})
