/**
 * Off-chain checks run before every write, so that a malformed structure or a bad signature fails fast (no gas, no
 * round trip) with exactly the memory ledger's codes: these are `@medseal/core`'s verifiers. The registry repeats
 * the signature checks on chain.
 * @internal
 * @module
 */
import {
  type Consent,
  type LedgerDomain,
  type Revocation,
  type SignedConsent,
  type SignedRevocation,
  type SignedTombstone,
  type SignedTreeHead,
  type Tombstone,
  type TreeHead,
  verifySignedConsent,
  verifySignedRevocation,
  verifySignedTombstone,
  verifySignedTreeHead,
} from '@medseal/core'

/** Verifies a signed consent; returns it normalized (checksummed addresses, lower-case hex). @internal */
export async function checkSignedConsent(domain: LedgerDomain, signed: SignedConsent): Promise<Consent> {
  return verifySignedConsent(domain, signed)
}

/** Verifies a signed revocation; returns it normalized. @internal */
export async function checkSignedRevocation(domain: LedgerDomain, signed: SignedRevocation): Promise<Revocation> {
  return verifySignedRevocation(domain, signed)
}

/** Verifies a signed tombstone; returns it normalized. @internal */
export async function checkSignedTombstone(domain: LedgerDomain, signed: SignedTombstone): Promise<Tombstone> {
  return verifySignedTombstone(domain, signed)
}

/** Verifies a signed tree head; returns it normalized. @internal */
export async function checkSignedTreeHead(domain: LedgerDomain, signed: SignedTreeHead): Promise<TreeHead> {
  return verifySignedTreeHead(domain, signed)
}
