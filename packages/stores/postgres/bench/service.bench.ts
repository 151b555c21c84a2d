/**
 * The custodian service over HTTP (issue 14), in one process so every figure has its peer: key releases/s and the
 * p50/p99 latency of `client.releaseKey` against `@medseal/service` served on 127.0.0.1 (Node's http, a free port),
 * beside the same custodian object called in-process, on PGlite (a directory: on its worker thread, as
 * `openPgliteDirectory` runs it, and on the calling thread, `worker: false`, as before; `BENCH_SERVICE_PGLITE=worker`
 * or `thread` runs one) and on a PostgreSQL server. One
 * custodian per database, three ways in: in-process, a server with the rate limiter on (as deployed: every key
 * request's signer is recovered and counted, at a burst no clinician here reaches), a server with no limiter (the
 * handler leaves the signer's recovery to the custodian). The three take turns in 4 rounds each, so a change of the
 * machine's load hits them alike. 20 clinicians keep 20 requests in flight; each round's requests are signed before
 * its clock starts and its keys opened after it stops (the clinicians' cost, on their own devices): the figures are
 * the service's. Signatures are checked with libsecp256k1 and HPKE runs on OpenSSL as a server does
 * (`BENCH_SERVICE_NOBLE=1`: `@noble/curves` and the WebCrypto suite). The memory ledger is shared in-process. `BENCH_SERVICE_RELEASES` sets the requests per way in
 * (default 400). The
 * timed rounds send pre-serialized requests on raw keep-alive sockets (`_rawLoad.ts`), as in `service instances`.
 *
 * `service instances` (`pnpm bench "service instances"`): the deployment of the issue, N service processes on one
 * port (`serveCluster`, round-robin) on one PostgreSQL server, N = 1, 2 and the machine's cores, beside the in-process
 * custodian in the same run; each way on its own database of one throwaway server (`startPostgres`). The service
 * processes are `test/faults/_serviceWorker.ts` (rate limits on, as deployed, at a burst no clinician reaches;
 * libsecp256k1); this process is only the load generator: it signs each round's requests before the clock, sends
 * them over HTTP (20 clinicians, one request each in flight: 20 in flight, so each latency is that of a request
 * waiting behind at most 19 others — at 500/s that is 40 ms on average by Little's law — and p99 is the 99th
 * percentile of `BENCH_SERVICE_INSTANCE_RELEASES` per way, default 800; `BENCH_SERVICE_IN_FLIGHT` changes the 20), and
 * opens the keys after the clock. It shares the cores with the services and PostgreSQL, so it sends with as little
 * CPU as it can: each round's requests are serialized to the bytes `client.releaseKey` sends before the clock and
 * written on raw keep-alive sockets, one per clinician, one request at a time on each (no pipelining; `_rawLoad.ts`:
 * ~0.15 ms of CPU per release, against ~1 ms for `client.releaseKey` over `node:http` and ~2 ms over Node's `fetch`);
 * the warm-up round goes through `client.releaseKey`. `BENCH_SERVICE_INSTANCES=1` runs only the listed process
 * counts; `pglite` in that list is one service process on a PGlite directory (PGlite on its worker thread, no cluster:
 * what examples/custodian-server runs by default) and `pglite-thread` the same on the calling thread (`worker: false`,
 * its peer), both listed by default after the PostgreSQL ways. Each row also gives the CPU per release of the
 * service's processes (Linux `/proc`) beside the generator's own, and the same split by thread: the main thread, the
 * PGlite worker (the thread it names `pglite`) and the rest (V8's GC and compiler helpers, libuv). The ledger is a
 * file-backed memory ledger written before the services start (the grants) and only read during the load: each process
 * reads its own copy of it, as the in-process custodian reads this process's.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createMemoryLedger } from '@medseal/adapter-memory'
import { createFileLedger } from '@medseal/adapter-memory/node'
import {
  bytesToHex0x,
  type Custodian,
  canonicalize,
  createAccessLog,
  createCustodian,
  createDeposit,
  type Envelope,
  grantConsent,
  type Hex,
  type LedgerAdapter,
  open,
  type Party,
  seal,
} from '@medseal/core'
import { createNativeHpke, createNativeSecp256k1Recovery } from '@medseal/core/node'
import { createCustodianClient, createCustodianHandler, createRecoveryCache } from '@medseal/service'
import { serve } from '@medseal/service/node'
import { createPostgresStores, type SqlDatabase } from '@medseal/store-postgres'
import { createPgDatabase, openPgliteDirectory } from '@medseal/store-postgres/node'
import { type PostgresServer, startPostgres } from '@medseal/store-postgres/testing'
import pg from 'pg'
import { type BenchContext, defineBench } from '../../../../scripts/bench/harness.js'
import { startWorker, type Worker } from '../test/faults/_processes.js'
import {
  LOAD_RECORD,
  type LoadSetup,
  loadClinicians,
  percentile,
  setupLoad,
  signRequests,
} from '../test/faults/_serviceLoad.js'
import type { ServiceWorkerConfig } from '../test/faults/_serviceWorker.js'
import { faultParties } from '../test/faults/_shared.js'
import { createLoadFetch } from './_loadFetch.js'
import { createRawLoad, decodeReleaseAnswer, type RawAnswer, type RawLoad, serializeKeyRequest } from './_rawLoad.js'

const RELEASES = Number(process.env.BENCH_SERVICE_RELEASES ?? 400)
/** A server's signature checks: libsecp256k1 (`BENCH_SERVICE_NOBLE=1`: the pure-JavaScript default, as before). */
const secp256k1 =
  process.env.BENCH_SERVICE_NOBLE === '1'
    ? undefined
    : createRecoveryCache({ secp256k1: createNativeSecp256k1Recovery() })
