import {
  anchorKey,
  bytesToHex0x,
  type Consent,
  computeLogId,
  computeLogNameHash,
  consentKey,
  createParty,
  createSaltedDomain,
  type Hex,
  hexToBytes,
  randomBytes,
  signConsent,
  signRevocation,
  signTombstone,
  signTreeHead,
} from '@medseal/core'
import { readConsent } from '@medseal/core/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import { CHAINCODE_ERROR_PREFIX, ChaincodeError, toChaincodeError } from './chaincodeError.js'
import { createRegistryChaincode, type RegistryChaincode } from './createRegistryChaincode.js'
import { MedsealRegistryContract, REGISTRY_EVENTS, REGISTRY_KEYS } from './registryContract.js'
import { createMemoryWorldState, type MemoryWorldState, type TxTimestamp } from './testing/memoryWorldState.js'
import { setChaincodeLogLevel } from './testing/setChaincodeLogLevel.js'

// refused transactions are expected here; fabric-shim would log each at error level
setChaincodeLogLevel('CRITICAL')

const seed = (n: number) => Uint8Array.from({ length: 32 }, (_, i) => (n * 17 + i * 3 + 5) & 0xff)
const patient = createParty({ seed: seed(1) })
const clinician = createParty({ seed: seed(2) })
const operator = createParty({ seed: seed(3) })
const intruder = createParty({ seed: seed(4) })
const LEDGER_ID = 'fabric:mychannel:medseal'
const domain = createSaltedDomain(LEDGER_ID)
const dec = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : '')
const hex32 = (): Hex => bytesToHex0x(randomBytes(32))

function consent(over: Partial<Consent> = {}): Consent {
  return readConsent({
    id: hex32(),
    grantor: patient.address,
    grantee: clinician.address,
    expiresAt: 1_800_000_000,
    ...over,
  })
}

let world: MemoryWorldState
let chaincode: RegistryChaincode
/** The registry argument every transaction takes first: '' is the chaincode's default registry. */
let registry = ''

async function invoke(fn: string, args: string[] = [], opts: { txId?: string; timestamp?: TxTimestamp } = {}) {
  const stub = world.newStub({ args: [fn, registry, ...args], ...opts })
  const response = await chaincode.Invoke(stub)
  return { stub, response, payload: dec(response.payload), message: response.message ?? '' }
}

/** Endorse and commit; fails the test unless both succeed. */
async function submit(fn: string, args: string[] = []) {
  const r = await invoke(fn, args)
  expect(r.response.status, r.message).toBe(200)
  const [committed] = world.commit(r.stub)
  expect(committed?.code).toBe('VALID')
  return { ...r, committed: committed!, json: JSON.parse(r.payload) }
}

async function refused(fn: string, args: string[] = []) {
  const r = await invoke(fn, args)
  expect(r.response.status).toBe(500)
  const match = /^MEDSEAL:([A-Z_]+):(.*)$/.exec(r.message)
  expect(match, r.message).not.toBeNull()
  return { code: match![1], short: match![2], stub: r.stub }
}

beforeEach(() => {
  registry = ''
  world = createMemoryWorldState({ channel: 'mychannel', namespace: 'medseal' })
  chaincode = createRegistryChaincode()
})

