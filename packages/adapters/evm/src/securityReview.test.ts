/**
 * Regression tests of the security review (issue 12) that are specific to the EVM ledger: what the registry enforces
 * on chain, what a listing does with a consent the registry took but the SDK refuses, a ledger clock that never goes
 * backwards, and mempool front-running (two transactions in one block, the attacker's ordered first). The
 * conformance suite (`conformance.test.ts`) covers the rest of the ledger interface on anvil.
 */
import {
  authorize,
  type Consent,
  consentKey,
  consentTypes,
  type Hex,
  type LedgerAdapter,
  LedgerError,
} from '@medseal/core'
import { encodePacked, keccak256, stringToBytes, toHex } from 'viem'
import { generatePrivateKey, type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { getRegistryErrorName } from './_errors.js'
import { useChainbed } from './_testSetup.js'
import { medsealRegistryAbi as abi } from './artifacts/MedsealRegistry.js'
import { createEvmLedger } from './createEvmLedger.js'

const ZERO32: Hex = `0x${'00'.repeat(32)}`
const ZERO_ADDRESS: Hex = '0x0000000000000000000000000000000000000000'
const DAY = 86_400

const bed = useChainbed()

const patient = privateKeyToAccount(generatePrivateKey())
const clinician = privateKeyToAccount(generatePrivateKey())
const stranger = privateKeyToAccount(generatePrivateKey())
const random32 = (): Hex => keccak256(toHex(crypto.getRandomValues(new Uint8Array(32))))

const fresh = (wallet = 0) => bed.fresh({ wallet })

function consentFor(now: number, over: Partial<Consent> = {}): Consent {
  return {
    id: random32(),
    grantor: patient.address,
    grantee: clinician.address,
    parent: ZERO32,
    resourceTypes: ['Observation'],
    commitments: [],
    exclude: [],
    actions: ['read', 'search'],
    purposes: ['TREAT'],
    notBefore: now - 60,
    expiresAt: now + 30 * DAY,
    delegationDepth: 0,
    ...over,
  }
}

const chainConsent = (c: Consent) => ({
  ...c,
  resourceTypes: [...c.resourceTypes],
  commitments: [...c.commitments],
  exclude: [...c.exclude],
  actions: [...c.actions],
  purposes: [...c.purposes],
  notBefore: BigInt(c.notBefore),
  expiresAt: BigInt(c.expiresAt),
})

const sign = (
  by: PrivateKeyAccount,
  ledger: LedgerAdapter,
  primaryType: keyof typeof consentTypes,
  message: Record<string, unknown>,
): Promise<Hex> =>
  by.signTypedData({ domain: ledger.domain as never, types: consentTypes, primaryType, message: message as never })

async function rejection(p: Promise<unknown>): Promise<{ code?: string } & Error> {
  try {
    await p
  } catch (e) {
    return e as { code?: string } & Error
  }
  throw new Error('expected a rejection')
}

/** Waits until anvil's pool holds `n` pending transactions. */
async function waitForPool(n: number): Promise<void> {
  const deadline = Date.now() + 45_000
  while ((await bed.testClient.getTxpoolStatus()).pending < n && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20))
  }
  expect((await bed.testClient.getTxpoolStatus()).pending).toBe(n)
}

/** Runs `fn` with automine off, then always turns it back on and mines what is left. */
async function oneBlock(fn: () => Promise<void>): Promise<void> {
  await bed.testClient.setAutomine(false)
  try {
    await fn()
  } finally {
    await bed.testClient.setAutomine(true)
    await bed.testClient.mine({ blocks: 1 })
  }
}

