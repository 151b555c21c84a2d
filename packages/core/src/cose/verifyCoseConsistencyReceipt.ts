/**
 * Verification of RFC 9942 COSE Receipts of consistency (docs/spec/cose-receipt.md §4).
 * @module
 */
import { bytesToHex0x, describeType, isBytes } from '../bytes/index.js'
import { InvalidArgumentError, VerificationError } from '../errors/base.js'
import type { PublicIdentity } from '../identity/types.js'
import { _newRootFromConsistency } from '../merkle/_consistency.js'
import type { Hex } from '../types.js'
import { coseMalformed, decodeProof, decodeSign1, onlyProof, signerKey, verifySign1 } from './_sign1.js'
import { COSE_RECEIPT as C } from './coseReceiptHeaders.js'

/** Parameters of {@link verifyCoseConsistencyReceipt}. */
export type VerifyCoseConsistencyReceiptParameters = {
  /** The COSE receipt bytes (a tagged COSE_Sign1). */
  readonly receipt: Uint8Array
  /** The older tree's size, as you know it (e.g. from a verified earlier head). */
  readonly oldSize: number
  /** The older tree's root, as you know it (32 bytes). */
  readonly oldRoot: Uint8Array
  /** The log operator that must have signed: its public identity or 33/65-byte secp256k1 public key. */
  readonly signer: PublicIdentity | Uint8Array
}

/** What a verified consistency receipt proves. */
export type VerifyCoseConsistencyReceiptReturnType = {
  readonly oldSize: number
  readonly newSize: number
  /** The newer root, recomputed from `oldRoot` and the proof, and signed. */
  readonly newRoot: Hex
  /** The signer's `did:key` (CWT `iss`). */
  readonly issuer: string
  /** CWT `sub`: the log. */
  readonly subject: string
  /** CWT `iat`, Unix seconds. */
  readonly issuedAt: number
}

/** Everything {@link verifyCoseConsistencyReceipt} can throw. */
export type VerifyCoseConsistencyReceiptErrorType = VerificationError | InvalidArgumentError

/**
 * Verifies a COSE Receipt of consistency against an older tree head you trust: decodes it (`COSE_MALFORMED`,
 * `COSE_UNSUPPORTED`), checks that it starts at your `oldSize` and recomputes the new root from your `oldRoot` and
 * the proof (RFC 9162 §2.1.4.2; `PROOF_INVALID`), then checks the signature over that root (`COSE_SIGNATURE_INVALID`)
 * and the issuer claim (`COSE_ISSUER_MISMATCH`).
 *
 * @param params - see {@link VerifyCoseConsistencyReceiptParameters}
 * @returns the proven new head and the signed claims
 * @throws {@link VerificationError} `COSE_MALFORMED`, `COSE_UNSUPPORTED`, `PROOF_INVALID`, `COSE_SIGNATURE_INVALID`,
 *   `COSE_ISSUER_MISMATCH`
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` / `INVALID_KEY` for bad arguments
 * @example
 * ```ts
 * import { verifyCoseConsistencyReceipt } from '@medseal/core'
 * const { newSize, newRoot } = verifyCoseConsistencyReceipt({ receipt: cose, oldSize: 2, oldRoot, signer: operator })
 * ```
 */
export function verifyCoseConsistencyReceipt(
  params: VerifyCoseConsistencyReceiptParameters,
): VerifyCoseConsistencyReceiptReturnType {
  if (typeof params !== 'object' || params === null) {
    throw new InvalidArgumentError('INVALID_TYPE', 'params must be an object.')
  }
  const { oldSize, oldRoot } = params
  if (typeof oldSize !== 'number' || !Number.isSafeInteger(oldSize) || oldSize < 1) {
    throw new InvalidArgumentError('INVALID_TYPE', 'oldSize must be an integer >= 1.')
  }
  if (!isBytes(oldRoot) || oldRoot.length !== 32) {
    throw new InvalidArgumentError('INVALID_TYPE', 'oldRoot must be 32 bytes.', {
      metaMessages: [`Received ${describeType(oldRoot)}.`],
    })
  }
  const key = signerKey(params.signer)
  const decoded = decodeSign1(params.receipt)
  const {
    a: size1,
    b: size2,
    path,
  } = decodeProof(onlyProof(decoded, C.consistencyProofs, 'consistency'), 'The consistency proof')
  const claims = decoded.protectedHeader.get(C.cwtClaims)
  if (!(claims instanceof Map)) throw coseMalformed('The receipt carries CWT claims (15) in its protected header.')
  const subject = claims.get(C.claimSub)
  const issuedAt = claims.get(C.claimIat)
  if (typeof subject !== 'string' || typeof issuedAt !== 'number' || !Number.isSafeInteger(issuedAt) || issuedAt < 0) {
    throw coseMalformed('The CWT claims carry sub (a text string) and iat (Unix seconds).')
  }
  const sizes = decoded.protectedHeader.get(C.medsealTreeSizes)
  if (!Array.isArray(sizes) || sizes.length !== 2) {
    throw coseMalformed('The protected header carries medseal-tree-sizes [tree_size_1, tree_size_2].')
  }
  if (sizes[0] !== size1 || sizes[1] !== size2) {
    throw new VerificationError('PROOF_INVALID', 'The consistency proof is for other tree sizes than the signed ones.')
  }
  if (size1 !== oldSize) {
    throw new VerificationError('PROOF_INVALID', 'The consistency proof starts at another tree size than yours.', {
      metaMessages: [`Proof from size ${size1}`, `Yours: ${oldSize}`],
    })
  }
  const newRoot = _newRootFromConsistency(BigInt(size1), BigInt(size2), oldRoot, path)
  if (newRoot === undefined) {
    throw new VerificationError('PROOF_INVALID', 'The consistency proof does not extend your tree head.')
  }
  const issuer = verifySign1(decoded, newRoot, key)
  if (issuer === undefined) throw coseMalformed('The receipt names its issuer (CWT iss).')
  return Object.freeze({ oldSize: size1, newSize: size2, newRoot: bytesToHex0x(newRoot), issuer, subject, issuedAt })
}
