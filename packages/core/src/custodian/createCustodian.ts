/**
 * The custodian: a service (run by the EHR vendor, in Node or in a browser worker) that holds a wrap of every
 * deposited record's data key and releases a wrap to a grantee only after `authorize` said yes AND the access was
 * appended to the access log. No access without a log entry (docs/spec/consent.md §9).
 * @module
 */

import type { AccessLogWriter } from '../breakGlass/_accessLog.js'
import type { BreakGlass, EmergencyGrant } from '../breakGlass/createBreakGlass.js'
import { bytesToHex0x, equalBytes, hexToBytes, isBytes, wipe } from '../bytes/index.js'
import { isAddress, isBytes32, sameAddress, ZERO_BYTES32 } from '../consent/_validate.js'
import { _createAuthorizer, type AuthorizeReturnType } from '../consent/authorize.js'
import { _consentKeyCached, _isConsentCache, type ConsentCache, createConsentCache } from '../consent/consentCache.js'
import type { ConsentAction } from '../consent/types.js'
import { encodeHeader, envelopeSuite, freezeEnvelope, isEnvelopeHpke } from '../envelope/_internal.js'
import { type EnvelopeOpener, holdOpener, toEnvelope, unwrap } from '../envelope/_open.js'
import type { VaultKey } from '../envelope/createVaultKey.js'
import { getRecipientKeyId } from '../envelope/getRecipientKeyId.js'
import { decodeEnvelope, encodeEnvelope, removeRecipient, unwrapDataKey } from '../envelope/index.js'
import { openWithDataKey } from '../envelope/openWithDataKey.js'
import type { Envelope } from '../envelope/types.js'
import { _wrapCheckedDataKey } from '../envelope/wrapDataKey.js'
import {
  type BaseError,
  ConsentError,
  EnvelopeError,
  InvalidArgumentError,
  isSdkError,
  LedgerError,
  StoreError,
} from '../errors/base.js'
import type { ErrorCode } from '../errors/codes.js'
import type { HpkeSuite } from '../hpke/createHpkeSuite.js'
import { createBoundedMemo } from '../identity/_boundedMemo.js'
import { _isSecp256k1Recovery, type Secp256k1Recovery } from '../identity/secp256k1Recovery.js'
import type { Party, PublicIdentity } from '../identity/types.js'
import { consentKey } from '../ledger/consentKey.js'
import type { ConsentKey, LedgerAdapter } from '../ledger/types.js'
import type { Address, Hex } from '../types.js'
import { createCheckedEnvelopes } from './_checkedEnvelopes.js'
import {
  type CustodianEntry,
  type CustodianRelease,
  type CustodianStore,
  createMemoryCustodianStore,
  type RememberRequestResult,
} from './custodianStore.js'
import {
  _verifyDepositStatement,
  computeDepositProof,
  type Deposit,
  type DepositStatement,
  hashDepositStatement,
  proofMatches,
  statementInvalid,
} from './depositStatement.js'
import { _verifyKeyRequest, type SignedKeyRequest } from './keyRequest.js'

