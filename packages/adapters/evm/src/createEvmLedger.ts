/**
 * The medseal ledger on an EVM chain: a {@link @medseal/core!LedgerAdapter} over a deployed `MedsealRegistry`, driven by the
 * integrator's own viem clients (an RPC URL, an injected wallet, a local account: anything viem accepts).
 * @module
 */
import {
  type Address,
  type AnchorInput,
  type AnchorRecord,
  anchorKey,
  anchorKindCodes,
  assertAnchorInput,
  assertHex32,
  assertSameTreeHead,
  base64urlToBytes,
  bytesToBase64url,
  bytesToHex0x,
  bytesToUtf8,
  type Consent,
  type ConsentAction,
  ConsentError,
  type ConsentKey,
  type ConsentRecord,
  checkListedConsent,
  consentKey,
  consentTypes,
  copyConsent,
  type ErrorCode,
  type Hex,
  hexToBytes,
  InvalidArgumentError,
  isLogIdOf,
  isSdkError,
  type LedgerAdapter,
  type LedgerDomain,
  LedgerError,
  type LedgerRef,
  type ListConsentsParameters,
  type ListConsentsReturnType,
  type RevocationRecord,
  type SignedConsent,
  type SignedRevocation,
  type SignedTombstone,
  type SignedTreeHead,
  type TombstoneRecord,
  type TreeHeadRecord,
  utf8ToBytes,
  type VerificationError,
  verifyConsentWrite,
  verifyRevocationWrite,
  verifySignedRevocation,
  verifySignedTombstone,
  verifySignedTreeHead,
  verifyTombstoneWrite,
  verifyTreeHeadWrite,
} from '@medseal/core'
import {
  type Account,
  type Chain,
  type ContractEventName,
  type GetContractEventsReturnType,
  getAddress,
  hashStruct,
  isAddress,
  type PublicClient,
  type TransactionReceipt,
  type Transport,
  type WalletClient,
} from 'viem'
import { toLedgerError } from './_errors.js'
import { createWriter, type Writer } from './_writer.js'
import {
  medsealRegistryAbi as abi,
  medsealRegistryDeployedBytecode,
  medsealRegistryImmutableReferences,
} from './artifacts/MedsealRegistry.js'

/** Options of {@link createEvmLedger}. */
export type CreateEvmLedgerParameters = {
  /** Reads: any viem public client (its `pollingInterval` also paces receipt polling). */
  readonly publicClient: PublicClient<Transport, Chain | undefined>
  /** Writes: a viem wallet client with an `account`. Omit it for a read-only ledger (auditors, verifiers). */
  readonly walletClient?: WalletClient<Transport, Chain | undefined, Account> | undefined
  /** Address of a deployed MedsealRegistry (see {@link deployRegistry}). */
  readonly address: Address
  /** Blocks a write must be buried under before it counts (1 = mined). Default 1. */
  readonly confirmations?: number
  /** How long to wait for a write's confirmations, in milliseconds. Default 120,000. */
  readonly timeoutMs?: number
  /**
   * Check that `address` runs exactly the MedsealRegistry bytecode this package ships (immutables aside). Default
   * `true`; turn it off only for a registry you compiled yourself from the same source with other settings.
   */
  readonly verifyBytecode?: boolean
  /**
   * Largest block range per `eth_getLogs` call, for RPC providers that limit it (e.g. 10,000). Default: no limit
   * (one call from the registry's deployment block to the head).
   */
  readonly logBlockRange?: number
}

/** What {@link createEvmLedger} resolves to: a frozen {@link @medseal/core!LedgerAdapter} named `evm`. */
export type CreateEvmLedgerReturnType = LedgerAdapter

/** Errors {@link createEvmLedger} and the adapter's methods throw. */
export type CreateEvmLedgerErrorType = InvalidArgumentError | ConsentError | VerificationError | LedgerError

const DEFAULT_LIMIT = 100
const MAX_LIMIT = 1000
const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000'
const CURSOR_PREFIX = 'evm-consents:'
/** Reads in flight at once while building a page of consents. */
const READ_CONCURRENCY = 8

