/**
 * Key releases of a horizontally scaled custodian (issue 13): N custodian processes (child processes; N = 1, 2 and the
 * number of cores, or `BENCH_SCALED_PROCESSES=1,2,4`) on one throwaway PostgreSQL server on 127.0.0.1, each releasing
 * keys for the same record and the same access log with `BENCH_SCALED_IN_FLIGHT` (default 8) in flight. The parent
 * signs every request up front (signing is the clients' cost), starts the processes, lets each release a few warm-up
 * requests, then says `go` to all at once: total releases/s = all timed releases / wall time until the last finished.
 * Beside it: the same custodian on the in-process memory stores, measured in this run. Every custodian uses the
 * native backends of `@medseal/core/node` (libsecp256k1 recovery, node:crypto HPKE). Each row also says the CPU time
 * per release of the custodian processes (their own `process.cpuUsage()`) and of the PostgreSQL server (every server
 * process, from /proc/<pid>/stat before and after: the postmaster with its reaped children, and each live child).
 *
 * After each row the parent checks what the processes left: the access log's stored tree gives the root of every
 * stored leaf (recomputed here), a head published on it verifies against the ledger, there is one permit entry per
 * release and no other entry, one release row per release, and the digest of every signed request in the replay memory
 * (each used once: none lost, none twice).
 *
 * Bounded: `BENCH_SCALED_RELEASES` (default 2,000) timed releases per row; every process is stopped in `finally`.
 * `BENCH_SCALED_NODE_ARGS` adds Node options to the workers (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`);
 * `BENCH_SCALED_PROFILE=DIR` writes a CPU profile of each worker's timed part (node:inspector) to DIR;
 * `BENCH_SCALED_UNFOLDED=1` has the custodians read the entry and check the replay in two store calls (an A/B).
 * `pnpm bench postgres/bench/scaled`. Needs Debian's postgresql (`node scripts/ensure-postgres.mjs`).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createMemoryLedger } from '@medseal/adapter-memory'
import {
  bytesToHex,
  consentKey,
  createAccessLog,
  createMemoryAccessLogStore,
  createMemoryCustodianStore,
  decodeAccessEvent,
  type LedgerAdapter,
  leafHash,
  merkleRoot,
  type SignedKeyRequest,
  verifyKeyRequest,
  verifyLogAgainstLedger,
} from '@medseal/core'
import { createNativeHpke, createNativeSecp256k1Recovery } from '@medseal/core/node'
import { createReleaseFixture } from '@medseal/core/testing'
import { createPostgresStores } from '@medseal/store-postgres'
import { createPgDatabase } from '@medseal/store-postgres/node'
import { type PostgresServer, startPostgres } from '@medseal/store-postgres/testing'
import pg from 'pg'
import { type BenchContext, defineBench } from '../../../../scripts/bench/harness.js'
import type { ScaledWorkerConfig } from './_scaledWorker.js'

const RELEASES = Number(process.env.BENCH_SCALED_RELEASES ?? 2_000)
const IN_FLIGHT = Number(process.env.BENCH_SCALED_IN_FLIGHT ?? 8)
/** Warm-up releases per process before the clock (JIT, the pool's connections, the caches). */
const WARMUP = 40
const CORES = availableParallelism()
/** `BENCH_SCALED_STATEMENTS=1`: the server runs pg_stat_statements, and each row prints its costliest statements. */
const STATEMENTS = process.env.BENCH_SCALED_STATEMENTS === '1'
const PROCESSES = [
  ...new Set((process.env.BENCH_SCALED_PROCESSES ?? `1,2,${CORES}`).split(',').map((s) => Number(s.trim()))),
].filter((n) => Number.isSafeInteger(n) && n >= 1)
/** Patient, doctor, custodian seeds. */
const SEEDS = [12, 13, 11] as const
const LOG = 'scaled'
/** How long a worker may take to get ready or to finish (the bench is bounded). */
const WORKER_TIMEOUT_MS = 300_000

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url))
const workerPath = fileURLToPath(new URL('./_scaledWorker.ts', import.meta.url))

/** A memory ledger on a fixed clock whose every write is kept as a snapshot (handed to the worker processes). */
function snapshotLedger(id: string, now: number): { ledger: LedgerAdapter; snapshot: () => string } {
  let text: string | undefined
  const ledger = createMemoryLedger({
    id,
    now: () => now,
    store: {
      read: () => text,
      write: (s) => {
        text = s
      },
    },
  })
  return {
    ledger,
    snapshot: () => {
      if (text === undefined) throw new Error('the ledger has no writes')
      return text
    },
  }
}

/** Runs `fn` over `items` with `concurrency` in flight; returns the rate per second. */
async function rate<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<number> {
  let next = 0
  const t = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++] as T)
    }),
  )
  return items.length / ((performance.now() - t) / 1000)
}

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
})()

