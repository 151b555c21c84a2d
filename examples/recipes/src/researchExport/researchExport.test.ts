import { describe, expect } from 'vitest'
import { describeRecipeRuns } from '../shared/describeRecipeRuns.js'
import { consentsToResearch, type ResearchExportSummary, readSyntheaBundles, run } from './researchExport.js'

type Json = Record<string, unknown>

/** The same count straight from the identified source charts: what the de-identified export must reproduce. */
function expectedCounts(): { consenting: number[]; counts: Record<string, number>; patients: number } {
  const charts = readSyntheaBundles()
  const counts: Record<string, number> = {}
  const consenting: number[] = []
  for (const [i, chart] of charts.entries()) {
    if (!consentsToResearch(i)) continue
    consenting.push(i)
    const res = (chart.entry ?? []).map((e) => e.resource as Json)
    const patient = res.find((r) => r.resourceType === 'Patient') as { address?: { state?: string }[] }
    for (const c of res.filter((r) => r.resourceType === 'Condition')) {
      const key = `${String(c.onsetDateTime ?? c.recordedDate).slice(0, 4)}|${patient.address?.[0]?.state}`
      counts[key] = (counts[key] ?? 0) + 1
    }
  }
  return { consenting, counts, patients: charts.length }
}

function assertFacts(summary: ResearchExportSummary, lines: string[]) {
  const expected = expectedCounts()
  expect(expected.patients).toBeGreaterThanOrEqual(5)
  expect(summary.patients).toBe(expected.patients)
  expect(summary.consenting).toEqual(expected.consenting)
  expect(summary.declined.length).toBe(expected.patients - expected.consenting.length)
  expect(summary.exportedVerified).toBe(expected.consenting.length)
  expect(summary.exportedResources.Patient).toBe(expected.consenting.length)
  expect(summary.identifiersLeft).toBe(0)
  expect(summary.sourceIdsLeft).toBe(0)
  expect(summary.conditionsByYearAndState).toEqual(expected.counts)
  expect(summary.disclosuresVerified).toBe(expected.consenting.length)
  expect(summary.declinedLogsEmpty).toBe(summary.declined.length)
  expect(lines.filter((l) => l.startsWith('✓ '))).toHaveLength(5)
}

describe('recipe: research export and public-health report', () => {
  describeRecipeRuns({
    title: 'research export and public-health report',
    memoryTest: 'exports de-identified, anchored Bundles of consenting patients on the memory ledger',
    run,
    assertFacts,
    timeoutMs: 180_000,
  })
})