describe('anchors', () => {
  it('stores canonical JSON under a composite key, emits one event, and returns the record', async () => {
    const root = hex32()
    const { json, stub, committed } = await submit('AnchorRoot', [root, '12', 'records'])
    const record = {
      root: root.toLowerCase(),
      treeSize: 12,
      kind: 'records',
      tx: stub.getTxID(),
      timestamp: stub.getTxTimestamp().seconds.toNumber(),
    }
    expect(json).toEqual({ created: true, record })
    const key = stub.createCompositeKey(REGISTRY_KEYS.anchor, [
      anchorKey({ root: hexToBytes(root), treeSize: 12, kind: 'records' }),
    ])
    // RFC 8785: sorted keys, no whitespace
    expect(dec(world.getCommitted(key))).toBe(
      `{"kind":"records","root":"${root.toLowerCase()}","timestamp":${record.timestamp},"treeSize":12,"tx":"${record.tx}"}`,
    )
    expect(committed.event?.eventName).toBe(REGISTRY_EVENTS.anchor)
    expect(JSON.parse(dec(committed.event?.payload))).toEqual(record)
    expect(JSON.parse((await invoke('GetAnchor', [root, '12', 'records'])).payload)).toEqual(record)
    expect((await invoke('GetAnchor', [hex32(), '12', 'records'])).payload).toBe('null')
    expect((await invoke('GetAnchor', [root, '13', 'records'])).payload).toBe('null')
    expect((await invoke('GetAnchor', [root, '12', 'events'])).payload).toBe('null')
  })

  it('is idempotent without writing', async () => {
    const root = hex32()
    const first = await submit('AnchorRoot', [root, '3', 'export'])
    const again = await invoke('AnchorRoot', [root.toUpperCase().replace('0X', '0x'), '3', 'export'])
    expect(JSON.parse(again.payload)).toEqual({ created: false, record: first.json.record })
    expect(again.stub.getWriteSet().size).toBe(0)
    expect(again.stub.getEvent()).toBeUndefined()
  })

  it('review #8: a root anchored first with other metadata blocks nothing: (root, treeSize, kind) is the key', async () => {
    const root = hex32()
    // a stranger front-runs the batch's root with another tree size and kind
    const squat = await submit('AnchorRoot', [root, '1', 'events'])
    const mine = await submit('AnchorRoot', [root, '3', 'export'])
    expect(mine.json.created).toBe(true)
    expect(mine.json.record).toMatchObject({ root, treeSize: 3, kind: 'export', tx: mine.stub.getTxID() })
    expect(JSON.parse((await invoke('GetAnchor', [root, '3', 'export'])).payload)).toEqual(mine.json.record)
    expect(JSON.parse((await invoke('GetAnchor', [root, '1', 'events'])).payload)).toEqual(squat.json.record)
    expect(JSON.parse((await invoke('AnchorRoot', [root, '4', 'export'])).payload).created).toBe(true)
    expect(JSON.parse((await invoke('AnchorRoot', [root, '3', 'records'])).payload).created).toBe(true)
  })

  it('validates its arguments', async () => {
    expect((await refused('AnchorRoot', ['0x12', '1', 'records'])).code).toBe('INVALID_ARGUMENT')
    expect((await refused('AnchorRoot', [hex32(), '0', 'records'])).code).toBe('OUT_OF_RANGE')
    expect((await refused('AnchorRoot', [hex32(), '9007199254740993', 'records'])).code).toBe('OUT_OF_RANGE')
    expect((await refused('AnchorRoot', [hex32(), '1.5', 'records'])).code).toBe('INVALID_ARGUMENT')
    expect((await refused('AnchorRoot', [hex32(), '1', 'toString'])).code).toBe('INVALID_ARGUMENT')
    expect((await refused('GetAnchor', ['root', '1', 'records'])).code).toBe('INVALID_ARGUMENT')
    expect((await refused('GetAnchor', [hex32(), '1', 'nothing'])).code).toBe('INVALID_ARGUMENT')
  })

  it('two concurrent anchors of one root: the second fails MVCC validation (the absent key was read)', async () => {
    const root = hex32()
    const a = await invoke('AnchorRoot', [root, '1', 'records'])
    const b = await invoke('AnchorRoot', [root, '1', 'records'])
    expect(world.commit(a.stub, b.stub).map((r) => r.code)).toEqual(['VALID', 'MVCC_READ_CONFLICT'])
    // re-executed, the second now finds the first's record
    const retried = await invoke('AnchorRoot', [root, '1', 'records'])
    expect(JSON.parse(retried.payload).created).toBe(false)
  })
})

describe('determinism (every endorser must compute the same result and write set)', () => {
  it('gives byte-identical results, write sets and events for the same proposal', async () => {
    const signed = signConsent(
      patient,
      domain,
      consent({ resourceTypes: ['Observation', 'Condition', 'AllergyIntolerance'] }),
    )
    const proposal = { txId: 'a'.repeat(64), timestamp: { seconds: 1_750_000_000, nanos: 123_456_789 } }
    const arg = JSON.stringify(signed)
    const one = await invoke('RegisterConsent', [arg], proposal)
    const two = await invoke('RegisterConsent', [arg], proposal)
    expect(one.response.status).toBe(200)
    expect(two.payload).toBe(one.payload)
    const writes = (s: typeof one.stub) => [...s.getWriteSet()].map(([k, v]) => [k, dec(v)])
    expect(writes(two.stub)).toEqual(writes(one.stub))
    expect(dec(two.stub.getEvent()?.payload)).toBe(dec(one.stub.getEvent()?.payload))
    // time is the proposal's, not a clock
    expect(JSON.parse(one.payload).record.timestamp).toBe(1_750_000_000)
  })
})

