/**
 * The quickstart's command line: `--patients`, `--resources`, `--adapter`, `--batch-size`, `--data`, `--no-data`,
 * `--help`.
 * @module
 */
import type { QuickstartOptions } from './quickstart.js'

/** The text `--help` prints. */
export const HELP = `medseal quickstart: seal, anchor, consent, audit, revoke, break-glass and erase synthetic FHIR records.

Usage: pnpm demo [options]

Options:
  --patients N              synthetic patients to generate (default 3)
  --resources N             clinical resources per patient (default 12, at least 2)
  --adapter memory|<URL>    ledger: the in-process memory ledger (default), or an EVM JSON-RPC URL
                            (e.g. http://127.0.0.1:8545 from \`anvil\`): a MedsealRegistry is deployed
                            there with MEDSEAL_PRIVATE_KEY, or anvil's first test account if unset
  --batch-size N            commitments per ledger write (default 16)
  --data DIR                where the state is kept between runs: PGlite (PostgreSQL in the process)
                            for the custodian, access log, break-glass and anchor queue, and the memory
                            ledger's file (default: medseal-quickstart under the OS temp dir, printed)
  --no-data                 keep everything in memory (nothing survives the run)
  --help                    show this help

Every ✓ line is printed only after the check it describes has passed.`

/**
 * Parses the command line (and `MEDSEAL_PRIVATE_KEY` from `env`); throws a RangeError with a readable message on bad
 * input.
 */
export function parseArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): QuickstartOptions | 'help' {
  const out: { -readonly [K in keyof QuickstartOptions]: QuickstartOptions[K] } = {}
  const int = (name: string, value: string | undefined): number => {
    if (value === undefined || !/^[1-9][0-9]{0,5}$/.test(value))
      throw new RangeError(`${name} needs a positive integer.`)
    return Number(value)
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined]
    const value = () => inline ?? argv[++i]
    switch (flag) {
      case '--help':
      case '-h':
        return 'help'
      case '--patients':
        out.patients = int('--patients', value())
        break
      case '--resources':
        out.resources = int('--resources', value())
        break
      case '--batch-size':
        out.batchSize = int('--batch-size', value())
        break
      case '--adapter': {
        const v = value()
        if (!v) throw new RangeError('--adapter needs "memory" or an RPC URL.')
        out.adapter = v
        break
      }
      case '--data': {
        const v = value()
        if (!v) throw new RangeError('--data needs a directory.')
        out.dataDir = v
        break
      }
      case '--no-data':
        out.dataDir = ''
        break
      case '--':
        break
      default:
        throw new RangeError(`Unknown option ${flag}. Try --help.`)
    }
  }
  const key = env.MEDSEAL_PRIVATE_KEY
  if (key !== undefined && key !== '') {
    if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new RangeError('MEDSEAL_PRIVATE_KEY must be 0x and 64 hex digits.')
    out.privateKey = key as `0x${string}`
  }
  return out
}
