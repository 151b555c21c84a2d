/**
 * The patient app's model, with no DOM: the patient's records (sealed in the browser, anchored and deposited with the
 * records service), the clinicians they know, their grants (made, shared and revoked), and the service's access log
 * as it concerns their records, each entry verified against the ledger.
 * @module
 */
import {
  type AccessEvent,
  type Address,
  type AnchorStore,
  bytesToHex0x,
  type ConsentToken,
  consentKey,
  contentIdOf,
  createAnchorer,
  createDeposit,
  createMemorySyncCheckpointStore,
  decodeConsentToken,
  decodeEnvelope,
  encodeConsentToken,
  encodeEnvelope,
  grantConsent,
  type Hex,
  hexToBytes,
  isAddress,
  isSdkError,
  type LedgerRef,
  open,
  type Party,
  type Receipt,
  revokeConsent,
  type SyncCheckpoint,
  type SyncCheckpointStore,
  seal,
  type TreeHeadRecord,
  verifyEventInclusion,
  verifyLogAgainstLedger,
  verifyReceipt,
} from '@medseal/core'
import type { ServiceConnection } from './connection.js'
import { demoResources } from './demoData.js'
import { ExplainedError } from './explain.js'
import { type ListStore, memoryListStore, type StoredClinician, type StoredGrant } from './grantStore.js'
import { recordName } from './summaries.js'

/** One of the patient's records as the list shows it. */
export type PatientRecord = {
  /** "Heart rate — 1 Mar 2025". */
  readonly name: string
  readonly resourceType: string
  readonly commitment: Hex
  readonly receipt: Receipt
  /** Set once `verifyReceipt` passed against the ledger. */
  readonly verified?: { readonly root: Hex; readonly anchoredAt: LedgerRef; readonly treeSize: number }
  /** Set when verification failed: the error code. */
  readonly error?: string
}

/** A grant as the list shows it. */
export type PatientGrant = {
  readonly id: Hex
  readonly token: string
  readonly clinician: StoredClinician
  readonly resourceTypes: readonly string[]
  readonly expiresAt: number
  readonly revoked: boolean
}

/** One access-log entry about one of the patient's records. */
export type PatientLogRow = {
  readonly index: number
  readonly event: AccessEvent
  /** The record's name ("Heart rate — 1 Mar 2025"). */
  readonly record: string
  /** Who: the clinician's name when the patient knows them, else their ID. */
  readonly who: string
  /**
   * `verified`: included in a head the ledger holds. `pending`: included in the service's signed head, which extends
   * the ledger's, but not anchored yet. `failed`: a check failed (`error`).
   */
  readonly status: 'verified' | 'pending' | 'failed'
  readonly error?: string
}

/** What a log check found. */
export type PatientLogReport = {
  readonly rows: PatientLogRow[]
  /** The head on the ledger the rows were checked against, if any. */
  readonly anchored: TreeHeadRecord | undefined
  /** Events in the whole log (every patient's). */
  readonly size: number
}

/** Where the patient app keeps its state. Everything defaults to memory (gone on reload). */
export type PatientStores = {
  /** The patient's records: one checkpoint per resource, written sealed, then again with its receipt. */
  readonly records?: SyncCheckpointStore
  /** The anchorer's accepted commitments (what was pending at a reload is anchored then). */
  readonly anchor?: AnchorStore
  readonly grants?: ListStore<StoredGrant>
  readonly clinicians?: ListStore<StoredClinician>
}

/** The patient app's state and actions. */
export type PatientApp = {
  readonly patient: Party
  readonly service: ServiceConnection
  readonly records: readonly PatientRecord[]
  clinicians(): Promise<StoredClinician[]>
  addClinician(params: { name: string; address: string }): Promise<StoredClinician>
  grants(): Promise<PatientGrant[]>
  /** Signs a consent for the clinician, registers it on the ledger (through the service) and keeps it. */
  grant(params: {
    clinician: Address
    resourceTypes: readonly string[]
    durationSeconds: number
  }): Promise<PatientGrant>
  /** Revokes on the ledger, then has the custodian purge what it released under it. */
  revoke(id: Hex): Promise<void>
  /** A record's FHIR resource (opened in this browser), by commitment; `undefined` for another's. */
  resource(commitment: Hex): Record<string, unknown> | undefined
  /** The commitments a grant covers (what its share link lists). */
  sharedRecords(grant: Pick<PatientGrant, 'resourceTypes'>): Hex[]
  /** Reads the access log's entries about the patient's records and verifies each against the ledger. */
  verifyLog(): Promise<PatientLogReport>
}

/** A form the person filled in wrongly: what is wrong and what to do, in words (code `INVALID_ARGUMENT`). */
const formError = (what: string, todo: string) =>
  new ExplainedError({ what, todo, code: 'INVALID_ARGUMENT', offline: false })

