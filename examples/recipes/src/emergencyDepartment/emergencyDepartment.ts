/**
 * Recipe 5, emergency department: a patient arrives unconscious. Months earlier the patient signed an emergency
 * policy: credentialed emergency physicians of accepted issuers may read allergies, medications, conditions and
 * observations, never psychiatric (`PSY`) records, for at most 4 hours. The ED physician breaks the glass with a stated
 * reason; the access is logged as `ETREAT` and the log head anchored at once; the integrator's hook notifies the
 * patient and the privacy officer, whose review queue holds the access until reviewed. The physician reads through the
 * custodian; what the policy does not open is refused; a clinician without an accepted credential, or without a
 * reason, cannot break the glass; 4 hours later (ledger time) the access has ended by itself; and once the hospital
 * withdraws the physician's credential on the ledger, it opens nothing any more.
 * @module
 */
import {
  bytesToHex0x,
  canonicalize,
  createAccessLog,
  createAnchorer,
  createBreakGlass,
  createClinicianCredential,
  createCustodian,
  createDeposit,
  createEmergencyPolicy,
  createKeyRequest,
  createParty,
  type EmergencyGrant,
  type Hex,
  open,
  type Party,
  seal,
  signClinicianCredential,
  signEmergencyPolicy,
  verifyReceipt,
  withdrawClinicianCredential,
} from '@medseal/core'
import { assertValidResource, auditEventFromLogEntry } from '@medseal/fhir'
import { codeOf, type RecipeOptions } from '../shared/ledger.js'
import { type RecipeCheck, type RecipeState, runRecipe } from '../shared/state.js'
import { verifyPatientLog } from '../shared/verifyPatientLog.js'

/** The patient's chart in the recipe (synthetic). */
export function edChart(): Record<string, unknown>[] {
  const subject = { reference: 'Patient/ed-1' }
  const snomed = 'http://snomed.info/sct'
  return [
    { resourceType: 'Patient', id: 'ed-1', gender: 'male', birthDate: '1958-02-17' },
    {
      resourceType: 'AllergyIntolerance',
      id: 'allergy-pcn',
      patient: subject,
      code: { coding: [{ system: snomed, code: '91936005', display: 'Allergy to penicillin' }] },
      criticality: 'high',
    },
    {
      resourceType: 'MedicationRequest',
      id: 'med-warfarin',
      status: 'active',
      intent: 'order',
      subject,
      medicationCodeableConcept: {
        coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '855332', display: 'warfarin 5 MG' }],
      },
    },
    {
      resourceType: 'Condition',
      id: 'cond-af',
      subject,
      code: { coding: [{ system: snomed, code: '49436004', display: 'Atrial fibrillation' }] },
    },
    {
      resourceType: 'Observation',
      id: 'obs-inr',
      status: 'final',
      subject,
      code: { coding: [{ system: 'http://loinc.org', code: '6301-6', display: 'INR' }] },
      valueQuantity: { value: 2.6 },
    },
    {
      resourceType: 'Condition',
      id: 'cond-psy',
      meta: {
        security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'PSY', display: 'psychiatry' }],
      },
      subject,
      code: { coding: [{ system: snomed, code: '35489007', display: 'Depressive disorder' }] },
    },
  ]
}

/** A message the integrator's hook sends (no PHI: who, when, why, where to review). */
export type EmergencyNotification = {
  readonly to: 'patient' | 'privacy-officer'
  readonly grantId: Hex
  readonly clinician: string
  readonly reason: string
  readonly until: number
}

/** What the emergency-department recipe verified. */
export type EmergencyDepartmentSummary = {
  readonly ledger: string
  readonly ledgerId: string
  /** Minutes the emergency access lasts (the policy's cap). */
  readonly minutes: number
  /** The break-glass log entry was anchored at once (head on the ledger covers it before any read). */
  readonly anchoredAtOnce: boolean
  /** Who was notified. */
  readonly notified: readonly string[]
  /** Resource types the ED physician read (each decrypted to the sealed resource). */
  readonly read: readonly string[]
  /** How each out-of-policy request was refused. */
  readonly refused: Readonly<
    Record<
      | 'psychiatric'
      | 'demographics'
      | 'otherPurpose'
      | 'noReason'
      | 'unacceptedIssuer'
      | 'afterExpiry'
      | 'withdrawnCredential',
      string
    >
  >
  /** The privacy officer's queue: pending before and after review. */
  readonly pendingBeforeReview: number
  readonly pendingAfterReview: number
  /** The patient's log: events verified against the anchored head; ETREAT permits among them. */
  readonly logEvents: number
  readonly emergencyReads: number
  readonly auditPurposes: readonly string[]
}