describe('consents', () => {
  it('verifies the grantor signature under fabric:<channel>:<chaincode>', async () => {
    const c = consent()
    const ok = await submit('RegisterConsent', [JSON.stringify(signConsent(patient, domain, c))])
    expect(ok.json.created).toBe(true)
    expect(ok.stub.getWriteSet().size).toBe(5) // the consent and its four indexes
    expect(ok.committed.event?.eventName).toBe(REGISTRY_EVENTS.consent)

    const forged = signConsent(intruder, domain, consent())
    expect((await refused('RegisterConsent', [JSON.stringify(forged)])).code).toBe('CONSENT_SIGNATURE_INVALID')
    // the same token on another chaincode name or channel is another ledger
    const other = consent()
    const signedHere = JSON.stringify(signConsent(patient, domain, other))
    chaincode = createRegistryChaincode({ chaincodeName: 'medseal-other' })
    expect((await refused('RegisterConsent', [signedHere])).code).toBe('CONSENT_SIGNATURE_INVALID')
    world = createMemoryWorldState({ channel: 'otherchannel' })
    chaincode = createRegistryChaincode()
    expect((await refused('RegisterConsent', [signedHere])).code).toBe('CONSENT_SIGNATURE_INVALID')
  })

  it('refuses malformed input with CONSENT_MALFORMED and replays with CONSENT_REPLAYED', async () => {
    expect((await refused('RegisterConsent', ['not json'])).code).toBe('CONSENT_MALFORMED')
    expect((await refused('RegisterConsent', ['[1,2]'])).code).toBe('CONSENT_MALFORMED')
    expect((await refused('RegisterConsent', ['{"consent":{}}'])).code).toBe('CONSENT_MALFORMED')
    const c = consent()
    await submit('RegisterConsent', [JSON.stringify(signConsent(patient, domain, c))])
    const widened = signConsent(patient, domain, { ...c, actions: ['read', 'write'] })
    expect((await refused('RegisterConsent', [JSON.stringify(widened)])).code).toBe('CONSENT_REPLAYED')
  })

  it('stores a consent under consentKey(grantor, id) and reads it back by that key', async () => {
    const c = consent()
    const ok = await submit('RegisterConsent', [JSON.stringify(signConsent(patient, domain, c))])
    const key = consentKey(c.grantor, c.id)
    expect([...ok.stub.getWriteSet().keys()]).toContain(ok.stub.createCompositeKey(REGISTRY_KEYS.consent, [key]))
    expect(JSON.parse((await invoke('GetConsent', [key])).payload)).toEqual(ok.json.record)
    expect((await invoke('GetConsent', [c.id])).payload).toBe('null') // the bare id names nothing
  })

  it("review #9: a consent id registered first by another grantor does not block the grantor's own consent", async () => {
    const c = consent()
    // a stranger front-runs the id with a consent of its own
    const squat = consent({ id: c.id, grantor: intruder.address, grantee: operator.address })
    await submit('RegisterConsent', [JSON.stringify(signConsent(intruder, domain, squat))])
    const mine = await submit('RegisterConsent', [JSON.stringify(signConsent(patient, domain, c))])
    expect(mine.json.created).toBe(true)
    const read = JSON.parse((await invoke('GetConsent', [consentKey(patient.address, c.id)])).payload)
    expect(read.consent.grantor.toLowerCase()).toBe(patient.address.toLowerCase())
    expect(read.consent.grantee.toLowerCase()).toBe(clinician.address.toLowerCase())
    // and a revocation of the stranger's own id does not touch the patient's consent
    const theirs = signRevocation(intruder, domain, { consentId: c.id, grantor: intruder.address })
    await submit('RevokeConsent', [JSON.stringify(theirs)])
    expect(JSON.parse((await invoke('GetConsent', [consentKey(patient.address, c.id)])).payload).revocation).toBe(
      undefined,
    )
  })

  it('revocation: signed by its grantor, standalone (no consent needed), idempotent, attached in either order', async () => {
    const c = consent()
    const key = consentKey(patient.address, c.id)
    // a revocation naming the patient as grantor but signed by someone else
    const forged = signRevocation(clinician, domain, { consentId: c.id, grantor: clinician.address })
    const claimed = { ...forged, revocation: { consentId: c.id, grantor: patient.address } }
    expect((await refused('RevokeConsent', [JSON.stringify(claimed)])).code).toBe('CONSENT_SIGNATURE_INVALID')
    // before the consent is registered (an emergency policy, a credential, or a consent withdrawn early)
    const rev = JSON.stringify(signRevocation(patient, domain, { consentId: c.id, grantor: patient.address }))
    const first = await submit('RevokeConsent', [rev])
    expect(first.committed.event?.eventName).toBe(REGISTRY_EVENTS.revocation)
    expect(JSON.parse((await invoke('GetRevocation', [key])).payload)).toEqual(first.json.record)
    expect((await invoke('GetConsent', [key])).payload).toBe('null')
    const again = await invoke('RevokeConsent', [rev])
    expect(JSON.parse(again.payload)).toEqual({ created: false, record: first.json.record })
    expect(again.stub.getWriteSet().size).toBe(0)
    await submit('RegisterConsent', [JSON.stringify(signConsent(patient, domain, c))])
    expect(JSON.parse((await invoke('GetConsent', [key])).payload).revocation).toEqual(first.json.record)
    expect((await invoke('GetRevocation', [hex32()])).payload).toBe('null')
  })

  it('review fabric: an empty listing is an empty page, not LEDGER_REJECTED (fabric-shim gives no metadata)', async () => {
    const list = (grantor: string, grantee: string) => invoke('ListConsents', [grantor, grantee, '10', ''])
    for (const [grantor, grantee] of [
      ['', ''],
      [patient.address, ''],
      ['', clinician.address],
      [patient.address, clinician.address],
    ] as const) {
      const r = await list(grantor, grantee)
      expect(r.response.status, r.message).toBe(200)
      expect(JSON.parse(r.payload)).toEqual({ items: [], skipped: [], bookmark: '' })
    }
    await submit('RegisterConsent', [JSON.stringify(signConsent(patient, domain, consent()))])
    // still empty for another grantee, and the last page of a non-empty listing ends with ''
    expect(JSON.parse((await list('', operator.address)).payload)).toEqual({ items: [], skipped: [], bookmark: '' })
    expect(JSON.parse((await list(patient.address, '')).payload).bookmark).toBe('')
  })

  it('lists by grantor, grantee and both in transaction time order, paged with bookmarks of that index only', async () => {
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      const c = consent({ grantee: i % 2 ? operator.address : clinician.address })
      ids.push(c.id.toLowerCase())
      await submit('RegisterConsent', [JSON.stringify(signConsent(patient, domain, c))])
    }
    const page = async (grantor: string, grantee: string, size: number, bookmark: string) =>
      JSON.parse((await invoke('ListConsents', [grantor, grantee, String(size), bookmark])).payload) as {
        items: { consent: Consent }[]
        bookmark: string
      }
    const all: string[] = []
    let bookmark = ''
    do {
      const p = await page('', '', 2, bookmark)
      all.push(...p.items.map((r) => r.consent.id.toLowerCase()))
      bookmark = p.bookmark
    } while (bookmark !== '')
    expect(all).toEqual(ids)
    const toClinician = await page(patient.address, clinician.address, 10, '')
    expect(toClinician.items.map((r) => r.consent.id.toLowerCase())).toEqual([ids[0], ids[2], ids[4]])
    expect(toClinician.bookmark).toBe('')
    const first = await page('', operator.address, 1, '')
    expect(first.items).toHaveLength(1)
    // a bookmark of one index is refused by another listing
    const misuse = await refused('ListConsents', [patient.address, '', '1', first.bookmark])
    expect(misuse.code).toBe('INVALID_ARGUMENT')
    expect((await refused('ListConsents', ['', '', '1001', ''])).code).toBe('OUT_OF_RANGE')
    expect((await refused('ListConsents', ['me', '', '10', ''])).code).toBe('INVALID_ARGUMENT')
  })
})

