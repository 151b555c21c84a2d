/**
 * The portal's model over stores, without a page: a second `createPortal` over the same stores (a reload) reads the
 * records back instead of sealing them again, and finishes a revocation the ledger holds but the first one did not
 * note (its tab closed between the ledger write and the purge).
 */
import { createMemoryLedger } from '@medseal/adapter-memory'
import {
  createMemoryAccessLogStore,
  createMemoryAnchorStore,
  createMemoryCustodianStore,
  createMemorySyncCheckpointStore,
  createParty,
  revokeConsent,
} from '@medseal/core'
import { expect, it } from 'vitest'
import type { GrantStore, StoredGrant } from './grantStore.js'
import { createPortal } from './portal.js'

it('a reload over the same stores: the same records, and an unfinished revocation is finished', async () => {
  const ledger = createMemoryLedger({ id: 'portal-model' })
  const [patient, doctor, operator] = [createParty(), createParty(), createParty()]
  let saved: StoredGrant | undefined
  const grants: GrantStore = {
    get: async () => saved,
    put: async (g) => {
      saved = { v: 1, ...g }
    },
  }
  const stores = {
    accessLog: createMemoryAccessLogStore(),
    custodian: createMemoryCustodianStore(),
    anchor: createMemoryAnchorStore(),
    records: createMemorySyncCheckpointStore(),
    grants,
  }
  const first = await createPortal(ledger, { patient, doctor, operator, stores })
  expect(first.records.map((r) => r.error)).toEqual([undefined, undefined, undefined, undefined, undefined])
  const token = await first.grantAccess({ resourceTypes: ['Observation'], durationSeconds: 3600 })
  expect(saved).toMatchObject({ revoked: false })
  const read = await first.doctorRead(first.records[1]?.commitment as `0x${string}`, first.grant as string)
  expect(read.ok).toBe(true)

  // the revocation reaches the ledger; the tab closes before the custodian's purge and the local note
  await revokeConsent(ledger, { party: patient, consentId: token.consent.id })

  const second = await createPortal(ledger, { patient, doctor, operator, stores })
  expect(second.records.map((r) => r.commitment)).toEqual(first.records.map((r) => r.commitment))
  expect(second.records.every((r) => r.verified)).toBe(true)
  expect(second.revoked).toBe(true)
  expect(saved).toMatchObject({ revoked: true })
  const refused = await second.doctorRead(second.records[1]?.commitment as `0x${string}`, second.grant as string)
  expect(refused).toMatchObject({ ok: false, code: 'CONSENT_REVOKED' })
})
