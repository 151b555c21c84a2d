/**
 * Durable stores (issue 13), in one process so every figure has its peer: the in-memory stores of `@medseal/core`.
 * - key releases/s through the custodian (verify the signed request, authorize against the memory ledger, commit the
 *   release and its log entry in one transaction, re-wrap the data key), on memory, PGlite (a directory) and a
 *   PostgreSQL server (several releases in flight: a deployment serves many clients); on memory twice, with the SDK's
 *   default signature recovery (noble) and with libsecp256k1 (`createNativeSecp256k1Recovery`, `@medseal/core/node`),
 *   and on the durable stores with libsecp256k1;
 * - access-log appends/s, one at a time and batched (one transaction per batch of leaves);
 * - open of a 10^6-entry log (+ one inclusion proof): the log reads O(log n) stored nodes, no replay. The fixture is
 *   built once in SQL inside the database (PostgreSQL's sha256() for every leaf and complete-subtree node, the root
 *   checked against one computed in JavaScript) and cached under ~/.cache/medseal (PGlite: a copy of the closed
 *   directory; PostgreSQL: a pg_dump), so later runs restore it in seconds. The memory store's log is built by
 *   batched appends.
 * - the store's part of a release alone (no cryptography: entry read, replay memory, release + log entry), 1, 8 and
 *   32 in flight: what a backend allows once the signature check is cheap.
 * `BENCH_STORE_BIG` sets the big log's size, `BENCH_STORE_ONLY=releases|storepath|appends|open` runs one part.
 * The PostgreSQL rows need Debian's postgresql (`node scripts/ensure-postgres.mjs`); without it they are skipped.
 */
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMemoryLedger } from '@medseal/adapter-memory'
import {
  type AccessLogStore,
  bytesToHex,
  bytesToHex0x,
  type CustodianStore,
  createAccessLog,
  createMemoryAccessLogStore,
  createMemoryCustodianStore,
  createParty,
  encodeAccessEvent,
  leafHash,
  merkleRoot,
  type Secp256k1Recovery,
  seal,
} from '@medseal/core'
import { createNativeSecp256k1Recovery } from '@medseal/core/node'
import { createReleaseFixture } from '@medseal/core/testing'
import { createPostgresStores, SCHEMA_VERSION, type SqlDatabase } from '@medseal/store-postgres'
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
/** The big log's size on one backend: `BENCH_STORE_BIG_PGLITE` etc. override BENCH_STORE_BIG for that backend. */
const bigSize = (backend: { readonly id: string }): number =>
  Number(process.env[`BENCH_STORE_BIG_${backend.id.toUpperCase()}`] ?? BIG)

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

/**
 * Key releases/s on `backend`. `secp256k1`: the custodian's signature recovery (default: the SDK's, `@noble/curves`);
 * `peer`: the figure printed beside this one, and what it is.
 */
async function releases(
  ctx: BenchContext,
  backend: Backend,
  peer: { value: number; label: string } | undefined,
  secp256k1?: Secp256k1Recovery,
): Promise<number> {
  const ledger = createMemoryLedger({ id: `bench-releases-${backend.id}` })
  const stores = await backend.open('releases')
  try {
    const { custodian, keyRequest } = await createReleaseFixture({
      ledger,
      seeds: [12, 13, 11],
      log: { name: 'bench', store: stores.accessLog('bench') },
      custodian: { store: stores.custodian, secp256k1 },
    })
    const issuedAt = await ledger.getTime()
    const requests = await Promise.all(Array.from({ length: RELEASES }, () => keyRequest(issuedAt)))
    const perSecond = await rate(requests, backend.concurrency, (r) => custodian.releaseKey(r))
    ctx.record({
      name: `key releases, ${backend.name} (${backend.concurrency} in flight), signatures: ${secp256k1?.name ?? 'noble'}`,
      value: perSecond,
      unit: 'releases/s',
      ...(peer ? { peer: `${peer.label}: ${Math.round(peer.value).toLocaleString('en-US')} releases/s` } : {}),
    })
    return perSecond
  } finally {
    await stores.close()
  }
}

/** Store calls per release measured by {@link storePath}. */
const STORE_PATH = Number(process.env.BENCH_STORE_PATH ?? 2_000)

/**
 * The store's part of a key release alone, without its cryptography: what `custodian.releaseKey` asks of its stores
 * (read the entry, remember the request's digest, commit the release with its log entry through `log.appendWith`),
 * with `concurrency` releases in flight. Bounds the releases/s a backend allows once the signature check is cheap.
 */
