import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { bytesToHex, bytesToUtf8, equalBytes } from '../bytes/index.js'
import { canonicalizeToBytes } from '../canonical/canonicalize.js'
import { EnvelopeError, InvalidArgumentError, isSdkError } from '../errors/base.js'
import { createParty } from '../identity/createParty.js'
import { testParty } from './_testParties.js'
import { addRecipient } from './addRecipient.js'
import { createVaultKey } from './createVaultKey.js'
import { decodeEnvelope } from './decodeEnvelope.js'
import { encodeEnvelope } from './encodeEnvelope.js'
import { getRecipientKeyId } from './getRecipientKeyId.js'
import { open, openCanonical } from './open.js'
import { receiveVaultKey } from './receiveVaultKey.js'
import { removeRecipient } from './removeRecipient.js'
import { seal, sealCanonical } from './seal.js'
import { sealBatch } from './sealBatch.js'
import { shareVaultKey } from './shareVaultKey.js'
import { ENVELOPE_VERSION, ENVELOPE_VERSION_DIGEST, ENVELOPE_VERSION_VAULT, type Envelope } from './types.js'
import { unwrapDataKey } from './unwrapDataKey.js'
import { wrapDataKey } from './wrapDataKey.js'

const record = { resourceType: 'Observation', id: 'o1', status: 'final', valueQuantity: { value: 72, unit: '/min' } }

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<{ err: unknown; code: string | undefined }> {
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (err) {
    return { err, code: isSdkError(err) ? err.code : `foreign:${String(err)}` }
  }
  return { err: undefined, code: undefined }
}

async function expectError(p: Promise<unknown> | (() => unknown), cls: Function, code: string) {
  const { err, code: got } = await codeOf(p)
  expect(err).toBeInstanceOf(cls)
  expect(got).toBe(code)
}

describe('createVaultKey', () => {
  it('derives the same key from the same secret or party, different keys otherwise', () => {
    const secret = new Uint8Array(32).fill(7)
    expect(createVaultKey({ secret }).keyId).toEqual(createVaultKey({ secret }).keyId)
    expect(createVaultKey({ secret }).keyId).not.toEqual(createVaultKey({ secret: new Uint8Array(32) }).keyId)
    const party = testParty()
    expect(createVaultKey({ party }).keyId).toEqual(createVaultKey({ party }).keyId)
    expect(createVaultKey({ party }).keyId).not.toEqual(createVaultKey({ party: testParty() }).keyId)
    // key separation: a vault key id never equals the HPKE key id of the same party
    expect(createVaultKey({ party }).keyId).not.toEqual(getRecipientKeyId(party))
  })

  it('never shows its secret', () => {
    const secret = new Uint8Array(32).fill(0x5a)
    const vault = createVaultKey({ secret })
    const json = JSON.stringify(vault)
    expect(json).toBe(JSON.stringify({ type: 'vault', keyId: bytesToHex(vault.keyId) }))
    expect(json).not.toContain(bytesToHex(secret))
    expect(Object.isFrozen(vault)).toBe(true)
    secret.fill(0) // the key holds its own copy
    expect(createVaultKey({ secret: new Uint8Array(32).fill(0x5a) }).keyId).toEqual(vault.keyId)
  })

  it('rejects bad parameters with coded errors', async () => {
    await expectError(() => createVaultKey(null as never), InvalidArgumentError, 'INVALID_TYPE')
    await expectError(() => createVaultKey({} as never), InvalidArgumentError, 'INVALID_ARGUMENT')
    await expectError(
      () => createVaultKey({ secret: new Uint8Array(32), party: testParty() } as never),
      InvalidArgumentError,
      'INVALID_ARGUMENT',
    )
    await expectError(() => createVaultKey({ secret: new Uint8Array(31) }), InvalidArgumentError, 'INVALID_LENGTH')
    await expectError(() => createVaultKey({ secret: 'x' as never }), InvalidArgumentError, 'INVALID_TYPE')
    await expectError(() => createVaultKey({ party: 42 as never }), InvalidArgumentError, 'INVALID_TYPE')
    await expectError(
      () => createVaultKey({ party: { encryptionSecretKey: new Uint8Array(3) } as never }),
      InvalidArgumentError,
      'INVALID_LENGTH',
    )
  })
})

