/**
 * Deposits: what a custodian needs before it indexes a sealed record under an owner. The owner signs a
 * `DepositStatement` (EIP-712, under the ledger's domain) naming the record (commitment and content id), the custodian
 * and, for a new version, the version it replaces; the depositor proves it could open the envelope with an HMAC under
 * the record's data key over the statement's digest. The custodian opens the envelope itself and checks both
 * (security review, issue 12, finding 1; docs/spec/consent.md §9).
 * @module
 */
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { assertBytes, bytesToHex0x, concatBytes, equalBytes, isBytes, utf8ToBytes, wipe } from '../bytes/index.js'
import { assertDomain, checksumAddress, isAddress, isBytes32, sameAddress, ZERO_BYTES32 } from '../consent/_validate.js'
import type { LedgerDomain } from '../consent/types.js'
import { hashTypedData } from '../eip712/hashTypedData.js'
import { recoverTypedDataAddress, signTypedData } from '../eip712/signTypedData.js'
import type { EnvelopeInput, EnvelopeKeyHolder } from '../envelope/_open.js'
import { openWithDataKey } from '../envelope/openWithDataKey.js'
import type { Envelope } from '../envelope/types.js'
import { unwrapDataKey } from '../envelope/unwrapDataKey.js'
import { ConsentError, type EnvelopeError, InvalidArgumentError } from '../errors/base.js'
import type { Secp256k1RecoveryOptions } from '../identity/secp256k1Recovery.js'
import type { Party, PublicIdentity } from '../identity/types.js'
import type { Address, Hex } from '../types.js'

/**
 * EIP-712 `types` of a deposit statement (docs/spec/consent.md §9).
 * @example
 * ```ts
 * import { depositStatementTypes, encodeType } from '@medseal/core'
 * encodeType({ types: depositStatementTypes, primaryType: 'DepositStatement' })
 * // 'DepositStatement(address owner,address custodian,bytes32 commitment,string contentId,bytes32 previous)'
 * ```
 */
export const depositStatementTypes = {
  DepositStatement: [
    { name: 'owner', type: 'address' },
    { name: 'custodian', type: 'address' },
    { name: 'commitment', type: 'bytes32' },
    { name: 'contentId', type: 'string' },
    { name: 'previous', type: 'bytes32' },
  ],
} as const

/**
 * The prefix of the deposit proof's HMAC input: `HMAC-SHA256(dataKey, utf8(prefix) ‖ statementDigest)`.
 * @example
 * ```ts
 * import { DEPOSIT_PROOF_PREFIX } from '@medseal/core'
 * DEPOSIT_PROOF_PREFIX // 'medseal/deposit-proof/v1'
 * ```
 */
export const DEPOSIT_PROOF_PREFIX = 'medseal/deposit-proof/v1'

/** The owner's statement that a custodian may hold a record for them. */
export type DepositStatement = {
  /** The patient who owns the record (signs the statement). */
  readonly owner: Address
  /** The custodian's address (`custodian.identity.address`): a statement for one custodian is refused by another. */
  readonly custodian: Address
  /** The record's commitment. */
  readonly commitment: Hex
  /** The record's content id (CIDv1 string of its canonical bytes), as `seal` and `open` return it. */
  readonly contentId: string
  /** For a new version (`updateRecord`): the commitment it replaces; `0x00…00` for a plain deposit. */
  readonly previous: Hex
}

/** A deposit statement with the owner's EIP-712 signature. */
export type SignedDepositStatement = { readonly statement: DepositStatement; readonly signature: Hex }

/** Everything a custodian's `deposit` (or `updateRecord`) takes. */
export type Deposit = {
  /** The sealed record; the custodian must be one of its recipients. */
  readonly envelope: Envelope
  /** The owner's signed statement. */
  readonly statement: SignedDepositStatement
  /** `HMAC-SHA256(dataKey, utf8("medseal/deposit-proof/v1") ‖ statementDigest)` as `0x` hex: the depositor opened it. */
  readonly proof: Hex
}