describe('listing items that fail the rules', () => {
  it('review #6: a stored consent that is not what its index promises is skipped and reported, the page answers', async () => {
    const good = consent()
    await submit('RegisterConsent', [JSON.stringify(signConsent(patient, domain, good))])
    // two damaged records with their index entries: one unreadable, one stored under another consent's key
    const seedStub = world.newStub({ args: ['seed'] })
    const g = patient.address.toLowerCase()
    const c = clinician.address.toLowerCase()
    const damaged = async (n: number, value: string) => {
      const key = hex32()
      const at = { key, tx: `${n}`.repeat(64), timestamp: 1_900_000_000 + n }
      await seedStub.putState(seedStub.createCompositeKey(REGISTRY_KEYS.consent, [key]), value)
      const entry = JSON.stringify(at)
      const order = `00${at.timestamp}.000000000.${key}`
      await seedStub.putState(seedStub.createCompositeKey(REGISTRY_KEYS.consentsAll, [order]), entry)
      await seedStub.putState(seedStub.createCompositeKey(REGISTRY_KEYS.consentsByGrantee, [c, order]), entry)
      await seedStub.putState(seedStub.createCompositeKey(REGISTRY_KEYS.consentsByPair, [g, c, order]), entry)
      return at
    }
    const unreadable = await damaged(1, '{"consent":')
    const elsewhere = await damaged(
      2,
      JSON.stringify({ ...signConsent(patient, domain, consent()), tx: 'x', timestamp: 1 }),
    )
    expect(world.commit(seedStub)[0]?.code).toBe('VALID')
    for (const args of [
      ['', ''],
      ['', clinician.address],
      [patient.address, clinician.address],
    ]) {
      const r = await invoke('ListConsents', [...args, '10', ''])
      expect(r.response.status, r.message).toBe(200)
      const page = JSON.parse(r.payload)
      expect(page.items.map((i: { consent: Consent }) => i.consent.id)).toEqual([good.id])
      expect(page.skipped).toEqual([
        { tx: unreadable.tx, timestamp: unreadable.timestamp, code: 'CONSENT_MALFORMED' },
        { tx: elsewhere.tx, timestamp: elsewhere.timestamp, code: 'LEDGER_MISMATCH' },
      ])
    }
  })
})