describe('vault recipients (envelope versions 2 and 3)', () => {
  const patient = createParty()
  const custodian = createParty()
  const doctor = createParty()
  const patientVault = createVaultKey({ party: patient })
  const custodianVault = createVaultKey({ party: custodian })

  it('seal writes version 2 (typed entries) by default, or 3 when asked; the party and its vault key both open it', async () => {
    for (const version of [undefined, 3] as const) {
      const { envelope, commitment } = await seal(record, { recipients: [patientVault, custodianVault], version })
      expect(envelope.version).toBe(version ?? ENVELOPE_VERSION_VAULT)
      expect(envelope.recipients.map((r) => r.type)).toEqual(['vault', 'vault'])
      const bytes = encodeEnvelope(envelope)
      expect(bytes.length).toBe(71 + 2 + 2 * 113 + 4 + envelope.ciphertext.length)
      for (const who of [patient, patientVault, custodian, custodianVault]) {
        const opened = await open(bytes, who)
        expect(opened.value).toEqual(record)
        expect(opened.commitment).toEqual(commitment)
      }
      await expectError(open(bytes, doctor), EnvelopeError, 'NOT_A_RECIPIENT')
      await expectError(open(bytes, createVaultKey({ party: doctor })), EnvelopeError, 'NOT_A_RECIPIENT')
    }
  })

  it('HPKE-only seals are version 1 by default; versions 2 and 3 can be asked for; version 1 refuses vault keys', async () => {
    expect((await seal(record, { recipients: [patient] })).envelope.version).toBe(ENVELOPE_VERSION)
    expect((await seal(record, { recipients: [patient], version: 3 })).envelope.version).toBe(ENVELOPE_VERSION_DIGEST)
    expect((await seal(record, { recipients: [patient], version: 1 })).envelope.version).toBe(ENVELOPE_VERSION)
    const v2 = await seal(record, { recipients: [patient], version: ENVELOPE_VERSION_VAULT })
    expect(v2.envelope.version).toBe(2)
    expect(decodeEnvelope(encodeEnvelope(v2.envelope))).toEqual(v2.envelope)
    await expectError(
      seal(record, { recipients: [patientVault], version: 1 }),
      InvalidArgumentError,
      'INVALID_ARGUMENT',
    )
    await expectError(
      seal(record, { recipients: [patient], version: 4 as never }),
      InvalidArgumentError,
      'INVALID_ARGUMENT',
    )
    const v1 = await seal(record, { recipients: [patient], version: 1 })
    await expectError(
      addRecipient(v1.envelope, { opener: patient, recipient: custodianVault }),
      InvalidArgumentError,
      'INVALID_ARGUMENT',
    )
    const key = await unwrapDataKey(v1.envelope, patient)
    await expectError(wrapDataKey(v1.envelope, key, custodianVault), InvalidArgumentError, 'INVALID_ARGUMENT')
  })

  it('mixes HPKE and vault recipients; shares to a grantee by HPKE; removes and shreds', async () => {
    const { envelope } = await seal(record, { recipients: [patientVault, custodianVault, doctor] })
    expect(envelope.recipients.filter((r) => r.type === 'vault')).toHaveLength(2)
    expect((await open(envelope, doctor)).value).toEqual(record)
    // the custodian unwraps with its own key and wraps to a grantee with HPKE, as for HPKE records
    const grantee = createParty()
    const shared = await addRecipient(envelope, { opener: custodian, recipient: grantee })
    expect(shared.ciphertext).toBe(envelope.ciphertext)
    expect((await open(encodeEnvelope(shared), grantee)).value).toEqual(record)
    const dataKey = await unwrapDataKey(shared, custodianVault)
    const entry = await wrapDataKey(shared, dataKey, createVaultKey({ party: grantee }))
    expect(entry.type).toBe('vault')
    // removal by vault key or by key id; removing every wrap shreds this copy
    let env: Envelope = removeRecipient(shared, custodianVault)
    await expectError(open(env, custodian), EnvelopeError, 'NOT_A_RECIPIENT')
    env = removeRecipient(env, patientVault.keyId)
    env = removeRecipient(env, doctor)
    env = removeRecipient(env, grantee)
    expect(env.recipients).toHaveLength(0)
    for (const who of [patient, custodian, doctor, grantee])
      await expectError(open(encodeEnvelope(env), who), EnvelopeError, 'NOT_A_RECIPIENT')
    await expectError(() => removeRecipient(env, patientVault), EnvelopeError, 'NOT_A_RECIPIENT')
  })

  it('adds a vault recipient to a version 2 or 3 envelope', async () => {
    for (const version of [2, 3] as const) {
      const { envelope } = await seal(record, { recipients: [doctor], version })
      const added = await addRecipient(envelope, { opener: doctor, recipient: patientVault })
      expect(added.recipients).toHaveLength(2)
      expect((await open(encodeEnvelope(added), patient)).value).toEqual(record)
      expect(await addRecipient(added, { opener: doctor, recipient: patientVault })).toBe(added)
    }
  })

  test.prop([fc.uint8Array({ minLength: 1, maxLength: 512 }), fc.uint8Array({ minLength: 32, maxLength: 32 })], {
    numRuns: 40,
  })('round trip: any payload, any vault secret', async (payload, secret) => {
    const canonical = canonicalizeToBytes({ data: bytesToHex(payload) })
    const vault = createVaultKey({ secret })
    const { envelope, commitment } = await sealCanonical(canonical, { recipients: [vault, doctor] })
    const bytes = encodeEnvelope(envelope)
    const opened = await openCanonical(bytes, createVaultKey({ secret }))
    expect(bytesToUtf8(opened.canonical)).toBe(bytesToUtf8(canonical))
    expect(equalBytes(opened.commitment, commitment)).toBe(true)
    expect(encodeEnvelope(decodeEnvelope(bytes))).toEqual(bytes)
  })

  test.prop([fc.nat(), fc.integer({ min: 1, max: 255 })], { numRuns: 60 })(
    'tamper detection: any flipped byte of a vault envelope fails to decode or to open',
    async (at, mask) => {
      const vault = createVaultKey({ secret: new Uint8Array(32).fill(3) })
      const { envelope } = await seal(record, { recipients: [vault] })
      const bytes = encodeEnvelope(envelope)
      const i = at % bytes.length
      const bad = bytes.slice()
      bad[i] = (bad[i] as number) ^ mask
      const { code } = await codeOf(open(bad, vault))
      expect([
        'ENVELOPE_MALFORMED',
        'UNSUPPORTED_VERSION',
        'UNSUPPORTED_SUITE',
        'DECRYPT_FAILED',
        'NOT_A_RECIPIENT',
      ]).toContain(code)
    },
  )

  it('a vault wrap cannot move to another envelope, and a wrong secret cannot open it', async () => {
    const a = await seal(record, { recipients: [patientVault] })
    const b = await seal({ ...record, id: 'o2' }, { recipients: [patientVault] })
    const moved = { ...b.envelope, recipients: a.envelope.recipients }
    await expectError(open(moved, patientVault), EnvelopeError, 'DECRYPT_FAILED')
    // an unknown recipient type byte is malformed
    const bytes = encodeEnvelope(a.envelope)
    const bad = bytes.slice()
    bad[73] = 0x07
    await expectError(() => decodeEnvelope(bad), EnvelopeError, 'ENVELOPE_MALFORMED')
    // a vault entry in a version 1 object is malformed
    const v1 = await seal(record, { recipients: [doctor], version: 1 })
    await expectError(
      () => encodeEnvelope({ ...v1.envelope, recipients: [{ ...v1.envelope.recipients[0]!, type: 'vault' }] }),
      EnvelopeError,
      'ENVELOPE_MALFORMED',
    )
  })

  it('sealBatch: one envelope per item, each its own data key, in order', async () => {
    const items = Array.from({ length: 20 }, (_, i) => ({ ...record, id: `o${i}` }))
    const sealed = await sealBatch(items, { recipients: [patientVault, custodianVault] })
    expect(sealed).toHaveLength(20)
    const keys = new Set<string>()
    for (const [i, s] of sealed.entries()) {
      expect((await open(s.envelope, patient)).value).toEqual(items[i])
      keys.add(bytesToHex(await unwrapDataKey(s.envelope, custodian)))
    }
    expect(keys.size).toBe(20)
    const bytes = items.map((v) => canonicalizeToBytes(v))
    const again = await sealBatch(bytes, { recipients: [doctor], canonical: true })
    expect((await open(again[3]!.envelope, doctor)).value).toEqual(items[3])
  })

  it('sealBatch rejects bad input before sealing anything', async () => {
    const recipients = [patientVault]
    await expectError(sealBatch([], { recipients }), InvalidArgumentError, 'INVALID_ARGUMENT')
    await expectError(sealBatch('x' as never, { recipients }), InvalidArgumentError, 'INVALID_ARGUMENT')
    await expectError(sealBatch(new Array(65_537).fill(1), { recipients }), InvalidArgumentError, 'OUT_OF_RANGE')
    await expectError(sealBatch([record, () => 1], { recipients }), InvalidArgumentError, 'INVALID_TYPE')
    await expectError(
      sealBatch([new Uint8Array(0)], { recipients, canonical: true }),
      InvalidArgumentError,
      'INVALID_LENGTH',
    )
    await expectError(sealBatch([record], { recipients, canonical: true }), InvalidArgumentError, 'INVALID_TYPE')
    await expectError(sealBatch([record], { recipients: [] }), InvalidArgumentError, 'INVALID_ARGUMENT')
  })
})

