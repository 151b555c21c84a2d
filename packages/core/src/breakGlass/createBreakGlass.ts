/**
 * Break-glass: a credentialed emergency clinician opens a patient's records under the patient's pre-signed
 * emergency policy, for a bounded time, with a stated reason; the access is logged as ETREAT and the log head is
 * anchored at once, the integrator is notified, and the access waits in a review queue (docs/spec/consent.md §8).
 * @module
 */
import { keccak_256 } from '@noble/hashes/sha3.js'
import {
  bytesToHex0x,
  concatBytes,
  randomBytes as defaultRandomBytes,
  type RandomBytes,
  utf8ToBytes,
} from '../bytes/index.js'
import { assertDomain, checksumAddress, isAddress, isBytes32, sameAddress, ZERO_BYTES32 } from '../consent/_validate.js'
import type { AuthorizeRecord, AuthorizeReturnType } from '../consent/authorize.js'
import type { ConsentAction, LedgerDomain } from '../consent/types.js'
import { hashTypedData } from '../eip712/hashTypedData.js'
import { recoverTypedDataAddress, signTypedData } from '../eip712/signTypedData.js'
import { ConsentError, InvalidArgumentError, type LedgerError } from '../errors/base.js'
import type { Party, PublicIdentity } from '../identity/types.js'
import { consentKey } from '../ledger/consentKey.js'
import type { LedgerAdapter } from '../ledger/types.js'
import type { Address, Hex } from '../types.js'
import type { AccessLogWriter } from './_accessLog.js'
import { type BreakGlassStore, createMemoryBreakGlassStore } from './breakGlassStore.js'
import {
  invalid,
  type SignedClinicianCredential,
  type SignedEmergencyPolicy,
  verifyClinicianCredential,
  verifyEmergencyPolicy,
} from './emergencyPolicy.js'

/** EIP-712 `types` of the clinician's signed break-glass request. */
export const emergencyAccessTypes = {
  EmergencyAccess: [
    { name: 'id', type: 'bytes32' },
    { name: 'policyId', type: 'bytes32' },
    { name: 'credentialId', type: 'bytes32' },
    { name: 'clinician', type: 'address' },
    { name: 'resourceTypes', type: 'string[]' },
    { name: 'duration', type: 'uint64' },
    { name: 'reason', type: 'string' },
    { name: 'issuedAt', type: 'uint64' },
    { name: 'service', type: 'bytes32' },
  ],
} as const

/** The clinician's break-glass request. */
export type EmergencyAccess = {
  /**
   * The request's own id (random: makes each request unique). It is NOT the grant's id: the grant id is derived from
   * the whole signed request ({@link computeEmergencyGrantId}), so nobody can choose it.
   */
  readonly id: Hex
  readonly policyId: Hex
  readonly credentialId: Hex
  readonly clinician: Address
  /** Resource types asked for (a subset of the policy's). */
  readonly resourceTypes: readonly string[]
  /** Seconds asked for (capped by the policy's `maxDuration` and expiry). */
  readonly duration: number
  /** Why: required, 1..1024 characters. Write the clinical situation, never PHI. */
  readonly reason: string
  /** Ledger time the request was made at. */
  readonly issuedAt: number
  /**
   * The break-glass service the request is for (its `serviceId`: by default its access log's `logId`). Another
   * service refuses it before anything is logged, so a copy cannot be replayed to a second service on the same ledger.
   */
  readonly service: Hex
}

/** A break-glass request with the clinician's signature. */
export type SignedEmergencyAccess = { readonly access: EmergencyAccess; readonly signature: Hex }

/** An accepted emergency access: ends by itself at `expiresAt` (ledger time). */
export type EmergencyGrant = {
  /** {@link computeEmergencyGrantId} of the accepted request: name it in key requests, with `patient` as grantor. */
  readonly id: Hex
  /** The clinician's request id (`access.id`). */
  readonly accessId: Hex
  readonly policyId: Hex
  readonly patient: Address
  readonly clinician: Address
  /** The credential the clinician presented. */
  readonly credentialId: Hex
  readonly issuer: Address
  readonly resourceTypes: readonly string[]
  readonly exclude: readonly string[]
  readonly reason: string
  /** Ledger time of acceptance. */
  readonly startsAt: number
  /** Ledger time the grant ends (exclusive): at most `maxDuration` after `startsAt`, and never after the policy's or
   * the credential's `expiresAt`. */
  readonly expiresAt: number
}

