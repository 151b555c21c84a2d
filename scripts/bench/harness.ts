/**
 * The benchmark harness behind `pnpm bench`: every `*.bench.ts` file calls {@link defineBench}; `scripts/bench.ts`
 * runs them all in one process (so a figure and its peer share the machine's state), prints a table and writes
 * `bench-results.json`. No test asserts a timing: speed lives here.
 */

/** One figure. `peer` names the other implementation when the figure is a peer's. */
export type BenchResult = { name: string; value: number; unit: string; peer?: string }

export type BenchContext = {
  /** Runs `fn` repeatedly for about `timeMs` (after a warm-up) and records operations per second. */
  ops(name: string, fn: () => unknown, opts?: { peer?: string; timeMs?: number }): Promise<number>
  /** Like {@link BenchContext.ops}, recording MB/s for `bytesPerOp` bytes handled per call (1 MB = 10^6 bytes). */
  throughput(
    name: string,
    bytesPerOp: number,
    fn: () => unknown,
    opts?: { peer?: string; timeMs?: number },
  ): Promise<number>
  /** Runs `fn` once-ish and records the mean time per call in microseconds. */
  micros(name: string, fn: () => unknown, opts?: { peer?: string; timeMs?: number }): Promise<number>
  /** Records a figure measured some other way (gas, bytes, leaves/s of one big run). */
  record(result: BenchResult): void
}

export type BenchDefinition = { group: string; run: (ctx: BenchContext) => Promise<void> }

const registry: BenchDefinition[] = []

/** Registers a group of benchmarks. */
export function defineBench(group: string, run: (ctx: BenchContext) => Promise<void>): void {
  registry.push({ group, run })
}

/** @internal */
export function takeBenchDefinitions(): BenchDefinition[] {
  return registry.splice(0)
}

/** A registered group and the file that registered it (its path from the repo root). */
export type BenchEntry = { readonly def: BenchDefinition; readonly file: string }

/**
 * The groups `pnpm bench [filter]` runs, in order: every one without a filter; a filter that is a group's whole name
 * runs the groups of that name alone (`service` runs "service", not "service instances"); any other filter runs every
 * group whose name or file contains it.
 * @internal
 */
export function selectBenches(entries: readonly BenchEntry[], filter?: string): BenchEntry[] {
  if (!filter) return [...entries]
  if (entries.some(({ def }) => def.group === filter)) return entries.filter(({ def }) => def.group === filter)
  return entries.filter(({ def, file }) => def.group.includes(filter) || file.includes(filter))
}

const now = () => performance.now()

async function measure(fn: () => unknown, timeMs: number): Promise<number> {
  // warm-up: a quarter of the budget
  const warmEnd = now() + timeMs / 4
  while (now() < warmEnd) await fn()
  let n = 0
  const start = now()
  let elapsed = 0
  do {
    await fn()
    n++
    elapsed = now() - start
  } while (elapsed < timeMs)
  return elapsed / n // ms per op
}

/** @internal */
export function createContext(results: BenchResult[], defaultTimeMs: number): BenchContext {
  const push = (r: BenchResult) => {
    results.push(r)
    const peer = r.peer ? `  [peer: ${r.peer}]` : ''
    console.log(`  ${r.name.padEnd(58)} ${formatValue(r.value).padStart(14)} ${r.unit}${peer}`)
  }
  return {
    async ops(name, fn, opts = {}) {
      const ms = await measure(fn, opts.timeMs ?? defaultTimeMs)
      const value = 1000 / ms
      push({ name, value, unit: 'ops/s', ...(opts.peer ? { peer: opts.peer } : {}) })
      return value
    },
    async throughput(name, bytesPerOp, fn, opts = {}) {
      const ms = await measure(fn, opts.timeMs ?? defaultTimeMs)
      const value = bytesPerOp / 1e6 / (ms / 1000)
      push({ name, value, unit: 'MB/s', ...(opts.peer ? { peer: opts.peer } : {}) })
      return value
    },
    async micros(name, fn, opts = {}) {
      const ms = await measure(fn, opts.timeMs ?? defaultTimeMs)
      const value = ms * 1000
      push({ name, value, unit: 'µs', ...(opts.peer ? { peer: opts.peer } : {}) })
      return value
    },
    record(r) {
      push(r)
    },
  }
}

function formatValue(v: number): string {
  if (v >= 100) return Math.round(v).toLocaleString('en-US')
  if (v >= 1) return v.toFixed(2)
  return v.toPrecision(3)
}
