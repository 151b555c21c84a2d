/**
 * Input checks and copies shared by the memory ledger's write path and its snapshot loader. Every value that enters
 * the ledger's state is copied field by field (unknown fields dropped), so callers cannot reach the state through
 * objects they passed in or got back.
 * @internal
 * @module
 */
import {
  type AnchorInput,
  type AnchorKind,
  anchorKindCodes,
  assertBytes,
  type Consent,
  type ConsentAction,
  type Hex,
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

const HEX32 = /^0x[0-9a-fA-F]{64}$/

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

/** Asserts a `0x`-prefixed 32-byte hex string; returns it lower-cased (the ledger's key form). @internal */
export function assertHex32(value: unknown, name: string): Hex {
  if (typeof value === 'string' && HEX32.test(value)) return value.toLowerCase() as Hex
  if (typeof value !== 'string')
    throw new InvalidArgumentError('INVALID_TYPE', `${name} must be a 0x-prefixed 32-byte hex string.`, {
      metaMessages: [`Received a value of type ${value === null ? 'null' : typeof value}.`],
    })
  throw new InvalidArgumentError('INVALID_ARGUMENT', `${name} must be a 0x-prefixed 32-byte hex string.`, {
    metaMessages: [`Received a string of ${value.length} characters.`],
  })
}

/** Case-insensitive equality of two hex strings. @internal */
export function sameHex(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

/** The `root`, `treeSize` and `kind` of an anchor input, validated and copied. @internal */
export function copyAnchorInput(input: unknown): AnchorInput & { root: Uint8Array<ArrayBuffer> } {
  const o = assertRecord(input, 'input')
  const root = assertBytes(o.root, { name: 'input.root', length: 32 })
  const treeSize = o.treeSize
  if (typeof treeSize !== 'number')
    throw new InvalidArgumentError('INVALID_TYPE', 'input.treeSize must be a number.', {
      metaMessages: [`Received a value of type ${treeSize === null ? 'null' : typeof treeSize}.`],
    })
  if (!Number.isSafeInteger(treeSize) || treeSize < 1)
    throw new InvalidArgumentError('OUT_OF_RANGE', 'input.treeSize must be an integer from 1 to 2^53 - 1.')
  const kind = o.kind
  if (typeof kind !== 'string' || !Object.hasOwn(anchorKindCodes, kind))
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'input.kind must be one of: records, export, events.')
  return { root: new Uint8Array(root), treeSize, kind: kind as AnchorKind }
}

/** A deep copy of a consent's known fields (call after the consent was verified). @internal */
export function copyConsent(c: Consent): Consent {
  return {
    id: c.id,
    grantor: c.grantor,
    grantee: c.grantee,
    parent: c.parent,
    resourceTypes: [...c.resourceTypes],
    commitments: [...c.commitments],
    exclude: [...c.exclude],
    actions: [...c.actions] as ConsentAction[],
    purposes: [...c.purposes],
    notBefore: c.notBefore,
    expiresAt: c.expiresAt,
    delegationDepth: c.delegationDepth,
  }
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

/**
 * A string that is equal for two consents exactly when they grant the same thing (hex compared case-insensitively,
 * arrays in order). Used for idempotency: the same content under the same id is the same grant.
 * @internal
 */
export function consentContentKey(c: Consent): string {
  const lower = (xs: readonly string[]) => xs.map((x) => x.toLowerCase())
  return JSON.stringify([
    c.id.toLowerCase(),
    c.grantor.toLowerCase(),
    c.grantee.toLowerCase(),
    c.parent.toLowerCase(),
    c.resourceTypes,
    lower(c.commitments),
    c.exclude,
    c.actions,
    c.purposes,
    c.notBefore,
    c.expiresAt,
    c.delegationDepth,
  ])
}

/** Equality of two tree heads' content (hex case-insensitive). @internal */
export function sameTreeHead(a: TreeHead, b: TreeHead): boolean {
  return (
    sameHex(a.logId, b.logId) &&
    sameHex(a.operator, b.operator) &&
    a.treeSize === b.treeSize &&
    sameHex(a.root, b.root) &&
    a.timestamp === b.timestamp
  )
}