/** An emergency access waiting for (or after) review. */
export type BreakGlassReview = {
  readonly id: Hex
  readonly grant: EmergencyGrant
  readonly status: 'pending' | 'reviewed'
  readonly reviewer?: Address
  readonly note?: string
  /** Ledger time of the review. */
  readonly reviewedAt?: number
  /** Whether the notification hook threw (the access stands: it is already logged). */
  readonly notifyFailed: boolean
}

/** The integrator's hook: tell the patient or a privacy officer. */
export type BreakGlassNotify = (event: { grant: EmergencyGrant; review: BreakGlassReview }) => void | Promise<void>

/** Parameters of {@link createBreakGlass}. */
export type CreateBreakGlassParameters = {
  /** The ledger whose time and domain apply. */
  readonly ledger: LedgerAdapter
  /** The access log every break-glass event is appended to (and whose head is published at once). */
  readonly log: AccessLogWriter
  /** Called after every accepted break-glass access. */
  readonly notify?: BreakGlassNotify
  /** How far a request's `issuedAt` may lie behind ledger time, seconds (default 300). */
  readonly maxSkewSeconds?: number
  /** How far a request's `issuedAt` may lie ahead of ledger time, seconds (default 30). */
  readonly maxFutureSkewSeconds?: number
  /** Randomness for request ids. */
  readonly randomBytes?: RandomBytes
  /** Where grants and the review queue live (default: in memory; durable stores keep reviews across restarts). */
  readonly store?: BreakGlassStore
  /**
   * The host clock in Unix milliseconds (default `Date.now`). A policy, credential or grant is outside its window when
   * either the ledger's time or this clock says so (a stalled ledger clock never extends an emergency access).
   */
  readonly now?: () => number
  /** This service's id, which requests must name (default: the access log's `logId`). 32 bytes. */
  readonly serviceId?: Hex
}

/** Parameters of {@link BreakGlass.breakGlass}. */
export type BreakGlassParameters = {
  /** The clinician (signs the request). */
  readonly clinician: Party
  readonly policy: SignedEmergencyPolicy
  readonly credential: SignedClinicianCredential
  /** Required, non-empty: why the glass is broken. Never PHI. */
  readonly reason: string
  /** Seconds wanted (default: the policy's `maxDuration`). */
  readonly durationSeconds?: number
  /** Resource types wanted (default: all of the policy's). */
  readonly resourceTypes?: readonly string[]
}

/** An emergency-access request to decide, as for `authorize`. */
export type AuthorizeEmergencyRequest = {
  readonly grantId: Hex
  readonly grantee: Address | Pick<PublicIdentity, 'address'>
  readonly action: ConsentAction
  readonly purpose: string
  readonly record: AuthorizeRecord
}

/** The break-glass service: frozen. */
export type BreakGlass = {
  /** The id requests must name in `service` (the access log's `logId` unless given). */
  readonly serviceId: Hex
  /** Signs the clinician's request and {@link BreakGlass.accept}s it. */
  breakGlass(params: BreakGlassParameters): Promise<EmergencyGrant>
  /** Checks a signed request against the policy and credential at ledger time; logs, publishes, notifies, queues. */
  accept(params: {
    readonly access: SignedEmergencyAccess
    readonly policy: SignedEmergencyPolicy
    readonly credential: SignedClinicianCredential
  }): Promise<EmergencyGrant>
  /**
   * Decides a use of an emergency grant (ledger time and host clock; read-only actions; purpose ETREAT), and checks
   * on the ledger, every time, that neither the policy nor the credential was withdrawn (`CONSENT_REVOKED`).
   */
  authorizeEmergency(request: AuthorizeEmergencyRequest): Promise<AuthorizeReturnType>
  /** An accepted grant by id (read from the store). */
  getGrant(id: Hex): Promise<EmergencyGrant | undefined>
  /** Accesses not yet reviewed, oldest first (optionally of one patient). */
  listPendingReviews(filter?: { readonly patient?: Address }): Promise<readonly BreakGlassReview[]>
  /** Every review item, oldest first (optionally of one patient): what the patient sees. */
  listReviews(filter?: { readonly patient?: Address }): Promise<readonly BreakGlassReview[]>
  /** Marks an access reviewed. */
  markReviewed(id: Hex, reviewer: Address | Pick<PublicIdentity, 'address'>, note: string): Promise<BreakGlassReview>
}

/** Errors of the break-glass service. */
export type BreakGlassErrorType = ConsentError | InvalidArgumentError | LedgerError