/** The PostgreSQL server's CPU seconds so far, and how many child processes it has. */
type ServerCpu = { readonly seconds: number; readonly children: number }

/**
 * CPU seconds used by the PostgreSQL server so far: the postmaster's own time and that of its children it reaped
 * (backends whose connection closed), plus the time of each live child (backends, WAL writer, checkpointer, …). Waits
 * (bounded) until no child is a zombie (exited, not yet reaped: its time is in neither place) and, with `children`,
 * until no more than that many children remain (the backends of closed connections are gone).
 */
async function serverCpu(postmaster: number, children = Number.POSITIVE_INFINITY): Promise<ServerCpu> {
  const stat = (pid: number | string) => {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // after "pid (comm) ": state ppid … utime stime cutime cstime (fields 14–17 of the line)
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ')
    const own = Number(f[11]) + Number(f[12])
    return { state: f[0], ppid: Number(f[1]), own, reaped: Number(f[13]) + Number(f[14]) }
  }
  for (let attempt = 0; ; attempt++) {
    const main = stat(postmaster)
    let ticks = main.own + main.reaped
    let live = 0
    let zombies = 0
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid) || Number(pid) === postmaster) continue
      try {
        const s = stat(pid)
        if (s.ppid !== postmaster) continue
        live++
        if (s.state === 'Z') zombies++
        ticks += s.own
      } catch {} // gone meanwhile: read again
    }
    if ((zombies === 0 && live <= children) || attempt >= 250)
      return { seconds: ticks / TICKS_PER_SECOND, children: live }
    await new Promise((r) => setTimeout(r, 20))
  }
}

type Running = { readonly child: ChildProcess; readonly lines: Record<string, unknown>[]; err: () => string }

function startWorker(config: ScaledWorkerConfig): Running {
  const extra = process.env.BENCH_SCALED_NODE_ARGS?.split(' ').filter(Boolean) ?? []
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', workerPath], {
    cwd: repoRoot,
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: `${repoRoot}tsconfig.json`,
      MEDSEAL_SCALED_CONFIG: JSON.stringify(config),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const lines: Record<string, unknown>[] = []
  let pending = ''
  let err = ''
  child.stdout?.setEncoding('utf8')
  child.stdout?.on('data', (chunk: string) => {
    pending += chunk
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
      const line = pending.slice(0, nl)
      pending = pending.slice(nl + 1)
      if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>)
    }
    child.emit('line')
  })
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => {
    err = (err + chunk).slice(-8_000)
  })
  return { child, lines, err: () => err }
}

/** Resolves when the worker printed a line with `key`; rejects if it exits first or after the bound. */
function waitFor(w: Running, key: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`a worker did not say ${key} in time`)), WORKER_TIMEOUT_MS)
    const check = () => {
      const line = w.lines.find((l) => key in l)
      if (line) finish(undefined, line)
    }
    const exit = () => finish(new Error(`a worker exited before ${key}: ${w.err().slice(-3_000)}`))
    const finish = (e?: Error, line?: Record<string, unknown>) => {
      clearTimeout(timer)
      w.child.off('line', check)
      w.child.off('exit', exit)
      if (e) reject(e)
      else resolve(line as Record<string, unknown>)
    }
    w.child.on('line', check)
    w.child.on('exit', exit)
    check()
  })
}

async function withDb<T>(url: string, fn: (db: ReturnType<typeof createPgDatabase>) => Promise<T>): Promise<T> {
  const db = createPgDatabase({ pool: new pg.Pool({ connectionString: url, max: 1 }) })
  try {
    return await fn(db)
  } finally {
    await db.close()
  }
}

const resetStatements = (url: string) =>
  withDb(url, async (db) => {
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements')
    await db.query('SELECT pg_stat_statements_reset()')
  })

/** The statements that took the server's time during the timed part (pg_stat_statements: planning + execution). */
const printStatements = (url: string) =>
  withDb(url, async (db) => {
    const rows = await db.query(
      `SELECT calls::int8, (total_plan_time + total_exec_time)::float8 AS ms, total_plan_time::float8 AS plan_ms,
              rows::int8, regexp_replace(query, '\\s+', ' ', 'g') AS q
       FROM pg_stat_statements ORDER BY total_plan_time + total_exec_time DESC LIMIT 8`,
    )
    for (const r of rows)
      console.log(
        `      ${String(r.calls).padStart(6)} calls ${(r.ms as number).toFixed(0).padStart(6)} ms (plan ${(r.plan_ms as number).toFixed(0)}) ${String(r.q).slice(0, 110)}`,
      )
  })