/**
 * Attaches to a deployed MedsealRegistry and returns a {@link @medseal/core!LedgerAdapter} over it.
 *
 * - `ledgerId` is `eip155:<chainId>:<registry address>`; `domain` is `{ name: 'medseal', version: '1', chainId,
 *   verifyingContract: registry }`.
 * - Every write is checked off-chain first (same codes as the memory ledger), then simulated, then sent; the registry
 *   verifies every signature again on chain. A write counts once buried under `confirmations` blocks.
 * - {@link @medseal/core!LedgerRef}: `{ ledger, tx: transaction hash, block: block number, timestamp: block timestamp }`;
 *   `getTime()` is the latest block's timestamp.
 * - Full signed structures are read back from the registry's event logs, at the block its storage names.
 *
 * @param params - {@link CreateEvmLedgerParameters}
 * @returns a frozen {@link @medseal/core!LedgerAdapter}
 * @throws {@link @medseal/core!InvalidArgumentError} `INVALID_TYPE` / `INVALID_ARGUMENT` / `OUT_OF_RANGE` for bad options
 * @throws {@link @medseal/core!LedgerError} `LEDGER_UNAVAILABLE` when the node cannot be reached; `LEDGER_MISMATCH` when the
 *   address holds no MedsealRegistry, or the wallet is on another chain
 * @example
 * ```ts
 * import { createPublicClient, createWalletClient, http } from 'viem'
 * import { privateKeyToAccount } from 'viem/accounts'
 * import { createEvmLedger, deployRegistry } from '@medseal/adapter-evm'
 * const transport = http('http://127.0.0.1:8545')
 * const publicClient = createPublicClient({ transport })
 * const walletClient = createWalletClient({ account: privateKeyToAccount(key), transport })
 * const address = await deployRegistry({ publicClient, walletClient })
 * const ledger = await createEvmLedger({ publicClient, walletClient, address, confirmations: 2 })
 * const record = await ledger.anchorRoot({ root, treeSize: 1000, kind: 'records' })
 * ```
 */