/** Actions an emergency grant allows: reading only. */
const EMERGENCY_ACTIONS: readonly ConsentAction[] = ['read', 'search', 'vread']
const MAX_REASON = 1024

/**
 * The domain-separation prefix of emergency grant ids (see {@link computeEmergencyGrantId}).
 * @example
 * ```ts
 * import { EMERGENCY_GRANT_ID_PREFIX } from '@medseal/core'
 * EMERGENCY_GRANT_ID_PREFIX // 'medseal/break-glass-grant/v1'
 * ```
 */
export const EMERGENCY_GRANT_ID_PREFIX = 'medseal/break-glass-grant/v1'

function accessTypedData(domain: LedgerDomain, access: EmergencyAccess) {
  return { domain, types: emergencyAccessTypes, primaryType: 'EmergencyAccess', message: access }
}

/**
 * The id of the emergency grant a signed break-glass request opens: `keccak256(utf8("medseal/break-glass-grant/v1") ‖
 * digest)` where `digest` is the request's EIP-712 digest under the ledger's domain. Derived, never chosen: a request
 * cannot pick an id that names someone's consent (security review, issue 12, finding 5).
 *
 * @param domain - `ledger.domain`
 * @param access - the clinician's request
 * @returns the grant id, 32 bytes as lower-case `0x` hex
 * @throws {@link ConsentError} `BREAK_GLASS_INVALID` for a malformed request
 * @example
 * ```ts
 * import { computeEmergencyGrantId } from '@medseal/core'
 * const grantId = computeEmergencyGrantId(ledger.domain, signedAccess.access)
 * ```
 */
export function computeEmergencyGrantId(domain: LedgerDomain, access: EmergencyAccess): Hex {
  const digest = hashTypedData(accessTypedData(assertDomain(domain), assertAccess(access)))
  return bytesToHex0x(keccak_256(concatBytes(utf8ToBytes(EMERGENCY_GRANT_ID_PREFIX), digest)))
}

/**
 * Creates a break-glass service for one ledger and access log.
 *
 * @param params - `ledger`, `log`, optional `notify` hook
 * @returns the frozen {@link BreakGlass} service
 * @throws {@link InvalidArgumentError} for bad parameters
 * @example
 * ```ts
 * import { createBreakGlass } from '@medseal/core'
 * const emergency = createBreakGlass({ ledger, log, notify: ({ grant }) => pager.send(grant.patient) })
 * const grant = await emergency.breakGlass({ clinician, policy, credential, reason: 'Unconscious on arrival' })
 * await emergency.listPendingReviews() // [{ id: grant.id, status: 'pending', … }]
 * ```
 */
