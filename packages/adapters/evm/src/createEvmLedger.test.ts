import {
  type Consent,
  ConsentError,
  consentKey,
  consentTypes,
  type Hex,
  InvalidArgumentError,
  type LedgerAdapter,
  LedgerError,
  type SignedConsent,
  type SignedTreeHead,
} from '@medseal/core'
import {
  createPublicClient,
  createWalletClient,
  custom,
  encodePacked,
  http,
  keccak256,
  stringToBytes,
  toHex,
} from 'viem'
import { generatePrivateKey, type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts'
import { foundry } from 'viem/chains'
import { describe, expect, it, onTestFinished } from 'vitest'
import { getRegistryErrorName } from './_errors.js'
import { useChainbed } from './_testSetup.js'
import { medsealRegistryAbi as abi } from './artifacts/MedsealRegistry.js'
import { createEvmLedger } from './createEvmLedger.js'
import { deployRegistry } from './deployRegistry.js'
import { startAnvil } from './node.js'

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
const ZERO32: Hex = `0x${'00'.repeat(32)}`
const DAY = 86_400

const bed = useChainbed()

const patient = privateKeyToAccount(generatePrivateKey())
const clinician = privateKeyToAccount(generatePrivateKey())
const operator = privateKeyToAccount(generatePrivateKey())
const intruder = privateKeyToAccount(generatePrivateKey())

const random32 = (): Hex => keccak256(toHex(crypto.getRandomValues(new Uint8Array(32))))
const rootBytes = () => crypto.getRandomValues(new Uint8Array(32))

const fresh = bed.fresh

function consentFor(ledgerNow: number, over: Partial<Consent> = {}): Consent {
  return {
    id: random32(),
    grantor: patient.address,
    grantee: clinician.address,
    parent: ZERO32,
    resourceTypes: ['Observation', 'Condition', 'MedicationRequest'],
    commitments: [random32()],
    exclude: ['PSY', 'HIV'],
    actions: ['read', 'search'],
    purposes: ['TREAT'],
    notBefore: ledgerNow,
    expiresAt: ledgerNow + 30 * DAY,
    delegationDepth: 1,
    ...over,
  }
}

const chainConsent = (c: Consent) => ({ ...c, notBefore: BigInt(c.notBefore), expiresAt: BigInt(c.expiresAt) })

async function sign(
  account: PrivateKeyAccount,
  domain: LedgerAdapter['domain'],
  primaryType: keyof typeof consentTypes,
  message: Record<string, unknown>,
): Promise<Hex> {
  return account.signTypedData({
    domain: domain as never,
    types: consentTypes,
    primaryType,
    message: message as never,
  })
}

const signConsent = async (ledger: LedgerAdapter, c: Consent, by = patient): Promise<SignedConsent> => ({
  consent: c,
  signature: await sign(by, ledger.domain, 'Consent', chainConsent(c)),
})

/** Waits until anvil's pool holds `n` pending transactions (each write first runs its checks and a simulation). */
async function waitForPool(n: number): Promise<void> {
  const deadline = Date.now() + 45_000
  while ((await bed.testClient.getTxpoolStatus()).pending < n && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20))
  }
  expect((await bed.testClient.getTxpoolStatus()).pending).toBe(n)
}

/**
 * Wallets for anvil accounts `ids` whose transactions reach the node together: each `eth_sendRawTransaction` waits
 * until every wallet got that far. anvil estimates gas on its pending block, so without this a write that loses the
 * race could fail at its gas estimate (the winner already pending) instead of reverting in the block.
 */
function walletsSendingTogether(ids: readonly number[]) {
  let arrived = 0
  let release = () => {}
  const together = new Promise<void>((resolve) => {
    release = resolve
  })
  const transport = custom({
    async request({ method, params }) {
      if (method === 'eth_sendRawTransaction') {
        arrived += 1
        if (arrived === ids.length) release()
        await together
      }
      return bed.publicClient.request({ method, params } as never)
    },
  })
  return ids.map((i) =>
    createWalletClient({ chain: foundry, transport, account: bed.wallet(i).account, pollingInterval: 20 }),
  )
}

/** Signed heads of the log `name` of `by`: its logId is keccak256(operator ‖ keccak256(name)), as computeLogId. */
function treeHeads(ledger: LedgerAdapter, by: PrivateKeyAccount, name: string, logIdOverride?: Hex) {
  const nameHash = keccak256(stringToBytes(name))
  const logId = logIdOverride ?? keccak256(encodePacked(['address', 'bytes32'], [by.address, nameHash]))
  const head = async (treeSize: number, root = random32()): Promise<SignedTreeHead> => {
    const h = { logId, operator: by.address, nameHash, treeSize, root, timestamp: 1_700_000_000 + treeSize }
    const signature = await sign(by, ledger.domain, 'TreeHead', {
      ...h,
      treeSize: BigInt(treeSize),
      timestamp: BigInt(h.timestamp),
    })
    return { head: h, signature }
  }
  return { logId, nameHash, head }
}