describe('review #6: one validly signed but SDK-invalid consent', () => {
  it('review #6: the registry refuses on chain what is cheap to check (ConsentMalformed)', async () => {
    const { address, ledger } = await fresh()
    const now = await ledger.getTime()
    const long = `O${'a'.repeat(64)}`
    const cases: [string, Partial<Consent>][] = [
      ['zero id', { id: ZERO32 }],
      ['zero grantee', { grantee: ZERO_ADDRESS }],
      ['grantee is the grantor', { grantee: patient.address }],
      ['empty window', { expiresAt: now - 60 }],
      ['empty scope', { resourceTypes: [], commitments: [] }],
      ['no action', { actions: [] }],
      ['unknown action', { actions: ['read', 'admin' as never] }],
      ['repeated action', { actions: ['read', 'read'] }],
      ['six actions', { actions: ['read', 'search', 'vread', 'write', 'delegate', 'read'] }],
      ['no purpose', { purposes: [] }],
      ['65 purposes', { purposes: Array.from({ length: 65 }, (_, i) => `P${i}`) }],
      ['65 resource types', { resourceTypes: Array.from({ length: 65 }, (_, i) => `T${i}`) }],
      ['65 exclusions', { exclude: Array.from({ length: 65 }, (_, i) => `L${i}`) }],
      ['1025 commitments', { commitments: Array.from({ length: 1025 }, random32) }],
      ['a 65-byte string', { resourceTypes: [long] }],
    ]
    for (const [what, over] of cases) {
      const c = consentFor(now, over)
      const signature = await sign(patient, ledger, 'Consent', chainConsent(c))
      const e = await rejection(
        bed.publicClient.simulateContract({
          address,
          abi,
          functionName: 'registerConsent',
          args: [chainConsent(c), signature],
          account: bed.wallet(0).account,
        }),
      )
      expect({ what, error: getRegistryErrorName(e) }).toEqual({ what, error: 'ConsentMalformed' })
    }
    // limits themselves pass
    const edge = consentFor(now, {
      actions: ['read', 'search', 'vread', 'write', 'delegate'],
      resourceTypes: Array.from({ length: 64 }, (_, i) => `T${'x'.repeat(62)}${i % 10}`.slice(0, 64)),
      commitments: [random32()],
    })
    await bed.publicClient.simulateContract({
      address,
      abi,
      functionName: 'registerConsent',
      args: [chainConsent(edge), await sign(patient, ledger, 'Consent', chainConsent(edge))],
      account: bed.wallet(0).account,
    })
  })

  it('review #6: listConsents skips and reports a consent the SDK refuses, and never fails the page', async () => {
    const { address, ledger } = await fresh()
    const now = await ledger.getTime()
    const register = async (c: Consent) =>
      ledger.registerConsent({ consent: c, signature: await sign(patient, ledger, 'Consent', chainConsent(c)) })
    const first = await register(consentFor(now))
    // validly signed by the patient, accepted by the registry, refused by the SDK: an unknown purpose of use
    const bad = consentFor(now, { purposes: ['NOT-A-PURPOSE'] })
    const badSignature = await sign(patient, ledger, 'Consent', chainConsent(bad))
    expect((await rejection(ledger.registerConsent({ consent: bad, signature: badSignature }))).code).toBe(
      'CONSENT_MALFORMED',
    )
    const tx = await bed.wallet(0).writeContract({
      address,
      abi,
      functionName: 'registerConsent',
      args: [chainConsent(bad), badSignature],
    })
    const receipt = await bed.publicClient.waitForTransactionReceipt({ hash: tx })
    expect(receipt.status).toBe('success')
    const last = await register(consentFor(now))

    const page = await ledger.listConsents({ grantee: clinician.address })
    expect(page.items).toEqual([first, last])
    const block = await bed.publicClient.getBlock({ blockNumber: receipt.blockNumber })
    expect(page.skipped).toEqual([
      {
        ref: {
          ledger: ledger.ledgerId,
          tx,
          block: Number(receipt.blockNumber),
          timestamp: Number(block.timestamp),
        },
        code: 'CONSENT_MALFORMED',
      },
    ])
    // paged one at a time, the bad item takes its place in the order and the cursor moves past it
    const seen: string[] = []
    let cursor: string | undefined
    do {
      const p = await ledger.listConsents({ grantor: patient.address, limit: 1, ...(cursor ? { cursor } : {}) })
      seen.push(...p.items.map((r) => r.consent.id), ...(p.skipped ?? []).map((s) => `skipped:${s.code}`))
      cursor = p.cursor
    } while (cursor)
    expect(seen).toEqual([first.consent.id, 'skipped:CONSENT_MALFORMED', last.consent.id])
    // looked up by its key, the same item is refused with a coded error naming why (never returned as a grant)
    const direct = await rejection(ledger.getConsent(consentKey(patient.address, bad.id)))
    expect(direct).toBeInstanceOf(LedgerError)
    expect(direct.code).toBe('LEDGER_MISMATCH')
    expect(direct.message).toMatch(/refuses/)
    // a clean page reports nothing skipped
    expect((await ledger.listConsents({ grantee: stranger.address })).skipped).toBeUndefined()
  })
})

describe('review #7: the ledger clock', () => {
  it('review #7: getTime never goes backwards, even when the node serves an older head (revert, lagging node)', async () => {
    const { ledger } = await fresh()
    const snapshot = await bed.testClient.snapshot()
    await bed.testClient.increaseTime({ seconds: 3 * DAY })
    await bed.testClient.mine({ blocks: 1 })
    const later = await ledger.getTime()
    // the node now serves a head from three days earlier
    await bed.testClient.revert({ id: snapshot })
    const head = Number((await bed.publicClient.getBlock({ blockTag: 'latest' })).timestamp)
    expect(head).toBeLessThan(later - 2 * DAY)
    expect(await ledger.getTime()).toBe(later)
    // and moves on once the chain catches up
    await bed.testClient.increaseTime({ seconds: 4 * DAY })
    await bed.testClient.mine({ blocks: 1 })
    expect(await ledger.getTime()).toBeGreaterThan(later)
  })
})

