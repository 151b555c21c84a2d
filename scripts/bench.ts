/**
 * `pnpm bench [filter]`: runs every `*.bench.ts` under packages/ and examples/ in this one process, prints the
 * figures with their peers, and writes them all to bench-results.json at the repo root. A filter that is a group's
 * whole name runs that group alone (`pnpm bench service` runs "service", not "service instances"); any other filter
 * runs every group whose name or file path (from the repo root) contains it (`pnpm bench postgres/bench/service`).
 */
import { readdirSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import {
  type BenchEntry,
  type BenchResult,
  createContext,
  selectBenches,
  takeBenchDefinitions,
} from './bench/harness.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const filter = process.argv[2]

function findBenchFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue
    const p = join(dir, entry)
    if (statSync(p).isDirectory()) findBenchFiles(p, out)
    else if (entry.endsWith('.bench.ts')) out.push(p)
  }
  return out
}

const files = [...findBenchFiles(join(root, 'packages')), ...findBenchFiles(join(root, 'examples'))].sort()
const results: BenchResult[] = []
const ctx = createContext(results, Number(process.env.BENCH_TIME_MS ?? 600))
console.log(`medseal benchmarks — node ${process.version}, ${files.length} files`)
const entries: BenchEntry[] = []
for (const file of files) {
  await import(pathToFileURL(file).href)
  for (const def of takeBenchDefinitions()) entries.push({ def, file: relative(root, file) })
}
for (const { def, file } of selectBenches(entries, filter)) {
  console.log(`\n${def.group}  (${file})`)
  await def.run(ctx)
}
writeFileSync(join(root, 'bench-results.json'), `${JSON.stringify(results, null, 2)}\n`)
console.log(`\n${results.length} figures written to bench-results.json`)
