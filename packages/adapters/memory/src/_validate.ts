/**
 * Argument checks and copies of the memory ledger (the ledger rules themselves are `@medseal/core`'s
 * `ledger/rules`). Every value that leaves the ledger's state is copied field by field (unknown fields dropped), so
 * callers cannot reach the state through objects they got back.
 * @internal
 * @module
 */
import {
  copyConsent,
  InvalidArgumentError,
  type LedgerRef,
  type Revocation,
  type SignedConsent,
  type SignedRevocation,
  type SignedTombstone,
  type SignedTreeHead,
  type Tombstone,
  type TreeHead,
} from '@medseal/core'

/** `typeof value === 'object'`, not null, not an array. @internal */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Asserts a plain object argument. @internal */
export function assertRecord(value: unknown, name: string): Record<string, unknown> {
  if (isRecord(value)) return value
  throw new InvalidArgumentError('INVALID_TYPE', `${name} must be an object.`, {
    metaMessages: [`Received ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}.`],
  })
}

/** A deep copy of a signed consent. @internal */
export function copySignedConsent(s: SignedConsent): SignedConsent {
  return { consent: copyConsent(s.consent), signature: s.signature }
}

/** A copy of a revocation's known fields. @internal */
export function copySignedRevocation(s: SignedRevocation): SignedRevocation {
  const r: Revocation = { consentId: s.revocation.consentId, grantor: s.revocation.grantor }
  return { revocation: r, signature: s.signature }
}

/** A copy of a tombstone's known fields. @internal */
export function copySignedTombstone(s: SignedTombstone): SignedTombstone {
  const t: Tombstone = { commitment: s.tombstone.commitment, owner: s.tombstone.owner }
  return { tombstone: t, signature: s.signature }
}

/** A copy of a tree head's known fields. @internal */
export function copySignedTreeHead(s: SignedTreeHead): SignedTreeHead {
  const h = s.head
  const head: TreeHead = {
    logId: h.logId,
    operator: h.operator,
    nameHash: h.nameHash,
    treeSize: h.treeSize,
    root: h.root,
    timestamp: h.timestamp,
  }
  return { head, signature: s.signature }
}

/** A copy of a ledger reference. @internal */
export function copyRef(r: LedgerRef): LedgerRef {
  return { ledger: r.ledger, tx: r.tx, block: r.block, timestamp: r.timestamp }
}
