/**
 * Recipe 3, insurance claim with purpose-bound consent: a patient's records of two encounters are sealed, anchored and
 * held by the EHR vendor's custodian. The patient grants an insurer `read` for payment (`HPAYMT`) of one encounter's
 * `Claim` and its supporting resources (scoped by their commitments, not by type) for 30 days. The insurer reads
 * through the custodian; a read for another purpose, of the other encounter's records, or by another insurer is
 * refused; every attempt is an event in the patient's access log, proven included in a head anchored on the ledger,
 * and rendered as a FHIR `AuditEvent`.
 * @module
 */
import {
  bytesToHex0x,
  canonicalize,
  consentKey,
  createAccessLog,
  createAnchorer,
  createCustodian,
  createDeposit,
  createKeyRequest,
  createParty,
  grantConsent,
  type Hex,
  type LedgerAdapter,
  open,
  type Party,
  seal,
  verifyReceipt,
} from '@medseal/core'
import { assertValidResource, auditEventFromLogEntry, consentToFhir } from '@medseal/fhir'
import { codeOf, type RecipeOptions } from '../shared/ledger.js'
import { type RecipeCheck, type RecipeState, runRecipe } from '../shared/state.js'
import { verifyPatientLog } from '../shared/verifyPatientLog.js'

/** The two encounters of the recipe's patient: an emergency visit (claimed) and a psychiatry visit (not shared). */
export function claimRecords(): { claimed: Record<string, unknown>[]; other: Record<string, unknown>[] } {
  const patient = { reference: 'Patient/p1' }
  const insurer = { display: 'Acme Health Insurance' }
  const provider = { display: 'Springfield General Hospital' }
  const claimed = [
    {
      resourceType: 'Encounter',
      id: 'enc-er-1',
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'EMER', display: 'emergency' },
      subject: patient,
      period: { start: '2026-10-03T18:20:00Z', end: '2026-10-03T22:05:00Z' },
    },
    {
      resourceType: 'Condition',
      id: 'cond-ankle',
      clinicalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
      },
      code: {
        coding: [
          { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'S82.61XA', display: 'Fracture of lateral malleolus' },
        ],
      },
      subject: patient,
      encounter: { reference: 'Encounter/enc-er-1' },
    },
    {
      resourceType: 'Procedure',
      id: 'proc-xray',
      status: 'completed',
      code: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '73610', display: 'X-ray ankle, 3 views' }] },
      subject: patient,
      encounter: { reference: 'Encounter/enc-er-1' },
    },
    {
      resourceType: 'Claim',
      id: 'claim-er-1',
      status: 'active',
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'institutional' }] },
      use: 'claim',
      patient,
      created: '2026-10-04T09:00:00Z',
      insurer,
      provider,
      priority: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/processpriority', code: 'normal' }] },
      diagnosis: [{ sequence: 1, diagnosisReference: { reference: 'Condition/cond-ankle' } }],
      procedure: [{ sequence: 1, procedureReference: { reference: 'Procedure/proc-xray' } }],
      insurance: [{ sequence: 1, focal: true, coverage: { reference: 'Coverage/cov-1' } }],
      item: [
        {
          sequence: 1,
          productOrService: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '73610' }] },
          encounter: [{ reference: 'Encounter/enc-er-1' }],
          net: { value: 182.5, currency: 'USD' },
        },
      ],
      total: { value: 182.5, currency: 'USD' },
    },
  ]
  const other = [
    {
      resourceType: 'Encounter',
      id: 'enc-psy-1',
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
      subject: patient,
      period: { start: '2026-09-12T15:00:00Z', end: '2026-09-12T15:50:00Z' },
    },
    {
      resourceType: 'Claim',
      id: 'claim-psy-1',
      status: 'active',
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'professional' }] },
      use: 'claim',
      patient,
      created: '2026-09-13T09:00:00Z',
      insurer,
      provider,
      priority: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/processpriority', code: 'normal' }] },
      insurance: [{ sequence: 1, focal: true, coverage: { reference: 'Coverage/cov-1' } }],
    },
  ]
  return { claimed, other }
}

/** What the insurance-claim recipe verified. */
export type InsuranceClaimSummary = {
  readonly ledger: string
  readonly ledgerId: string
  /** Records anchored and held by the custodian (both encounters). */
  readonly recordsAnchored: number
  /** The grant as registered on the ledger. */
  readonly grant: {
    readonly purposes: readonly string[]
    readonly actions: readonly string[]
    readonly records: number
    readonly days: number
  }
  /** Resource types the insurer read (each decrypted to the sealed resource). */
  readonly insurerRead: readonly string[]
  /** How each out-of-bounds read was refused. */
  readonly refused: Readonly<Record<'otherPurpose' | 'otherEncounter' | 'otherInsurer', string>>
  /** The insurer's read after 30 days of ledger time (`not run` where the ledger's clock cannot be moved). */
  readonly expired: string
  /** The patient's access log: events proven included in the anchored head, permits and denials among them. */
  readonly log: {
    readonly events: number
    readonly verified: number
    readonly permits: number
    readonly denials: number
  }
  /** `AuditEvent.purposeOfUse` codes of the rendered permits. */
  readonly auditPurposes: readonly string[]
}