/** Parameters of {@link createCustodian}. */
export type CreateCustodianParameters = {
  /** The custodian's own party: a recipient of every envelope it holds. */
  readonly party: Party
  /** The ledger consents are registered on. */
  readonly ledger: LedgerAdapter
  /** The access log every decision is appended to before any key leaves. */
  readonly log: AccessLogWriter
  /** Storage (default: in memory). */
  readonly store?: CustodianStore
  /** Break-glass service whose emergency grants the custodian honours (optional). */
  readonly breakGlass?: BreakGlass
  /** How far a key request's `issuedAt` may lie behind ledger time, seconds (default 300). */
  readonly maxSkewSeconds?: number
  /** How far a key request's `issuedAt` may lie ahead of ledger time, seconds (default 30). */
  readonly maxFutureSkewSeconds?: number
  /**
   * The host clock in Unix milliseconds (default `Date.now`), passed to `authorize`: a consent is outside its window
   * when either the ledger's time or this clock says so.
   */
  readonly now?: () => number
  /**
   * Vault keys shared with this custodian (`receiveVaultKey`), looked up by key id: records whose custodian wrap is
   * a vault wrap under one of them are unwrapped with it (records sealed to the custodian's own derived vault key,
   * `createVaultKey({ party })`, need no lookup). Releases still wrap to the grantee with HPKE.
   */
  readonly vaultKeys?: (keyId: Uint8Array) => VaultKey | undefined
  /**
   * The verified-signature cache this custodian's decisions share (default: a new one for this custodian, of
   * `CONSENT_CACHE_DEFAULT_MAX_ENTRIES`). Give one of another size with {@link createConsentCache}. It changes no
   * decision: revocations, tombstones, both clocks and delegation chains are read and checked on every request.
   */
  readonly consentCache?: ConsentCache
  /**
   * The secp256k1 recovery the custodian checks key requests and deposit statements with (default `@noble/curves`,
   * pure JavaScript). Most of a release's CPU is that one recovery: a server gives libsecp256k1 with
   * `createNativeSecp256k1Recovery()` from `@medseal/core/node`. The SDK checks every signature's form (low-s, `v`,
   * ranges) before the implementation runs, so the choice changes no decision.
   */
  readonly secp256k1?: Secp256k1Recovery | undefined
  /**
   * The implementation of the envelope's HPKE suite the custodian unwraps its own wraps and wraps keys to requesters
   * with (default the SDK's: WebCrypto X25519 and `@noble` HKDF / AES-GCM for key wraps). A server gives the native
   * one, `createNativeHpke()` from `@medseal/core/node`: same bytes, computed by OpenSSL on the calling thread.
   */
  readonly hpke?: HpkeSuite | undefined
}

/** Parameters of {@link Custodian.purgeConsent}: the grant is named by its grantor and id. */
export type PurgeConsentParameters = {
  readonly grantor: Address | Pick<PublicIdentity, 'address'>
  readonly consentId: Hex
}

/** What a successful key release returns. */
export type ReleaseKeyReturnType = {
  /** The envelope with the requester added as a recipient: `open(envelope, requester)` reads it. */
  readonly envelope: Envelope
  /** The decision that allowed it. */
  readonly decision: AuthorizeReturnType
}

/** The custodian service. */
export type Custodian = {
  /** The custodian's public identity (seal records to it; deposit statements name its address). */
  readonly identity: PublicIdentity
  /**
   * Indexes a sealed record for the owner who signed the deposit statement, after opening it and checking the
   * statement (commitment, content id, this custodian) and the depositor's proof. An entry's owner never changes
   * (`RECORD_OWNER_CONFLICT`); the same owner's re-deposit returns the existing entry; a record whose owner recorded a
   * tombstone on the ledger is refused (`RECORD_SHREDDED`).
   */
  deposit(deposit: Deposit): Promise<CustodianEntry>
  /** Decides, logs, and only then releases a wrap of the record's data key to the requester (read actions only). */
  releaseKey(request: SignedKeyRequest): Promise<ReleaseKeyReturnType>
  /**
   * Replaces a record by a new version that MUST have a fresh data key; the old one stops being released. The deposit
   * statement names the replaced version in `previous` and is signed by the owner of both.
   */
  updateRecord(deposit: Deposit): Promise<CustodianEntry>
  /**
   * After the grantor revoked a consent on the ledger: deletes every wrap released under it (and the grantee's wraps
   * inside stored envelopes). Refuses while the ledger does not show the revocation.
   */
  purgeConsent(params: PurgeConsentParameters): Promise<{ readonly releases: number }>
  /**
   * Destroys the record's key material held here (erasure); further requests get `RECORD_SHREDDED`. Refuses
   * (`ACCESS_DENIED`) while the ledger holds no tombstone signed by the record's owner: `shredRecord` records it first.
   */
  shred(commitment: Hex | Uint8Array): Promise<void>
  /** The index entry of a record. */
  getEntry(commitment: Hex | Uint8Array): Promise<CustodianEntry | undefined>
}

/** Errors of the custodian. */
export type CustodianErrorType = ConsentError | EnvelopeError | InvalidArgumentError | LedgerError | StoreError

/**
 * The actions a key is released for: reading. A write or a delegation never needs a record's data key, so a key
 * request for them is refused with `ACTION_NOT_RELEASABLE` (security review, issue 12, finding 3).
 * @example
 * ```ts
 * import { RELEASABLE_ACTIONS } from '@medseal/core'
 * RELEASABLE_ACTIONS.includes('write') // false
 * ```
 */
