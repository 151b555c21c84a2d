/**
 * The custodian: a service (run by the EHR vendor, in Node or in a browser worker) that holds a wrap of every
 * deposited record's data key and releases a wrap to a grantee only after `authorize` said yes AND the access was
 * appended to the access log. No access without a log entry (docs/spec/consent.md §9).
 * @module
 */

import type { AccessLogWriter } from '../breakGlass/_accessLog.js'
import type { BreakGlass } from '../breakGlass/createBreakGlass.js'
import { bytesToHex0x, equalBytes, hexToBytes, wipe } from '../bytes/index.js'
import { isAddress, isBytes32, sameAddress } from '../consent/_validate.js'
import { type AuthorizeReturnType, authorize } from '../consent/authorize.js'
import { decodeEnvelope, encodeEnvelope, open, removeRecipient, unwrapDataKey, wrapDataKey } from '../envelope/index.js'
import type { Envelope } from '../envelope/types.js'
import {
  type BaseError,
  ConsentError,
  EnvelopeError,
  InvalidArgumentError,
  isSdkError,
  LedgerError,
} from '../errors/base.js'
import type { ErrorCode } from '../errors/codes.js'
import type { Party, PublicIdentity } from '../identity/types.js'
import type { LedgerAdapter } from '../ledger/types.js'
import type { Address, Hex } from '../types.js'
import { type CustodianEntry, type CustodianStore, createMemoryCustodianStore } from './custodianStore.js'
import { type SignedKeyRequest, verifyKeyRequest } from './keyRequest.js'

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
  /** Largest accepted gap between a key request's `issuedAt` and ledger time, seconds (default 300). */
  readonly maxSkewSeconds?: number
}

/** Parameters of {@link Custodian.deposit}. */
export type DepositParameters = {
  /** The sealed record; the custodian must be one of its recipients. */
  readonly envelope: Envelope
  /** Its commitment (checked against the sealed content). */
  readonly commitment: Hex | Uint8Array
  /** The patient who owns it. */
  readonly owner: Address | Pick<PublicIdentity, 'address'>
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
  /** The custodian's public identity (seal records to it). */
  readonly identity: PublicIdentity
  /** Indexes a sealed record (resource type and security labels read from the content). */
  deposit(params: DepositParameters): Promise<CustodianEntry>
  /** Decides, logs, and only then releases a wrap of the record's data key to the requester. */
  releaseKey(request: SignedKeyRequest): Promise<ReleaseKeyReturnType>
  /** Replaces a record by a new version that MUST have a fresh data key; the old one stops being released. */
  updateRecord(params: { readonly previous: Hex | Uint8Array } & DepositParameters): Promise<CustodianEntry>
  /**
   * After the grantor revoked a consent on the ledger: deletes every wrap released under it (and the grantee's wraps
   * inside stored envelopes). Refuses while the ledger does not show the revocation.
   */
  purgeConsent(consentId: Hex): Promise<{ readonly releases: number }>
  /** Destroys the record's key material held here (erasure); further requests get `RECORD_SHREDDED`. */
  shred(commitment: Hex | Uint8Array): Promise<void>
  /** The index entry of a record. */
  getEntry(commitment: Hex | Uint8Array): Promise<CustodianEntry | undefined>
}

/** Errors of the custodian. */
export type CustodianErrorType = ConsentError | EnvelopeError | InvalidArgumentError | LedgerError

const toHex32 = (v: Hex | Uint8Array, name: string): Hex => {
  const h = v instanceof Uint8Array ? bytesToHex0x(v) : v
  if (!isBytes32(h)) throw new InvalidArgumentError('INVALID_ARGUMENT', `${name} must be 32 bytes.`)
  return h.toLowerCase() as Hex
}

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

