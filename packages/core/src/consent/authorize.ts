/**
 * The access decision: may this grantee do this action, for this purpose, on this record, now (by the ledger's time
 * AND the deciding host's clock)? The decision procedure is normative and written down in docs/spec/consent.md §6.
 * @module
 */
import { assertBytes, bytesToHex0x, isBytes } from '../bytes/index.js'
import { ConsentError, InvalidArgumentError, isSdkError, type LedgerError } from '../errors/base.js'
import type { ErrorCode } from '../errors/codes.js'
import type { PublicIdentity } from '../identity/types.js'
import { consentKey } from '../ledger/consentKey.js'
import type { ConsentKey, ConsentRecord, LedgerAdapter } from '../ledger/types.js'
import type { Address, Hex } from '../types.js'
import { CONSENT_ACTIONS, isAddress, isBytes32, sameAddress, sameDomain, ZERO_BYTES32 } from './_validate.js'
import {
  _consentKeyCached,
  _isAddressCached,
  _isConsentCache,
  _verifyConsentCached,
  type ConsentCache,
} from './consentCache.js'
import { assertConsentToken, type ConsentToken, decodeConsentToken } from './consentToken.js'
import type { Consent, ConsentAction, LedgerDomain } from './types.js'
import { verifyConsent } from './verifyConsent.js'

/** Why a request was denied: one stable code per check (docs/spec/consent.md §6). */
export type AuthorizeDenyReason = Extract<
  ErrorCode,
  | 'CONSENT_MALFORMED'
  | 'CONSENT_WRONG_DOMAIN'
  | 'CONSENT_NOT_FOUND'
  | 'CONSENT_REPLAYED'
  | 'CONSENT_SIGNATURE_INVALID'
  | 'CONSENT_NOT_YET_VALID'
  | 'CONSENT_EXPIRED'
  | 'CONSENT_REVOKED'
  | 'CONSENT_GRANTEE'
  | 'CONSENT_ACTION'
  | 'CONSENT_PURPOSE'
  | 'CONSENT_SCOPE'
  | 'CONSENT_EXCLUDED'
  | 'DELEGATION_INVALID'
>

/** The reason of a decision: `PERMITTED`, or the code of the first check that failed. */
export type AuthorizeReason = 'PERMITTED' | AuthorizeDenyReason

/** The record a request is about, as the custodian (or the patient's client) indexes it. */
export type AuthorizeRecord = {
  /** The record's commitment (32 bytes). */
  readonly commitment: Hex | Uint8Array
  /** Its FHIR resource type, e.g. `Observation`. */
  readonly resourceType: string
  /** Its security labels (`meta.security` codes, e.g. `PSY`, `HIV`); default none. */
  readonly labels?: readonly string[]
  /**
   * The record's owner (the patient). Required: the delegation chain must start at the owner's own grant, so that a
   * consent from anyone else (another patient, a stranger) never opens this record.
   */
  readonly owner: Address
}

/** Which consent a request is made under: the ledger's `(grantor, id)`, or the grantee's token. */
export type AuthorizeConsentReference =
  | {
      /** Id of a consent registered on the ledger. */
      readonly consentId: Hex
      /** Its grantor: consents are keyed by `(grantor, id)` (`consentKey`), so the id alone names nothing. */
      readonly grantor: Address | Pick<PublicIdentity, 'address'>
      readonly token?: undefined
    }
  | {
      /** The grantee's token (object or compact string); it must also be registered on the ledger. */
      readonly token: ConsentToken | string
      /** Optional: when given, the token's grantor must be this address (else `CONSENT_NOT_FOUND`). */
      readonly grantor?: Address | Pick<PublicIdentity, 'address'>
      readonly consentId?: undefined
    }

/**
 * A request to authorize. Give `consentId` with its `grantor` (looked up on the ledger under
 * `consentKey(grantor, consentId)`), or the grantee's `token`.
 */
