/**
 * The medseal quickstart story, as a function: identities, sealing and anchoring synthetic FHIR records, a consent
 * grant, a doctor's reads through the custodian, the patient's verified access log, a revocation, break-glass and
 * erasure. Every line it prints comes from a check it ran (a receipt verified against the ledger, a log proof, a
 * refusal with the expected error code), and every count comes from the ledger, the log or the custodian.
 * @module
 */
import { createMemoryLedger } from '@medseal/adapter-memory'
import {
  type AccessEvent,
  bytesToHex0x,
  canonicalize,
  consentKey,
  createAccessLog,
  createAnchorer,
  createBreakGlass,
  createClinicianCredential,
  createCustodian,
  createDeposit,
  createEmergencyPolicy,
  createKeyRequest,
  createParty,
  decodeConsentToken,
  type EmergencyGrant,
  encodeConsentToken,
  equalBytes,
  exportIdentity,
  grantConsent,
  type Hex,
  hexToBytes,
  importIdentity,
  isSdkError,
  type LedgerAdapter,
  LedgerError,
  open,
  openUnlessShredded,
  type Party,
  parseDid,
  type Receipt,
  revokeConsent,
  seal,
  shredRecord,
  signClinicianCredential,
  signEmergencyPolicy,
  verifyEventInclusion,
  verifyHeadConsistency,
  verifyLogAgainstLedger,
  verifyReceipt,
  verifyRecord,
  verifySignedTombstone,
} from '@medseal/core'
import { assertValidResource, auditEventFromLogEntry } from '@medseal/fhir'
import { generatePatients } from './synthetic.js'

/** Options of {@link runQuickstart}. */
export type QuickstartOptions = {
  /** Synthetic patients to generate (default 3). */
  readonly patients?: number
  /** Clinical resources per patient, besides the Patient resource (default 12). */
  readonly resources?: number
  /** `memory` (default) or the JSON-RPC URL of an EVM node (a MedsealRegistry is deployed there first). */
  readonly adapter?: string
  /** Key that deploys the registry and pays for writes on EVM (default: anvil's first test account). */
  readonly privateKey?: Hex
  /** Commitments per ledger write (default 16). */
  readonly batchSize?: number
  /** Seed of the synthetic data (default `medseal-quickstart`). */
  readonly seed?: string
}

/** Where the story goes: one line per verified claim, and progress while it works. */
export type QuickstartOutput = {
  /** A finished step (one line of text). */
  line(text: string): void
  /** Progress of a long step; called with `done === total` when it ends. */
  progress?(label: string, done: number, total: number): void
}

/** What the story verified. Every `checks` entry is `true` only if the check ran and passed. */
export type QuickstartSummary = {
  readonly adapter: string
  readonly ledgerId: string
  readonly identities: number
  readonly resourcesSealed: number
  readonly receiptsVerified: number
  readonly batchesOnLedger: number
  readonly doctorReads: number
  readonly refusedOutOfScope: number
  readonly refusedSensitive: number
  readonly logEvents: number
  readonly logEventsVerified: number
  readonly releasesPurged: number
  readonly emergencyReads: number
  readonly shredded: number
  readonly checks: Readonly<Record<string, boolean>>
}

/** The first anvil test account (a public test key: never fund it on a real chain). */
const ANVIL_KEY_0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80' as const

type Sealed = {
  readonly resource: Record<string, unknown>
  readonly resourceType: string
  readonly labels: readonly string[]
  readonly commitment: Uint8Array
  readonly hex: Hex
  /** The plain SHA-256 of the canonical bytes (the content id's digest): must never reach the ledger. */
  readonly plainHash: Uint8Array
  readonly envelope: Awaited<ReturnType<typeof seal>>['envelope']
  receipt?: Receipt
}

function positiveInt(value: unknown, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max)
    throw new RangeError(`${name} must be an integer from 1 to ${max}.`)
  return value
}

