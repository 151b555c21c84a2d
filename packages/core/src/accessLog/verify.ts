/**
 * The patient's side of the access log: check a head's signature, an event's inclusion, two heads' consistency,
 * and that a head the log showed you is the one anchored on the ledger.
 * @module
 */
import { describeType, equalBytes, hexToBytes, isBytes } from '../bytes/index.js'
import type { LedgerDomain, SignedTreeHead, TreeHead } from '../consent/types.js'
import { verifySignedTreeHead } from '../eip712/structures.js'
import { InvalidArgumentError, isSdkError, type LedgerError, VerificationError } from '../errors/base.js'
import { normalizeAddress } from '../identity/address.js'
import { isLogIdOf } from '../ledger/rules.js'
import type { LedgerAdapter, TreeHeadRecord } from '../ledger/types.js'
import { _EMPTY_ROOT, _leafHash } from '../merkle/hash.js'
import { verifyConsistency, verifyInclusion } from '../merkle/verify.js'
import type { Address, Hex } from '../types.js'
import { type AccessEvent, encodeAccessEvent } from './event.js'
import { computeLogId } from './logId.js'

/** A proof as the log hands it out: 32-byte hashes, as bytes or `0x` hex (JSON). */
export type LogProof = readonly (Uint8Array | Hex)[]

/** Everything the access-log verifiers can throw. */
export type VerifyAccessLogErrorType = VerificationError | InvalidArgumentError | LedgerError

function proofBytes(proof: unknown): Uint8Array[] {
  if (!Array.isArray(proof)) {
    throw new InvalidArgumentError('INVALID_TYPE', 'proof must be an array of hashes.', {
      metaMessages: [`Received ${describeType(proof)}.`],
    })
  }
  return proof.map((p, i) => {
    if (isBytes(p)) return p
    if (typeof p === 'string' && /^0x[0-9a-fA-F]{64}$/.test(p)) return hexToBytes(p)
    throw new InvalidArgumentError('INVALID_TYPE', `proof[${i}] must be 32 bytes or 0x-prefixed 32-byte hex.`)
  })
}

/**
 * Verifies a signed head's signature under `domain`, that its `logId` is its operator's (`keccak256(operator ‖
 * nameHash)`: a head for someone else's log id is never accepted, security review issue 12 finding 2) and, when
 * given, its operator and log name.
 * @returns the verified head
 * @throws {@link VerificationError} `TREE_HEAD_INVALID`
 */
function checkHead(domain: LedgerDomain, signed: SignedTreeHead, operator?: Address, name?: string): TreeHead {
  let head: TreeHead
  try {
    head = verifySignedTreeHead(domain, signed)
  } catch (cause) {
    throw new VerificationError(
      'TREE_HEAD_INVALID',
      'The tree head is malformed or not signed by its operator for this ledger.',
      { cause },
    )
  }
  if (!isLogIdOf(head)) {
    throw new VerificationError('TREE_HEAD_INVALID', 'The tree head’s log id does not belong to its operator.')
  }
  if (operator !== undefined && normalizeAddress(head.operator) !== normalizeAddress(operator, 'operator')) {
    throw new VerificationError('TREE_HEAD_INVALID', 'The tree head is signed by another operator.')
  }
  if (name !== undefined && computeLogId(head.operator, name) !== head.logId.toLowerCase()) {
    throw new VerificationError('TREE_HEAD_INVALID', 'The tree head is of another log.')
  }
  return head
}

/** Parameters of {@link verifyEventInclusion}. */
export type VerifyEventInclusionParameters = {
  /** The event as you were shown it. */
  readonly event: AccessEvent
  /** Its index in the log. */
  readonly index: number
  /** A head signed by the log's operator. */
  readonly head: SignedTreeHead
  /** The inclusion proof of `index` in the head's tree. */
  readonly proof: LogProof
  /** Who must have signed the head. */
  readonly operator: Address
  /** The EIP-712 domain of the ledger the log anchors on (`ledger.domain`). */
  readonly domain: LedgerDomain
  /** The log's name, to check the head's `logId` (optional). */
  readonly name?: string
}