export const RELEASABLE_ACTIONS: readonly ConsentAction[] = Object.freeze(['read', 'search', 'vread'])

const toHex32 = (v: Hex | Uint8Array, name: string): Hex => {
  const h = v instanceof Uint8Array ? bytesToHex0x(v) : v
  if (!isBytes32(h)) throw new InvalidArgumentError('INVALID_ARGUMENT', `${name} must be 32 bytes.`)
  return h.toLowerCase() as Hex
}

/** Most requesters' recipient key ids one custodian remembers. */
const REQUESTER_KEY_IDS = 1024

const shredded = () => new EnvelopeError('RECORD_SHREDDED', 'This record was erased.')

/** Reads the index fields from a sealed FHIR resource. */
function indexFields(value: unknown): { resourceType: string; labels: string[] } {
  const v = value as { resourceType?: unknown; meta?: { security?: unknown } } | null
  if (typeof v !== 'object' || v === null || typeof v.resourceType !== 'string')
    throw new InvalidArgumentError('INVALID_ARGUMENT', 'The sealed record is not a FHIR resource.')
  const security = Array.isArray(v.meta?.security) ? (v.meta?.security as unknown[]) : []
  const labels = security
    .map((c) => (typeof c === 'object' && c !== null ? (c as { code?: unknown }).code : undefined))
    .filter((c): c is string => typeof c === 'string')
  return { resourceType: v.resourceType, labels: [...new Set(labels)] }
}

const seconds = (v: unknown, name: string, fallback: number): number => {
  if (v === undefined) return fallback
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw new InvalidArgumentError('INVALID_ARGUMENT', `${name} must be a non-negative whole number of seconds.`)
  return v
}

/**
 * Creates a custodian. Runs wherever WebCrypto does (Node, browsers, workers): no Node built-ins.
 *
 * @param params - `party`, `ledger`, `log`, optional `store`, `breakGlass`, skews and host clock
 * @returns the frozen {@link Custodian}
 * @throws {@link InvalidArgumentError} for bad parameters
 * @example
 * ```ts
 * import { createCustodian, createDeposit, createKeyRequest, open } from '@medseal/core'
 * const custodian = createCustodian({ party: vendor, ledger, log })
 * await custodian.deposit(await createDeposit({ owner: patient, envelope, custodian: custodian.identity, domain: ledger.domain }))
 * const { envelope: forDoctor } = await custodian.releaseKey(
 *   createKeyRequest(doctor, ledger.domain, { consentId: token.consent.id, grantor: patient, commitment,
 *     action: 'read', purpose: 'TREAT', issuedAt: await ledger.getTime(), custodian: custodian.identity }),
 * )
 * const { value } = await open(forDoctor, doctor)
 * ```
 */