export async function createEvmLedger(params: CreateEvmLedgerParameters): Promise<CreateEvmLedgerReturnType> {
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'params must be an object.')
  const { publicClient, walletClient } = params
  if (typeof publicClient !== 'object' || publicClient === null || typeof publicClient.request !== 'function')
    throw new InvalidArgumentError('INVALID_TYPE', 'publicClient must be a viem public client.')
  if (walletClient !== undefined) {
    if (typeof walletClient !== 'object' || walletClient === null || typeof walletClient.writeContract !== 'function')
      throw new InvalidArgumentError('INVALID_TYPE', 'walletClient must be a viem wallet client.')
    if (!walletClient.account)
      throw new InvalidArgumentError('INVALID_ARGUMENT', 'walletClient must have an account.', {
        metaMessages: ['createWalletClient({ account, transport })'],
      })
  }
  if (typeof params.address !== 'string' || !isAddress(params.address, { strict: false }))
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'address must be a 0x-prefixed 20-byte address.')
  const registry = getAddress(params.address)
  const confirmations = integerOption(params.confirmations, 'confirmations', 1, 1, 1000)
  const timeoutMs = integerOption(params.timeoutMs, 'timeoutMs', 120_000, 1, 2 ** 31 - 1)
  const logBlockRange =
    params.logBlockRange === undefined
      ? undefined
      : BigInt(integerOption(params.logBlockRange, 'logBlockRange', 0, 1, Number.MAX_SAFE_INTEGER))
  if (params.verifyBytecode !== undefined && typeof params.verifyBytecode !== 'boolean')
    throw new InvalidArgumentError('INVALID_TYPE', 'verifyBytecode must be a boolean.')

  const read = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn()
    } catch (err) {
      throw toLedgerError(err, 'read')
    }
  }

  const chainId = await read(() => publicClient.getChainId())
  if (walletClient?.chain && walletClient.chain.id !== chainId)
    throw new LedgerError('LEDGER_MISMATCH', 'The wallet client is on another chain than the public client.', {
      metaMessages: [`public client chain: ${chainId}`, `wallet client chain: ${walletClient.chain.id}`],
    })
  const code = await read(() => publicClient.getCode({ address: registry }))
  if (!code || code === '0x')
    throw new LedgerError('LEDGER_MISMATCH', 'No contract at the registry address.', {
      metaMessages: [`chain ${chainId}, address ${registry}`],
    })
  if (params.verifyBytecode !== false && !isRegistryBytecode(code))
    throw new LedgerError('LEDGER_MISMATCH', 'The contract at this address is not this version of MedsealRegistry.', {
      metaMessages: ['Deploy one with deployRegistry(), or pass verifyBytecode: false for your own build.'],
    })
  const fromBlock = await read(() =>
    publicClient.readContract({ address: registry, abi, functionName: 'deploymentBlock' }),
  )

  const ledgerId = `eip155:${chainId}:${registry}`
  const domain: LedgerDomain = Object.freeze({
    name: 'medseal',
    version: '1',
    chainId,
    verifyingContract: registry,
  })
  const writer: Writer | undefined =
    walletClient === undefined
      ? undefined
      : createWriter({ publicClient, walletClient, address: registry, confirmations, timeoutMs })

  const send = (...args: Parameters<Writer['send']>): Promise<TransactionReceipt> => {
    if (!writer)
      return Promise.reject(
        new LedgerError('LEDGER_REJECTED', 'This EVM ledger is read-only.', {
          metaMessages: ['Pass a walletClient with an account to createEvmLedger to write.'],
        }),
      )
    return writer.send(...args)
  }

  const ref = (tx: Hex, block: bigint, timestamp: bigint): LedgerRef => ({
    ledger: ledgerId,
    tx,
    block: toNumber(block, 'block number'),
    timestamp: toNumber(timestamp, 'block timestamp'),
  })

  /**
   * Everything a node returns is attacker-controlled (STYLE 24): a signed structure read back must agree with the
   * registry's storage and its signature must verify under this ledger's domain, so a lying or broken RPC endpoint
   * can hide records but cannot hand out a grant, revocation, tombstone or head that nobody signed.
   */
  const forgedRead = (what: string, cause?: unknown) =>
    new LedgerError('LEDGER_MISMATCH', `The node returned a ${what} that the registry did not record.`, {
      metaMessages: ['Its event log disagrees with the registry storage or its signature does not verify.'],
      ...(cause === undefined ? {} : { cause }),
    })
  const verifiedRead = async (what: string, check: () => unknown): Promise<void> => {
    try {
      await check()
    } catch (cause) {
      throw forgedRead(what, cause)
    }
  }

  /**
   * The registry's log of `eventName` matching `args` in block `block` (where its storage says it is) for which
   * `pick` holds (several writes of one block can match the indexed arguments).
   */
  async function eventAt<
    E extends 'Anchored' | 'ConsentRegistered' | 'ConsentRevoked' | 'TombstoneRecorded' | 'TreeHeadRecorded',
  >(eventName: E, args: Record<string, unknown>, block: bigint, pick?: (log: EventLog<E>) => boolean) {
    const logs = (await read(() =>
      publicClient.getContractEvents({
        address: registry,
        abi,
        eventName,
        args: args as never,
        fromBlock: block,
        toBlock: block,
        strict: true,
      }),
    )) as EventLog<E>[]
    const log = pick ? logs.find(pick) : logs[0]
    if (!log || log.transactionHash === null)
      throw new LedgerError('LEDGER_MISMATCH', `The node has no ${eventName} log where the registry says it is.`, {
        metaMessages: [`block ${block}`, 'The node may have pruned its logs: use an archive or full node.'],
      })
    return log as EventLog<E> & { transactionHash: Hex }
  }

  // --- anchors ---

  async function readAnchor(input: AnchorInput, at?: bigint): Promise<AnchorRecord | undefined> {
    const root = bytesToHex0x(input.root) as Hex
    const size = BigInt(input.treeSize)
    const kind = anchorKindCodes[input.kind]
    const [blockNumber, timestamp] = await read(() =>
      publicClient.readContract({
        address: registry,
        abi,
        functionName: 'getAnchor',
        args: [root, size, kind],
        ...(at === undefined ? {} : { blockNumber: at }),
      }),
    )
    if (blockNumber === 0n) return undefined
    const log = await eventAt('Anchored', { key: anchorKey(input) }, blockNumber)
    if (log.args.root !== root || log.args.treeSize !== size || log.args.kind !== kind) throw forgedRead('anchor')
    return {
      root: hexToBytes(root),
      treeSize: input.treeSize,
      kind: input.kind,
      ref: ref(log.transactionHash, blockNumber, timestamp),
    }
  }

  // --- consents ---

  /** What the registry holds under a consent key: the consent (block 0: none) and the revocation (block 0: none). */
  type ConsentEntry = {
    structHash: Hex
    grantor: Address
    block: bigint
    timestamp: bigint
    revokedBlock: bigint
    revokedTimestamp: bigint
  }

  async function readConsentEntry(key: Hex, at?: bigint): Promise<ConsentEntry> {
    const [structHash, grantor, block, timestamp, revokedBlock, revokedTimestamp] = await read(() =>
      publicClient.readContract({
        address: registry,
        abi,
        functionName: 'getConsent',
        args: [key],
        ...(at === undefined ? {} : { blockNumber: at }),
      }),
    )
    return { structHash, grantor, block, timestamp, revokedBlock, revokedTimestamp }
  }

  async function readRevocation(key: Hex, entry: ConsentEntry): Promise<RevocationRecord | undefined> {
    if (entry.revokedBlock === 0n) return undefined
    const log = await eventAt('ConsentRevoked', { key }, entry.revokedBlock)
    const signed = {
      revocation: { consentId: log.args.consentId, grantor: log.args.grantor },
      signature: log.args.signature,
    }
    if (consentKey(signed.revocation.grantor, signed.revocation.consentId) !== key) throw forgedRead('revocation')
    await verifiedRead('revocation', () => verifySignedRevocation(domain, signed))
    return { ...signed, ref: ref(log.transactionHash, entry.revokedBlock, entry.revokedTimestamp) }
  }

  type RegisteredLog = EventLog<'ConsentRegistered'> & { transactionHash: Hex }

  /**
   * The verified record of a ConsentRegistered log, or why it fails: it must match the registry's storage under its
   * key (`LEDGER_MISMATCH`), and pass core's consent checks (`CONSENT_MALFORMED`, `CONSENT_SIGNATURE_INVALID`: the
   * registry enforces only the cheap part of them, so a validly signed but SDK-invalid consent can be on chain).
   */
  async function checkConsentLog(
    log: RegisteredLog,
    key: Hex,
    entry: ConsentEntry,
  ): Promise<{ ok: true; record: ConsentRecord } | { ok: false; code: ErrorCode }> {
    const consent = consentFromChain(log.args.consent)
    if (
      entry.block === 0n ||
      consentKey(consent.grantor, consent.id) !== key ||
      hashConsent(consent) !== entry.structHash ||
      consent.grantor !== entry.grantor
    )
      return { ok: false, code: 'LEDGER_MISMATCH' }
    const checked = checkListedConsent(domain, { consent, signature: log.args.signature }, key)
    if (!checked.ok) return checked
    const record: ConsentRecord = {
      consent,
      signature: log.args.signature,
      ref: ref(log.transactionHash, entry.block, entry.timestamp),
    }
    const revocation = await readRevocation(key, entry)
    return { ok: true, record: revocation ? { ...record, revocation } : record }
  }

  async function consentRecordFrom(log: RegisteredLog, key: Hex, entry: ConsentEntry): Promise<ConsentRecord> {
    const checked = await checkConsentLog(log, key, entry)
    if (checked.ok) return checked.record
    throw new LedgerError('LEDGER_MISMATCH', 'The registry holds a consent under this key that medseal refuses.', {
      metaMessages: [
        `Reason: ${checked.code}.`,
        'It was written to the registry without the SDK, or the node altered it; listConsents skips it.',
      ],
    })
  }

  async function readConsent(key: Hex, at?: bigint): Promise<ConsentRecord | undefined> {
    const entry = await readConsentEntry(key, at)
    if (entry.block === 0n) return undefined
    const log = await eventAt(
      'ConsentRegistered',
      { grantor: entry.grantor },
      entry.block,
      (l) => consentKey(l.args.grantor, l.args.id) === key,
    )
    return consentRecordFrom(log, key, entry)
  }

  // --- tombstones ---

  async function readTombstone(commitment: Hex, owner: Address, at?: bigint): Promise<TombstoneRecord | undefined> {
    const [block, timestamp] = await read(() =>
      publicClient.readContract({
        address: registry,
        abi,
        functionName: 'getTombstone',
        args: [commitment, owner],
        ...(at === undefined ? {} : { blockNumber: at }),
      }),
    )
    if (block === 0n) return undefined
    const log = await eventAt('TombstoneRecorded', { commitment, owner }, block)
    await verifiedRead('tombstone', () =>
      verifySignedTombstone(domain, { tombstone: { commitment, owner }, signature: log.args.signature }),
    )
    return {
      tombstone: { commitment, owner },
      signature: log.args.signature,
      ref: ref(log.transactionHash, block, timestamp),
    }
  }

  // --- tree heads ---

  async function readTreeHead(logId: Hex, treeSize: number, at?: bigint): Promise<TreeHeadRecord | undefined> {
    const size = BigInt(treeSize)
    const [root, timestamp, block, blockTimestamp] = await read(() =>
      publicClient.readContract({
        address: registry,
        abi,
        functionName: 'getTreeHead',
        args: [logId, size],
        ...(at === undefined ? {} : { blockNumber: at }),
      }),
    )
    if (block === 0n) return undefined
    const log = await eventAt('TreeHeadRecorded', { logId, treeSize: size }, block)
    const head = {
      logId,
      operator: log.args.operator,
      nameHash: log.args.nameHash,
      treeSize,
      root,
      timestamp: toNumber(timestamp, 'head timestamp'),
    }
    if (log.args.root !== root || log.args.timestamp !== timestamp || !isLogIdOf(head)) throw forgedRead('tree head')
    await verifiedRead('tree head', () => verifySignedTreeHead(domain, { head, signature: log.args.signature }))
    return { head, signature: log.args.signature, ref: ref(log.transactionHash, block, blockTimestamp) }
  }

  /** After a successful receipt, the record as the chain holds it at that block (ours, or the one that won). */
  const written = <T>(record: T | undefined): T => {
    if (record === undefined)
      throw new LedgerError('LEDGER_REJECTED', 'The transaction was mined but the registry holds no record.')
    return record
  }

  /** The largest block timestamp seen: `getTime()` never goes backwards (a reorg, a lagging node behind a pool). */
  let latestTime = 0

  const ledger: LedgerAdapter = {
    name: 'evm',
    ledgerId,
    domain,

    async getTime() {
      const block = await read(() => publicClient.getBlock({ blockTag: 'latest' }))
      latestTime = Math.max(latestTime, toNumber(block.timestamp, 'block timestamp'))
      return latestTime
    },

    async anchorRoot(input: AnchorInput) {
      const checked = assertAnchorInput(input)
      const existing = await readAnchor(checked)
      if (existing) return existing
      const root = bytesToHex0x(checked.root) as Hex
      const receipt = await send('anchor', 'anchor', [root, BigInt(checked.treeSize), anchorKindCodes[checked.kind]])
      return written(await readAnchor(checked, receipt.blockNumber))
    },

    async getAnchor(key: AnchorInput) {
      return readAnchor(assertAnchorInput(key))
    },

    async registerConsent(signed: SignedConsent) {
      const { signed: value, key } = verifyConsentWrite(domain, signed)
      const consent = value.consent
      const structHash = hashConsent(consent)
      const existing = await readConsentEntry(key)
      if (existing.block !== 0n) {
        if (existing.structHash !== structHash) throw replayed()
        return written(await readConsent(key))
      }
      const receipt = await send('consent', 'registerConsent', [consentToChain(consent), value.signature])
      const record = written(await readConsent(key, receipt.blockNumber))
      if (hashConsent(record.consent) !== structHash) throw replayed()
      return record
    },

    async revokeConsent(signed: SignedRevocation) {
      const { signed: value, key } = verifyRevocationWrite(domain, signed)
      const existing = await readRevocation(key, await readConsentEntry(key))
      if (existing) return existing
      const receipt = await send('revocation', 'revoke', [{ ...value.revocation }, value.signature])
      return written(await readRevocation(key, await readConsentEntry(key, receipt.blockNumber)))
    },

    async getConsent(key: ConsentKey) {
      return readConsent(assertHex32(key, 'key'))
    },

    async getRevocation(key: ConsentKey) {
      const k = assertHex32(key, 'key')
      return readRevocation(k, await readConsentEntry(k))
    },

    async listConsents(params: ListConsentsParameters = {}): Promise<ListConsentsReturnType> {
      if (typeof params !== 'object' || params === null)
        throw new InvalidArgumentError('INVALID_TYPE', 'params must be an object.')
      const limit = params.limit ?? DEFAULT_LIMIT
      if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
        throw new InvalidArgumentError('OUT_OF_RANGE', `limit must be an integer from 1 to ${MAX_LIMIT}.`)
      const grantor = params.grantor === undefined ? undefined : assertAddress(params.grantor, 'grantor')
      const grantee = params.grantee === undefined ? undefined : assertAddress(params.grantee, 'grantee')
      const after = params.cursor === undefined ? undefined : decodeCursor(params.cursor)
      // cacheTime 0: viem caches the block number for a polling interval, which would hide the newest consents
      const head = await read(() => publicClient.getBlockNumber({ cacheTime: 0 }))
      const args = { ...(grantor ? { grantor } : {}), ...(grantee ? { grantee } : {}) }
      const page: RegisteredLog[] = []
      let start = after ? after.block : fromBlock
      while (start <= head && page.length <= limit) {
        const end = logBlockRange === undefined || start + logBlockRange - 1n > head ? head : start + logBlockRange - 1n
        const logs = await read(() =>
          publicClient.getContractEvents({
            address: registry,
            abi,
            eventName: 'ConsentRegistered',
            args,
            fromBlock: start,
            toBlock: end,
            strict: true,
          }),
        )
        logs.sort((a, b) => compareBig(a.blockNumber, b.blockNumber) || (a.logIndex ?? 0) - (b.logIndex ?? 0))
        for (const log of logs) {
          if (log.blockNumber === null || log.logIndex === null || log.transactionHash === null) continue
          if (
            after &&
            (log.blockNumber < after.block || (log.blockNumber === after.block && log.logIndex <= after.logIndex))
          )
            continue
          page.push(log as RegisteredLog)
        }
        start = end + 1n
      }
      // One bad item never fails the page (security review, issue 12, finding 6): a consent the registry accepted
      // but core's validation refuses (or that a node altered) is left out and reported in `skipped`.
      const results = await mapLimit(page.slice(0, limit), READ_CONCURRENCY, async (log) => {
        const key = consentKey(log.args.grantor, log.args.id)
        const entry = await readConsentEntry(key)
        let code: ErrorCode
        try {
          const checked = await checkConsentLog(log, key, entry)
          if (checked.ok) return { record: checked.record }
          code = checked.code
        } catch (err) {
          // a revocation the node altered: leave the grant out rather than list it as unrevoked
          const c = skipCode(err)
          if (c === undefined) throw err
          code = c
        }
        const timestamp = entry.block === log.blockNumber ? entry.timestamp : await blockTime(log.blockNumber!)
        return { skipped: { ref: ref(log.transactionHash, log.blockNumber!, timestamp), code } }
      })
      const items = results.flatMap((r) => (r.record ? [r.record] : []))
      const skipped = results.flatMap((r) => (r.skipped ? [r.skipped] : []))
      const out = { items, ...(skipped.length > 0 ? { skipped } : {}) }
      if (page.length <= limit) return out
      const last = page[limit - 1]!
      return { ...out, cursor: encodeCursor(last.blockNumber!, last.logIndex!) }
    },

    async recordTombstone(signed: SignedTombstone) {
      const { signed: value } = verifyTombstoneWrite(domain, signed)
      const commitment = value.tombstone.commitment.toLowerCase() as Hex
      const owner = getAddress(value.tombstone.owner)
      const existing = await readTombstone(commitment, owner)
      if (existing) return existing
      const receipt = await send('tombstone', 'recordTombstone', [{ commitment, owner }, value.signature])
      return written(await readTombstone(commitment, owner, receipt.blockNumber))
    },

    async getTombstone(commitment: Hex, owner: Address) {
      return readTombstone(assertHex32(commitment, 'commitment'), assertAddress(owner, 'owner'))
    },

    async recordTreeHead(signed: SignedTreeHead) {
      const { head: h, signature } = verifyTreeHeadWrite(domain, signed)
      const head = {
        logId: h.logId.toLowerCase() as Hex,
        operator: getAddress(h.operator),
        nameHash: h.nameHash.toLowerCase() as Hex,
        treeSize: h.treeSize,
        root: h.root.toLowerCase() as Hex,
        timestamp: h.timestamp,
      }
      const existing = await readTreeHead(head.logId, head.treeSize)
      if (existing && assertSameTreeHead(existing.head, head)) return existing
      const receipt = await send('treeHead', 'recordTreeHead', [
        { ...head, treeSize: BigInt(head.treeSize), timestamp: BigInt(head.timestamp) },
        signature,
      ])
      const record = written(await readTreeHead(head.logId, head.treeSize, receipt.blockNumber))
      assertSameTreeHead(record.head, head)
      return record
    },

    async getTreeHead(logId: Hex, treeSize?: number) {
      const id = assertHex32(logId, 'logId')
      if (treeSize !== undefined && (!Number.isSafeInteger(treeSize) || treeSize < 0))
        throw new InvalidArgumentError('OUT_OF_RANGE', 'treeSize must be an integer from 0 to 2^53 - 1.')
      let size = treeSize
      if (size === undefined) {
        const [operator, latest] = await read(() =>
          publicClient.readContract({ address: registry, abi, functionName: 'getLog', args: [id] }),
        )
        if (operator === ZERO_ADDRESS) return undefined
        size = toNumber(latest, 'treeSize')
      }
      return readTreeHead(id, size)
    },
  }

  async function blockTime(blockNumber: bigint): Promise<bigint> {
    return (await read(() => publicClient.getBlock({ blockNumber }))).timestamp
  }

  return Object.freeze(ledger)
}

