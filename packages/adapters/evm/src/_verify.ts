/**
 * Off-chain checks run before every write, so that a bad signature fails fast (no gas, no round trip) with the same
 * codes as the memory ledger. The registry repeats every check on chain.
 * @internal
 * @module
 */
import {
  ConsentError,
  consentTypes,
  type Hex,
  InvalidArgumentError,
  type LedgerDomain,
  type SignedConsent,
  type SignedRevocation,
  type SignedTombstone,
  type SignedTreeHead,
  VerificationError,
} from '@medseal/core'
import { hashTypedData, isAddress, recoverAddress } from 'viem'

const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n
const SIGNATURE = /^0x[0-9a-fA-F]{130}$/
const BYTES32 = /^0x[0-9a-fA-F]{64}$/

type Kind = 'Consent' | 'Revocation' | 'Tombstone' | 'TreeHead'

function digestOf(domain: LedgerDomain, kind: Kind, message: Record<string, unknown>, signature: Hex): Hex | null {
  if (typeof signature !== 'string' || !SIGNATURE.test(signature)) return null
  const s = BigInt(`0x${signature.slice(66, 130)}`)
  const v = Number.parseInt(signature.slice(130, 132), 16)
  if (s > HALF_N || (v !== 27 && v !== 28)) return null
  try {
    const digest = hashTypedData({
      // biome-ignore lint/suspicious/noExplicitAny: the domain union is checked by viem at run time
      domain: domain as any,
      types: consentTypes,
      primaryType: kind,
      // biome-ignore lint/suspicious/noExplicitAny: message fields were checked by the caller
      message: message as any,
    })
    return digest
  } catch {
    return null
  }
}

async function recovers(
  domain: LedgerDomain,
  kind: Kind,
  message: Record<string, unknown>,
  signature: Hex,
  signer: string,
): Promise<boolean> {
  const digest = digestOf(domain, kind, message, signature)
  if (digest === null) return false
  try {
    const recovered = await recoverAddress({ hash: digest, signature })
    return recovered.toLowerCase() === signer.toLowerCase()
  } catch {
    return false
  }
}

function bad(kind: Kind, field: string): Error {
  if (kind === 'Consent')
    return new ConsentError('CONSENT_MALFORMED', `${kind} is malformed.`, { metaMessages: [`Field: ${field}`] })
  return new InvalidArgumentError('INVALID_ARGUMENT', `${kind} is malformed.`, { metaMessages: [`Field: ${field}`] })
}

function isUint(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= max
}

/** Checks a signed consent's shape and its grantor's signature under `domain`. @internal */
export async function checkSignedConsent(domain: LedgerDomain, signed: SignedConsent): Promise<void> {
  if (typeof signed !== 'object' || signed === null) throw bad('Consent', 'signed')
  const c = signed.consent
  if (typeof c !== 'object' || c === null) throw bad('Consent', 'consent')
  if (!BYTES32.test(String(c.id)) || !BYTES32.test(String(c.parent))) throw bad('Consent', 'id')
  if (!isAddress(String(c.grantor), { strict: false }) || !isAddress(String(c.grantee), { strict: false }))
    throw bad('Consent', 'grantor')
  for (const f of ['resourceTypes', 'exclude', 'actions', 'purposes', 'commitments'] as const)
    if (!Array.isArray(c[f])) throw bad('Consent', f)
  if (!c.commitments.every((x) => BYTES32.test(String(x)))) throw bad('Consent', 'commitments')
  if (!isUint(c.notBefore, Number.MAX_SAFE_INTEGER) || !isUint(c.expiresAt, Number.MAX_SAFE_INTEGER))
    throw bad('Consent', 'notBefore')
  if (c.expiresAt <= c.notBefore) throw bad('Consent', 'expiresAt')
  if (!isUint(c.delegationDepth, 255)) throw bad('Consent', 'delegationDepth')
  const message = { ...c, notBefore: BigInt(c.notBefore), expiresAt: BigInt(c.expiresAt) }
  if (!(await recovers(domain, 'Consent', message, signed.signature, c.grantor)))
    throw new ConsentError('CONSENT_SIGNATURE_INVALID', 'Consent signature is not the grantor’s for this ledger.')
}

/** Checks a signed revocation's shape and its grantor's signature. @internal */
export async function checkSignedRevocation(domain: LedgerDomain, signed: SignedRevocation): Promise<void> {
  const r = signed?.revocation
  if (typeof r !== 'object' || r === null) throw bad('Revocation', 'revocation')
  if (!BYTES32.test(String(r.consentId))) throw bad('Revocation', 'consentId')
  if (!isAddress(String(r.grantor), { strict: false })) throw bad('Revocation', 'grantor')
  if (!(await recovers(domain, 'Revocation', { ...r }, signed.signature, r.grantor)))
    throw new ConsentError('CONSENT_SIGNATURE_INVALID', 'Revocation signature is not the grantor’s for this ledger.')
}

/** Checks a signed tombstone's shape and its owner's signature. @internal */
export async function checkSignedTombstone(domain: LedgerDomain, signed: SignedTombstone): Promise<void> {
  const t = signed?.tombstone
  if (typeof t !== 'object' || t === null) throw bad('Tombstone', 'tombstone')
  if (!BYTES32.test(String(t.commitment))) throw bad('Tombstone', 'commitment')
  if (!isAddress(String(t.owner), { strict: false })) throw bad('Tombstone', 'owner')
  if (!(await recovers(domain, 'Tombstone', { ...t }, signed.signature, t.owner)))
    throw new VerificationError('INVALID_SIGNATURE', 'Tombstone signature is not the owner’s for this ledger.')
}

/** Checks a signed tree head's shape and its operator's signature. @internal */
export async function checkSignedTreeHead(domain: LedgerDomain, signed: SignedTreeHead): Promise<void> {
  const h = signed?.head
  if (typeof h !== 'object' || h === null) throw bad('TreeHead', 'head')
  if (!BYTES32.test(String(h.logId)) || !BYTES32.test(String(h.root))) throw bad('TreeHead', 'logId')
  if (!isAddress(String(h.operator), { strict: false })) throw bad('TreeHead', 'operator')
  if (!isUint(h.treeSize, Number.MAX_SAFE_INTEGER) || !isUint(h.timestamp, Number.MAX_SAFE_INTEGER))
    throw bad('TreeHead', 'treeSize')
  const message = { ...h, treeSize: BigInt(h.treeSize), timestamp: BigInt(h.timestamp) }
  if (!(await recovers(domain, 'TreeHead', message, signed.signature, h.operator)))
    throw new VerificationError('INVALID_SIGNATURE', 'Tree head signature is not the operator’s for this ledger.')
}