export function createCustodian(params: CreateCustodianParameters): Custodian {
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'createCustodian parameters must be an object.')
  const { party, ledger, log } = params
  if (typeof party?.signDigest !== 'function') throw new InvalidArgumentError('INVALID_TYPE', 'party must be a Party.')
  if (typeof ledger?.getTime !== 'function') throw new InvalidArgumentError('INVALID_TYPE', 'ledger is required.')
  if (typeof log?.append !== 'function') throw new InvalidArgumentError('INVALID_TYPE', 'log must have append().')
  if (params.now !== undefined && typeof params.now !== 'function')
    throw new InvalidArgumentError('INVALID_TYPE', 'now must be a function.')
  const vaultKeys = params.vaultKeys
  if (vaultKeys !== undefined && typeof vaultKeys !== 'function')
    throw new InvalidArgumentError('INVALID_TYPE', 'vaultKeys must be a function (keyId) => VaultKey | undefined.')
  const hpke = params.hpke
  if (hpke !== undefined && !isEnvelopeHpke(hpke))
    throw new InvalidArgumentError(
      'INVALID_ARGUMENT',
      'hpke must implement the envelope’s HPKE suite (X25519, HKDF-SHA256, AES-256-GCM): createNativeHpke().',
    )
  const wrapSuite = hpke ?? envelopeSuite
  // requesters' recipient key ids (a hash of their public X25519 key: public bytes), by the request's hex key
  const requesterKeyIds = createBoundedMemo((hex: string) => getRecipientKeyId(hexToBytes(hex)), REQUESTER_KEY_IDS)
  /** The data key of a record this custodian holds: its HPKE or own vault wrap, else a shared vault key's wrap. */
  // the custodian's X25519 key, imported into the platform once (on first use) rather than once per release
  let opener: EnvelopeOpener | undefined
  const unwrapHeld = async (envelope: Envelope): Promise<Uint8Array> => {
    try {
      opener ??= holdOpener(party, hpke)
      // the opener is this custodian's own held key: only the envelope is checked
      return await unwrap(toEnvelope(envelope), opener)
    } catch (err) {
      if (!vaultKeys || !isSdkError(err, 'NOT_A_RECIPIENT')) throw err
      const env = isBytes(envelope) ? decodeEnvelope(envelope) : envelope
      for (const r of env.recipients) {
        const vault = r.type === 'vault' ? vaultKeys(r.keyId) : undefined
        if (vault) return unwrapDataKey(env, vault)
      }
      throw err
    }
  }
  if (params.secp256k1 !== undefined && !_isSecp256k1Recovery(params.secp256k1))
    throw new InvalidArgumentError(
      'INVALID_TYPE',
      'secp256k1 must be a Secp256k1Recovery ({ name, recoverPublicKey }).',
    )
  const recovery = params.secp256k1 ? { secp256k1: params.secp256k1 } : undefined
  const store = params.store ?? createMemoryCustodianStore()
  // Stored envelopes that passed the full check in this process (digests only, bounded): see _checkedEnvelopes.ts.
  const checked = createCheckedEnvelopes()
  if (typeof store.rememberRequest !== 'function')
    throw new InvalidArgumentError('INVALID_TYPE', 'store must implement CustodianStore (with rememberRequest).')
  // A store that reads the entry and checks the replay in one call (one round trip on a database) is asked that way.
  const folded = typeof store.getEntryAndRememberRequest === 'function' && typeof store.forgetRequest === 'function'
  const breakGlass = params.breakGlass
  const maxPast = seconds(params.maxSkewSeconds, 'maxSkewSeconds', 300)
  const maxFuture = seconds(params.maxFutureSkewSeconds, 'maxFutureSkewSeconds', 30)
  const consentCache = params.consentCache ?? createConsentCache()
  if (!_isConsentCache(consentCache))
    throw new InvalidArgumentError('INVALID_TYPE', 'consentCache must be a cache from createConsentCache.')
  const authorizeOptions = params.now ? { now: params.now, cache: consentCache } : { cache: consentCache }
  /** `authorize` with these options, made on first use (a bad `now` is refused by the first release, as before). */
  let authorizer: ReturnType<typeof _createAuthorizer> | undefined
  const authorizeChecked = () => {
    authorizer ??= _createAuthorizer(authorizeOptions)
    return authorizer
  }
  // Ledger time as this custodian has seen it: never goes backwards, even if an adapter's does.
  let lastTime = 0
  const ledgerTime = async () => {
    const t = await ledger.getTime()
    if (!Number.isSafeInteger(t) || t < 0)
      throw new LedgerError('LEDGER_MISMATCH', 'The ledger returned no valid time.')
    lastTime = Math.max(lastTime, t)
    return lastTime
  }
  // The ledger time this custodian started at. A store may lose its memory of seen requests on a restart (an
  // in-memory one always does), so a request issued before the start is refused: whatever was used before cannot be
  // replayed after. Read at once; if the ledger cannot be reached now, the first request reads it (still no earlier
  // than the start).
  let startedAt: Promise<number> | undefined = ledgerTime()
  /** The start once known (no await per release); it never changes after. */
  let startedAtValue: number | undefined
  const remember = (p: Promise<number>) =>
    p.then(
      (t) => {
        startedAtValue ??= t
      },
      () => {
        if (startedAt === p) startedAt = undefined
      },
    )
  remember(startedAt)

  /** Refuses a commitment whose owner recorded a tombstone on the ledger (whatever the store says). */
  const refuseIfErased = async (commitment: Hex, owner: Address) => {
    if (await ledger.getTombstone(commitment, owner)) throw shredded()
  }

  /** Checks a deposit (statement, this custodian, the opened record, the proof); returns the entry and the data key. */
  const index = async (
    d: Deposit,
  ): Promise<{ entry: CustodianEntry; statement: DepositStatement; key: Uint8Array }> => {
    if (typeof d !== 'object' || d === null)
      throw new InvalidArgumentError('INVALID_TYPE', 'deposit must be an object.')
    // takes a check an earlier caller (the service's rate limiter) made of this frozen statement
    const statement = _verifyDepositStatement(ledger.domain, d.statement, recovery, false)
    if (!sameAddress(statement.custodian, party.address))
      throw statementInvalid('The deposit statement names another custodian.')
    // Whatever the store says (it may be empty, or restored from a backup): the owner erased it, it stays erased.
    await refuseIfErased(statement.commitment, statement.owner)
    const key = await unwrapHeld(d.envelope)
    try {
      const opened = await openWithDataKey(d.envelope, key)
      try {
        if (bytesToHex0x(opened.commitment) !== statement.commitment)
          throw statementInvalid('The statement’s commitment does not match the sealed record.')
        if (opened.contentId.toString() !== statement.contentId)
          throw statementInvalid('The statement’s content id does not match the sealed record.')
        // Checked after opening: only someone who could open the envelope has the data key the proof is made with.
        if (!proofMatches(d.proof, computeDepositProof(key, hashDepositStatement(ledger.domain, statement))))
          throw new ConsentError('DEPOSIT_PROOF_INVALID', 'The deposit proof does not verify.')
        const { resourceType, labels } = indexFields(opened.value)
        const entry: CustodianEntry = Object.freeze({
          commitment: statement.commitment,
          owner: statement.owner,
          resourceType,
          labels: Object.freeze(labels),
          // the store owns its copy (erasure wipes it; the caller's object is never touched)
          envelope: decodeEnvelope(encodeEnvelope(d.envelope)),
        })
        return { entry, statement, key }
      } finally {
        wipe(opened.salt, opened.canonical)
      }
    } catch (err) {
      wipe(key)
      throw err
    }
  }

  /** Stores a new entry unless one exists; an existing entry keeps its owner. */
  const insert = async (entry: CustodianEntry): Promise<CustodianEntry> => {
    const existing = await store.insertEntry(entry)
    if (!existing) return entry
    if (!sameAddress(existing.owner, entry.owner))
      throw new ConsentError('RECORD_OWNER_CONFLICT', 'The custodian holds this record for another owner.')
    if (existing.shredded) throw shredded()
    return existing
  }

  const appendOrFail = async (
    event: Parameters<AccessLogWriter['append']>[0],
    publish = false,
    release?: CustodianRelease,
  ) => {
    try {
      const options = publish ? { publish: true } : undefined
      if (release === undefined) await log.append(event, options)
      else if (typeof log.appendWith === 'function')
        // The release and its log entry in one store transaction (kill -9 safe): see CustodianStore.commitRelease.
        await log.appendWith(event, (unit) => store.commitRelease({ release, log: unit }), options)
      else {
        await log.append(event, options)
        await store.addRelease(release)
      }
    } catch (cause) {
      if (isSdkError(cause, 'LOG_APPEND_FAILED')) throw cause
      throw new LedgerError('LOG_APPEND_FAILED', 'The access could not be logged, so no key was released.', { cause })
    }
  }

  /** Deletes every release under a grant, and the grantee's wraps inside stored envelopes. */
  const purge = async (key: ConsentKey): Promise<number> => {
    const releases = await store.listReleases(key)
    for (const r of releases) {
      const entry = await store.getEntry(r.commitment)
      if (!entry?.envelope) continue
      try {
        const stripped = removeRecipient(entry.envelope, { encryptionPublicKey: hexToBytes(r.encryptionKey) })
        await store.putEntry(Object.freeze({ ...entry, envelope: stripped }))
      } catch (err) {
        if (!isSdkError(err, 'NOT_A_RECIPIENT')) throw err
      }
    }
    return store.deleteReleases(key)
  }

  const custodian: Custodian = {
    identity: party.toPublic(),

    async deposit(d) {
      const { entry, statement, key } = await index(d)
      wipe(key)
      if (statement.previous !== ZERO_BYTES32)
        throw statementInvalid('This statement is for a new version: use updateRecord.')
      return insert(entry)
    },

    async releaseKey(signed) {
      // (what an earlier check of this frozen request remembered is used; nothing is remembered here)
      const { request, requester, encryptionKey, digest } = _verifyKeyRequest(ledger.domain, signed, recovery, false)
      // A request addressed to another custodian was never meant for this one: refused before anything is logged, so
      // replaying it here neither releases a key nor writes an access in the requester's name.
      if (!sameAddress(request.custodian, party.address))
        throw new ConsentError('ACCESS_DENIED', 'The key request is addressed to another custodian.')
      const at = await ledgerTime()
      const base = {
        actor: requester,
        action: request.action,
        commitment: request.commitment,
        at,
        purpose: request.purpose,
        consentId: request.consentId,
      }
      // set when the folded store call remembered this request's digest: refusals before the replay check forget it
      let remembered = false
      const refuse = async (code: ErrorCode, error: BaseError): Promise<never> => {
        await appendOrFail({ ...base, outcome: 'deny', reason: code })
        throw error
      }
      const refuseUnchecked = async (code: ErrorCode, error: BaseError): Promise<never> => {
        if (remembered) await store.forgetRequest?.({ digest })
        return refuse(code, error)
      }
      if (at - request.issuedAt > maxPast)
        return refuse('ACCESS_DENIED', new ConsentError('ACCESS_DENIED', 'The key request is stale.'))
      if (startedAt === undefined) {
        startedAt = ledgerTime()
        remember(startedAt)
      }
      if (request.issuedAt < (startedAtValue ?? (await startedAt)))
        return refuse(
          'ACCESS_DENIED',
          new ConsentError('ACCESS_DENIED', 'The key request predates this custodian’s start: sign a new one.'),
        )
      if (request.issuedAt - at > maxFuture)
        return refuse('ACCESS_DENIED', new ConsentError('ACCESS_DENIED', 'The key request is dated in the future.'))
      if (!RELEASABLE_ACTIONS.includes(request.action))
        return refuse(
          'ACTION_NOT_RELEASABLE',
          new ConsentError('ACTION_NOT_RELEASABLE', 'Data keys are released for read, search and vread only.'),
        )
      // A permitted request is used once: its digest is remembered (atomically, in the store) until it leaves the
      // window (ledger time never goes backwards here, so a forgotten request is stale for good). A folding store
      // reads the entry and remembers the digest in one call; a request refused before the replay check below then
      // has its digest forgotten, so only authorized requests keep room (strangers cannot fill the memory).
      // Remembered `maxFuture` longer than the window: processes sharing one store read the ledger's time each through
      // their own connection, and a store forgets a digest by the time of whichever process prunes. A process whose
      // view lags the pruning one's by up to `maxFuture` (the disagreement already accepted from requesters) still
      // finds the digest while the request is in its window (review 8). For a larger lag the store's prune horizon
      // answers: a digest it does not hold whose `until` is below the time it forgot digests at is 'stale' (it may be
      // a forgotten one), refused below as the stale check above refuses it.
      const until = request.issuedAt + maxPast + maxFuture
      let early: RememberRequestResult | undefined
      let entry: CustodianEntry | undefined
      if (folded) {
        const both = await (
          store.getEntryAndRememberRequest as NonNullable<CustodianStore['getEntryAndRememberRequest']>
        )({ commitment: request.commitment, digest, until, now: at })
        entry = both.entry
        early = both.seen
        remembered = early === 'fresh'
      } else entry = await store.getEntry(request.commitment)
      if (!entry)
        return refuseUnchecked(
          'ACCESS_DENIED',
          new ConsentError('ACCESS_DENIED', 'The custodian holds no such record.'),
        )
      // Only the owner's tombstone erases a record (a stranger's is never returned for the owner).
      if (entry.shredded || (await ledger.getTombstone(entry.commitment, entry.owner)))
        return refuseUnchecked('RECORD_SHREDDED', shredded())
      if (!entry.envelope)
        return refuseUnchecked(
          'ACCESS_DENIED',
          new ConsentError('ACCESS_DENIED', 'The custodian holds no such record.'),
        )
      if (entry.supersededBy)
        return refuseUnchecked('ACCESS_DENIED', new ConsentError('ACCESS_DENIED', 'This version was superseded.'))
      const record = {
        commitment: entry.commitment,
        resourceType: entry.resourceType,
        labels: entry.labels,
        owner: entry.owner,
      }
      // Emergency grant ids are derived by the break-glass service (never chosen by a requester) and must name the
      // patient as the grantor: a grant id cannot stand in for a consent.
      const grant: EmergencyGrant | undefined = breakGlass ? await breakGlass.getGrant(request.consentId) : undefined
      const emergency = grant && sameAddress(grant.patient, request.grantor) ? grant : undefined
      const decision = emergency
        ? await (breakGlass as BreakGlass).authorizeEmergency({
            grantId: request.consentId,
            grantee: requester,
            action: request.action,
            purpose: request.purpose,
            record,
          })
        : // the request's fields were checked by verifyKeyRequest; the record (from the store) is checked there; the
          // decision is made at this request's ledger time (the one logged), not at a second read of it
          await authorizeChecked()(
            ledger,
            {
              consentId: request.consentId,
              grantor: request.grantor,
              grantee: requester,
              action: request.action,
              purpose: request.purpose,
            },
            record,
            at,
          )
      const key = _consentKeyCached(consentCache, request.grantor, request.consentId)
      // A revoked consent found on the way: drop what was released under it (as purgeConsent does).
      if (!decision.allowed && decision.reason === 'CONSENT_REVOKED') await purge(key)
      if (!decision.allowed)
        return refuseUnchecked(
          decision.reason as ErrorCode,
          new ConsentError(decision.reason as ErrorCode, `Key release refused: ${decision.reason}.`),
        )
      const seen = early ?? (await store.rememberRequest({ digest, until, now: at }))
      if (seen === 'replayed')
        return refuse('REQUEST_REPLAYED', new ConsentError('REQUEST_REPLAYED', 'This key request was already used.'))
      // stale by the time the store forgot digests at (another process's ledger view, ahead of this one's)
      if (seen === 'stale')
        return refuse('ACCESS_DENIED', new ConsentError('ACCESS_DENIED', 'The key request is stale.'))
      if (seen !== 'fresh')
        return refuse('ACCESS_DENIED', new ConsentError('ACCESS_DENIED', 'Too many key requests: retry later.'))
      // The stored envelope is opened before anything is logged: a database must not be trusted with it (a tampered
      // wrap or ciphertext is reported, never served).
      let dataKey: Uint8Array
      try {
        dataKey = await unwrapHeld(entry.envelope)
      } catch (cause) {
        return refuse('STORE_CORRUPT', new StoreError('STORE_CORRUPT', 'The stored envelope fails to open.', { cause }))
      }
      try {
        // The wrap was just checked against the key commitment (unwrapHeld). The payload is decrypted and its
        // commitment recomputed unless these exact stored bytes (commitment, header, ciphertext) already passed that
        // check in this process: any change to them is checked in full again.
        const seenKey = await checked.digest(entry.commitment, entry.envelope)
        if (!checked.has(seenKey)) {
          try {
            const opened = await openWithDataKey(entry.envelope, dataKey)
            wipe(opened.salt, opened.canonical)
            if (bytesToHex0x(opened.commitment) !== entry.commitment.toLowerCase()) throw new Error('commitment')
          } catch (cause) {
            return await refuse(
              'STORE_CORRUPT',
              new StoreError('STORE_CORRUPT', 'The stored envelope fails to open.', { cause }),
            )
          }
          checked.add(seenKey)
        }
        // No access without a log entry: the entry and the release are committed together before the key leaves;
        // if that fails, nothing below runs. Emergency reads are anchored at once.
        await appendOrFail(
          { ...base, outcome: 'permit', ...(emergency ? { policyId: emergency.policyId, reason: 'break-glass' } : {}) },
          emergency !== undefined,
          {
            consentKey: key,
            consentId: request.consentId,
            grantor: request.grantor,
            commitment: entry.commitment,
            grantee: requester,
            encryptionKey: request.encryptionKey,
            at,
          },
        )
        // The data key was checked against this envelope's key commitment by unwrapHeld: wrapped without a second check.
        const stored = entry.envelope
        const wrap = await _wrapCheckedDataKey(
          wrapSuite,
          encodeHeader(stored),
          dataKey,
          encryptionKey,
          requesterKeyIds.get(request.encryptionKey).slice(),
        )
        // Only the requester's wrap: who else can read the record is none of the requester's business. The caller
        // owns its copy of every byte (the stored envelope may be wiped by a shred).
        const envelope = freezeEnvelope({
          version: stored.version,
          suite: stored.suite,
          id: stored.id.slice(),
          nonce: stored.nonce.slice(),
          keyCommitment: stored.keyCommitment.slice(),
          recipients: [wrap],
          ciphertext: stored.ciphertext.slice(),
        })
        return Object.freeze({ envelope, decision })
      } finally {
        wipe(dataKey)
      }
    },

    async updateRecord(d) {
      const { entry, statement, key } = await index(d)
      try {
        if (statement.previous === ZERO_BYTES32)
          throw statementInvalid('The statement does not name the version it replaces (previous).')
        const old = await store.getEntry(statement.previous)
        if (!old) throw new InvalidArgumentError('INVALID_ARGUMENT', 'The custodian holds no such record.')
        if (!sameAddress(old.owner, statement.owner))
          throw new ConsentError('RECORD_OWNER_CONFLICT', 'A new version must have the same owner.')
        if (old.shredded || !old.envelope) throw shredded()
        await refuseIfErased(old.commitment, old.owner)
        // One live version per chain: a replaced version is not replaced again (a fork would keep two live versions,
        // the second fresh only against the first's key); the same update again is a repeat.
        if (old.supersededBy !== undefined) {
          const current = old.supersededBy === entry.commitment ? await store.getEntry(entry.commitment) : undefined
          if (current && sameAddress(current.owner, entry.owner)) return current
          throw new InvalidArgumentError('INVALID_ARGUMENT', 'This version was already replaced: update the latest.')
        }
        const oldKey = await unwrapHeld(old.envelope)
        try {
          if (equalBytes(oldKey, key))
            throw new InvalidArgumentError(
              'INVALID_ARGUMENT',
              'A new version must be sealed under a fresh data key (reusing it would let revoked grantees read it).',
            )
        } finally {
          wipe(oldKey)
        }
        const stored = await insert(entry)
        // a loop (an already replaced version named as the new one) would leave no live version
        if (stored.supersededBy !== undefined)
          throw new InvalidArgumentError('INVALID_ARGUMENT', 'The new version was itself replaced: it cannot be live.')
        await store.putEntry(Object.freeze({ ...old, supersededBy: stored.commitment }))
        return stored
      } finally {
        wipe(key)
      }
    },

    async purgeConsent(p) {
      if (typeof p !== 'object' || p === null)
        throw new InvalidArgumentError('INVALID_TYPE', 'purgeConsent parameters must be { grantor, consentId }.')
      const grantor = typeof p.grantor === 'object' && p.grantor !== null ? p.grantor.address : p.grantor
      if (!isAddress(grantor)) throw new InvalidArgumentError('INVALID_ARGUMENT', 'grantor must be an address.')
      const key = consentKey(grantor, toHex32(p.consentId, 'consentId'))
      if (!(await ledger.getRevocation(key)))
        throw new ConsentError('ACCESS_DENIED', 'The ledger does not show this grant as revoked.')
      return Object.freeze({ releases: await purge(key) })
    },

    async shred(commitment) {
      const c = toHex32(commitment, 'commitment')
      const entry = await store.getEntry(c)
      if (!entry) return
      if (!(await ledger.getTombstone(c, entry.owner)))
        throw new ConsentError(
          'ACCESS_DENIED',
          'The ledger holds no tombstone signed by the record’s owner: record it first (shredRecord does).',
        )
      // Overwrite the key material this store owns: every wrap of the data key, and the ciphertext (which holds the
      // salt). Best effort: JavaScript cannot promise that no other copy of a buffer exists.
      if (entry.envelope) {
        for (const r of entry.envelope.recipients) wipe(r.wrappedKey, r.enc)
        wipe(entry.envelope.ciphertext, entry.envelope.keyCommitment)
      }
      await store.putEntry(
        Object.freeze({
          commitment: entry.commitment,
          owner: entry.owner,
          resourceType: entry.resourceType,
          labels: entry.labels,
          shredded: true as const,
        }),
      )
    },

    async getEntry(commitment) {
      return store.getEntry(toHex32(commitment, 'commitment'))
    },
  }
  return Object.freeze(custodian)
}