/**
 * Verifies that `event` is entry `index` of the log, under a head signed by `operator` (RFC 9162 §2.1.3.2).
 *
 * @param params - see {@link VerifyEventInclusionParameters}
 * @returns the verified head
 * @throws {@link VerificationError} `TREE_HEAD_INVALID` (bad signature, other operator or log), `PROOF_INVALID`
 * @throws {@link InvalidArgumentError} for a malformed event or proof
 * @example
 * ```ts
 * import { verifyEventInclusion } from '@medseal/core'
 * const head = await log.signedHead()
 * verifyEventInclusion({ event, index, head, proof: log.proveInclusion(index), operator, domain: ledger.domain })
 * ```
 */
export function verifyEventInclusion(params: VerifyEventInclusionParameters): TreeHead {
  if (typeof params !== 'object' || params === null) {
    throw new InvalidArgumentError('INVALID_TYPE', 'params must be an object.')
  }
  const head = checkHead(params.domain, params.head, params.operator, params.name)
  const leaf = _leafHash(encodeAccessEvent(params.event))
  const proof = proofBytes(params.proof)
  if (typeof params.index !== 'number') throw new InvalidArgumentError('INVALID_TYPE', 'index must be a number.')
  if (!verifyInclusion(leaf, params.index, head.treeSize, proof, hexToBytes(head.root))) {
    throw new VerificationError('PROOF_INVALID', 'The event is not at this index under this head.')
  }
  return head
}

/** Parameters of {@link verifyHeadConsistency}. */
export type VerifyHeadConsistencyParameters = {
  /** The older head. */
  readonly oldHead: SignedTreeHead
  /** The newer head (at least as large). */
  readonly newHead: SignedTreeHead
  /** The consistency proof from the old size to the new size (`log.proveConsistency(old, new)`). */
  readonly proof: LogProof
  /** The EIP-712 domain of the ledger the log anchors on. */
  readonly domain: LedgerDomain
  /** Who must have signed both heads (default: the old head's operator). */
  readonly operator?: Address
}

/**
 * Verifies that the log under `newHead` only appended to the log under `oldHead` (RFC 9162 §2.1.4.2): nothing was
 * removed, changed or reordered. Two different heads of the same size are a fork and fail.
 *
 * @param params - see {@link VerifyHeadConsistencyParameters}
 * @returns `true` (throws otherwise)
 * @throws {@link VerificationError} `TREE_HEAD_INVALID` (a bad signature, heads of different logs or operators),
 *   `LOG_INCONSISTENT` (the proof fails: the log was rewritten)
 * @throws {@link InvalidArgumentError} `OUT_OF_RANGE` when the "old" head is larger than the new one
 * @example
 * ```ts
 * import { verifyHeadConsistency } from '@medseal/core'
 * verifyHeadConsistency({ oldHead, newHead, proof: log.proveConsistency(8, 12), domain: ledger.domain })
 * ```
 */
export function verifyHeadConsistency(params: VerifyHeadConsistencyParameters): true {
  if (typeof params !== 'object' || params === null) {
    throw new InvalidArgumentError('INVALID_TYPE', 'params must be an object.')
  }
  const oldHead = checkHead(params.domain, params.oldHead, params.operator)
  const newHead = checkHead(params.domain, params.newHead, params.operator ?? oldHead.operator)
  if (oldHead.logId.toLowerCase() !== newHead.logId.toLowerCase()) {
    throw new VerificationError('TREE_HEAD_INVALID', 'The heads are of different logs.')
  }
  if (oldHead.treeSize > newHead.treeSize) {
    throw new InvalidArgumentError('OUT_OF_RANGE', 'oldHead must not be larger than newHead.')
  }
  const proof = proofBytes(params.proof)
  const oldRoot = hexToBytes(oldHead.root)
  const newRoot = hexToBytes(newHead.root)
  const ok =
    oldHead.treeSize === 0
      ? proof.length === 0 && equalBytes(oldRoot, _EMPTY_ROOT)
      : verifyConsistency(oldHead.treeSize, newHead.treeSize, oldRoot, newRoot, proof)
  if (!ok) {
    throw new VerificationError(
      'LOG_INCONSISTENT',
      'The newer head does not extend the older one: the log was rewritten.',
    )
  }
  return true
}