// ------------------------------------------------------------------------------------------------- helpers

/** `Promise.all(items.map(fn))` with at most `limit` calls in flight (RPC providers rate-limit bursts). */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

function integerOption(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number') throw new InvalidArgumentError('INVALID_TYPE', `${name} must be a number.`)
  if (!Number.isInteger(value) || value < min || value > max)
    throw new InvalidArgumentError('OUT_OF_RANGE', `${name} must be an integer from ${min} to ${max}.`)
  return value
}

/** Does `code` equal the shipped runtime bytecode, once the constructor-set immutables are blanked? */
function isRegistryBytecode(code: Hex): boolean {
  if (code.length !== medsealRegistryDeployedBytecode.length) return false
  let masked = code.toLowerCase()
  for (const { start, length } of medsealRegistryImmutableReferences) {
    const from = 2 + start * 2
    masked = masked.slice(0, from) + '0'.repeat(length * 2) + masked.slice(from + length * 2)
  }
  return masked === medsealRegistryDeployedBytecode.toLowerCase()
}

function toNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER))
    throw new LedgerError('LEDGER_MISMATCH', `The registry returned a ${what} beyond 2^53 - 1.`)
  return Number(value)
}

function compareBig(a: bigint | null, b: bigint | null): number {
  const x = a ?? 0n
  const y = b ?? 0n
  return x < y ? -1 : x > y ? 1 : 0
}

