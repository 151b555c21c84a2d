/**
 * The custodian service over HTTP (issue 14), in one process so every figure has its peer: key releases/s and the
 * p50/p99 latency of `client.releaseKey` against `@medseal/service` served on 127.0.0.1 (Node's http, a free port),
 * beside the same custodian object called in-process, on PGlite (a directory) and on a PostgreSQL server. One
 * custodian per database, three ways in: in-process, a server with the rate limiter on (as deployed: every key
 * request's signer is recovered and counted, at a burst no clinician here reaches), a server with no limiter (the
 * handler leaves the signer's recovery to the custodian). The three take turns in 4 rounds each, so a change of the
 * machine's load hits them alike. 20 clinicians keep 20 requests in flight; each round's requests are signed before
 * its clock starts and its keys opened after it stops (the clinicians' cost, on their own devices): the figures are
 * the service's. Signatures are checked with libsecp256k1 as a server does (`BENCH_SERVICE_NOBLE=1`:
 * `@noble/curves`). The memory ledger is shared in-process. `BENCH_SERVICE_RELEASES` sets the requests per way in
 * (default 400).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMemoryLedger } from '@medseal/adapter-memory'
import {
  type Custodian,
  canonicalize,
  createAccessLog,
  createCustodian,
  type Envelope,
  open,
  type Party,
} from '@medseal/core'
import { createNativeSecp256k1Recovery } from '@medseal/core/node'
import { createCustodianClient, createCustodianHandler } from '@medseal/service'
import { serve } from '@medseal/service/node'
import { createPostgresStores, type SqlDatabase } from '@medseal/store-postgres'
import { createPgDatabase, openPgliteDirectory } from '@medseal/store-postgres/node'
import { type PostgresServer, startPostgres } from '@medseal/store-postgres/testing'
import pg from 'pg'
import { type BenchContext, defineBench } from '../../../../scripts/bench/harness.js'
import { LOAD_RECORD, loadClinicians, percentile, setupLoad, signRequests } from '../test/faults/_serviceLoad.js'
import { faultParties } from '../test/faults/_shared.js'

const RELEASES = Number(process.env.BENCH_SERVICE_RELEASES ?? 400)
/** A server's signature checks: libsecp256k1 (`BENCH_SERVICE_NOBLE=1`: the pure-JavaScript default, as before). */
const secp256k1 = process.env.BENCH_SERVICE_NOBLE === '1' ? undefined : createNativeSecp256k1Recovery()
const recoveryName = secp256k1?.name ?? 'noble'
const withRecovery = secp256k1 ? { secp256k1 } : {}
const CLINICIANS = 20

const MODES = ['in-process', 'HTTP', 'HTTP, rate limits off'] as const
type Mode = (typeof MODES)[number]
/** Each mode runs in ROUNDS rounds, the modes taking turns, so that a change of the machine's load hits all alike. */
const ROUNDS = 4

type Target = Pick<Custodian, 'identity' | 'releaseKey'>

/** One round: `perLane` requests per clinician (signed before the clock), CLINICIANS in flight. */
async function round(params: {
  readonly ledger: ReturnType<typeof createMemoryLedger>
  readonly setup: Awaited<ReturnType<typeof setupLoad>>
  readonly target: Target
  readonly perLane: number
}) {
  const { ledger, setup, target, perLane } = params
  // signed just before the round (interleaved: clinician 0, 1, …, 19, 0, …): lane i takes requests i, i + 20, …
  const signed = await signRequests({ ledger, setup, custodian: target.identity, perClinician: perLane })
  const latencies: number[] = []
  const received: { who: number; envelope: Envelope }[] = []
  const t = performance.now()
  await Promise.all(
    setup.clinicians.map(async (_, lane) => {
      for (let k = 0; k < perLane; k++) {
        const { who, request } = signed[k * CLINICIANS + lane] as (typeof signed)[number]
        const started = performance.now()
        const { envelope } = await target.releaseKey(request)
        latencies.push(performance.now() - started)
        received.push({ who, envelope })
      }
    }),
  )
  const ms = performance.now() - t
  // every key received opens the record, for the clinician it was released to
  for (const { who, envelope } of received) {
    const { value } = await open(envelope, setup.clinicians[who] as Party)
    if (canonicalize(value) !== canonicalize(LOAD_RECORD)) throw new Error('a released key opened another record')
  }
  return { ms, latencies }
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
  const custodian = createCustodian({ party: vendor, ledger, log, store: stores.custodian, ...withRecovery })
  const servers: Awaited<ReturnType<typeof serve>>[] = []
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
      targets[mode] = await createCustodianClient({ url: server.url })
    }
    const clinicians = loadClinicians(CLINICIANS)
    const setup = await setupLoad({ ledger, client: custodian, clinicians })
    const perLane = Math.max(1, Math.ceil(RELEASES / CLINICIANS / ROUNDS))
    // a warm-up round each (connections, JIT, the stores' caches), not counted
    for (const mode of MODES) await round({ ledger, setup, target: targets[mode], perLane: 1 })
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
    const dir = mkdtempSync(join(tmpdir(), 'medseal-bench-service-'))
    dirs.push(dir)
    await bench(ctx, 'PGlite (directory)', await openPgliteDirectory({ dataDir: dir }))
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