async function rejection(p: Promise<unknown>): Promise<{ name: string; code: string } & Error> {
  try {
    await p
  } catch (e) {
    return e as { name: string; code: string } & Error
  }
  throw new Error('expected a rejection')
}

describe('deployRegistry + createEvmLedger', () => {
  it('attaches to a fresh registry: ledger id, EIP-712 domain, ledger time, frozen', async () => {
    const { address, ledger } = await fresh()
    expect(ledger.name).toBe('evm')
    expect(ledger.ledgerId).toBe(`eip155:31337:${address}`)
    expect(ledger.domain).toEqual({ name: 'medseal', version: '1', chainId: 31337, verifyingContract: address })
    expect(Object.isFrozen(ledger)).toBe(true)
    const block = await bed.publicClient.getBlock()
    expect(await ledger.getTime()).toBe(Number(block.timestamp))
    // the on-chain EIP-5267 domain agrees
    const [, name, version, chainId, verifyingContract] = await bed.publicClient.readContract({
      address,
      abi,
      functionName: 'eip712Domain',
    })
    expect({ name, version, chainId: Number(chainId), verifyingContract }).toEqual(ledger.domain)
  })

  it('refuses an address without a registry (LEDGER_MISMATCH) and bad options (InvalidArgumentError)', async () => {
    const eoa = await rejection(
      createEvmLedger({ publicClient: bed.publicClient, address: patient.address, walletClient: bed.wallet(0) }),
    )
    expect(eoa).toBeInstanceOf(LedgerError)
    expect(eoa.code).toBe('LEDGER_MISMATCH')
    // some other contract: its code is not the registry's
    const other = await bed
      .wallet(0)
      .deployContract({ abi: [], bytecode: '0x600a600c600039600a6000f3602a60005260206000f3' })
    const receipt = await bed.publicClient.waitForTransactionReceipt({ hash: other })
    const notRegistry = await rejection(
      createEvmLedger({ publicClient: bed.publicClient, address: receipt.contractAddress! }),
    )
    expect(notRegistry.code).toBe('LEDGER_MISMATCH')
    const bad = await rejection(createEvmLedger({ publicClient: bed.publicClient, address: '0x1234' as Hex }))
    expect(bad).toBeInstanceOf(InvalidArgumentError)
    expect(bad.code).toBe('INVALID_ARGUMENT')
    const { address } = await fresh()
    const conf = await rejection(createEvmLedger({ publicClient: bed.publicClient, address, confirmations: 0 }))
    expect(conf).toBeInstanceOf(InvalidArgumentError)
    expect(conf.code).toBe('OUT_OF_RANGE')
    const noClient = await rejection(createEvmLedger({ publicClient: {} as never, address }))
    expect(noClient.code).toBe('INVALID_TYPE')
  })

  it('a wallet on another chain is LEDGER_MISMATCH', async () => {
    const { address } = await fresh()
    const walletClient = createWalletClient({
      chain: { ...foundry, id: 1 },
      transport: http(bed.anvil.rpcUrl),
      account: privateKeyToAccount(generatePrivateKey()),
    })
    const e = await rejection(createEvmLedger({ publicClient: bed.publicClient, walletClient, address }))
    expect(e).toBeInstanceOf(LedgerError)
    expect(e.code).toBe('LEDGER_MISMATCH')
  })

  it('a read-only ledger reads, and refuses writes with LEDGER_REJECTED', async () => {
    const { address, ledger: writer } = await fresh()
    const root = rootBytes()
    const written = await writer.anchorRoot({ root, treeSize: 3, kind: 'records' })
    const reader = await createEvmLedger({ publicClient: bed.publicClient, address })
    expect(await reader.getAnchor({ root, treeSize: 3, kind: 'records' })).toEqual(written)
    const e = await rejection(reader.anchorRoot({ root: rootBytes(), treeSize: 1, kind: 'records' }))
    expect(e).toBeInstanceOf(LedgerError)
    expect(e.code).toBe('LEDGER_REJECTED')
  })
})