/**
 * Runs the insurance-claim recipe.
 *
 * @param options - `rpc` for an EVM node (default: the memory ledger)
 * @param output - where each verified step is reported
 * @returns the {@link InsuranceClaimSummary}
 * @throws Error when a check fails (the message names it)
 * @example
 * ```ts
 * const summary = await run({}, console.log)
 * summary.insurerRead // ['Encounter', 'Condition', 'Procedure', 'Claim']
 * ```
 */
export async function run(
  options: RecipeOptions = {},
  output: (line: string) => void = () => {},
): Promise<InsuranceClaimSummary> {
  return runRecipe(
    { recipe: 'insurance-claim', title: 'insurance claim with purpose-bound consent', options, output },
    (state, check) => story(state, output, check),
  )
}

async function story(
  state: RecipeState,
  output: (line: string) => void,
  check: RecipeCheck,
): Promise<InsuranceClaimSummary> {
  const { ledger, advanceTime, stores } = state
  const [patient, vendor, insurer, otherInsurer] = Array.from({ length: 4 }, () => createParty()) as [
    Party,
    Party,
    Party,
    Party,
  ]
  // The custodian's log for this patient: every key release or refusal about the patient's records lands here.
  const logName = `patient-access:${patient.address}`
  const log = await createAccessLog({ operator: vendor, ledger, name: logName, store: stores.accessLog(logName) })
  const custodian = createCustodian({ party: vendor, ledger, log, store: stores.custodian })

  // 1. The provider seals both encounters' records to the patient and the custodian, anchors and deposits them.
  const { claimed, other } = claimRecords()
  const sealRecords = async (resources: Record<string, unknown>[]) =>
    Promise.all(
      resources.map(async (r) => {
        const resource = assertValidResource(r) as Record<string, unknown>
        const s = await seal(resource, { recipients: [patient, custodian.identity] })
        return { resource, envelope: s.envelope, commitment: s.commitment, hex: bytesToHex0x(s.commitment) }
      }),
    )
  const claimedSealed = await sealRecords(claimed)
  const otherSealed = await sealRecords(other)
  const all = [...claimedSealed, ...otherSealed]
  const anchorer = createAnchorer(ledger, {
    maxBatchSize: 1_000,
    maxDelayMs: 3_600_000,
    store: stores.anchor('claim-records'),
  })
  const pending = all.map((s) => anchorer.add(s.commitment))
  await anchorer.close()
  const receipts = await Promise.all(pending)
  let anchored = 0
  for (const [i, s] of all.entries()) {
    await verifyReceipt(ledger, { receipt: receipts[i] as (typeof receipts)[number], commitment: s.commitment })
    await custodian.deposit(
      await createDeposit({
        owner: patient,
        envelope: s.envelope,
        custodian: custodian.identity,
        domain: ledger.domain,
      }),
    )
    anchored++
  }
  check(
    anchored === 6,
    '6 records of two encounters sealed, anchored (receipts verified) and deposited with the custodian',
  )

  // 2. The patient grants the insurer HPAYMT read of the claimed encounter's records only, for 30 days.
  const { token } = await grantConsent30Days(
    ledger,
    patient,
    insurer,
    claimedSealed.map((s) => s.hex),
  )
  const onLedger = await ledger.getConsent(consentKey(token.consent.grantor, token.consent.id))
  const days = onLedger ? (onLedger.consent.expiresAt - onLedger.consent.notBefore) / 86_400 : 0
  const fhirConsent = consentToFhir(token, { patient: { reference: 'Patient/p1' } }) as {
    provision?: { purpose?: { code?: string }[] }
  }
  check(
    onLedger !== undefined &&
      days === 30 &&
      onLedger.consent.commitments.length === 4 &&
      onLedger.consent.resourceTypes.length === 0 &&
      fhirConsent.provision?.purpose?.[0]?.code === 'HPAYMT',
    'patient granted the insurer read for HPAYMT of the emergency encounter’s Claim, Encounter, Condition and Procedure (4 records by commitment), 30 days, registered on the ledger and expressible as a FHIR Consent',
  )

  // 3. The insurer reads through the custodian.
  const request = async (who: Party, commitment: Hex, purpose: string) =>
    createKeyRequest(who, ledger.domain, {
      consentId: token.consent.id,
      grantor: token.consent.grantor,
      commitment,
      action: 'read',
      purpose,
      issuedAt: await ledger.getTime(),
      custodian: custodian.identity,
    })
  const insurerRead: string[] = []
  for (const s of claimedSealed) {
    const { envelope } = await custodian.releaseKey(await request(insurer, s.hex, 'HPAYMT'))
    const { value } = await open(envelope, insurer)
    if (canonicalize(value) === canonicalize(s.resource)) insurerRead.push(s.resource.resourceType as string)
  }
  check(
    insurerRead.length === 4,
    `insurer read the claim packet for payment: ${insurerRead.join(', ')} (each decrypted to the sealed resource)`,
  )

  // 4. Out of bounds: another purpose, the other encounter, another insurer.
  const claim = claimedSealed[3] as (typeof claimedSealed)[number]
  const otherClaim = otherSealed[1] as (typeof otherSealed)[number]
  const refused = {
    otherPurpose:
      (await codeOf(async () => custodian.releaseKey(await request(insurer, claim.hex, 'HMARKT')))) ?? 'read',
    otherEncounter:
      (await codeOf(async () => custodian.releaseKey(await request(insurer, otherClaim.hex, 'HPAYMT')))) ?? 'read',
    otherInsurer:
      (await codeOf(async () => custodian.releaseKey(await request(otherInsurer, claim.hex, 'HPAYMT')))) ?? 'read',
  }
  check(
    refused.otherPurpose === 'CONSENT_PURPOSE' &&
      refused.otherEncounter === 'CONSENT_SCOPE' &&
      refused.otherInsurer === 'CONSENT_GRANTEE',
    'refused: the same Claim for marketing (CONSENT_PURPOSE), the psychiatry encounter’s Claim (CONSENT_SCOPE), another insurer with the token (CONSENT_GRANTEE)',
  )

  // 5. Thirty days later by the ledger's clock (not the insurer's), the grant has ended by itself.
  let expired = 'not run'
  if (await advanceTime(30 * 86_400 + 1)) {
    expired = (await codeOf(async () => custodian.releaseKey(await request(insurer, claim.hex, 'HPAYMT')))) ?? 'read'
    check(
      expired === 'CONSENT_EXPIRED',
      'after 30 days of ledger time the insurer’s next read is refused (CONSENT_EXPIRED)',
    )
  } else output('- expiry not shown: this ledger’s clock cannot be moved ahead (a real chain)')

  // 6. The patient verifies the log: every event included in the head anchored on the ledger.
  const events = await verifyPatientLog(ledger, { log, operator: vendor.address })
  const mine = new Set(all.map((s) => s.hex.toLowerCase()))
  const permits = events.filter((e) => e.outcome === 'permit')
  const denials = events.filter((e) => e.outcome === 'deny')
  const audit = permits.map((e) =>
    auditEventFromLogEntry(e, {
      observer: { display: 'EHR custodian' },
      logId: log.logId,
      patient: { reference: 'Patient/p1' },
    }),
  )
  const auditPurposes = audit.map((a) => a.purposeOfEvent?.[0]?.coding?.[0]?.code ?? '')
  check(
    events.length === (expired === 'not run' ? 7 : 8) &&
      events.every((e) => mine.has(e.commitment.toLowerCase())) &&
      permits.length === 4 &&
      permits.every(
        (e) =>
          e.purpose === 'HPAYMT' &&
          e.actor.toLowerCase() === insurer.address.toLowerCase() &&
          e.consentId === token.consent.id,
      ) &&
      denials.length === events.length - 4 &&
      auditPurposes.every((p) => p === 'HPAYMT'),
    `patient verified the access log: ${events.length} events (4 HPAYMT reads, ${denials.length} refusals), each proven included in the head anchored on the ledger, rendered as FHIR AuditEvents`,
  )
  return Object.freeze({
    ledger: ledger.name,
    ledgerId: ledger.ledgerId,
    recordsAnchored: anchored,
    grant: Object.freeze({
      purposes: onLedger?.consent.purposes ?? [],
      actions: onLedger?.consent.actions ?? [],
      records: onLedger?.consent.commitments.length ?? 0,
      days,
    }),
    insurerRead: Object.freeze(insurerRead),
    refused: Object.freeze(refused),
    expired,
    log: Object.freeze({
      events: events.length,
      verified: events.length,
      permits: permits.length,
      denials: denials.length,
    }),
    auditPurposes: Object.freeze(auditPurposes),
  })
}

/** The grant: read for payment, the listed records only, 30 days from the ledger's time. */
async function grantConsent30Days(ledger: LedgerAdapter, patient: Party, insurer: Party, commitments: Hex[]) {
  return grantConsent(ledger, {
    party: patient,
    grantee: insurer,
    commitments,
    actions: ['read'],
    purposes: ['HPAYMT'],
    durationSeconds: 30 * 86_400,
  })
}
