/**
 * Receipt verification: a record's commitment, its receipt and the ledger. Offline except for one ledger read.
 * @module
 */
import { bytesToHex0x, describeType, equalBytes, hexToBytes, isBytes } from '../bytes/index.js'
import { InvalidArgumentError, type LedgerError, VerificationError } from '../errors/base.js'
import type { AnchorKind, AnchorRecord, LedgerAdapter, LedgerRef } from '../ledger/types.js'
import { _leafHash } from '../merkle/hash.js'
import { verifyInclusion } from '../merkle/verify.js'
import type { Hex } from '../types.js'
import { decodeReceipt, parseReceipt, type Receipt } from './receipt.js'

/** Parameters of {@link verifyReceipt}. */
export type VerifyReceiptParameters = {
  /** The receipt, as an object or its JSON text. */
  readonly receipt: Receipt | string
  /** The record's commitment as you computed it (32 bytes or `0x` hex), never taken from the receipt. */
  readonly commitment: Uint8Array | Hex
  /**
   * What the anchored leaves must be (the anchorer's `kind`). A version-2 receipt names its own kind: when given,
   * `kind` must equal it (`ANCHOR_MISMATCH` otherwise). For a version-1 receipt this is the kind looked up; default
   * `records`.
   */
  readonly kind?: AnchorKind
}

/** What a verified receipt proves. */
export type VerifyReceiptReturnType = {
  /** Where and when the batch root was anchored, as the ledger reports it now (not as the receipt claims). */
  readonly anchoredAt: LedgerRef
  readonly commitment: Hex
  readonly root: Hex
  readonly treeSize: number
  readonly leafIndex: number
}

/** Everything {@link verifyReceipt} can throw. */
export type VerifyReceiptErrorType = VerificationError | InvalidArgumentError | LedgerError

function commitmentBytes(value: unknown): Uint8Array {
  if (isBytes(value) && value.length === 32) return value
  if (typeof value === 'string' && /^0x[0-9a-fA-F]{64}$/.test(value)) return hexToBytes(value)
  throw new InvalidArgumentError('INVALID_TYPE', 'commitment must be 32 bytes or 0x-prefixed 32-byte hex.', {
    metaMessages: [`Received ${describeType(value)}${isBytes(value) ? ` of ${value.length} bytes` : ''}.`],
  })
}

const sameRef = (a: LedgerRef, b: LedgerRef) =>
  a.ledger === b.ledger && a.tx === b.tx && a.block === b.block && a.timestamp === b.timestamp

/**
 * Verifies a record's receipt against the ledger, in this order (each failure a distinct code):
 * 1. the receipt is well formed (`RECEIPT_MALFORMED`); its kind is the receipt's own (version 2) or `kind`
 *    (version 1, default `records`), and a `kind` given must match a version-2 receipt's (`ANCHOR_MISMATCH`);
 * 2. its commitment is the record's (`RECORD_MISMATCH`);
 * 3. it names this ledger (`LEDGER_MISMATCH`);
 * 4. its proof proves the leaf `leafHash(commitment)` at `leafIndex` in a tree of `treeSize` leaves with its root
 *    (RFC 9162 §2.1.3.2; `PROOF_INVALID`);
 * 5. the ledger holds the anchor `(root, treeSize, kind)` (`ANCHOR_NOT_FOUND`), looked up by
 *    that exact key, and its reference is the one the receipt names (`ANCHOR_MISMATCH`). Tree sizes are part of the
 *    key because RFC 9162 roots do not commit to them.
 *
 * @param ledger - the ledger the record was anchored on
 * @param params - `receipt` and the `commitment` you computed from the record
 * @returns the ledger's own reference of the anchor (`anchoredAt`) and the proven position
 * @throws {@link VerificationError} `RECEIPT_MALFORMED`, `UNSUPPORTED_VERSION`, `RECORD_MISMATCH`,
 *   `LEDGER_MISMATCH`, `PROOF_INVALID`, `ANCHOR_NOT_FOUND`, `ANCHOR_MISMATCH`
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` for a commitment that is not 32 bytes
 * @throws {@link LedgerError} when the ledger cannot be read
 * @example
 * ```ts
 * import { verifyReceipt } from '@medseal/core'
 * const { anchoredAt } = await verifyReceipt(ledger, { receipt, commitment })
 * anchoredAt.timestamp // the ledger's time of the anchor
 * ```
 */