export type AuthorizeRequest = AuthorizeConsentReference & {
  /** Who asks (their address must be the consent's grantee). */
  readonly grantee: Address | Pick<PublicIdentity, 'address'>
  /** What they want to do. */
  readonly action: ConsentAction
  /** Why (HL7 v3 PurposeOfUse code). */
  readonly purpose: string
  /** On which record. */
  readonly record: AuthorizeRecord
}

/** The decision. */
export type AuthorizeReturnType = {
  /** Whether the request is allowed. */
  readonly allowed: boolean
  /** `PERMITTED`, or why it was denied. */
  readonly reason: AuthorizeReason
  /** The consent the decision is about, once it was found and verified. */
  readonly consent?: Consent
  /** The delegation chain from the patient's grant down to `consent` (only for delegated grants). */
  readonly chain?: readonly Consent[]
  /** Ledger time (Unix seconds) the decision was made at. */
  readonly at: number
  /** The deciding host's clock (Unix seconds) at the decision: a consent is in force only while both clocks are. */
  readonly hostAt: number
}

/** Options of {@link authorize}. */
export type AuthorizeOptions = {
  /**
   * The deciding host's clock in Unix milliseconds (default `Date.now`). A consent is outside its window when EITHER
   * this clock or the ledger's time says so (security review, issue 12, finding 7: a ledger's time can stall, e.g. an
   * EVM chain that mines on demand). Inject it in tests whose ledger clock is not the real time.
   */
  readonly now?: () => number
  /**
   * A {@link ConsentCache} from {@link createConsentCache}: each consent's signature is then recovered once per
   * (ledger domain, consent, signature) rather than on every decision. Everything else is still checked on every
   * call (the ledger's copy of each consent and its revocation, both clocks, the request, every link of the chain);
   * a decision with a cache is always the decision without one.
   */
  readonly cache?: ConsentCache
}

/** Errors {@link authorize} throws (a denial is a result, not an error). */
export type AuthorizeErrorType = InvalidArgumentError | LedgerError

/** Errors {@link assertAuthorized} throws: a denial is a {@link ConsentError} with the reason as its code. */
export type AssertAuthorizedErrorType = ConsentError | InvalidArgumentError | LedgerError

/** Deepest delegation chain walked (delegationDepth is a uint8, and strictly decreases along a chain). */
const MAX_CHAIN = 256

class Deny extends Error {
  constructor(
    readonly reason: AuthorizeDenyReason,
    readonly consent?: Consent,
  ) {
    super(reason)
  }
}

/**
 * Decides a request against the ledger. Every check runs on every call: the validity window by the ledger's time AND
 * the deciding host's clock (expired when either is at or past `expiresAt`, not yet valid when either is before
 * `notBefore`), the ledger's revocation record, the signature of the ledger's copy of each consent, grantee, action,
 * purpose, scope, exclusions, the owner and the whole delegation chain. There is no option to skip any of them.
 * With `options.cache` ({@link createConsentCache}) a signature already verified for exactly this ledger domain,
 * consent and signature is not recovered again: the decision is the same, only faster (busy custodians).
 *
 * @param ledger - the ledger the consent is registered on
 * @param request - who asks what, on which record (with its owner), under which consent (`(grantor, consentId)` or
 *   a token)
 * @param options - `now`: the host clock in Unix milliseconds (default `Date.now`); `cache`: a {@link ConsentCache}
 * @returns `{ allowed, reason, consent?, chain?, at, hostAt }`; a denial is a result (`allowed: false`), not a throw
 * @throws {@link InvalidArgumentError} for a malformed request (no consent reference, bad grantee, no owner, …) or a
 *   host clock that returns no time
 * @throws {@link LedgerError} when the ledger cannot answer (the caller must treat this as a denial)
 * @example
 * ```ts
 * import { authorize } from '@medseal/core'
 * const decision = await authorize(ledger, {
 *   consentId, grantor: patient.address, grantee: doctor.address, action: 'read', purpose: 'TREAT',
 *   record: { commitment, resourceType: 'Observation', labels: [], owner: patient.address },
 * })
 * if (!decision.allowed) console.log(decision.reason) // e.g. 'CONSENT_REVOKED'
 * ```
 */