/** Errors of the deposit functions. */
export type DepositStatementErrorType = ConsentError | EnvelopeError | InvalidArgumentError

/** A `DEPOSIT_STATEMENT_INVALID` error. @internal */
export function statementInvalid(message: string): ConsentError {
  return new ConsentError('DEPOSIT_STATEMENT_INVALID', message)
}

const addressOf = (v: unknown) => (typeof v === 'object' && v !== null ? (v as { address: unknown }).address : v)
const RE_CID = /^b[a-z2-7]{1,127}$/

/** Checks a statement's shape; returns a normalized frozen copy. @internal */
export function assertDepositStatement(value: unknown): DepositStatement {
  if (typeof value !== 'object' || value === null) throw statementInvalid('statement must be an object.')
  const v = value as Record<string, unknown>
  const names = depositStatementTypes.DepositStatement.map((f) => f.name) as readonly string[]
  for (const k of Object.keys(v))
    if (!names.includes(k))
      throw statementInvalid(`statement must have only the fields ${names.join(', ')} (it has another).`)
  if (!isAddress(v.owner))
    throw statementInvalid('statement.owner must be a 20-byte hex address (mixed case: a valid EIP-55 checksum).')
  if (!isAddress(v.custodian))
    throw statementInvalid('statement.custodian must be a 20-byte hex address (mixed case: a valid EIP-55 checksum).')
  if (!isBytes32(v.commitment))
    throw statementInvalid('statement.commitment must be 0x followed by 64 hex digits (32 bytes).')
  if (typeof v.contentId !== 'string' || !RE_CID.test(v.contentId))
    throw statementInvalid('statement.contentId must be a base32 CIDv1 string.')
  if (!isBytes32(v.previous))
    throw statementInvalid('statement.previous must be 0x followed by 64 hex digits (32 bytes).')
  return Object.freeze({
    owner: checksumAddress(v.owner),
    custodian: checksumAddress(v.custodian),
    commitment: v.commitment.toLowerCase() as Hex,
    contentId: v.contentId,
    previous: v.previous.toLowerCase() as Hex,
  })
}

const typedData = (domain: LedgerDomain, statement: DepositStatement) => ({
  domain,
  types: depositStatementTypes,
  primaryType: 'DepositStatement',
  message: statement,
})

/**
 * The EIP-712 digest of a deposit statement (what the owner signs and what the deposit proof covers).
 *
 * @param domain - `ledger.domain`
 * @param statement - the statement
 * @returns 32 bytes
 * @throws {@link ConsentError} `DEPOSIT_STATEMENT_INVALID` for a malformed statement
 * @example
 * ```ts
 * import { hashDepositStatement } from '@medseal/core'
 * const digest = hashDepositStatement(ledger.domain, signed.statement)
 * ```
 */
export function hashDepositStatement(domain: LedgerDomain, statement: DepositStatement): Uint8Array {
  return hashTypedData(typedData(assertDomain(domain), assertDepositStatement(statement)))
}

/**
 * Computes the deposit proof from the record's data key: `HMAC-SHA256(dataKey, utf8("medseal/deposit-proof/v1") ‖
 * statementDigest)`. Only someone who can open the envelope has the data key.
 *
 * @param dataKey - the record's 32-byte data key (not wiped here)
 * @param statementDigest - {@link hashDepositStatement} of the statement
 * @returns the proof as `0x` hex
 * @throws {@link InvalidArgumentError} for a key or digest that is not 32 bytes
 * @example
 * ```ts
 * import { computeDepositProof, hashDepositStatement, unwrapDataKey } from '@medseal/core'
 * const proof = computeDepositProof(await unwrapDataKey(envelope, patient), hashDepositStatement(domain, statement))
 * ```
 */
