import {
  bytesToHex0x,
  type Consent,
  consentKey,
  createParty,
  type Hex,
  InvalidArgumentError,
  isSdkError,
  LedgerError,
  randomBytes,
  signConsent,
} from '@medseal/core'
import { readConsent } from '@medseal/core/testing'
import { describe, expect, it } from 'vitest'
import { createRegistryChaincode, type RegistryChaincode } from '../chaincode/src/index.js'
import { createInProcessFabricTransport, setChaincodeLogLevel } from '../chaincode/src/testing/index.js'
import { parseChaincodeError, toLedgerError } from './_errors.js'
import { createFabricLedger } from './createFabricLedger.js'
import { FabricTransportError, isFabricTransportError } from './transport.js'

// refused transactions are expected here; fabric-shim would log each at error level
setChaincodeLogLevel('CRITICAL')

const patient = createParty({ seed: new Uint8Array(32).fill(7) })
const clinician = createParty({ seed: new Uint8Array(32).fill(8) })

/** A consent from the patient to the clinician (Observation, read, TREAT) with a fresh id; `over` changes fields. */
const consentOf = (over: Partial<Consent> = {}): Consent =>
  readConsent({ grantor: patient.address, grantee: clinician.address, expiresAt: 1_900_000_000, ...over })

/**
 * The real chaincode, with the JSON answers of `fn` rewritten by `edit` (which changes the parsed answer in place, or
 * returns another) while `when()` holds: a peer that hands back altered records.
 */
// biome-ignore lint/suspicious/noExplicitAny: each test edits the parsed answer of the chaincode as it needs
function rewriting(fn: string, edit: (answer: any) => unknown, when: () => boolean = () => true): RegistryChaincode {
  const real = createRegistryChaincode()
  return {
    Init: (stub) => real.Init(stub),
    async Invoke(stub) {
      const response = await real.Invoke(stub)
      const [called] = (stub as { getStringArgs(): string[] }).getStringArgs()
      if (called !== fn || !when()) return response
      const answer = JSON.parse(new TextDecoder().decode(response.payload))
      const changed = edit(answer) ?? answer
      return { ...response, payload: new TextEncoder().encode(JSON.stringify(changed)) }
    },
  }
}

async function caught(p: Promise<unknown>): Promise<{ name?: string; code?: string; shortMessage?: string }> {
  try {
    await p
  } catch (e) {
    return e as { name?: string; code?: string }
  }
  throw new Error('expected a rejection')
}

function setup(
  options: { chaincode?: string; ledgerChaincode?: string; retries?: number; impl?: RegistryChaincode } = {},
) {
  const transport = createInProcessFabricTransport({
    channel: 'mychannel',
    chaincode: options.chaincode ?? 'medseal',
    ...(options.impl ? { implementation: options.impl } : {}),
  })
  const ledger = createFabricLedger({
    transport,
    channel: 'mychannel',
    chaincode: options.ledgerChaincode ?? options.chaincode ?? 'medseal',
    retries: options.retries ?? 3,
    retryDelayMs: 0,
  })
  return { transport, ledger }
}

