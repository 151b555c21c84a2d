/**
 * The custodian service over HTTP (issue 14), in one process so every figure has its peer: key releases/s and the
 * p50/p99 latency of `client.releaseKey` against `@medseal/service` served on 127.0.0.1 (Node's http, a free port),
 * beside the same custodian called in-process, on PGlite (a directory) and on a PostgreSQL server. 20 clinicians keep
 * 20 requests in flight. Every request is signed before the clock starts and every key received is opened after it
 * stops (both are the clinicians' cost, on their own devices): the figures are the service's. The handler runs with
 * its rate limiter on (as deployed: every key request's signer is recovered and counted) at a burst no clinician here
 * reaches, and once with no limiter (the handler then leaves the signer's recovery to the custodian). Signatures are
 * checked with libsecp256k1 as a server does (`BENCH_SERVICE_NOBLE=1`: `@noble/curves`). The memory ledger is shared
 * in-process. `BENCH_SERVICE_RELEASES` sets the requests per measurement (default 400).
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

/** Runs RELEASES requests, CLINICIANS in flight at a time, against `target`; returns releases/s and latencies. */
async function measure(
  ledger: ReturnType<typeof createMemoryLedger>,
  target: Pick<Custodian, 'identity' | 'deposit' | 'releaseKey'>,
) {
  const clinicians = loadClinicians(CLINICIANS)
  const setup = await setupLoad({ ledger, client: target, clinicians })
  const perLane = Math.ceil(RELEASES / CLINICIANS)
  // signed up front (interleaved: clinician 0, 1, …, 19, 0, …): lane i takes requests i, i + 20, …
  const signed = await signRequests({ ledger, setup, custodian: target.identity, perClinician: perLane })
  const latencies: number[] = []
  const received: { who: number; envelope: Envelope }[] = []
  const t = performance.now()
  await Promise.all(
    clinicians.map(async (_, lane) => {
      for (let k = 0; k < perLane; k++) {
        const { who, request } = signed[k * CLINICIANS + lane] as (typeof signed)[number]
        const started = performance.now()
        const { envelope } = await target.releaseKey(request)
        latencies.push(performance.now() - started)
        received.push({ who, envelope })
      }
    }),
  )
  const seconds = (performance.now() - t) / 1000
  // every key received opens the record, for the clinician it was released to
  for (const { who, envelope } of received) {
    const { value } = await open(envelope, clinicians[who] as Party)
    if (canonicalize(value) !== canonicalize(LOAD_RECORD)) throw new Error('a released key opened another record')
  }
  return { perSecond: (perLane * CLINICIANS) / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) }
}

async function bench(ctx: BenchContext, name: string, open: () => Promise<SqlDatabase>) {
  const { vendor } = faultParties()
  const results: Record<string, { perSecond: number; p50: number; p99: number }> = {}
  for (const mode of ['in-process', 'HTTP', 'HTTP, rate limits off'] as const) {
    const db = await open()
    const ledger = createMemoryLedger({
      id: `bench-service-${name.replace(/[^A-Za-z0-9]+/g, '-')}-${mode.replace(/[^A-Za-z0-9]+/g, '-')}`,
    })
    const stores = await createPostgresStores({ db })
    const log = await createAccessLog({ operator: vendor, ledger, name: 'access', store: stores.accessLog() })
    const custodian = createCustodian({ party: vendor, ledger, log, store: stores.custodian, ...withRecovery })
    let server: Awaited<ReturnType<typeof serve>> | undefined
    try {
      let target: Pick<Custodian, 'identity' | 'deposit' | 'releaseKey'> = custodian
      if (mode !== 'in-process') {
        // as deployed (every signer recovered and counted, at a burst no clinician here reaches), or with no limiter
        const rateLimit = mode === 'HTTP' ? { burst: 1_000_000 } : (false as const)
        server = await serve({
          handler: createCustodianHandler({ custodian, accessLog: log, ledger, rateLimit, ...withRecovery }),
        })
        target = await createCustodianClient({ url: server.url })
      }
      results[mode] = await measure(ledger, target)
    } finally {
      await server?.close()
      await db.close()
    }
  }
  const inProcess = results['in-process'] as { perSecond: number; p50: number; p99: number }
  const overHttp = results.HTTP as { perSecond: number; p50: number; p99: number }
  const noLimits = results['HTTP, rate limits off'] as { perSecond: number; p50: number; p99: number }
  const peer = (v: number, unit: string) => ({ peer: `in-process custodian: ${v.toFixed(v >= 100 ? 0 : 1)} ${unit}` })
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
}

defineBench('service', async (ctx) => {
  const dirs: string[] = []
  let server: PostgresServer | undefined
  try {
    server = await startPostgres()
  } catch (e) {
    console.log(`  PostgreSQL rows skipped: ${(e as Error).message}`)
  }
  let databases = 0
  try {
    await bench(ctx, 'PGlite (directory)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'medseal-bench-service-'))
      dirs.push(dir)
      return openPgliteDirectory({ dataDir: dir })
    })
    if (server) {
      const s = server
      await bench(ctx, 'PostgreSQL', async () => {
        const url = await s.createDatabase(`bench_service_${++databases}`)
        return createPgDatabase({ pool: new pg.Pool({ connectionString: url, max: 8 }) })
      })
    }
  } finally {
    await server?.stop()
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  }
})