export function computeDepositProof(dataKey: Uint8Array, statementDigest: Uint8Array): Hex {
  assertBytes(dataKey, { length: 32, name: 'dataKey' })
  assertBytes(statementDigest, { length: 32, name: 'statementDigest' })
  return bytesToHex0x(hmac(sha256, dataKey, concatBytes(utf8ToBytes(DEPOSIT_PROOF_PREFIX), statementDigest)))
}

/**
 * Signs a deposit statement as its owner.
 *
 * @param owner - the patient (`statement.owner`)
 * @param domain - `ledger.domain`
 * @param statement - the statement
 * @returns the signed statement
 * @throws {@link ConsentError} `DEPOSIT_STATEMENT_INVALID` for a malformed statement or when `owner` is not its owner
 * @example
 * ```ts
 * import { signDepositStatement } from '@medseal/core'
 * const signed = signDepositStatement(patient, ledger.domain, {
 *   owner: patient.address, custodian: custodian.identity.address, commitment, contentId: contentId.toString(),
 *   previous: `0x${'0'.repeat(64)}`,
 * })
 * ```
 */
export function signDepositStatement(
  owner: Pick<Party, 'address' | 'signDigest'>,
  domain: LedgerDomain,
  statement: DepositStatement,
): SignedDepositStatement {
  const s = assertDepositStatement(statement)
  if (typeof owner?.signDigest !== 'function') throw new InvalidArgumentError('INVALID_TYPE', 'owner must be a Party.')
  if (!sameAddress(owner.address, s.owner))
    throw statementInvalid('Only the record’s owner signs its deposit statement.')
  return Object.freeze({ statement: s, signature: signTypedData(owner, typedData(assertDomain(domain), s)) })
}

/**
 * Verifies a signed deposit statement: shape, and that the signature recovers to `statement.owner` under `domain`.
 *
 * A frozen signed statement (`Object.freeze` of it and of its `statement`, as `createDeposit` returns them) checked
 * for the same frozen domain object is checked once: its result is remembered with the object (a service that checks
 * a deposit to rate-limit its owner, then gives it to the custodian, pays for one check). Anything else is checked in
 * full on every call.
 *
 * @param domain - `ledger.domain`
 * @param signed - the signed statement
 * @param opts - `secp256k1`: the recovery implementation (default `@noble/curves`; a custodian passes its own)
 * @returns the statement (normalized)
 * @throws {@link ConsentError} `DEPOSIT_STATEMENT_INVALID`
 * @example
 * ```ts
 * import { verifyDepositStatement } from '@medseal/core'
 * const { owner, commitment } = verifyDepositStatement(ledger.domain, deposit.statement)
 * ```
 */
export function verifyDepositStatement(
  domain: LedgerDomain,
  signed: SignedDepositStatement,
  opts?: Secp256k1RecoveryOptions,
): DepositStatement {
  return _verifyDepositStatement(domain, signed, opts, true)
}

/** Verified frozen signed statements, by object (held as long as the statement object lives). */
const VERIFIED = /* @__PURE__ */ new WeakMap<
  object,
  { readonly domain: LedgerDomain; readonly statement: DepositStatement }
>()

/**
 * {@link verifyDepositStatement}, remembering a frozen statement's result only when `remember` (a custodian, the last
 * to check a deposit, uses what an earlier check remembered without adding an entry per deposit). @internal
 */
