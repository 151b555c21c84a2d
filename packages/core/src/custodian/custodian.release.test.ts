import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { bytesToHex0x } from '../bytes/index.js'
import { createMemoryLedger } from '../consent/_testLedger.js'
import { grantConsent } from '../consent/grantConsent.js'
import { encodeHeader, envelopeSuite } from '../envelope/_internal.js'
import { encodeEnvelope } from '../envelope/encodeEnvelope.js'
import { getRecipientKeyId } from '../envelope/getRecipientKeyId.js'
import { open } from '../envelope/open.js'
import { seal } from '../envelope/seal.js'
import { unwrapDataKey } from '../envelope/unwrapDataKey.js'
import { _wrapCheckedDataKey, wrapDataKey } from '../envelope/wrapDataKey.js'
import { shredRecord } from '../erasure/shredRecord.js'
import { createNativeHpke } from '../hpke/createNativeHpke.js'
import { createParty } from '../identity/createParty.js'
import { createReleaseFixture } from '../testing/releaseFixture.js'
import { createKeyRequest } from './keyRequest.js'

const OBSERVATION = { resourceType: 'Observation', status: 'final' }

describe('custodian.releaseKey: the envelope it returns', () => {
  it('is the stored envelope with only the requester’s wrap, in bytes the caller owns', async () => {
    const ledger = createMemoryLedger({ id: 'release-copy' })
    const f = await createReleaseFixture({ ledger, seeds: [61, 62, 63] })
    const first = await f.custodian.releaseKey(await f.keyRequest())
    const second = await f.custodian.releaseKey(await f.keyRequest())
    const stored = (await f.custodian.getEntry(f.sealed.commitment))?.envelope
    if (!stored) throw new Error('no stored envelope')
    for (const { envelope } of [first, second]) {
      expect(Object.isFrozen(envelope)).toBe(true)
      expect(Object.isFrozen(envelope.recipients)).toBe(true)
      expect(envelope.recipients).toHaveLength(1)
      const wrap = envelope.recipients[0]
      if (!wrap) throw new Error('no wrap')
      expect(Object.isFrozen(wrap)).toBe(true)
      expect(wrap.keyId).toEqual(getRecipientKeyId(f.doctor))
      // byte for byte what encoding the stored envelope with this one wrap gives (as the SDK did by re-decoding)
      expect(encodeEnvelope(envelope)).toEqual(encodeEnvelope({ ...stored, recipients: [wrap] }))
      for (const k of ['id', 'nonce', 'keyCommitment', 'ciphertext'] as const)
        expect(envelope[k].buffer).not.toBe(stored[k].buffer)
    }
    // the requester's key id is remembered per key: each release gets its own copy
    first.envelope.recipients[0]?.keyId.fill(0)
    expect(second.envelope.recipients[0]?.keyId).toEqual(getRecipientKeyId(f.doctor))
    expect((await open(second.envelope, f.doctor)).value).toEqual(OBSERVATION)
    // erasing the record wipes the stored copy, not what was released
    await shredRecord({ ledger, custodian: f.custodian }, { owner: f.patient, commitment: f.sealed.commitment })
    expect((await open(second.envelope, f.doctor)).value).toEqual(OBSERVATION)
  })

  it('wraps to each requester’s own key (key ids remembered per key)', async () => {
    const ledger = createMemoryLedger({ id: 'release-two' })
    const f = await createReleaseFixture({ ledger, seeds: [64, 65, 66], custodian: { hpke: createNativeHpke() } })
    const nurse = createParty({ seed: new Uint8Array(32).fill(67) })
    const { token } = await grantConsent(ledger, {
      party: f.patient,
      grantee: nurse,
      resourceTypes: ['Observation'],
      actions: ['read'],
      purposes: ['TREAT'],
      durationSeconds: 3_600,
    })
    const ask = async () =>
      createKeyRequest(nurse, ledger.domain, {
        consentId: token.consent.id,
        custodian: f.custodian.identity,
        grantor: f.patient,
        commitment: bytesToHex0x(f.sealed.commitment),
        action: 'read',
        purpose: 'TREAT',
        issuedAt: await ledger.getTime(),
      })
    for (let i = 0; i < 2; i++) {
      const forDoctor = await f.custodian.releaseKey(await f.keyRequest())
      const forNurse = await f.custodian.releaseKey(await ask())
      expect((await open(forDoctor.envelope, f.doctor)).value).toEqual(OBSERVATION)
      expect((await open(forNurse.envelope, nurse)).value).toEqual(OBSERVATION)
      await expect(open(forNurse.envelope, f.doctor)).rejects.toMatchObject({ code: 'NOT_A_RECIPIENT' })
    }
  })
})

describe('custodian.releaseKey: ledger time', () => {
  it('is read once per release; the decision is made at the time that is logged', async () => {
    const base = createMemoryLedger({ id: 'release-time' })
    let reads = 0
    const ledger = {
      ...base,
      getTime: () => {
        reads++
        return base.getTime()
      },
    }
    const f = await createReleaseFixture({ ledger, seeds: [91, 92, 93] })
    await f.custodian.releaseKey(await f.keyRequest()) // the custodian's start time is read on its first release
    const request = await f.keyRequest()
    reads = 0
    const { decision } = await f.custodian.releaseKey(request)
    expect(reads).toBe(1)
    expect(decision.allowed).toBe(true)
    expect((await f.log.getEvent(f.log.size - 1)).at).toBe(decision.at)
  })
})

describe('_wrapCheckedDataKey', () => {
  const [owner, reader] = [71, 72].map((n) => createParty({ seed: new Uint8Array(32).fill(n) })) as [
    ReturnType<typeof createParty>,
    ReturnType<typeof createParty>,
  ]
  const native = createNativeHpke()
  test.prop([fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.boolean()], { numRuns: 20 })(
    'gives the bytes wrapDataKey gives for the same randomness (default and native suites)',
    async (seed, useNative) => {
      const { envelope } = await seal(OBSERVATION, { recipients: [owner] })
      const dataKey = await unwrapDataKey(envelope, owner)
      const suite = useNative ? native : envelopeSuite
      const randomBytes = (n: number) => seed.slice(0, n)
      const expected = await wrapDataKey(envelope, dataKey, reader, { hpke: suite, randomBytes })
      const wrap = await _wrapCheckedDataKey(
        suite,
        encodeHeader(envelope),
        dataKey,
        reader.encryptionPublicKey,
        getRecipientKeyId(reader),
        { randomBytes },
      )
      expect(wrap).toEqual(expected)
      expect((await open({ ...envelope, recipients: [wrap] }, reader)).value).toEqual(OBSERVATION)
    },
  )
})
