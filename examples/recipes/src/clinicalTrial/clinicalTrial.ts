/**
 * Recipe 2, clinical-trial integrity: a trial's `ResearchStudy` (registration), its enrolments (`ResearchSubject`) and
 * outcome `Observation`s are sealed and anchored as they are collected, one batch per collection round. Each batch's
 * first leaf is the previous batch's root, so the batches form a hash chain; at database lock the sponsor signs an
 * EIP-712 `TrialLock` naming the last root and the record count, and anchors it. At publication anyone holding the
 * published dataset runs {@link verifyTrialDataset}: every record is the one collected (its commitment, recomputed
 * from the published bytes and salt, is proven on the ledger), nothing was withheld (every leaf of every chained
 * batch is accounted for), and nothing was added after the fact (every record anchored before the lock, and within
 * the protocol's window after its collection date). A single changed value is caught.
 * @module
 */
import {
  bytesToHex0x,
  createAnchorer,
  createParty,
  type EnvelopeVersion,
  type Hex,
  hashTypedData,
  hexToBytes,
  type LedgerAdapter,
  type LedgerDomain,
  openCanonical,
  type Receipt,
  recoverTypedDataAddress,
  seal,
  signTypedData,
  type TypedData,
  utf8ToBytes,
  verifyReceipt,
  verifyRecord,
} from '@medseal/core'
import { assertValidResource, canonicalizeResource } from '@medseal/fhir'
import { codeOf, type RecipeOptions } from '../shared/ledger.js'
import { type RecipeCheck, type RecipeState, runRecipe } from '../shared/state.js'

/** The EIP-712 type of a trial's database lock. */
export const trialLockTypes = {
  TrialLock: [
    { name: 'study', type: 'string' },
    { name: 'finalRoot', type: 'bytes32' },
    { name: 'batches', type: 'uint64' },
    { name: 'records', type: 'uint64' },
  ],
} as const

/** A trial's database lock, signed by the sponsor. */
export type TrialLock = {
  readonly study: string
  readonly finalRoot: Hex
  readonly batches: number
  readonly records: number
}

/**
 * One published record: its canonical FHIR JSON, the salt of its commitment, the envelope version that says how the
 * commitment is computed from them, and its anchor receipt.
 */
export type PublishedRecord = {
  readonly json: string
  readonly salt: Hex
  readonly version: EnvelopeVersion
  readonly receipt: Receipt
}

/** The published dataset. `links[n]` is the receipt of batch n's first leaf (batch n-1's root); `links[0]` is unused. */
export type PublishedDataset = {
  readonly lock: TrialLock
  readonly lockSignature: Hex
  readonly lockReceipt: Receipt
  readonly links: readonly (Receipt | null)[]
  readonly records: readonly PublishedRecord[]
}

/** Why a dataset was refused: an SDK code (`RECORD_MISMATCH`, `PROOF_INVALID`, …) or a rule of this recipe. */
export type TrialFailure =
  /** The lock is not signed by the sponsor. */
  | 'LOCK_SIGNATURE'
  /** A record is not in any batch of the lock's chain. */
  | 'NOT_IN_DATASET'
  /** A leaf of a chained batch has no published record (withheld), or counts differ from the lock. */
  | 'INCOMPLETE'
  /** A record was anchored after the lock. */
  | 'ADDED_AFTER_LOCK'
  /** A record was anchored longer after its stated collection time than the protocol allows (back-dated). */
  | 'ANCHORED_LATE'
  | (string & {})

/** What {@link verifyTrialDataset} returns. */
export type TrialVerdict =
  | {
      readonly valid: true
      readonly records: number
      readonly batches: number
      readonly byType: Readonly<Record<string, number>>
      readonly values: readonly Record<string, unknown>[]
    }
  | { readonly valid: false; readonly reason: TrialFailure; readonly record?: number }

const lockTypedData = (domain: LedgerDomain, lock: TrialLock): TypedData => ({
  domain: domain as unknown as TypedData['domain'],
  types: trialLockTypes as unknown as TypedData['types'],
  primaryType: 'TrialLock',
  message: { ...lock, batches: BigInt(lock.batches), records: BigInt(lock.records) },
})

/** The time a record states it was collected (Unix seconds), if any. */
function collectedAt(resource: Record<string, unknown>): number | undefined {
  const when =
    (resource.effectiveDateTime as string | undefined) ?? (resource.period as { start?: string } | undefined)?.start
  return when === undefined ? undefined : Math.floor(Date.parse(when) / 1000)
}