/**
 * Runs the emergency-department recipe.
 *
 * @param options - `rpc` for an EVM node (default: the memory ledger)
 * @param output - where each verified step is reported
 * @returns the {@link EmergencyDepartmentSummary}
 * @throws Error when a check fails (the message names it)
 * @example
 * ```ts
 * const summary = await run({}, console.log)
 * summary.refused.afterExpiry // 'CONSENT_EXPIRED'
 * ```
 */
export async function run(
  options: RecipeOptions = {},
  output: (line: string) => void = () => {},
): Promise<EmergencyDepartmentSummary> {
  return runRecipe(
    { recipe: 'emergency-department', title: 'emergency department break-glass', options, output },
    (state, check) => story(state, output, check),
  )
}

async function story(
  state: RecipeState,
  output: (line: string) => void,
  check: RecipeCheck,
): Promise<EmergencyDepartmentSummary> {
  const { ledger, advanceTime, stores } = state
  const [patient, vendor, hospital, otherHospital, edPhysician, visitingPhysician, privacyOfficer] = Array.from(
    { length: 7 },
    () => createParty(),
  ) as [Party, Party, Party, Party, Party, Party, Party]

  const logName = `patient-access:${patient.address}`
  const log = await createAccessLog({ operator: vendor, ledger, name: logName, store: stores.accessLog(logName) })
  const notifications: EmergencyNotification[] = []
  const emergency = createBreakGlass({
    ledger,
    log,
    store: stores.breakGlass,
    notify: ({ grant }: { grant: EmergencyGrant }) => {
      for (const to of ['patient', 'privacy-officer'] as const)
        notifications.push({
          to,
          grantId: grant.id,
          clinician: grant.clinician,
          reason: grant.reason,
          until: grant.expiresAt,
        })
    },
  })
  const custodian = createCustodian({ party: vendor, ledger, log, breakGlass: emergency, store: stores.custodian })

  // 1. The chart: sealed to the patient and the custodian, anchored, deposited.
  const chart = await Promise.all(
    edChart().map(async (r) => {
      const resource = assertValidResource(r) as Record<string, unknown>
      const s = await seal(resource, { recipients: [patient, custodian.identity] })
      return { resource, envelope: s.envelope, commitment: s.commitment, hex: bytesToHex0x(s.commitment) }
    }),
  )
  const anchorer = createAnchorer(ledger, { maxBatchSize: 1_000, maxDelayMs: 3_600_000, store: stores.anchor('chart') })
  const pending = chart.map((s) => anchorer.add(s.commitment))
  await anchorer.close()
  const receipts = await Promise.all(pending)
  for (const [i, s] of chart.entries()) {
    await verifyReceipt(ledger, { receipt: receipts[i] as (typeof receipts)[number], commitment: s.commitment })
    // the patient signs the deposit statement; the custodian opens the record and checks it before indexing it
    await custodian.deposit(
      await createDeposit({
        owner: patient,
        envelope: s.envelope,
        custodian: custodian.identity,
        domain: ledger.domain,
      }),
    )
  }

  // 2. Months earlier: the patient's emergency policy; the hospital credentials its ED physicians (and another
  //    hospital, not named in the policy, credentials a visiting physician).
  const now = await ledger.getTime()
  const policy = signEmergencyPolicy(
    patient,
    ledger.domain,
    createEmergencyPolicy({
      patient,
      resourceTypes: ['AllergyIntolerance', 'MedicationRequest', 'Condition', 'Observation'],
      exclude: ['PSY'],
      issuers: [hospital],
      role: 'emergency-physician',
      maxDuration: 4 * 3600,
      notBefore: now,
      expiresAt: now + 365 * 86_400,
    }),
  )
  const credential = (issuer: Party, subject: Party) =>
    signClinicianCredential(
      issuer,
      ledger.domain,
      createClinicianCredential({
        issuer,
        subject,
        role: 'emergency-physician',
        notBefore: now,
        expiresAt: now + 90 * 86_400,
      }),
    )
  const edCredential = credential(hospital, edPhysician)
  check(
    chart.length === 6,
    '6 records sealed, anchored and held by the custodian; the patient’s signed emergency policy opens allergies, medications, conditions, observations (never PSY) for at most 4 h to emergency physicians credentialed by the hospital',
  )

  // 3. The patient arrives unconscious. No reason, no glass; a credential from an issuer the policy does not name,
  //    no glass either (and that attempt is logged).
  const noReason = await codeOf(() =>
    emergency.breakGlass({ clinician: edPhysician, policy, credential: edCredential, reason: '' }),
  )
  const unacceptedIssuer = await codeOf(() =>
    emergency.breakGlass({
      clinician: visitingPhysician,
      policy,
      credential: credential(otherHospital, visitingPhysician),
      reason: 'Unresponsive on arrival',
    }),
  )
  const grant = await emergency.breakGlass({
    clinician: edPhysician,
    policy,
    credential: edCredential,
    reason: 'Unresponsive on arrival after a fall; anticoagulation and allergy status needed before treatment',
  })
  const headAfter = await ledger.getTreeHead(log.logId)
  const anchoredAtOnce = headAfter !== undefined && headAfter.head.treeSize === log.size
  const minutes = (grant.expiresAt - grant.startsAt) / 60
  check(
    noReason === 'BREAK_GLASS_INVALID' && unacceptedIssuer === 'BREAK_GLASS_INVALID',
    'break-glass refused without a reason, and for a physician credentialed by a hospital the policy does not accept (BREAK_GLASS_INVALID)',
  )
  check(
    anchoredAtOnce && minutes === 240 && grant.reason.length > 0,
    `ED physician broke the glass with a stated reason: access for ${minutes} min, logged as ETREAT and the log head anchored on the ledger at once`,
  )
  check(
    notifications.map((n) => n.to).join() === 'patient,privacy-officer' &&
      notifications.every((n) => n.grantId === grant.id),
    'the patient and the privacy officer were notified (who, why, until when; no clinical content)',
  )

  // 4. The ED physician reads what the policy opens, through the custodian.
  const request = async (commitment: Hex, purpose = 'ETREAT') =>
    createKeyRequest(edPhysician, ledger.domain, {
      consentId: grant.id, // derived from the signed break-glass request: it can never be someone's consent id
      grantor: grant.patient,
      commitment,
      action: 'read',
      purpose,
      issuedAt: await ledger.getTime(),
      custodian: custodian.identity,
    })
  const read: string[] = []
  const opened = chart.filter(
    (s) =>
      ['AllergyIntolerance', 'MedicationRequest', 'Observation'].includes(s.resource.resourceType as string) ||
      s.resource.id === 'cond-af',
  )
  for (const s of opened) {
    const { envelope } = await custodian.releaseKey(await request(s.hex))
    const { value } = await open(envelope, edPhysician)
    if (canonicalize(value) === canonicalize(s.resource)) read.push(s.resource.resourceType as string)
  }
  const byId = (id: string) => chart.find((s) => s.resource.id === id) as (typeof chart)[number]
  const psychiatric = (await codeOf(async () => custodian.releaseKey(await request(byId('cond-psy').hex)))) ?? 'read'
  const demographics = (await codeOf(async () => custodian.releaseKey(await request(byId('ed-1').hex)))) ?? 'read'
  const otherPurpose =
    (await codeOf(async () => custodian.releaseKey(await request(byId('allergy-pcn').hex, 'TREAT')))) ?? 'read'
  check(
    read.length === 4 &&
      psychiatric === 'CONSENT_EXCLUDED' &&
      demographics === 'CONSENT_SCOPE' &&
      otherPurpose !== 'read',
    `ED physician read ${read.join(', ')} (ETREAT, each decrypted to the sealed resource); the psychiatric record (CONSENT_EXCLUDED), the Patient resource (CONSENT_SCOPE) and a non-emergency purpose (${otherPurpose}) refused`,
  )

  // 5. Four hours later, by the ledger's clock: the access has ended by itself.
  let afterExpiry = 'not run'
  if (await advanceTime(4 * 3600 + 1)) {
    afterExpiry = (await codeOf(async () => custodian.releaseKey(await request(byId('allergy-pcn').hex)))) ?? 'read'
    check(
      afterExpiry === 'CONSENT_EXPIRED',
      'after 4 h of ledger time the emergency access has ended by itself (CONSENT_EXPIRED)',
    )
  } else output('- expiry not shown: this ledger’s clock cannot be moved ahead (a real chain)')

  // 6. The privacy officer reviews the queued access.
  const pendingBeforeReview = (await emergency.listPendingReviews({ patient: patient.address })).length
  await emergency.markReviewed(grant.id, privacyOfficer, 'Reviewed with the ED lead: clinically justified.')
  const pendingAfterReview = (await emergency.listPendingReviews({ patient: patient.address })).length
  const reviewed = await emergency.listReviews({ patient: patient.address })
  check(
    pendingBeforeReview === 1 &&
      pendingAfterReview === 0 &&
      reviewed.length === 1 &&
      reviewed[0]?.reviewer?.toLowerCase() === privacyOfficer.address.toLowerCase(),
    'the access waited in the privacy officer’s review queue until reviewed; the patient sees the review',
  )

  // 7. The physician leaves the hospital: the hospital withdraws the credential on the ledger (a signed revocation of
  //    its id). From then on it opens nothing: checked when the glass is broken and at every read.
  await withdrawClinicianCredential(ledger, { party: hospital, credentialId: edCredential.credential.id })
  const withdrawnCredential =
    (await codeOf(() =>
      emergency.breakGlass({
        clinician: edPhysician,
        policy,
        credential: edCredential,
        reason: 'Readmitted: allergy status needed',
      }),
    )) ?? 'accepted'
  check(
    withdrawnCredential === 'CONSENT_REVOKED',
    'the hospital withdrew the physician’s credential on the ledger: it opens no emergency access any more (CONSENT_REVOKED)',
  )

  // 8. The patient (awake) verifies the log against the head anchored on the ledger.
  const events = await verifyPatientLog(ledger, { log, operator: vendor.address })
  const emergencyReads = events.filter(
    (e) =>
      e.outcome === 'permit' &&
      e.purpose === 'ETREAT' &&
      e.action === 'read' &&
      e.actor.toLowerCase() === edPhysician.address.toLowerCase(),
  ).length
  const auditPurposes = events
    .filter((e) => e.outcome === 'permit')
    .map(
      (e) =>
        auditEventFromLogEntry(e, {
          observer: { display: 'EHR custodian' },
          logId: log.logId,
          patient: { reference: 'Patient/ed-1' },
        }).purposeOfEvent?.[0]?.coding?.[0]?.code ?? '',
    )
  check(
    emergencyReads === 4 && auditPurposes.every((p) => p === 'ETREAT'),
    `the patient verified the access log: ${events.length} events (the break-glass, ${emergencyReads} emergency reads, every refusal), each proven included in the head anchored on the ledger, rendered as FHIR AuditEvents (ETREAT)`,
  )
  return Object.freeze({
    ledger: ledger.name,
    ledgerId: ledger.ledgerId,
    minutes,
    anchoredAtOnce,
    notified: Object.freeze(notifications.map((n) => n.to)),
    read: Object.freeze(read),
    refused: Object.freeze({
      psychiatric,
      demographics,
      otherPurpose,
      noReason: noReason ?? 'accepted',
      unacceptedIssuer: unacceptedIssuer ?? 'accepted',
      afterExpiry,
      withdrawnCredential,
    }),
    pendingBeforeReview,
    pendingAfterReview,
    logEvents: events.length,
    emergencyReads,
    auditPurposes: Object.freeze(auditPurposes),
  })
}
