/**
 * `pnpm --filter @medseal/example-recipes <recipe> [--rpc URL]`: runs one recipe and prints each verified step, then
 * its summary as JSON. A thin CLI over each recipe's `run(options)`.
 * @module
 */
import type { Hex } from '@medseal/core'
import { RECIPES, type RecipeName } from './recipes.js'
import { defaultDataDir } from './shared/state.js'

const HELP = `medseal recipes: use cases from the field, each verified step printed as it passes.

Usage: pnpm --filter @medseal/example-recipes <recipe> [--rpc URL] [--data DIR | --no-data]

Recipes: ${Object.keys(RECIPES).join(', ')}

Options:
  --rpc URL   run on an EVM node (e.g. http://127.0.0.1:8545 from \`anvil\`): a MedsealRegistry is deployed there
              with MEDSEAL_PRIVATE_KEY, or anvil's first test account if unset. Default: the memory ledger.
  --data DIR  where the state is kept between runs: PGlite (PostgreSQL in the process) for the custodian, access
              logs, break-glass and anchor queues, and the memory ledger's file (default: medseal-recipes/<recipe>
              under the OS temp dir, printed). Run a recipe twice: the second run finds the first run's state.
  --no-data   keep everything in memory (nothing survives the run)
  --help      show this help`

/**
 * Parses `<recipe> [--rpc URL] [--data DIR | --no-data] [--help]`; throws a RangeError with a readable message. The
 * state directory defaults to {@link defaultDataDir} of the recipe (`stateDir: ''` for `--no-data`).
 */
export function parseArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): 'help' | { recipe: RecipeName; rpc?: string; privateKey?: Hex; stateDir: string } {
  let recipe: string | undefined
  let rpc: string | undefined
  let stateDir: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--') continue
    if (arg === '--help' || arg === '-h') return 'help'
    if (arg === '--rpc' || arg.startsWith('--rpc=')) {
      rpc = arg.startsWith('--rpc=') ? arg.slice(6) : argv[++i]
      if (!rpc) throw new RangeError('--rpc needs a URL.')
    } else if (arg === '--data' || arg.startsWith('--data=')) {
      stateDir = arg.startsWith('--data=') ? arg.slice(7) : argv[++i]
      if (!stateDir) throw new RangeError('--data needs a directory.')
    } else if (arg === '--no-data') stateDir = ''
    else if (arg.startsWith('-')) throw new RangeError(`Unknown option ${arg}. Try --help.`)
    else if (recipe === undefined) recipe = arg
    else throw new RangeError(`Unexpected argument ${arg}. Try --help.`)
  }
  if (recipe === undefined || !(recipe in RECIPES))
    throw new RangeError(`Name a recipe: ${Object.keys(RECIPES).join(', ')}.`)
  const key = env.MEDSEAL_PRIVATE_KEY
  if (key !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(key))
    throw new RangeError('MEDSEAL_PRIVATE_KEY must be 0x followed by 64 hex digits.')
  return {
    recipe: recipe as RecipeName,
    stateDir: stateDir ?? defaultDataDir(recipe),
    ...(rpc === undefined ? {} : { rpc }),
    ...(key === undefined ? {} : { privateKey: key as Hex }),
  }
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parseArgs>
  try {
    args = parseArgs(process.argv.slice(2), process.env)
  } catch (err) {
    console.error((err as Error).message)
    return 2
  }
  if (args === 'help') {
    console.log(HELP)
    return 0
  }
  const { recipe, ...options } = args
  try {
    const summary = await RECIPES[recipe](options, (line) => console.log(line))
    console.log(`\nSummary\n${JSON.stringify(summary, null, 2)}`)
    return 0
  } catch (err) {
    const e = err as { name?: string; code?: string; shortMessage?: string; message?: string }
    console.error(`✗ ${e.name ?? 'Error'}${e.code ? ` ${e.code}` : ''}: ${e.shortMessage ?? e.message ?? String(err)}`)
    return 1
  }
}

if (process.argv[1]?.endsWith('cli.ts')) process.exitCode = await main()
