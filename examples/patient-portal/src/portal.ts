/**
 * The portal's model: every medseal step the page shows, with no DOM. The patient's and the doctor's parties come
 * from the browser key store; the custodian (a key-release service a hospital or vendor would run) and its access
 * log live in this page too, so the whole story runs in one tab.
 * @module
 */
import {
  type AccessEvent,
  type AccessLog,
  type AccessLogStore,
  type AnchorStore,
  bytesToHex0x,
  type ConsentToken,
  type Custodian,
  type CustodianStore,
  consentKey,
  contentIdOf,
  createAccessLog,
  createAnchorer,
  createCustodian,
  createDeposit,
  createKeyRequest,
  createMemorySyncCheckpointStore,
  decodeConsentToken,
  decodeEnvelope,
  encodeConsentToken,
  encodeEnvelope,
  grantConsent,
  type Hex,
  hexToBytes,
  isSdkError,
  type LedgerAdapter,
  type LedgerRef,
  open,
  type Party,
  type Receipt,
  revokeConsent,
  type SyncCheckpoint,
  type SyncCheckpointStore,
  seal,
  verifyEventInclusion,
  verifyLogAgainstLedger,
  verifyReceipt,
} from '@medseal/core'
import { demoResources } from './demoData.js'
import type { GrantStore } from './grantStore.js'

/** One sealed record as the patient's list shows it. */
export type PortalRecord = {
  readonly resourceType: string
  readonly label: string
  readonly commitment: Hex
  readonly receipt: Receipt
  /** Set once `verifyReceipt` passed against the ledger. */
  readonly verified?: { readonly root: Hex; readonly anchoredAt: LedgerRef; readonly treeSize: number }
  /** Set when verification failed: the error code. */
  readonly error?: string
}

/** One access-log row with its verification status. */
export type PortalLogRow = {
  readonly index: number
  readonly event: AccessEvent
  /** `verified` when the inclusion proof checks against a signed head that the ledger holds (or extends). */
  readonly status: 'verified' | 'failed'
  readonly treeSize: number
  readonly error?: string
}

/** The outcome of a doctor's read attempt. */
export type ReadOutcome =
  | { readonly ok: true; readonly resource: Record<string, unknown> }
  | { readonly ok: false; readonly code: string; readonly message: string }

/** The portal's state and actions. */
export type Portal = {
  readonly ledger: LedgerAdapter
  readonly patient: Party
  readonly doctor: Party
  readonly custodian: Custodian
  readonly log: AccessLog
  readonly records: readonly PortalRecord[]
  /** The compact token of the current grant (what the patient would hand over as a link or QR code). */
  readonly grant: string | undefined
  readonly revoked: boolean
  grantAccess(params: { resourceTypes: readonly string[]; durationSeconds: number }): Promise<ConsentToken>
  revokeAccess(): Promise<void>
  doctorRead(commitment: Hex, token: string): Promise<ReadOutcome>
  verifyLog(): Promise<{ rows: PortalLogRow[]; anchored: LedgerRef | undefined; exact: boolean | undefined }>
}

const errorCode = (err: unknown) => (isSdkError(err) ? err.code : 'UNKNOWN')

/** Where the portal keeps its state. Everything defaults to memory (gone on reload). */
export type PortalStores = {
  /** The access log's entries and tree. */
  readonly accessLog?: AccessLogStore
  /** The custodian's records, releases and replay memory (of the same database as `accessLog`). */
  readonly custodian?: CustodianStore
  /** The anchorer's accepted commitments and their receipts (what was pending at a reload is anchored then). */
  readonly anchor?: AnchorStore
  /** The patient's records: one checkpoint per demo resource, written sealed, then again with its receipt. */
  readonly records?: SyncCheckpointStore
  /** The patient's current grant. */
  readonly grants?: GrantStore
  /** Resolves once every ledger write made so far is durable (the memory ledger's snapshot); default: at once. */
  readonly persisted?: () => Promise<void>
}

/**
 * Opens the portal: the patient's records are read back from `stores.records` (sealing and anchoring only what is not
 * there yet, so a reload or an interrupted first visit seals nothing twice), each receipt is verified against the
 * ledger, each envelope is opened with the patient's key (the label the list shows) and deposited with the custodian
 * (a repeat deposit is a no-op). The current grant is read back from `stores.grants`.
 *
 * @param ledger - the ledger to anchor, register consents and publish log heads on
 * @param params - the patient, the doctor, the custodian's party (also the access log's operator) and the stores
 * @returns the portal
 * @throws {@link LedgerError} when the ledger refuses or cannot be reached while seeding (receipt failures are shown
 *   per record instead)
 * @throws {@link StoreError} when a store cannot be read, or holds a row that fails its checks (`STORE_CORRUPT`)
 * @example
 * ```ts
 * const portal = await createPortal(ledger, { patient, doctor, operator: createParty() })
 * ```
 */
