/**
 * Where a recipe keeps its state: by default (the CLI) PGlite — PostgreSQL in the process — in a directory under the OS
 * temp dir, one per recipe, holding the custodian's records and releases, the access logs, break-glass grants and
 * reviews and the anchorers' queues and receipts. A second run finds everything the first stored. The ledger is not
 * part of it: each run gets a fresh memory ledger (or deploys a fresh registry with `--rpc`), because several recipes
 * move the ledger's clock ahead by days to show expiry, and a kept clock would leave the next run's grants expired. Without a directory (`--no-data`, and `run()` called without `stateDir`) the
 * same recipe runs on the in-memory stores and nothing survives.
 * @module
 */
import { mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type AccessLogStore,
  type AnchorStore,
  type BreakGlassStore,
  type CustodianStore,
  createMemoryAccessLogStore,
  createMemoryAnchorStore,
  createMemoryBreakGlassStore,
  createMemoryCustodianStore,
} from '@medseal/core'
import { createPostgresStores, type PostgresStores } from '@medseal/store-postgres'
import { openPgliteDirectory } from '@medseal/store-postgres/node'
import { connectLedger, type RecipeLedger, type RecipeOptions } from './ledger.js'

/**
 * The default state directory of a recipe: `medseal-recipes/<recipe>` under the OS temp dir.
 *
 * @param recipe - the recipe's name
 * @returns the directory
 * @example
 * ```ts
 * defaultDataDir('insurance-claim') // '/tmp/medseal-recipes/insurance-claim'
 * ```
 */
export function defaultDataDir(recipe: string): string {
  return join(tmpdir(), 'medseal-recipes', recipe)
}

/** The stores a recipe wires into the SDK: one custodian store, and an access log / anchorer store per name. */
export type RecipeStores = {
  readonly custodian: CustodianStore
  readonly breakGlass: BreakGlassStore
  readonly accessLog: (name: string) => AccessLogStore
  readonly anchor: (name: string) => AnchorStore
}

/** What an earlier run left in the state directory (counted when the recipe opens it). */
export type RecipeKept = {
  readonly logs: number
  readonly logEntries: number
  readonly releases: number
  readonly receipts: number
  readonly breakGlassGrants: number
}

/** A recipe's ledger and stores, open for one run. */
export type RecipeState = RecipeLedger & {
  readonly stores: RecipeStores
  /** The state directory, when the state is kept between runs. */
  readonly dir: string | undefined
  /** What earlier runs left there (all zero on a first run; `undefined` without a directory). */
  readonly kept: RecipeKept | undefined
  /** The line to print about the state (`undefined` without a directory). */
  readonly note: string | undefined
  /** Closes the stores (releasing the directory's lock) and the ledger's file. */
  close(): Promise<void>
}

function memoryStores(): RecipeStores {
  const logs = new Map<string, AccessLogStore>()
  const anchors = new Map<string, AnchorStore>()
  return {
    custodian: createMemoryCustodianStore(),
    breakGlass: createMemoryBreakGlassStore(),
    accessLog: (name) => logs.get(name) ?? (logs.set(name, createMemoryAccessLogStore()).get(name) as AccessLogStore),
    anchor: (name) => anchors.get(name) ?? (anchors.set(name, createMemoryAnchorStore()).get(name) as AnchorStore),
  }
}

async function countKept(stores: PostgresStores): Promise<RecipeKept> {
  const [row] = await stores.db.query(
    `SELECT (SELECT count(*) FROM medseal_logs WHERE size > 0)::int8 AS logs,
            (SELECT count(*) FROM medseal_log_entries)::int8 AS log_entries,
            (SELECT count(*) FROM medseal_custodian_releases)::int8 AS releases,
            (SELECT count(*) FROM medseal_anchor_receipts)::int8 AS receipts,
            (SELECT count(*) FROM medseal_break_glass)::int8 AS grants`,
  )
  const n = (v: unknown) => (typeof v === 'number' ? v : 0)
  return {
    logs: n(row?.logs),
    logEntries: n(row?.log_entries),
    releases: n(row?.releases),
    receipts: n(row?.receipts),
    breakGlassGrants: n(row?.grants),
  }
}