const errorCode = (err: unknown) => (isSdkError(err) ? err.code : 'UNKNOWN')

const grantView = (g: StoredGrant, clinicians: StoredClinician[]): PatientGrant => {
  const { consent } = decodeConsentToken(g.token)
  const clinician = clinicians.find((c) => c.address.toLowerCase() === g.clinician.toLowerCase()) ?? {
    v: 1 as const,
    address: g.clinician as Address,
    name: g.clinician,
  }
  return {
    id: consent.id,
    token: g.token,
    clinician,
    resourceTypes: consent.resourceTypes,
    expiresAt: consent.expiresAt,
    revoked: g.revoked,
  }
}

/**
 * Opens the patient app: the records are read back from `stores.records` (sealing and anchoring only what is not
 * there yet, so a reload or an interrupted first visit seals nothing twice), each receipt is verified against the
 * ledger, each envelope is deposited with the service's custodian (a repeat deposit is a no-op), and grants still
 * marked active whose revocation reached the ledger are finished (purged, marked revoked).
 *
 * @param service - the records service (custodian, ledger relay, access log)
 * @param params - the patient's party and the stores
 * @returns the app
 * @throws the service's or the ledger's error when it cannot be reached while seeding
 * @throws {@link StoreError} when a store cannot be read
 * @example
 * ```ts
 * const app = await createPatientApp(await connect({ url }), { patient })
 * ```
 */