/**
 * Verifies a published trial dataset against the ledger, as a reader of the publication does.
 *
 * @param ledger - the ledger the trial anchored on
 * @param params - the `dataset`, the `sponsor`'s address, and `maxDelaySeconds` from collection to anchor
 * @returns the verified counts and the records' values, or the reason and the index of the first failing record
 * @example
 * ```ts
 * const verdict = await verifyTrialDataset(ledger, { dataset, sponsor: sponsor.address, maxDelaySeconds: 86_400 })
 * ```
 */
export async function verifyTrialDataset(
  ledger: LedgerAdapter,
  params: { dataset: PublishedDataset; sponsor: Hex; maxDelaySeconds: number },
): Promise<TrialVerdict> {
  const { dataset } = params
  const fail = (reason: TrialFailure, record?: number): TrialVerdict =>
    Object.freeze(record === undefined ? { valid: false, reason } : { valid: false, reason, record })
  const coded = codeOf
  // 1. The lock: signed by the sponsor, anchored.
  const typed = lockTypedData(ledger.domain, dataset.lock)
  let signer: string
  try {
    signer = recoverTypedDataAddress(typed, dataset.lockSignature)
  } catch {
    return fail('LOCK_SIGNATURE')
  }
  if (signer.toLowerCase() !== params.sponsor.toLowerCase()) return fail('LOCK_SIGNATURE')
  let lockTime = 0
  const lockCode = await coded(async () => {
    lockTime = (await verifyReceipt(ledger, { receipt: dataset.lockReceipt, commitment: hashTypedData(typed) }))
      .anchoredAt.timestamp
  })
  if (lockCode) return fail(lockCode)

  // 2. Walk the chain back from the lock's final root; each batch's leaf 0 names the previous root. Ledgers key anchors
  //    by (root, treeSize, kind): a batch's size is the one its published receipts state (all the same, or the
  //    publication is inconsistent), and the ledger must hold the root at exactly that size.
  const sizes = new Map<string, number>()
  for (const r of [...dataset.links, ...dataset.records.map((x) => x.receipt)]) {
    if (!r) continue
    const known = sizes.get(r.root.toLowerCase())
    if (known !== undefined && known !== r.treeSize) return fail('INCOMPLETE')
    sizes.set(r.root.toLowerCase(), r.treeSize)
  }
  const leavesByRoot = new Map<string, number>()
  let root = dataset.lock.finalRoot.toLowerCase()
  for (let n = dataset.lock.batches - 1; n >= 0; n--) {
    const treeSize = sizes.get(root)
    const anchor =
      treeSize === undefined
        ? undefined
        : await ledger.getAnchor({ root: hexToBytes(root as Hex), treeSize, kind: 'records' })
    if (anchor === undefined) return fail('ANCHOR_NOT_FOUND')
    leavesByRoot.set(root, anchor.treeSize)
    if (n === 0) break
    const link = dataset.links[n]
    if (!link || link.root.toLowerCase() !== root || link.leafIndex !== 0) return fail('INCOMPLETE')
    const linkCode = await coded(() => verifyReceipt(ledger, { receipt: link, commitment: link.commitment }))
    if (linkCode) return fail(linkCode)
    root = link.commitment.toLowerCase()
  }

  // 3. Every record: the same bytes as collected, in a chained batch, anchored in time.
  const seen = new Set<string>()
  for (const [n, link] of dataset.links.entries()) if (n > 0 && link) seen.add(`${link.root.toLowerCase()}:0`)
  const byType: Record<string, number> = {}
  const values: Record<string, unknown>[] = []
  for (const [i, record] of dataset.records.entries()) {
    const r = record.receipt
    if (!leavesByRoot.has(r.root.toLowerCase())) return fail('NOT_IN_DATASET', i)
    let anchoredAt = 0
    const code = await coded(async () => {
      anchoredAt = (
        await verifyRecord(ledger, {
          receipt: r,
          canonicalBytes: utf8ToBytes(record.json),
          salt: hexToBytes(record.salt),
          version: record.version,
        })
      ).anchoredAt.timestamp
    })
    if (code) return fail(code, i)
    if (anchoredAt > lockTime) return fail('ADDED_AFTER_LOCK', i)
    const resource = assertValidResource(JSON.parse(record.json)) as Record<string, unknown>
    const collected = collectedAt(resource)
    if (collected !== undefined && anchoredAt - collected > params.maxDelaySeconds) return fail('ANCHORED_LATE', i)
    seen.add(`${r.root.toLowerCase()}:${r.leafIndex}`)
    byType[resource.resourceType as string] = (byType[resource.resourceType as string] ?? 0) + 1
    values.push(resource)
  }
  // 4. Completeness: every leaf of every chained batch is a published record or a link; counts match the lock.
  let leaves = 0
  for (const [root, size] of leavesByRoot) {
    leaves += size
    for (let k = 0; k < size; k++) if (!seen.has(`${root}:${k}`)) return fail('INCOMPLETE')
  }
  if (dataset.records.length !== dataset.lock.records || leaves !== dataset.lock.records + dataset.lock.batches - 1)
    return fail('INCOMPLETE')
  return Object.freeze({
    valid: true,
    records: dataset.records.length,
    batches: leavesByRoot.size,
    byType: Object.freeze(byType),
    values: Object.freeze(values),
  })
}

