/**
 * One custodian process of the scaled-out release bench (`scaled.bench.ts`, run with tsx): it opens the stores on the
 * shared PostgreSQL database, a copy of the parent's memory ledger (the consent; a fixed clock) and a custodian with
 * libsecp256k1 and node:crypto HPKE, releases its warm-up requests, prints `{"ready":…}`, waits for `go` on stdin,
 * releases its timed requests with `inFlight` in flight, prints `{"done":…}` with its own CPU time over the timed
 * part, and exits.
 * Every request was signed by the parent (signing is the clients' cost). Any refused release is a failure (exit 1).
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { createInterface } from 'node:readline'
import { createMemoryLedger } from '@medseal/adapter-memory'
import {
  type CustodianStore,
  createAccessLog,
  createCustodian,
  createParty,
  type SignedKeyRequest,
} from '@medseal/core'
import { createNativeHpke, createNativeSecp256k1Recovery } from '@medseal/core/node'
import { createPostgresStores } from '@medseal/store-postgres'
import { createPgDatabase } from '@medseal/store-postgres/node'
import pg from 'pg'

/** What the parent passes in `MEDSEAL_SCALED_CONFIG`. */
export type ScaledWorkerConfig = {
  /** The database's connection string. */
  readonly url: string
  /** The access log's name. */
  readonly logName: string
  /** The memory ledger's id, snapshot file and fixed clock (Unix seconds): the same ledger as the parent's. */
  readonly ledgerId: string
  readonly ledgerSnapshot: string
  readonly now: number
  /** The custodian's party seed (fills 32 bytes). */
  readonly custodianSeed: number
  /** A JSON file of signed requests: the first `warmup` are released before `ready`, the rest after `go`. */
  readonly requests: string
  readonly warmup: number
  /** Releases in flight at once (also the pool's size). */
  readonly inFlight: number
}

/** The store without its folded entry read and replay check. */
const unfolded = ({ getEntryAndRememberRequest, forgetRequest, ...rest }: CustodianStore): CustodianStore => rest

const config = JSON.parse(process.env.MEDSEAL_SCALED_CONFIG ?? '{}') as ScaledWorkerConfig
const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`)

const snapshot = readFileSync(config.ledgerSnapshot, 'utf8')
const ledger = createMemoryLedger({
  id: config.ledgerId,
  now: () => config.now,
  store: { read: () => snapshot, write: () => {} },
})
const db = createPgDatabase({ pool: new pg.Pool({ connectionString: config.url, max: config.inFlight }) })
try {
  const stores = await createPostgresStores({ db })
  const vendor = createParty({ seed: new Uint8Array(32).fill(config.custodianSeed) })
  const log = await createAccessLog({
    operator: vendor,
    ledger,
    name: config.logName,
    store: stores.accessLog({ name: config.logName }),
  })
  const custodian = createCustodian({
    party: vendor,
    ledger,
    log,
    // BENCH_SCALED_UNFOLDED=1: the entry read and the replay check as two store calls (an A/B of the folded call)
    store: process.env.BENCH_SCALED_UNFOLDED === '1' ? unfolded(stores.custodian) : stores.custodian,
    secp256k1: createNativeSecp256k1Recovery(),
    hpke: createNativeHpke(),
  })
  const requests = JSON.parse(readFileSync(config.requests, 'utf8')) as SignedKeyRequest[]
  const run = async (list: readonly SignedKeyRequest[]) => {
    let next = 0
    await Promise.all(
      Array.from({ length: config.inFlight }, async () => {
        while (next < list.length) {
          const { decision } = await custodian.releaseKey(list[next++] as SignedKeyRequest)
          if (!decision.allowed) throw new Error('a release was refused')
        }
      }),
    )
  }
  await run(requests.slice(0, config.warmup))
  const lines = createInterface({ input: process.stdin })
  say({ ready: true, pid: process.pid })
  for await (const line of lines) if (line.trim() === 'go') break
  // BENCH_SCALED_PROFILE=DIR: a CPU profile of the timed part only (node:inspector), written to DIR/<pid>.cpuprofile
  const profileDir = process.env.BENCH_SCALED_PROFILE
  const session = profileDir ? new Session() : undefined
  if (session) {
    session.connect()
    await session.post('Profiler.enable')
    await session.post('Profiler.start')
  }
  const cpu = process.cpuUsage()
  await run(requests.slice(config.warmup))
  const used = process.cpuUsage(cpu)
  if (session) {
    const { profile } = await session.post('Profiler.stop')
    writeFileSync(`${profileDir}/${process.pid}.cpuprofile`, JSON.stringify(profile))
    session.disconnect()
  }
  say({ done: requests.length - config.warmup, cpuUs: used.user + used.system })
  lines.close()
} finally {
  await db.close()
}