export async function authorize(
  ledger: LedgerAdapter,
  request: AuthorizeRequest,
  options: AuthorizeOptions = {},
): Promise<AuthorizeReturnType> {
  const { now, verifier } = checkOptions(options)
  return decideChecked(ledger, checkRequest(request, verifier.isAddress), now, verifier)
}

/** A key request's fields as {@link KeyRequest} checks them (consentId lower-case bytes32, addresses checksummed). */
export type _CheckedKeyRequestFields = {
  readonly consentId: Hex
  readonly grantor: Address
  readonly grantee: Address
  readonly action: ConsentAction
  readonly purpose: string
}

/**
 * `authorize` for a custodian: the options are checked once, here; each call takes the fields of a key request that
 * `verifyKeyRequest` already checked (not checked again) and the record as the custodian's store holds it (checked as
 * `authorize` checks it: the store is not trusted). The decision is `authorize`'s for the same request. `ledgerTime`,
 * when given, is the ledger time the caller read for this request (a custodian's, which it also logs): the decision
 * is made at it instead of reading the ledger's time once more (one ledger round trip fewer on a chain); it is
 * checked as a read one is. @internal
 */
export function _createAuthorizer(
  options: AuthorizeOptions,
): (
  ledger: LedgerAdapter,
  request: _CheckedKeyRequestFields,
  record: AuthorizeRequest['record'],
  ledgerTime?: number,
) => Promise<AuthorizeReturnType> {
  const { now, verifier } = checkOptions(options)
  return async (ledger, request, record, ledgerTime) =>
    decideChecked(ledger, { ...request, ...checkRecord(record, verifier.isAddress) }, now, verifier, ledgerTime)
}

async function decideChecked(
  ledger: LedgerAdapter,
  req: CheckedRequest,
  now: () => number,
  verifier: Deps,
  ledgerTime?: number,
): Promise<AuthorizeReturnType> {
  const at = ledgerTime ?? (await ledger.getTime())
  if (!Number.isSafeInteger(at) || at < 0) throw new InvalidArgumentError('OUT_OF_RANGE', 'Ledger time is invalid.')
  const hostAt = hostSeconds(now)
  const clocks: Clocks = { earliest: Math.min(at, hostAt), latest: Math.max(at, hostAt) }
  try {
    const chain = await decide(req, ledger, clocks, verifier)
    const consent = chain[chain.length - 1] as Consent
    return Object.freeze({
      allowed: true,
      reason: 'PERMITTED',
      consent,
      ...(chain.length > 1 ? { chain: Object.freeze(chain) } : {}),
      at,
      hostAt,
    })
  } catch (err) {
    if (err instanceof Deny)
      return Object.freeze({
        allowed: false,
        reason: err.reason,
        ...(err.consent ? { consent: err.consent } : {}),
        at,
        hostAt,
      })
    throw err
  }
}

/**
 * Like {@link authorize}, but throws a {@link ConsentError} carrying the denial's code.
 *
 * @param ledger - the ledger
 * @param request - as for {@link authorize}
 * @param options - as for {@link authorize}
 * @returns the permitting decision
 * @throws {@link ConsentError} with the reason code (`CONSENT_REVOKED`, `CONSENT_EXPIRED`, `DELEGATION_INVALID`, …)
 * @example
 * ```ts
 * import { assertAuthorized } from '@medseal/core'
 * await assertAuthorized(ledger, { consentId, grantor, grantee, action: 'read', purpose: 'TREAT', record })
 * ```
 */