/** What the clinical-trial recipe verified. */
export type ClinicalTrialSummary = {
  readonly ledger: string
  readonly ledgerId: string
  readonly study: string
  /** Batches anchored during collection (registration, enrolment, baseline, week 12). */
  readonly batches: number
  /** Records in the published dataset, verified one by one against the ledger. */
  readonly recordsVerified: number
  readonly byType: Readonly<Record<string, number>>
  /** Mean change of systolic blood pressure (mmHg) per arm, computed from the verified dataset only. */
  readonly meanChange: Readonly<Record<string, number>>
  /** How each tampered publication was refused. */
  readonly tampering: Readonly<Record<'changedValue' | 'addedAfterLock' | 'backDated' | 'withheld', string>>
}

type Collected = {
  readonly resource: Record<string, unknown>
  readonly json: string
  readonly salt: Hex
  readonly version: EnvelopeVersion
}

/**
 * Runs the clinical-trial recipe: registration, enrolment and two outcome rounds anchored as collected, a signed lock,
 * publication verified by an outsider, and four tampered publications refused.
 *
 * @param options - `rpc` for an EVM node (default: the memory ledger)
 * @param output - where each verified step is reported
 * @returns the {@link ClinicalTrialSummary}
 * @throws Error when a check fails (the message names it)
 * @example
 * ```ts
 * const summary = await run({}, console.log)
 * summary.recordsVerified // 19
 * ```
 */
export async function run(
  options: RecipeOptions = {},
  output: (line: string) => void = () => {},
): Promise<ClinicalTrialSummary> {
  return runRecipe({ recipe: 'clinical-trial', title: 'clinical-trial integrity', options, output }, story)
}

