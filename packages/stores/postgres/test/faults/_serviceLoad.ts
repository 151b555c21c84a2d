/**
 * The HTTP load of the service fault tests and bench: a record deposited through the service, grants to 20 clinicians
 * on the shared ledger, signed key requests fired concurrently at one or several service instances, and the checks
 * that what clients received is in the log and that the log verifies — test helper, not a test file.
 * @module
 */
import {
  bytesToHex0x,
  type Custodian,
  canonicalize,
  createDeposit,
  createKeyRequest,
  createParty,
  decodeAccessEvent,
  encodeAccessEvent,
  grantConsent,
  type Hex,
  type LedgerAdapter,
  merkleRoot,
  open,
  type Party,
  type SignedKeyRequest,
  type SignedTreeHead,
  seal,
  verifyEventInclusion,
  verifyHeadConsistency,
} from '@medseal/core'
import type { CustodianClient } from '@medseal/service'
import { FAULT_LOG_NAME, faultParties } from './_shared.js'

/** The synthetic record every clinician reads (no real PHI). */
export const LOAD_RECORD = Object.freeze({
  resourceType: 'Observation',
  status: 'final',
  code: { text: 'Heart rate' },
  valueQuantity: { value: 72, unit: '/min' },
})

let fixedParties: ReturnType<typeof faultParties> | undefined
/** The fault tests' fixed parties, derived once (each derivation is several curve multiplications). */
const parties = () => {
  fixedParties ??= faultParties()
  return fixedParties
}

/** Clinicians with fixed seeds (the same keys in every process). */
export function loadClinicians(n = 20): Party[] {
  return Array.from({ length: n }, (_, i) => createParty({ seed: new Uint8Array(32).fill(100 + i) }))
}

/** What the load needs: the deposited record and each clinician's grant. */
export type LoadSetup = {
  readonly commitment: Hex
  readonly clinicians: readonly Party[]
  readonly consentIds: readonly Hex[]
}

/**
 * Deposits {@link LOAD_RECORD} through `client` (sealed to the patient and the service's custodian) and grants each
 * clinician read of it for TREAT on `ledger`, one grant each.
 */
export async function setupLoad(params: {
  readonly ledger: LedgerAdapter
  /** The service's client, or an in-process custodian (the bench's peer). */
  readonly client: Pick<Custodian, 'identity' | 'deposit'>
  readonly clinicians: readonly Party[]
}): Promise<LoadSetup> {
  const { ledger, client, clinicians } = params
  const { patient } = parties()
  const sealed = await seal(LOAD_RECORD, { recipients: [patient, client.identity] })
  await client.deposit(
    await createDeposit({
      owner: patient,
      envelope: sealed.envelope,
      custodian: client.identity,
      domain: ledger.domain,
    }),
  )
  const consentIds: Hex[] = []
  for (const clinician of clinicians) {
    const { token } = await grantConsent(ledger, {
      party: patient,
      grantee: clinician,
      resourceTypes: ['Observation'],
      actions: ['read'],
      purposes: ['TREAT'],
      durationSeconds: 86_400,
    })
    consentIds.push(token.consent.id)
  }
  return { commitment: bytesToHex0x(sealed.commitment), clinicians, consentIds }
}

/** Signs `perClinician` key requests for every clinician (interleaved: clinician 0, 1, …, 19, 0, 1, …). */
export async function signRequests(params: {
  readonly ledger: LedgerAdapter
  readonly setup: LoadSetup
  readonly custodian: Custodian['identity']
  readonly perClinician: number
}): Promise<{ readonly who: number; readonly request: SignedKeyRequest }[]> {
  const { ledger, setup, perClinician } = params
  const { patient } = parties()
  const issuedAt = await ledger.getTime()
  const out: { who: number; request: SignedKeyRequest }[] = []
  for (let k = 0; k < perClinician; k++)
    setup.clinicians.forEach((clinician, who) => {
      out.push({
        who,
        request: createKeyRequest(clinician, ledger.domain, {
          consentId: setup.consentIds[who] as Hex,
          custodian: params.custodian,
          grantor: patient.address,
          commitment: setup.commitment,
          action: 'read',
          purpose: 'TREAT',
          issuedAt,
        }),
      })
    })
  return out
}

/** What a load run saw. */
export type LoadResult = {
  /** Keys received (and opened to the record) per clinician index. */
  readonly received: number[]
  /** Requests that failed (the service was killed, or refused). */
  readonly failed: number
  /** Latency of each received key, ms. */
  readonly latencies: number[]
  /** Error codes of the failures, counted. */
  readonly errors: Record<string, number>
  /** The first few failures' messages and causes (for a failing test's report). */
  readonly messages: string[]
}

/**
 * Sends every request at once (request `i` to `clients[i % clients.length]`: no sticky routing), opens every
 * envelope received with the clinician's key and checks it is the record. `onReceived` runs after each key received.
 */