export function createBreakGlass(params: CreateBreakGlassParameters): BreakGlass {
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('INVALID_TYPE', 'createBreakGlass parameters must be an object.')
  const { ledger, log, notify } = params
  if (typeof ledger?.getTime !== 'function') throw new InvalidArgumentError('INVALID_TYPE', 'ledger is required.')
  if (typeof log?.append !== 'function' || typeof log?.publishHead !== 'function')
    throw new InvalidArgumentError('INVALID_TYPE', 'log must have append() and publishHead().')
  if (notify !== undefined && typeof notify !== 'function')
    throw new InvalidArgumentError('INVALID_TYPE', 'notify must be a function.')
  const maxSkew = params.maxSkewSeconds ?? 300
  const maxFuture = params.maxFutureSkewSeconds ?? 30
  const random = params.randomBytes ?? defaultRandomBytes
  const now = params.now ?? Date.now
  if (typeof now !== 'function') throw new InvalidArgumentError('INVALID_TYPE', 'now must be a function.')
  const hostSeconds = (): number => {
    const ms = now()
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)
      throw new InvalidArgumentError('OUT_OF_RANGE', 'The host clock (now) returned no valid time.')
    return Math.floor(ms / 1000)
  }
  /** Has the grantor of `id` (a policy's patient, a credential's issuer) withdrawn it on the ledger? */
  const withdrawn = async (grantor: Address, id: Hex) =>
    (await ledger.getRevocation(consentKey(grantor, id))) !== undefined
  const domain = assertDomain(ledger.domain)
  const serviceId = params.serviceId ?? log.logId
  if (!isBytes32(serviceId))
    throw new InvalidArgumentError(
      'INVALID_TYPE',
      'The break-glass service needs an id: a log with logId, or serviceId.',
    )
  const ownId = (serviceId as Hex).toLowerCase() as Hex
  const store = params.store ?? createMemoryBreakGlassStore()
  for (const fn of ['insertGrant', 'getGrant', 'getReview', 'putReview', 'listReviews'] as const)
    if (typeof store?.[fn] !== 'function')
      throw new InvalidArgumentError('INVALID_TYPE', `store.${fn} must be a function.`)
  const grantOf = async (id: unknown): Promise<EmergencyGrant | undefined> =>
    isBytes32(id) ? store.getGrant((id as Hex).toLowerCase() as Hex) : undefined

  const logDenied = async (access: EmergencyAccess, grantId: Hex, at: number, code: string) => {
    try {
      await log.append({
        actor: access.clinician,
        action: 'break-glass',
        commitment: ZERO_BYTES32,
        at,
        purpose: 'ETREAT',
        consentId: grantId,
        outcome: 'deny',
        reason: code,
        policyId: access.policyId,
      })
    } catch {
      // A denial is returned to the caller either way; a failing log cannot turn it into access.
    }
  }

  const accept: BreakGlass['accept'] = async ({ access: signed, policy, credential }) => {
    if (typeof signed !== 'object' || signed === null) throw invalid('The break-glass request must be signed.')
    const access = assertAccess(signed.access)
    let signer: Address | undefined
    try {
      signer = recoverTypedDataAddress(accessTypedData(domain, access), signed.signature)
    } catch {
      signer = undefined
    }
    if (!signer || !sameAddress(signer, access.clinician))
      throw invalid('The break-glass request is not signed by the clinician.')
    // Before anything is logged: a request meant for another service writes nothing here in the clinician's name.
    if (access.service !== ownId) throw invalid('The break-glass request is for another break-glass service.')
    const at = await ledger.getTime()
    const host = hostSeconds()
    // outside a window when either clock says so
    const [early, late] = [Math.min(at, host), Math.max(at, host)]
    const grantId = computeEmergencyGrantId(domain, access)
    let grant: EmergencyGrant
    try {
      const p = verifyEmergencyPolicy(domain, policy)
      const c = verifyClinicianCredential(domain, credential)
      if (p.id !== access.policyId) throw invalid('The request names another policy.')
      if (c.id !== access.credentialId) throw invalid('The request names another credential.')
      if (early < p.notBefore || late >= p.expiresAt) throw invalid('The emergency policy is not valid now.')
      if (early < c.notBefore || late >= c.expiresAt) throw invalid('The credential is not valid now.')
      if (!p.issuers.some((i) => sameAddress(i, c.issuer))) throw invalid('The policy does not accept this issuer.')
      if (c.role !== p.role) throw invalid('The credential does not attest the role the policy requires.')
      if (!sameAddress(c.subject, access.clinician)) throw invalid('The credential is for another clinician.')
      if (at - access.issuedAt > maxSkew) throw invalid('The break-glass request is stale.')
      if (access.issuedAt - at > maxFuture) throw invalid('The break-glass request is dated in the future.')
      if (!access.resourceTypes.every((t) => p.resourceTypes.includes(t)))
        throw invalid('The request asks for resource types the policy does not open.')
      if ((await store.getGrant(grantId)) !== undefined) throw invalid('This break-glass request was already used.')
      if (await withdrawn(p.patient, p.id))
        throw new ConsentError('CONSENT_REVOKED', 'The patient withdrew this emergency policy.')
      if (await withdrawn(c.issuer, c.id))
        throw new ConsentError('CONSENT_REVOKED', 'The issuer withdrew this clinician credential.')
      // A grant never outlives its policy or its credential.
      const duration = Math.min(access.duration, p.maxDuration, p.expiresAt - at, c.expiresAt - at)
      grant = Object.freeze({
        id: grantId,
        accessId: access.id,
        policyId: p.id,
        patient: p.patient,
        clinician: access.clinician,
        credentialId: c.id,
        issuer: c.issuer,
        resourceTypes: access.resourceTypes,
        exclude: p.exclude,
        reason: access.reason,
        startsAt: at,
        expiresAt: at + duration,
      })
    } catch (err) {
      await logDenied(access, grantId, at, (err as ConsentError).code ?? 'BREAK_GLASS_INVALID')
      throw err
    }
    const event = {
      actor: grant.clinician,
      action: 'break-glass',
      commitment: ZERO_BYTES32,
      at,
      purpose: 'ETREAT',
      consentId: grant.id,
      outcome: 'permit' as const,
      reason: grant.reason,
      policyId: grant.policyId,
    }
    const review: BreakGlassReview = Object.freeze({ id: grant.id, grant, status: 'pending', notifyFailed: false })
    if (typeof store.commitGrant === 'function' && typeof log.appendWith === 'function') {
      // No access without a log entry, and no logged access without its grant and review: the grant, its pending
      // review and the log entry are committed in one store transaction; the head is published at once after it.
      // One commit of a grant id wins across processes: the other stores and logs nothing. If the head cannot be
      // anchored, accept fails (the grant is not handed out) though grant and entry are stored: every key released
      // under a grant publishes a head at once (fail closed), and that head covers this entry.
      const commitGrant = store.commitGrant.bind(store)
      const used = invalid('This break-glass request was already used.')
      try {
        await log.appendWith(
          event,
          async (unit) => {
            const committed = await commitGrant({ grant, review, log: unit })
            if (committed === false) throw used
            return committed
          },
          { publish: true },
        )
      } catch (err) {
        if ((err as { cause?: unknown }).cause === used || err === used) {
          await logDenied(access, grantId, at, 'BREAK_GLASS_INVALID')
          throw used
        }
        throw err
      }
    } else {
      // A store or log without atomic commits: append and publish first, then store the grant and its pending review
      // together. A crash in between leaves a logged attempt and no grant (no access), never an access without a
      // review. One insert wins across processes.
      await log.append(event, { publish: true })
      if (!(await store.insertGrant({ grant, review }))) throw invalid('This break-glass request was already used.')
    }
    if (notify) {
      try {
        await notify({ grant, review })
      } catch {
        const current = await store.getReview(grant.id)
        if (current !== undefined) await store.putReview(Object.freeze({ ...current, notifyFailed: true }))
      }
    }
    return grant
  }

  const service: BreakGlass = {
    serviceId: ownId,
    async breakGlass(p) {
      if (typeof p !== 'object' || p === null) throw invalid('breakGlass parameters must be an object.')
      const { clinician } = p
      if (typeof clinician?.signDigest !== 'function') throw invalid('clinician must be a Party.')
      if (typeof p.policy !== 'object' || p.policy === null) throw invalid('policy is required.')
      if (typeof p.credential !== 'object' || p.credential === null) throw invalid('credential is required.')
      const access = assertAccess({
        id: bytesToHex0x(random(32)),
        policyId: p.policy.policy?.id,
        credentialId: p.credential.credential?.id,
        clinician: clinician.address,
        resourceTypes: p.resourceTypes ?? p.policy.policy?.resourceTypes,
        duration: p.durationSeconds ?? p.policy.policy?.maxDuration,
        reason: p.reason,
        issuedAt: await ledger.getTime(),
        service: ownId,
      })
      const signature = signTypedData(clinician, accessTypedData(domain, access))
      return accept({ access: { access, signature }, policy: p.policy, credential: p.credential })
    },
    accept,
    async authorizeEmergency(request) {
      if (typeof request !== 'object' || request === null)
        throw new InvalidArgumentError('INVALID_TYPE', 'request must be an object.')
      const grantee =
        typeof request.grantee === 'object' && request.grantee !== null ? request.grantee.address : request.grantee
      if (!isAddress(grantee)) throw new InvalidArgumentError('INVALID_ARGUMENT', 'grantee must be an address.')
      const record = request.record
      if (typeof record !== 'object' || record === null)
        throw new InvalidArgumentError('INVALID_ARGUMENT', 'record must be an object.')
      const at = await ledger.getTime()
      const hostAt = hostSeconds()
      const deny = (reason: AuthorizeReturnType['reason']): AuthorizeReturnType =>
        Object.freeze({ allowed: false, reason, at, hostAt })
      const grant = await grantOf(request.grantId)
      if (!grant) return deny('CONSENT_NOT_FOUND')
      if (at < grant.startsAt) return deny('CONSENT_NOT_YET_VALID')
      if (Math.max(at, hostAt) >= grant.expiresAt) return deny('CONSENT_EXPIRED')
      // Withdrawals are checked at every use, not only at acceptance.
      if ((await withdrawn(grant.patient, grant.policyId)) || (await withdrawn(grant.issuer, grant.credentialId)))
        return deny('CONSENT_REVOKED')
      if (!sameAddress(grantee, grant.clinician)) return deny('CONSENT_GRANTEE')
      if (!EMERGENCY_ACTIONS.includes(request.action)) return deny('CONSENT_ACTION')
      if (request.purpose !== 'ETREAT') return deny('CONSENT_PURPOSE')
      if (!grant.resourceTypes.includes(record.resourceType)) return deny('CONSENT_SCOPE')
      if (record.owner !== undefined && !sameAddress(record.owner, grant.patient)) return deny('CONSENT_SCOPE')
      if ((record.labels ?? []).some((l) => grant.exclude.includes(l))) return deny('CONSENT_EXCLUDED')
      return Object.freeze({ allowed: true, reason: 'PERMITTED', at, hostAt })
    },
    async getGrant(id) {
      return grantOf(id)
    },
    async listPendingReviews(filter = {}) {
      return store.listReviews({ status: 'pending', ...(filter.patient ? { patient: filter.patient } : {}) })
    },
    async listReviews(filter = {}) {
      return store.listReviews(filter.patient ? { patient: filter.patient } : {})
    },
    async markReviewed(id, reviewer, note) {
      const who = typeof reviewer === 'object' && reviewer !== null ? reviewer.address : reviewer
      if (!isAddress(who)) throw new InvalidArgumentError('INVALID_ARGUMENT', 'reviewer must be an address.')
      if (typeof note !== 'string' || note.length > 4096)
        throw new InvalidArgumentError('INVALID_ARGUMENT', 'note must be a string of at most 4096 characters.')
      const current = isBytes32(id) ? await store.getReview((id as Hex).toLowerCase() as Hex) : undefined
      if (!current) throw new InvalidArgumentError('INVALID_ARGUMENT', 'No break-glass access with this id.')
      const reviewed: BreakGlassReview = Object.freeze({
        ...current,
        status: 'reviewed',
        reviewer: who,
        note,
        reviewedAt: await ledger.getTime(),
      })
      await store.putReview(reviewed)
      return reviewed
    },
  }
  return Object.freeze(service)
}