export async function createPortal(
  ledger: LedgerAdapter,
  params: { patient: Party; doctor: Party; operator: Party; stores?: PortalStores },
): Promise<Portal> {
  const { patient, doctor, operator } = params
  const stores = params.stores ?? {}
  const persisted = stores.persisted ?? (async () => undefined)
  const log = await createAccessLog({
    operator,
    ledger,
    name: 'patient-portal-access',
    ...(stores.accessLog ? { store: stores.accessLog } : {}),
  })
  const custodian = createCustodian({
    party: operator,
    ledger,
    log,
    ...(stores.custodian ? { store: stores.custodian } : {}),
  })
  const checkpoints = stores.records ?? createMemorySyncCheckpointStore()

  // 1. every demo resource sealed once, its checkpoint written before its commitment goes to the anchorer
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
  // 2. what has no receipt yet is anchored (one batch); the receipt is kept once the ledger write is durable
  const missing = sealed.filter((cp) => !cp.receipt)
  if (missing.length > 0) {
    const anchorer = createAnchorer(ledger, stores.anchor ? { store: stores.anchor } : {})
    await anchorer.ready
    const receipts = missing.map((cp) => anchorer.add(cp.commitment))
    await anchorer.close()
    const got = await Promise.all(receipts)
    await persisted()
    for (const [i, cp] of missing.entries()) {
      const withReceipt = { ...cp, receipt: got[i] as Receipt }
      await checkpoints.put(withReceipt)
      sealed[sealed.indexOf(cp)] = withReceipt
    }
  }
  // 3. deposited with the custodian (idempotent), opened by the patient, verified against the ledger
  const records: PortalRecord[] = []
  for (const cp of sealed) {
    const envelope = decodeEnvelope(cp.envelope)
    await custodian.deposit(
      await createDeposit({ owner: patient, envelope, custodian: custodian.identity, domain: ledger.domain }),
    )
    const { value } = await open<Record<string, unknown>>(envelope, patient)
    const receipt = cp.receipt as Receipt
    const base = { resourceType: cp.resourceType, label: labelOf(value), commitment: cp.commitment, receipt }
    try {
      const v = await verifyReceipt(ledger, { receipt, commitment: hexToBytes(cp.commitment) })
      records.push({ ...base, verified: { root: v.root, anchoredAt: v.anchoredAt, treeSize: v.treeSize } })
    } catch (err) {
      records.push({ ...base, error: errorCode(err) })
    }
  }
  await persisted()

  const stored = await stores.grants?.get()
  let token: ConsentToken | undefined = stored ? decodeConsentToken(stored.token) : undefined
  let revoked = stored?.revoked ?? false
  // A revocation registered on the ledger whose tab closed before the purge and the local note: finish it now.
  if (token && !revoked) {
    const onLedger = await ledger.getConsent(consentKey(patient.address, token.consent.id))
    if (onLedger?.revocation) {
      await custodian.purgeConsent({ grantor: patient, consentId: token.consent.id })
      await stores.grants?.put({ token: encodeConsentToken(token), revoked: true })
      revoked = true
    }
  }
  let published = 0

  const portal: Portal = {
    ledger,
    patient,
    doctor,
    custodian,
    log,
    records,
    get grant() {
      return token ? encodeConsentToken(token) : undefined
    },
    get revoked() {
      return revoked
    },
    async grantAccess({ resourceTypes, durationSeconds }) {
      const granted = await grantConsent(ledger, {
        party: patient,
        grantee: doctor,
        resourceTypes: [...resourceTypes],
        actions: ['read'],
        purposes: ['TREAT'],
        durationSeconds,
      })
      await persisted()
      await stores.grants?.put({ token: encodeConsentToken(granted.token), revoked: false })
      token = granted.token
      revoked = false
      return granted.token
    },
    async revokeAccess() {
      if (!token) return
      await revokeConsent(ledger, { party: patient, consentId: token.consent.id })
      await custodian.purgeConsent({ grantor: patient, consentId: token.consent.id })
      await persisted()
      await stores.grants?.put({ token: encodeConsentToken(token), revoked: true })
      revoked = true
    },
    async doctorRead(commitment, compact) {
      try {
        const consent = decodeConsentToken(compact).consent
        const request = createKeyRequest(doctor, ledger.domain, {
          consentId: consent.id,
          grantor: consent.grantor,
          commitment,
          action: 'read',
          purpose: 'TREAT',
          issuedAt: await ledger.getTime(),
          custodian: custodian.identity,
        })
        const { envelope } = await custodian.releaseKey(request)
        const { value } = await open<Record<string, unknown>>(envelope, doctor)
        return { ok: true, resource: value }
      } catch (err) {
        return { ok: false, code: errorCode(err), message: isSdkError(err) ? err.shortMessage : 'Unexpected error.' }
      }
    },
    async verifyLog() {
      if (log.size === 0) return { rows: [], anchored: undefined, exact: undefined }
      if (log.size > published) {
        await log.publishHead()
        published = log.size
      }
      const head = await log.signedHead()
      let anchored: LedgerRef | undefined
      let exact: boolean | undefined
      let headError: string | undefined
      try {
        const v = await verifyLogAgainstLedger(ledger, { head, operator: operator.address })
        anchored = v.anchored.ref
        exact = v.exact
      } catch (err) {
        headError = errorCode(err)
      }
      const rows: PortalLogRow[] = []
      const treeSize = head.head.treeSize
      for (let index = 0; index < treeSize; index++) {
        const event = await log.getEvent(index)
        try {
          if (headError) throw new Error(headError)
          verifyEventInclusion({
            event,
            index,
            head,
            proof: await log.proveInclusion(index, treeSize),
            operator: operator.address,
            domain: ledger.domain,
          })
          rows.push({ index, event, status: 'verified', treeSize })
        } catch (err) {
          rows.push({ index, event, status: 'failed', treeSize, error: headError ?? errorCode(err) })
        }
      }
      return { rows, anchored, exact }
    },
  }
  return portal
}

function labelOf(r: Record<string, unknown>): string {
  const code = (r.code ?? r.medicationCodeableConcept) as { coding?: { display?: string }[]; text?: string } | undefined
  const text = code?.text ?? code?.coding?.[0]?.display
  if (r.resourceType === 'Patient') {
    const name = (r.name as { given?: string[]; family?: string }[] | undefined)?.[0]
    return `${name?.given?.join(' ') ?? ''} ${name?.family ?? ''}`.trim()
  }
  return text ?? String(r.resourceType)
}