const recoveryName = secp256k1?.name ?? 'noble'
/** The custodian's HPKE: on OpenSSL as a server runs it (`BENCH_SERVICE_NOBLE=1`: the WebCrypto + noble default). */
const hpke = process.env.BENCH_SERVICE_NOBLE === '1' ? undefined : createNativeHpke()
const withRecovery = secp256k1 ? { secp256k1 } : {}
const withNative = { ...withRecovery, ...(hpke ? { hpke } : {}) }
/**
 * `BENCH_SERVICE_RATE` (releases/s): an open loop instead of the closed one — requests are due at that rate, sent on
 * the first free of CLINICIANS connections, their latency counted from when they were due.
 */
const RATE = Number(process.env.BENCH_SERVICE_RATE ?? 0)
/** Clinicians, one request each in flight (`BENCH_SERVICE_IN_FLIGHT`, default 20). */
const CLINICIANS = Number(process.env.BENCH_SERVICE_IN_FLIGHT ?? 20)

const MODES = ['in-process', 'HTTP', 'HTTP, rate limits off'] as const
type Mode = (typeof MODES)[number]
/** Each mode runs in ROUNDS rounds, the modes taking turns, so that a change of the machine's load hits all alike. */
const ROUNDS = 4

/**
 * A way in: the custodian itself, or a service's client (`createCustodianClient`: the warm-up round goes through it)
 * with `raw`, the generator the timed rounds send the same bytes with.
 */
type Target = Pick<Custodian, 'identity' | 'releaseKey'> & { readonly raw?: RawLoad }

/**
 * One round: `perLane` requests per clinician (signed before the clock), CLINICIANS in flight. Over HTTP with `raw`
 * (and not `viaClient`), the requests are serialized before the clock too and the answers decoded after it.
 */