describe('anchors', () => {
  it('anchors in one write and reads back the tx hash, block and block timestamp', async () => {
    const { ledger } = await fresh()
    const root = rootBytes()
    const rec = await ledger.anchorRoot({ root, treeSize: 10_000, kind: 'records' })
    const receipt = await bed.publicClient.getTransactionReceipt({ hash: rec.ref.tx as Hex })
    const block = await bed.publicClient.getBlock({ blockNumber: receipt.blockNumber })
    expect(rec.ref).toEqual({
      ledger: ledger.ledgerId,
      tx: receipt.transactionHash,
      block: Number(receipt.blockNumber),
      timestamp: Number(block.timestamp),
    })
    expect(receipt.gasUsed).toBeLessThanOrEqual(50_000n)
    expect(await ledger.getAnchor({ root, treeSize: 10_000, kind: 'records' })).toEqual(rec)
    // idempotent: no second transaction, same record
    const count = await bed.publicClient.getTransactionCount({ address: bed.wallet(0).account.address })
    expect(await ledger.anchorRoot({ root, treeSize: 10_000, kind: 'records' })).toEqual(rec)
    expect(await bed.publicClient.getTransactionCount({ address: bed.wallet(0).account.address })).toBe(count)
    // the same root with other metadata is another anchor, looked up by its own triple
    const other = await ledger.anchorRoot({ root, treeSize: 9_999, kind: 'records' })
    expect(other.ref.tx).not.toBe(rec.ref.tx)
    expect(await ledger.getAnchor({ root, treeSize: 9_999, kind: 'records' })).toEqual(other)
    expect(await ledger.getAnchor({ root, treeSize: 10_000, kind: 'records' })).toEqual(rec)
    expect(await ledger.getAnchor({ root, treeSize: 10_000, kind: 'export' })).toBeUndefined()
  })

  it('the registry itself refuses an invalid anchor (custom errors, decoded) and takes other metadata', async () => {
    const { address, ledger } = await fresh()
    const root = rootBytes()
    await ledger.anchorRoot({ root, treeSize: 5, kind: 'export' })
    const w = bed.wallet(1)
    const rootHex = toHex(root)
    await bed.publicClient.simulateContract({
      address,
      abi,
      functionName: 'anchor',
      args: [rootHex, 6n, 2],
      account: w.account,
    })
    for (const [size, kind] of [
      [0n, 1],
      [1n, 0],
      [1n, 4],
    ] as const) {
      const e = await rejection(
        bed.publicClient.simulateContract({
          address,
          abi,
          functionName: 'anchor',
          args: [random32(), size, kind],
          account: w.account,
        }),
      )
      expect(getRegistryErrorName(e)).toBe('InvalidAnchor')
    }
    // the same metadata again is a successful no-op on chain
    await bed.publicClient.simulateContract({
      address,
      abi,
      functionName: 'anchor',
      args: [rootHex, 5n, 2],
      account: w.account,
    })
  })

  it('review #8: a stranger front-running the same root with another treeSize in one block leaves the real anchor intact', async () => {
    const { address, ledger: owner } = await fresh({ wallet: 2 })
    const stranger = await createEvmLedger({ publicClient: bed.publicClient, walletClient: bed.wallet(3), address })
    const root = rootBytes()
    await bed.testClient.setAutomine(false)
    try {
      // the stranger's transaction reaches the pool first, so the block orders it first
      const front = stranger.anchorRoot({ root, treeSize: 1, kind: 'records' })
      await waitForPool(1)
      const real = owner.anchorRoot({ root, treeSize: 2, kind: 'records' })
      await waitForPool(2)
      await bed.testClient.mine({ blocks: 1 })
      const [f, r] = await Promise.all([front, real])
      expect(f.ref.block).toBe(r.ref.block)
      expect(r.treeSize).toBe(2)
      expect(await owner.getAnchor({ root, treeSize: 2, kind: 'records' })).toEqual(r)
      expect(await owner.getAnchor({ root, treeSize: 1, kind: 'records' })).toEqual(f)
    } finally {
      await bed.testClient.setAutomine(true)
      await bed.testClient.mine({ blocks: 1 })
    }
  }, 90_000)

  it('concurrent identical anchors from two accounts mined in one block both return the first record', async () => {
    const { address, ledger: a } = await fresh({ wallet: 4 })
    const b = await createEvmLedger({ publicClient: bed.publicClient, walletClient: bed.wallet(5), address })
    const root = rootBytes()
    // automine back on even if this test times out (its body then still runs on): a node left with automine off stalls
    // every later test's deploy (seen once in CI under load, where the next test timed out behind this one)
    onTestFinished(() => bed.testClient.setAutomine(true))
    await bed.testClient.setAutomine(false)
    try {
      const settled = Promise.all([
        a.anchorRoot({ root, treeSize: 7, kind: 'events' }),
        b.anchorRoot({ root, treeSize: 7, kind: 'events' }),
      ])
      await waitForPool(2)
      await bed.testClient.mine({ blocks: 1 })
      const [ra, rb] = await settled
      expect(rb).toEqual(ra)
    } finally {
      await bed.testClient.setAutomine(true)
    }
  }, 90_000)

  it('rejects bad input before any transaction (InvalidArgumentError)', async () => {
    const { ledger } = await fresh()
    const cases: [unknown, string][] = [
      [{ root: new Uint8Array(31), treeSize: 1, kind: 'records' }, 'INVALID_LENGTH'],
      [{ root: 'ab', treeSize: 1, kind: 'records' }, 'INVALID_TYPE'],
      [{ root: rootBytes(), treeSize: 0, kind: 'records' }, 'OUT_OF_RANGE'],
      [{ root: rootBytes(), treeSize: 1.5, kind: 'records' }, 'OUT_OF_RANGE'],
      [{ root: rootBytes(), treeSize: 1, kind: 'other' }, 'INVALID_ARGUMENT'],
      [null, 'INVALID_TYPE'],
    ]
    for (const [input, code] of cases) {
      const e = await rejection(ledger.anchorRoot(input as never))
      expect(e).toBeInstanceOf(InvalidArgumentError)
      expect(e.code).toBe(code)
    }
    expect(await ledger.getAnchor({ root: rootBytes(), treeSize: 1, kind: 'records' })).toBeUndefined()
    const badKey = await rejection(ledger.getAnchor({ root: rootBytes(), treeSize: 0, kind: 'records' }))
    expect(badKey.code).toBe('OUT_OF_RANGE')
  })
})