describe('tombstones and tree heads', () => {
  it('one tombstone per (commitment, owner), signed by its owner', async () => {
    const commitment = hex32()
    const t = JSON.stringify(signTombstone(patient, domain, { commitment, owner: patient.address }))
    const first = await submit('RecordTombstone', [t])
    expect(first.committed.event?.eventName).toBe(REGISTRY_EVENTS.tombstone)
    expect(JSON.parse((await invoke('RecordTombstone', [t])).payload).created).toBe(false)
    const forged = signTombstone(intruder, domain, { commitment: hex32(), owner: intruder.address })
    const claimed = { ...forged, tombstone: { ...forged.tombstone, owner: patient.address } }
    expect((await refused('RecordTombstone', [JSON.stringify(claimed)])).code).toBe('INVALID_SIGNATURE')
    expect(JSON.parse((await invoke('GetTombstone', [commitment, patient.address])).payload)).toEqual(first.json.record)
  })

  it("review #4: a stranger's tombstone recorded first neither blocks nor is returned for the owner", async () => {
    const commitment = hex32()
    const theirs = await submit('RecordTombstone', [
      JSON.stringify(signTombstone(intruder, domain, { commitment, owner: intruder.address })),
    ])
    expect((await invoke('GetTombstone', [commitment, patient.address])).payload).toBe('null')
    const mine = await submit('RecordTombstone', [
      JSON.stringify(signTombstone(patient, domain, { commitment, owner: patient.address })),
    ])
    expect(mine.json.created).toBe(true)
    expect(JSON.parse((await invoke('GetTombstone', [commitment, patient.address])).payload)).toEqual(mine.json.record)
    expect(JSON.parse((await invoke('GetTombstone', [commitment, intruder.address])).payload)).toEqual(
      theirs.json.record,
    )
    expect((await refused('GetTombstone', [commitment, 'nobody'])).code).toBe('INVALID_ARGUMENT')
  })

  const LOG_NAME = 'custodian-access-log'
  const head = (party: typeof operator, treeSize: number, logId = computeLogId(party.address, LOG_NAME)) =>
    JSON.stringify(
      signTreeHead(party, domain, {
        logId,
        operator: party.address,
        nameHash: computeLogNameHash(LOG_NAME),
        treeSize,
        root: hex32(),
        timestamp: 1_700_000_000,
      }),
    )

  it('keeps one head per (log id, size) and the largest head as latest', async () => {
    const logId = computeLogId(operator.address, LOG_NAME)
    await submit('RecordTreeHead', [head(operator, 8)])
    const h3 = await submit('RecordTreeHead', [head(operator, 3)])
    expect(h3.committed.event?.eventName).toBe(REGISTRY_EVENTS.treeHead)
    expect(h3.json.record.head.nameHash).toBe(computeLogNameHash(LOG_NAME))
    expect(JSON.parse((await invoke('GetTreeHead', [logId, ''])).payload).head.treeSize).toBe(8)
    expect(JSON.parse((await invoke('GetTreeHead', [logId, '3'])).payload)).toEqual(h3.json.record)
    expect((await invoke('GetTreeHead', [logId, '4'])).payload).toBe('null')
    expect((await refused('RecordTreeHead', [head(operator, 8)])).code).toBe('LEDGER_CONFLICT')
  })

  it("review #2: refuses a head whose log id is not its signer's, even as the first head of that log id", async () => {
    const custodianLog = computeLogId(operator.address, LOG_NAME)
    // a stranger signs a head for the custodian's log id before the custodian writes any
    const squat = await refused('RecordTreeHead', [head(intruder, 1, custodianLog)])
    expect(squat.code).toBe('LEDGER_REJECTED')
    expect(squat.stub.getWriteSet().size).toBe(0)
    expect((await invoke('GetTreeHead', [custodianLog, ''])).payload).toBe('null')
    // the custodian's own head is accepted
    expect((await submit('RecordTreeHead', [head(operator, 1)])).json.created).toBe(true)
    expect((await refused('RecordTreeHead', [head(intruder, 2, custodianLog)])).code).toBe('LEDGER_REJECTED')
  })
})