/** The in-process peer: the same custodian and requests on the memory stores. */
async function memoryPeer(ctx: BenchContext, now: number): Promise<number> {
  const { ledger } = snapshotLedger('bench-scaled-memory', now)
  const { custodian, keyRequest } = await createReleaseFixture({
    ledger,
    seeds: SEEDS,
    log: { name: LOG, store: createMemoryAccessLogStore() },
    custodian: {
      store: createMemoryCustodianStore(),
      secp256k1: createNativeSecp256k1Recovery(),
      hpke: createNativeHpke(),
    },
  })
  const requests = await Promise.all(Array.from({ length: RELEASES + WARMUP }, () => keyRequest(now)))
  await rate(requests.slice(0, WARMUP), IN_FLIGHT, (r) => custodian.releaseKey(r))
  const cpu = process.cpuUsage()
  const perSecond = await rate(requests.slice(WARMUP), IN_FLIGHT, (r) => custodian.releaseKey(r))
  const used = process.cpuUsage(cpu)
  ctx.record({
    name: `key releases, 1 process, memory stores in this process (${IN_FLIGHT} in flight)`,
    value: perSecond,
    unit: 'releases/s',
  })
  // the custodian's own cost without a database: what the PostgreSQL rows' custodian CPU is compared with
  console.log(`    CPU per release: ${((used.user + used.system) / 1000 / RELEASES).toFixed(2)} ms (this process)`)
  return perSecond
}

/**
 * What the processes left in the database: the stored tree's root is the root of every stored leaf; a head published
 * now verifies against the ledger; one permit entry per release and nothing else; one release row per request.
 */
async function verifyRow(
  url: string,
  fixture: Awaited<ReturnType<typeof createReleaseFixture>>,
  ledger: LedgerAdapter,
  requests: readonly SignedKeyRequest[],
): Promise<string> {
  const db = createPgDatabase({ pool: new pg.Pool({ connectionString: url, max: 2 }) })
  try {
    const stores = await createPostgresStores({ db })
    const log = await createAccessLog({
      operator: fixture.vendor,
      ledger,
      name: LOG,
      store: stores.accessLog({ name: LOG }),
    })
    const rows = await db.query(
      'SELECT idx, leaf_data, leaf_hash FROM medseal_log_entries WHERE log = $1 ORDER BY idx',
      [LOG],
    )
    if (rows.length !== log.size || rows.some((r, i) => r.idx !== i))
      throw new Error(`the log has ${log.size} entries but ${rows.length} stored rows in order`)
    const leaves = rows.map((r) => r.leaf_data as Uint8Array)
    rows.forEach((r) => {
      if (bytesToHex(leafHash(r.leaf_data as Uint8Array)) !== bytesToHex(r.leaf_hash as Uint8Array))
        throw new Error('a stored leaf hash is not the hash of its leaf')
    })
    if (bytesToHex(merkleRoot(leaves)) !== bytesToHex(await log.root()))
      throw new Error('the stored tree does not give the root of the stored leaves')
    await log.publishHead()
    await verifyLogAgainstLedger(ledger, { head: await log.signedHead(), operator: fixture.vendor.address })
    const doctor = fixture.doctor.address.toLowerCase()
    const events = leaves.map((l) => decodeAccessEvent(l))
    const permits = events.filter((e) => e.outcome === 'permit' && e.actor.toLowerCase() === doctor).length
    if (permits !== requests.length || events.length !== requests.length)
      throw new Error(`${requests.length} releases but ${permits} permit entries of ${events.length}`)
    const released = await stores.custodian.listReleases(consentKey(fixture.patient.address, fixture.token.consent.id))
    if (released.length !== requests.length)
      throw new Error(`${requests.length} releases but ${released.length} release rows`)
    // each request was used once: its digest is in the replay memory (and nothing else is)
    const digests = new Set(
      (await db.query('SELECT digest FROM medseal_custodian_requests')).map((r) => String(r.digest).toLowerCase()),
    )
    if (digests.size !== requests.length) throw new Error(`${requests.length} releases but ${digests.size} digests`)
    for (const r of requests)
      if (!digests.has(verifyKeyRequest(ledger.domain, r).digest.toLowerCase()))
        throw new Error('a released request is not in the replay memory')
    return `checked: ${log.size.toLocaleString('en-US')} entries, root recomputed from every leaf, head verified on the ledger, one permit entry, one release row and one remembered digest per request`
  } finally {
    await db.close()
  }
}

