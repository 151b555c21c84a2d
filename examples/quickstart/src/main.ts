/**
 * `pnpm demo`: the medseal story in the terminal. A thin CLI over {@link runQuickstart}.
 * @module
 */
import { HELP, parseArgs } from './args.js'
import { type QuickstartOptions, type QuickstartSummary, runQuickstart } from './quickstart.js'
import { DEFAULT_DATA_DIR } from './state.js'

function printSummary(s: QuickstartSummary, seconds: number): void {
  const passed = Object.values(s.checks).filter(Boolean).length
  const rows: [string, string | number][] = [
    ['ledger', s.ledgerId],
    ['identities', s.identities],
    ['resources sealed', s.resourcesSealed],
    [
      'receipts verified',
      `${s.receiptsVerified} (in ${s.batchesOnLedger} ledger write${s.batchesOnLedger === 1 ? '' : 's'})`,
    ],
    [
      'doctor reads',
      `${s.doctorReads} permitted, ${s.refusedOutOfScope} refused (${s.refusedSensitive} for an excluded label)`,
    ],
    ['access log', `${s.logEvents} events, every one proven against the ledger`],
    ['revocation', `${s.releasesPurged} released keys purged, next read refused`],
    ['break-glass', `${s.emergencyReads} emergency read, reviewed`],
    ['erasure', `${s.shredded} record crypto-shredded, tombstone on the ledger`],
  ]
  const width = Math.max(...rows.map(([k]) => k.length))
  console.log('\nSummary')
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`)
  console.log(`\n${passed}/${Object.keys(s.checks).length} checks passed in ${seconds.toFixed(1)} s.`)
}

async function main(): Promise<number> {
  let options: QuickstartOptions | 'help'
  try {
    options = parseArgs(process.argv.slice(2), process.env)
  } catch (err) {
    console.error((err as Error).message)
    return 2
  }
  if (options === 'help') {
    console.log(HELP)
    return 0
  }
  const tty = process.stderr.isTTY === true
  let progressShown = false
  const clear = () => {
    if (progressShown) process.stderr.write('\r\x1b[2K')
    progressShown = false
  }
  const started = performance.now()
  try {
    // the demo keeps its state in a directory under the OS temp dir (printed) unless told otherwise
    const dataDir = options.dataDir === undefined ? DEFAULT_DATA_DIR : options.dataDir || undefined
    const { dataDir: _, ...rest } = options
    const summary = await runQuickstart(dataDir === undefined ? rest : { ...rest, dataDir }, {
      line: (text) => {
        clear()
        console.log(text)
      },
      progress: (label, done, total) => {
        if (!tty) return
        const width = 24
        const filled = Math.round((done / total) * width)
        process.stderr.write(
          `\r\x1b[2K  ${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`,
        )
        progressShown = done < total
        if (done >= total) process.stderr.write('\r\x1b[2K')
      },
    })
    clear()
    printSummary(summary, (performance.now() - started) / 1000)
    return 0
  } catch (err) {
    clear()
    const e = err as { name?: string; code?: string; shortMessage?: string; message?: string }
    console.error(`✗ ${e.name ?? 'Error'}${e.code ? ` ${e.code}` : ''}: ${e.shortMessage ?? e.message ?? String(err)}`)
    return 1
  }
}

process.exitCode = await main()