async function round(params: {
  readonly ledger: LedgerAdapter
  readonly setup: Awaited<ReturnType<typeof setupLoad>>
  readonly target: Target
  readonly perLane: number
  readonly viaClient?: boolean
}) {
  const { ledger, setup, target, perLane } = params
  // signed just before the round (interleaved: clinician 0, 1, …, 19, 0, …): lane i takes requests i, i + 20, …
  const signed = await signRequests({ ledger, setup, custodian: target.identity, perClinician: perLane })
  const raw = params.viaClient ? undefined : target.raw
  const bytes = raw ? signed.map(({ request }) => serializeKeyRequest(raw.url, request)) : []
  const latencies: number[] = []
  const received: { who: number; envelope?: Envelope; answer?: RawAnswer }[] = []
  /** Request `i` on connection `lane`; its latency counted from `since`. */
  const one = async (i: number, lane: number, since: number) => {
    const { who, request } = signed[i] as (typeof signed)[number]
    if (raw) {
      const answer = await raw.send(lane, bytes[i] as Buffer)
      latencies.push(performance.now() - since)
      received.push({ who, answer })
    } else {
      const { envelope } = await target.releaseKey(request)
      latencies.push(performance.now() - since)
      received.push({ who, envelope })
    }
  }
  const cpu = process.cpuUsage()
  const t = performance.now()
  if (RATE > 0 && !params.viaClient) {
    // open loop: request i is due at t + i / RATE whether or not earlier ones were answered; it waits for a free
    // connection (of CLINICIANS) if none is, and its latency counts from when it was due (queueing included)
    const free = Array.from({ length: CLINICIANS }, (_, lane) => lane)
    const waiting: ((lane: number) => void)[] = []
    const take = () =>
      free.length > 0 ? Promise.resolve(free.pop() as number) : new Promise<number>((r) => waiting.push(r))
    const give = (lane: number) => {
      const next = waiting.shift()
      if (next) next(lane)
      else free.push(lane)
    }
    await Promise.all(
      signed.map(async (_, i) => {
        const due = t + (i * 1000) / RATE
        const wait = due - performance.now()
        if (wait > 0) await new Promise((r) => setTimeout(r, wait))
        const lane = await take()
        await one(i, lane, due)
        give(lane)
      }),
    )
  } else
    await Promise.all(
      setup.clinicians.map(async (_, lane) => {
        for (let k = 0; k < perLane; k++) await one(k * CLINICIANS + lane, lane, performance.now())
      }),
    )
  const ms = performance.now() - t
  const used = process.cpuUsage(cpu)
  const cpuMs = (used.user + used.system) / 1000
  // every key received opens the record, for the clinician it was released to
  for (const { who, envelope, answer } of received) {
    const { value } = await open(envelope ?? decodeReleaseAnswer(answer as RawAnswer), setup.clinicians[who] as Party)
    if (canonicalize(value) !== canonicalize(LOAD_RECORD)) throw new Error('a released key opened another record')
  }
  return { ms, latencies, cpuMs }
}

/** CPU time (ms) the processes `pids` have used so far (Linux `/proc`; `undefined` elsewhere). */
function cpuOf(pids: readonly number[]): number | undefined {
  try {
    let ticks = 0
    for (const pid of pids) {
      // fields after the command name: state is field 3, utime 14 and stime 15 (1-based, proc(5))
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
      ticks += Number(f[11]) + Number(f[12])
    }
    // USER_HZ is 100 on Linux
    return Number.isFinite(ticks) ? ticks * 10 : undefined
  } catch {
    return undefined
  }
}

/** CPU time (ms) by thread of the processes `pids` so far: main threads, PGlite workers, the rest. */
type ThreadCpu = { readonly main: number; readonly pglite: number; readonly rest: number }

/**
 * {@link cpuOf} split by thread (Linux `/proc/<pid>/task/*`): each process's main thread (its tid is its pid), the
 * threads named `pglite` (the PGlite worker names its thread so), and the rest (V8's GC and compiler helpers, libuv's
 * pool). `undefined` elsewhere. A thread that ended between two readings takes its CPU with it: compare rounds only.
 */