describe('registries', () => {
  it('keeps named registries apart: own keys, own ledger id and EIP-712 domain', async () => {
    const root = hex32()
    await submit('AnchorRoot', [root, '1', 'records'])
    registry = 'tenant-a'
    const info = JSON.parse((await invoke('GetLedgerInfo')).payload)
    expect(info.ledgerId).toBe(`${LEDGER_ID}:tenant-a`)
    expect(info.domain).toEqual(createSaltedDomain(`${LEDGER_ID}:tenant-a`))
    expect((await invoke('GetAnchor', [root, '1', 'records'])).payload).toBe('null')
    const other = await submit('AnchorRoot', [root, '1', 'records']) // another registry: written again
    expect(other.json.created).toBe(true)
    expect([...other.stub.getWriteSet().keys()][0]).toContain(`${REGISTRY_KEYS.anchor}@tenant-a`)
    // a consent signed for the default registry does not verify in tenant-a
    const signed = JSON.stringify(signConsent(patient, domain, consent()))
    expect((await refused('RegisterConsent', [signed])).code).toBe('CONSENT_SIGNATURE_INVALID')
    registry = 'Bad Name'
    expect((await refused('GetAnchor', [root, '1', 'records'])).code).toBe('INVALID_ARGUMENT')
  })
})

describe('chaincode plumbing', () => {
  it('reports its ledger id and domain', async () => {
    const info = JSON.parse((await invoke('GetLedgerInfo')).payload)
    expect(info.ledgerId).toBe(LEDGER_ID)
    expect(info.domain).toEqual(domain)
    chaincode = createRegistryChaincode({ chaincodeName: 'records_prod' })
    expect(JSON.parse((await invoke('GetLedgerInfo')).payload).ledgerId).toBe('fabric:mychannel:records_prod')
    expect(() => createRegistryChaincode({ chaincodeName: 'bad name' })).toThrow(/chaincode name/)
  })

  it('answers unknown functions and wrong argument counts with Fabric errors, nothing written', async () => {
    const unknown = await invoke('DropEverything')
    expect(unknown.response.status).toBe(500)
    expect(unknown.message).toMatch(/does not exist/)
    const wrongArity = await invoke('AnchorRoot', [hex32(), '1'])
    expect(wrongArity.response.status).toBe(500)
    expect(wrongArity.stub.getWriteSet().size).toBe(0)
  })

  it('turns unexpected failures into a generic LEDGER_REJECTED, medseal errors into their code', () => {
    const generic = toChaincodeError(new TypeError('secret 0xdeadbeef leaked?'))
    expect(generic.message).toBe(
      `${CHAINCODE_ERROR_PREFIX}:LEDGER_REJECTED:The chaincode failed to process the transaction.`,
    )
    const tidy = new ChaincodeError('INVALID_ARGUMENT', 'two\nlines\u0000here')
    expect(tidy.message).toBe('MEDSEAL:INVALID_ARGUMENT:two lines here')
    expect(new ChaincodeError('INVALID_ARGUMENT', 'x'.repeat(500)).shortMessage.length).toBe(200)
    expect(new MedsealRegistryContract().getName()).toBe('medseal')
  })
})
