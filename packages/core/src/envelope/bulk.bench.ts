/**
 * `pnpm bench "seal bulk"`: sealing many small records (~850-byte Synthea Observations) to a patient and a
 * custodian, in records/s, beside the per-record limit measured in the same process and the same rounds:
 * canonicalize + AES-256-GCM under a fresh key + HMAC-SHA256 + SHA-256, all WebCrypto, no key wraps at all.
 * Rounds alternate (limit, HPKE seal, vault sealBatch), so load on a shared machine hits all of them alike.
 */
import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { env } from 'node:process'
import { fileURLToPath } from 'node:url'
import { defineBench } from '../../../../scripts/bench/harness.js'
import { bundleSealWorker } from '../../../../scripts/testing/sealWorker.js'
import { canonicalizeToBytes } from '../canonical/canonicalize.js'
import { createParty } from '../identity/createParty.js'
import { createSealPool } from './createSealPool.js'
import { createVaultKey } from './createVaultKey.js'
import { seal } from './seal.js'
import { sealBatch } from './sealBatch.js'

const file = 'Alejandro_Riojas_a9fcc685-c7a2-4474-bf25-26c8fe4b48f9.json'
const text = readFileSync(
  fileURLToPath(new URL(`../../../../../shared/vectors/fhir/synthea/${file}`, import.meta.url)),
  'utf8',
)
const subtle = globalThis.crypto.subtle
const ROUNDS = Number(env.BENCH_BULK_ROUNDS ?? 6)
const BATCH = 500

/** The per-record limit: the same passes a seal makes over the payload, WebCrypto, without any key wrap. */
async function limitOne(value: unknown): Promise<void> {
  const canonical = canonicalizeToBytes(value)
  const dataKey = crypto.getRandomValues(new Uint8Array(32))
  const salt = crypto.getRandomValues(new Uint8Array(32))
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const pt = new Uint8Array(32 + canonical.length)
  pt.set(salt, 0)
  pt.set(canonical, 32)
  const key = await subtle.importKey('raw', dataKey, 'AES-GCM', false, ['encrypt'])
  await subtle.encrypt({ name: 'AES-GCM', iv, additionalData: new Uint8Array(71) }, key, pt)
  const hk = await subtle.importKey('raw', salt, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  await subtle.sign('HMAC', hk, canonical)
  await subtle.digest('SHA-256', canonical)
}

defineBench('seal bulk', async (ctx) => {
  const bundle = JSON.parse(text) as { entry: { resource: { resourceType: string } }[] }
  const all = bundle.entry.map((e) => e.resource).filter((r) => r.resourceType === 'Observation')
  const records = Array.from({ length: BATCH }, (_, i) => all[i % all.length])
  const mean = records.reduce((n, r) => n + canonicalizeToBytes(r).length, 0) / records.length
  console.log(`  (${records.length} Synthea Observations per round, mean ${Math.round(mean)} B canonical)`)
  const patient = createParty()
  const custodian = createParty()
  const vaults = [createVaultKey({ party: patient }), createVaultKey({ party: custodian })]
  // the pool's worker module, bundled from source as a package build would
  const worker = await bundleSealWorker()
  const cores = availableParallelism()
  const pool = createSealPool({ spawn: worker.spawn, size: cores })
  const times = { limit: 0, hpke: 0, vault: 0, pool: 0 }
  const run = {
    pool: async () => {
      await pool.sealBatch(records, { recipients: vaults })
    },
    limit: async () => {
      for (const r of records) await limitOne(r)
    },
    hpke: async () => {
      for (const r of records) await seal(r, { recipients: [patient, custodian] })
    },
    vault: async () => {
      await sealBatch(records, { recipients: vaults })
    },
  }
  for (const k of ['limit', 'hpke', 'vault', 'pool'] as const) await run[k]() // warm-up
  for (let i = 0; i < ROUNDS; i++)
    for (const k of ['limit', 'hpke', 'vault', 'pool'] as const) {
      const t = performance.now()
      await run[k]()
      times[k] += performance.now() - t
    }
  const rate = (ms: number) => (records.length * ROUNDS * 1000) / ms
  ctx.record({
    name: 'per-record limit: canonicalize + AES-GCM + HMAC + SHA-256 (WebCrypto, no wraps)',
    value: rate(times.limit),
    unit: 'records/s',
    peer: 'limit',
  })
  ctx.record({
    name: 'seal, patient + custodian by HPKE, one call per record',
    value: rate(times.hpke),
    unit: 'records/s',
  })
  ctx.record({ name: 'sealBatch, patient + custodian vault keys', value: rate(times.vault), unit: 'records/s' })
  ctx.record({
    name: `createSealPool (${cores} worker_threads), patient + custodian vault keys`,
    value: rate(times.pool),
    unit: 'records/s',
  })
  await pool.close()
  worker.remove()
  console.log(`  pool at ${((100 * times.limit) / times.pool).toFixed(0)}% of the (one-thread) limit`)
  console.log(
    `  vault sealBatch at ${((100 * times.limit) / times.vault).toFixed(0)}% of the limit; HPKE seal at ${((100 * times.limit) / times.hpke).toFixed(0)}%`,
  )
})