function threadCpuOf(pids: readonly number[]): ThreadCpu | undefined {
  try {
    const out = { main: 0, pglite: 0, rest: 0 }
    for (const pid of pids)
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        let stat: string
        let comm: string
        try {
          stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
          comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim()
        } catch {
          continue // the thread ended meanwhile
        }
        const f = stat.split(') ')[1]?.split(' ') ?? []
        const ms = (Number(f[11]) + Number(f[12])) * 10
        if (!Number.isFinite(ms)) return undefined
        if (tid === String(pid)) out.main += ms
        else if (comm === 'pglite') out.pglite += ms
        else out.rest += ms
      }
    return out
  } catch {
    return undefined
  }
}

/**
 * One custodian on `db`, called in-process and through two servers on it (rate limits on, off); the modes take turns
 * in ROUNDS rounds of RELEASES / ROUNDS requests each.
 */
async function bench(ctx: BenchContext, name: string, db: SqlDatabase) {
  const { vendor } = faultParties()
  const ledger = createMemoryLedger({ id: `bench-service-${name.replace(/[^A-Za-z0-9]+/g, '-')}` })
  const stores = await createPostgresStores({ db })
  const log = await createAccessLog({ operator: vendor, ledger, name: 'access', store: stores.accessLog() })
  const custodian = createCustodian({ party: vendor, ledger, log, store: stores.custodian, ...withNative })
  const servers: Awaited<ReturnType<typeof serve>>[] = []
  const load = createLoadFetch(CLINICIANS)
  const raws: RawLoad[] = []
  try {
    const targets = {} as Record<Mode, Target>
    targets['in-process'] = custodian
    for (const mode of ['HTTP', 'HTTP, rate limits off'] as const) {
      // as deployed (every signer recovered and counted, at a burst no clinician here reaches), or with no limiter
      const rateLimit = mode === 'HTTP' ? { burst: 1_000_000 } : (false as const)
      const server = await serve({
        handler: createCustodianHandler({ custodian, accessLog: log, ledger, rateLimit, ...withRecovery }),
      })
      servers.push(server)
      const raw = createRawLoad(server.url, CLINICIANS)
      raws.push(raw)
      const client = await createCustodianClient({ url: server.url, fetch: load.fetch })
      targets[mode] = { identity: client.identity, releaseKey: client.releaseKey, raw }
    }
    const clinicians = loadClinicians(CLINICIANS)
    const setup = await setupLoad({ ledger, client: custodian, clinicians })
    const perLane = Math.max(1, Math.ceil(RELEASES / CLINICIANS / ROUNDS))
    // a warm-up round each (connections, JIT, the stores' caches), not counted
    for (const mode of MODES) await round({ ledger, setup, target: targets[mode], perLane: 1, viaClient: true })
    const totals = Object.fromEntries(MODES.map((m) => [m, { ms: 0, n: 0, latencies: [] as number[] }])) as Record<
      Mode,
      { ms: number; n: number; latencies: number[] }
    >
    for (let r = 0; r < ROUNDS; r++)
      for (let i = 0; i < MODES.length; i++) {
        const mode = MODES[(r + i) % MODES.length] as Mode
        const { ms, latencies } = await round({ ledger, setup, target: targets[mode], perLane })
        totals[mode].ms += ms
        totals[mode].n += latencies.length
        totals[mode].latencies.push(...latencies)
      }
    const figure = (mode: Mode) => ({
      perSecond: totals[mode].n / (totals[mode].ms / 1000),
      p50: percentile(totals[mode].latencies, 50),
      p99: percentile(totals[mode].latencies, 99),
    })
    const inProcess = figure('in-process')
    const overHttp = figure('HTTP')
    const noLimits = figure('HTTP, rate limits off')
    const peer = (v: number, unit: string) => ({
      peer: `in-process custodian: ${v.toFixed(v >= 100 ? 0 : 1)} ${unit}`,
    })
    ctx.record({
      name: `key releases over HTTP, ${name} (${CLINICIANS} in flight, ${recoveryName})`,
      value: overHttp.perSecond,
      unit: 'releases/s',
      ...peer(inProcess.perSecond, 'releases/s'),
    })
    ctx.record({
      name: `  p50 latency over HTTP, ${name}`,
      value: overHttp.p50,
      unit: 'ms',
      ...peer(inProcess.p50, 'ms'),
    })
    ctx.record({
      name: `  p99 latency over HTTP, ${name}`,
      value: overHttp.p99,
      unit: 'ms',
      ...peer(inProcess.p99, 'ms'),
    })
    ctx.record({
      name: `  key releases over HTTP, rate limits off, ${name}`,
      value: noLimits.perSecond,
      unit: 'releases/s',
      ...peer(inProcess.perSecond, 'releases/s'),
    })
    ctx.record({
      name: `  p99 latency over HTTP, rate limits off, ${name}`,
      value: noLimits.p99,
      unit: 'ms',
      ...peer(inProcess.p99, 'ms'),
    })
  } finally {
    load.close()
    for (const raw of raws) raw.close()
    for (const server of servers) await server.close()
    await db.close()
  }
}

