import { describe, expect, it } from 'vitest'
import spec from '../../../../docs/spec/consent.md?raw'
import { bytesToHex0x, hexToBytes, utf8ToBytes } from '../bytes/index.js'
import { ZERO_BYTES32 } from '../consent/_validate.js'
import { encodeType } from '../eip712/hashTypedData.js'
import { createSaltedDomain } from '../eip712/structures.js'
import { seal } from '../envelope/seal.js'
import { unwrapDataKey } from '../envelope/unwrapDataKey.js'
import { createParty } from '../identity/createParty.js'
import {
  computeDepositProof,
  createDeposit,
  DEPOSIT_PROOF_PREFIX,
  depositStatementTypes,
  hashDepositStatement,
  signDepositStatement,
  verifyDepositStatement,
} from './depositStatement.js'

const domain = createSaltedDomain('memory:deposits')
const record = { resourceType: 'Observation', status: 'final', code: { text: 'Heart rate' } }

describe('deposit statements', () => {
  it('docs/spec/consent.md states the DepositStatement encodeType', () => {
    const line = encodeType({ types: depositStatementTypes, primaryType: 'DepositStatement' })
    expect(spec.split('\n').map((l) => l.trim())).toContain(line)
    expect(spec).toContain(DEPOSIT_PROOF_PREFIX)
  })

  it('createDeposit signs for the opened record and proves the data key (HMAC-SHA256, checked with WebCrypto)', async () => {
    const [patient, custodian] = [createParty(), createParty()]
    const { envelope, commitment, contentId } = await seal(record, { recipients: [patient, custodian] })
    const deposit = await createDeposit({ owner: patient, envelope, custodian, domain })
    const statement = verifyDepositStatement(domain, deposit.statement)
    expect(statement).toEqual({
      owner: patient.address,
      custodian: custodian.address,
      commitment: bytesToHex0x(commitment),
      contentId: contentId.toString(),
      previous: ZERO_BYTES32,
    })
    // the proof, recomputed with an independent HMAC
    const dataKey = await unwrapDataKey(envelope, custodian)
    const key = await crypto.subtle.importKey('raw', dataKey, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    const digest = hashDepositStatement(domain, statement)
    const message = new Uint8Array([...utf8ToBytes(DEPOSIT_PROOF_PREFIX), ...digest])
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, message))
    expect(deposit.proof).toBe(bytesToHex0x(mac))
    expect(computeDepositProof(dataKey, digest)).toBe(deposit.proof)
    // another depositor who can open it gives the same proof
    const again = await createDeposit({ owner: patient, depositor: custodian, envelope, custodian, domain })
    expect(again.proof).toBe(deposit.proof)
  })

  it('refuses statements signed by someone else, under another domain, tampered or malformed', async () => {
    const [patient, mallory, custodian] = [createParty(), createParty(), createParty()]
    const { envelope } = await seal(record, { recipients: [patient, custodian] })
    const { statement } = await createDeposit({ owner: patient, envelope, custodian, domain })
    const invalid = expect.objectContaining({ name: 'ConsentError', code: 'DEPOSIT_STATEMENT_INVALID' })
    expect(() => verifyDepositStatement(createSaltedDomain('memory:other'), statement)).toThrowError(invalid)
    expect(() =>
      verifyDepositStatement(domain, { ...statement, statement: { ...statement.statement, owner: mallory.address } }),
    ).toThrowError(invalid)
    expect(() =>
      verifyDepositStatement(domain, {
        ...statement,
        statement: { ...statement.statement, previous: `0x${'11'.repeat(32)}` },
      }),
    ).toThrowError(invalid)
    expect(() => verifyDepositStatement(domain, { ...statement, signature: '0x00' })).toThrowError(invalid)
    expect(() => verifyDepositStatement(domain, null as never)).toThrowError(invalid)
    for (const bad of [
      { owner: 'nope' },
      { custodian: '0x12' },
      { commitment: '0x12' },
      { contentId: 'Qm-not-a-cidv1' },
      { previous: undefined },
      { extra: 1 },
    ])
      expect(() => signDepositStatement(patient, domain, { ...statement.statement, ...bad } as never)).toThrowError(
        invalid,
      )
    expect(() => signDepositStatement(mallory, domain, statement.statement)).toThrowError(invalid)
    expect(() => computeDepositProof(new Uint8Array(31), new Uint8Array(32))).toThrowError(
      expect.objectContaining({ name: 'InvalidArgumentError' }),
    )
    // someone who cannot open the envelope cannot prepare a deposit
    await expect(createDeposit({ owner: mallory, envelope, custodian, domain })).rejects.toMatchObject({
      code: 'NOT_A_RECIPIENT',
    })
    expect(hexToBytes(statement.signature.slice(2))).toHaveLength(65)
  })
})
