/**
 * The custodian service over HTTP (issue 14), in one process so every figure has its peer: key releases/s and the
 * p50/p99 latency of `client.releaseKey` against `@medseal/service` served on 127.0.0.1 (Node's http, a free port),
 * beside the same custodian called in-process, on PGlite (a directory) and on a PostgreSQL server. 20 clinicians keep
 * 20 requests in flight; every request is pre-signed (signing is the clinician's cost) and every key received is
 * opened. Rate limits are off here (one clinician sends hundreds of requests); the memory ledger is shared in-process.
 * `BENCH_SERVICE_RELEASES` sets the requests per measurement (default 400).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMemoryLedger } from '@medseal/adapter-memory'
import { type Custodian, createAccessLog, createCustodian, type Hex, type Party } from '@medseal/core'
import { createCustodianClient, createCustodianHandler } from '@medseal/service'
import { serve } from '@medseal/service/node'
import { createPostgresStores, type SqlDatabase } from '@medseal/store-postgres'
import { createPgDatabase, openPgliteDirectory } from '@medseal/store-postgres/node'
import { type PostgresServer, startPostgres } from '@medseal/store-postgres/testing'
import pg from 'pg'
import { type BenchContext, defineBench } from '../../../../scripts/bench/harness.js'
import { fireRequests, loadClinicians, percentile, setupLoad, signRequests } from '../test/faults/_serviceLoad.js'
import { faultParties } from '../test/faults/_shared.js'

const RELEASES = Number(process.env.BENCH_SERVICE_RELEASES ?? 400)
const CLINICIANS = 20

/** Runs RELEASES requests, CLINICIANS in flight at a time, against `target`; returns releases/s and latencies. */
async function measure(
  ledger: ReturnType<typeof createMemoryLedger>,
  target: Pick<Custodian, 'identity' | 'deposit' | 'releaseKey'>,
) {
  const clinicians = loadClinicians(CLINICIANS)
  const setup = await setupLoad({ ledger, client: target, clinicians })
  const latencies: number[] = []
  let failed = 0
  const errors: string[] = []
  const t = performance.now()
  // CLINICIANS requests in flight: one lane per clinician, each signing its next request just before sending it
  // (a request is only valid for minutes of ledger time; the signature's cost counts in releases/s, not in latency)
  const perLane = Math.ceil(RELEASES / CLINICIANS)
  await Promise.all(
    clinicians.map(async (_, lane) => {
      for (let k = 0; k < perLane; k++) {
        const [request] = (
          await signRequests({
            ledger,
            setup: { ...setup, clinicians: [clinicians[lane] as Party], consentIds: [setup.consentIds[lane] as Hex] },
            custodian: target.identity,
            perClinician: 1,
          })
        ).map((r) => ({ ...r, who: lane }))
        const r = await fireRequests({ clients: [() => target], requests: [request as never], clinicians })
        latencies.push(...r.latencies)
        failed += r.failed
        errors.push(...r.messages)
      }
    }),
  )
  const seconds = (performance.now() - t) / 1000
  if (failed > 0) throw new Error(`${failed} requests failed: ${errors.slice(0, 3).join('; ')}`)
  return { perSecond: (perLane * CLINICIANS) / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) }
}

async function bench(ctx: BenchContext, name: string, open: () => Promise<SqlDatabase>) {
  const { vendor } = faultParties()
  const results: Record<string, { perSecond: number; p50: number; p99: number }> = {}
  for (const mode of ['in-process', 'HTTP'] as const) {
    const db = await open()
    const ledger = createMemoryLedger({ id: `bench-service-${name.replace(/[^A-Za-z0-9]+/g, '-')}-${mode}` })
    const stores = await createPostgresStores({ db })
    const log = await createAccessLog({ operator: vendor, ledger, name: 'access', store: stores.accessLog() })
    const custodian = createCustodian({ party: vendor, ledger, log, store: stores.custodian })
    let server: Awaited<ReturnType<typeof serve>> | undefined
    try {
      let target: Pick<Custodian, 'identity' | 'deposit' | 'releaseKey'> = custodian
      if (mode === 'HTTP') {
        server = await serve({
          handler: createCustodianHandler({ custodian, accessLog: log, ledger, rateLimit: false }),
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
  const peer = (v: number, unit: string) => ({ peer: `in-process custodian: ${v.toFixed(v >= 100 ? 0 : 1)} ${unit}` })
  ctx.record({
    name: `key releases over HTTP, ${name} (${CLINICIANS} in flight)`,
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
