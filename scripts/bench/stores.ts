/**
 * Store benchmarks shared by every store implementation, so that `pnpm bench` measures memory, PGlite and PostgreSQL
 * the same way in one process: access-log appends/s (one by one, group-committed, batched), key releases/s through a
 * real custodian (signature check, authorization, envelope check, release + log entry in one transaction), and the
 * open of a large log (no replay). Call {@link benchStores} from a `*.bench.ts` file.
 */
import { createMemoryLedger } from '../../packages/adapters/memory/src/index.js'
import {
  type AccessEvent,
  type AccessLogStore,
  bytesToHex0x,
  type CustodianStore,
  createAccessLog,
  createCustodian,
  createDeposit,
  createKeyRequest,
  createParty,
  grantConsent,
  seal,
} from '../../packages/core/src/index.js'
import type { BenchContext } from './harness.js'

/** Fresh stores of one database for one measurement. */
export type BenchStores = {
  readonly accessLog: AccessLogStore
  readonly custodian: CustodianStore
  /** Closes the database. */
  readonly close?: () => Promise<void>
}

export type BenchStoresParameters = {
  /** Label of the implementation, e.g. `memory`, `PGlite`, `PostgreSQL`. */
  readonly label: string
  /** The peer the figures compare with (e.g. `memory`), when this is not the memory store. */
  readonly peer?: string
  /** Makes fresh, empty stores (called once per group of measurements). */
  readonly create: () => Promise<BenchStores>
  /** Entries of the large-log open (default 1,000,000). */
  readonly largeLog?: number
}

const event = (i: number): AccessEvent => ({
  actor: '0x00000000000000000000000000000000000000a1',
  action: 'read',
  commitment: `0x${'33'.repeat(32)}`,
  at: 1_700_000_000 + (i % 1_000_000),
  purpose: 'TREAT',
  outcome: 'permit',
})

/**
 * Records: `log appends/s, one by one (<label>)`, `log appends/s, 100 concurrent (group commit)`, `log appends/s,
 * batches of 1,000`, `key releases/s`, `open of an N-entry log (ms)`. Returns the figures by name.
 */
export async function benchStores(ctx: BenchContext, params: BenchStoresParameters): Promise<Record<string, number>> {
  const { label } = params
  const opts = params.peer ? { peer: params.peer } : {}
  const out: Record<string, number> = {}
  const ledger = createMemoryLedger({ id: `bench-${label}` })
  const operator = createParty()

  {
    const stores = await params.create()
    const log = await createAccessLog({ operator, ledger, name: 'bench', store: stores.accessLog })
    let i = 0
    out.single = await ctx.ops(`log appends/s, one by one (${label})`, () => log.append(event(i++)), opts)
    const concurrent = await ctx.ops(
      `log appends, 100 concurrent (group commit) (${label}) ×100`,
      () => Promise.all(Array.from({ length: 100 }, () => log.append(event(i++)))),
      opts,
    )
    out.concurrent = concurrent * 100
    ctx.record({
      name: `log appends/s, 100 concurrent (group commit) (${label})`,
      value: out.concurrent,
      unit: 'ops/s',
      ...opts,
    })
    const batch = Array.from({ length: 1000 }, (_, j) => event(j))
    const batched = await ctx.ops(`log batches of 1,000 (${label})`, () => log.appendBatch(batch), opts)
    out.batched = batched * 1000
    ctx.record({ name: `log appends/s, batches of 1,000 (${label})`, value: out.batched, unit: 'ops/s', ...opts })
    await stores.close?.()
  }

  {
    const stores = await params.create()
    const [patient, doctor, vendor] = [createParty(), createParty(), createParty()]
    const log = await createAccessLog({ operator: vendor, ledger, name: 'releases', store: stores.accessLog })
    const custodian = createCustodian({ party: vendor, ledger, log, store: stores.custodian })
    const sealed = await seal(
      { resourceType: 'Observation', status: 'final', code: { text: 'Body temperature' } },
      { recipients: [patient, custodian.identity] },
    )
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
    const commitment = bytesToHex0x(sealed.commitment)
    const issuedAt = await ledger.getTime()
    out.releases = await ctx.ops(
      `key releases/s (${label})`,
      () =>
        custodian.releaseKey(
          createKeyRequest(doctor, ledger.domain, {
            consentId: token.consent.id,
            grantor: patient.address,
            commitment,
            action: 'read',
            purpose: 'TREAT',
            issuedAt,
          }),
        ),
      opts,
    )
    await stores.close?.()
  }

  {
    const n = params.largeLog ?? 1_000_000
    const stores = await params.create()
    const batch = 10_000
    const writer = await createAccessLog({ operator, ledger, name: 'large', store: stores.accessLog })
    for (let i = 0; i < n; i += batch) {
      await writer.appendBatch(Array.from({ length: Math.min(batch, n - i) }, (_, j) => event(i + j)))
    }
    const t = performance.now()
    const log = await createAccessLog({ operator, ledger, name: 'large', store: stores.accessLog })
    await log.proveInclusion(n - 1)
    out.open = performance.now() - t
    if (log.size !== n) throw new Error('the large log did not open at its size')
    ctx.record({
      name: `open of a ${n.toLocaleString('en-US')}-entry log + one proof (${label})`,
      value: out.open,
      unit: 'ms',
      ...opts,
    })
    await stores.close?.()
  }
  return out
}