export function _verifyDepositStatement(
  domain: LedgerDomain,
  signed: SignedDepositStatement,
  opts: Secp256k1RecoveryOptions | undefined,
  remember: boolean,
): DepositStatement {
  if (typeof signed !== 'object' || signed === null) throw statementInvalid('signed statement must be an object.')
  const known = VERIFIED.get(signed)
  // the statement is a frozen object of strings: handed out as is
  if (known !== undefined && known.domain === domain) return known.statement
  const s = assertDepositStatement(signed.statement)
  let who: Address | undefined
  try {
    if (typeof signed.signature === 'string' && /^0x[0-9a-fA-F]{130}$/.test(signed.signature))
      who = recoverTypedDataAddress(typedData(assertDomain(domain), s), signed.signature, opts)
  } catch {
    who = undefined
  }
  if (!who || !sameAddress(who, s.owner)) throw statementInvalid('The deposit statement is not signed by its owner.')
  // Frozen, its fields are fixed (a statement's are strings; the domain's too): the same answer again.
  if (remember && Object.isFrozen(signed) && Object.isFrozen(signed.statement) && Object.isFrozen(domain))
    VERIFIED.set(signed, { domain, statement: s })
  return s
}

/** Parameters of {@link createDeposit}. */
export type CreateDepositParameters = {
  /** The record's owner: signs the statement. */
  readonly owner: Party
  /** Who opens the envelope to prove the deposit (default: `owner`, who is a recipient of their own records). */
  readonly depositor?: EnvelopeKeyHolder
  /** The sealed record. */
  readonly envelope: Envelope
  /** The custodian it is deposited with. */
  readonly custodian: Address | Pick<PublicIdentity, 'address'>
  /** `ledger.domain` of the custodian's ledger. */
  readonly domain: LedgerDomain
  /** For `updateRecord`: the commitment of the version this one replaces. */
  readonly previous?: Hex | Uint8Array
}

/**
 * Prepares a deposit: opens the envelope as the depositor (the owner by default), signs the owner's statement for its
 * commitment and content id, and computes the proof under the record's data key.
 *
 * @param params - `owner`, `envelope`, `custodian`, `domain`, optional `depositor` and `previous`
 * @returns `{ envelope, statement, proof }`, ready for `custodian.deposit` (or `updateRecord`)
 * @throws {@link EnvelopeError} when the depositor cannot open the envelope
 * @throws {@link ConsentError} `DEPOSIT_STATEMENT_INVALID`; {@link InvalidArgumentError} for bad parameters
 * @example
 * ```ts
 * import { createDeposit, seal } from '@medseal/core'
 * const { envelope } = await seal(resource, { recipients: [patient, custodian.identity] })
 * await custodian.deposit(await createDeposit({ owner: patient, envelope, custodian: custodian.identity, domain: ledger.domain }))
 * ```
 */
export async function createDeposit(params: CreateDepositParameters): Promise<Deposit> {
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'createDeposit parameters must be an object.')
  const { owner, envelope, domain } = params
  if (typeof owner?.signDigest !== 'function') throw new InvalidArgumentError('INVALID_TYPE', 'owner must be a Party.')
  const previous =
    params.previous === undefined
      ? ZERO_BYTES32
      : isBytes(params.previous)
        ? bytesToHex0x(assertBytes(params.previous, { length: 32, name: 'previous' }))
        : params.previous
  const dataKey = await unwrapDataKey(envelope as EnvelopeInput, params.depositor ?? owner)
  try {
    const opened = await openWithDataKey(envelope as EnvelopeInput, dataKey)
    try {
      const statement = signDepositStatement(owner, domain, {
        owner: owner.address,
        custodian: addressOf(params.custodian) as Address,
        commitment: bytesToHex0x(opened.commitment),
        contentId: opened.contentId.toString(),
        previous: previous as Hex,
      })
      const proof = computeDepositProof(dataKey, hashDepositStatement(domain, statement.statement))
      return Object.freeze({ envelope, statement, proof })
    } finally {
      wipe(opened.salt, opened.canonical)
    }
  } finally {
    wipe(dataKey)
  }
}

/** Constant-time comparison of a presented proof with the expected one. @internal */
export function proofMatches(presented: unknown, expected: Hex): boolean {
  if (typeof presented !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(presented)) return false
  const a = utf8ToBytes(presented.toLowerCase())
  const b = utf8ToBytes(expected.toLowerCase())
  return equalBytes(a, b)
}
