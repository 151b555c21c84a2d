/**
 * RFC 9942 COSE Receipts of consistency: a signed statement that an RFC 9162 log of `newSize` leaves extends its
 * first `oldSize` leaves (docs/spec/cose-receipt.md §3).
 * @module
 */
import { isBytes } from '../bytes/index.js'
import { InvalidArgumentError } from '../errors/base.js'
import type { Party } from '../identity/types.js'
import { cborEncode } from './_cbor.js'
import { signSign1 } from './_sign1.js'
import { COSE_RECEIPT as C } from './coseReceiptHeaders.js'

/** Parameters of {@link createCoseConsistencyReceipt}. */
export type CreateCoseConsistencyReceiptParameters = {
  /** The log operator: it signs the new root with its secp256k1 key (ES256K). */
  readonly party: Party
  /** Size of the older tree (>= 1). */
  readonly oldSize: number
  /** Size of the newer tree (>= oldSize). */
  readonly newSize: number
  /** Root of the newer tree (32 bytes): the detached payload. */
  readonly newRoot: Uint8Array
  /** The RFC 9162 §2.1.4.1 consistency proof from `oldSize` to `newSize` (e.g. `consistencyProof`). */
  readonly proof: readonly Uint8Array[]
  /** The CWT `sub` claim: what log this is (e.g. an access log's id). */
  readonly subject: string
  /** The CWT `iat` claim: when the new head was made, Unix seconds. */
  readonly issuedAt: number
}

/** Everything {@link createCoseConsistencyReceipt} can throw. */
export type CreateCoseConsistencyReceiptErrorType = InvalidArgumentError

/**
 * Makes an RFC 9942 COSE Receipt of consistency: a COSE_Sign1 (ES256K, `vds` RFC9162_SHA256) over the detached new
 * root, with `[tree_size_1, tree_size_2, path]` in the unprotected `vdp` (key -2) and CWT claims `iss` (the party's
 * `did:key`), `sub`, `iat` and the sizes (`medseal-tree-sizes`) protected. It does not check the proof: verify it first if it is not your own.
 *
 * @param params - see {@link CreateCoseConsistencyReceiptParameters}
 * @returns the COSE receipt bytes
 * @throws {@link InvalidArgumentError} `INVALID_TYPE` / `OUT_OF_RANGE` for a bad size, root, proof or claim
 * @example
 * ```ts
 * import { consistencyProof, createCoseConsistencyReceipt, merkleRoot } from '@medseal/core'
 * const cose = createCoseConsistencyReceipt({ party: operator, oldSize: 2, newSize: 3, newRoot: merkleRoot(data),
 *   proof: consistencyProof(data, 2), subject: 'log:example', issuedAt: 1700000000 })
 * ```
 */
export function createCoseConsistencyReceipt(params: CreateCoseConsistencyReceiptParameters): Uint8Array<ArrayBuffer> {
  if (typeof params !== 'object' || params === null) {
    throw new InvalidArgumentError('INVALID_TYPE', 'params must be an object.')
  }
  const { party, oldSize, newSize, newRoot, proof, subject, issuedAt } = params
  if (typeof party !== 'object' || party === null || typeof party.signDigest !== 'function') {
    throw new InvalidArgumentError('INVALID_TYPE', 'party must be a Party (with signDigest).')
  }
  const size = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0
  if (!size(oldSize) || !size(newSize) || oldSize < 1 || oldSize > newSize) {
    throw new InvalidArgumentError('OUT_OF_RANGE', 'Sizes must be integers with 1 <= oldSize <= newSize < 2^53.')
  }
  if (!isBytes(newRoot) || newRoot.length !== 32)
    throw new InvalidArgumentError('INVALID_TYPE', 'newRoot must be 32 bytes.')
  if (!Array.isArray(proof) || proof.length > 64 || proof.some((p) => !isBytes(p) || p.length !== 32)) {
    throw new InvalidArgumentError('INVALID_TYPE', 'proof must be an array of at most 64 hashes of 32 bytes.')
  }
  if (typeof subject !== 'string' || subject.length === 0 || subject.length > 256 || !subject.isWellFormed()) {
    throw new InvalidArgumentError('INVALID_TYPE', 'subject must be a string of 1 to 256 characters.')
  }
  if (!size(issuedAt)) throw new InvalidArgumentError('OUT_OF_RANGE', 'issuedAt must be Unix seconds.')
  const claims = new Map<number, unknown>([
    [C.claimIss, party.did],
    [C.claimSub, subject],
    [C.claimIat, issuedAt],
  ])
  const protectedHeader = new Map<unknown, unknown>([
    [C.alg, C.algES256K],
    [C.cwtClaims, claims],
    [C.vds, C.vdsRfc9162Sha256],
    [C.medsealTreeSizes, [oldSize, newSize]],
  ])
  const consistency = cborEncode([oldSize, newSize, proof.map((p) => p.slice())])
  const unprotectedHeader = new Map<unknown, unknown>([[C.vdp, new Map([[C.consistencyProofs, [consistency]]])]])
  return signSign1(party, protectedHeader, unprotectedHeader, newRoot)
}
