import { startAnvil } from '@medseal/adapter-evm/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HELP, parseArgs } from './args.js'
import { type QuickstartSummary, runQuickstart } from './quickstart.js'

const CHECKS = [
  'identities',
  'sealed',
  'anchored',
  'deposited',
  'grant',
  'reads',
  'accessLog',
  'revocation',
  'breakGlass',
  'erasure',
  'logConsistent',
]

async function run(adapter: string) {
  const lines: string[] = []
  const progress: [string, number, number][] = []
  const summary = await runQuickstart(
    { patients: 2, resources: 6, batchSize: 4, adapter },
    { line: (t) => lines.push(t), progress: (l, d, t) => progress.push([l, d, t]) },
  )
  return { summary, lines, progress }
}

function assertStory(summary: QuickstartSummary, lines: string[], progress: [string, number, number][]) {
  expect(Object.keys(summary.checks)).toEqual(CHECKS)
  expect(Object.values(summary.checks).every((v) => v === true)).toBe(true)
  // 2 patients × (1 Patient + 6 resources); batches of 4 → 4 ledger writes
  expect(summary.resourcesSealed).toBe(14)
  expect(summary.receiptsVerified).toBe(14)
  expect(summary.batchesOnLedger).toBe(4)
  expect(summary.identities).toBe(6)
  // the first patient's 7 records: the Patient resource (and any PSY/HIV-labelled record) refused, the rest read
  expect(summary.doctorReads + summary.refusedOutOfScope).toBe(7)
  expect(summary.doctorReads).toBeGreaterThan(0)
  expect(summary.refusedOutOfScope).toBeGreaterThanOrEqual(1)
  expect(summary.releasesPurged).toBe(summary.doctorReads)
  expect(summary.emergencyReads).toBe(1)
  expect(summary.shredded).toBe(1)
  expect(summary.logEventsVerified).toBe(summary.doctorReads + summary.refusedOutOfScope)
  expect(summary.logEvents).toBeGreaterThan(summary.logEventsVerified)

  const checks = lines.filter((l) => l.startsWith('✓ '))
  expect(checks).toHaveLength(CHECKS.length)
  expect(lines).toContain(
    '✓ 14 receipts verified against the ledger: 14 commitments in 4 anchored batches (no PHI on the ledger, only salted commitments)',
  )
  expect(lines).toContain(
    `✓ doctor read ${summary.doctorReads} records (each decrypted to the sealed resource); ${summary.refusedOutOfScope} out of scope refused (CONSENT_SCOPE: the Patient resource${summary.refusedOutOfScope > 1 ? ' and sensitive labels' : ''})`,
  )
  expect(
    lines.some((l) =>
      /^✓ consent revoked on the ledger; custodian purged \d+ released keys; .*CONSENT_REVOKED/.test(l),
    ),
  ).toBe(true)
  expect(lines.some((l) => l.startsWith('✓ break-glass: ER clinician read 1 '))).toBe(true)
  expect(lines.some((l) => l.startsWith('✓ erasure: 1 ') && l.includes('RECORD_SHREDDED'))).toBe(true)
  expect(
    lines.some((l) =>
      l.startsWith(`✓ access log grew from ${summary.logEventsVerified} to ${summary.logEvents} events`),
    ),
  ).toBe(true)
  // progress reached the end of each long step
  for (const label of ['sealing', 'verifying receipts', 'doctor reading'])
    expect(
      progress
        .filter(([l]) => l === label)
        .at(-1)
        ?.slice(1),
    ).toSatisfy(([d, t]: number[]) => d === t && t! > 0)
  // no secrets: no 32-byte hex that is not a public value, no seed words
  expect(lines.join('\n')).not.toMatch(/0x[0-9a-f]{64}/i)
}

describe('runQuickstart', () => {
  it('tells the whole story on the memory ledger, every check verified', async () => {
    const { summary, lines, progress } = await run('memory')
    expect(summary.adapter).toBe('memory')
    expect(lines[0]).toBe('medseal quickstart on memory')
    assertStory(summary, lines, progress)
  })

  describe('on an EVM chain (anvil)', () => {
    let anvil: Awaited<ReturnType<typeof startAnvil>>
    beforeAll(async () => {
      anvil = await startAnvil()
    }, 30_000)
    afterAll(async () => {
      await anvil?.stop()
    })
    it('deploys a MedsealRegistry and tells the same story on it', async () => {
      const { summary, lines, progress } = await run(anvil.rpcUrl)
      expect(summary.adapter).toBe('evm')
      expect(summary.ledgerId).toMatch(/^eip155:31337:0x[0-9a-fA-F]{40}$/)
      expect(lines[0]).toMatch(/^medseal quickstart on evm \(chain 31337, registry 0x[0-9a-fA-F]{40}\)$/)
      expect(lines.join('\n')).not.toContain(anvil.rpcUrl)
      assertStory(summary, lines, progress)
    }, 120_000)
  })

  it('rejects bad options before touching a ledger', async () => {
    await expect(runQuickstart({ patients: 0 })).rejects.toThrow(RangeError)
    await expect(runQuickstart({ resources: 1 })).rejects.toThrow(RangeError)
    await expect(runQuickstart({ adapter: 'ftp://example.org' })).rejects.toThrow(RangeError)
  })
})

describe('parseArgs', () => {
  it('reads every flag', () => {
    expect(
      parseArgs(['--patients', '4', '--resources=9', '--adapter', 'http://127.0.0.1:8545', '--batch-size', '8']),
    ).toEqual({
      patients: 4,
      resources: 9,
      adapter: 'http://127.0.0.1:8545',
      batchSize: 8,
    })
    expect(parseArgs([])).toEqual({})
    expect(parseArgs(['--help'])).toBe('help')
    expect(HELP).toContain('--adapter memory|<URL>')
  })
  it('takes the key from MEDSEAL_PRIVATE_KEY and rejects a malformed one', () => {
    const key = `0x${'ab'.repeat(32)}`
    expect(parseArgs([], { MEDSEAL_PRIVATE_KEY: key })).toEqual({ privateKey: key })
    expect(() => parseArgs([], { MEDSEAL_PRIVATE_KEY: 'nope' })).toThrow(RangeError)
  })
  it('refuses unknown flags and bad numbers', () => {
    expect(() => parseArgs(['--patients', 'many'])).toThrow(/positive integer/)
    expect(() => parseArgs(['--patients'])).toThrow(RangeError)
    expect(() => parseArgs(['--frobnicate'])).toThrow(/Unknown option/)
  })
})