describe('consents on chain', () => {
  it('registers (one write within the gas budget), reads back the full signed consent, and is idempotent', async () => {
    const { ledger } = await fresh()
    const signed = await signConsent(ledger, consentFor(await ledger.getTime()))
    const rec = await ledger.registerConsent(signed)
    expect(rec.consent).toEqual(signed.consent)
    expect(rec.signature).toBe(signed.signature)
    expect(rec.revocation).toBeUndefined()
    const receipt = await bed.publicClient.getTransactionReceipt({ hash: rec.ref.tx as Hex })
    expect(receipt.gasUsed).toBeLessThanOrEqual(120_000n)
    const key = consentKey(patient.address, signed.consent.id)
    expect(await ledger.getConsent(key)).toEqual(rec)
    expect(await ledger.getConsent(key.toUpperCase().replace('0X', '0x') as Hex)).toEqual(rec)
    expect(await ledger.getConsent(signed.consent.id)).toBeUndefined()
    expect(await ledger.registerConsent(signed)).toEqual(rec)
    const replay = await rejection(
      ledger.registerConsent(await signConsent(ledger, { ...signed.consent, purposes: ['HRESCH'] })),
    )
    expect(replay).toBeInstanceOf(ConsentError)
    expect(replay.code).toBe('CONSENT_REPLAYED')
  })

  it('a token signed for another chain id is refused on chain (InvalidSignature), bypassing the adapter', async () => {
    const { address, ledger } = await fresh()
    const c = consentFor(await ledger.getTime())
    const otherChain = await sign(patient, { ...ledger.domain, chainId: 1 } as never, 'Consent', chainConsent(c))
    const otherRegistry = await sign(
      patient,
      { ...ledger.domain, verifyingContract: patient.address } as never,
      'Consent',
      chainConsent(c),
    )
    for (const signature of [otherChain, otherRegistry]) {
      const e = await rejection(
        bed
          .wallet(0)
          .writeContract({ address, abi, functionName: 'registerConsent', args: [chainConsent(c), signature] }),
      )
      expect(getRegistryErrorName(e)).toBe('InvalidSignature')
      // and the adapter refuses it off-chain with the memory ledger's code
      const off = await rejection(ledger.registerConsent({ consent: c, signature }))
      expect(off.code).toBe('CONSENT_SIGNATURE_INVALID')
    }
    expect(await ledger.getConsent(consentKey(c.grantor, c.id))).toBeUndefined()
  })

  it('forged, high-s, bad-v and truncated signatures are refused on chain', async () => {
    const { address, ledger } = await fresh()
    const c = consentFor(await ledger.getTime())
    const good = await sign(patient, ledger.domain, 'Consent', chainConsent(c))
    const forged = await sign(intruder, ledger.domain, 'Consent', chainConsent(c))
    const r = good.slice(2, 66)
    const s = BigInt(`0x${good.slice(66, 130)}`)
    const v = Number.parseInt(good.slice(130), 16)
    // (r, n - s, v ^ 1) recovers the same address: the malleable twin EIP-2 forbids
    const highS = `0x${r}${(N - s).toString(16).padStart(64, '0')}${(v === 27 ? 28 : 27).toString(16)}` as Hex
    const vZero = `0x${r}${good.slice(66, 130)}${(v - 27).toString(16).padStart(2, '0')}` as Hex
    const truncated = good.slice(0, 130) as Hex
    for (const signature of [forged, highS, vZero, truncated]) {
      const e = await rejection(
        bed.publicClient.simulateContract({
          address,
          abi,
          functionName: 'registerConsent',
          args: [chainConsent(c), signature],
          account: bed.wallet(0).account,
        }),
      )
      expect(getRegistryErrorName(e)).toBe('InvalidSignature')
    }
    // the canonical one passes, and the contract computes the same EIP-712 struct hash as viem
    await bed.publicClient.simulateContract({
      address,
      abi,
      functionName: 'registerConsent',
      args: [chainConsent(c), good],
      account: bed.wallet(0).account,
    })
  })

  it('the registry refuses an empty validity window and a different consent under a taken id', async () => {
    const { address, ledger } = await fresh()
    const now = await ledger.getTime()
    const empty = consentFor(now, { expiresAt: now })
    const e1 = await rejection(
      bed.publicClient.simulateContract({
        address,
        abi,
        functionName: 'registerConsent',
        args: [chainConsent(empty), await sign(patient, ledger.domain, 'Consent', chainConsent(empty))],
        account: bed.wallet(0).account,
      }),
    )
    expect(getRegistryErrorName(e1)).toBe('ConsentMalformed')
    const rec = await ledger.registerConsent(await signConsent(ledger, consentFor(now)))
    const other = { ...rec.consent, actions: ['read' as const] }
    const e2 = await rejection(
      bed.wallet(0).writeContract({
        address,
        abi,
        functionName: 'registerConsent',
        args: [chainConsent(other), await sign(patient, ledger.domain, 'Consent', chainConsent(other))],
      }),
    )
    expect(getRegistryErrorName(e2)).toBe('ConsentReplayed')
  })

  it('revocation: keyed by (grantor, id), needs no consent; a stranger cannot touch the grant; a revoked token is refused', async () => {
    const { address, ledger } = await fresh()
    const rec = await ledger.registerConsent(await signConsent(ledger, consentFor((await ledger.getTime()) - 60)))
    const c = chainConsent(rec.consent)
    expect(await bed.publicClient.readContract({ address, abi, functionName: 'isConsentActive', args: [c] })).toBe(true)
    const id = rec.consent.id
    const key = consentKey(patient.address, id)
    // a stranger "revoking" the patient's id only withdraws its own (grantor, id): the grant stays active
    const byIntruder = {
      revocation: { consentId: id, grantor: intruder.address },
      signature: await sign(intruder, ledger.domain, 'Revocation', { consentId: id, grantor: intruder.address }),
    }
    const own = await ledger.revokeConsent(byIntruder)
    expect(own.revocation).toEqual(byIntruder.revocation)
    expect(await ledger.getRevocation(consentKey(intruder.address, id))).toEqual(own)
    expect((await ledger.getConsent(key))?.revocation).toBeUndefined()
    expect(await ledger.getRevocation(key)).toBeUndefined()
    expect(await bed.publicClient.readContract({ address, abi, functionName: 'isConsentActive', args: [c] })).toBe(true)
    // the stranger's signature under the patient's name is refused, on chain too
    const forged = { revocation: { consentId: id, grantor: patient.address }, signature: byIntruder.signature }
    expect((await rejection(ledger.revokeConsent(forged))).code).toBe('CONSENT_SIGNATURE_INVALID')
    const e3 = await rejection(
      bed
        .wallet(0)
        .writeContract({ address, abi, functionName: 'revoke', args: [forged.revocation, forged.signature] }),
    )
    expect(getRegistryErrorName(e3)).toBe('InvalidSignature')
    // the grantor revokes
    const revocation = { consentId: id, grantor: patient.address }
    const signed = { revocation, signature: await sign(patient, ledger.domain, 'Revocation', revocation) }
    const revoked = await ledger.revokeConsent(signed)
    expect(revoked.revocation).toEqual(revocation)
    expect(revoked.ref.block).toBeGreaterThan(rec.ref.block)
    expect((await ledger.getConsent(key))?.revocation).toEqual(revoked)
    expect(await ledger.getRevocation(key)).toEqual(revoked)
    expect(await ledger.revokeConsent(signed)).toEqual(revoked)
    expect(await bed.publicClient.readContract({ address, abi, functionName: 'isConsentActive', args: [c] })).toBe(
      false,
    )
    // an id with no consent (an emergency policy, a credential) is withdrawn the same way, before any registration;
    // a consent registered later under it comes back with the revocation attached
    const later = consentFor(await ledger.getTime())
    const withdrawal = { consentId: later.id, grantor: patient.address }
    const early = await ledger.revokeConsent({
      revocation: withdrawal,
      signature: await sign(patient, ledger.domain, 'Revocation', withdrawal),
    })
    const laterKey = consentKey(patient.address, later.id)
    expect(await ledger.getRevocation(laterKey)).toEqual(early)
    expect(await ledger.getConsent(laterKey)).toBeUndefined()
    const registered = await ledger.registerConsent(await signConsent(ledger, later))
    expect(registered.revocation).toEqual(early)
  })

  it('two different consents racing for one id in one block: the loser gets CONSENT_REPLAYED from the revert', async () => {
    const { address } = await fresh({ wallet: 7 })
    const [wa, wb] = walletsSendingTogether([7, 8])
    const a = await createEvmLedger({ publicClient: bed.publicClient, walletClient: wa, address })
    const b = await createEvmLedger({ publicClient: bed.publicClient, walletClient: wb, address })
    const first = consentFor(await a.getTime())
    const second = { ...first, purposes: ['HRESCH'] }
    const [sa, sb] = [await signConsent(a, first), await signConsent(a, second)]
    await bed.testClient.setAutomine(false)
    try {
      const settled = Promise.allSettled([a.registerConsent(sa), b.registerConsent(sb)])
      await waitForPool(2)
      await bed.testClient.mine({ blocks: 1 })
      const results = await settled
      const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
      const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []))
      expect(won).toHaveLength(1)
      expect(lost).toHaveLength(1)
      expect(lost[0]).toBeInstanceOf(LedgerError)
      expect(lost[0].code).toBe('CONSENT_REPLAYED')
      expect(getRegistryErrorName(lost[0])).toBe('ConsentReplayed')
      expect(await a.getConsent(consentKey(first.grantor, first.id))).toEqual(won[0])
    } finally {
      // Never leave the node with automine off: a stuck pending write would stall every later test.
      await bed.testClient.setAutomine(true)
      await bed.testClient.mine({ blocks: 1 })
    }
  }, 90_000)

  it('review #9: a stranger front-running a consent id in the same block takes only its own (grantor, id)', async () => {
    const { address, ledger: victim } = await fresh({ wallet: 7 })
    const front = await createEvmLedger({ publicClient: bed.publicClient, walletClient: bed.wallet(8), address })
    const real = consentFor(await victim.getTime())
    // the stranger saw the id in the mempool and signs its own consent under it
    const squat = { ...real, grantor: intruder.address, grantee: patient.address }
    const [sReal, sSquat] = [await signConsent(victim, real), await signConsent(victim, squat, intruder)]
    await bed.testClient.setAutomine(false)
    try {
      const first = front.registerConsent(sSquat)
      await waitForPool(1)
      const second = victim.registerConsent(sReal)
      await waitForPool(2)
      await bed.testClient.mine({ blocks: 1 })
      const [f, r] = await Promise.all([first, second])
      expect(f.ref.block).toBe(r.ref.block)
      expect(r.consent).toEqual(real)
      expect(await victim.getConsent(consentKey(patient.address, real.id))).toEqual(r)
      expect(await victim.getConsent(consentKey(intruder.address, real.id))).toEqual(f)
    } finally {
      await bed.testClient.setAutomine(true)
      await bed.testClient.mine({ blocks: 1 })
    }
  }, 90_000)

  it('lists the newest consent even when the client caches the block number (long polling interval)', async () => {
    const { address, ledger } = await fresh()
    const slow = createPublicClient({ chain: foundry, transport: http(bed.anvil.rpcUrl), pollingInterval: 60_000 })
    const reader = await createEvmLedger({ publicClient: slow, address })
    expect((await reader.listConsents()).items).toHaveLength(0)
    await slow.getBlockNumber() // warm viem's block-number cache
    const rec = await ledger.registerConsent(await signConsent(ledger, consentFor(await ledger.getTime())))
    expect((await reader.listConsents()).items).toEqual([rec])
  })

  it('lists by grantor and grantee in registration order, paged with cursors, also with a block-range limit', async () => {
    const { address, ledger } = await fresh()
    const now = await ledger.getTime()
    const ids: Hex[] = []
    for (let i = 0; i < 5; i++) {
      const c = consentFor(now, i % 2 ? { grantor: operator.address } : {})
      ids.push((await ledger.registerConsent(await signConsent(ledger, c, i % 2 ? operator : patient))).consent.id)
    }
    const all = await ledger.listConsents()
    expect(all.items.map((r) => r.consent.id)).toEqual(ids)
    expect(all.cursor).toBeUndefined()
    const byPatient = await ledger.listConsents({ grantor: patient.address.toLowerCase() as Hex })
    expect(byPatient.items.map((r) => r.consent.id)).toEqual([ids[0], ids[2], ids[4]])
    expect((await ledger.listConsents({ grantee: clinician.address, grantor: operator.address })).items).toHaveLength(2)
    const ranged = await createEvmLedger({ publicClient: bed.publicClient, address, logBlockRange: 1 })
    for (const l of [ledger, ranged]) {
      const seen: Hex[] = []
      let cursor: string | undefined
      do {
        const page = await l.listConsents({ limit: 2, ...(cursor ? { cursor } : {}) })
        expect(page.items.length).toBeLessThanOrEqual(2)
        seen.push(...page.items.map((r) => r.consent.id))
        cursor = page.cursor
      } while (cursor)
      expect(seen).toEqual(ids)
    }
    for (const bad of [{ limit: 0 }, { limit: 1001 }, { cursor: 'nope' }, { grantor: '0x12' }]) {
      const e = await rejection(ledger.listConsents(bad as never))
      expect(e).toBeInstanceOf(InvalidArgumentError)
    }
  })
})