export async function createPatientApp(
  service: ServiceConnection,
  params: { patient: Party; stores?: PatientStores },
): Promise<PatientApp> {
  const { patient } = params
  const { custodian, ledger } = service
  const stores = params.stores ?? {}
  const checkpoints = stores.records ?? createMemorySyncCheckpointStore()
  const grantStore = stores.grants ?? memoryListStore<StoredGrant>((g) => g.id)
  const clinicianStore = stores.clinicians ?? memoryListStore<StoredClinician>((c) => c.address.toLowerCase())

  // 1. every resource sealed once, its checkpoint written before its commitment goes to the anchorer
  const sealed: SyncCheckpoint[] = []
  for (const r of demoResources) {
    const key = `${String(r.resourceType)}/${String(r.id)}`
    let cp = await checkpoints.get(key)
    if (!cp) {
      const s = await seal(r, { recipients: [patient, custodian.identity] })
      cp = {
        key,
        resourceType: String(r.resourceType),
        id: String(r.id),
        versionId: undefined,
        contentId: contentIdOf(r).toString(),
        commitment: bytesToHex0x(s.commitment),
        envelope: encodeEnvelope(s.envelope),
      }
      await checkpoints.put(cp)
    }
    sealed.push(cp)
  }
  // 2. what has no receipt yet is anchored (one batch)
  const missing = sealed.filter((cp) => !cp.receipt)
  if (missing.length > 0) {
    const anchorer = createAnchorer(ledger, stores.anchor ? { store: stores.anchor } : {})
    await anchorer.ready
    const receipts = missing.map((cp) => anchorer.add(cp.commitment))
    await anchorer.close()
    const got = await Promise.all(receipts)
    for (const [i, cp] of missing.entries()) {
      const withReceipt = { ...cp, receipt: got[i] as Receipt }
      await checkpoints.put(withReceipt)
      sealed[sealed.indexOf(cp)] = withReceipt
    }
  }
  // 3. deposited with the custodian (idempotent), opened by the patient, verified against the ledger
  const records: PatientRecord[] = []
  const values = new Map<string, Record<string, unknown>>()
  for (const cp of sealed) {
    const envelope = decodeEnvelope(cp.envelope)
    await custodian.deposit(
      await createDeposit({ owner: patient, envelope, custodian: custodian.identity, domain: ledger.domain }),
    )
    const { value } = await open<Record<string, unknown>>(envelope, patient)
    values.set(cp.commitment.toLowerCase(), value)
    const receipt = cp.receipt as Receipt
    const base = { name: recordName(value), resourceType: cp.resourceType, commitment: cp.commitment, receipt }
    try {
      const v = await verifyReceipt(ledger, { receipt, commitment: hexToBytes(cp.commitment) })
      records.push({ ...base, verified: { root: v.root, anchoredAt: v.anchoredAt, treeSize: v.treeSize } })
    } catch (err) {
      records.push({ ...base, error: errorCode(err) })
    }
  }
  const byCommitment = new Map(records.map((r) => [r.commitment.toLowerCase(), r]))

  // 4. a revocation that reached the ledger while the tab closed before the purge and the local note: finish it
  for (const g of await grantStore.list()) {
    if (g.revoked) continue
    const { consent } = decodeConsentToken(g.token)
    const onLedger = await ledger.getConsent(consentKey(patient.address, consent.id))
    if (onLedger?.revocation) {
      await custodian.purgeConsent({ grantor: patient, consentId: consent.id })
      await grantStore.put({ ...g, revoked: true })
    }
  }

  const app: PatientApp = {
    patient,
    service,
    records,
    clinicians: () => clinicianStore.list(),
    async addClinician({ name, address }) {
      const n = name.trim()
      const a = address.trim()
      if (!n) throw formError("The clinician's name is missing.", 'Type the name you know them by.')
      if (!isAddress(a))
        throw formError(
          'That clinician ID is not valid.',
          "Copy it again from the clinician's app: it is 0x followed by 40 letters and digits.",
        )
      const c: StoredClinician = { v: 1, address: a as Address, name: n.slice(0, 80) }
      await clinicianStore.put(c)
      return c
    },
    async grants() {
      const cs = await clinicianStore.list()
      return (await grantStore.list()).map((g) => grantView(g, cs))
    },
    async grant({ clinician, resourceTypes, durationSeconds }) {
      if (!isAddress(clinician))
        throw formError('No clinician is chosen.', 'Choose a clinician in the list (add one first if it is empty).')
      if (resourceTypes.length === 0)
        throw formError('No kind of record is chosen.', 'Tick at least one kind of record to share.')
      if (!Number.isSafeInteger(durationSeconds) || durationSeconds <= 0)
        throw formError('No duration is chosen.', 'Choose for how long they may see the records.')
      const granted = await grantConsent(ledger, {
        party: patient,
        grantee: clinician,
        resourceTypes: [...resourceTypes],
        actions: ['read'],
        purposes: ['TREAT'],
        durationSeconds,
      })
      const token: ConsentToken = granted.token
      const stored: StoredGrant = {
        v: 1,
        id: token.consent.id,
        token: encodeConsentToken(token),
        clinician,
        revoked: false,
        createdAt: Date.now(),
      }
      await grantStore.put(stored)
      return grantView(stored, await clinicianStore.list())
    },
    async revoke(id) {
      const g = (await grantStore.list()).find((x) => x.id.toLowerCase() === id.toLowerCase())
      if (!g) throw formError('This access is not in your list any more.', 'Reload the page to see your current list.')
      if (g.revoked) return
      const onLedger = await ledger.getConsent(consentKey(patient.address, id))
      if (!onLedger?.revocation) await revokeConsent(ledger, { party: patient, consentId: id })
      await custodian.purgeConsent({ grantor: patient, consentId: id })
      await grantStore.put({ ...g, revoked: true })
    },
    resource: (commitment) => values.get(commitment.toLowerCase()),
    sharedRecords: ({ resourceTypes }) =>
      records.filter((r) => resourceTypes.includes(r.resourceType)).map((r) => r.commitment),
    async verifyLog() {
      const log = service.log
      const head = await log.signedHead()
      const size = head.head.treeSize
      if (size === 0) return { rows: [], anchored: undefined, size }
      // the ledger's latest head of this log, and the service's head proven to extend it
      let anchored: TreeHeadRecord | undefined
      let headError: string | undefined
      try {
        const latest = await ledger.getTreeHead(head.head.logId)
        if (latest) {
          const proof =
            latest.head.treeSize === size ? undefined : await log.proveConsistency(latest.head.treeSize, size)
          const v = await verifyLogAgainstLedger(ledger, {
            head,
            operator: log.operator,
            ...(proof ? { proof } : {}),
          })
          anchored = v.anchored
        } // else: nothing anchored yet, every row is pending
      } catch (err) {
        headError = errorCode(err)
      }
      const cs = await clinicianStore.list()
      const who = (a: string) => {
        if (a.toLowerCase() === patient.address.toLowerCase()) return 'You'
        return cs.find((c) => c.address.toLowerCase() === a.toLowerCase())?.name ?? a
      }
      const rows: PatientLogRow[] = []
      const events = await log.getEvents(0, size)
      for (const [index, event] of events.entries()) {
        const record = byCommitment.get(event.commitment.toLowerCase())
        if (!record) continue // another patient's record: not shown
        const base = { index, event, record: record.name, who: who(event.actor) }
        try {
          if (headError) throw new Error(headError)
          if (anchored && index < anchored.head.treeSize) {
            const n = anchored.head.treeSize
            verifyEventInclusion({
              event,
              index,
              head: { head: anchored.head, signature: anchored.signature },
              proof: await log.proveInclusion(index, n),
              operator: log.operator,
              domain: ledger.domain,
            })
            rows.push({ ...base, status: 'verified' })
          } else {
            verifyEventInclusion({
              event,
              index,
              head,
              proof: await log.proveInclusion(index, size),
              operator: log.operator,
              domain: ledger.domain,
            })
            rows.push({ ...base, status: 'pending' })
          }
        } catch (err) {
          rows.push({ ...base, status: 'failed', error: headError ?? errorCode(err) })
        }
      }
      return { rows, anchored, size }
    },
  }
  return app
}