function assertAddress(value: unknown, name: string): Address {
  if (typeof value === 'string' && isAddress(value, { strict: false })) return getAddress(value)
  if (typeof value !== 'string') throw new InvalidArgumentError('INVALID_TYPE', `${name} must be an address string.`)
  throw new InvalidArgumentError('INVALID_ARGUMENT', `${name} must be a 0x-prefixed 20-byte address.`)
}

function consentToChain(c: Consent) {
  return {
    ...c,
    resourceTypes: [...c.resourceTypes],
    commitments: [...c.commitments],
    exclude: [...c.exclude],
    actions: [...c.actions],
    purposes: [...c.purposes],
    notBefore: BigInt(c.notBefore),
    expiresAt: BigInt(c.expiresAt),
  }
}

/** A decoded registry event log. */
type EventLog<E extends ContractEventName<typeof abi>> = GetContractEventsReturnType<typeof abi, E, true>[number]

type ChainConsent = {
  id: Hex
  grantor: Address
  grantee: Address
  parent: Hex
  resourceTypes: readonly string[]
  commitments: readonly Hex[]
  exclude: readonly string[]
  actions: readonly string[]
  purposes: readonly string[]
  notBefore: bigint
  expiresAt: bigint
  delegationDepth: number
}

function consentFromChain(c: ChainConsent): Consent {
  return copyConsent({
    ...c,
    actions: c.actions as readonly ConsentAction[],
    notBefore: toNumber(c.notBefore, 'notBefore'),
    expiresAt: toNumber(c.expiresAt, 'expiresAt'),
  })
}