describe('tombstones and tree heads', () => {
  it('records a tombstone per (commitment, owner); another owner is its own record; a forged one is INVALID_SIGNATURE', async () => {
    const { ledger } = await fresh()
    const t = { commitment: random32(), owner: patient.address }
    const signed = { tombstone: t, signature: await sign(patient, ledger.domain, 'Tombstone', t) }
    const rec = await ledger.recordTombstone(signed)
    expect(rec.tombstone).toEqual(t)
    expect(await ledger.getTombstone(t.commitment, patient.address)).toEqual(rec)
    expect(await ledger.recordTombstone(signed)).toEqual(rec)
    const other = { commitment: t.commitment, owner: operator.address }
    const theirs = await ledger.recordTombstone({
      tombstone: other,
      signature: await sign(operator, ledger.domain, 'Tombstone', other),
    })
    expect(await ledger.getTombstone(t.commitment, operator.address)).toEqual(theirs)
    expect(await ledger.getTombstone(t.commitment, patient.address)).toEqual(rec)
    expect(await ledger.getTombstone(t.commitment, clinician.address)).toBeUndefined()
    const t2 = { commitment: random32(), owner: patient.address }
    const e2 = await rejection(
      ledger.recordTombstone({ tombstone: t2, signature: await sign(intruder, ledger.domain, 'Tombstone', t2) }),
    )
    expect(e2.code).toBe('INVALID_SIGNATURE')
    expect(await ledger.getTombstone(t2.commitment, patient.address)).toBeUndefined()
  })

  it('records tree heads: latest is the largest size; another head of a recorded size conflicts', async () => {
    const { ledger } = await fresh()
    const { logId, head } = treeHeads(ledger, operator, 'audit')
    const h10 = await ledger.recordTreeHead(await head(10))
    const h4 = await ledger.recordTreeHead(await head(4))
    expect(h10.head.nameHash).toBe(keccak256(stringToBytes('audit')))
    expect(await ledger.getTreeHead(logId)).toEqual(h10)
    expect(await ledger.getTreeHead(logId, 4)).toEqual(h4)
    expect(await ledger.getTreeHead(logId, 5)).toBeUndefined()
    expect(await ledger.getTreeHead(random32())).toBeUndefined()
    expect(await ledger.recordTreeHead(await head(10, h10.head.root))).toEqual(h10)
    const conflict = await rejection(ledger.recordTreeHead(await head(10)))
    expect(conflict.code).toBe('LEDGER_CONFLICT')
  })
})