/**
 * Creates a custodian. Runs wherever WebCrypto does (Node, browsers, workers): no Node built-ins.
 *
 * @param params - `party`, `ledger`, `log`, optional `store` and `breakGlass`
 * @returns the frozen {@link Custodian}
 * @throws {@link InvalidArgumentError} for bad parameters
 * @example
 * ```ts
 * import { createCustodian, createKeyRequest, open } from '@medseal/core'
 * const custodian = createCustodian({ party: vendor, ledger, log })
 * await custodian.deposit({ envelope, commitment, owner: patient })
 * const { envelope: forDoctor } = await custodian.releaseKey(
 *   createKeyRequest(doctor, ledger.domain, { consentId, commitment, action: 'read', purpose: 'TREAT',
 *     issuedAt: await ledger.getTime() }),
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
  const store = params.store ?? createMemoryCustodianStore()
  const breakGlass = params.breakGlass
  const maxSkew = params.maxSkewSeconds ?? 300

  const index = async (p: DepositParameters): Promise<{ entry: CustodianEntry; dataKey: Uint8Array }> => {
    if (typeof p !== 'object' || p === null) throw new InvalidArgumentError('INVALID_TYPE', 'params must be an object.')
    const commitment = toHex32(p.commitment, 'commitment')
    const owner = typeof p.owner === 'object' && p.owner !== null ? p.owner.address : p.owner
    if (!isAddress(owner)) throw new InvalidArgumentError('INVALID_ARGUMENT', 'owner must be an address.')
    const opened = await open(p.envelope, party)
    try {
      if (bytesToHex0x(opened.commitment) !== commitment)
        throw new InvalidArgumentError('INVALID_ARGUMENT', 'The commitment does not match the sealed record.')
      const { resourceType, labels } = indexFields(opened.value)
      const dataKey = await unwrapDataKey(p.envelope, party)
      const entry: CustodianEntry = Object.freeze({
        commitment,
        owner,
        resourceType,
        labels: Object.freeze(labels),
        // the store owns its copy (erasure wipes it; the caller's object is never touched)
        envelope: decodeEnvelope(encodeEnvelope(p.envelope)),
      })
      return { entry, dataKey }
    } finally {
      wipe(opened.salt, opened.canonical)
    }
  }

  const appendOrFail = async (event: Parameters<AccessLogWriter['append']>[0], publish = false) => {
    try {
      await log.append(event, publish ? { publish: true } : undefined)
    } catch (cause) {
      if (isSdkError(cause, 'LOG_APPEND_FAILED')) throw cause
      throw new LedgerError('LOG_APPEND_FAILED', 'The access could not be logged, so no key was released.', { cause })
    }
  }

  /** Deletes every release under a consent, and the grantee's wraps inside stored envelopes. */
  const purge = async (id: Hex): Promise<number> => {
    const releases = await store.listReleases(id)
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
    return store.deleteReleases(id)
  }

  const custodian: Custodian = {
    identity: party.toPublic(),

    async deposit(p) {
      const { entry, dataKey } = await index(p)
      wipe(dataKey)
      const existing = await store.getEntry(entry.commitment)
      if (existing?.shredded) throw new EnvelopeError('RECORD_SHREDDED', 'This record was erased.')
      await store.putEntry(entry)
      return entry
    },

    async releaseKey(signed) {
      const { request, requester, encryptionKey } = verifyKeyRequest(ledger.domain, signed)
      const at = await ledger.getTime()
      const base = {
        actor: requester,
        action: request.action,
        commitment: request.commitment,
        at,
        purpose: request.purpose,
        consentId: request.consentId,
      }
      const refuse = async (code: ErrorCode, error: BaseError): Promise<never> => {
        await appendOrFail({ ...base, outcome: 'deny', reason: code })
        throw error
      }
      if (Math.abs(at - request.issuedAt) > maxSkew)
        return refuse('ACCESS_DENIED', new ConsentError('ACCESS_DENIED', 'The key request is stale.'))
      const entry = await store.getEntry(request.commitment)
      const tombstone = await ledger.getTombstone(request.commitment)
      // Only the owner's tombstone erases a record (anyone can sign one for a commitment they know).
      const erased = tombstone !== undefined && (!entry || sameAddress(tombstone.tombstone.owner, entry.owner))
      if (entry?.shredded || erased)
        return refuse('RECORD_SHREDDED', new EnvelopeError('RECORD_SHREDDED', 'This record was erased.'))
      if (!entry?.envelope)
        return refuse('ACCESS_DENIED', new ConsentError('ACCESS_DENIED', 'The custodian holds no such record.'))
      if (entry.supersededBy)
        return refuse('ACCESS_DENIED', new ConsentError('ACCESS_DENIED', 'This version was superseded.'))
      const record = {
        commitment: entry.commitment,
        resourceType: entry.resourceType,
        labels: entry.labels,
        owner: entry.owner,
      }
      const emergency = breakGlass?.getGrant(request.consentId)
      const decision = emergency
        ? await (breakGlass as BreakGlass).authorizeEmergency({
            grantId: request.consentId,
            grantee: requester,
            action: request.action,
            purpose: request.purpose,
            record,
          })
        : await authorize(
            {
              consentId: request.consentId,
              grantee: requester,
              action: request.action,
              purpose: request.purpose,
              record,
            },
            ledger,
          )
      // A revoked consent found on the way: drop what was released under it (as purgeConsent does).
      if (!decision.allowed && decision.reason === 'CONSENT_REVOKED') await purge(request.consentId)
      if (!decision.allowed)
        return refuse(
          decision.reason as ErrorCode,
          new ConsentError(decision.reason as ErrorCode, `Key release refused: ${decision.reason}.`),
        )
      // No access without a log entry: if this append fails, nothing below runs. Emergency reads are anchored at once.
      await appendOrFail(
        { ...base, outcome: 'permit', ...(emergency ? { policyId: emergency.policyId, reason: 'break-glass' } : {}) },
        emergency !== undefined,
      )
      const dataKey = await unwrapDataKey(entry.envelope, party)
      try {
        const wrap = await wrapDataKey(entry.envelope, dataKey, { encryptionPublicKey: encryptionKey })
        // Only the requester's wrap: who else can read the record is none of the requester's business.
        const envelope = decodeEnvelope(encodeEnvelope({ ...entry.envelope, recipients: [wrap] }))
        await store.addRelease({
          consentId: request.consentId,
          commitment: entry.commitment,
          grantee: requester,
          encryptionKey: request.encryptionKey,
          at,
        })
        return Object.freeze({ envelope, decision })
      } finally {
        wipe(dataKey)
      }
    },

    async updateRecord(p) {
      const previous = toHex32(p.previous, 'previous')
      const old = await store.getEntry(previous)
      if (!old?.envelope) throw new InvalidArgumentError('INVALID_ARGUMENT', 'The custodian holds no such record.')
      if (!sameAddress(old.owner, typeof p.owner === 'object' ? p.owner.address : p.owner))
        throw new InvalidArgumentError('INVALID_ARGUMENT', 'A new version must have the same owner.')
      const { entry, dataKey } = await index(p)
      const oldKey = await unwrapDataKey(old.envelope, party)
      try {
        if (equalBytes(oldKey, dataKey))
          throw new InvalidArgumentError(
            'INVALID_ARGUMENT',
            'A new version must be sealed under a fresh data key (reusing it would let revoked grantees read it).',
          )
      } finally {
        wipe(oldKey, dataKey)
      }
      await store.putEntry(entry)
      await store.putEntry(Object.freeze({ ...old, supersededBy: entry.commitment }))
      return entry
    },

    async purgeConsent(consentId) {
      const id = toHex32(consentId, 'consentId')
      const record = await ledger.getConsent(id)
      if (!record) throw new ConsentError('CONSENT_NOT_FOUND', 'No consent with this id is registered on the ledger.')
      if (!record.revocation)
        throw new ConsentError('ACCESS_DENIED', 'The ledger does not show this consent as revoked.')
      return Object.freeze({ releases: await purge(id) })
    },

    async shred(commitment) {
      const c = toHex32(commitment, 'commitment')
      const entry = await store.getEntry(c)
      if (!entry) return
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
