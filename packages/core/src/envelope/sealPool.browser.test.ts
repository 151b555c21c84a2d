import { expect, it } from 'vitest'
import { createParty } from '../identity/createParty.js'
import { createSealPool } from './createSealPool.js'
import { createVaultKey } from './createVaultKey.js'
import { open } from './open.js'

it('createSealPool in a browser (Web Workers) seals in order across workers', async () => {
  const pool = createSealPool({
    spawn: () => new Worker(new URL('./_sealBrowserWorker.ts', import.meta.url), { type: 'module' }),
    size: 2,
  })
  try {
    const patient = createParty()
    const custodian = createParty()
    const items = Array.from({ length: 300 }, (_, i) => ({ resourceType: 'Observation', id: `o${i}` }))
    const sealed = await pool.sealBatch(items, {
      recipients: [createVaultKey({ party: patient }), createVaultKey({ party: custodian })],
    })
    expect(sealed).toHaveLength(300)
    for (const i of [0, 255, 256, 299]) expect((await open(sealed[i]!.envelope, custodian)).value).toEqual(items[i])
  } finally {
    await pool.close()
  }
  await expect(pool.sealBatch([{ a: 1 }], { recipients: [createParty()] })).rejects.toMatchObject({
    code: 'WORKER_FAILED',
  })
})