describe('reads from an untrusted node', () => {
  it('a node that alters a logged signature gets LEDGER_MISMATCH, never a forged record', async () => {
    const { address, ledger } = await fresh()
    const t = { commitment: random32(), owner: patient.address }
    await ledger.recordTombstone({ tombstone: t, signature: await sign(patient, ledger.domain, 'Tombstone', t) })
    const upstream = http(bed.anvil.rpcUrl, { retryCount: 0 })({ chain: foundry })
    // a real node behind a lying proxy: it flips one nibble inside the signature carried by every event log
    const lying = custom({
      async request({ method, params }) {
        const result = await upstream.request({ method, params })
        if (method !== 'eth_getLogs') return result
        return (result as { data: string }[]).map((log) => {
          const at = 2 + 128 + 10
          const flipped = log.data[at] === '0' ? '1' : '0'
          return { ...log, data: log.data.slice(0, at) + flipped + log.data.slice(at + 1) }
        })
      },
    })
    const reader = await createEvmLedger({
      publicClient: createPublicClient({ chain: foundry, transport: lying }),
      address,
    })
    const e = await rejection(reader.getTombstone(t.commitment, patient.address))
    expect(e).toBeInstanceOf(LedgerError)
    expect(e.code).toBe('LEDGER_MISMATCH')
    expect((e.cause as { code?: string }).code).toBe('INVALID_SIGNATURE')
    expect(await ledger.getTombstone(t.commitment, patient.address)).toBeDefined()
  })
})

