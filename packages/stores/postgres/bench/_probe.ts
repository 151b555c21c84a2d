import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bytesToHex0x, encodeAccessEvent, leafHash } from '@medseal/core'
import { createPostgresStores } from '@medseal/store-postgres'
import { openPgliteDirectory } from '@medseal/store-postgres/node'

const db = await openPgliteDirectory({ dataDir: mkdtempSync(join(tmpdir(), 'probe-')) })
const stores = await createPostgresStores({ db })
const log = stores.accessLog({ name: 'p' })
const c = bytesToHex0x(new Uint8Array(32).fill(7))
await stores.custodian.insertEntry({
  commitment: c,
  owner: '0x00000000000000000000000000000000000000b1',
  resourceType: 'O',
  labels: [],
})
const N = 300
const time = async (name: string, fn: (i: number) => Promise<unknown>) => {
  const t = performance.now()
  for (let i = 0; i < N; i++) await fn(i)
  console.log(name, ((performance.now() - t) / N).toFixed(2), 'ms')
}
await time('select 1', () => db.query('SELECT 1'))
await time('getEntry', () => stores.custodian.getEntry(c))
await time('empty tx', () => db.transaction(async (tx) => tx.query('SELECT 1')))
await time('remember', (i) =>
  stores.custodian.rememberRequest({
    digest: bytesToHex0x(leafHash(new Uint8Array([i, i >> 8, 3]))),
    until: 2e9,
    now: 1.7e9,
  }),
)
const leaf = (i: number) => {
  const d = encodeAccessEvent({
    actor: '0x00000000000000000000000000000000000000a1',
    action: 'read',
    commitment: c,
    at: 1.7e9 + i,
    purpose: 'TREAT',
    outcome: 'permit',
  })
  return { leafData: d, leafHash: leafHash(d) }
}
await time('append', (i) => log.append([leaf(i)]))
await time('commitRelease', (i) =>
  stores.custodian.commitRelease({
    release: {
      consentKey: c,
      consentId: c,
      grantor: '0x00000000000000000000000000000000000000b1',
      commitment: c,
      grantee: '0x00000000000000000000000000000000000000b1',
      encryptionKey: c,
      at: i,
    },
    log: { store: log, leaf: leaf(i + 1000) },
  }),
)
await db.close()