describe('createFabricLedger', () => {
  it('names the ledger fabric:<channel>:<chaincode> and refers to Fabric tx ids, blocks and tx timestamps', async () => {
    const { ledger, transport } = setup()
    expect(ledger.name).toBe('fabric')
    expect(ledger.ledgerId).toBe('fabric:mychannel:medseal')
    const record = await ledger.anchorRoot({ root: randomBytes(32), treeSize: 4, kind: 'records' })
    const tx = transport.world.findTransaction(record.ref.tx)
    expect(tx?.code).toBe('VALID')
    expect(record.ref).toEqual({
      ledger: 'fabric:mychannel:medseal',
      tx: tx?.txId,
      block: tx?.blockNumber,
      timestamp: tx?.timestamp.seconds,
    })
    expect(await ledger.getTime()).toBeGreaterThanOrEqual(record.ref.timestamp)
  })

  it('a second client reads the same references (block numbers looked up on the ledger, once per transaction)', async () => {
    const { ledger, transport } = setup()
    const root = randomBytes(32)
    const anchored = await ledger.anchorRoot({ root, treeSize: 9, kind: 'events' })
    let lookups = 0
    const counting = {
      ...transport,
      getTransactionBlock: async (tx: string) => {
        lookups++
        return transport.getTransactionBlock(tx)
      },
    }
    const reader = createFabricLedger({ transport: counting, channel: 'mychannel', chaincode: 'medseal' })
    const key = { root, treeSize: 9, kind: 'events' } as const
    const [a, b] = await Promise.all([reader.getAnchor(key), reader.getAnchor(key)])
    expect(a?.ref).toEqual(anchored.ref)
    expect(b?.ref).toEqual(anchored.ref)
    expect(lookups).toBe(1)
    expect((await reader.getAnchor(key))?.ref).toEqual(anchored.ref)
    expect(lookups).toBe(1)
  })

  it('refuses to work against a chaincode that serves another ledger id (LEDGER_MISMATCH)', async () => {
    const { ledger } = setup({ chaincode: 'medseal', ledgerChaincode: 'records' })
    const e = await caught(ledger.anchorRoot({ root: randomBytes(32), treeSize: 1, kind: 'records' }))
    expect(e).toBeInstanceOf(LedgerError)
    expect(e.code).toBe('LEDGER_MISMATCH')
  })

  it('retries MVCC conflicts a bounded number of times, then LEDGER_WRITE_FAILED', async () => {
    const { ledger } = setup({ retries: 0 })
    const root = randomBytes(32)
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () => ledger.anchorRoot({ root, treeSize: 2, kind: 'export' })),
    )
    const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[]
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect(failed).toHaveLength(3)
    for (const f of failed) {
      expect(f.reason).toBeInstanceOf(LedgerError)
      expect(f.reason.code).toBe('LEDGER_WRITE_FAILED')
    }
    // with retries, the same race ends with everyone holding the first record
    const retrying = setup({ retries: 3 }).ledger
    const refs = await Promise.all(
      Array.from({ length: 4 }, () => retrying.anchorRoot({ root, treeSize: 2, kind: 'export' })),
    )
    for (const r of refs) expect(r.ref).toEqual(refs[0]?.ref)
  })

  it('maps chaincode refusals to named errors', async () => {
    const { ledger } = setup()
    const consent = consentOf({ notBefore: 1, expiresAt: 2 })
    const forged = signConsent(clinician, ledger.domain, consent)
    const e = await caught(ledger.registerConsent(forged))
    expect(e.name).toBe('ConsentError')
    expect(e.code).toBe('CONSENT_SIGNATURE_INVALID')
    const bigint = await caught(ledger.registerConsent({ consent, signature: 1n } as never))
    expect(bigint.code).toBe('CONSENT_MALFORMED')
  })

  it('treats what a peer returns as untrusted: a wrong or malformed answer is LEDGER_REJECTED', async () => {
    const real = createRegistryChaincode()
    const other = bytesToHex0x(randomBytes(32))
    const tampering: RegistryChaincode = {
      Init: (stub) => real.Init(stub),
      async Invoke(stub) {
        const response = await real.Invoke(stub)
        const [fn] = (stub as { getStringArgs(): string[] }).getStringArgs()
        const text = new TextDecoder().decode(response.payload)
        if (fn === 'GetAnchor' && text !== 'null')
          return {
            ...response,
            payload: new TextEncoder().encode(text.replace(/"root":"0x[0-9a-f]+"/, `"root":"${other}"`)),
          }
        if (fn === 'GetTombstone') return { ...response, payload: new TextEncoder().encode('{"not":"json') }
        return response
      },
    }
    const { ledger } = setup({ impl: tampering })
    const root = randomBytes(32)
    await ledger.anchorRoot({ root, treeSize: 1, kind: 'records' })
    const e = await caught(ledger.getAnchor({ root, treeSize: 1, kind: 'records' }))
    expect(e).toBeInstanceOf(LedgerError)
    expect(e.code).toBe('LEDGER_REJECTED')
    const bad = await caught(ledger.getTombstone(bytesToHex0x(randomBytes(32)) as Hex, patient.address))
    expect(bad.code).toBe('LEDGER_REJECTED')
  })

  it('review #6: a listed item that fails verification is skipped and reported, the page still answers', async () => {
    // a peer (or a damaged record) hands back one consent whose content no longer matches its signature
    const { ledger } = setup({
      impl: rewriting('ListConsents', (page) => {
        page.items[0].consent.actions = ['read', 'write']
      }),
    })
    const grant = () => consentOf()
    const first = await ledger.registerConsent(signConsent(patient, ledger.domain, grant()))
    const second = await ledger.registerConsent(signConsent(patient, ledger.domain, grant()))
    const page = await ledger.listConsents({ grantee: clinician.address })
    expect(page.items.map((i) => i.consent.id)).toEqual([second.consent.id])
    expect(page.skipped).toEqual([{ ref: first.ref, code: 'CONSENT_SIGNATURE_INVALID' }])
  })

  it('remembers only exactly what it verified: the same signature over altered content is checked again', async () => {
    let tamper = false
    const sometimes = rewriting(
      'ListConsents',
      (page) => {
        page.items[0].consent.grantor = page.items[0].consent.grantor.toLowerCase() // same bytes signed, other text
        page.items[1].consent.purposes = ['HRESCH']
      },
      () => tamper,
    )
    const { ledger } = setup({ impl: sometimes })
    const grant = () => consentOf()
    const a = await ledger.registerConsent(signConsent(patient, ledger.domain, grant()))
    const b = await ledger.registerConsent(signConsent(patient, ledger.domain, grant()))
    expect((await ledger.listConsents()).items.map((i) => i.ref)).toEqual([a.ref, b.ref])
    tamper = true
    const page = await ledger.listConsents()
    // a lower-case grantor is the same EIP-712 message: it verifies (again); altered purposes do not
    expect(page.items.map((i) => i.ref)).toEqual([a.ref])
    expect(page.skipped).toEqual([{ ref: b.ref, code: 'CONSENT_SIGNATURE_INVALID' }])
  })

  it('a direct lookup of a consent that fails verification is a coded LEDGER_MISMATCH', async () => {
    const { ledger } = setup({
      impl: rewriting('GetConsent', (record) => {
        record.consent.expiresAt += 1
      }),
    })
    const consent = consentOf()
    await ledger.registerConsent(signConsent(patient, ledger.domain, consent))
    const e = await caught(ledger.getConsent(consentKey(patient.address, consent.id)))
    expect(e).toBeInstanceOf(LedgerError)
    expect(e.code).toBe('LEDGER_MISMATCH')
  })

  it('refuses a chaincode of another state format (LEDGER_MISMATCH)', async () => {
    const older = rewriting('GetLedgerInfo', (info) => ({ ...info, format: 1 }))
    const { ledger } = setup({ impl: older })
    const e = await caught(ledger.getTime().then(() => ledger.listConsents()))
    expect(e).toBeInstanceOf(LedgerError)
    expect(e.code).toBe('LEDGER_MISMATCH')
  })

  it('validates options', () => {
    const transport = createInProcessFabricTransport()
    for (const bad of [
      { transport, channel: 'MyChannel', chaincode: 'medseal' },
      { transport, channel: 'mychannel', chaincode: 'med seal' },
      { transport: {}, channel: 'mychannel', chaincode: 'medseal' },
    ]) {
      expect(() => createFabricLedger(bad as never)).toThrow(InvalidArgumentError)
    }
    expect(() => createFabricLedger({ transport, channel: 'mychannel', chaincode: 'medseal', retries: -1 })).toThrow(
      expect.objectContaining({ code: 'OUT_OF_RANGE' }),
    )
  })

  it('review #7: getTime() never goes backwards, even when the newest transaction carries an earlier time', async () => {
    // A gateway's ledger time is the newest transaction's timestamp, set by whichever client submitted it: the
    // next block can be older. The in-process bridge clamps its own clock, so this transport answers as a peer can.
    const { transport } = setup()
    const times = [1_800_000_100, 1_800_000_000, 1_799_999_000, 1_800_000_200]
    const goesBack = { ...transport, getLedgerTime: async () => times.shift() as number }
    const ledger = createFabricLedger({ transport: goesBack, channel: 'mychannel', chaincode: 'medseal' })
    expect(await ledger.getTime()).toBe(1_800_000_100)
    expect(await ledger.getTime()).toBe(1_800_000_100)
    expect(await ledger.getTime()).toBe(1_800_000_100)
    expect(await ledger.getTime()).toBe(1_800_000_200)
  })

  it('review fabric: lists nothing as an empty page on an empty ledger and for a grantee without consents', async () => {
    const { ledger } = setup()
    expect(await ledger.listConsents()).toEqual({ items: [] })
    expect(await ledger.listConsents({ grantee: clinician.address })).toEqual({ items: [] })
    expect(await ledger.listConsents({ grantor: patient.address, grantee: clinician.address })).toEqual({ items: [] })
  })

  it('reports a closed transport as LEDGER_UNAVAILABLE', async () => {
    const { ledger, transport } = setup({ retries: 1 })
    transport.close()
    const e = await caught(ledger.getTime())
    expect(e).toBeInstanceOf(LedgerError)
    expect(e.code).toBe('LEDGER_UNAVAILABLE')
  })
})

