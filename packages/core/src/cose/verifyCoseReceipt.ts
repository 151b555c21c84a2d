/**
 * Verification of medseal's RFC 9942 COSE Receipts of inclusion (docs/spec/cose-receipt.md §4).
 * @module
 */

import { parseReceipt, type ReceiptV2 } from '../anchor/receipt.js'
import { bytesToHex0x, describeType, hexToBytes, isBytes } from '../bytes/index.js'
import { InvalidArgumentError, VerificationError } from '../errors/base.js'
import type { PublicIdentity } from '../identity/types.js'
import type { AnchorKind } from '../ledger/types.js'
import { _leafHash } from '../merkle/hash.js'
import { _rootFromInclusionProof } from '../merkle/verify.js'
import type { Hex } from '../types.js'
import { coseMalformed, decodeProof, decodeSign1, onlyProof, signerKey, verifySign1 } from './_sign1.js'
import { COSE_RECEIPT as C } from './coseReceiptHeaders.js'

/** Parameters of {@link verifyCoseReceipt}. */
export type VerifyCoseReceiptParameters = {
  /** The COSE receipt bytes (a tagged COSE_Sign1). */
  readonly receipt: Uint8Array
  /** The entry: the record's commitment as you computed it (32 bytes or `0x` hex), never taken from elsewhere. */
  readonly commitment: Uint8Array | Hex
  /** The anchoring party that must have signed: its public identity, or its 33/65-byte secp256k1 public key. */
  readonly signer: PublicIdentity | Uint8Array
}

/** What a verified COSE receipt proves. */
export type VerifyCoseReceiptReturnType = {
  /** The RFC 9162 root the signer signed, recomputed from the commitment and the proof. */
  readonly root: Hex
  readonly treeSize: number
  readonly leafIndex: number
  /** The signer's `did:key` (the CWT `iss` claim). */
  readonly issuer: string
  /**
   * The same proof as a version-2 JSON receipt (from the signed anchor claims): pass it to `verifyReceipt` to check
   * the anchor on the ledger too.
   */
  readonly receipt: ReceiptV2
}

/** Everything {@link verifyCoseReceipt} can throw. */
export type VerifyCoseReceiptErrorType = VerificationError | InvalidArgumentError

function commitmentBytes(value: unknown): Uint8Array {
  if (isBytes(value) && value.length === 32) return value
  if (typeof value === 'string' && /^0x[0-9a-fA-F]{64}$/.test(value)) return hexToBytes(value)
  throw new InvalidArgumentError('INVALID_TYPE', 'commitment must be 32 bytes or 0x-prefixed 32-byte hex.', {
    metaMessages: [`Received ${describeType(value)}${isBytes(value) ? ` of ${value.length} bytes` : ''}.`],
  })
}

/**
 * Verifies a COSE Receipt of inclusion offline, in the order RFC 9942 §5.2 gives (each failure its own code):
 * 1. decode: a tagged COSE_Sign1 with a detached payload, ES256K, `vds` RFC9162_SHA256, exactly one inclusion proof,
 *    the medseal anchor claims (`COSE_MALFORMED`, `COSE_UNSUPPORTED`);
 * 2. the proof's tree size is the signed one (`medseal-anchor.treeSize`), and the root recomputed from
 *    `SHA-256(0x00 || commitment)` and the proof (RFC 9162 §2.1.3.2) exists (`PROOF_INVALID` otherwise);
 * 3. check the signature over that root with `signer` (`COSE_SIGNATURE_INVALID`: a wrong commitment, proof,
 *    signature or key all end here, as RFC 9942 recommends one result), then that `iss` is the signer's `did:key`
 *    (`COSE_ISSUER_MISMATCH`).
 *
 * It does not read the ledger: pass the returned `receipt` to `verifyReceipt(ledger, { receipt, commitment })` for
 * that (it checks the anchor `(root, treeSize, kind)` and its reference).
 *
 * @param params - see {@link VerifyCoseReceiptParameters}
 * @returns the proven root, position and issuer, and the equivalent JSON receipt
 * @throws {@link VerificationError} `COSE_MALFORMED`, `COSE_UNSUPPORTED`, `PROOF_INVALID`, `COSE_SIGNATURE_INVALID`,
 *   `COSE_ISSUER_MISMATCH`
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` / `INVALID_KEY` for a bad commitment, receipt type or signer
 * @example
 * ```ts
 * import { verifyCoseReceipt, verifyReceipt } from '@medseal/core'
 * const { receipt } = verifyCoseReceipt({ receipt: coseBytes, commitment, signer: anchoringParty })
 * await verifyReceipt(ledger, { receipt, commitment }) // and the anchor is on the ledger
 * ```
 */
export function verifyCoseReceipt(params: VerifyCoseReceiptParameters): VerifyCoseReceiptReturnType {
  if (typeof params !== 'object' || params === null) {
    throw new InvalidArgumentError('INVALID_TYPE', 'params must be an object.')
  }
  const commitment = commitmentBytes(params.commitment)
  const key = signerKey(params.signer)
  const decoded = decodeSign1(params.receipt)
  const {
    a: treeSize,
    b: leafIndex,
    path,
  } = decodeProof(onlyProof(decoded, C.inclusionProofs, 'inclusion'), 'The inclusion proof')
  // The medseal claims: who, where and when (checked for shape before any hashing).
  const claims = decoded.protectedHeader.get(C.cwtClaims)
  const anchor = decoded.protectedHeader.get(C.medsealAnchor)
  if (!(claims instanceof Map) || !(anchor instanceof Map)) {
    throw coseMalformed('A medseal COSE receipt carries CWT claims (15) and medseal-anchor in its protected header.')
  }
  if (anchor.get('treeSize') !== treeSize) {
    throw new VerificationError('PROOF_INVALID', 'The inclusion proof is for another tree size than the signed one.')
  }
  const root = _rootFromInclusionProof(_leafHash(commitment), BigInt(leafIndex), BigInt(treeSize), path)
  if (root === undefined) {
    throw new VerificationError('PROOF_INVALID', 'The inclusion proof does not fit its leaf index and tree size.')
  }
  const issuer = verifySign1(decoded, root, key)
  if (issuer === undefined) throw coseMalformed('A medseal COSE receipt names its issuer (CWT iss).')
  let receipt: ReceiptV2
  try {
    receipt = parseReceipt({
      v: 2,
      kind: anchor.get('kind') as AnchorKind,
      commitment: bytesToHex0x(commitment),
      leafIndex,
      treeSize,
      root: bytesToHex0x(root),
      proof: path.map((p) => bytesToHex0x(p)),
      ledger: {
        ledger: claims.get(C.claimSub),
        tx: anchor.get('tx'),
        block: anchor.get('block'),
        timestamp: claims.get(C.claimIat),
      },
    }) as ReceiptV2
  } catch (cause) {
    throw new VerificationError(
      'COSE_MALFORMED',
      'The receipt’s anchor claims are not a well-formed ledger reference.',
      {
        cause,
      },
    )
  }
  if (anchor.size !== 4 || claims.size !== 3) {
    throw coseMalformed('medseal-anchor has exactly block, kind, treeSize, tx; the CWT claims exactly iss, sub, iat.')
  }
  return Object.freeze({ root: receipt.root, treeSize, leafIndex, issuer, receipt })
}