defineBench('service', async (ctx) => {
  const dirs: string[] = []
  let server: PostgresServer | undefined
  try {
    server = await startPostgres()
  } catch (e) {
    console.log(`  PostgreSQL rows skipped: ${(e as Error).message}`)
  }
  try {
    // PGlite on its worker thread (openPgliteDirectory's default) and on the calling thread (`worker: false`, as
    // before): `BENCH_SERVICE_PGLITE=worker` or `thread` runs only one of them
    const which = process.env.BENCH_SERVICE_PGLITE ?? 'both'
    for (const worker of [true, false]) {
      if (which !== 'both' && which !== (worker ? 'worker' : 'thread')) continue
      const dir = mkdtempSync(join(tmpdir(), 'medseal-bench-service-'))
      dirs.push(dir)
      const name = `PGlite (directory, ${worker ? 'worker thread' : 'calling thread'})`
      await bench(ctx, name, await openPgliteDirectory({ dataDir: dir, worker }))
    }
    if (server) {
      const s = server
      const url = await s.createDatabase('bench_service')
      await bench(ctx, 'PostgreSQL', createPgDatabase({ pool: new pg.Pool({ connectionString: url, max: 8 }) }))
    }
  } finally {
    await server?.stop()
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  }
})

const INSTANCE_RELEASES = Number(process.env.BENCH_SERVICE_INSTANCE_RELEASES ?? 800)
const serviceScript = fileURLToPath(new URL('../test/faults/_serviceWorker.ts', import.meta.url))

/**
 * The grants of the load, written on `ledger` before any service process starts (each copies the ledger then), and a
 * deposit of the load record through each way in.
 */
async function grantAll(ledger: LedgerAdapter, clinicians: readonly Party[]) {
  const { patient, vendor } = faultParties()
  const consentIds: Hex[] = []
  for (const clinician of clinicians) {
    const { token } = await grantConsent(ledger, {
      party: patient,
      grantee: clinician,
      resourceTypes: ['Observation'],
      actions: ['read'],
      purposes: ['TREAT'],
      durationSeconds: 86_400,
    })
    consentIds.push(token.consent.id)
  }
  const sealed = await seal(LOAD_RECORD, { recipients: [patient, vendor] })
  const deposit = await createDeposit({
    owner: patient,
    envelope: sealed.envelope,
    custodian: vendor,
    domain: ledger.domain,
  })
  const setup: LoadSetup = { commitment: bytesToHex0x(sealed.commitment), clinicians, consentIds }
  return { setup, deposit }
}