/** Parameters of {@link verifyLogAgainstLedger}. */
export type VerifyLogAgainstLedgerParameters = {
  /** A head the log gave you. */
  readonly head: SignedTreeHead
  /** Who must have signed it (default: whoever the head names; a log id is derived from its operator). */
  readonly operator?: Address
  /**
   * When the ledger has no head of exactly this size: a consistency proof between the ledger's latest head for the
   * log and this head (smaller size first), so that an unanchored head is checked against the anchored history.
   */
  readonly proof?: LogProof
}

/** What {@link verifyLogAgainstLedger} found. */
export type VerifyLogAgainstLedgerReturnType = {
  /** The anchored head the given head was checked against (the same size when `exact`). */
  readonly anchored: TreeHeadRecord
  /** `true` when the ledger holds this very head; `false` when it was proven consistent with the latest anchor. */
  readonly exact: boolean
}

/**
 * Checks a head the log gave you against the ledger: the ledger must hold a head of the same log and size with the
 * same root (a different root there means the log showed you a fork), or, with `proof`, the log's latest anchored
 * head must be consistent with it.
 *
 * @param ledger - the ledger the log anchors on
 * @param params - see {@link VerifyLogAgainstLedgerParameters}
 * @returns the anchored head record (with the ledger's reference and time) and whether it was an exact match
 * @throws {@link VerificationError} `TREE_HEAD_INVALID`, `ANCHOR_NOT_FOUND` (no such head anchored, and no proof to
 *   the latest), `LOG_INCONSISTENT` (the ledger's head differs, or the proof fails)
 * @throws {@link LedgerError} when the ledger cannot be read
 * @example
 * ```ts
 * import { verifyLogAgainstLedger } from '@medseal/core'
 * const { anchored } = await verifyLogAgainstLedger(ledger, { head: await log.signedHead() })
 * anchored.ref.timestamp // when the ledger recorded it
 * ```
 */
export async function verifyLogAgainstLedger(
  ledger: LedgerAdapter,
  params: VerifyLogAgainstLedgerParameters,
): Promise<VerifyLogAgainstLedgerReturnType> {
  if (typeof ledger !== 'object' || ledger === null || typeof ledger.getTreeHead !== 'function') {
    throw new InvalidArgumentError('INVALID_TYPE', 'ledger must be a LedgerAdapter.')
  }
  if (typeof params !== 'object' || params === null) {
    throw new InvalidArgumentError('INVALID_TYPE', 'params must be an object.')
  }
  const head = checkHead(ledger.domain, params.head, params.operator)
  const same = (a: TreeHead, b: TreeHead) =>
    a.logId.toLowerCase() === b.logId.toLowerCase() &&
    a.nameHash.toLowerCase() === b.nameHash.toLowerCase() &&
    a.treeSize === b.treeSize &&
    a.root.toLowerCase() === b.root.toLowerCase() &&
    normalizeAddress(a.operator) === normalizeAddress(b.operator)

  const exact = await ledger.getTreeHead(head.logId, head.treeSize)
  if (exact !== undefined) {
    if (!same(exact.head, head)) {
      throw new VerificationError(
        'LOG_INCONSISTENT',
        'The ledger holds another head of this size for this log: the log showed you a fork.',
      )
    }
    return Object.freeze({ anchored: exact, exact: true })
  }
  const latest = await ledger.getTreeHead(head.logId)
  if (latest === undefined || params.proof === undefined) {
    throw new VerificationError('ANCHOR_NOT_FOUND', 'The ledger holds no head of this size for this log.')
  }
  try {
    const anchoredSigned: SignedTreeHead = { head: latest.head, signature: latest.signature }
    const [oldHead, newHead] =
      latest.head.treeSize <= head.treeSize ? [anchoredSigned, params.head] : [params.head, anchoredSigned]
    verifyHeadConsistency({ oldHead, newHead, proof: params.proof, domain: ledger.domain, operator: head.operator })
  } catch (error) {
    if (isSdkError(error, 'LOG_INCONSISTENT') || isSdkError(error, 'TREE_HEAD_INVALID')) throw error
    throw new VerificationError('LOG_INCONSISTENT', 'The head cannot be proven consistent with the anchored head.', {
      cause: error,
    })
  }
  return Object.freeze({ anchored: latest, exact: false })
}