async function storePath(ctx: BenchContext, backend: Backend, concurrency: number, peer: number | undefined) {
  const ledger = createMemoryLedger({ id: `bench-store-path-${backend.id}-${concurrency}` })
  const stores = await backend.open('storepath')
  try {
    const log = await createAccessLog({ operator: vendor, ledger, name: 'path', store: stores.accessLog('path') })
    const commitment = bytesToHex0x(new Uint8Array(32).fill(7))
    const sealed = await seal({ resourceType: 'Observation', status: 'final' }, { recipients: [patient, vendor] })
    await stores.custodian.insertEntry({
      commitment,
      owner: patient.address,
      resourceType: 'Observation',
      labels: [],
      envelope: sealed.envelope,
    })
    const consentId = bytesToHex0x(new Uint8Array(32).fill(9))
    const perSecond = await rate(
      Array.from({ length: STORE_PATH }, (_, i) => i),
      concurrency,
      async (i) => {
        const digest = bytesToHex0x(leafHash(new Uint8Array([i & 0xff, (i >> 8) & 0xff, (i >> 16) & 0xff, 1])))
        await stores.custodian.getEntry(commitment)
        if ((await stores.custodian.rememberRequest({ digest, until: 2_000_000_000, now: 1_700_000_000 })) !== 'fresh')
          throw new Error('replay memory refused a fresh digest')
        await log.appendWith(event(i), (unit) =>
          stores.custodian.commitRelease({
            release: {
              consentKey: consentId,
              consentId,
              grantor: patient.address,
              commitment,
              grantee: doctor.address,
              encryptionKey: consentId,
              at: i,
            },
            log: unit,
          }),
        )
      },
    )
    ctx.record({
      name: `store part of a release (entry, replay memory, release + log entry), ${backend.name}, ${concurrency} in flight`,
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

/** Where the 10^6-entry fixtures are cached between runs (building one takes minutes; restoring it, seconds). */
const cacheDir = (n: number) =>
  join(
    process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'),
    'medseal',
    `bench-log-${n}-schema${SCHEMA_VERSION}-sql2`,
  )

/** The directory of Debian's newest PostgreSQL binaries (pg_dump, pg_restore), or `$PG_BIN`. */
function pgBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN
  const base = '/usr/lib/postgresql'
  const v = readdirSync(base)
    .filter((d) => existsSync(join(base, d, 'bin', 'pg_dump')))
    .sort((a, b) => Number(b) - Number(a))[0]
  if (!v) throw new Error('pg_dump not found')
  return join(base, v, 'bin')
}

/** Appends the big log in batches of {@link BIG_BATCH} leaves (one transaction each); returns appends/s. */
async function buildBig(store: AccessLogStore, n: number): Promise<number> {
  const leaves = Array.from({ length: BIG_BATCH }, (_, i) => {
    const leafData = encodeAccessEvent(event(i))
    return { leafData, leafHash: leafHash(leafData) }
  })
  const t0 = performance.now()
  for (let at = await store.size(); at < n; at += BIG_BATCH)
    await store.append(leaves.slice(0, Math.min(BIG_BATCH, n - at)))
  return n / ((performance.now() - t0) / 1000)
}

/**
 * Writes the big log's rows with SQL inside the database, in one transaction: entry `i` is the event of
 * `event(i % BIG_BATCH)`, its leaf hash `sha256(0x00 || data)` and every complete subtree's node
 * `sha256(0x01 || left || right)` (RFC 9162) computed level by level by PostgreSQL's `sha256()`, so no row crosses the
 * driver. The rows are what appends would have stored: the caller checks the root against one computed here in
 * JavaScript over the same leaves before the fixture is cached. Returns rows (entries + nodes) per second.
 */
async function buildBigSql(db: SqlDatabase, n: number): Promise<number> {
  const t0 = performance.now()
  let rows = n
  await db.transaction(async (tx) => {
    await tx.query("INSERT INTO medseal_logs (name, size) VALUES ('big', $1::int8)", [n])
    await tx.query('CREATE TEMP TABLE bench_leaves (k int8 PRIMARY KEY, d bytea NOT NULL) ON COMMIT DROP')
    await tx.query(
      "INSERT INTO bench_leaves SELECT t.o - 1, decode(t.d, 'hex') FROM unnest($1::text[]) WITH ORDINALITY AS t(d, o)",
      [Array.from({ length: BIG_BATCH }, (_, i) => bytesToHex(encodeAccessEvent(event(i))))],
    )
    // statistics for the planner (it would otherwise guess a tiny table and loop over it once per row)
    await tx.query('ANALYZE bench_leaves')
    await tx.query(
      `INSERT INTO medseal_log_entries (log, idx, leaf_data, leaf_hash)
       SELECT 'big', g, l.d, sha256('\\x00'::bytea || l.d)
       FROM generate_series(0, $1::int8 - 1) AS g JOIN bench_leaves l ON l.k = g % ${BIG_BATCH}`,
      [n],
    )
    // each level: pairs of the level below grouped by idx / 2, left then right (a sort, no self-join)
    await tx.query(
      `INSERT INTO medseal_log_nodes (log, level, idx, hash)
       SELECT 'big', 1, idx / 2, sha256('\\x01'::bytea || string_agg(leaf_hash, ''::bytea ORDER BY idx))
       FROM medseal_log_entries WHERE log = 'big' GROUP BY idx / 2 HAVING count(*) = 2`,
    )
    rows += Math.floor(n / 2)
    for (let level = 2; Math.floor(n / 2 ** level) >= 1; level++) {
      await tx.query(
        `INSERT INTO medseal_log_nodes (log, level, idx, hash)
         SELECT 'big', $1::int2, idx / 2, sha256('\\x01'::bytea || string_agg(hash, ''::bytea ORDER BY idx))
         FROM medseal_log_nodes WHERE log = 'big' AND level = $1::int2 - 1 GROUP BY idx / 2 HAVING count(*) = 2`,
        [level],
      )
      rows += Math.floor(n / 2 ** level)
    }
  })
  return rows / ((performance.now() - t0) / 1000)
}

/** The RFC 9162 root of the big log's leaves, computed in JavaScript (the check of a fixture built in SQL). */
function expectedBigRoot(n: number): Uint8Array {
  const distinct = Array.from({ length: BIG_BATCH }, (_, i) => encodeAccessEvent(event(i)))
  return merkleRoot(Array.from({ length: n }, (_, i) => distinct[i % BIG_BATCH] as Uint8Array))
}

/** Builds the big log in `db` with SQL and checks its root; returns how it was built. */
async function buildChecked(
  db: SqlDatabase,
  ledger: ReturnType<typeof createMemoryLedger>,
  n: number,
): Promise<string> {
  const stores = await createPostgresStores({ db })
  const rate = await buildBigSql(db, n)
  const log = await createAccessLog({ operator: vendor, ledger, name: 'big', store: stores.accessLog({ name: 'big' }) })
  const root = await log.root()
  if (bytesToHex(root) !== bytesToHex(expectedBigRoot(n)))
    throw new Error('the big log built in SQL does not have the root of its leaves')
  await log.getEvent(n - 1) // the entry checked against the stored nodes above it
  await log.getEvent(Math.floor(n / 3))
  return `built in SQL in the database (sha256() per leaf and node, ${Math.round(rate).toLocaleString('en-US')} rows/s; root checked against one computed in JavaScript)`
}

type BigFixture = { readonly store: AccessLogStore; readonly how: string; close(): Promise<void> }

/** The big log on a backend: restored from the cache when there, else built by batched appends and cached. */
async function bigFixture(
  backend: Backend,
  server: PostgresServer | undefined,
  tmp: string,
  n: number,
): Promise<BigFixture> {
  const CACHE = cacheDir(n)
  if (backend.id === 'memory') {
    const stores = await backend.open('big')
    const store = stores.accessLog('big')
    const rate = await buildBig(store, n)
    return {
      store,
      how: `built in memory at ${Math.round(rate).toLocaleString('en-US')} appends/s`,
      close: stores.close,
    }
  }
  mkdirSync(CACHE, { recursive: true })
  const t0 = performance.now()
  const seconds = () => ((performance.now() - t0) / 1000).toFixed(1)
  if (backend.id === 'pglite') {
    const cached = join(CACHE, 'pglite')
    const dir = join(tmp, 'big-pglite')
    let how: string
    if (existsSync(cached)) {
      cpSync(cached, dir, { recursive: true })
      how = `restored from ${cached} (a copy of the directory) in ${seconds()} s`
    } else {
      const db = await openPgliteDirectory({ dataDir: dir })
      const built = await buildChecked(db, createMemoryLedger({ id: 'bench-big-build' }), n)
      await db.close() // releases the directory lock before the copy
      cpSync(dir, `${cached}.tmp`, { recursive: true })
      renameSync(`${cached}.tmp`, cached)
      how = `${built} in ${seconds()} s, cached in ${cached}`
    }
    const db = await openPgliteDirectory({ dataDir: dir })
    return { store: (await createPostgresStores({ db })).accessLog({ name: 'big' }), how, close: () => db.close() }
  }
  if (!server) throw new Error('no server')
  const dump = join(CACHE, 'postgres.dump')
  const url = await server.createDatabase(`big_${Date.now()}`)
  let how: string
  if (existsSync(dump)) {
    execFileSync(join(pgBin(), 'pg_restore'), ['--no-owner', '--jobs=2', `--dbname=${url}`, dump], { stdio: 'ignore' })
    how = `restored from ${dump} (pg_restore) in ${seconds()} s`
  } else {
    const db = createPgDatabase({ pool: new pg.Pool({ connectionString: url, max: 2 }) })
    const built = await buildChecked(db, createMemoryLedger({ id: 'bench-big-build' }), n)
    await db.close()
    execFileSync(join(pgBin(), 'pg_dump'), ['--format=custom', `--file=${dump}.tmp`, `--dbname=${url}`])
    renameSync(`${dump}.tmp`, dump)
    how = `${built} in ${seconds()} s, cached in ${dump}`
  }
  const db = createPgDatabase({ pool: new pg.Pool({ connectionString: url, max: 2 }) })
  return { store: (await createPostgresStores({ db })).accessLog({ name: 'big' }), how, close: () => db.close() }
}

async function bigLog(
  ctx: BenchContext,
  backend: Backend,
  server: PostgresServer | undefined,
  tmp: string,
  peer?: { n: number; ms: number },
) {
  const n = bigSize(backend)
  const ledger = createMemoryLedger({ id: `bench-big-${backend.id}` })
  const fixture = await bigFixture(backend, server, tmp, n)
  try {
    console.log(`  (${backend.name}: the ${n.toLocaleString('en-US')}-entry log ${fixture.how})`)
    const t1 = performance.now()
    const log = await createAccessLog({ operator: vendor, ledger, name: 'big', store: fixture.store })
    await log.proveInclusion(n - 1)
    const openMs = performance.now() - t1
    if (log.size !== n) throw new Error(`the big log has ${log.size} entries`)
    ctx.record({
      name: `open a ${n.toLocaleString('en-US')}-entry log + one proof, ${backend.name}`,
      value: openMs,
      unit: 'ms',
      ...(peer !== undefined
        ? { peer: `memory stores: ${peer.ms.toFixed(1)} ms (${peer.n.toLocaleString('en-US')} entries)` }
        : {}),
    })
    return { n, ms: openMs }
  } finally {
    await fixture.close()
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
    // BENCH_STORE_ONLY=releases|storepath|appends|open runs one part
    const only = process.env.BENCH_STORE_ONLY
    if (!only || only === 'storepath') {
      const memPath = await storePath(ctx, memory, 1, undefined)
      for (const b of durable) for (const c of [1, 8, 32]) await storePath(ctx, b, c, memPath)
    }
    if (!only || only === 'releases') {
      // the custodian's signature check: the SDK's default (noble, pure JS) beside libsecp256k1 (@medseal/core/node),
      // on memory stores; the durable stores with the fast one, beside memory with the same
      const native = createNativeSecp256k1Recovery()
      const memNoble = await releases(ctx, memory, undefined)
      const memNative = await releases(ctx, memory, { value: memNoble, label: 'memory stores, noble' }, native)
      for (const b of durable)
        await releases(ctx, b, { value: memNative, label: `memory stores, ${native.name}` }, native)
    }
    if (!only || only === 'appends') {
      const memAppends = await appends(ctx, memory)
      for (const b of durable) await appends(ctx, b, memAppends)
    }
    if (!only || only === 'open') {
      const tmp = mkdtempSync(join(tmpdir(), 'medseal-bench-big-'))
      dirs.push(tmp)
      const memOpen = await bigLog(ctx, memory, server, tmp)
      for (const b of durable) await bigLog(ctx, b, server, tmp, memOpen)
    }
  } finally {
    await server?.stop()
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  }
})
