/**
 * Recipe 4, research export and public-health report: many patients' charts (Synthea synthetic patients, one FHIR
 * Bundle each) are sealed and anchored in the EHR. Patients who consented to research (`HRESCH`, granted to the study
 * team on the ledger) are exported: their Bundles are de-identified by HIPAA Safe Harbor with keyed pseudonyms (one
 * key for the whole export, so references stay linkable inside it and nowhere else), sealed to the study team and the
 * public-health agency, and anchored as an `export`. The disclosure is written to each exported patient's access log
 * before the export leaves. The study team verifies every exported Bundle against the ledger; the agency computes an
 * aggregate (conditions by onset year and state) from the de-identified data only; a consenting patient finds the
 * research disclosure in their log, proven against the head anchored on the ledger; a patient who declined finds none.
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  type AccessLog,
  authorize,
  bytesToHex0x,
  createAccessLog,
  createAnchorer,
  createParty,
  grantConsent,
  type Hex,
  open,
  type Party,
  type Receipt,
  randomBytes,
  seal,
  verifyEventInclusion,
  verifyLogAgainstLedger,
  verifyRecord,
  wipe,
} from '@medseal/core'
import { deidentify } from '@medseal/fhir'
import type { RecipeOptions } from '../shared/ledger.js'
import { type RecipeCheck, type RecipeState, runRecipe } from '../shared/state.js'

/** The Synthea patients shipped with the repository's test vectors (`../shared/vectors` from the repository root). */
export const SYNTHEA_DIR = fileURLToPath(new URL('../../../../../shared/vectors/fhir/synthea/', import.meta.url))

type Json = Record<string, unknown>
type Bundle = { resourceType: 'Bundle'; entry?: { fullUrl?: string; resource?: Json }[] }

/** Reads every Synthea Bundle of `dir`, in file-name order. */
export function readSyntheaBundles(dir: string = SYNTHEA_DIR): Bundle[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Bundle)
}

/** Whether patient `i` (in file order) consents to research in this recipe: all but every fifth. */
export const consentsToResearch = (i: number): boolean => i % 5 !== 4

const resources = (b: Bundle, type: string): Json[] =>
  (b.entry ?? []).map((e) => e.resource).filter((r): r is Json => r?.resourceType === type)

/**
 * The public-health aggregate: Conditions counted by onset year and the patient's state, from de-identified
 * Bundles (years are all Safe Harbor leaves of dates; states are kept).
 *
 * @param bundles - de-identified Bundles, one per patient
 * @returns counts keyed `YYYY|State`, sorted by key
 * @example
 * ```ts
 * conditionsByYearAndState([deidentified]) // { '2019|Massachusetts': 2 }
 * ```
 */