describe('shareVaultKey / receiveVaultKey', () => {
  it('hands the same vault key to its recipient only', async () => {
    const custodian = createParty()
    const channel = createVaultKey({ secret: new Uint8Array(32).fill(9) })
    const shared = await shareVaultKey(channel, custodian)
    expect(shared.keyId).toEqual(channel.keyId)
    expect([shared.enc.length, shared.wrappedSecret.length]).toEqual([32, 48])
    const received = await receiveVaultKey(shared, custodian)
    expect(received.keyId).toEqual(channel.keyId)
    const { envelope } = await seal(record, { recipients: [channel] })
    expect((await open(envelope, received)).value).toEqual(record)
    await expectError(receiveVaultKey(shared, createParty()), EnvelopeError, 'DECRYPT_FAILED')
    // a share relabelled with another key id does not open
    const other = createVaultKey({ secret: new Uint8Array(32).fill(8) })
    await expectError(receiveVaultKey({ ...shared, keyId: other.keyId }, custodian), EnvelopeError, 'DECRYPT_FAILED')
    const flipped = shared.wrappedSecret.slice()
    flipped[5] = (flipped[5] as number) ^ 1
    await expectError(
      receiveVaultKey({ ...shared, wrappedSecret: flipped }, custodian),
      EnvelopeError,
      'DECRYPT_FAILED',
    )
  })

  it('rejects malformed input with coded errors', async () => {
    const custodian = createParty()
    const vault = createVaultKey({ secret: new Uint8Array(32) })
    await expectError(shareVaultKey({} as never, custodian), InvalidArgumentError, 'INVALID_TYPE')
    await expectError(
      shareVaultKey(vault, { encryptionPublicKey: new Uint8Array(3) }),
      InvalidArgumentError,
      'INVALID_LENGTH',
    )
    const shared = await shareVaultKey(vault, custodian)
    await expectError(receiveVaultKey(null as never, custodian), InvalidArgumentError, 'INVALID_TYPE')
    await expectError(
      receiveVaultKey({ ...shared, enc: new Uint8Array(31) }, custodian),
      InvalidArgumentError,
      'INVALID_LENGTH',
    )
    await expectError(receiveVaultKey(shared, vault as never), InvalidArgumentError, 'INVALID_TYPE')
    await expectError(receiveVaultKey(shared, 7 as never), InvalidArgumentError, 'INVALID_TYPE')
  })
})