export async function assertAuthorized(
  ledger: LedgerAdapter,
  request: AuthorizeRequest,
  options: AuthorizeOptions = {},
): Promise<AuthorizeReturnType & { allowed: true }> {
  const decision = await authorize(ledger, request, options)
  if (decision.allowed) return decision as AuthorizeReturnType & { allowed: true }
  throw new ConsentError(decision.reason as ErrorCode, `Access denied: ${decision.reason}.`, {
    metaMessages: [`Ledger time: ${decision.at}`, `Host time: ${decision.hostAt}`],
  })
}

/** The decision's two clocks, combined: a window must hold at both. */
type Clocks = { readonly earliest: number; readonly latest: number }

/**
 * Checks a consent's signature for a ledger domain and names its key: `verifyConsent` + `consentKey`, or the same
 * through a {@link ConsentCache}. Throws as `verifyConsent` does.
 */
type Verifier = (
  domain: LedgerDomain,
  consent: unknown,
  signature: unknown,
) => { readonly consent: Consent; readonly key: ConsentKey }

const verifyUncached: Verifier = (domain, consent, signature) => {
  const verified = verifyConsent(domain, { consent: consent as Consent, signature: signature as Hex })
  return { consent: verified, key: consentKey(verified.grantor, verified.id) }
}

type Deps = {
  readonly verify: Verifier
  readonly key: (grantor: Address, id: Hex) => ConsentKey
  readonly isAddress: (value: unknown) => value is Address
}

function checkOptions(options: AuthorizeOptions): { now: () => number; verifier: Deps } {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new InvalidArgumentError('INVALID_TYPE', 'authorize options must be an object.')
  const now = options.now ?? Date.now
  if (typeof now !== 'function') throw new InvalidArgumentError('INVALID_TYPE', 'options.now must be a function.')
  const cache = options.cache
  if (cache === undefined) return { now, verifier: { verify: verifyUncached, key: consentKey, isAddress } }
  if (!_isConsentCache(cache))
    throw new InvalidArgumentError('INVALID_TYPE', 'options.cache must be a cache from createConsentCache.')
  return {
    now,
    verifier: {
      verify: (domain, consent, signature) => _verifyConsentCached(cache, domain, consent, signature),
      key: (grantor, id) => _consentKeyCached(cache, grantor, id),
      isAddress: (value): value is Address => _isAddressCached(cache, value),
    },
  }
}

function hostSeconds(now: () => number): number {
  const ms = now()
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)
    throw new InvalidArgumentError('OUT_OF_RANGE', 'The host clock (options.now) returned no valid time.')
  return Math.floor(ms / 1000)
}

type CheckedRequest = {
  consentId?: Hex
  grantor?: Address
  token?: ConsentToken | string
  grantee: Address
  action: ConsentAction
  purpose: string
  commitment: Hex
  resourceType: string
  labels: readonly string[]
  owner: Address
}

function bad(message: string): InvalidArgumentError {
  return new InvalidArgumentError('INVALID_ARGUMENT', message)
}

function checkRequest(request: AuthorizeRequest, isAddress: (value: unknown) => value is Address): CheckedRequest {
  if (typeof request !== 'object' || request === null) throw bad('request must be an object.')
  const { consentId, token, action, purpose, record } = request
  if ((consentId === undefined) === (token === undefined)) throw bad('Give exactly one of consentId and token.')
  if (consentId !== undefined && !isBytes32(consentId)) throw bad('consentId must be 32 bytes as 0x-hex.')
  const grantor = addressOf(request.grantor)
  if (consentId !== undefined && grantor === undefined)
    throw bad('grantor is required with consentId (consents are keyed by grantor and id).')
  if (grantor !== undefined && !isAddress(grantor)) throw bad('grantor must be an address or a party.')
  const grantee = addressOf(request.grantee)
  if (!isAddress(grantee)) throw bad('grantee must be an address or a party.')
  if (!(CONSENT_ACTIONS as readonly unknown[]).includes(action)) throw bad(`action must be one of ${CONSENT_ACTIONS}.`)
  if (typeof purpose !== 'string' || purpose.length === 0) throw bad('purpose must be a PurposeOfUse code.')
  return {
    ...(consentId === undefined ? {} : { consentId: consentId.toLowerCase() as Hex }),
    ...(grantor === undefined ? {} : { grantor }),
    ...(token === undefined ? {} : { token }),
    grantee,
    action,
    purpose,
    ...checkRecord(record, isAddress),
  }
}

