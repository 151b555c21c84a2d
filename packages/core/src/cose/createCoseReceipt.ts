/**
 * RFC 9942 COSE Receipts of inclusion for anchored records, beside the JSON receipt (docs/spec/cose-receipt.md).
 * @module
 */

import { parseReceipt, type Receipt } from '../anchor/receipt.js'
import { hexToBytes } from '../bytes/index.js'
import { InvalidArgumentError, type VerificationError } from '../errors/base.js'
import type { Party } from '../identity/types.js'
import type { AnchorKind } from '../ledger/types.js'
import { cborEncode } from './_cbor.js'
import { signSign1 } from './_sign1.js'
import { COSE_RECEIPT as C } from './coseReceiptHeaders.js'

/** Parameters of {@link createCoseReceipt}. */
export type CreateCoseReceiptParameters = {
  /** The anchoring party: it signs the batch root with its secp256k1 key (ES256K). */
  readonly party: Party
  /** The record's JSON receipt (from the anchorer), object or parsed. */
  readonly receipt: Receipt
  /** For a version-1 receipt only: its anchor kind (default `records`). A version-2 receipt names its own. */
  readonly kind?: AnchorKind
}

/** Everything {@link createCoseReceipt} can throw. */
export type CreateCoseReceiptErrorType = InvalidArgumentError | VerificationError

/**
 * Makes the RFC 9942 COSE Receipt of inclusion of a record: a COSE_Sign1 (tag 18) by the anchoring party, ES256K
 * (-47), with a detached payload (the batch's RFC 9162 root), the verifiable data structure RFC9162_SHA256
 * (`vds` 395 = 1) and CWT claims (`iss` = the party's `did:key`, `sub` = the ledger id, `iat` = the ledger's time of
 * the anchor) plus the anchor's `{ block, kind, treeSize, tx }` in the protected header, and the inclusion proof
 * `[tree_size, leaf_index, path]` in the unprotected header (`vdp` 396, key -1). Deterministic CBOR (RFC 8949
 * §4.2.1) and RFC 6979 signatures: the same receipt and party give the same bytes.
 *
 * @param params - see {@link CreateCoseReceiptParameters}
 * @returns the COSE receipt bytes
 * @throws {@link VerificationError} `RECEIPT_MALFORMED` for a malformed JSON receipt
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` / `INVALID_ARGUMENT` for a bad party or kind
 * @example
 * ```ts
 * import { createCoseReceipt, verifyCoseReceipt } from '@medseal/core'
 * const cose = createCoseReceipt({ party: anchoringParty, receipt })
 * verifyCoseReceipt({ receipt: cose, commitment, signer: anchoringParty.toPublic() })
 * ```
 */
export function createCoseReceipt(params: CreateCoseReceiptParameters): Uint8Array<ArrayBuffer> {
  if (typeof params !== 'object' || params === null) {
    throw new InvalidArgumentError('INVALID_TYPE', 'params must be an object.')
  }
  const { party } = params
  if (typeof party !== 'object' || party === null || typeof party.signDigest !== 'function') {
    throw new InvalidArgumentError('INVALID_TYPE', 'party must be a Party (with signDigest).')
  }
  const receipt = parseReceipt(params.receipt)
  let kind: AnchorKind
  if (receipt.v === 2) {
    if (params.kind !== undefined && params.kind !== receipt.kind) {
      throw new InvalidArgumentError('INVALID_ARGUMENT', 'kind differs from the receipt’s own kind.')
    }
    kind = receipt.kind
  } else {
    kind = params.kind ?? 'records'
    if (kind !== 'records' && kind !== 'export' && kind !== 'events') {
      throw new InvalidArgumentError('INVALID_ARGUMENT', "kind must be 'records', 'export' or 'events'.")
    }
  }
  const claims = new Map<number, unknown>([
    [C.claimIss, party.did],
    [C.claimSub, receipt.ledger.ledger],
    [C.claimIat, receipt.ledger.timestamp],
  ])
  const anchor = new Map<string, unknown>([
    ['block', receipt.ledger.block],
    ['kind', kind],
    ['treeSize', receipt.treeSize],
    ['tx', receipt.ledger.tx],
  ])
  const protectedHeader = new Map<unknown, unknown>([
    [C.alg, C.algES256K],
    [C.cwtClaims, claims],
    [C.vds, C.vdsRfc9162Sha256],
    [C.medsealAnchor, anchor],
  ])
  const inclusion = cborEncode([receipt.treeSize, receipt.leafIndex, receipt.proof.map((p) => hexToBytes(p))])
  const unprotectedHeader = new Map<unknown, unknown>([[C.vdp, new Map([[C.inclusionProofs, [inclusion]]])]])
  return signSign1(party, protectedHeader, unprotectedHeader, hexToBytes(receipt.root))
}
