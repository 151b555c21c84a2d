/**
 * The COSE header labels and values of medseal's RFC 9942 COSE Receipts (docs/spec/cose-receipt.md).
 * @module
 */

/**
 * Labels and values used in medseal's COSE Receipts: RFC 9052 `alg` (1), RFC 9597 CWT claims (15), RFC 9942 `vds`
 * (395) = `RFC9162_SHA256` (1) and `vdp` (396) with inclusion (-1) and consistency (-2) proofs, ES256K (-47, RFC 8812),
 * and medseal's own text label `medseal-anchor` for the ledger reference of an anchored root.
 *
 * @example
 * ```ts
 * import { COSE_RECEIPT } from '@medseal/core'
 * COSE_RECEIPT.vdsRfc9162Sha256 // 1
 * ```
 */
export const COSE_RECEIPT = Object.freeze({
  /** COSE_Sign1 tag (RFC 9052 §2). */
  sign1Tag: 18,
  /** Header label `alg` (RFC 9052 §3.1). */
  alg: 1,
  /** Header label `crit` (RFC 9052 §3.1); medseal verifiers understand no critical header, so refuse any. */
  crit: 2,
  /** Header label CWT Claims (RFC 9597). */
  cwtClaims: 15,
  /** CWT claim keys (RFC 8392): issuer, subject, issued at. */
  claimIss: 1,
  claimSub: 2,
  claimIat: 6,
  /** Header label `vds`, verifiable data structure (RFC 9942). */
  vds: 395,
  /** Header label `vdp`, verifiable data structure proofs (RFC 9942). */
  vdp: 396,
  /** `vds` value RFC9162_SHA256. */
  vdsRfc9162Sha256: 1,
  /** `vdp` key of inclusion proofs. */
  inclusionProofs: -1,
  /** `vdp` key of consistency proofs. */
  consistencyProofs: -2,
  /** `alg` value ES256K: ECDSA over secp256k1 with SHA-256 (RFC 8812 §3.2). */
  algES256K: -47,
  /**
   * medseal's protected header label of an inclusion receipt: the anchor of the root, `{ block, kind, treeSize, tx }`.
   * `treeSize` binds the size, which RFC 9942 leaves in the unprotected header (an RFC 9162 root does not commit to
   * its size, so some proofs also fit a larger size).
   */
  medsealAnchor: 'medseal-anchor',
  /** medseal's protected header label of a consistency receipt: `[tree_size_1, tree_size_2]`, bound for the same reason. */
  medsealTreeSizes: 'medseal-tree-sizes',
} as const)
