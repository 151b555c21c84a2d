import { mkdtempSync, rmSync } from 'node:fs'
import { type AddressInfo, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startAnvil } from '@medseal/adapter-evm/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HELP, parseArgs } from './args.js'
import { type QuickstartOptions, type QuickstartSummary, runQuickstart } from './quickstart.js'

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

async function run(options: QuickstartOptions) {
  const lines: string[] = []
  const progress: [string, number, number][] = []
  const summary = await runQuickstart(options, {
    line: (t) => lines.push(t),
    progress: (l, d, t) => progress.push([l, d, t]),
  })
  return { summary, lines, progress }
}

type Expected = { sealed: number; batches: number; identities: number; records: number }

function assertStory(
  summary: QuickstartSummary,
  lines: string[],
  progress: [string, number, number][],
  expected: Expected,
) {
  expect(Object.keys(summary.checks)).toEqual(CHECKS)
  expect(Object.values(summary.checks).every((v) => v === true)).toBe(true)
  expect(summary.resourcesSealed).toBe(expected.sealed)
  expect(summary.receiptsVerified).toBe(expected.sealed)
  expect(summary.batchesOnLedger).toBe(expected.batches)
  expect(summary.identities).toBe(expected.identities)
  // the patient's records: the Patient resource (and any PSY/HIV-labelled record) refused, the rest read
  expect(summary.doctorReads + summary.refusedOutOfScope).toBe(expected.records)
  expect(summary.doctorReads).toBeGreaterThan(0)
  expect(summary.refusedOutOfScope - summary.refusedSensitive).toBe(1)
  expect(summary.releasesPurged).toBe(summary.doctorReads)
  expect(summary.emergencyReads).toBe(1)
  expect(summary.shredded).toBe(1)
  expect(summary.logEventsVerified).toBe(summary.doctorReads + summary.refusedOutOfScope)
  expect(summary.logEvents).toBeGreaterThan(summary.logEventsVerified)

  expect(lines.filter((l) => l.startsWith('✓ '))).toHaveLength(CHECKS.length)
  expect(lines.filter((l) => !l.startsWith('✓ '))).toHaveLength(1) // the heading
  const batches = expected.batches === 1 ? '1 anchored batch' : `${expected.batches} anchored batches`
  expect(lines).toContain(
    `✓ ${expected.sealed} receipts verified against the ledger: ${expected.sealed} commitments in ${batches} (the ledger holds roots only; every commitment is salted)`,
  )
  const excluded = summary.refusedSensitive
    ? ` and ${summary.refusedSensitive} with an excluded PSY/HIV label (CONSENT_EXCLUDED)`
    : ''
  expect(lines).toContain(
    `✓ doctor read ${summary.doctorReads} records (each decrypted to the sealed resource); refused 1 outside the granted types (CONSENT_SCOPE)${excluded}`,
  )
  expect(
    lines.some((l) =>
      l.startsWith(`✓ consent revoked on the ledger; custodian purged ${summary.releasesPurged} released keys;`),
    ),
  ).toBe(true)
  expect(lines.some((l) => l.includes('(CONSENT_REVOKED)'))).toBe(true)
  expect(lines.some((l) => l.startsWith('✓ break-glass: ER clinician read 1 '))).toBe(true)
  expect(lines.some((l) => l.startsWith('✓ erasure: 1 ') && l.includes('RECORD_SHREDDED'))).toBe(true)
  expect(
    lines.some((l) =>
      l.startsWith(`✓ access log grew from ${summary.logEventsVerified} to ${summary.logEvents} events`),
    ),
  ).toBe(true)
  // progress reached the end of each long step
  for (const label of ['sealing', 'verifying receipts', 'doctor reading']) {
    const last = progress.filter(([l]) => l === label).at(-1)
    expect(last?.[1]).toBe(last?.[2])
    expect(last?.[2]).toBeGreaterThan(0)
  }
  // nothing that looks like a key or a 32-byte secret is printed
  expect(lines.join('\n')).not.toMatch(/0x[0-9a-f]{64}/i)
}

describe('runQuickstart', () => {
  it('tells the whole story on the memory ledger, every check verified', async () => {
    // the defaults of `pnpm demo`: 3 patients × (1 Patient + 12 resources), 16 per ledger write
    const { summary, lines, progress } = await run({})
    expect(summary.adapter).toBe('memory')
    expect(lines[0]).toBe('medseal quickstart on memory')
    assertStory(summary, lines, progress, { sealed: 39, batches: 3, identities: 7, records: 13 })
    // the synthetic data is deterministic: the first patient has one HIV/PSY-labelled Condition
    expect(summary.refusedSensitive).toBe(1)
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
      const { summary, lines, progress } = await run({ patients: 2, resources: 6, batchSize: 4, adapter: anvil.rpcUrl })
      expect(summary.adapter).toBe('evm')
      expect(summary.ledgerId).toMatch(/^eip155:31337:0x[0-9a-fA-F]{40}$/)
      expect(lines[0]).toMatch(/^medseal quickstart on evm \(chain 31337, registry 0x[0-9a-fA-F]{40}\)$/)
      expect(lines.join('\n')).not.toContain(anvil.rpcUrl)
      assertStory(summary, lines, progress, { sealed: 14, batches: 4, identities: 6, records: 7 })
    }, 120_000)
  })

  it('keeps its state in PGlite in a directory: a second run finds the first run’s log, and the log stays consistent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medseal-quickstart-test-'))
    try {
      const first = await run({ patients: 1, resources: 3, dataDir: dir })
      expect(first.lines[0]).toBe('medseal quickstart on memory (file-backed)')
      expect(first.lines).toContain(
        `state in ${dir} (PGlite): new; run the demo again and this run's log, records and anchors are still there`,
      )
      const second = await run({ patients: 1, resources: 3, dataDir: dir })
      expect(second.lines).toContain(
        `state in ${dir} (PGlite): kept from an earlier run, the access log already holds ${first.summary.logEvents} events`,
      )
      expect(Object.values(second.summary.checks).every((v) => v === true)).toBe(true)
      // the same log (same operator key, same ledger file) grew: this run's events were appended to the first run's
      expect(second.summary.logEvents).toBe(2 * first.summary.logEvents)
      // a second opener of the directory is refused while it is open (PGlite does not lock it itself)
      const { openQuickstartState } = await import('./state.js')
      const open = await openQuickstartState({ dir, memoryLedger: false })
      try {
        await expect(openQuickstartState({ dir, memoryLedger: false })).rejects.toMatchObject({ code: 'STORE_LOCKED' })
      } finally {
        await open.close()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 300_000)

  it('rejects bad options before touching a ledger', async () => {
    await expect(runQuickstart({ patients: 0 })).rejects.toThrow(RangeError)
    await expect(runQuickstart({ resources: 1 })).rejects.toThrow(RangeError)
    await expect(runQuickstart({ adapter: 'ftp://example.org' })).rejects.toThrow(RangeError)
  })

  it('names an unreachable EVM node LEDGER_UNAVAILABLE', async () => {
    // a port that was free a moment ago: nothing answers there
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    await new Promise((resolve) => server.close(resolve))
    await expect(runQuickstart({ adapter: `http://127.0.0.1:${port}` })).rejects.toMatchObject({
      name: 'LedgerError',
      code: 'LEDGER_UNAVAILABLE',
    })
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
    expect(parseArgs(['--data', '/tmp/x'])).toEqual({ dataDir: '/tmp/x' })
    expect(parseArgs(['--no-data'])).toEqual({ dataDir: '' })
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
    expect(() => parseArgs(['--data'])).toThrow(/directory/)
  })
})