/**
 * Opens a recipe's ledger (see `connectLedger`) and stores. With `options.stateDir`, the stores are PGlite in
 * `<stateDir>/pglite` (locked against a second process while open).
 *
 * @param options - the recipe's options (`stateDir`, `rpc`, `privateKey`)
 * @param recipe - the recipe's name (the memory ledger's id)
 * @returns the open state; call `close()` when the run ends
 * @throws `StoreError` `STORE_LOCKED` when another process has the directory open
 * @example
 * ```ts
 * const state = await openRecipeState({ stateDir: defaultDataDir('insurance-claim') }, 'insurance-claim')
 * try {
 *   // … createCustodian({ party, ledger: state.ledger, log, store: state.stores.custodian }) …
 * } finally {
 *   await state.close()
 * }
 * ```
 */
export async function openRecipeState(options: RecipeOptions, recipe: string): Promise<RecipeState> {
  const dir = options.stateDir
  if (dir === undefined || dir === '') {
    const connected = await connectLedger(options, recipe)
    return {
      ...connected,
      stores: memoryStores(),
      dir: undefined,
      kept: undefined,
      note: undefined,
      close: async () => {},
    }
  }
  mkdirSync(dir, { recursive: true })
  const db = await openPgliteDirectory({ dataDir: join(dir, 'pglite') })
  try {
    const stores = await createPostgresStores({ db })
    const kept = await countKept(stores)
    const connected = await connectLedger(options, recipe)
    const first = kept.logEntries + kept.releases + kept.receipts + kept.breakGlassGrants === 0
    const note = first
      ? `state in ${dir} (PGlite): new; run the recipe again and this run's records, logs and receipts are still there`
      : `state in ${dir} (PGlite): kept from earlier runs — ${kept.logEntries} access-log entries in ${kept.logs} logs, ${kept.releases} key releases, ${kept.receipts} anchor receipts, ${kept.breakGlassGrants} break-glass grants`
    return {
      ...connected,
      stores: {
        custodian: stores.custodian,
        breakGlass: stores.breakGlass,
        accessLog: (name) => stores.accessLog({ name }),
        anchor: (name) => stores.anchor({ name }),
      },
      dir,
      kept,
      note,
      async close() {
        await db.close()
      },
    }
  } catch (e) {
    await db.close()
    throw e
  }
}

/** A recipe's check: throws when `ok` is false (the message names the recipe and the check), else prints `✓ name`. */
export type RecipeCheck = (ok: boolean, name: string) => void

/** What {@link runRecipe} needs besides the story. */
export type RunRecipeParameters = {
  /** The recipe's name (its state directory, the memory ledger's id, and the prefix of a failed check's message). */
  readonly recipe: string
  /** The first line it prints, before ` on <ledger>`. */
  readonly title: string
  readonly options: RecipeOptions
  readonly output: (line: string) => void
}

/**
 * Runs a recipe's story on its open state (`openRecipeState`): prints `<title> on <ledger>` and the state's note,
 * gives the story a {@link RecipeCheck}, and closes the state however the story ends.
 *
 * @param params - the recipe's name and title, its options, and where its lines go
 * @param story - the recipe itself
 * @returns what the story returns (the recipe's summary)
 * @throws what the story throws (`Error` naming a failed check), or `openRecipeState`'s errors
 * @example
 * ```ts
 * const summary = await runRecipe({ recipe: 'insurance-claim', title: 'insurance claim', options, output }, story)
 * ```
 */
export async function runRecipe<T>(
  params: RunRecipeParameters,
  story: (state: RecipeState, check: RecipeCheck) => Promise<T>,
): Promise<T> {
  const { recipe, title, options, output } = params
  const state = await openRecipeState(options, recipe)
  try {
    output(`${title} on ${state.label}`)
    if (state.note) output(state.note)
    const check: RecipeCheck = (ok, name) => {
      if (!ok) throw new Error(`${recipe} check failed: ${name}`)
      output(`✓ ${name}`)
    }
    return await story(state, check)
  } finally {
    await state.close()
  }
}
