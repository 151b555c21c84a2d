import { Worker } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BundledSealWorker, bundleSealWorker } from '../../../../scripts/testing/sealWorker.js'
import { bytesToHex } from '../bytes/index.js'
import { EnvelopeError, InvalidArgumentError } from '../errors/base.js'
import { createParty } from '../identity/createParty.js'
import { createSealPool } from './createSealPool.js'
import { createVaultKey } from './createVaultKey.js'
import { encodeEnvelope } from './encodeEnvelope.js'
import { open } from './open.js'
import { unwrapDataKey } from './unwrapDataKey.js'

/** The seal worker, bundled from its TypeScript source as a package build would (Node cannot load .ts). */
let worker: BundledSealWorker
beforeAll(async () => {
  worker = await bundleSealWorker()
})
afterAll(() => worker.remove())
const spawn = () => worker.spawn()

const items = Array.from({ length: 600 }, (_, i) => ({
  resourceType: 'Observation',
  id: `o${i}`,
  status: 'final',
  valueQuantity: { value: i, unit: '/min' },
}))

describe('createSealPool in Node (worker_threads)', () => {
  it('seals in order across workers; every record opens and has its own data key', async () => {
    const pool = createSealPool({ spawn, size: 2 })
    try {
      const [patient, custodian, doctor] = [createParty(), createParty(), createParty()]
      const recipients = [createVaultKey({ party: patient }), createVaultKey({ party: custodian })]
      const sealed = await pool.sealBatch(items, { recipients })
      expect(sealed).toHaveLength(items.length)
      const keys = new Set<string>()
      for (const i of [0, 1, 255, 256, 511, 599]) {
        const s = sealed[i]!
        const opened = await open(encodeEnvelope(s.envelope), patient)
        expect(opened.value).toEqual(items[i])
        expect(opened.commitment).toEqual(s.commitment)
        expect(opened.contentId.toString()).toBe(s.contentId.toString())
        keys.add(bytesToHex(await unwrapDataKey(s.envelope, custodian)))
      }
      expect(keys.size).toBe(6)
      // HPKE recipients and a second call reuse the running workers
      const mixed = await pool.sealBatch(items.slice(0, 10), { recipients: [recipients[0]!, doctor] })
      expect((await open(mixed[9]!.envelope, doctor)).value).toEqual(items[9])
      // input errors are thrown here, as sealBatch throws them
      await expect(pool.sealBatch([() => 1], { recipients })).rejects.toBeInstanceOf(InvalidArgumentError)
      await expect(pool.sealBatch(items, { recipients: [] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    } finally {
      await pool.close()
    }
    await expect(pool.sealBatch(items, { recipients: [createParty()] })).rejects.toMatchObject({
      code: 'WORKER_FAILED',
    })
  })

  it('a worker that dies fails the batch with WORKER_FAILED (nothing half-returned)', async () => {
    const pool = createSealPool({
      spawn: () => new Worker('process.exit(3)', { eval: true }),
      size: 1,
    })
    try {
      const err = await pool.sealBatch(items, { recipients: [createParty()] }).catch((e) => e)
      expect(err).toBeInstanceOf(EnvelopeError)
      expect(err.code).toBe('WORKER_FAILED')
    } finally {
      await pool.close()
    }
  })

  it('rejects bad parameters', () => {
    expect(() => createSealPool({} as never)).toThrow(expect.objectContaining({ code: 'INVALID_TYPE' }))
    expect(() => createSealPool({ spawn, size: 0 })).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }))
    expect(() => createSealPool({ spawn, size: 65 })).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }))
  })
})