function checkRecord(
  record: AuthorizeRequest['record'],
  isAddress: (value: unknown) => value is Address,
): Pick<CheckedRequest, 'commitment' | 'resourceType' | 'labels' | 'owner'> {
  if (typeof record !== 'object' || record === null) throw bad('record must be an object.')
  const commitment = isBytes(record.commitment)
    ? bytesToHex0x(assertBytes(record.commitment, { length: 32, name: 'record.commitment' }))
    : record.commitment
  if (!isBytes32(commitment)) throw bad('record.commitment must be 32 bytes.')
  if (typeof record.resourceType !== 'string') throw bad('record.resourceType must be a string.')
  const labels = record.labels ?? []
  if (!Array.isArray(labels) || labels.some((l) => typeof l !== 'string'))
    throw bad('record.labels must be an array of strings.')
  if (!isAddress(record.owner)) throw bad('record.owner must be the address of the record owner.')
  return { commitment: commitment.toLowerCase() as Hex, resourceType: record.resourceType, labels, owner: record.owner }
}

function addressOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? (value as { address?: unknown }).address : value
}

/**
 * The ledger's copy of the consent under `key`, re-verified (the ledger is not trusted to have checked it): its
 * signature, and that it is the consent the key names (`consentKey(grantor, id)` of the record itself).
 */
async function loadVerified(ledger: LedgerAdapter, key: ConsentKey, deps: Deps): Promise<ConsentRecord> {
  const record = await ledger.getConsent(key)
  if (!record) throw new Deny('CONSENT_NOT_FOUND')
  let verified: { readonly consent: Consent; readonly key: ConsentKey }
  try {
    verified = deps.verify(ledger.domain, record.consent, record.signature)
  } catch (err) {
    throw new Deny(isSdkError(err, 'CONSENT_MALFORMED') ? 'CONSENT_MALFORMED' : 'CONSENT_SIGNATURE_INVALID')
  }
  // A ledger answering with another consent than the one asked for is as good as not finding it.
  if (verified.key !== key.toLowerCase()) throw new Deny('CONSENT_NOT_FOUND')
  return { ...record, consent: verified.consent }
}

/**
 * The window check by both clocks (review #7): expired when the later clock is at or past `expiresAt`, not yet valid
 * when the earlier clock is before `notBefore`. A stalled ledger clock or a host clock set back cannot stretch it.
 */
function inWindow(c: Consent, clocks: Clocks): 'ok' | 'CONSENT_NOT_YET_VALID' | 'CONSENT_EXPIRED' {
  if (clocks.latest >= c.expiresAt) return 'CONSENT_EXPIRED'
  if (clocks.earliest < c.notBefore) return 'CONSENT_NOT_YET_VALID'
  return 'ok'
}

function covers(c: Consent, req: CheckedRequest): boolean {
  return c.resourceTypes.includes(req.resourceType) || c.commitments.some((x) => x.toLowerCase() === req.commitment)
}

function excludes(c: Consent, req: CheckedRequest): boolean {
  return req.labels.some((l) => c.exclude.includes(l))
}

const subset = (a: readonly string[], b: readonly string[]) => a.every((x) => b.includes(x))