export async function fireRequests(params: {
  readonly clients: readonly (() => Pick<Custodian, 'releaseKey'>)[]
  readonly requests: readonly { readonly who: number; readonly request: SignedKeyRequest }[]
  readonly clinicians: readonly Party[]
  readonly onReceived?: (count: number) => void
}): Promise<LoadResult> {
  const received = params.clinicians.map(() => 0)
  const latencies: number[] = []
  const errors: Record<string, number> = {}
  const messages: string[] = []
  let failed = 0
  let total = 0
  await Promise.all(
    params.requests.map(async ({ who, request }, i) => {
      const client = (params.clients[i % params.clients.length] as () => Pick<Custodian, 'releaseKey'>)()
      const t = performance.now()
      try {
        const { envelope } = await client.releaseKey(request)
        const ms = performance.now() - t
        const { value } = await open(envelope, params.clinicians[who] as Party)
        if (canonicalize(value) !== canonicalize(LOAD_RECORD)) throw new Error('a released key opened another record')
        received[who] = (received[who] as number) + 1
        latencies.push(ms)
        params.onReceived?.(++total)
      } catch (e) {
        if (e instanceof Error && e.message.startsWith('a released key')) throw e
        failed++
        const code = String((e as { code?: unknown }).code ?? 'network')
        errors[code] = (errors[code] ?? 0) + 1
        if (messages.length < 5) messages.push(`${String(e)} / ${String((e as { cause?: unknown }).cause)}`)
      }
    }),
  )
  return { received, failed, latencies, errors, messages }
}

/**
 * Reads the whole log through `client`, checks that its events make the root of the operator's signed head, checks
 * `earlier` heads are consistent with it, and that every clinician has at least as many permitted reads logged as
 * keys they received (a request the kill cut off after its commit is logged without its key having arrived).
 *
 * @returns the head and the permitted reads logged per clinician
 */
export async function checkServiceLog(params: {
  readonly client: CustodianClient
  readonly ledger: LedgerAdapter
  readonly setup: LoadSetup
  readonly received: readonly number[]
  readonly earlier?: readonly SignedTreeHead[]
}): Promise<{ readonly head: SignedTreeHead; readonly permits: number[]; readonly denials: number }> {
  const { client, ledger, setup } = params
  const { vendor } = parties()
  const head = await client.accessLog.signedHead()
  const size = head.head.treeSize
  const permits = setup.clinicians.map(() => 0)
  const byAddress = new Map(setup.clinicians.map((c, i) => [c.address.toLowerCase(), i]))
  let denials = 0
  const leaves: Uint8Array[] = []
  for (let start = 0; start < size; ) {
    const page = await client.accessLog.getEvents({ start, limit: 256 })
    if (page.entries.length === 0) throw new Error(`the log has no entry at ${start} of ${size}`)
    for (const { index, event } of page.entries) {
      if (index >= size) continue
      if (index !== leaves.length) throw new Error(`the log skipped from ${leaves.length} to ${index}`)
      leaves.push(encodeAccessEvent(event))
      const who = byAddress.get(event.actor.toLowerCase())
      if (who === undefined) throw new Error('an event of someone who never asked')
      if (event.outcome === 'permit' && event.commitment.toLowerCase() === setup.commitment.toLowerCase())
        permits[who] = (permits[who] as number) + 1
      else denials++
    }
    start = leaves.length
  }
  if (size > 0) {
    // the head is the operator's, of this log (signature, operator and log id checked with the last entry's proof)
    verifyEventInclusion({
      event: decodeAccessEvent(leaves[size - 1] as Uint8Array),
      index: size - 1,
      head,
      proof: await client.accessLog.proveInclusion(size - 1, size),
      operator: vendor.address,
      domain: ledger.domain,
      name: FAULT_LOG_NAME,
    })
    // and every event served is in it: the RFC 9162 root over all of them is the signed root
    if (bytesToHex0x(merkleRoot(leaves)) !== head.head.root.toLowerCase())
      throw new Error('the events served do not make the signed root')
  }
  params.received.forEach((n, who) => {
    if ((permits[who] as number) < n)
      throw new Error(`clinician ${who} received ${n} keys but the log holds ${permits[who]} permitted reads`)
  })
  for (const old of params.earlier ?? []) {
    if (old.head.treeSize === 0 || old.head.treeSize === size) {
      if (old.head.treeSize === size && old.head.root !== head.head.root)
        throw new Error('two heads of one size with different roots')
      continue
    }
    verifyHeadConsistency({
      oldHead: old,
      newHead: head,
      proof: await client.accessLog.proveConsistency(old.head.treeSize, size),
      domain: ledger.domain,
      operator: vendor.address,
    })
  }
  return { head, permits, denials }
}

/** The p-th percentile (0..100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number
}