defineBench('service instances', async (ctx) => {
  let server: PostgresServer
  try {
    server = await startPostgres()
  } catch (e) {
    console.log(`  skipped: ${(e as Error).message}`)
    return
  }
  const dir = mkdtempSync(join(tmpdir(), 'medseal-bench-instances-'))
  const cores = availableParallelism()
  // `BENCH_SERVICE_INSTANCES=1,pglite`: only the listed ways (default 1, 2 and the cores service processes on
  // PostgreSQL, and `pglite`: one service process on a PGlite directory, as examples/custodian-server runs by default)
  const listed = process.env.BENCH_SERVICE_INSTANCES
    ? process.env.BENCH_SERVICE_INSTANCES.split(',')
    : [...new Set(['1', '2', String(cores)]), 'pglite', 'pglite-thread']
  const counts = listed.filter((w) => !w.startsWith('pglite')).map(Number)
  // `pglite-thread`: the same process with PGlite on its calling thread (`worker: false`, as before): the peer of `pglite`
  const pgliteWays = (['pglite', 'pglite-thread'] as const).filter((w) => listed.includes(w))
  const workers: Worker[] = []
  const dbs: SqlDatabase[] = []
  const load = createLoadFetch(CLINICIANS)
  const raws: RawLoad[] = []
  try {
    const ledgerPath = join(dir, 'ledger.json')
    // the id the service processes open their copies with (openFaultLedger)
    const ledger = createFileLedger({ path: ledgerPath, id: 'faults' })
    const clinicians = loadClinicians(CLINICIANS)
    const { setup, deposit } = await grantAll(ledger, clinicians)

    const { vendor } = faultParties()
    const db = createPgDatabase({
      pool: new pg.Pool({ connectionString: await server.createDatabase('bench_inproc'), max: 8 }),
    })
    dbs.push(db)
    const stores = await createPostgresStores({ db })
    const log = await createAccessLog({ operator: vendor, ledger, name: 'access', store: stores.accessLog() })
    const custodian = createCustodian({ party: vendor, ledger, log, store: stores.custodian, ...withNative })
    // `pids`: the service's processes (a cluster's primary and workers), whose CPU is counted per round
    const ways: {
      name: string
      store: string
      target: Target
      deposit: Custodian['deposit']
      pids: readonly number[]
    }[] = [{ name: 'in-process', store: 'PostgreSQL', target: custodian, deposit: custodian.deposit, pids: [] }]
    for (const n of [...counts, ...pgliteWays]) {
      const config: ServiceWorkerConfig =
        typeof n === 'string'
          ? {
              // one process alone (no cluster), PGlite on its worker thread (the example server's default) or not
              backend: { kind: 'pglite', dir: join(dir, n), worker: n === 'pglite' },
              ledger: { kind: 'file', path: ledgerPath },
              ledgerReplicaOf: ledgerPath,
              rateLimit: { burst: 1_000_000 },
            }
          : {
              backend: { kind: 'postgres', url: await server.createDatabase(`bench_n${n}`) },
              ledger: { kind: 'file', path: ledgerPath },
              ledgerReplicaOf: ledgerPath,
              workers: n,
              rateLimit: { burst: 1_000_000 },
              poolMax: 8,
            }
      const worker = startWorker(config, serviceScript)
      workers.push(worker)
      await worker.waitForAcks(1, 'listening')
      const listening = worker.acks.find((a) => a.op === 'listening')
      const client = await createCustodianClient({ url: String(listening?.url), fetch: load.fetch })
      // a process alone lists itself: counted once
      const pids = [...new Set([worker.child.pid as number, ...((listening?.pids as number[] | undefined) ?? [])])]
      const raw = createRawLoad(String(listening?.url), CLINICIANS)
      raws.push(raw)
      ways.push({
        name: typeof n === 'string' ? '1 service process' : `${n} service process${n === 1 ? '' : 'es'}`,
        store:
          typeof n === 'string'
            ? `PGlite (directory, ${n === 'pglite' ? 'worker thread' : 'calling thread'})`
            : 'PostgreSQL',
        target: { identity: client.identity, releaseKey: client.releaseKey, raw },
        deposit: client.deposit,
        pids,
      })
    }
    for (const way of ways) await way.deposit(deposit)

    const perLane = Math.max(1, Math.ceil(INSTANCE_RELEASES / CLINICIANS / ROUNDS))
    // a warm-up round each (connections, JIT, caches), not counted
    for (const way of ways) await round({ ledger, setup, target: way.target, perLane: 1, viaClient: true })
    const totals = ways.map(() => ({
      ms: 0,
      n: 0,
      latencies: [] as number[],
      loadCpu: 0,
      serviceCpu: 0,
      threads: { main: 0, pglite: 0, rest: 0 },
    }))
    for (let r = 0; r < ROUNDS; r++)
      for (let i = 0; i < ways.length; i++) {
        const w = (r + i) % ways.length
        const way = ways[w] as (typeof ways)[number]
        const before = cpuOf(way.pids) ?? Number.NaN
        const threadsBefore = threadCpuOf(way.pids)
        const { ms, latencies, cpuMs } = await round({ ledger, setup, target: way.target, perLane })
        const threadsAfter = threadCpuOf(way.pids)
        const t = totals[w] as (typeof totals)[number]
        for (const k of ['main', 'pglite', 'rest'] as const)
          t.threads[k] += (threadsAfter?.[k] ?? Number.NaN) - (threadsBefore?.[k] ?? Number.NaN)
        t.ms += ms
        t.n += latencies.length
        t.latencies.push(...latencies)
        t.loadCpu += cpuMs
        t.serviceCpu += (cpuOf(way.pids) ?? Number.NaN) - before
      }
    const figure = (w: number) => {
      const t = totals[w] as (typeof totals)[number]
      return {
        perSecond: t.n / (t.ms / 1000),
        p50: percentile(t.latencies, 50),
        p99: percentile(t.latencies, 99),
        // CPU ms per release: of the service's processes, and of this process (the load generator; in-process: the
        // custodian and the generator together)
        serviceCpu: t.serviceCpu / t.n,
        loadCpu: t.loadCpu / t.n,
        threads: { main: t.threads.main / t.n, pglite: t.threads.pglite / t.n, rest: t.threads.rest / t.n },
      }
    }
    const inProcess = figure(0)
    const peer = (v: number, unit: string) =>
      `in-process custodian (PostgreSQL): ${v.toFixed(v >= 100 ? 0 : 1)} ${unit}`
    ways.forEach((way, w) => {
      if (w === 0) return
      const f = figure(w)
      ctx.record({
        name: `key releases over HTTP, ${way.store}, ${way.name} (${RATE > 0 ? `open loop at ${RATE}/s, ≤ ${CLINICIANS}` : CLINICIANS} in flight, ${cores} cores)`,
        value: f.perSecond,
        unit: 'releases/s',
        peer: peer(inProcess.perSecond, 'releases/s'),
      })
      const label = way.store === 'PostgreSQL' ? way.name : `${way.name}, ${way.store}`
      ctx.record({ name: `  p50 latency, ${label}`, value: f.p50, unit: 'ms', peer: peer(inProcess.p50, 'ms') })
      ctx.record({ name: `  p99 latency, ${label}`, value: f.p99, unit: 'ms', peer: peer(inProcess.p99, 'ms') })
      if (Number.isFinite(f.serviceCpu))
        ctx.record({
          name: `  CPU per release, ${label}`,
          value: f.serviceCpu,
          unit: 'ms',
          peer: `load generator (this process): ${f.loadCpu.toFixed(2)} ms; in-process custodian + generator: ${inProcess.loadCpu.toFixed(2)} ms`,
        })
      // the same CPU by thread (Linux): where a PGlite release spends what a PostgreSQL one does not
      if (Number.isFinite(f.threads.main))
        ctx.record({
          name: `  CPU per release, main thread${way.pids.length > 1 ? 's' : ''}, ${label}`,
          value: f.threads.main,
          unit: 'ms',
          peer: `PGlite worker thread: ${f.threads.pglite.toFixed(2)} ms; other threads (GC, compiler, libuv): ${f.threads.rest.toFixed(2)} ms`,
        })
    })
    ledger.close()
  } finally {
    load.close()
    for (const raw of raws) raw.close()
    for (const w of workers) {
      w.child.kill('SIGTERM')
      await Promise.race([w.exited, new Promise((r) => setTimeout(r, 15_000))])
      await w.kill()
    }
    for (const db of dbs) await db.close()
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
})