export function conditionsByYearAndState(bundles: readonly Bundle[]): Record<string, number> {
  const counts = new Map<string, number>()
  for (const b of bundles) {
    const state = (resources(b, 'Patient')[0]?.address as { state?: string }[] | undefined)?.[0]?.state ?? 'unknown'
    for (const c of resources(b, 'Condition')) {
      const onset = (c.onsetDateTime as string | undefined) ?? (c.recordedDate as string | undefined)
      const key = `${onset?.slice(0, 4) ?? 'unknown'}|${state}`
      counts.set(key, (counts.get(key) ?? 0) + 1)
    }
  }
  return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/** What the research-export recipe verified. */
export type ResearchExportSummary = {
  readonly ledger: string
  readonly ledgerId: string
  /** Charts sealed and anchored in the EHR. */
  readonly patients: number
  /** Patients who granted HRESCH to the study team (by file index), and who did not. */
  readonly consenting: readonly number[]
  readonly declined: readonly number[]
  /** De-identified Bundles exported, each verified by the study team against the `export` anchor. */
  readonly exportedVerified: number
  /** Resources in the export, by type. */
  readonly exportedResources: Readonly<Record<string, number>>
  /** Identifiers left in the export (names, identifiers, telecom, street lines, full dates): 0. */
  readonly identifiersLeft: number
  /** Source ids that survived into the export (all replaced by pseudonyms): 0. */
  readonly sourceIdsLeft: number
  /** The agency's aggregate from de-identified data only. */
  readonly conditionsByYearAndState: Readonly<Record<string, number>>
  /** Consenting patients whose log shows the research disclosure, proven against the anchored head. */
  readonly disclosuresVerified: number
  /** Declining patients whose log has no event. */
  readonly declinedLogsEmpty: number
}

/**
 * Runs the research-export recipe.
 *
 * @param options - `rpc` for an EVM node (default: the memory ledger), `dataDir` (default {@link SYNTHEA_DIR})
 * @param output - where each verified step is reported
 * @returns the {@link ResearchExportSummary}
 * @throws Error when a check fails (the message names it)
 * @example
 * ```ts
 * const summary = await run({}, console.log)
 * summary.identifiersLeft // 0
 * ```
 */
export async function run(
  options: RecipeOptions & { readonly dataDir?: string } = {},
  output: (line: string) => void = () => {},
): Promise<ResearchExportSummary> {
  const title = 'research export and public-health report'
  return runRecipe({ recipe: 'research-export', title, options, output }, (state, check) =>
    story(state, options, check),
  )
}

async function story(
  state: RecipeState,
  options: RecipeOptions & { readonly dataDir?: string },
  check: RecipeCheck,
): Promise<ResearchExportSummary> {
  const { ledger, stores } = state
  const charts = readSyntheaBundles(options.dataDir)
  if (charts.length === 0) throw new Error('research-export: no Synthea Bundles found')
  const [vendor, studyTeam, agency] = [createParty(), createParty(), createParty()]
  const patients = charts.map(() => createParty())

  // 1. In the EHR: each chart sealed to its patient and the vendor, anchored.
  const sealed = await Promise.all(
    charts.map(async (chart, i) => seal(chart, { recipients: [patients[i] as Party, vendor] })),
  )
  const anchorer = createAnchorer(ledger, {
    maxBatchSize: 10_000,
    maxDelayMs: 3_600_000,
    store: stores.anchor('charts'),
  })
  const chartReceipts = sealed.map((s) => anchorer.add(s.commitment))
  await anchorer.close()
  const anchoredCharts = (await Promise.all(chartReceipts)).filter((r) => r.treeSize === charts.length).length
  check(anchoredCharts === charts.length, `${charts.length} Synthea charts sealed and anchored in the EHR (one batch)`)

  // 2. Research consents: HRESCH read of the chart, granted to the study team, registered on the ledger.
  const consentIds = new Map<number, Hex>()
  for (const [i, patient] of patients.entries()) {
    if (!consentsToResearch(i)) continue
    const { token } = await grantConsent(ledger, {
      party: patient,
      grantee: studyTeam,
      commitments: [bytesToHex0x((sealed[i] as (typeof sealed)[number]).commitment)],
      actions: ['read'],
      purposes: ['HRESCH'],
      durationSeconds: 365 * 86_400,
    })
    consentIds.set(i, token.consent.id)
  }

  // 3. The export: for each chart, the ledger must authorize HRESCH; the disclosure is logged first; then the chart
  //    is de-identified with the export's key. The key is wiped afterwards: pseudonyms cannot be reversed.
  const logs: AccessLog[] = []
  for (const patient of patients) {
    const logName = `patient-access:${patient.address}`
    logs.push(await createAccessLog({ operator: vendor, ledger, name: logName, store: stores.accessLog(logName) }))
  }
  const exportKey = randomBytes(32)
  const exported: Bundle[] = []
  const consenting: number[] = []
  const declined: number[] = []
  for (const [i, s] of sealed.entries()) {
    const consentId = consentIds.get(i)
    const commitment = bytesToHex0x(s.commitment)
    const decision =
      consentId === undefined
        ? undefined
        : await authorize(ledger, {
            consentId,
            grantor: patients[i] as Party,
            grantee: studyTeam,
            action: 'read',
            purpose: 'HRESCH',
            record: { commitment, resourceType: 'Bundle', owner: (patients[i] as Party).address },
          })
    if (decision?.allowed !== true) {
      declined.push(i)
      continue
    }
    await (logs[i] as AccessLog).append({
      actor: studyTeam.address,
      action: 'read',
      commitment,
      at: await ledger.getTime(),
      purpose: 'HRESCH',
      consentId: consentId as Hex,
      outcome: 'permit',
      reason: 'de-identified research export (HIPAA Safe Harbor)',
    })
    const { value } = await open<Bundle>(s.envelope, vendor)
    exported.push(deidentify(value, { key: exportKey }) as unknown as Bundle)
    consenting.push(i)
  }
  wipe(exportKey)
  for (const i of consenting) await (logs[i] as AccessLog).publishHead()

  // 4. The export is sealed to the study team and the agency and anchored as an `export`.
  const exportSealed = await Promise.all(exported.map((b) => seal(b, { recipients: [studyTeam, agency] })))
  const exportAnchorer = createAnchorer(ledger, {
    maxBatchSize: 10_000,
    maxDelayMs: 3_600_000,
    kind: 'export',
    store: stores.anchor('exports'),
  })
  const pending = exportSealed.map((s) => exportAnchorer.add(s.commitment))
  await exportAnchorer.close()
  const exportReceipts = await Promise.all(pending)
  check(
    consenting.length + declined.length === charts.length && consenting.length > 0,
    `${consenting.length} patients consented to research (HRESCH on the ledger) and were exported; ${declined.length} declined and were left out`,
  )

  // 5. The study team verifies every exported Bundle against the export anchor, and checks it is de-identified.
  let exportedVerified = 0
  const received: Bundle[] = []
  for (const [k, s] of exportSealed.entries()) {
    await verifyRecord(ledger, {
      receipt: exportReceipts[k] as Receipt,
      envelope: s.envelope,
      party: studyTeam,
      kind: 'export',
    })
    received.push((await open<Bundle>(s.envelope, studyTeam)).value)
    exportedVerified++
  }
  const exportedResources: Record<string, number> = {}
  let identifiersLeft = 0
  let sourceIdsLeft = 0
  const fullDate = /^\d{4}-\d{2}-\d{2}/
  const walk = (v: unknown, key: string): void => {
    if (Array.isArray(v)) for (const x of v) walk(x, key)
    else if (v !== null && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        if (['name', 'identifier', 'telecom', 'line', 'city', 'photo'].includes(k)) identifiersLeft++
        walk(x, k)
      }
    else if (typeof v === 'string' && fullDate.test(v)) identifiersLeft++
  }
  const sourceIds = new Set(charts.flatMap((c) => (c.entry ?? []).map((e) => e.resource?.id as string)))
  for (const b of received) {
    for (const e of b.entry ?? []) {
      const type = e.resource?.resourceType as string
      exportedResources[type] = (exportedResources[type] ?? 0) + 1
      if (sourceIds.has(e.resource?.id as string)) sourceIdsLeft++
      walk(e.resource, '')
    }
  }
  check(
    exportedVerified === consenting.length && identifiersLeft === 0 && sourceIdsLeft === 0,
    `study team verified ${exportedVerified} de-identified Bundles against the export anchor: no names, identifiers, telecom, street addresses or full dates left, every id a pseudonym`,
  )

  // 6. The agency's public-health count, from the de-identified export only.
  const agencyView = await Promise.all(exportSealed.map(async (s) => (await open<Bundle>(s.envelope, agency)).value))
  const aggregate = conditionsByYearAndState(agencyView)
  const total = Object.values(aggregate).reduce((a, b) => a + b, 0)
  check(
    total === (exportedResources.Condition ?? 0),
    `public-health report from de-identified data only: ${total} conditions in ${Object.keys(aggregate).length} (onset year, state) cells`,
  )

  // 7. Each patient reads their own log: the research disclosure is there for those who consented, proven against
  //    the head anchored on the ledger; nothing for those who declined.
  let disclosuresVerified = 0
  for (const i of consenting) {
    const log = logs[i] as AccessLog
    const head = await log.signedHead()
    await verifyLogAgainstLedger(ledger, { head, operator: vendor.address })
    const event = await log.getEvent(0)
    verifyEventInclusion({
      event,
      index: 0,
      head,
      proof: await log.proveInclusion(0, head.head.treeSize),
      operator: vendor.address,
      domain: ledger.domain,
    })
    if (
      event.purpose === 'HRESCH' &&
      event.consentId === consentIds.get(i) &&
      event.actor.toLowerCase() === studyTeam.address.toLowerCase()
    )
      disclosuresVerified++
  }
  const declinedLogsEmpty = declined.filter((i) => (logs[i] as AccessLog).size === 0).length
  check(
    disclosuresVerified === consenting.length && declinedLogsEmpty === declined.length,
    `each exported patient's log shows the research disclosure (HRESCH, study team, their consent), proven against the anchored head (${disclosuresVerified}); the ${declined.length} who declined have none`,
  )
  return Object.freeze({
    ledger: ledger.name,
    ledgerId: ledger.ledgerId,
    patients: charts.length,
    consenting: Object.freeze(consenting),
    declined: Object.freeze(declined),
    exportedVerified,
    exportedResources: Object.freeze(exportedResources),
    identifiersLeft,
    sourceIdsLeft,
    conditionsByYearAndState: Object.freeze(aggregate),
    disclosuresVerified,
    declinedLogsEmpty,
  })
}