async function story(state: RecipeState, check: RecipeCheck): Promise<ClinicalTrialSummary> {
  const { ledger, stores } = state
  const sponsor = createParty()
  const study = 'NCT09990001'
  const arms = ['amlodipine', 'placebo'] as const
  const subjects = Array.from({ length: 6 }, (_, k) => ({ id: `S${String(k + 1).padStart(3, '0')}`, arm: arms[k % 2] }))
  // Systolic pressures (mmHg): baseline, then week 12. A fixed, plausible dataset (no real patient).
  const baseline = [152, 149, 158, 147, 161, 150]
  const week12 = [138, 146, 141, 148, 143, 151]
  const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z')

  const collected: Collected[] = []
  const receipts: Receipt[] = []
  const links: (Receipt | null)[] = []
  let previousRoot: Hex | undefined
  /** Seals one collection round, anchors it (leaf 0: the previous root), keeps what will be published. */
  const collect = async (resources: Record<string, unknown>[]) => {
    const anchorer = createAnchorer(ledger, {
      maxBatchSize: 1_000,
      maxDelayMs: 3_600_000,
      store: stores.anchor('collection'),
    })
    const link = previousRoot === undefined ? undefined : anchorer.add(previousRoot)
    const pending: Promise<Receipt>[] = []
    for (const resource of resources) {
      const valid = assertValidResource(resource) as Record<string, unknown>
      const { envelope, commitment } = await seal(valid, { recipients: [sponsor] })
      // The sponsor's data manager keeps the envelope; what is published is the canonical JSON, the salt and the
      // envelope version (which says how the commitment is computed from them).
      const opened = await openCanonical(envelope, sponsor)
      collected.push({
        resource: valid,
        json: canonicalizeResource(valid),
        salt: bytesToHex0x(opened.salt),
        version: opened.version,
      })
      pending.push(anchorer.add(commitment))
    }
    await anchorer.close()
    receipts.push(...(await Promise.all(pending)))
    links.push(link === undefined ? null : await link)
    previousRoot = (receipts.at(-1) as Receipt).root
  }

  const t0 = await ledger.getTime()
  await collect([
    {
      resourceType: 'ResearchStudy',
      id: study,
      identifier: [{ system: 'https://clinicaltrials.gov', value: study }],
      status: 'active',
      title: 'Amlodipine versus placebo for stage 2 hypertension (synthetic)',
      arm: arms.map((name) => ({ name })),
      period: { start: iso(t0 - 60) },
    },
  ])
  const t1 = await ledger.getTime()
  await collect(
    subjects.map((s) => ({
      resourceType: 'ResearchSubject',
      id: s.id,
      status: 'on-study',
      period: { start: iso(t1 - 30) },
      study: { reference: `ResearchStudy/${study}` },
      individual: { identifier: { system: `urn:trial:${study}:subject`, value: s.id } },
      assignedArm: s.arm,
    })),
  )
  const bp = (s: (typeof subjects)[number], visit: string, value: number, at: number) => ({
    resourceType: 'Observation',
    id: `${s.id}-${visit}`,
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8480-6', display: 'Systolic blood pressure' }] },
    subject: { identifier: { system: `urn:trial:${study}:subject`, value: s.id } },
    effectiveDateTime: iso(at),
    valueQuantity: { value, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
  })
  const t2 = await ledger.getTime()
  await collect(subjects.map((s, k) => bp(s, 'baseline', baseline[k] as number, t2 - 20)))
  const t3 = await ledger.getTime()
  await collect(subjects.map((s, k) => bp(s, 'week12', week12[k] as number, t3 - 10)))
  check(
    links.length === 4 && receipts.length === 19,
    `19 trial records anchored as collected, in 4 chained batches (registration, enrolment of ${subjects.length}, baseline, week 12)`,
  )

  // Database lock: the sponsor signs the final root and count, and anchors the lock itself.
  const lock: TrialLock = { study, finalRoot: previousRoot as Hex, batches: 4, records: receipts.length }
  const typed = lockTypedData(ledger.domain, lock)
  const lockSignature = signTypedData(sponsor, typed)
  const lockAnchorer = createAnchorer(ledger, { maxBatchSize: 1, maxDelayMs: 0, store: stores.anchor('lock') })
  const lockReceipt = await lockAnchorer.add(hashTypedData(typed))
  await lockAnchorer.close()
  const dataset: PublishedDataset = {
    lock,
    lockSignature,
    lockReceipt,
    links,
    records: collected.map((c, i) => ({
      json: c.json,
      salt: c.salt,
      version: c.version,
      receipt: receipts[i] as Receipt,
    })),
  }
  // The publication travels as JSON; the reader verifies what it parsed.
  const published = JSON.parse(JSON.stringify(dataset)) as PublishedDataset
  const maxDelaySeconds = 7 * 86_400
  const verdict = await verifyTrialDataset(ledger, { dataset: published, sponsor: sponsor.address, maxDelaySeconds })
  if (!verdict.valid) throw new Error(`clinical-trial check failed: published dataset refused (${verdict.reason})`)
  check(
    verdict.records === 19 && verdict.batches === 4,
    'published dataset verified by a reader: every record is the one collected (commitment proven on the ledger), every leaf of the 4 chained batches accounted for, all anchored before the signed lock',
  )
  // The published result, recomputed from the verified data only.
  const meanChange: Record<string, number> = {}
  for (const arm of arms) {
    const ids = subjects.filter((s) => s.arm === arm).map((s) => s.id)
    const value = (id: string, visit: string) =>
      (
        verdict.values.find((r) => r.id === `${id}-${visit}`) as {
          valueQuantity: { value: number }
        }
      ).valueQuantity.value
    const changes = ids.map((id) => value(id, 'week12') - value(id, 'baseline'))
    meanChange[arm] = Math.round((changes.reduce((a, b) => a + b, 0) / changes.length) * 10) / 10
  }
  check(
    (meanChange.amlodipine as number) < (meanChange.placebo as number),
    `result recomputed from the verified dataset: mean systolic change ${meanChange.amlodipine} mmHg (amlodipine) vs ${meanChange.placebo} mmHg (placebo)`,
  )

  // Tampering 1: one value changed in the publication (a week-12 pressure lowered by 10 mmHg).
  const target = published.records.findIndex((r) => r.json.includes('"S002-week12"'))
  const changed = (published.records[target] as PublishedRecord).json.replace('"value":146', '"value":136')
  const changedValue = await verifyTrialDataset(ledger, {
    dataset: { ...published, records: published.records.map((r, i) => (i === target ? { ...r, json: changed } : r)) },
    sponsor: sponsor.address,
    maxDelaySeconds,
  })
  // Tampering 2: a favourable record fabricated after the lock, slipped into the publication.
  const fabricate = async (at: number, extraBatchOf?: Hex) => {
    const resource = bp(subjects[0] as (typeof subjects)[number], 'week12-repeat', 129, at)
    const sealed = await seal(resource, { recipients: [sponsor] })
    const anchorer = createAnchorer(ledger, {
      maxBatchSize: 1_000,
      maxDelayMs: 3_600_000,
      store: stores.anchor('fabricated'),
    })
    const link = extraBatchOf === undefined ? undefined : anchorer.add(extraBatchOf)
    const receipt = anchorer.add(sealed.commitment)
    await anchorer.close()
    const opened = await openCanonical(sealed.envelope, sponsor)
    const record: PublishedRecord = {
      json: canonicalizeResource(resource),
      salt: bytesToHex0x(opened.salt),
      version: opened.version,
      receipt: await receipt,
    }
    return { record, link: link === undefined ? null : await link }
  }
  const slipped = await fabricate((await ledger.getTime()) - 5)
  const addedAfterLock = await verifyTrialDataset(ledger, {
    dataset: { ...published, records: [...published.records, slipped.record] },
    sponsor: sponsor.address,
    maxDelaySeconds,
  })
  // Tampering 3, the careful fraud: a record back-dated to 3 days before, appended as a fifth chained batch, and a
  // new lock signed and anchored over the longer chain. Signature and chain hold; the ledger's anchor time does not
  // (anchored 3 days after its stated collection, beyond the protocol's 1-day window).
  const backDatedMaxDelay = 86_400
  const late = await fabricate((await ledger.getTime()) - 3 * 86_400, published.lock.finalRoot)
  const lock2: TrialLock = {
    study,
    finalRoot: late.record.receipt.root,
    batches: 5,
    records: published.records.length + 1,
  }
  const typed2 = lockTypedData(ledger.domain, lock2)
  const lock2Anchorer = createAnchorer(ledger, { maxBatchSize: 1, maxDelayMs: 0, store: stores.anchor('lock') })
  const lock2Receipt = await lock2Anchorer.add(hashTypedData(typed2))
  await lock2Anchorer.close()
  const refreshed: PublishedDataset = {
    lock: lock2,
    lockSignature: signTypedData(sponsor, typed2),
    lockReceipt: lock2Receipt,
    links: [...published.links, late.link],
    records: [...published.records, late.record],
  }
  const backDated = await verifyTrialDataset(ledger, {
    dataset: refreshed,
    sponsor: sponsor.address,
    maxDelaySeconds: backDatedMaxDelay,
  })
  // Under a 4-day window the same re-locked dataset passes: the refusal above is the anchor time alone.
  const honestRelock = await verifyTrialDataset(ledger, {
    dataset: refreshed,
    sponsor: sponsor.address,
    maxDelaySeconds: 4 * 86_400,
  })
  // Tampering 3: an unfavourable outcome withheld from the publication.
  const withheld = await verifyTrialDataset(ledger, {
    dataset: { ...published, records: published.records.filter((_, i) => i !== target) },
    sponsor: sponsor.address,
    maxDelaySeconds,
  })
  const reason = (v: TrialVerdict) => (v.valid ? 'accepted' : v.reason)
  const tampering = {
    changedValue: reason(changedValue),
    addedAfterLock: reason(addedAfterLock),
    backDated: reason(backDated),
    withheld: reason(withheld),
  }
  check(
    tampering.changedValue === 'RECORD_MISMATCH' &&
      tampering.addedAfterLock === 'NOT_IN_DATASET' &&
      tampering.withheld === 'INCOMPLETE',
    'tampered publications refused: one changed value (RECORD_MISMATCH), a record fabricated after the lock (NOT_IN_DATASET), an outcome withheld (INCOMPLETE)',
  )
  check(
    tampering.backDated === 'ANCHORED_LATE' && honestRelock.valid,
    'anchor times: a back-dated record in a re-signed, re-anchored chain is refused (ANCHORED_LATE): the ledger dates it 3 days after its stated collection',
  )
  return Object.freeze({
    ledger: ledger.name,
    ledgerId: ledger.ledgerId,
    study,
    batches: verdict.batches,
    recordsVerified: verdict.records,
    byType: verdict.byType,
    meanChange: Object.freeze(meanChange),
    tampering: Object.freeze(tampering),
  })
}