export async function verifyReceipt(
  ledger: LedgerAdapter,
  params: VerifyReceiptParameters,
): Promise<VerifyReceiptReturnType> {
  if (typeof ledger !== 'object' || ledger === null || typeof ledger.getAnchor !== 'function') {
    throw new InvalidArgumentError('INVALID_TYPE', 'ledger must be a LedgerAdapter.')
  }
  if (typeof params !== 'object' || params === null) {
    throw new InvalidArgumentError('INVALID_TYPE', 'params must be an object.')
  }
  const commitment = commitmentBytes(params.commitment)
  const receipt = typeof params.receipt === 'string' ? decodeReceipt(params.receipt) : parseReceipt(params.receipt)
  // docs/spec/receipt.md §3 step 1: a version-2 receipt says which kind of anchor it is part of.
  const kind: AnchorKind = receipt.v === 2 ? receipt.kind : (params.kind ?? 'records')
  if (params.kind !== undefined && params.kind !== kind) {
    throw new VerificationError('ANCHOR_MISMATCH', 'The receipt is for an anchor of another kind than expected.', {
      metaMessages: [`Receipt kind: ${kind}`, `Expected: ${params.kind}`],
    })
  }

  if (!equalBytes(hexToBytes(receipt.commitment), commitment)) {
    throw new VerificationError('RECORD_MISMATCH', 'The receipt is for another record (commitments differ).')
  }
  if (receipt.ledger.ledger !== ledger.ledgerId) {
    throw new VerificationError('LEDGER_MISMATCH', 'The receipt names another ledger.', {
      metaMessages: [`Receipt ledger: ${receipt.ledger.ledger}`, `This ledger: ${ledger.ledgerId}`],
    })
  }
  const root = hexToBytes(receipt.root)
  const proof = receipt.proof.map((p) => hexToBytes(p))
  if (!verifyInclusion(_leafHash(commitment), receipt.leafIndex, receipt.treeSize, proof, root)) {
    throw new VerificationError('PROOF_INVALID', 'The receipt proof does not prove the record under its root.')
  }
  // Anchors are keyed by (root, treeSize, kind): look up exactly the anchor the receipt claims, so that someone else's
  // anchor of the same root with other metadata neither hides nor replaces it.
  const anchor: AnchorRecord | undefined = await ledger.getAnchor({ root, treeSize: receipt.treeSize, kind })
  if (anchor === undefined || anchor === null) {
    throw new VerificationError('ANCHOR_NOT_FOUND', 'The ledger has no anchor for the receipt root.', {
      metaMessages: [`Root: ${receipt.root}`],
    })
  }
  const ref = anchor.ref
  const anchorRoot = anchor.root
  if (
    !isBytes(anchorRoot) ||
    !equalBytes(anchorRoot, root) ||
    anchor.treeSize !== receipt.treeSize ||
    anchor.kind !== kind ||
    typeof ref !== 'object' ||
    ref === null ||
    !sameRef(ref, receipt.ledger)
  ) {
    throw new VerificationError(
      'ANCHOR_MISMATCH',
      'The ledger anchored the root with other metadata than the receipt.',
      {
        metaMessages: [`Receipt: treeSize ${receipt.treeSize}, tx ${receipt.ledger.tx}`],
      },
    )
  }
  return Object.freeze({
    anchoredAt: Object.freeze({ ledger: ref.ledger, tx: ref.tx, block: ref.block, timestamp: ref.timestamp }),
    commitment: bytesToHex0x(commitment),
    root: receipt.root,
    treeSize: receipt.treeSize,
    leafIndex: receipt.leafIndex,
  })
}