/**
 * The code a listing reports for an item it leaves out: the verification failure behind it (e.g.
 * `CONSENT_MALFORMED`, `CONSENT_SIGNATURE_INVALID`, `LEDGER_MISMATCH`); `undefined` when the node itself failed
 * (unreachable, timed out): that fails the page, since nothing was checked.
 */
function skipCode(err: unknown): ErrorCode | undefined {
  if (!isSdkError(err)) return undefined
  if (err.code === 'LEDGER_UNAVAILABLE' || err.code === 'LEDGER_TIMEOUT') return undefined
  return err.code
}

const replayed = () =>
  new ConsentError('CONSENT_REPLAYED', 'The grantor already registered a different consent under this id.')

/** EIP-712 hashStruct of a consent, as the registry stores it. */
function hashConsent(c: Consent): Hex {
  return hashStruct({ types: consentTypes, primaryType: 'Consent', data: consentToChain(c) as never })
}

function encodeCursor(block: bigint, logIndex: number): string {
  return bytesToBase64url(utf8ToBytes(`${CURSOR_PREFIX}${block}:${logIndex}`))
}

function decodeCursor(cursor: unknown): { block: bigint; logIndex: number } {
  const bad = (cause?: unknown) =>
    new InvalidArgumentError('INVALID_ARGUMENT', 'cursor is not a cursor from this ledger.', {
      ...(cause === undefined ? {} : { cause }),
      metaMessages: ['Pass the cursor of a previous listConsents page unchanged.'],
    })
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 96) throw bad()
  let text: string
  try {
    text = bytesToUtf8(base64urlToBytes(cursor))
  } catch (cause) {
    throw bad(isSdkError(cause) ? cause : undefined)
  }
  const m = /^evm-consents:(0|[1-9][0-9]{0,19}):(0|[1-9][0-9]{0,9})$/.exec(text)
  if (!m) throw bad()
  return { block: BigInt(m[1]!), logIndex: Number(m[2]!) }
}