function assertAccess(value: unknown): EmergencyAccess {
  if (typeof value !== 'object' || value === null) throw invalid('access (the break-glass request) must be an object.')
  const v = value as Record<string, unknown>
  const names = emergencyAccessTypes.EmergencyAccess.map((f) => f.name) as readonly string[]
  for (const k of Object.keys(v))
    if (!names.includes(k)) throw invalid(`access must have only the fields ${names.join(', ')} (it has another).`)
  for (const k of ['id', 'policyId', 'credentialId'] as const)
    if (!isBytes32(v[k])) throw invalid(`access.${k} must be 0x followed by 64 hex digits (32 bytes).`)
  if (!isAddress(v.clinician))
    throw invalid('access.clinician must be a 20-byte hex address (mixed case: a valid EIP-55 checksum).')
  const types = v.resourceTypes
  if (
    !Array.isArray(types) ||
    types.length === 0 ||
    types.length > 64 ||
    new Set(types).size !== types.length ||
    !types.every((t) => typeof t === 'string' && /^[A-Z][A-Za-z]{0,63}$/.test(t))
  )
    throw invalid('access.resourceTypes must be 1..64 distinct FHIR resource types.')
  if (typeof v.duration !== 'number' || !Number.isSafeInteger(v.duration) || v.duration < 1)
    throw invalid('access.duration must be a positive number of seconds.')
  if (typeof v.reason !== 'string' || v.reason.trim().length === 0 || v.reason.length > MAX_REASON)
    throw invalid(`access.reason must be 1..${MAX_REASON} characters, not blank.`)
  if (!v.reason.isWellFormed()) throw invalid('access.reason must be well-formed Unicode text.')
  if (typeof v.issuedAt !== 'number' || !Number.isSafeInteger(v.issuedAt) || v.issuedAt < 0)
    throw invalid('access.issuedAt must be Unix seconds (a non-negative safe integer).')
  if (!isBytes32(v.service))
    throw invalid('access.service must be 0x followed by 64 hex digits: the break-glass service it is for.')
  return Object.freeze({
    id: (v.id as string).toLowerCase() as Hex,
    policyId: (v.policyId as string).toLowerCase() as Hex,
    credentialId: (v.credentialId as string).toLowerCase() as Hex,
    clinician: checksumAddress(v.clinician),
    resourceTypes: Object.freeze([...types]),
    duration: v.duration,
    reason: v.reason,
    issuedAt: v.issuedAt,
    service: (v.service as string).toLowerCase() as Hex,
  })
}
