/**
 * The portal's model: every medseal step the page shows, with no DOM. The patient's and the doctor's parties come
 * from the browser key store; the custodian (a key-release service a hospital or vendor would run) and its access
 * log live in this page too, so the whole story runs in one tab.
 * @module
 */
import {
  type AccessEvent,
  type AccessLog,
  bytesToHex0x,
  type ConsentToken,
  type Custodian,
  createAccessLog,
  createAnchorer,
  createCustodian,
  createDeposit,
  createKeyRequest,
  decodeConsentToken,
  encodeConsentToken,
  grantConsent,
  type Hex,
  isSdkError,
  type LedgerAdapter,
  type LedgerRef,
  open,
  type Party,
  type Receipt,
  revokeConsent,
  seal,
  verifyEventInclusion,
  verifyLogAgainstLedger,
  verifyReceipt,
} from '@medseal/core'
import { demoResources } from './demoData.js'

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

/**
 * Seals the demo resources to the patient and the custodian, anchors their commitments in one batch, verifies
 * every receipt against the ledger and deposits the envelopes with the custodian.
 *
 * @param ledger - the ledger to anchor, register consents and publish log heads on
 * @param params - the patient, the doctor and the custodian's party (also the access log's operator)
 * @returns the portal
 * @throws {@link LedgerError} when the ledger refuses or cannot be reached while seeding (receipt failures are shown
 *   per record instead)
 * @example
 * ```ts
 * const portal = await createPortal(ledger, { patient, doctor, operator: createParty() })
 * ```
 */
export async function createPortal(
  ledger: LedgerAdapter,
  params: { patient: Party; doctor: Party; operator: Party },
): Promise<Portal> {
  const { patient, doctor, operator } = params
  const log = await createAccessLog({ operator, ledger, name: 'patient-portal-access' })
  const custodian = createCustodian({ party: operator, ledger, log })

  const sealed = await Promise.all(
    demoResources.map((r) => seal(r, { recipients: [patient, custodian.identity] }).then((s) => ({ ...s, r }))),
  )
  const anchorer = createAnchorer(ledger)
  const receipts = sealed.map((s) => anchorer.add(s.commitment))
  await anchorer.close()
  const records: PortalRecord[] = []
  for (const [i, s] of sealed.entries()) {
    const receipt = await (receipts[i] as Promise<Receipt>)
    await custodian.deposit(
      await createDeposit({
        owner: patient,
        envelope: s.envelope,
        custodian: custodian.identity,
        domain: ledger.domain,
      }),
    )
    const base = {
      resourceType: String(s.r.resourceType),
      label: labelOf(s.r),
      commitment: bytesToHex0x(s.commitment),
      receipt,
    }
    try {
      const v = await verifyReceipt(ledger, { receipt, commitment: s.commitment })
      records.push({ ...base, verified: { root: v.root, anchoredAt: v.anchoredAt, treeSize: v.treeSize } })
    } catch (err) {
      records.push({ ...base, error: errorCode(err) })
    }
  }

  let token: ConsentToken | undefined
  let revoked = false
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
      token = granted.token
      revoked = false
      return granted.token
    },
    async revokeAccess() {
      if (!token) return
      await revokeConsent(ledger, { party: patient, consentId: token.consent.id })
      await custodian.purgeConsent({ grantor: patient, consentId: token.consent.id })
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