describe('transactions', () => {
  it('20 parallel writes from one account land with distinct nonces', async () => {
    const { ledger } = await fresh({ wallet: 6 })
    const roots = Array.from({ length: 20 }, rootBytes)
    const records = await Promise.all(
      roots.map((root, i) => ledger.anchorRoot({ root, treeSize: i + 1, kind: 'records' })),
    )
    const txs = await Promise.all(records.map((r) => bed.publicClient.getTransaction({ hash: r.ref.tx as Hex })))
    expect(new Set(txs.map((t) => t.nonce)).size).toBe(20)
    for (const [i, root] of roots.entries())
      expect((await ledger.getAnchor({ root, treeSize: i + 1, kind: 'records' }))?.treeSize).toBe(i + 1)
  })

  it('works with a JSON-RPC account (the node or an injected wallet signs and assigns nonces)', async () => {
    const { address } = await fresh()
    // anvil's default accounts are unlocked: eth_sendTransaction is signed by the node, as a browser wallet would
    const walletClient = createWalletClient({
      chain: foundry,
      transport: http(bed.anvil.rpcUrl, { retryCount: 0 }),
      account: bed.wallet(9).account.address,
    })
    expect(walletClient.account.type).toBe('json-rpc')
    const ledger = await createEvmLedger({ publicClient: bed.publicClient, walletClient, address })
    const roots = Array.from({ length: 5 }, rootBytes)
    const records = await Promise.all(roots.map((root) => ledger.anchorRoot({ root, treeSize: 1, kind: 'records' })))
    expect(new Set(records.map((r) => r.ref.tx)).size).toBe(5)
    for (const root of roots) expect(await ledger.getAnchor({ root, treeSize: 1, kind: 'records' })).toBeDefined()
  })

  it('waits for the configured confirmations', async () => {
    const { ledger } = await fresh({ confirmations: 3 })
    let settled = false
    const write = ledger.anchorRoot({ root: rootBytes(), treeSize: 1, kind: 'records' }).finally(() => {
      settled = true
    })
    // anvil mines only when asked: bury the transaction under more blocks until the write resolves
    for (let i = 0; i < 1000 && !settled; i++) {
      await bed.testClient.mine({ blocks: 1 })
      await new Promise((r) => setTimeout(r, 20))
    }
    const rec = await write
    expect(Number(await bed.publicClient.getBlockNumber())).toBeGreaterThanOrEqual(rec.ref.block + 2)
  })

  it('a write not confirmed in time is LEDGER_TIMEOUT; repeating it later returns the mined record', async () => {
    const { address, ledger } = await fresh({ confirmations: 50, timeoutMs: 300 })
    const root = rootBytes()
    const e = await rejection(ledger.anchorRoot({ root, treeSize: 2, kind: 'records' }))
    expect(e).toBeInstanceOf(LedgerError)
    expect(e.code).toBe('LEDGER_TIMEOUT')
    const quick = await createEvmLedger({ publicClient: bed.publicClient, walletClient: bed.wallet(0), address })
    const rec = await quick.anchorRoot({ root, treeSize: 2, kind: 'records' })
    expect(await quick.getAnchor({ root, treeSize: 2, kind: 'records' })).toEqual(rec)
  })

  it('a wallet that cannot pay is LEDGER_REJECTED and nothing is written', async () => {
    const { address } = await fresh()
    const poor = createWalletClient({
      chain: foundry,
      transport: http(bed.anvil.rpcUrl, { retryCount: 0 }),
      account: privateKeyToAccount(generatePrivateKey()),
    })
    const ledger = await createEvmLedger({ publicClient: bed.publicClient, walletClient: poor, address })
    const root = rootBytes()
    const e = await rejection(ledger.anchorRoot({ root, treeSize: 1, kind: 'records' }))
    expect(e).toBeInstanceOf(LedgerError)
    expect(e.code).toBe('LEDGER_REJECTED')
    expect(await ledger.getAnchor({ root, treeSize: 1, kind: 'records' })).toBeUndefined()
  })

  it('an unreachable node is LEDGER_UNAVAILABLE', async () => {
    const node = await startAnvil()
    const transport = http(node.rpcUrl, { retryCount: 0 })
    const publicClient = createPublicClient({ chain: foundry, transport })
    const walletClient = createWalletClient({
      chain: foundry,
      transport,
      account: privateKeyToAccount(generatePrivateKey()),
    })
    const address = await deployRegistry({
      publicClient,
      walletClient: createWalletClient({ chain: foundry, transport, account: bed.wallet(0).account }),
    })
    const ledger = await createEvmLedger({ publicClient, walletClient, address })
    await node.stop()
    for (const call of [
      () => ledger.getTime(),
      () => ledger.getAnchor({ root: rootBytes(), treeSize: 1, kind: 'records' }),
      () => ledger.anchorRoot({ root: rootBytes(), treeSize: 1, kind: 'records' }),
      () => createEvmLedger({ publicClient, address }),
    ]) {
      const e = await rejection(call())
      expect(e).toBeInstanceOf(LedgerError)
      expect(e.code).toBe('LEDGER_UNAVAILABLE')
    }
  })
})