describe('error mapping', () => {
  it('parses MEDSEAL:<CODE>:<short> wherever a peer wrapped it', () => {
    expect(
      parseChaincodeError([
        '10 ABORTED: failed',
        'Org1MSP peer0:7051: chaincode response 500, MEDSEAL:LEDGER_CONFLICT:Root taken.',
      ]),
    ).toEqual({ code: 'LEDGER_CONFLICT', message: 'Root taken.' })
    expect(parseChaincodeError(['chaincode response 500, something else'])).toBeUndefined()
  })

  it('keeps known codes in their class and turns unknown ones into LEDGER_REJECTED', () => {
    const cases: [string, string, string][] = [
      ['MEDSEAL:INVALID_ARGUMENT:bad', 'InvalidArgumentError', 'INVALID_ARGUMENT'],
      ['MEDSEAL:INVALID_SIGNATURE:bad', 'VerificationError', 'INVALID_SIGNATURE'],
      ['MEDSEAL:CONSENT_NOT_FOUND:bad', 'ConsentError', 'CONSENT_NOT_FOUND'],
      ['MEDSEAL:LEDGER_CONFLICT:bad', 'LedgerError', 'LEDGER_CONFLICT'],
      ['MEDSEAL:DECRYPT_FAILED:not a ledger code', 'LedgerError', 'LEDGER_REJECTED'],
      ['MEDSEAL:CONSTRUCTOR:prototype games', 'LedgerError', 'LEDGER_REJECTED'],
      ['no prefix at all', 'LedgerError', 'LEDGER_REJECTED'],
    ]
    for (const [message, name, code] of cases) {
      const e = toLedgerError(new FabricTransportError('CHAINCODE', [message], { txId: 'tx1' }), 1)
      expect([e.name, e.code]).toEqual([name, code])
    }
  })

  it('maps transport reasons to ledger codes', () => {
    const code = (reason: ConstructorParameters<typeof FabricTransportError>[0]) =>
      toLedgerError(new FabricTransportError(reason, ['x']), 2).code
    expect(code('UNAVAILABLE')).toBe('LEDGER_UNAVAILABLE')
    expect(code('TIMEOUT')).toBe('LEDGER_TIMEOUT')
    expect(code('MVCC_READ_CONFLICT')).toBe('LEDGER_WRITE_FAILED')
    expect(code('PHANTOM_READ_CONFLICT')).toBe('LEDGER_WRITE_FAILED')
    expect(code('ENDORSEMENT')).toBe('LEDGER_REJECTED')
    expect(code('COMMIT')).toBe('LEDGER_REJECTED')
    expect(toLedgerError(new Error('socket hang up'), 1).code).toBe('LEDGER_UNAVAILABLE')
    const named = new InvalidArgumentError('INVALID_TYPE', 'x')
    expect(toLedgerError(named, 1)).toBe(named)
    expect(isSdkError(toLedgerError(new FabricTransportError('COMMIT', ['x']), 1))).toBe(true)
    expect(isFabricTransportError({ name: 'FabricTransportError', reason: 'NOPE', messages: [] })).toBe(false)
  })
})
