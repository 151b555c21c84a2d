/**
 * Access-log heads and anchored records in the C2SP formats: the checkpoint of a head (same tree size and root as
 * the EIP-712 head the ledgers check, signed with the operator's Ed25519 note key), a tlog-proof for one event, and
 * a tlog-proof for a record of an anchored batch (the batch published as a log of its commitments).
 *
 * These sit beside `createAccessLog` and the JSON receipt: nothing about the EIP-712 heads changes.
 * @module
 */
import { describeType, hexToBytes, isBytes } from '../bytes/index.js'
import type { SignedTreeHead, TreeHead } from '../consent/types.js'
import { InvalidArgumentError } from '../errors/base.js'
import { normalizeAddress } from '../identity/address.js'
import { _leafHash } from '../merkle/hash.js'
import type { Address, Hex } from '../types.js'
import { createCheckpoint, decodeCheckpoint } from './checkpoint.js'
import { decodeNote, type NoteSigner } from './signedNote.js'
import { encodeTlogProof } from './tlogProof.js'

/** The log's operator as seen here: its address (to match the head) and its note key (a `Party`). */
export type CheckpointOperator = NoteSigner & { readonly address: Address }

/** Something with a signed head: an open `AccessLog`, or a head itself. */
export type HeadSource = { signedHead(): Promise<SignedTreeHead> } | SignedTreeHead | TreeHead

/** Everything these functions can throw. */
export type AccessLogCheckpointErrorType = InvalidArgumentError

const HEX32 = /^0x[0-9a-fA-F]{64}$/

async function headOf(source: HeadSource): Promise<TreeHead> {
  if (typeof source !== 'object' || source === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'head must be an access log, a signed head or a head.', {
      metaMessages: [`Received ${describeType(source)}.`],
    })
  if ('signedHead' in source && typeof source.signedHead === 'function') return (await source.signedHead()).head
  if ('head' in source) return source.head
  return source as TreeHead
}

/**
 * The checkpoint of an access-log head: origin `origin`, the head's tree size and root, signed by the operator's
 * note key (key name = origin). Pass the log (its current head) or any head it signed.
 *
 * @param params - `head` (an `AccessLog`, a `SignedTreeHead` or a `TreeHead`), `operator` (the log's operator
 *   `Party`: its address must be the head's), `origin` (the log's name as a checkpoint origin, e.g.
 *   `clinic.example/access-log`)
 * @returns the signed checkpoint
 * @throws {@link InvalidArgumentError} `INVALID_TYPE`, `INVALID_ARGUMENT` (operator not the head's; bad origin)
 * @example
 * ```ts
 * import { createAccessLogCheckpoint } from '@medseal/core'
 * const checkpoint = await createAccessLogCheckpoint({ head: log, operator: custodian, origin: 'clinic.example/access-log' })
 * ```
 */
export async function createAccessLogCheckpoint(params: {
  readonly head: HeadSource
  readonly operator: CheckpointOperator
  readonly origin: string
}): Promise<string> {
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'params must be an object.')
  const head = await headOf(params.head)
  const { operator } = params
  if (typeof operator !== 'object' || operator === null || typeof operator.address !== 'string')
    throw new InvalidArgumentError('INVALID_TYPE', 'operator must be a Party.')
  if (typeof head.root !== 'string' || !HEX32.test(head.root) || typeof head.operator !== 'string')
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'head is not a tree head.')
  if (normalizeAddress(operator.address) !== normalizeAddress(head.operator))
    throw new InvalidArgumentError('INVALID_ARGUMENT', "operator is not the head's operator.")
  return createCheckpoint({
    origin: params.origin,
    treeSize: head.treeSize,
    rootHash: hexToBytes(head.root),
    extensions: [],
    signer: operator,
  })
}

/**
 * The tlog-proof of one access-log event in a checkpoint of the log (made by {@link createAccessLogCheckpoint}).
 * The verifier's leaf hash is `leafHash(encodeAccessEvent(event))`.
 *
 * @param params - `log` (anything with `proveInclusion(index, treeSize)`, e.g. the `AccessLog`), `index`,
 *   `checkpoint` (signed), optional `extra`
 * @returns the tlog-proof file's text
 * @throws {@link InvalidArgumentError} for a bad index; the log's errors
 * @example
 * ```ts
 * import { createAccessLogCheckpoint, createAccessLogProof } from '@medseal/core'
 * const checkpoint = await createAccessLogCheckpoint({ head: log, operator, origin: 'clinic.example/access-log' })
 * const file = await createAccessLogProof({ log, index: 0, checkpoint })
 * ```
 */