async function scaledRow(
  ctx: BenchContext,
  server: PostgresServer,
  processes: number,
  tmp: string,
  peer: number,
): Promise<void> {
  const url = await server.createDatabase(`scaled_${processes}_${Date.now()}`)
  const now = Math.floor(Date.now() / 1000)
  const { ledger, snapshot } = snapshotLedger(`bench-scaled-${processes}`, now)
  const db = createPgDatabase({ pool: new pg.Pool({ connectionString: url, max: 2 }) })
  let fixture: Awaited<ReturnType<typeof createReleaseFixture>>
  try {
    const stores = await createPostgresStores({ db })
    fixture = await createReleaseFixture({
      ledger,
      seeds: SEEDS,
      log: { name: LOG, store: stores.accessLog({ name: LOG }) },
      custodian: { store: stores.custodian },
    })
  } finally {
    await db.close()
  }
  const snapshotPath = join(tmp, `ledger-${processes}.json`)
  writeFileSync(snapshotPath, snapshot())
  // the clients' signatures, before any clock: an equal share of the timed releases per process, plus its warm-up
  const all: SignedKeyRequest[] = []
  const workers: Running[] = []
  // the server's children before any worker connects (the auxiliary processes)
  const before = await serverCpu(server.pid())
  try {
    for (let p = 0; p < processes; p++) {
      const timed = Math.floor(RELEASES / processes) + (p < RELEASES % processes ? 1 : 0)
      const requests = await Promise.all(Array.from({ length: WARMUP + timed }, () => fixture.keyRequest(now)))
      all.push(...requests)
      const requestsPath = join(tmp, `requests-${processes}-${p}.json`)
      writeFileSync(requestsPath, JSON.stringify(requests))
      workers.push(
        startWorker({
          url,
          logName: LOG,
          ledgerId: `bench-scaled-${processes}`,
          ledgerSnapshot: snapshotPath,
          now,
          custodianSeed: SEEDS[2],
          requests: requestsPath,
          warmup: WARMUP,
          inFlight: IN_FLIGHT,
        }),
      )
    }
    await Promise.all(workers.map((w) => waitFor(w, 'ready')))
    if (STATEMENTS) await resetStatements(url)
    const postmaster = server.pid()
    const cpu0 = await serverCpu(postmaster)
    const t0 = performance.now()
    for (const w of workers) w.child.stdin?.write('go\n')
    const done = await Promise.all(workers.map((w) => waitFor(w, 'done')))
    const seconds = (performance.now() - t0) / 1000
    const custodianCpu = done.reduce((s, d) => s + (d.cpuUs as number), 0) / 1e6
    const released = done.reduce((s, d) => s + (d.done as number), 0)
    const codes = await Promise.all(
      workers.map(
        (w) =>
          new Promise((resolve) =>
            w.child.exitCode !== null ? resolve(w.child.exitCode) : w.child.once('exit', resolve),
          ),
      ),
    )
    if (codes.some((c) => c !== 0)) throw new Error(`a worker failed: ${workers.map((w) => w.err()).join('\n')}`)
    // after every worker closed its connections: their backends' time is the postmaster's reaped time
    const serverSeconds = (await serverCpu(postmaster, before.children)).seconds - cpu0.seconds
    if (STATEMENTS) await printStatements(url)
    const ms = (s: number) => `${((s * 1000) / released).toFixed(2)} ms`
    ctx.record({
      name: `key releases, ${processes} custodian process${processes === 1 ? '' : 'es'} on one PostgreSQL server (${IN_FLIGHT} in flight each, ${CORES} cores)`,
      value: released / seconds,
      unit: 'releases/s',
      peer: `memory stores, 1 process: ${Math.round(peer).toLocaleString('en-US')} releases/s`,
    })
    console.log(
      `    CPU per release: custodian processes ${ms(custodianCpu)}, PostgreSQL server ${ms(serverSeconds)}; wall ${seconds.toFixed(2)} s for ${released.toLocaleString('en-US')} releases`,
    )
    console.log(`    ${await verifyRow(url, fixture, ledger, all)}`)
  } finally {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL')
    await Promise.all(
      workers.map((w) =>
        w.child.exitCode !== null || w.child.signalCode !== null
          ? undefined
          : new Promise((resolve) => w.child.once('exit', resolve)),
      ),
    )
  }
}

defineBench('scaled-out releases', async (ctx) => {
  let server: PostgresServer
  try {
    server = await startPostgres(
      STATEMENTS
        ? {
            settings: {
              shared_preload_libraries: 'pg_stat_statements',
              'pg_stat_statements.track_planning': 'on',
            },
          }
        : {},
    )
  } catch (e) {
    console.log(`  skipped: ${(e as Error).message}`)
    return
  }
  const tmp = mkdtempSync(join(tmpdir(), 'medseal-bench-scaled-'))
  try {
    console.log(
      `  ${CORES} cores; processes: ${PROCESSES.join(', ')}; ${RELEASES.toLocaleString('en-US')} timed releases a row`,
    )
    const peer = await memoryPeer(ctx, Math.floor(Date.now() / 1000))
    for (const n of PROCESSES) await scaledRow(ctx, server, n, tmp, peer)
  } finally {
    await server.stop()
    rmSync(tmp, { recursive: true, force: true })
  }
})