describe('review #7: a stalled chain clock (anvil mines only when a transaction comes)', () => {
  it('review #7: authorize refuses a consent the host clock puts past expiry while no block was mined', async () => {
    const { ledger } = await fresh()
    const t = await ledger.getTime()
    const c = consentFor(t, { notBefore: t - 60, expiresAt: t + 60 })
    const registered = await ledger.registerConsent({
      consent: c,
      signature: await sign(patient, ledger, 'Consent', chainConsent(c)),
    })
    const request = {
      consentId: c.id,
      grantor: patient.address,
      grantee: clinician.address,
      action: 'read' as const,
      purpose: 'TREAT',
      record: { commitment: random32(), resourceType: 'Observation', owner: patient.address },
    }
    // the host clock inside the window: permitted
    const inside = await authorize(ledger, request, { now: () => registered.ref.timestamp * 1000 })
    expect(inside.reason).toBe('PERMITTED')
    // an hour later by the host clock; no transaction came, so no block was mined and the chain's time stood still
    const later = await authorize(ledger, request, { now: () => (c.expiresAt + 3600) * 1000 })
    expect(later.at).toBeLessThan(c.expiresAt)
    expect(await ledger.getTime()).toBe(later.at)
    expect(later).toMatchObject({ allowed: false, reason: 'CONSENT_EXPIRED' })
  })
})

describe('front-running in the mempool (two transactions in one block, the attacker first)', () => {
  it('review #2: a stranger’s head for the victim’s logId reverts (LogIdMismatch); the victim’s head lands', async () => {
    const { address, ledger } = await fresh(1)
    const operator = privateKeyToAccount(generatePrivateKey())
    const nameHash = keccak256(stringToBytes('access-log'))
    const logId = keccak256(encodePacked(['address', 'bytes32'], [operator.address, nameHash]))
    const head = {
      logId,
      operator: operator.address,
      nameHash,
      treeSize: 1,
      root: random32(),
      timestamp: 1_700_000_000,
    }
    const signed = { head, signature: await sign(operator, ledger, 'TreeHead', head) }
    // the stranger copies logId and nameHash and signs as itself
    const squat = { ...head, operator: stranger.address, root: random32() }
    const squatSig = await sign(stranger, ledger, 'TreeHead', squat)
    expect((await rejection(ledger.recordTreeHead({ head: squat, signature: squatSig }))).code).toBe('LEDGER_REJECTED')
    let frontTx: Hex = ZERO32
    let recorded: Awaited<ReturnType<LedgerAdapter['recordTreeHead']>> | undefined
    await oneBlock(async () => {
      frontTx = await bed.wallet(2).writeContract({
        address,
        abi,
        functionName: 'recordTreeHead',
        args: [{ ...squat, treeSize: 1n, timestamp: BigInt(squat.timestamp) }, squatSig],
        gas: 200_000n, // no estimate: it would revert
      })
      await waitForPool(1)
      const victim = ledger.recordTreeHead(signed)
      await waitForPool(2)
      await bed.testClient.mine({ blocks: 1 })
      recorded = await victim
    })
    const front = await bed.publicClient.getTransactionReceipt({ hash: frontTx })
    expect(front.status).toBe('reverted')
    expect(recorded?.ref.block).toBe(Number(front.blockNumber))
    expect(recorded?.head.operator).toBe(operator.address)
    expect(await ledger.getTreeHead(logId)).toEqual(recorded)
    const onChain = await rejection(
      bed.publicClient.simulateContract({
        address,
        abi,
        functionName: 'recordTreeHead',
        args: [{ ...squat, treeSize: 2n, timestamp: BigInt(squat.timestamp) }, squatSig],
        account: bed.wallet(2).account,
      }),
    )
    expect(getRegistryErrorName(onChain)).toBe('LogIdMismatch')
  }, 90_000)

  it('review #4: a stranger’s tombstone for the victim’s commitment in the same block does not block the owner’s', async () => {
    const { address, ledger } = await fresh(3)
    const strangerLedger = await createEvmLedger({
      publicClient: bed.publicClient,
      walletClient: bed.wallet(4),
      address,
    })
    const commitment = random32()
    const mine = { commitment, owner: patient.address }
    const theirs = { commitment, owner: stranger.address }
    let results: Awaited<ReturnType<LedgerAdapter['recordTombstone']>>[] = []
    await oneBlock(async () => {
      const front = strangerLedger.recordTombstone({
        tombstone: theirs,
        signature: await sign(stranger, ledger, 'Tombstone', theirs),
      })
      await waitForPool(1)
      const owner = ledger.recordTombstone({
        tombstone: mine,
        signature: await sign(patient, ledger, 'Tombstone', mine),
      })
      await waitForPool(2)
      await bed.testClient.mine({ blocks: 1 })
      results = await Promise.all([front, owner])
    })
    const [f, o] = results
    expect(f?.ref.block).toBe(o?.ref.block)
    expect(await ledger.getTombstone(commitment, patient.address)).toEqual(o)
    expect(o?.tombstone).toEqual(mine)
    expect(await ledger.getTombstone(commitment, stranger.address)).toEqual(f)
  }, 90_000)

  it('a read of the key of a write nobody made is undefined on every keyed lookup', async () => {
    const { ledger } = await fresh()
    expect(await ledger.getConsent(consentKey(patient.address, random32()))).toBeUndefined()
    expect(await ledger.getRevocation(consentKey(patient.address, random32()))).toBeUndefined()
    expect(await ledger.getTombstone(random32(), patient.address)).toBeUndefined()
    const e = await rejection(ledger.getTombstone(random32(), '0x12' as Hex))
    expect(e).not.toBeInstanceOf(LedgerError)
  })
})