export async function createAccessLogProof(params: {
  readonly log: { proveInclusion(index: number, treeSize?: number): Promise<readonly Uint8Array[]> }
  readonly index: number
  readonly checkpoint: string
  readonly extra?: Uint8Array
}): Promise<string> {
  const { treeSize } = decodeCheckpoint(decodeNote(params.checkpoint).text)
  if (!Number.isSafeInteger(params.index) || params.index < 0 || params.index >= treeSize)
    throw new InvalidArgumentError('OUT_OF_RANGE', 'index must be below the checkpoint tree size.')
  return encodeTlogProof({
    index: params.index,
    inclusionProof: await params.log.proveInclusion(params.index, treeSize),
    checkpoint: params.checkpoint,
    ...(params.extra === undefined ? {} : { extra: params.extra }),
  })
}

/** The batch fields of an anchor receipt a tlog-proof needs (every receipt version has them). */
export type ReceiptBatchFields = {
  readonly commitment: Hex
  readonly leafIndex: number
  readonly treeSize: number
  readonly root: Hex
  readonly proof: readonly Hex[]
}

/**
 * The leaf hash a verifier computes for an anchored record: `SHA-256(0x00 || commitment)` (the commitment is the
 * batch tree's leaf data).
 *
 * @param commitment - 32 bytes, or `0x` hex
 * @returns 32 bytes
 * @throws {@link InvalidArgumentError} `INVALID_TYPE`, `INVALID_ENCODING`
 * @example
 * ```ts
 * import { recordLeafHash } from '@medseal/core'
 * const leaf = recordLeafHash(receipt.commitment)
 * ```
 */
export function recordLeafHash(commitment: Hex | Uint8Array): Uint8Array {
  if (isBytes(commitment)) return _leafHash(commitment)
  if (typeof commitment !== 'string' || !HEX32.test(commitment))
    throw new InvalidArgumentError('INVALID_TYPE', 'commitment must be 32 bytes or 0x-prefixed 32-byte hex.')
  return _leafHash(hexToBytes(commitment))
}

/**
 * The tlog-proof of an anchored record: the record's batch published as a log (origin `origin`, e.g.
 * `clinic.example/anchor/<batch root hex>`), its checkpoint (batch size and root) signed by the anchoring party's
 * note key, and the receipt's inclusion proof. Verify with `verifyTlogProof(file, { leafHash:
 * recordLeafHash(commitment), origin, logKeys })`; the ledger anchor itself is still checked with the JSON receipt.
 *
 * @param params - `receipt` (its batch fields), `signer` (the anchoring `Party`), `origin`
 * @returns the tlog-proof file's text
 * @throws {@link InvalidArgumentError} for bad fields
 * @example
 * ```ts
 * import { createRecordTlogProof } from '@medseal/core'
 * const file = createRecordTlogProof({ receipt, signer: anchoringParty, origin: 'clinic.example/anchor' })
 * ```
 */
export function createRecordTlogProof(params: {
  readonly receipt: ReceiptBatchFields
  readonly signer: NoteSigner
  readonly origin: string
}): string {
  const r = params?.receipt
  if (
    typeof r !== 'object' ||
    r === null ||
    typeof r.root !== 'string' ||
    !HEX32.test(r.root) ||
    !Array.isArray(r.proof)
  )
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'receipt is not an anchor receipt.')
  recordLeafHash(r.commitment)
  const checkpoint = createCheckpoint({
    origin: params.origin,
    treeSize: r.treeSize,
    rootHash: hexToBytes(r.root),
    extensions: [],
    signer: params.signer,
  })
  return encodeTlogProof({
    index: r.leafIndex,
    inclusionProof: r.proof.map((h) => {
      if (typeof h !== 'string' || !HEX32.test(h))
        throw new InvalidArgumentError('INVALID_ARGUMENT', 'receipt proof hash is not 32-byte hex.')
      return hexToBytes(h)
    }),
    checkpoint,
  })
}
