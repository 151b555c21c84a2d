/**
 * Durable stores (issue 13), in one process so every figure has its peer: the in-memory stores of `@medseal/core`.
 * - key releases/s through the custodian (verify the signed request, authorize against the memory ledger, commit the
 *   release and its log entry in one transaction, re-wrap the data key), on memory, PGlite (a directory) and a
 *   PostgreSQL server (several releases in flight: a deployment serves many clients);
 * - access-log appends/s, one at a time and batched (one transaction per batch of leaves);
 * - open of a 10^6-entry log (built in the bench, in batches): the log reads O(log n) stored nodes, no replay.
 * `BENCH_STORE_BIG` sets the big log's size, `BENCH_STORE_ONLY=releases|appends|open` runs one part.
 * The PostgreSQL rows need Debian's postgresql (`node scripts/ensure-postgres.mjs`); without it they are skipped.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMemoryLedger } from '@medseal/adapter-memory'
import {
  type AccessLogStore,
  bytesToHex0x,
  type CustodianStore,
  createAccessLog,
  createCustodian,
  createDeposit,
  createKeyRequest,
  createMemoryAccessLogStore,
  createMemoryCustodianStore,
  createParty,
  encodeAccessEvent,
  grantConsent,
  leafHash,
  type SignedKeyRequest,
  seal,
} from '@medseal/core'
import { createPostgresStores, type SqlDatabase } from '@medseal/store-postgres'
import { createPgDatabase, openPgliteDirectory } from '@medseal/store-postgres/node'
import { type PostgresServer, startPostgres } from '@medseal/store-postgres/testing'
import pg from 'pg'
import { type BenchContext, defineBench } from '../../../../scripts/bench/harness.js'

/** Key releases measured per backend (pre-signed requests: signing is the client's cost, not the custodian's). */
const RELEASES = Number(process.env.BENCH_STORE_RELEASES ?? 400)
/** Single appends measured per backend. */
const APPENDS = Number(process.env.BENCH_STORE_APPENDS ?? 1_000)
/** Leaves appended in batches, and the batch size. */
const BATCHED = 20_000
const BATCH = 500
/** The big log: 10^6 entries, appended in batches of 10,000. */
const BIG = Number(process.env.BENCH_STORE_BIG ?? 1_000_000)
const BIG_BATCH = 10_000

type Backend = {
  readonly name: string
  /** For ledger ids. */
  readonly id: string
  /** Releases in flight at once. */
  readonly concurrency: number
  open(label: string): Promise<{
    readonly custodian: CustodianStore
    readonly accessLog: (name: string) => AccessLogStore
    close(): Promise<void>
  }>
}

const vendor = createParty({ seed: new Uint8Array(32).fill(11) })
const patient = createParty({ seed: new Uint8Array(32).fill(12) })
const doctor = createParty({ seed: new Uint8Array(32).fill(13) })

const event = (i: number) => ({
  actor: doctor.address,
  action: 'read' as const,
  commitment: bytesToHex0x(new Uint8Array(32).fill(i % 251)),
  at: 1_700_000_000 + i,
  purpose: 'TREAT',
  outcome: 'permit' as const,
})

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

async function releases(ctx: BenchContext, backend: Backend, peer: number | undefined): Promise<number> {
  const ledger = createMemoryLedger({ id: `bench-releases-${backend.id}` })
  const stores = await backend.open('releases')
  try {
    const log = await createAccessLog({ operator: vendor, ledger, name: 'bench', store: stores.accessLog('bench') })
    const custodian = createCustodian({ party: vendor, ledger, log, store: stores.custodian })
    const sealed = await seal({ resourceType: 'Observation', status: 'final' }, { recipients: [patient, vendor] })
    await custodian.deposit(
      await createDeposit({
        owner: patient,
        envelope: sealed.envelope,
        custodian: custodian.identity,
        domain: ledger.domain,
      }),
    )
    const { token } = await grantConsent(ledger, {
      party: patient,
      grantee: doctor,
      resourceTypes: ['Observation'],
      actions: ['read'],
      purposes: ['TREAT'],
      durationSeconds: 86_400,
    })
    const issuedAt = await ledger.getTime()
    const requests: SignedKeyRequest[] = Array.from({ length: RELEASES }, () =>
      createKeyRequest(doctor, ledger.domain, {
        consentId: token.consent.id,
        custodian: custodian.identity,
        grantor: patient,
        commitment: sealed.commitment,
        action: 'read',
        purpose: 'TREAT',
        issuedAt,
      }),
    )
    const perSecond = await rate(requests, backend.concurrency, (r) => custodian.releaseKey(r))
    ctx.record({
      name: `key releases, ${backend.name} (${backend.concurrency} in flight)`,
      value: perSecond,
      unit: 'releases/s',
      ...(peer ? { peer: `memory stores: ${Math.round(peer).toLocaleString('en-US')} releases/s` } : {}),
    })
    return perSecond
  } finally {
    await stores.close()
  }
}