async function connectLedger(
  adapter: string,
  privateKey: Hex | undefined,
): Promise<{ ledger: LedgerAdapter; label: string }> {
  if (adapter === 'memory') return { ledger: createMemoryLedger({ id: 'quickstart' }), label: 'memory' }
  let url: URL
  try {
    url = new URL(adapter)
  } catch {
    throw new RangeError('adapter must be "memory" or an http(s) JSON-RPC URL.')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new RangeError('adapter must be "memory" or an http(s) JSON-RPC URL.')
  const [
    { createPublicClient, createWalletClient, http },
    { privateKeyToAccount },
    { createEvmLedger, deployRegistry },
  ] = await Promise.all([import('viem'), import('viem/accounts'), import('@medseal/adapter-evm')])
  const transport = http(adapter)
  const publicClient = createPublicClient({ transport, pollingInterval: 50 })
  let chainId: number
  try {
    chainId = await publicClient.getChainId()
  } catch (cause) {
    // The URL is not repeated in the message: it may carry an API key.
    throw new LedgerError('LEDGER_UNAVAILABLE', 'The EVM node given by --adapter did not answer eth_chainId.', {
      cause: cause as Error,
    })
  }
  const chain = {
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [adapter] } },
  }
  const walletClient = createWalletClient({
    chain,
    transport,
    account: privateKeyToAccount(privateKey ?? ANVIL_KEY_0),
    pollingInterval: 50,
  })
  const address = await deployRegistry({ publicClient, walletClient })
  const ledger = await createEvmLedger({ publicClient, walletClient, address })
  // The URL is not printed: it may carry an API key.
  return { ledger, label: `evm (chain ${chainId}, registry ${address})` }
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`

/** Same FHIR content (RFC 8785 canonical form: key order does not matter). */
const same = (a: unknown, b: unknown): boolean => canonicalize(a) === canonicalize(b)

/** The address a did:key names (`undefined` for another method). */
function didAddress(did: string): string | undefined {
  const parsed = parseDid(did)
  return parsed.method === 'key' ? parsed.address : undefined
}

/** Runs `fn` and reports whether it threw an SDK error with `code`. */
async function refusedWith(code: string, fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn()
    return false
  } catch (err) {
    return isSdkError(err, code as never)
  }
}

/**
 * Runs the whole medseal story on a ledger and reports each verified step to `output`.
 *
 * @param options - {@link QuickstartOptions}
 * @param output - where lines and progress go
 * @returns the {@link QuickstartSummary}; `checks` holds the outcome of every verification
 * @throws Error when a check fails (the message names the step; no key or record content)
 * @example
 * ```ts
 * const summary = await runQuickstart({ patients: 2, resources: 5 }, { line: console.log })
 * console.log(summary.receiptsVerified)
 * ```
 */
export async function runQuickstart(
  options: QuickstartOptions = {},
  output: QuickstartOutput = { line: () => {} },
): Promise<QuickstartSummary> {
  const patientsN = positiveInt(options.patients, 'patients', 3, 1000)
  const resourcesN = positiveInt(options.resources, 'resources', 12, 1000)
  const batchSize = positiveInt(options.batchSize, 'batchSize', 16, 100_000)
  if (resourcesN < 2) throw new RangeError('resources must be at least 2 (the story needs something to share).')
  const checks: Record<string, boolean> = {}
  const check = (name: string, ok: boolean, text: string): void => {
    checks[name] = ok
    if (!ok) throw new Error(`quickstart check failed: ${name} (${text})`)
    output.line(`✓ ${text}`)
  }
  const progress = (label: string, done: number, total: number) => output.progress?.(label, done, total)

  // 0. The ledger.
  const { ledger, label } = await connectLedger(options.adapter ?? 'memory', options.privateKey)
  output.line(`medseal quickstart on ${label}`)

  // 1. Identities: each patient, a doctor, the EHR vendor (custodian + log operator), a hospital, an ER clinician.
  const people = generatePatients({
    patients: patientsN,
    resourcesPerPatient: resourcesN,
    ...(options.seed ? { seed: options.seed } : {}),
  })
  const patients = people.map(() => createParty())
  const [doctor, vendor, hospital, erClinician] = [createParty(), createParty(), createParty(), createParty()] as [
    Party,
    Party,
    Party,
    Party,
  ]
  const parties = [...patients, doctor, vendor, hospital, erClinician]
  const identitiesOk = parties.every((p) => {
    const again = importIdentity(exportIdentity(p))
    return (
      again.address === p.address &&
      again.did === p.did &&
      equalBytes(again.signingPublicKey, p.signingPublicKey) &&
      equalBytes(again.encryptionPublicKey, p.encryptionPublicKey) &&
      didAddress(p.did) === p.address
    )
  })
  check(
    'identities',
    identitiesOk,
    `${parties.length} identities created (${patients.length} patients, a doctor, a custodian, a hospital, an ER clinician); each did:key and export round-trips`,
  )

  const log = await createAccessLog({ operator: vendor, ledger, name: 'quickstart-access' })
  const notified: EmergencyGrant[] = []
  const emergency = createBreakGlass({ ledger, log, notify: (e) => void notified.push(e.grant) })
  const custodian = createCustodian({ party: vendor, ledger, log, breakGlass: emergency })

  // 2. Seal every resource (valid FHIR R4 first) to its patient and the custodian.
  const total = people.reduce((n, p) => n + 1 + p.resources.length, 0)
  const sealedBy: Sealed[][] = []
  let sealedCount = 0
  for (const [i, person] of people.entries()) {
    const owner = patients[i] as Party
    const mine: Sealed[] = []
    for (const resource of [person.patient, ...person.resources]) {
      const valid = assertValidResource(resource) as Record<string, unknown> & { resourceType: string }
      const s = await seal(valid, { recipients: [owner, custodian.identity] })
      const meta = valid.meta as { security?: { code: string }[] } | undefined
      mine.push({
        resource: valid,
        resourceType: valid.resourceType,
        labels: (meta?.security ?? []).map((c) => c.code),
        commitment: s.commitment,
        hex: bytesToHex0x(s.commitment),
        plainHash: s.contentId.multihash.digest,
        envelope: s.envelope,
      })
      sealedCount++
      progress('sealing', sealedCount, total)
    }
    sealedBy.push(mine)
  }
  const all = sealedBy.flat()
  // Every envelope opens for its owner to the resource that went in.
  let opened = 0
  for (const [i, mine] of sealedBy.entries()) {
    for (const s of mine) {
      const { value } = await open(s.envelope, patients[i] as Party)
      if (same(value, s.resource)) opened++
    }
  }
  const types = new Set(all.map((s) => s.resourceType))
  check(
    'sealed',
    opened === total,
    `${opened} FHIR R4 resources validated and sealed (${[...types].sort().join(', ')}), each opens for its patient`,
  )

  // 3. Anchor their commitments, batchSize per ledger write; verify every receipt against the ledger.
  const anchorer = createAnchorer(ledger, { maxBatchSize: batchSize, maxDelayMs: 3_600_000 })
  const pending = all.map((s) => anchorer.add(s.commitment))
  await anchorer.close()
  const receipts = await Promise.all(pending)
  const roots = new Map<string, number>()
  let receiptsVerified = 0
  for (const [i, s] of all.entries()) {
    const receipt = receipts[i] as Receipt
    s.receipt = receipt
    const out = await verifyReceipt(ledger, { receipt, commitment: s.commitment })
    if (out.commitment.toLowerCase() === s.hex.toLowerCase()) receiptsVerified++
    roots.set(out.root.toLowerCase(), out.treeSize)
    progress('verifying receipts', i + 1, all.length)
  }
  let batchesOnLedger = 0
  let leavesOnLedger = 0
  let onlyRoots = true
  for (const [root, treeSize] of roots) {
    const rec = await ledger.getAnchor({ root: hexToBytes(root), treeSize, kind: 'records' })
    if (rec) {
      batchesOnLedger++
      leavesOnLedger += rec.treeSize
      // what the ledger holds for a batch: a root, a size, a kind and its own reference, nothing else
      onlyRoots &&= Object.keys(rec).sort().join() === 'kind,ref,root,treeSize'
    }
  }
  // commitments are salted: none equals the plain hash of its record's canonical bytes
  const salted = all.every((s) => !equalBytes(s.commitment, s.plainHash))
  check(
    'anchored',
    receiptsVerified === all.length && leavesOnLedger === all.length && onlyRoots && salted,
    `${receiptsVerified} receipts verified against the ledger: ${leavesOnLedger} commitments in ${plural(batchesOnLedger, 'anchored batch', 'anchored batches')} (the ledger holds roots only; every commitment is salted)`,
  )
  // each patient signs the deposit statement of their own record; the custodian opens and checks it
  for (const [i, mine] of sealedBy.entries())
    for (const s of mine)
      await custodian.deposit(
        await createDeposit({
          owner: patients[i] as Party,
          envelope: s.envelope,
          custodian: custodian.identity,
          domain: ledger.domain,
        }),
      )
  const deposited = (await Promise.all(all.map((s) => custodian.getEntry(s.hex)))).filter(Boolean).length
  check('deposited', deposited === all.length, `${deposited} sealed records held by the custodian`)

  // 4. A patient grants the doctor read of clinical records for treatment, for an hour, never PSY/HIV.
  const typeInScope = (s: Sealed) => ['Observation', 'Condition', 'MedicationRequest'].includes(s.resourceType)
  const sensitive = (s: Sealed) => s.labels.some((l) => l === 'PSY' || l === 'HIV')
  const inScope = (s: Sealed) => typeInScope(s) && !sensitive(s)
  // The story follows the first patient with a record the grant covers (with the defaults, the first patient).
  const chosen = sealedBy.findIndex((rs) => rs.some(inScope))
  if (chosen < 0) throw new RangeError('No patient has a shareable record: use more --resources.')
  const patient = patients[chosen] as Party
  const records = sealedBy[chosen] as Sealed[]
  const { token } = await grantConsent(ledger, {
    party: patient,
    grantee: doctor,
    resourceTypes: ['Observation', 'Condition', 'MedicationRequest'],
    exclude: ['PSY', 'HIV'],
    actions: ['read'],
    purposes: ['TREAT'],
    durationSeconds: 3600,
  })
  const compact = encodeConsentToken(token)
  const onLedger = await ledger.getConsent(consentKey(token.consent.grantor, token.consent.id))
  check(
    'grant',
    onLedger !== undefined &&
      onLedger.revocation === undefined &&
      decodeConsentToken(compact).consent.id === token.consent.id,
    `consent granted (EIP-712, signed by the patient) and registered on the ledger: doctor may read Observation, Condition, MedicationRequest for TREAT, 1 h, excluding PSY and HIV`,
  )

  // 5. The doctor reads through the custodian; what is out of scope is refused.
  const request = async (who: Party, commitment: Hex, consentId: Hex, purpose = 'TREAT') =>
    createKeyRequest(who, ledger.domain, {
      consentId,
      grantor: patient, // the consent's and the emergency grant's grantor
      commitment,
      action: 'read',
      purpose,
      issuedAt: await ledger.getTime(),
    })
  let doctorReads = 0
  let refusedScope = 0
  let refusedExcluded = 0
  for (const [i, s] of records.entries()) {
    if (inScope(s)) {
      const { envelope } = await custodian.releaseKey(await request(doctor, s.hex, token.consent.id))
      const { value } = await open(envelope, doctor)
      if (same(value, s.resource)) doctorReads++
    } else {
      // the type outside the grant is CONSENT_SCOPE; a label the patient excluded is CONSENT_EXCLUDED
      const code = typeInScope(s) ? 'CONSENT_EXCLUDED' : 'CONSENT_SCOPE'
      const refused = await refusedWith(code, async () =>
        custodian.releaseKey(await request(doctor, s.hex, token.consent.id)),
      )
      if (refused && code === 'CONSENT_SCOPE') refusedScope++
      if (refused && code === 'CONSENT_EXCLUDED') refusedExcluded++
    }
    progress('doctor reading', i + 1, records.length)
  }
  const refusedOutOfScope = refusedScope + refusedExcluded
  const refusals = [`${refusedScope} outside the granted types (CONSENT_SCOPE)`]
  if (refusedExcluded > 0) refusals.push(`${refusedExcluded} with an excluded PSY/HIV label (CONSENT_EXCLUDED)`)
  check(
    'reads',
    doctorReads === records.filter(inScope).length &&
      doctorReads > 0 &&
      refusedScope === records.filter((s) => !typeInScope(s)).length &&
      refusedExcluded === records.filter((s) => typeInScope(s) && sensitive(s)).length,
    `doctor read ${plural(doctorReads, 'record')} (each decrypted to the sealed resource); refused ${refusals.join(' and ')}`,
  )

  // 6. The patient verifies the access log against the head anchored on the ledger.
  await log.publishHead()
  const head = await log.signedHead()
  await verifyLogAgainstLedger(ledger, { head, operator: vendor.address })
  let logEventsVerified = 0
  let permitsToDoctor = 0
  let denials = 0
  const events: AccessEvent[] = []
  for (let i = 0; i < head.head.treeSize; i++) {
    const event = await log.getEvent(i)
    verifyEventInclusion({
      event,
      index: i,
      head,
      proof: await log.proveInclusion(i, head.head.treeSize),
      operator: vendor.address,
      domain: ledger.domain,
    })
    logEventsVerified++
    events.push(event)
    if (event.actor.toLowerCase() === doctor.address.toLowerCase()) {
      if (event.outcome === 'permit') permitsToDoctor++
      else denials++
    }
  }
  const audit = events.map((e) => auditEventFromLogEntry(e, { observer: { display: 'quickstart custodian' } } as never))
  check(
    'accessLog',
    logEventsVerified === head.head.treeSize &&
      permitsToDoctor === doctorReads &&
      denials === refusedOutOfScope &&
      audit.every((a) => assertValidResource(a).resourceType === 'AuditEvent'),
    `patient verified the access log: ${logEventsVerified} events, each proven included in the head anchored on the ledger (${permitsToDoctor} reads by the doctor, ${plural(denials, 'refusal')}), rendered as valid FHIR AuditEvents`,
  )

  // 7. The patient revokes; the custodian purges; the doctor is refused.
  const firstRead = records.find(inScope) as Sealed
  await revokeConsent(ledger, { party: patient, consentId: token.consent.id })
  const { releases: releasesPurged } = await custodian.purgeConsent({ grantor: patient, consentId: token.consent.id })
  const revokedOnLedger =
    (await ledger.getConsent(consentKey(token.consent.grantor, token.consent.id)))?.revocation !== undefined
  const refusedRevoked = await refusedWith('CONSENT_REVOKED', async () =>
    custodian.releaseKey(await request(doctor, firstRead.hex, token.consent.id)),
  )
  check(
    'revocation',
    revokedOnLedger && refusedRevoked && releasesPurged === doctorReads,
    `consent revoked on the ledger; custodian purged ${releasesPurged} released keys; the doctor's next request was refused (CONSENT_REVOKED). What was already read stays read.`,
  )

  // 8. Break-glass: an ER clinician, credentialed by the hospital, opens a record under the patient's policy.
  const now = await ledger.getTime()
  const emergencyTypes = ['AllergyIntolerance', 'Condition', 'MedicationRequest', 'Observation']
  const target = records.find(inScope) as Sealed
  const policy = signEmergencyPolicy(
    patient,
    ledger.domain,
    createEmergencyPolicy({
      patient,
      resourceTypes: emergencyTypes,
      issuers: [hospital],
      role: 'emergency-physician',
      maxDuration: 1800,
      notBefore: now,
      expiresAt: now + 365 * 86_400,
    }),
  )
  const credential = signClinicianCredential(
    hospital,
    ledger.domain,
    createClinicianCredential({
      issuer: hospital,
      subject: erClinician,
      role: 'emergency-physician',
      notBefore: now,
      expiresAt: now + 30 * 86_400,
    }),
  )
  const grant = await emergency.breakGlass({
    clinician: erClinician,
    policy,
    credential,
    reason: 'Unresponsive in the emergency department; medication and allergy history needed',
  })
  const anchoredAtOnce = (await ledger.getTreeHead(log.logId))?.head.treeSize === log.size
  const { envelope: emergencyEnvelope } = await custodian.releaseKey(
    await request(erClinician, target.hex, grant.id, 'ETREAT'),
  )
  const emergencyRead = same((await open(emergencyEnvelope, erClinician)).value, target.resource)
  const patientRecord = records[0] as Sealed
  const emergencyScoped = await refusedWith('CONSENT_SCOPE', async () =>
    custodian.releaseKey(await request(erClinician, patientRecord.hex, grant.id, 'ETREAT')),
  )
  const pendingBefore = (await emergency.listPendingReviews({ patient: patient.address })).map((r) => r.id)
  await emergency.markReviewed(grant.id, patient, 'Reviewed with the emergency department: justified.')
  const pendingAfter = await emergency.listPendingReviews({ patient: patient.address })
  check(
    'breakGlass',
    anchoredAtOnce &&
      emergencyRead &&
      emergencyScoped &&
      notified.map((g) => g.id).join() === grant.id &&
      pendingBefore.join() === grant.id &&
      pendingAfter.length === 0,
    `break-glass: ER clinician read 1 ${target.resourceType} (ETREAT, reason stated, ${Math.round((grant.expiresAt - grant.startsAt) / 60)} min), log entry anchored at once, patient notified, review queue cleared after review; outside the policy refused (CONSENT_SCOPE)`,
  )

  // 9. Erasure: the patient shreds a record; the ledger holds the signed tombstone; nobody can open it again.
  const victim = records[records.length - 1] as Sealed
  const { tombstone } = await shredRecord(
    { ledger, custodian },
    { owner: patient, commitment: victim.hex, envelopes: [victim.envelope] },
  )
  const onChain = await ledger.getTombstone(victim.hex, patient.address)
  const tombstoneOk =
    onChain !== undefined &&
    verifySignedTombstone(ledger.domain, { tombstone: onChain.tombstone, signature: onChain.signature }).owner ===
      patient.address
  const unreadable = await refusedWith('RECORD_SHREDDED', () =>
    openUnlessShredded(ledger, {
      envelope: victim.envelope,
      commitment: victim.hex,
      party: patient,
      owner: patient.address,
    }),
  )
  const decryptFails = await refusedWith('DECRYPT_FAILED', () => open(victim.envelope, patient))
  const receiptStillProves = await refusedWith('DECRYPT_FAILED', () =>
    verifyRecord(ledger, { receipt: victim.receipt as Receipt, envelope: victim.envelope, party: patient }),
  )
  const custodianShredded = (await custodian.getEntry(victim.hex))?.shredded === true
  check(
    'erasure',
    tombstone.tombstone.commitment.toLowerCase() === victim.hex.toLowerCase() &&
      tombstoneOk &&
      unreadable &&
      decryptFails &&
      receiptStillProves &&
      custodianShredded,
    `erasure: 1 ${victim.resourceType} crypto-shredded; signed tombstone on the ledger; the envelope no longer opens (RECORD_SHREDDED, DECRYPT_FAILED), custodian keys destroyed`,
  )

  // 10. The log kept growing (break-glass, erasure, refusals): the patient checks it was only appended to.
  const finalHeadRecord = await log.publishHead()
  const finalHead = await log.signedHead()
  const consistent =
    verifyHeadConsistency({
      oldHead: head,
      newHead: finalHead,
      proof: await log.proveConsistency(head.head.treeSize, finalHead.head.treeSize),
      domain: ledger.domain,
      operator: vendor.address,
    }) === true
  const finalAnchored = await verifyLogAgainstLedger(ledger, { head: finalHead, operator: vendor.address })
  check(
    'logConsistent',
    consistent && finalAnchored.anchored.head.treeSize === finalHeadRecord.head.treeSize,
    `access log grew from ${head.head.treeSize} to ${finalHeadRecord.head.treeSize} events and the patient proved it was only appended to (RFC 9162 consistency), against the head anchored on the ledger`,
  )
  return Object.freeze({
    adapter: ledger.name,
    ledgerId: ledger.ledgerId,
    identities: parties.length,
    resourcesSealed: opened,
    receiptsVerified,
    batchesOnLedger,
    doctorReads,
    refusedOutOfScope,
    refusedSensitive: refusedExcluded,
    logEvents: finalHeadRecord.head.treeSize,
    logEventsVerified,
    releasesPurged,
    emergencyReads: emergencyRead ? 1 : 0,
    shredded: custodianShredded ? 1 : 0,
    checks: Object.freeze({ ...checks }),
  })
}