async function decide(req: CheckedRequest, ledger: LedgerAdapter, clocks: Clocks, deps: Deps): Promise<Consent[]> {
  // 1. Resolve the consent: a presented token must be for this ledger and be exactly what the ledger registered.
  let record: ConsentRecord
  if (req.token !== undefined) {
    let token: ConsentToken
    try {
      token = typeof req.token === 'string' ? decodeConsentToken(req.token) : assertConsentToken(req.token)
    } catch {
      throw new Deny('CONSENT_MALFORMED')
    }
    if (!sameDomain(token.domain, ledger.domain)) throw new Deny('CONSENT_WRONG_DOMAIN', token.consent)
    try {
      deps.verify(ledger.domain, token.consent, token.signature)
    } catch (err) {
      throw new Deny(isSdkError(err, 'CONSENT_MALFORMED') ? 'CONSENT_MALFORMED' : 'CONSENT_SIGNATURE_INVALID')
    }
    if (req.grantor !== undefined && !sameAddress(req.grantor, token.consent.grantor))
      throw new Deny('CONSENT_NOT_FOUND', token.consent)
    record = await loadVerified(ledger, deps.key(token.consent.grantor, token.consent.id), deps)
    // Both signatures verified for the same grantor: what must match is the consent itself (a second valid signature
    // over the same consent, e.g. from another wallet's nonce choice, is the same grant).
    if (JSON.stringify(record.consent) !== JSON.stringify(token.consent))
      throw new Deny('CONSENT_REPLAYED', token.consent)
  } else {
    record = await loadVerified(ledger, deps.key(req.grantor as Address, req.consentId as Hex), deps)
  }
  const consent = record.consent

  // 2. Time (ledger time and host clock) and revocation: never optional.
  const window = inWindow(consent, clocks)
  if (window !== 'ok') throw new Deny(window, consent)
  if (record.revocation) throw new Deny('CONSENT_REVOKED', consent)

  // 3. The request against the grant.
  if (!sameAddress(consent.grantee, req.grantee)) throw new Deny('CONSENT_GRANTEE', consent)
  if (!consent.actions.includes(req.action)) throw new Deny('CONSENT_ACTION', consent)
  if (!consent.purposes.includes(req.purpose)) throw new Deny('CONSENT_PURPOSE', consent)
  if (!covers(consent, req)) throw new Deny('CONSENT_SCOPE', consent)
  if (excludes(consent, req)) throw new Deny('CONSENT_EXCLUDED', consent)

  // 4. The delegation chain, up to the patient's own grant. `parent` is the parent's ConsentKey, and loadVerified
  //    checks that the record found is the consent that key names.
  const chain: Consent[] = [consent]
  let child = consent
  while (child.parent !== ZERO_BYTES32) {
    if (chain.length > MAX_CHAIN) throw new Deny('DELEGATION_INVALID', consent)
    let parentRecord: ConsentRecord
    try {
      parentRecord = await loadVerified(ledger, child.parent, deps)
    } catch (err) {
      if (err instanceof Deny) throw new Deny('DELEGATION_INVALID', consent)
      throw err
    }
    const parent = parentRecord.consent
    const ok =
      !parentRecord.revocation &&
      inWindow(parent, clocks) === 'ok' &&
      sameAddress(child.grantor, parent.grantee) &&
      parent.actions.includes('delegate') &&
      child.delegationDepth < parent.delegationDepth &&
      subset(child.actions, parent.actions) &&
      subset(child.purposes, parent.purposes) &&
      subset(child.resourceTypes, parent.resourceTypes) &&
      (parent.resourceTypes.length > 0 || subset(child.commitments, parent.commitments)) &&
      subset(parent.exclude, child.exclude) &&
      child.notBefore >= parent.notBefore &&
      child.expiresAt <= parent.expiresAt &&
      covers(parent, req) &&
      !excludes(parent, req) &&
      !chain.some((c) => c.id === parent.id && sameAddress(c.grantor, parent.grantor))
    if (!ok) throw new Deny('DELEGATION_INVALID', consent)
    chain.push(parent)
    child = parent
  }

  // 5. The chain must start at the record's owner: nobody else's grant opens the owner's record.
  if (!sameAddress(child.grantor, req.owner)) throw new Deny('CONSENT_SCOPE', consent)
  return chain.reverse()
}