async function appends(ctx: BenchContext, backend: Backend, peer?: { one: number; batched: number }) {
  const ledger = createMemoryLedger({ id: `bench-appends-${backend.id}` })
  const stores = await backend.open('appends')
  try {
    const log = await createAccessLog({ operator: vendor, ledger, name: 'appends', store: stores.accessLog('appends') })
    const one = await rate(
      Array.from({ length: APPENDS }, (_, i) => i),
      1,
      (i) => log.append(event(i)),
    )
    const store = stores.accessLog('batched')
    const batches = Array.from({ length: BATCHED / BATCH }, (_, b) =>
      Array.from({ length: BATCH }, (_, i) => {
        const leafData = encodeAccessEvent(event(b * BATCH + i))
        return { leafData, leafHash: leafHash(leafData) }
      }),
    )
    const batched = (await rate(batches, 1, (leaves) => store.append(leaves))) * BATCH
    const p = (v: number | undefined) =>
      v ? { peer: `memory stores: ${Math.round(v).toLocaleString('en-US')}/s` } : {}
    ctx.record({ name: `log appends one at a time, ${backend.name}`, value: one, unit: 'appends/s', ...p(peer?.one) })
    ctx.record({
      name: `log appends batched (${BATCH} per transaction), ${backend.name}`,
      value: batched,
      unit: 'appends/s',
      ...p(peer?.batched),
    })
    return { one, batched }
  } finally {
    await stores.close()
  }
}

async function bigLog(ctx: BenchContext, backend: Backend, peer?: number) {
  const ledger = createMemoryLedger({ id: `bench-big-${backend.id}` })
  const stores = await backend.open('big')
  try {
    const store = stores.accessLog('big')
    const leaves = Array.from({ length: BIG_BATCH }, (_, i) => {
      const leafData = encodeAccessEvent(event(i))
      return { leafData, leafHash: leafHash(leafData) }
    })
    const t0 = performance.now()
    for (let n = 0; n < BIG; n += BIG_BATCH) await store.append(leaves)
    const buildS = (performance.now() - t0) / 1000
    const t1 = performance.now()
    const log = await createAccessLog({ operator: vendor, ledger, name: 'big', store })
    const openMs = performance.now() - t1
    if (log.size !== BIG) throw new Error(`the big log has ${log.size} entries`)
    ctx.record({
      name: `open a ${BIG.toLocaleString('en-US')}-entry log, ${backend.name}`,
      value: openMs,
      unit: 'ms',
      ...(peer !== undefined ? { peer: `memory stores: ${peer.toFixed(1)} ms` } : {}),
    })
    ctx.record({
      name: `  (built in batches of ${BIG_BATCH}), ${backend.name}`,
      value: BIG / buildS,
      unit: 'appends/s',
    })
    return openMs
  } finally {
    await stores.close()
  }
}

defineBench('stores', async (ctx) => {
  const dirs: string[] = []
  let server: PostgresServer | undefined
  try {
    server = await startPostgres()
  } catch (e) {
    console.log(`  PostgreSQL rows skipped: ${(e as Error).message}`)
  }
  const sql = (db: SqlDatabase) => async () => {
    const stores = await createPostgresStores({ db })
    return {
      custodian: stores.custodian,
      accessLog: (name: string) => stores.accessLog({ name }),
      close: () => db.close(),
    }
  }
  let databases = 0
  const backends: Backend[] = [
    {
      name: 'memory',
      id: 'memory',
      concurrency: 1,
      async open() {
        const logs = new Map<string, AccessLogStore>()
        return {
          custodian: createMemoryCustodianStore(),
          accessLog: (name) =>
            logs.get(name) ?? (logs.set(name, createMemoryAccessLogStore()).get(name) as AccessLogStore),
          close: async () => {},
        }
      },
    },
    {
      name: 'PGlite (directory)',
      id: 'pglite',
      concurrency: 1,
      async open(label) {
        const dir = mkdtempSync(join(tmpdir(), `medseal-bench-${label}-`))
        dirs.push(dir)
        return sql(await openPgliteDirectory({ dataDir: dir }))()
      },
    },
    ...(server
      ? [
          {
            name: 'PostgreSQL',
            id: 'postgres',
            concurrency: 8,
            async open() {
              const url = await (server as PostgresServer).createDatabase(`bench_${++databases}`)
              return sql(createPgDatabase({ pool: new pg.Pool({ connectionString: url, max: 8 }) }))()
            },
          },
        ]
      : []),
  ]
  try {
    const [memory, ...durable] = backends as [Backend, ...Backend[]]
    // BENCH_STORE_ONLY=releases|appends|open runs one part
    const only = process.env.BENCH_STORE_ONLY
    if (!only || only === 'releases') {
      const memReleases = await releases(ctx, memory, undefined)
      for (const b of durable) await releases(ctx, b, memReleases)
    }
    if (!only || only === 'appends') {
      const memAppends = await appends(ctx, memory)
      for (const b of durable) await appends(ctx, b, memAppends)
    }
    if (!only || only === 'open') {
      const memOpen = await bigLog(ctx, memory)
      for (const b of durable) await bigLog(ctx, b, memOpen)
    }
  } finally {
    await server?.stop()
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  }
})
